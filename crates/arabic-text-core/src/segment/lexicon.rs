//! The stem lexicon: Arabic word forms with quantized Zipf frequencies
//! (wordfreq, see `models/PROVENANCE-segment.md`) in open-addressing hash
//! tables, plus a per-form cache of the clitic analysis so that frequent words
//! are analysed once per process.
//!
//! # Layout
//!
//! A word of at most [`PACKED_LETTERS`] letters of U+0621..U+064A (97 % of
//! the forms, and nearly every stem the clitic analysis asks about) is packed
//! into one `u64`, six bits a letter ([`pack`]), and stored with its frequency
//! in that same word of a table of `u64` ([`PackedTable`]): a lookup costs one
//! cache line and one compare, with no string to fetch, and the clitic
//! analysis builds its candidate keys from the word's packed letters by shifts
//! and masks, without writing bytes. Longer or other forms live in a table of
//! byte strings ([`ByteTable`]).

use std::io::Read;
use std::sync::atomic::{AtomicU16, Ordering};

use crate::ModelError;

/// One slot of the table: the form is `strings[off..off + len]`; `len == 0`
/// marks an empty slot.
#[derive(Debug, Default)]
struct ByteSlot {
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

/// Forms as byte strings, for those [`pack`] cannot pack.
#[derive(Debug)]
struct ByteTable {
    /// All forms, concatenated.
    strings: Box<[u8]>,
    /// The hash table; its length is a power of two.
    slots: Box<[ByteSlot]>,
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

/// Most letters of a form [`pack`] packs: nine letters of six bits leave
/// the top byte of a [`PackedTable`] entry for the frequency.
pub(super) const PACKED_LETTERS: usize = 9;

/// Six bits of letter U+0620 + `v` (`v` in 1..=42, never 0).
pub(super) const fn letter_bits(cp: u32) -> u64 {
    (cp - 0x0620) as u64
}

/// The letters of `key`, six bits each, letter `k` at bits `6k..6k + 6`,
/// when it is [`PACKED_LETTERS`] or fewer letters of U+0621..U+064A other
/// than tatweel (each 1..=42, so a packed key is never 0 and its length is
/// implied); `None` otherwise.
pub(super) fn pack(key: &[u8]) -> Option<u64> {
    if key.is_empty() || key.len() > 2 * PACKED_LETTERS || !key.len().is_multiple_of(2) {
        return None;
    }
    let mut packed = 0u64;
    for (k, pair) in key.chunks_exact(2).enumerate() {
        let (b0, b1) = (pair[0], pair[1]);
        if !matches!(b0, 0xD8 | 0xD9) || b1 & 0xC0 != 0x80 {
            return None;
        }
        let cp = (u32::from(b0 & 0x1F) << 6) | u32::from(b1 & 0x3F);
        if !(0x0621..=0x064A).contains(&cp) || cp == 0x0640 {
            return None;
        }
        packed |= letter_bits(cp) << (6 * k);
    }
    Some(packed)
}

/// Bits of a [`PackedTable`] entry that hold the packed letters.
const KEY_BITS: u64 = (1 << (6 * PACKED_LETTERS)) - 1;

/// Packed forms: each entry is the packed letters with the Zipf × 20 in the
/// top byte (0 = empty slot), open addressing with linear probing; a cache
/// of analyses beside it.
#[derive(Debug)]
struct PackedTable {
    /// The entries; the length is a power of two.
    entries: Box<[u64]>,
    /// Cached analysis of each entry's form as a whole word (0 = none yet),
    /// written with relaxed stores: every writer stores the same value.
    cache: Box<[AtomicU16]>,
    /// `entries.len() - 1`.
    mask: usize,
}

/// The home slot of packed letters in a table of `mask + 1` slots.
#[inline(always)]
fn packed_home(key: u64, mask: usize) -> usize {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    (key.wrapping_mul(K) >> 32) as usize & mask
}

impl PackedTable {
    /// A table of `forms` (packed letters, q), keeping the first of duplicates.
    fn build(forms: &[(u64, u8)]) -> Self {
        let cap = (forms.len() * 2).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut entries = vec![0u64; cap];
        for &(key, q) in forms {
            let mut s = packed_home(key, mask);
            while let Some(e) = entries.get_mut(s) {
                if *e == 0 {
                    *e = key | u64::from(q) << 56;
                    break;
                }
                if *e & KEY_BITS == key {
                    break;
                }
                s = (s + 1) & mask;
            }
        }
        let mut cache = Vec::with_capacity(cap);
        cache.resize_with(cap, || AtomicU16::new(0));
        Self {
            entries: entries.into_boxed_slice(),
            cache: cache.into_boxed_slice(),
            mask,
        }
    }

    /// The slot of packed letters `key`, and its entry.
    #[inline(always)]
    fn find(&self, key: u64) -> Option<(usize, u64)> {
        let mut s = packed_home(key, self.mask);
        loop {
            let e = *self.entries.get(s)?;
            if e == 0 {
                return None;
            }
            if e & KEY_BITS == key {
                return Some((s, e));
            }
            s = (s + 1) & self.mask;
        }
    }
}

/// A lexicon slot: in the packed table or in the byte table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    /// Index into the packed table.
    Packed(usize),
    /// Index into the byte table.
    Bytes(usize),
}

/// Word forms with frequencies; built once, shared read-only across threads.
#[derive(Debug)]
pub(super) struct Lexicon {
    /// Forms [`pack`] packs.
    packed: PackedTable,
    /// The other forms.
    bytes: ByteTable,
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
            records.push((form, q));
            i += 2 + usize::from(len);
        }
        let full = Self::build(&records)?;
        let hot = Self::build(records.get(..records.len().min(HOT_FORMS)).unwrap_or(&[]))?;
        Ok((full, hot))
    }

    /// The lexicon of `records` (form, q), most frequent first.
    fn build(records: &[(&[u8], u8)]) -> Result<Self, ModelError> {
        let mut packed = Vec::with_capacity(records.len());
        let mut strings = Vec::new();
        let mut others = Vec::new();
        for &(form, q) in records {
            if let Some(key) = pack(form) {
                packed.push((key, q));
                continue;
            }
            let off = u32::try_from(strings.len()).map_err(|_| ModelError::Invalid {
                name: "segment lexicon".to_owned(),
                reason: "lexicon larger than 4 GiB".to_owned(),
            })?;
            strings.extend_from_slice(form);
            others.push((off, form.len() as u8, q));
        }
        Ok(Self {
            packed: PackedTable::build(&packed),
            bytes: ByteTable::build(strings, &others),
        })
    }

    /// Number of forms.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.packed.entries.iter().filter(|&&e| e != 0).count() + self.bytes.len()
    }

    /// The slot holding `key`, if any.
    #[inline]
    pub(super) fn find(&self, key: &[u8]) -> Option<Slot> {
        match pack(key) {
            Some(p) => self.find_packed(p),
            None => self.bytes.find(key).map(Slot::Bytes),
        }
    }

    /// The slot holding the packed letters `key` ([`pack`]), if any.
    #[inline(always)]
    pub(super) fn find_packed(&self, key: u64) -> Option<Slot> {
        self.packed.find(key).map(|(s, _)| Slot::Packed(s))
    }

    /// Zipf × 20 of `key`; 0 when absent.
    #[inline]
    pub(super) fn q(&self, key: &[u8]) -> i32 {
        match pack(key) {
            Some(p) => self.q_packed(p),
            None => self.bytes.q(key),
        }
    }

    /// Zipf × 20 of the packed letters `key` ([`pack`]); 0 when absent.
    #[inline(always)]
    pub(super) fn q_packed(&self, key: u64) -> i32 {
        self.packed.find(key).map_or(0, |(_, e)| (e >> 56) as i32)
    }

    /// Starts loading the cache line where the packed letters `key` would
    /// be, so that several lookups of one word overlap their cache misses.
    #[inline(always)]
    pub(super) fn prefetch_packed(&self, key: u64) {
        let s = packed_home(key, self.packed.mask);
        if let Some(e) = self.packed.entries.get(s) {
            // A plain read whose value is dropped: the out-of-order core
            // issues it at once, without waiting for the lookups before.
            std::hint::black_box(*e);
        }
    }

    /// Zipf × 20 of the form in slot `s`.
    #[inline]
    pub(super) fn q_at(&self, s: Slot) -> i32 {
        match s {
            Slot::Packed(i) => self.packed.entries.get(i).map_or(0, |&e| (e >> 56) as i32),
            Slot::Bytes(i) => self.bytes.q_at(i),
        }
    }

    /// The cached analysis of slot `s` (0 = none yet).
    #[inline]
    pub(super) fn cached(&self, s: Slot) -> u16 {
        match s {
            Slot::Packed(i) => self
                .packed
                .cache
                .get(i)
                .map_or(0, |c| c.load(Ordering::Relaxed)),
            Slot::Bytes(i) => self.bytes.cached(i),
        }
    }

    /// Caches the analysis `code` (non-zero) of slot `s`.
    #[inline]
    pub(super) fn store(&self, s: Slot, code: u16) {
        match s {
            Slot::Packed(i) => {
                if let Some(c) = self.packed.cache.get(i) {
                    c.store(code, Ordering::Relaxed);
                }
            }
            Slot::Bytes(i) => self.bytes.store(i, code),
        }
    }
}

impl ByteTable {
    /// Builds the hash table over `strings` for `records` (offset, length, q).
    fn build(strings: Vec<u8>, records: &[(u32, u8, u8)]) -> Self {
        let cap = (records.len() * 2).next_power_of_two().max(16);
        let mut slots: Vec<ByteSlot> = Vec::with_capacity(cap);
        slots.resize_with(cap, ByteSlot::default);
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
                    *slot = ByteSlot {
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
    fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.len != 0).count()
    }

    /// The slot index holding `key`, if any.
    #[inline]
    fn find(&self, key: &[u8]) -> Option<usize> {
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
    fn q(&self, key: &[u8]) -> i32 {
        self.find(key)
            .and_then(|s| self.slots.get(s))
            .map_or(0, |s| i32::from(s.q))
    }

    /// Zipf × 20 of the form in slot `s`.
    #[inline]
    fn q_at(&self, s: usize) -> i32 {
        self.slots.get(s).map_or(0, |s| i32::from(s.q))
    }

    /// The cached analysis of slot `s` (0 = none yet).
    #[inline]
    fn cached(&self, s: usize) -> u16 {
        self.slots
            .get(s)
            .map_or(0, |s| s.cache.load(Ordering::Relaxed))
    }

    /// Caches the analysis `code` (non-zero) of slot `s`.
    #[inline]
    fn store(&self, s: usize, code: u16) {
        if let Some(slot) = self.slots.get(s) {
            slot.cache.store(code, Ordering::Relaxed);
        }
    }
}
