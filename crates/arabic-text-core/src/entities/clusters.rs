//! Word clusters learned from unlabelled text: every known folded form and
//! every clitic-free stem (`stem_with_article`) has a bit path in a binary
//! tree of clusters (Brown-style: a path's prefix of length `p` names one of
//! `2^p` clusters, and words with a long common prefix behave alike). The
//! tagger uses prefixes of several lengths as features, so an unseen name
//! shares weights with the names that occur in the same contexts.
//!
//! The file (gzip): `ARCLU001`, the depth (u8), then the forms and the stems,
//! each as a u32 count and entries `len: u8, UTF-8 bytes, path: u16` sorted by
//! text. `train-embeddings` (crate arabic-text-train) writes it.

use rustc_hash::FxHashMap as FxMap;

use super::binio::{Reader, invalid};
use crate::error::ModelError;

const MAGIC: &[u8; 8] = b"ARCLU001";

/// The deepest tree the 16-bit paths hold.
pub const MAX_DEPTH: u8 = 16;

/// Cluster paths of forms and stems.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clusters {
    /// Bits per path (the tree's depth).
    pub depth: u8,
    /// Folded form → path.
    pub forms: FxMap<String, u16>,
    /// Clitic-free folded stem → path.
    pub stems: FxMap<String, u16>,
}

impl Clusters {
    /// The first `bits` bits of a path, as a feature value (`bits` ≤ depth).
    pub fn prefix(&self, path: u16, bits: u8) -> u16 {
        let bits = bits.min(self.depth);
        if bits == 0 {
            0
        } else {
            path >> (self.depth - bits)
        }
    }

    /// Serializes the clusters, gzip'd (entries sorted, so deterministic).
    pub fn to_bytes(&self) -> Result<Vec<u8>, std::io::Error> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.push(self.depth);
        for table in [&self.forms, &self.stems] {
            let mut rows: Vec<(&String, &u16)> =
                table.iter().filter(|(w, _)| w.len() <= 255).collect();
            rows.sort();
            raw.extend_from_slice(&(rows.len() as u32).to_le_bytes());
            for (w, p) in rows {
                raw.push(w.len() as u8);
                raw.extend_from_slice(w.as_bytes());
                raw.extend_from_slice(&p.to_le_bytes());
            }
        }
        crate::gz::compress(&raw)
    }

    /// Reads clusters written by [`Clusters::to_bytes`].
    pub fn from_bytes(name: &str, gz: &[u8]) -> Result<Clusters, ModelError> {
        let bad = invalid(name);
        let raw = crate::gz::decompress(name, gz)?;
        let mut r = Reader::at(&raw, 0);
        if r.take(8) != Some(MAGIC.as_slice()) {
            return Err(bad("not an arabic-text cluster file (magic)"));
        }
        let trunc = || bad("truncated");
        let depth = r.u8().ok_or_else(trunc)?;
        if depth > MAX_DEPTH {
            return Err(bad("depth over 16"));
        }
        let mut tables = [FxMap::default(), FxMap::default()];
        for table in &mut tables {
            let n = r.u32().ok_or_else(trunc)? as usize;
            table.reserve(n.min(raw.len() / 4));
            for _ in 0..n {
                let len = usize::from(r.u8().ok_or_else(trunc)?);
                let w = r.take(len).ok_or_else(trunc)?;
                let w = std::str::from_utf8(w).map_err(|_| bad("word is not UTF-8"))?;
                let path = r.u16().ok_or_else(trunc)?;
                table.insert(w.to_string(), path);
            }
        }
        let [forms, stems] = tables;
        Ok(Clusters {
            depth,
            forms,
            stems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_survive_serialization_and_prefixes_cut_paths() {
        let mut c = Clusters {
            depth: 12,
            ..Clusters::default()
        };
        c.forms.insert("بغداد".into(), 0b1010_1100_0011);
        c.stems.insert("العراق".into(), 0b1010_1100_0001);
        let again = Clusters::from_bytes("t", &c.to_bytes().expect("bytes")).expect("read");
        assert_eq!(again, c);
        assert_eq!(c.prefix(0b1010_1100_0011, 4), 0b1010);
        assert_eq!(c.prefix(0b1010_1100_0011, 12), 0b1010_1100_0011);
        assert_eq!(c.prefix(0b1010_1100_0011, 0), 0);
        assert!(Clusters::from_bytes("x", b"junk").is_err());
    }
}
