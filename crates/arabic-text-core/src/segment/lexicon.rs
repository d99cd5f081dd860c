//! The stem lexicon: Arabic word forms with quantized Zipf frequencies
//! (wordfreq, see `models/PROVENANCE-segment.md`) in an open-addressing hash
//! table, plus a per-form cache of the clitic analysis so that frequent words
//! are analysed once per process.

use std::io::Read;
use std::sync::atomic::{AtomicU16, Ordering};

use crate::ModelError;

/// One slot of the table: the form is `strings[off..off + len]`; `len == 0`
/// marks an empty slot.
#[derive(Debug, Default)]
struct Slot {
    /// Byte offset of the form in [`Lexicon::strings`].
    off: u32,
    /// Byte length of the form (forms are at most 255 bytes).
    len: u8,
    /// Zipf frequency × 20 (0 = absent; wordfreq's floor is Zipf 1 = 20).
    q: u8,
    /// Cached analysis of the form as a whole word (0 = not computed yet);
    /// written with relaxed stores: every writer stores the same value.
    cache: AtomicU16,
}

/// Word forms with frequencies; built once, shared read-only across threads.
#[derive(Debug)]
pub(super) struct Lexicon {
    /// All forms, concatenated.
    strings: Box<[u8]>,
    /// The hash table; its length is a power of two.
    slots: Box<[Slot]>,
    /// `slots.len() - 1`.
    mask: usize,
}

/// Forms in the hot lexicon.
pub(super) const HOT_FORMS: usize = 1 << 15;

/// FxHash-style hash of a key (fast on the short keys the segmenter uses).
#[inline]
pub(super) fn hash(key: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// `a == b` for slices of equal length, by 8-byte words: the forms are short,
/// and a call to `memcmp` per probe costs more than the comparison.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        let mut wx = [0u8; 8];
        let mut wy = [0u8; 8];
        wx.copy_from_slice(x);
        wy.copy_from_slice(y);
        if wx != wy {
            return false;
        }
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    ra.len() == rb.len() && ra.iter().zip(rb).all(|(x, y)| x == y)
}

impl Lexicon {
    /// Parses the gzip-compressed record stream `[q][len][bytes]...` written by
    /// `scripts/build_segment_lexicon.py`; returns the full lexicon and a small
    /// one of the [`HOT_FORMS`] most frequent forms (which stays in the CPU
    /// caches and serves most tokens of running text).
    pub(super) fn from_gzip(name: &str, gz: &[u8]) -> Result<(Self, Self), ModelError> {
        let invalid = |reason: String| ModelError::Invalid {
            name: name.to_owned(),
            reason,
        };
        let mut raw = Vec::with_capacity(gz.len() * 4);
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut raw)
            .map_err(|e| invalid(format!("gzip: {e}")))?;
        let mut records = Vec::new();
        let mut i = 0usize;
        let mut strings = Vec::with_capacity(raw.len());
        while i < raw.len() {
            let (Some(&q), Some(&len)) = (raw.get(i), raw.get(i + 1)) else {
                return Err(invalid(format!("truncated record at byte {i}")));
            };
            let Some(form) = raw.get(i + 2..i + 2 + usize::from(len)) else {
                return Err(invalid(format!("truncated form at byte {i}")));
            };
            if len == 0 || q == 0 || std::str::from_utf8(form).is_err() {
                return Err(invalid(format!("bad record at byte {i}")));
            }
            let off = u32::try_from(strings.len())
                .map_err(|_| invalid("lexicon larger than 4 GiB".to_owned()))?;
            strings.extend_from_slice(form);
            records.push((off, len, q));
            i += 2 + usize::from(len);
        }
        let full = Self::build(strings, &records);
        let hot_n = records.len().min(HOT_FORMS);
        let hot_end = records
            .get(..hot_n)
            .and_then(|r| r.last())
            .map_or(0, |&(off, len, _)| off as usize + usize::from(len));
        let hot_strings = full.strings.get(..hot_end).unwrap_or(&[]).to_vec();
        let hot = Self::build(hot_strings, records.get(..hot_n).unwrap_or(&[]));
        Ok((full, hot))
    }

    /// Builds the hash table over `strings` for `records` (offset, length, q).
    fn build(strings: Vec<u8>, records: &[(u32, u8, u8)]) -> Self {
        let cap = (records.len() * 2).next_power_of_two().max(16);
        let mut slots: Vec<Slot> = Vec::with_capacity(cap);
        slots.resize_with(cap, Slot::default);
        let mask = cap - 1;
        let mut lex = Self {
            strings: strings.into_boxed_slice(),
            slots: Box::default(),
            mask,
        };
        for &(off, len, q) in records {
            let start = off as usize;
            let key = lex
                .strings
                .get(start..start + usize::from(len))
                .unwrap_or(&[]);
            let mut s = (hash(key) as usize) & mask;
            while let Some(slot) = slots.get_mut(s) {
                if slot.len == 0 {
                    *slot = Slot {
                        off,
                        len,
                        q,
                        cache: AtomicU16::new(0),
                    };
                    break;
                }
                let other = lex
                    .strings
                    .get(slot.off as usize..slot.off as usize + usize::from(slot.len));
                if other == Some(key) {
                    // Duplicate form: keep the first (most frequent) record.
                    break;
                }
                s = (s + 1) & mask;
            }
        }
        lex.slots = slots.into_boxed_slice();
        lex
    }

    /// Number of forms.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.len != 0).count()
    }

    /// The slot index holding `key`, if any.
    #[inline]
    pub(super) fn find(&self, key: &[u8]) -> Option<usize> {
        if key.is_empty() || key.len() > 255 {
            return None;
        }
        let mut s = (hash(key) as usize) & self.mask;
        loop {
            let slot = self.slots.get(s)?;
            if slot.len == 0 {
                return None;
            }
            if usize::from(slot.len) == key.len() {
                let start = slot.off as usize;
                if self
                    .strings
                    .get(start..start + key.len())
                    .is_some_and(|form| same_bytes(form, key))
                {
                    return Some(s);
                }
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Zipf × 20 of `key`; 0 when absent.
    #[inline]
    pub(super) fn q(&self, key: &[u8]) -> i32 {
        self.find(key)
            .and_then(|s| self.slots.get(s))
            .map_or(0, |s| i32::from(s.q))
    }

    /// Zipf × 20 of the form in slot `s`.
    #[inline]
    pub(super) fn q_at(&self, s: usize) -> i32 {
        self.slots.get(s).map_or(0, |s| i32::from(s.q))
    }

    /// The cached analysis of slot `s` (0 = none yet).
    #[inline]
    pub(super) fn cached(&self, s: usize) -> u16 {
        self.slots
            .get(s)
            .map_or(0, |s| s.cache.load(Ordering::Relaxed))
    }

    /// Caches the analysis `code` (non-zero) of slot `s`.
    #[inline]
    pub(super) fn store(&self, s: usize, code: u16) {
        if let Some(slot) = self.slots.get(s) {
            slot.cache.store(code, Ordering::Relaxed);
        }
    }
}
