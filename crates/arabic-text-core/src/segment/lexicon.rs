//! The stem lexicon: Arabic word forms with quantized Zipf frequencies
//! (wordfreq, see `models/PROVENANCE-segment.md`) in open-addressing hash
//! tables, each form with its clitic analysis as a whole word, computed
//! ahead of time (`models/segment-analyses.bin.gz`): a word of the lexicon
//! costs one lookup, even the first time a process meets it.
//!
//! # Layout
//!
//! A word of at most [`PACKED_LETTERS`] letters of U+0621..U+064A (97 % of
//! the forms, and nearly every stem the clitic analysis asks about) is packed
//! into one `u64`, six bits a letter ([`pack`]), and stored with its frequency
//! in that same word, beside its analysis ([`Entry`], 16 bytes): a lookup costs
//! one cache line and one compare, with no string to fetch, and the clitic
//! analysis builds its candidate keys from the word's packed letters by shifts
//! and masks, without writing bytes. Longer or other forms live in a table of
//! byte strings ([`ByteTable`]).

use crate::error::ModelError;

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
    /// Analysis of the form as a whole word (0 = not computed).
    code: u16,
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

/// One form of the [`PackedTable`]: four to a cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
struct Entry {
    /// The packed letters with the Zipf × 20 in the top byte (0 = empty slot).
    kq: u64,
    /// The form's analysis as a whole word (0 = not computed).
    code: u16,
}

/// Packed forms with their analyses, open addressing with linear probing.
#[derive(Debug)]
struct PackedTable {
    /// The entries; the length is a power of two.
    entries: Box<[Entry]>,
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
    /// A table of `forms` (packed letters, q, analysis), keeping the first of
    /// duplicates. Filled to at most 3/4 (566k forms: 2^20 entries, 16 MiB).
    fn build(forms: &[(u64, u8, u16)]) -> Self {
        let cap = (forms.len() * 4 / 3 + 1).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut entries = vec![Entry::default(); cap];
        for &(key, q, code) in forms {
            let mut s = packed_home(key, mask);
            while let Some(e) = entries.get_mut(s) {
                if e.kq == 0 {
                    *e = Entry {
                        kq: key | u64::from(q) << 56,
                        code,
                    };
                    break;
                }
                if e.kq & KEY_BITS == key {
                    break;
                }
                s = (s + 1) & mask;
            }
        }
        Self {
            entries: entries.into_boxed_slice(),
            mask,
        }
    }

    /// The slot of packed letters `key`, and its entry.
    #[inline(always)]
    fn find(&self, key: u64) -> Option<(usize, Entry)> {
        let mut s = packed_home(key, self.mask);
        loop {
            let e = *self.entries.get(s)?;
            if e.kq == 0 {
                return None;
            }
            if e.kq & KEY_BITS == key {
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

/// One record of the lexicon file: a form and its Zipf frequency × 20.
pub(super) type Record<'a> = (&'a [u8], u8);

/// A [`ModelError::Invalid`] for the model `name`.
fn invalid(name: &str, reason: String) -> ModelError {
    ModelError::Invalid {
        name: name.to_owned(),
        reason,
    }
}

/// Parses the decompressed record stream `[q][len][bytes]...` written by
/// `scripts/build_segment_lexicon.py`, most frequent form first.
pub(super) fn records<'a>(name: &str, raw: &'a [u8]) -> Result<Vec<Record<'a>>, ModelError> {
    let mut records = Vec::with_capacity(raw.len() / 12);
    let mut i = 0usize;
    while i < raw.len() {
        let (Some(&q), Some(&len)) = (raw.get(i), raw.get(i + 1)) else {
            return Err(invalid(name, format!("truncated record at byte {i}")));
        };
        let Some(form) = raw.get(i + 2..i + 2 + usize::from(len)) else {
            return Err(invalid(name, format!("truncated form at byte {i}")));
        };
        if len == 0 || q == 0 || std::str::from_utf8(form).is_err() {
            return Err(invalid(name, format!("bad record at byte {i}")));
        }
        records.push((form, q));
        i += 2 + usize::from(len);
    }
    Ok(records)
}

impl Lexicon {
    /// The lexicon of `records` (form, q), most frequent first, with the
    /// analysis of each record (`codes[i]` for `records[i]`; all 0 when
    /// `codes` is `None`, for computing them).
    pub(super) fn build(records: &[Record<'_>], codes: Option<&[u16]>) -> Result<Self, ModelError> {
        let mut packed = Vec::with_capacity(records.len());
        let mut strings = Vec::new();
        let mut others = Vec::new();
        for (i, &(form, q)) in records.iter().enumerate() {
            let code = codes.and_then(|c| c.get(i)).copied().unwrap_or(0);
            if let Some(key) = pack(form) {
                packed.push((key, q, code));
                continue;
            }
            let off = u32::try_from(strings.len())
                .map_err(|_| invalid("segment lexicon", "lexicon larger than 4 GiB".to_owned()))?;
            strings.extend_from_slice(form);
            others.push((off, form.len() as u8, q, code));
        }
        Ok(Self {
            packed: PackedTable::build(&packed),
            bytes: ByteTable::build(strings, &others),
        })
    }

    /// Number of forms.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.packed.entries.iter().filter(|e| e.kq != 0).count() + self.bytes.len()
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
        self.packed
            .find(key)
            .map_or(0, |(_, e)| (e.kq >> 56) as i32)
    }

    /// Starts loading the cache line where the packed letters `key` would
    /// be, so that several lookups of one word overlap their cache misses.
    #[inline(always)]
    pub(super) fn prefetch_packed(&self, key: u64) {
        let s = packed_home(key, self.packed.mask);
        if let Some(e) = self.packed.entries.get(s) {
            // A plain read whose value is dropped: the out-of-order core
            // issues it at once, without waiting for the lookups before.
            std::hint::black_box(e.kq);
        }
    }

    /// Zipf × 20 of the form in slot `s`.
    #[inline]
    pub(super) fn q_at(&self, s: Slot) -> i32 {
        match s {
            Slot::Packed(i) => self
                .packed
                .entries
                .get(i)
                .map_or(0, |e| (e.kq >> 56) as i32),
            Slot::Bytes(i) => self.bytes.q_at(i),
        }
    }

    /// The analysis of the form in slot `s` as a whole word (0 = not computed).
    #[inline]
    pub(super) fn code_at(&self, s: Slot) -> u16 {
        match s {
            Slot::Packed(i) => self.packed.entries.get(i).map_or(0, |e| e.code),
            Slot::Bytes(i) => self.bytes.code_at(i),
        }
    }
}

impl ByteTable {
    /// Builds the hash table over `strings` for `records` (offset, length, q,
    /// analysis).
    fn build(strings: Vec<u8>, records: &[(u32, u8, u8, u16)]) -> Self {
        let cap = (records.len() * 2).next_power_of_two().max(16);
        let mut slots: Vec<ByteSlot> = Vec::with_capacity(cap);
        slots.resize_with(cap, ByteSlot::default);
        let mask = cap - 1;
        let mut lex = Self {
            strings: strings.into_boxed_slice(),
            slots: Box::default(),
            mask,
        };
        for &(off, len, q, code) in records {
            let start = off as usize;
            let key = lex
                .strings
                .get(start..start + usize::from(len))
                .unwrap_or(&[]);
            let mut s = (hash(key) as usize) & mask;
            while let Some(slot) = slots.get_mut(s) {
                if slot.len == 0 {
                    *slot = ByteSlot { off, len, q, code };
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

    /// The analysis of the form in slot `s` (0 = not computed).
    #[inline]
    fn code_at(&self, s: usize) -> u16 {
        self.slots.get(s).map_or(0, |s| s.code)
    }
}
