//! Reading and writing the binary model files of the entity tagger (the
//! tagger, its character network, the encoder, the vectors and the clusters):
//! little-endian numbers, a bounds-checked [`Reader`], the
//! [`ModelError`] they all report, the identity hash recorded between files,
//! and the decode-once cell of an embedded file. One place, so the five
//! formats cannot read a number five ways.

use std::sync::{Arc, OnceLock};

use crate::error::ModelError;

/// A [`Reader`] method per number type, each reading the next
/// little-endian value of that type.
macro_rules! le_readers {
    ($($(#[$doc:meta])* $t:ident;)*) => {$(
        $(#[$doc])*
        pub(crate) fn $t(&mut self) -> Option<$t> {
            self.arr().map($t::from_le_bytes)
        }
    )*};
}

/// A reader over a decompressed model file: every read is bounds-checked
/// and gives `None` past the end.
pub(crate) struct Reader<'a> {
    /// The file's bytes.
    b: &'a [u8],
    /// Where the next read starts.
    pub(crate) p: usize,
}

impl<'a> Reader<'a> {
    /// A reader at offset `p` of `b`.
    pub(crate) fn at(b: &'a [u8], p: usize) -> Self {
        Self { b, p }
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(s)
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.b.get(self.p..).unwrap_or(&[])
    }

    /// The next `N` bytes as an array.
    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    le_readers! {
        /// The next byte.
        u8;
        /// The next little-endian u16.
        u16;
        /// The next little-endian i16.
        i16;
        /// The next little-endian u32.
        u32;
        /// The next little-endian u64.
        u64;
        /// The next little-endian f32.
        f32;
    }

    /// The next `n` little-endian f32s.
    pub(crate) fn f32s(&mut self, n: usize) -> Option<Vec<f32>> {
        Some(floats(self.take(n.checked_mul(4)?)?))
    }

    /// The next `len` bytes as UTF-8 text.
    pub(crate) fn str(&mut self, len: usize) -> Option<&'a str> {
        std::str::from_utf8(self.take(len)?).ok()
    }
}

/// Little-endian f32s (a trailing partial value is ignored).
pub(crate) fn floats(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Appends `xs` as little-endian f32s.
pub(crate) fn put_f32s<'a>(raw: &mut Vec<u8>, xs: impl IntoIterator<Item = &'a f32>) {
    for x in xs {
        raw.extend_from_slice(&x.to_le_bytes());
    }
}

/// The error of model file `name`: `invalid(name)("reason")`.
pub(crate) fn invalid(name: &str) -> impl Fn(&str) -> ModelError + '_ {
    move |reason: &str| ModelError::Invalid {
        name: name.to_string(),
        reason: reason.to_string(),
    }
}

/// FNV-1a (64 bits) of `bytes`: the identity one model file records of
/// another (the vectors an encoder was trained on, the clusters and lists a
/// tagger was trained with), so that it is never run with others.
pub(crate) const fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_from(0xcbf2_9ce4_8422_2325, bytes)
}

/// [`fnv1a`] continued from state `h` (to hash several files as one).
pub(crate) const fn fnv1a_from(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ bytes[i] as u64).wrapping_mul(0x100_0000_01b3);
        i += 1;
    }
    h
}

/// The embedded file decoded by `decode` once per process and shared; its
/// error (kept as text, so every caller gets it) names the file `name`.
pub(crate) fn decoded_once<T>(
    cell: &'static OnceLock<Result<Arc<T>, String>>,
    name: &str,
    decode: impl FnOnce() -> Result<T, ModelError>,
) -> Result<Arc<T>, ModelError> {
    cell.get_or_init(|| decode().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|reason| ModelError::Invalid {
            name: name.to_string(),
            reason,
        })
}

/// The text of a gzip'd test check file (a trainer's own outputs that a
/// test compares the run-time code with).
#[cfg(test)]
pub(crate) fn check_text(gz: &[u8]) -> String {
    let raw = crate::gz::decompress("check", gz).expect("check file");
    String::from_utf8(raw).expect("utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end_and_numbers_round_trip() {
        let mut raw = Vec::new();
        raw.extend_from_slice(&7u32.to_le_bytes());
        put_f32s(&mut raw, &[1.5f32, -2.0]);
        raw.extend_from_slice("نص".as_bytes());
        let mut r = Reader::at(&raw, 0);
        assert_eq!(r.u32(), Some(7));
        assert_eq!(r.f32s(2), Some(vec![1.5, -2.0]));
        assert_eq!(r.str(4), Some("نص"));
        assert_eq!(r.u8(), None);
        assert!(r.rest().is_empty());
        assert_eq!(Reader::at(&raw, 2).u32(), Some(0));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
        assert_eq!(fnv1a_from(fnv1a(b"ab"), b"c"), fnv1a(b"abc"));
    }
}
