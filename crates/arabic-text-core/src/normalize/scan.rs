//! Byte-pair classification for the scanner: which rules can change the
//! character starting with two given bytes, and the block filter that finds
//! the positions worth a look.

use super::rules::{
    ALEF, DIAC, DIGI, Fold, HAMZ, INVI, MAKS, PERS, PRES, PUNC, QURAN, TATW, TEH, WSPC,
    ascii_digit, ascii_punctuation, is_alef_variant, is_whitespace, persian_letter,
};
use crate::chars;

/// The rules that can change code point `cp` (on its own).
const fn char_bits(cp: u32) -> u16 {
    let Some(c) = char::from_u32(cp) else {
        return 0;
    };
    let mut bits = 0;
    if chars::is_diacritic(c) {
        bits |= DIAC;
    }
    if chars::is_quranic_mark(c) {
        bits |= QURAN;
    }
    if c == chars::TATWEEL {
        bits |= TATW;
    }
    if is_alef_variant(c) {
        bits |= ALEF;
    }
    if c == '\u{0649}' {
        bits |= MAKS;
    }
    if c == '\u{0629}' {
        bits |= TEH;
    }
    if matches!(c, '\u{0624}' | '\u{0626}') {
        bits |= HAMZ;
    }
    if ascii_digit(c) != c {
        bits |= DIGI;
    }
    if persian_letter(c) != c {
        bits |= PERS;
    }
    if chars::is_presentation_form(c) {
        bits |= PRES;
    }
    if chars::is_invisible(c) {
        bits |= INVI;
    }
    if ascii_punctuation(c) != c {
        bits |= PUNC;
    }
    if is_whitespace(c) {
        bits |= WSPC;
    }
    bits
}

/// Row of [`PAIR_BITS`] for each first byte; 0 (all clear) for bytes that
/// start no touchable character, and for continuation bytes.
static LEAD_ROW: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[0x09] = 2;
    t[0x0B] = 2;
    t[0x0C] = 2;
    t[0x0D] = 2;
    t[0xC2] = 3;
    t[0xD8] = 4;
    t[0xD9] = 5;
    t[0xDA] = 6;
    t[0xDB] = 7;
    t[0xE1] = 8;
    t[0xE2] = 9;
    t[0xE3] = 10;
    t[0xEF] = 11;
    t
};

/// `PAIR_BITS[LEAD_ROW[b0]][b1]`: the rules that can change the character
/// starting with bytes `b0 b1`. Exact for 1- and 2-byte characters; for 3-byte
/// ones the union over the 64 code points sharing `b0 b1`. A `' '` or `'\n'`
/// is flagged only when the next byte can start whitespace (a run to fold).
static PAIR_BITS: [[u16; 256]; 16] = {
    let mut t = [[0u16; 256]; 16];
    // ' ' and '\n': canonical unless followed by whitespace.
    let ws_starts = [0x09u8, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3];
    let mut i = 0;
    while i < ws_starts.len() {
        t[1][ws_starts[i] as usize] = WSPC;
        i += 1;
    }
    // TAB, VT, FF, CR always change.
    let mut b = 0;
    while b < 256 {
        t[2][b] = WSPC;
        b += 1;
    }
    // Two-byte characters U+0080..U+00BF (C2) and U+0600..U+06FF (D8..DB).
    let two = [
        (3usize, 0x80u32),
        (4, 0x600),
        (5, 0x640),
        (6, 0x680),
        (7, 0x6C0),
    ];
    let mut r = 0;
    while r < two.len() {
        let (row, base) = two[r];
        let mut b1 = 0x80;
        while b1 < 0xC0 {
            t[row][b1] = char_bits(base + (b1 as u32 & 0x3F));
            b1 += 1;
        }
        r += 1;
    }
    // Three-byte characters: union over the 64-code-point block.
    let three = [(8usize, 0xE1u32), (9, 0xE2), (10, 0xE3), (11, 0xEF)];
    let mut r = 0;
    while r < three.len() {
        let (row, lead) = three[r];
        let mut b1 = 0x80;
        while b1 < 0xC0 {
            let base = ((lead & 0x0F) << 12) | ((b1 as u32 & 0x3F) << 6);
            let mut bits = 0;
            let mut k = 0;
            while k < 64 {
                bits |= char_bits(base + k);
                k += 1;
            }
            t[row][b1] = bits;
            b1 += 1;
        }
        r += 1;
    }
    t
};

/// For U+0600 + i: the rule bits that change it (at most one rule per code
/// point of this block) and what that rule makes of it (0: deleted).
static ARABIC_FOLD: [(u16, u32); 256] = {
    let mut t = [(0u16, 0u32); 256];
    let mut i = 0;
    while i < 256 {
        let cp = 0x600 + i as u32;
        let bits = char_bits(cp);
        let target = match char::from_u32(cp) {
            None => 0,
            Some(c) => {
                if bits & (DIAC | QURAN | TATW | INVI) != 0 {
                    0
                } else if bits & PERS != 0 {
                    persian_letter(c) as u32
                } else if bits & ALEF != 0 {
                    0x0627
                } else if bits & MAKS != 0 {
                    0x064A
                } else if bits & TEH != 0 {
                    0x0647
                } else if bits & HAMZ != 0 {
                    if cp == 0x0624 { 0x0648 } else { 0x064A }
                } else if bits & DIGI != 0 {
                    ascii_digit(c) as u32
                } else if bits & PUNC != 0 {
                    ascii_punctuation(c) as u32
                } else {
                    cp
                }
            }
        };
        t[i] = (bits, target);
        i += 1;
    }
    t
};

/// [`fold_char`] for U+0600 + `index` (`index < 256`) under rule bits `mask`,
/// by table: the char's own rule, then the rule of its result (ۃ → ة → ه).
#[inline]
pub(super) fn arabic_fold(index: usize, mask: u16) -> Fold {
    let Some(&(bits, target)) = ARABIC_FOLD.get(index) else {
        return Fold::Keep;
    };
    if bits & mask == 0 {
        return Fold::Keep;
    }
    let mut d = target;
    if let Some(&(bits2, target2)) = d
        .checked_sub(0x600)
        .and_then(|i| ARABIC_FOLD.get(i as usize))
        && bits2 & mask != 0
    {
        d = target2;
    }
    match char::from_u32(d) {
        Some(c) if d != 0 => Fold::Char(c),
        _ => Fold::Delete,
    }
}

/// [`PAIR_BITS`] flattened to one lookup per byte pair (128 KB; the scanner
/// touches only the few rows real text uses).
static FLAT_PAIR_BITS: [u16; 65536] = {
    let mut t = [0u16; 65536];
    let mut i = 0;
    while i < 65536 {
        t[i] = PAIR_BITS[(LEAD_ROW[i >> 8] & 15) as usize][i & 255];
        i += 1;
    }
    t
};

/// Rule bits of the character starting with `b0 b1` (see [`PAIR_BITS`]).
#[inline(always)]
pub(super) fn pair_bits(b0: u8, b1: u8) -> u16 {
    FLAT_PAIR_BITS[(usize::from(b0) << 8) | usize::from(b1)]
}

/// Bytes scanned per block.
pub(super) const BLOCK: usize = 64;

/// The rules that fold letters of U+0621..U+064A (alef, alef maksura, teh
/// marbuta, hamza): with none of them on, the common letters need no look.
pub(super) const LETTER_FOLDS: u16 = ALEF | MAKS | TEH | HAMZ;

/// Whether an enabled rule may touch the character starting with `b0 b1`:
/// a superset of `pair_bits(b0, b1) & mask != 0` (checked for every byte pair
/// by a test) made only of byte compares, which the compiler turns into
/// vector code. It passes the common Arabic letters (ا ب ت..غ ف..و ي ء) and
/// ASCII other than whitespace, so on news text it flags little more than the
/// characters that do change. `LETTERS`: whether a [`LETTER_FOLDS`] rule is on.
#[inline(always)]
pub(super) fn may_touch<const LETTERS: bool>(b0: u8, b1: u8) -> bool {
    // TAB, LF, VT, FF, CR; a space only before another whitespace character.
    let ctrl = b0.wrapping_sub(0x09) < 5;
    let space = b0 == b' '
        && (b1.wrapping_sub(0x09) < 5 || b1 == b' ' || b1 == 0xC2 || b1.wrapping_sub(0xE1) < 3);
    // U+0600..U+063F: punctuation and marks U+060C..U+061F; alef and hamza
    // forms U+0622..U+0626 and teh marbuta U+0629 when letters fold.
    let d8 = b0 == 0xD8
        && (b1.wrapping_sub(0x8C) < 0x14 || (LETTERS && (b1.wrapping_sub(0xA2) < 5 || b1 == 0xA9)));
    // U+0640..U+067F: tatweel, marks, digits, ٱ; alef maksura when letters fold.
    let d9 = b0 == 0xD9 && (b1 == 0x80 || b1 >= 0x8B || (LETTERS && b1 == 0x89));
    // U+0080..U+00BF, U+0680..U+06FF and the 3-byte rows with spaces,
    // invisible characters and presentation forms: always looked at.
    let other = b0 == 0xC2 || b0.wrapping_sub(0xDA) < 2 || b0.wrapping_sub(0xE1) < 3 || b0 == 0xEF;
    ctrl | space | d8 | d9 | other
}

/// Bit `j` set when [`may_touch`] holds for the character starting at `w[j]`
/// (`w[j + 1]` is its next byte), for `j < BLOCK`.
#[inline(always)]
pub(super) fn block_candidates<const LETTERS: bool>(w: &[u8; BLOCK + 1]) -> u64 {
    let mut hits = [0u8; BLOCK];
    for (j, hit) in hits.iter_mut().enumerate() {
        *hit = u8::from(may_touch::<LETTERS>(w[j], w[j + 1]));
    }
    // Gather eight 0/1 bytes into eight bits with one multiplication.
    let mut bits = 0u64;
    for (k, chunk) in hits.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        let packed = u64::from_le_bytes(b).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        bits |= packed << (8 * k);
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{NormalizeOptions, Preset};

    #[test]
    fn candidate_filter_passes_every_byte_pair_a_rule_can_touch() {
        let all = NormalizeOptions::preset(Preset::Search).bits();
        let no_letters = all & !LETTER_FOLDS;
        for b0 in 0..=255u8 {
            for b1 in 0..=255u8 {
                let bits = pair_bits(b0, b1);
                if bits & all != 0 {
                    assert!(may_touch::<true>(b0, b1), "{b0:#x} {b1:#x}");
                }
                if bits & no_letters != 0 {
                    assert!(may_touch::<false>(b0, b1), "{b0:#x} {b1:#x}");
                }
            }
        }
    }

    #[test]
    fn candidate_filter_skips_the_common_arabic_letters_and_ascii() {
        for c in "ابتثجحخدذرزسشصضطظعغفقكلمنهويء abc,.".chars() {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            let (b0, b1) = (b[0], b.get(1).copied().unwrap_or(b'x'));
            assert!(!may_touch::<true>(b0, b1), "{c}");
        }
        // Letters that fold are flagged only when a letter fold is on.
        assert!(may_touch::<true>(0xD8, 0xA9));
        assert!(!may_touch::<false>(0xD8, 0xA9));
    }

    #[test]
    fn block_candidates_sets_the_bit_of_each_flagged_position() {
        let mut w = [b'a'; BLOCK + 1];
        for j in [0usize, 7, 8, 31, 63] {
            if let Some(slot) = w.get_mut(j) {
                *slot = b'\t';
            }
        }
        let expected = (1u64 << 0) | (1 << 7) | (1 << 8) | (1 << 31) | (1 << 63);
        assert_eq!(block_candidates::<true>(&w), expected);
    }
}
