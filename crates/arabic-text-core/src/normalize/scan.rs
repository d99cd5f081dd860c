//! Byte-pair classification for the scanner: which rules can change the
//! character starting with two given bytes, and the block filter that finds
//! the positions worth a look.

use super::rules::{
    ALEF, DIAC, DIGI, HAMZ, INVI, MAKS, PERS, PRES, PUNC, QURAN, TATW, TEH, WSPC, ascii_digit,
    ascii_punctuation, is_alef_variant, is_whitespace, persian_letter,
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

/// The lead bytes of the 2- and 3-byte characters a rule can touch:
/// U+0080..U+00BF (C2), U+0600..U+06FF (D8..DB), and the 3-byte rows with
/// spaces, invisible characters and presentation forms (E1..E3, EF). The
/// `k`-th has row `MULTI_ROW + k` of [`PAIR_BITS`].
const MULTI_LEADS: [u8; 9] = [0xC2, 0xD8, 0xD9, 0xDA, 0xDB, 0xE1, 0xE2, 0xE3, 0xEF];

/// Row of [`PAIR_BITS`] of the first of [`MULTI_LEADS`]; rows 1 and 2 are
/// `' '`/`'\n'` and the other ASCII whitespace.
const MULTI_ROW: usize = 3;

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
    let mut k = 0;
    while k < MULTI_LEADS.len() {
        t[MULTI_LEADS[k] as usize] = (MULTI_ROW + k) as u8;
        k += 1;
    }
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
    let mut k = 0;
    while k < MULTI_LEADS.len() {
        let lead = MULTI_LEADS[k] as u32;
        let row = MULTI_ROW + k;
        let mut b1 = 0x80;
        while b1 < 0xC0 {
            t[row][b1] = if lead < 0xE0 {
                // A two-byte character: exact.
                char_bits(((lead & 0x1F) << 6) | (b1 as u32 & 0x3F))
            } else {
                // A three-byte one: union over the 64-code-point block.
                let base = ((lead & 0x0F) << 12) | ((b1 as u32 & 0x3F) << 6);
                let mut bits = 0;
                let mut c = 0;
                while c < 64 {
                    bits |= char_bits(base + c);
                    c += 1;
                }
                bits
            };
            b1 += 1;
        }
        k += 1;
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
#[cfg(test)]
#[inline]
pub(super) fn arabic_fold(index: usize, mask: u16) -> super::rules::Fold {
    use super::rules::Fold;
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

/// The U+0600..U+06FF character starting with `b0 b1` (`b0` in D8..DB) as an
/// index into the 256-entry tables ([`arabic_out`], `arabic_fold`).
#[inline(always)]
pub(super) fn arabic_index(b0: u8, b1: u8) -> usize {
    (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F)
}

/// The rules that fold letters of U+0621..U+064A (alef, alef maksura, teh
/// marbuta, hamza): with none of them on, the common letters need no look.
pub(super) const LETTER_FOLDS: u16 = ALEF | MAKS | TEH | HAMZ;

/// Whether an enabled rule may touch the character starting with `b0 b1`:
/// a superset of `pair_bits(b0, b1) & mask != 0` (checked for every byte pair
/// by a test) made only of byte compares, which the compiler turns into
/// vector code. It passes the common Arabic letters (ا ب ت..غ ف..و ي ء) and
/// ASCII other than whitespace, so on news text it flags little more than the
/// characters that do change. `LETTERS`: whether a [`LETTER_FOLDS`] rule is on.
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
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
/// (`w[j + 1]` is its next byte), for `j < BLOCK`: the SSE2 filter on
/// x86-64 (SSE2 is part of its baseline, so no detection is needed), the
/// portable one elsewhere. A test checks that both agree.
#[inline(always)]
pub(super) fn block_candidates<const LETTERS: bool>(w: &[u8; BLOCK + 1]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the function only needs SSE2, which this build enables (the
    // cfg above; it is part of the x86-64 baseline), so every CPU running it
    // has SSE2. Everything inside is safe code.
    unsafe {
        sse2::block_candidates::<LETTERS>(w)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        block_candidates_portable::<LETTERS>(w)
    }
}

/// [`block_candidates`] in portable Rust: byte compares the compiler
/// vectorizes, gathered into bits by multiplication.
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
#[inline(always)]
pub(super) fn block_candidates_portable<const LETTERS: bool>(w: &[u8; BLOCK + 1]) -> u64 {
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

/// [`may_touch`] sixteen positions at a time with SSE2 (safe intrinsics: the
/// vectors are built from byte arrays, never from pointers).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_and_si128, _mm_cmpeq_epi8, _mm_max_epu8, _mm_min_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };

    use super::BLOCK;

    /// The 16 bytes of `w` from `at` (`at + 16 <= w.len()`, else zeros):
    /// two 8-byte reads the compiler merges into one unaligned load.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(w: &[u8], at: usize) -> __m128i {
        let half = |from: usize| {
            w.get(from..from + 8)
                .and_then(|s| <[u8; 8]>::try_from(s).ok())
                .map_or(0, i64::from_le_bytes)
        };
        _mm_set_epi64x(half(at + 8), half(at))
    }

    /// All ones where the byte equals `c`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn eq(x: __m128i, c: u8) -> __m128i {
        _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8))
    }

    /// All ones where `x - from < n` (unsigned, wrapping), i.e. `x` lies in
    /// `from..from + n`; `n >= 1`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn in_range(x: __m128i, from: u8, n: u8) -> __m128i {
        let d = _mm_add_epi8(x, _mm_set1_epi8(from.wrapping_neg() as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((n - 1) as i8)), d)
    }

    /// [`super::may_touch`] for the pairs `(b0[i], b1[i])`.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn may_touch<const LETTERS: bool>(b0: __m128i, b1: __m128i) -> __m128i {
        let ctrl = in_range(b0, 0x09, 5);
        let space_next = _mm_or_si128(
            _mm_or_si128(in_range(b1, 0x09, 5), eq(b1, b' ')),
            _mm_or_si128(eq(b1, 0xC2), in_range(b1, 0xE1, 3)),
        );
        let space = _mm_and_si128(eq(b0, b' '), space_next);
        let mut d8_next = in_range(b1, 0x8C, 0x14);
        if LETTERS {
            d8_next = _mm_or_si128(d8_next, _mm_or_si128(in_range(b1, 0xA2, 5), eq(b1, 0xA9)));
        }
        let d8 = _mm_and_si128(eq(b0, 0xD8), d8_next);
        let ge_8b = _mm_cmpeq_epi8(_mm_max_epu8(b1, _mm_set1_epi8(0x8Bu8 as i8)), b1);
        let mut d9_next = _mm_or_si128(eq(b1, 0x80), ge_8b);
        if LETTERS {
            d9_next = _mm_or_si128(d9_next, eq(b1, 0x89));
        }
        let d9 = _mm_and_si128(eq(b0, 0xD9), d9_next);
        let other = _mm_or_si128(
            _mm_or_si128(eq(b0, 0xC2), in_range(b0, 0xDA, 2)),
            _mm_or_si128(in_range(b0, 0xE1, 3), eq(b0, 0xEF)),
        );
        _mm_or_si128(
            _mm_or_si128(ctrl, space),
            _mm_or_si128(_mm_or_si128(d8, d9), other),
        )
    }

    /// [`super::block_candidates`] with SSE2.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn block_candidates<const LETTERS: bool>(w: &[u8; BLOCK + 1]) -> u64 {
        let mut bits = 0u64;
        for k in 0..BLOCK / 16 {
            let at = 16 * k;
            let hits = may_touch::<LETTERS>(load(w, at), load(w, at + 1));
            bits |= u64::from(_mm_movemask_epi8(hits) as u16) << at;
        }
        bits
    }
}

/// The vector instructions the scan may use, detected once per pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Simd {
    /// AVX2 is available (x86-64, detected at run time).
    avx2: bool,
}

impl Simd {
    /// The portable filter only (SSE2 on x86-64).
    #[cfg(test)]
    pub(super) const BASELINE: Self = Self { avx2: false };

    /// What this CPU offers.
    #[inline]
    pub(super) fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            Self {
                avx2: std::arch::is_x86_feature_detected!("avx2"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Self { avx2: false }
        }
    }

    /// Bit `j` set when the character starting at `w[j]` may be touched by
    /// an enabled rule: [`block_candidates`], or with AVX2 a superset of it
    /// that is exact on the bytes Arabic text is made of (see [`avx2`]).
    #[inline(always)]
    pub(super) fn candidates<const LETTERS: bool>(self, w: &[u8; BLOCK + 1]) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU was detected to have
            // AVX2 (`Simd::detect`); the function is otherwise safe code.
            return unsafe { avx2::block_candidates::<LETTERS>(w) };
        }
        block_candidates::<LETTERS>(w)
    }
}

/// The block filter in AVX2, 32 positions at a time, by nibble lookups
/// ("shufti"): a class of the first byte (low-nibble table AND high-nibble
/// table) names the second bytes it needs, a class of the second byte says
/// which of those it is, and a position is flagged when they share a bit.
/// Classes (bit: second bytes, for which first byte):
///
/// | bit | second byte | first byte |
/// |---|---|---|
/// | 0 | 0x09..0x0D | `' '` |
/// | 1 | 0x20..0x23, 0xC0..0xC3, 0xE0..0xE3 (a superset of 0x20, 0xC2, 0xE1..0xE3) | `' '` |
/// | 2 | 0x8C..0x8F | 0xD8 |
/// | 3 | 0x90..0x9F | 0xD8, 0xD9 |
/// | 4 | 0xA2..0xA6, 0xA9 (letter folds) | 0xD8 |
/// | 5 | 0x80, 0x89 (letter folds), 0x8B..0x8F | 0xD9 |
/// | 6 | 0xA0..0xBF | 0xD9 |
/// | 7 | any | 0xC2, 0xDA, 0xDB, 0xE1..0xE3, 0xEF (and, as a superset, 0xC1, 0xC3, 0xCA, 0xCB, 0xCF, 0xD1..0xD3, 0xDF, 0xEA, 0xEB) |
///
/// TAB, LF, VT, FF and CR are flagged by a range compare. The extra
/// positions are rare in Arabic text and the engine checks every flagged
/// character exactly, so a superset changes nothing but time.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi8, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256,
        _mm256_min_epu8, _mm256_movemask_epi8, _mm256_set_epi64x, _mm256_set1_epi8,
        _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16,
    };

    use super::BLOCK;

    /// Class bits of the second byte.
    const WS_CTRL: u8 = 1;
    /// See the table of [`self`].
    const WS_OTHER: u8 = 1 << 1;
    /// See the table of [`self`].
    const D8_8X: u8 = 1 << 2;
    /// See the table of [`self`].
    const ROW_9X: u8 = 1 << 3;
    /// See the table of [`self`].
    const D8_AX: u8 = 1 << 4;
    /// See the table of [`self`].
    const D9_8X: u8 = 1 << 5;
    /// See the table of [`self`].
    const D9_AB: u8 = 1 << 6;
    /// See the table of [`self`].
    const ANY: u8 = 1 << 7;

    /// First byte, by low nibble.
    const fn first_lo(letters: bool) -> [u8; 16] {
        let mut t = [0u8; 16];
        t[0x0] = WS_CTRL | WS_OTHER;
        t[0x8] = D8_8X | ROW_9X | if letters { D8_AX } else { 0 };
        t[0x9] = ROW_9X | D9_8X | D9_AB;
        t[0x1] = ANY;
        t[0x2] = ANY;
        t[0x3] = ANY;
        t[0xA] = ANY;
        t[0xB] = ANY;
        t[0xF] = ANY;
        t
    }

    /// First byte, by high nibble.
    const FIRST_HI: [u8; 16] = {
        let mut t = [0u8; 16];
        t[0x2] = WS_CTRL | WS_OTHER;
        t[0xC] = ANY;
        t[0xD] = D8_8X | ROW_9X | D8_AX | D9_8X | D9_AB | ANY;
        t[0xE] = ANY;
        t
    };

    /// Second byte, by low nibble.
    const fn second_lo(letters: bool) -> [u8; 16] {
        let mut t = [ANY | ROW_9X | D9_AB; 16];
        let mut l = 0;
        while l < 16 {
            if l >= 0x9 && l <= 0xD {
                t[l] |= WS_CTRL;
            }
            if l <= 3 {
                t[l] |= WS_OTHER;
            }
            if l >= 0xC {
                t[l] |= D8_8X;
            }
            if (l >= 2 && l <= 6) || l == 9 {
                t[l] |= D8_AX;
            }
            if l == 0 || l >= 0xB || (letters && l == 9) {
                t[l] |= D9_8X;
            }
            l += 1;
        }
        t
    }

    /// Second byte, by high nibble.
    const SECOND_HI: [u8; 16] = {
        let mut t = [ANY; 16];
        t[0x0] |= WS_CTRL;
        t[0x2] |= WS_OTHER;
        t[0xC] |= WS_OTHER;
        t[0xE] |= WS_OTHER;
        t[0x8] |= D8_8X | D9_8X;
        t[0x9] |= ROW_9X;
        t[0xA] |= D8_AX | D9_AB;
        t[0xB] |= D9_AB;
        t
    };

    /// A 16-byte table in both 128-bit lanes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn table(t: [u8; 16]) -> __m256i {
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(&t[..8]);
        hi.copy_from_slice(&t[8..]);
        let (lo, hi) = (i64::from_le_bytes(lo), i64::from_le_bytes(hi));
        _mm256_set_epi64x(hi, lo, hi, lo)
    }

    /// The 32 bytes of `w` from `at` (zeros when `w` is shorter).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(w: &[u8], at: usize) -> __m256i {
        match w
            .get(at..at + 32)
            .and_then(|s| <&[u8; 32]>::try_from(s).ok())
        {
            // SAFETY: an unaligned read of the 32 bytes `bytes` borrows.
            Some(bytes) => unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) },
            None => _mm256_setzero_si256(),
        }
    }

    /// The class of each byte of `x` by the two nibble tables.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn classify(x: __m256i, lo: __m256i, hi: __m256i) -> __m256i {
        let nibble = _mm256_set1_epi8(0x0F);
        let l = _mm256_and_si256(x, nibble);
        let h = _mm256_and_si256(_mm256_srli_epi16::<4>(x), nibble);
        _mm256_and_si256(_mm256_shuffle_epi8(lo, l), _mm256_shuffle_epi8(hi, h))
    }

    /// [`super::Simd::candidates`] with AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) fn block_candidates<const LETTERS: bool>(w: &[u8; BLOCK + 1]) -> u64 {
        let first_lo = table(const { first_lo(LETTERS) });
        let first_hi = table(FIRST_HI);
        let second_lo = table(const { second_lo(LETTERS) });
        let second_hi = table(SECOND_HI);
        let mut bits = 0u64;
        for k in 0..BLOCK / 32 {
            let at = 32 * k;
            let b0 = load(w, at);
            let b1 = load(w, at + 1);
            let c0 = classify(b0, first_lo, first_hi);
            let c1 = classify(b1, second_lo, second_hi);
            let miss = _mm256_cmpeq_epi8(_mm256_and_si256(c0, c1), _mm256_setzero_si256());
            let d = _mm256_add_epi8(b0, _mm256_set1_epi8(-9));
            let ctrl = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(4)), d);
            let hit = !(_mm256_movemask_epi8(miss) as u32) | _mm256_movemask_epi8(ctrl) as u32;
            bits |= u64::from(hit) << at;
        }
        bits
    }
}

/// What a U+0600..U+06FF character becomes under one rule set, as output
/// bytes: [`arabic_fold`] precomputed as UTF-8 so the engine's inner loop
/// writes bytes instead of encoding a `char`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ArabicOut {
    /// Rule bits that change the character.
    bits: u16,
    /// Rule bits that change its replacement (`ۃ → ة → ه`).
    next_bits: u16,
    /// The replacement's UTF-8 bytes (`len` of them; 0: deleted).
    first: ([u8; 2], u8),
    /// What the replacement becomes when `next_bits` apply.
    second: ([u8; 2], u8),
}

/// UTF-8 of a code point below U+0800 (0: none, deleted).
const fn utf8_2(cp: u32) -> ([u8; 2], u8) {
    if cp == 0 {
        ([0, 0], 0)
    } else if cp < 0x80 {
        ([cp as u8, 0], 1)
    } else {
        ([0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8], 2)
    }
}

/// [`ARABIC_FOLD`] with the targets as bytes.
static ARABIC_OUT: [ArabicOut; 256] = {
    let mut t = [ArabicOut {
        bits: 0,
        next_bits: 0,
        first: ([0, 0], 0),
        second: ([0, 0], 0),
    }; 256];
    let mut i = 0;
    while i < 256 {
        let (bits, target) = ARABIC_FOLD[i];
        let (next_bits, second) = if target >= 0x600 && target < 0x700 {
            ARABIC_FOLD[(target - 0x600) as usize]
        } else {
            (0, 0)
        };
        t[i] = ArabicOut {
            bits,
            next_bits,
            first: utf8_2(target),
            second: utf8_2(second),
        };
        i += 1;
    }
    t
};

/// [`arabic_fold`] as bytes: `None` when U+0600 + `index` is kept, else its
/// replacement's UTF-8 bytes and their count (0: deleted).
#[inline(always)]
pub(super) fn arabic_out(index: usize, mask: u16) -> Option<([u8; 2], usize)> {
    let entry = ARABIC_OUT.get(index)?;
    if entry.bits & mask == 0 {
        return None;
    }
    let (bytes, len) = if entry.next_bits & mask != 0 {
        entry.second
    } else {
        entry.first
    };
    Some((bytes, usize::from(len)))
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
