//! Basic Arabic letters as six-bit codes: the one classification of the
//! two-byte chars U+0600..U+067F that the tokenizer and the clitic analysis
//! share, so a word's letters are classified and packed once, while the
//! tokenizer scans it.

use super::memo::MEMO_LETTERS;

/// Most letters of a word that is analysed (longer words stay whole).
pub(super) const MAX_LETTERS: usize = 40;

/// The bits of a packed word ([`pack_simple`]) that hold its first
/// [`MEMO_LETTERS`] letters.
pub(super) const MEMO_BITS: u128 = (1 << (6 * MEMO_LETTERS)) - 1;

/// [`ARABIC_CODE`]: a mark that stays inside a word without being a letter
/// of it (a haraka U+064B..U+065F or the superscript alef U+0670).
pub(super) const MARK: u8 = 0x40;

/// [`ARABIC_CODE`]: any other char of U+0600..U+067F.
pub(super) const OTHER: u8 = 0x80;

/// The class of the two bytes `b0 b1` at [`arabic_index`]`(b0, b1)`: for
/// the chars U+0600..U+063F (lead 0xD8) at 0..0x40 and U+0640..U+067F (lead
/// 0xD9) at 0x100..0x140, a letter U+0621..U+064A other than tatweel as its
/// six-bit code `cp - 0x620` (1..=42, never 0), [`MARK`] or [`OTHER`]; the
/// indexes between are byte pairs that UTF-8 never has, [`OTHER`]. Tatweel
/// is [`OTHER`]: whether it extends a word depends on the letter before it.
/// (U+063B..U+063F are rare letters of other languages; the tokenizer
/// treats them as it treats the basic letters, and the clitic analysis
/// packs them, finding no stem.)
pub(super) static ARABIC_CODE: [u8; 0x140] = {
    let mut t = [OTHER; 0x140];
    let mut i = 0;
    while i < 0x140 {
        let cp = match i {
            0..0x40 => 0x600 + i as u32,
            0x100.. => 0x640 + (i - 0x100) as u32,
            _ => 0,
        };
        t[i] = match cp {
            0x621..=0x63F | 0x641..=0x64A => (cp - 0x620) as u8,
            0x64B..=0x65F | 0x670 => MARK,
            _ => OTHER,
        };
        i += 1;
    }
    t
};

/// The index into [`ARABIC_CODE`] of the bytes `b0 b1`: past its end
/// unless `b0` is 0xD8 or 0xD9, so one bounds check tells the block and a
/// table lookup the class.
#[inline(always)]
pub(super) fn arabic_index(b0: u8, b1: u8) -> usize {
    (usize::from(b0) << 8 | usize::from(b1)).wrapping_sub(0xD880)
}

/// The six bits of a letter U+0621..U+064A other than tatweel (`cp -
/// 0x620`) from its two UTF-8 bytes; `None` for anything else. `b1` follows
/// `b0` in a `str`, so it is a continuation byte when `b0` is a lead byte.
#[inline(always)]
pub(super) fn letter_code(b0: u8, b1: u8) -> Option<u32> {
    let v = ARABIC_CODE
        .get(arabic_index(b0, b1))
        .copied()
        .unwrap_or(OTHER);
    (v < MARK).then_some(u32::from(v))
}

/// The packed letters and number of letters of a word made of nothing but
/// letters U+0621..U+064A (nearly every word of running text): its first
/// [`MEMO_LETTERS`] letters, 6 bits each, letter `k` at bits `6k..6k + 6`
/// (an exact, collision-free key); `None` for any other word (or one of
/// over [`MAX_LETTERS`]).
#[inline]
pub(super) fn pack_simple(bytes: &[u8]) -> Option<(u128, usize)> {
    if !bytes.len().is_multiple_of(2) || bytes.len() > 2 * MAX_LETTERS {
        return None;
    }
    // Packed from the last letter to the first, so each step is one shift of
    // six bits; the mask then keeps the first MEMO_LETTERS letters.
    let mut packed = 0u128;
    for pair in bytes.chunks_exact(2).rev() {
        packed = packed << 6 | u128::from(letter_code(pair[0], pair[1])?);
    }
    Some((packed & MEMO_BITS, bytes.len() / 2))
}
