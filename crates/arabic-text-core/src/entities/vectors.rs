//! Subword vectors learned from the unlabelled text (`models/ner-vectors.bin.gz`,
//! written by `crates/arabic-text-train/scripts/vectors/train-vectors.sh`
//! with floret, fastText's skip-gram in its "floret" mode): a word's vector
//! is the mean of the rows its subwords hash to, so a word the trainer never
//! saw still gets one from its character n-grams.
//!
//! The subwords of a word are the word in boundary marks (`<word>`) and its
//! character n-grams of `minn` to `maxn` chars (marks included); each is
//! hashed with MurmurHash3 (x64, 128 bits, floret's seed) and its first
//! `hash_count` 32-bit parts, modulo the number of rows, name its rows.
//! This reproduces the trainer's hashing exactly: the test compares the rows
//! and vectors with floret's own on the words of
//! `tests/data/vectors-check.tsv.gz`.
//!
//! The file (gzip): `ARVEC01\n`, then u32 little-endian `dim`, `rows`,
//! `minn`, `maxn`, `hash_count` and the length of the settings (JSON: every
//! setting the trainer ran with), the settings, `rows` f32 scales, and
//! `rows × dim` i8 values (a row is its scale times its values).

use std::sync::{Arc, OnceLock};

use super::binio::{Reader, decoded_once, floats, fnv1a, invalid};
use crate::error::ModelError;

/// floret's MurmurHash3 seed (fastText's FNV offset basis, reused).
const HASH_SEED: u64 = 2_166_136_261;

/// The file's first bytes.
const MAGIC: &[u8; 8] = b"ARVEC01\n";

/// The committed vectors.
static EMBEDDED: &[u8] = include_bytes!("../../../../models/ner-vectors.bin.gz");

/// A table of hashed subword rows, quantized to i8 with a scale per row.
#[derive(Debug)]
pub struct Vectors {
    /// Values per vector.
    dim: usize,
    /// Number of rows (floret's buckets).
    rows: usize,
    /// Shortest n-gram, in chars (boundary marks included).
    minn: usize,
    /// Longest n-gram.
    maxn: usize,
    /// Rows per subword (1 to 4).
    hash_count: usize,
    /// The trainer's settings, as the file records them (JSON).
    settings: String,
    /// Scale of each row.
    scales: Vec<f32>,
    /// `rows × dim` values.
    values: Vec<i8>,
    /// FNV-1a of the decompressed file: what an encoder trained on these
    /// vectors records, so that it is never run on others.
    fingerprint: u64,
}

impl Vectors {
    /// Reads a gzip'd vectors file.
    pub fn from_gz(name: &str, gz: &[u8]) -> Result<Self, ModelError> {
        let raw = crate::gz::decompress(name, gz)?;
        Self::from_raw(name, &raw)
    }

    /// The committed vectors (`models/ner-vectors.bin.gz`), decoded once.
    pub fn embedded() -> Result<Arc<Vectors>, ModelError> {
        static V: OnceLock<Result<Arc<Vectors>, String>> = OnceLock::new();
        let name = "embedded ner-vectors.bin.gz";
        decoded_once(&V, name, || Self::from_gz(name, EMBEDDED))
    }

    /// Reads the decompressed file `raw` (`name` for errors).
    fn from_raw(name: &str, raw: &[u8]) -> Result<Self, ModelError> {
        let bad = invalid(name);
        let rest = raw
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("not a vectors file"))?;
        let mut r = Reader::at(rest, 0);
        let mut head = [0usize; 6];
        for h in head.iter_mut() {
            *h = r.u32().ok_or_else(|| bad("truncated"))? as usize;
        }
        let [dim, rows, minn, maxn, hash_count, meta] = head;
        if !(1..=1024).contains(&dim)
            || !(1..=1 << 24).contains(&rows)
            || !(1..=maxn).contains(&minn)
            || maxn > 16
            || !(1..=4).contains(&hash_count)
        {
            return Err(bad("settings out of range"));
        }
        let settings = r.take(meta).ok_or_else(|| bad("truncated"))?;
        let settings = String::from_utf8(settings.to_vec()).map_err(|_| bad("settings"))?;
        let rest = r.rest();
        if rest.len() != rows * 4 + rows * dim {
            return Err(bad("table size does not match its header"));
        }
        let (s, v) = rest.split_at(rows * 4);
        Ok(Self {
            dim,
            rows,
            minn,
            maxn,
            hash_count,
            settings,
            scales: floats(s),
            values: v.iter().map(|&b| b as i8).collect(),
            fingerprint: fnv1a(raw),
        })
    }

    /// Values per vector.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The trainer's settings (JSON).
    pub fn settings(&self) -> &str {
        &self.settings
    }

    /// Identifies the file (see [`Vectors::fingerprint`]'s field).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Appends the rows of `word`'s subwords to `out`, in floret's order:
    /// for each subword (`<word>` first, then the n-grams by start and
    /// length), its `hash_count` rows.
    pub fn subword_rows(&self, word: &str, out: &mut Vec<u32>) {
        let mut marked = String::with_capacity(word.len() + 2);
        marked.push('<');
        marked.push_str(word);
        marked.push('>');
        self.push_rows(marked.as_bytes(), out);
        // Char starts, and the end.
        let starts: Vec<usize> = marked
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(marked.len()))
            .collect();
        let chars = starts.len() - 1;
        for i in 0..chars {
            for n in self.minn..=self.maxn {
                let Some(&end) = starts.get(i + n) else {
                    break;
                };
                // fastText leaves out the lone boundary marks (n = 1).
                if n == 1 && (i == 0 || i + 1 == chars) {
                    continue;
                }
                self.push_rows(&marked.as_bytes()[starts[i]..end], out);
            }
        }
    }

    fn push_rows(&self, bytes: &[u8], out: &mut Vec<u32>) {
        let (h1, h2) = murmur3_x64_128(bytes, HASH_SEED);
        let parts = [h1 as u32, (h1 >> 32) as u32, h2 as u32, (h2 >> 32) as u32];
        for &p in parts.iter().take(self.hash_count) {
            out.push(p % self.rows as u32);
        }
    }

    /// The vector of `word` (folded, as the tagger reads it) into `out`
    /// (`dim` values): the mean of its subword rows.
    pub fn vector(&self, word: &str, out: &mut [f32]) {
        let mut rows = Vec::with_capacity(64);
        self.subword_rows(word, &mut rows);
        out.fill(0.0);
        let inv = 1.0 / rows.len().max(1) as f32;
        for &r in &rows {
            let r = r as usize;
            let s = self.scales.get(r).copied().unwrap_or(0.0) * inv;
            let Some(v) = self.values.get(r * self.dim..(r + 1) * self.dim) else {
                continue;
            };
            for (o, &q) in out.iter_mut().zip(v) {
                *o += s * f32::from(q);
            }
        }
    }
}

/// MurmurHash3's 64-bit finalizer.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// MurmurHash3 x64 128 (Austin Appleby's reference), the two halves.
pub fn murmur3_x64_128(data: &[u8], seed: u64) -> (u64, u64) {
    const C1: u64 = 0x87c3_7b91_1142_53d5;
    const C2: u64 = 0x4cf5_ad43_2745_937f;
    let (mut h1, mut h2) = (seed, seed);
    let blocks = data.chunks_exact(16);
    let tail = blocks.remainder();
    let le = |b: &[u8]| -> u64 {
        b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
    };
    // One lane of a block: `k` mixed in with constants `ca`, `cb` and
    // rotation `r`, then the lane stirred with the other one.
    let lane = |h: u64, k: u64, (ca, cb, r): (u64, u64, u32), (rot, other, add): (u32, u64, u64)| {
        (h ^ k.wrapping_mul(ca).rotate_left(r).wrapping_mul(cb))
            .rotate_left(rot)
            .wrapping_add(other)
            .wrapping_mul(5)
            .wrapping_add(add)
    };
    for b in blocks {
        h1 = lane(h1, le(&b[..8]), (C1, C2, 31), (27, h2, 0x52dc_e729));
        h2 = lane(h2, le(&b[8..]), (C2, C1, 33), (31, h1, 0x3849_5ab5));
    }
    if tail.len() > 8 {
        let k2 = le(&tail[8..]);
        h2 ^= k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1);
    }
    if !tail.is_empty() {
        let k1 = le(&tail[..tail.len().min(8)]);
        h1 ^= k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2);
    }
    let len = data.len() as u64;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (h1, h2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_matches_the_reference_values() {
        // Known answers of the reference implementation (seed 0).
        assert_eq!(murmur3_x64_128(b"", 0), (0, 0));
        assert_eq!(
            murmur3_x64_128(b"hello", 0),
            (0xcbd8_a7b3_41bd_9b02, 0x5b1e_906a_48ae_1d19)
        );
    }

    /// floret's own subword rows and vectors (from its Python binding, see
    /// `crates/arabic-text-train/scripts/vectors/train_vectors.py`) of
    /// frequent words and of strings it never saw.
    #[test]
    fn rows_and_vectors_are_the_trainers() {
        let text = crate::entities::binio::check_text(include_bytes!(
            "../../tests/data/vectors-check.tsv.gz"
        ));
        let v = Vectors::embedded().expect("embedded vectors");
        let (mut n, mut worst) = (0, 0f32);
        let mut got = Vec::new();
        let mut out = vec![0f32; v.dim()];
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            let [w, rows, vec] = f.as_slice() else {
                panic!("bad line {line:?}");
            };
            let want_rows: Vec<u32> = rows.split(' ').map(|r| r.parse().expect("row")).collect();
            got.clear();
            v.subword_rows(w, &mut got);
            assert_eq!(got, want_rows, "rows of {w:?}");
            let want: Vec<f32> = vec.split(' ').map(|x| x.parse().expect("value")).collect();
            v.vector(w, &mut out);
            // Quantization moves a value by at most half its row's scale,
            // so the mean by at most half the largest scale among its rows.
            let bound = got
                .iter()
                .map(|&r| v.scales[r as usize])
                .fold(0f32, f32::max)
                / 2.0
                + 1e-5;
            for (a, b) in out.iter().zip(&want) {
                assert!((a - b).abs() <= bound, "{w:?}: {a} against floret's {b}");
                worst = worst.max((a - b).abs());
            }
            n += 1;
        }
        assert!(n >= 250, "{n} words checked");
        assert!(worst > 0.0);
    }

    #[test]
    fn a_malformed_file_is_an_error() {
        for raw in [&b""[..], b"ARVEC01\n", b"ARVEC01\n\x01\0\0\0"] {
            assert!(Vectors::from_raw("bad", raw).is_err());
        }
        let mut raw = MAGIC.to_vec();
        for x in [2u32, 3, 3, 5, 2, 2] {
            raw.extend_from_slice(&x.to_le_bytes());
        }
        raw.extend_from_slice(b"{}");
        raw.extend_from_slice(&[0; 3 * 4 + 3 * 2]);
        let v = Vectors::from_raw("ok", &raw).expect("a well-formed file");
        let mut out = [1.0; 2];
        v.vector("بغداد", &mut out);
        assert_eq!(out, [0.0, 0.0]);
        raw.pop();
        assert!(Vectors::from_raw("cut", &raw).is_err());
    }
}
