//! A word as the clitic analysis reads it: its letters ([`Letters`]) and
//! the analysis chosen for them, packed in 16 bits ([`Code`]).

use std::borrow::Cow;

use super::letters::{MAX_LETTERS, letter_code, pack_simple};
use super::memo::MEMO_LETTERS;

/// An analysis packed in 16 bits (cached per lexicon form):
/// bits 0-1 conjunction (0 none, 1 و, 2 ف); bits 2-4 preposition (0 none,
/// 1 ب, 2 ل, 3 ك, 4 س); bits 5-8 enclitic (0 none, else index + 1);
/// bits 9-10 restored prefix (0 none, 1 ا+, 2 ال+); bits 11-13 restored final
/// (0 none, 1 ة, 2 ى, 3 ء, 4 +ا); bit 14 the preposition is the host (له);
/// bit 15 set on every computed analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Code(pub(super) u16);

impl Code {
    /// The unsplit analysis.
    pub(super) const WHOLE: Code = Code(1 << 15);

    /// Packs the fields.
    pub(super) fn new(conj: u16, prep: u16, enc: u16, pre: u16, fin: u16, host: bool) -> Self {
        Code(conj | prep << 2 | enc << 5 | pre << 9 | fin << 11 | u16::from(host) << 14 | 1 << 15)
    }
    pub(super) fn conj(self) -> usize {
        usize::from(self.0 & 3)
    }
    pub(super) fn prep(self) -> usize {
        usize::from(self.0 >> 2 & 7)
    }
    pub(super) fn enc(self) -> usize {
        usize::from(self.0 >> 5 & 15)
    }
    pub(super) fn pre(self) -> u16 {
        self.0 >> 9 & 3
    }
    pub(super) fn fin(self) -> u16 {
        self.0 >> 11 & 7
    }
    pub(super) fn host(self) -> bool {
        self.0 >> 14 & 1 == 1
    }
}

/// A word reduced to its letters: `key` holds their UTF-8 (two bytes each,
/// all in U+0621..U+064A), borrowed from the word when it is nothing but
/// such letters (nearly every word of running text), and `starts[k]` the
/// byte offset of letter `k` in the token (`None`: letter `k` is at `2k`).
pub(super) struct Letters<'a> {
    /// UTF-8 of the letters.
    pub(super) key: Cow<'a, [u8]>,
    /// Byte offset in the token of each letter, when not `2k`.
    pub(super) starts: Option<Vec<u32>>,
    /// Number of letters.
    pub(super) n: usize,
    /// The first [`MEMO_LETTERS`] letters, 6 bits each (`cp - 0x620`, so
    /// never 0), letter `k` at bits `6k..6k + 6`: an exact, collision-free
    /// memo key for words of at most that many letters.
    pub(super) packed: u128,
}

impl<'a> Letters<'a> {
    /// Reads the letters of `word`; `None` when it has a char other than
    /// basic Arabic letters and marks, or too many / too few letters.
    #[inline]
    pub(super) fn read(word: &'a str) -> Option<Self> {
        match pack_simple(word.as_bytes()) {
            Some((packed, n)) => Self::simple(word.as_bytes(), packed, n),
            None => Self::read_marked(word),
        }
    }

    /// The letters of a word made of `n` letters only, packed as
    /// [`pack_simple`] packs them; `None` for fewer than two letters.
    #[inline]
    pub(super) fn simple(word: &'a [u8], packed: u128, n: usize) -> Option<Self> {
        (n >= 2).then_some(Letters {
            key: Cow::Borrowed(word),
            starts: None,
            n,
            packed,
        })
    }

    /// [`Letters::read`] for words with marks or other word-internal chars
    /// between their letters (copies the letters out).
    #[cold]
    pub(super) fn read_marked(word: &str) -> Option<Self> {
        let bytes = word.as_bytes();
        let mut key = Vec::with_capacity(bytes.len());
        let mut starts = Vec::with_capacity(bytes.len() / 2);
        let mut packed = 0u128;
        let mut i = 0;
        while let Some(&b0) = bytes.get(i) {
            if let Some(v) = bytes.get(i + 1).and_then(|&b1| letter_code(b0, b1)) {
                if starts.len() == MAX_LETTERS {
                    return None;
                }
                if starts.len() < MEMO_LETTERS {
                    packed |= u128::from(v) << (6 * starts.len());
                }
                key.extend_from_slice(bytes.get(i..i + 2)?);
                starts.push(u32::try_from(i).ok()?);
                i += 2;
                continue;
            }
            let c = word.get(i..).and_then(|s| s.chars().next())?;
            if !crate::chars::is_word_internal(c) {
                return None;
            }
            i += c.len_utf8();
        }
        let n = starts.len();
        (n >= 2).then_some(Letters {
            key: Cow::Owned(key),
            starts: Some(starts),
            n,
            packed,
        })
    }

    /// Letters `a..b` as UTF-8.
    pub(super) fn bytes(&self, a: usize, b: usize) -> &[u8] {
        self.key.get(2 * a..2 * b).unwrap_or(&[])
    }

    /// Whether letter `k` is `c`.
    pub(super) fn is(&self, k: usize, c: char) -> bool {
        let mut b = [0u8; 4];
        let s = c.encode_utf8(&mut b).as_bytes();
        self.key.get(2 * k..2 * k + 2) == Some(s)
    }

    /// Whether letters `a..` start with `s`.
    pub(super) fn has_at(&self, a: usize, s: &str) -> bool {
        self.key.get(2 * a..2 * a + s.len()) == Some(s.as_bytes())
    }

    /// Byte offset of letter `k` in the token (the token length past the end).
    pub(super) fn start(&self, k: usize, len: usize) -> usize {
        if k >= self.n {
            return len;
        }
        match &self.starts {
            None => 2 * k,
            Some(starts) => starts.get(k).map_or(len, |&s| s as usize),
        }
    }
}
