//! gzip for the embedded model files: one way to write them (best
//! compression, no timestamp, so a retrain gives the same bytes) and one
//! way to read them.

use std::io::{Read, Write};

use crate::error::ModelError;

/// `raw`, gzip-compressed (deterministic: flate2 writes mtime 0).
pub(crate) fn compress(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(raw)?;
    enc.finish()
}

/// The decompressed bytes of the model file `name`.
pub(crate) fn decompress(name: &str, gz: &[u8]) -> Result<Vec<u8>, ModelError> {
    let mut raw = Vec::with_capacity(gz.len().saturating_mul(4));
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut raw)
        .map_err(|e| ModelError::Invalid {
            name: name.to_owned(),
            reason: format!("gzip: {e}"),
        })?;
    Ok(raw)
}
