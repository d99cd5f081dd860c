//! The errors every module of the crate may return: a leaf, so that the
//! modules that load models import it without reaching up to `lib.rs`.

/// A model or data file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read.
    #[error("cannot read model {path}: {source}")]
    Io {
        /// The file, as the caller named it.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file's content is not a valid model.
    #[error("invalid model {name}: {reason}")]
    Invalid {
        /// The model's file name, so the message says which one.
        name: String,
        /// What is wrong with it (format, size, checksum ...).
        reason: String,
    },
}
