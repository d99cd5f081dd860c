//! Macros shared by the crate's modules (a leaf, imported as
//! `crate::macros::...`).

/// Declares modules that are internal to the crate, except that the `train`
/// feature (which `arabic-text-train` turns on) makes them public, hidden from
/// the documentation: the trainer and the evaluations need the tagger's
/// internals, a caller of the library does not.
macro_rules! internal_mods {
    ($($name:ident;)*) => {$(
        #[cfg(feature = "train")]
        #[doc(hidden)]
        pub mod $name;
        // Without the trainer, its helpers in these modules (the network's
        // training step, sample types, the random source) are unused.
        #[cfg(not(feature = "train"))]
        #[allow(dead_code)]
        pub(crate) mod $name;
    )*};
}
pub(crate) use internal_mods;
