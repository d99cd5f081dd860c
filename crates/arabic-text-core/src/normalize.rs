//! Normalization: one rule per option, each naming the exact code points it
//! touches, with an alignment from the normalized text back to the original.
//!
//! # Rules
//!
//! Every rule maps single characters, except whitespace collapsing, which looks
//! at runs. Rules compose in one pass: a presentation form is first expanded and
//! each character of the expansion then goes through the other enabled rules;
//! Persian letters are mapped before the letter folds (so ۃ → ة → ه under
//! `normalize_persian_letters` + `normalize_teh_marbuta`). Whitespace collapsing
//! sees the text after every other rule, so deleted characters between spaces
//! never leave a double space. The result is idempotent for every option set.
//!
//! | option | code points | result |
//! |---|---|---|
//! | `remove_diacritics` | U+064B..U+0652, U+0670 | deleted (CAMeL `dediac_ar`) |
//! | `remove_quranic_marks` | U+0610..U+061A, U+0653..U+065F, U+06D6..U+06DC, U+06DF..U+06E4, U+06E7, U+06E8, U+06EA..U+06ED | deleted |
//! | `remove_tatweel` | U+0640 | deleted (PyArabic `strip_tatweel`) |
//! | `normalize_alef` | U+0622 U+0623 U+0625 U+0671 | U+0627 (CAMeL `normalize_alef_ar`) |
//! | `normalize_alef_maksura` | U+0649 | U+064A (CAMeL `normalize_alef_maksura_ar`) |
//! | `normalize_teh_marbuta` | U+0629 | U+0647 (CAMeL `normalize_teh_marbuta_ar`) |
//! | `normalize_hamza` | U+0624, U+0626 | U+0648, U+064A |
//! | `normalize_digits` | U+0660..U+0669, U+06F0..U+06F9, U+066B, U+066C | `0`..`9`, `.`, `,` |
//! | `normalize_persian_letters` | see [`persian_letter`] | Arabic letters |
//! | `decompose_presentation_forms` | U+FB50..U+FDFF, U+FE70..U+FEFC | NFKC, see [`presentation_expansion`] |
//! | `remove_invisible` | [`chars::is_invisible`] | deleted |
//! | `normalize_punctuation` | U+060C U+061B U+061F U+066A U+06D4 | `,` `;` `?` `%` `.` |
//! | `collapse_whitespace` | [`is_whitespace`] runs | one `" "`, or `"\n"` if the run holds a [`is_line_break`]; trimmed at both ends |
//!
//! # Speed
//!
//! Every character a rule can touch starts with one of a few lead bytes (ASCII
//! whitespace, 0xC2, 0xD8..0xDB, 0xE1..0xE3, 0xEF). The scanner computes for
//! each 64-byte block, with byte compares the compiler vectorizes, a bitmap of
//! the positions that may start a touchable character (a superset that passes
//! over ASCII and the common Arabic letters), confirms each with one static
//! table lookup of its byte pair, and looks only at those characters; the
//! letters of U+0600..U+06FF outside whitespace runs, the bulk of the work,
//! are folded inline by table. Unchanged text is copied in bulk, and the
//! output and the alignment are allocated once, at the first change.

use std::borrow::Cow;

use serde::Serialize;

use super::chars;
use super::offsets::Span;

mod presentation;

/// Which rules apply. Each field is one rule; see the proto for the code points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct NormalizeOptions {
    /// Delete U+064B..U+0652 and U+0670 (CAMeL `dediac_ar`).
    pub remove_diacritics: bool,
    /// Delete the other Arabic combining marks ([`chars::is_quranic_mark`]:
    /// U+0610..U+061A, U+0653..U+065F, Quranic annotation marks).
    pub remove_quranic_marks: bool,
    /// Delete tatweel U+0640 (PyArabic `strip_tatweel`).
    pub remove_tatweel: bool,
    /// أ إ آ ٱ → ا (CAMeL `normalize_alef_ar`).
    pub normalize_alef: bool,
    /// ى → ي (CAMeL `normalize_alef_maksura_ar`).
    pub normalize_alef_maksura: bool,
    /// ة → ه (CAMeL `normalize_teh_marbuta_ar`).
    pub normalize_teh_marbuta: bool,
    /// ؤ U+0624 → و U+0648, ئ U+0626 → ي U+064A.
    pub normalize_hamza: bool,
    /// Arabic-Indic and Persian digits → ASCII; ٫ ٬ → . ,
    pub normalize_digits: bool,
    /// Persian/Urdu letter variants → Arabic letters ([`persian_letter`]).
    pub normalize_persian_letters: bool,
    /// Presentation forms U+FB50..U+FDFF, U+FE70..U+FEFC and ligatures → base
    /// letters ([`presentation_expansion`]).
    pub decompose_presentation_forms: bool,
    /// Delete invisible format characters ([`chars::is_invisible`]).
    pub remove_invisible: bool,
    /// ، ؛ ؟ ٪ ۔ (U+060C U+061B U+061F U+066A U+06D4) → , ; ? % .
    pub normalize_punctuation: bool,
    /// Collapse [`is_whitespace`] runs to one space (`\n` if the run holds a
    /// [`is_line_break`]) and trim the ends.
    pub collapse_whitespace: bool,
}

/// Named rule sets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// No rule.
    None,
    /// Marks and invisible characters only; letters never change.
    Light,
    /// Light plus canonical spelling (presentation forms, Persian letters,
    /// digits, punctuation, whitespace) without folding distinct letters.
    #[default]
    Standard,
    /// Every rule: aggressive folding for search.
    Search,
}

impl NormalizeOptions {
    /// The rules of a preset.
    pub const fn preset(preset: Preset) -> Self {
        let none = Self {
            remove_diacritics: false,
            remove_quranic_marks: false,
            remove_tatweel: false,
            normalize_alef: false,
            normalize_alef_maksura: false,
            normalize_teh_marbuta: false,
            normalize_hamza: false,
            normalize_digits: false,
            normalize_persian_letters: false,
            decompose_presentation_forms: false,
            remove_invisible: false,
            normalize_punctuation: false,
            collapse_whitespace: false,
        };
        let light = Self {
            remove_diacritics: true,
            remove_quranic_marks: true,
            remove_tatweel: true,
            remove_invisible: true,
            ..none
        };
        let standard = Self {
            normalize_digits: true,
            normalize_persian_letters: true,
            decompose_presentation_forms: true,
            normalize_punctuation: true,
            collapse_whitespace: true,
            ..light
        };
        match preset {
            Preset::None => none,
            Preset::Light => light,
            Preset::Standard => standard,
            Preset::Search => Self {
                normalize_alef: true,
                normalize_alef_maksura: true,
                normalize_teh_marbuta: true,
                normalize_hamza: true,
                ..standard
            },
        }
    }
}

/// One changed region: `original` in the input became `normalized` in the output.
/// Adjacent changes are merged into one edit, except that a deletion (empty
/// `normalized`) is never merged with a replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AlignmentEdit {
    /// Byte range in the original text.
    pub original: Span,
    /// Byte range in the normalized text.
    pub normalized: Span,
}

/// The result of [`normalize`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalized<'a> {
    /// The normalized text; borrowed when nothing changed.
    pub text: Cow<'a, str>,
    /// The changed regions in order; outside them both texts are identical.
    pub alignment: Vec<AlignmentEdit>,
}

impl Normalized<'_> {
    /// Maps a byte offset of the normalized text to the original text. An
    /// offset inside an edit maps to the end of the edit's original range, the
    /// start of an edit to the start of its original range, and an offset
    /// outside every edit moves by the length change of the edits before it.
    pub fn to_original(&self, normalized: usize) -> usize {
        let idx = self
            .alignment
            .partition_point(|e| e.normalized.start <= normalized);
        match idx.checked_sub(1).and_then(|i| self.alignment.get(i)) {
            None => normalized,
            Some(e) if normalized >= e.normalized.end => {
                (e.original.end + normalized).saturating_sub(e.normalized.end)
            }
            Some(e) if normalized == e.normalized.start => e.original.start,
            Some(e) => e.original.end,
        }
    }

    /// Maps a byte span of the normalized text to the smallest original span
    /// that produced it: a start inside an edit moves to the edit's original
    /// start, an end inside an edit to its original end. Tokens found in the
    /// normalized text are reported in the original with this.
    pub fn to_original_span(&self, normalized: Span) -> Span {
        let idx = self
            .alignment
            .partition_point(|e| e.normalized.start < normalized.start);
        let start = match idx.checked_sub(1).and_then(|i| self.alignment.get(i)) {
            Some(e) if normalized.start < e.normalized.end => e.original.start,
            _ => self.to_original(normalized.start),
        };
        let end = self.to_original(normalized.end).max(start);
        Span::new(start, end)
    }
}

/// Normalizes `text` under `options`, with the alignment back to `text`.
/// Allocates only when a rule changes something: untouched text comes back as
/// `Cow::Borrowed` with an empty alignment.
pub fn normalize<'a>(text: &'a str, options: &NormalizeOptions) -> Normalized<'a> {
    let mask = rule_mask(options);
    if mask == 0 || text.is_empty() {
        return Normalized {
            text: Cow::Borrowed(text),
            alignment: Vec::new(),
        };
    }
    Engine::new(text, options, mask).run()
}

/// Normalizes `text` without computing an alignment (token forms, lexicon keys).
pub fn normalize_str<'a>(text: &'a str, options: &NormalizeOptions) -> Cow<'a, str> {
    normalize(text, options).text
}

// ---------------------------------------------------------------------------
// Character rules.

/// White_Space characters of Unicode (what [`char::is_whitespace`] accepts):
/// U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
/// U+2029, U+202F, U+205F, U+3000. `collapse_whitespace` folds runs of these.
pub const fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Line breaks: LF, VT, FF, CR, NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH
/// SEPARATOR U+2029. A collapsed whitespace run holding one becomes `"\n"`.
pub const fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `normalize_persian_letters`: the Arabic letter for a Persian, Urdu, Kurdish
/// or Pashto variant of the same letter, or `c` itself. Exactly:
/// ک U+06A9, ڪ U+06AA → ك U+0643; ی U+06CC, ۍ U+06CD, ێ U+06CE, ې U+06D0,
/// ے U+06D2 → ي U+064A; ۓ U+06D3 → ئ U+0626; ھ U+06BE, ۀ U+06C0, ہ U+06C1,
/// ۂ U+06C2, ە U+06D5 → ه U+0647; ۃ U+06C3 → ة U+0629. Letters for sounds
/// Arabic lacks (پ چ ژ گ ڤ ٹ ڈ ڑ ں ...) are kept: folding them loses words.
pub const fn persian_letter(c: char) -> char {
    match c {
        '\u{06A9}' | '\u{06AA}' => '\u{0643}',
        '\u{06CC}' | '\u{06CD}' | '\u{06CE}' | '\u{06D0}' | '\u{06D2}' => '\u{064A}',
        '\u{06D3}' => '\u{0626}',
        '\u{06BE}' | '\u{06C0}' | '\u{06C1}' | '\u{06C2}' | '\u{06D5}' => '\u{0647}',
        '\u{06C3}' => '\u{0629}',
        _ => c,
    }
}

/// `normalize_alef`: أ U+0623, إ U+0625, آ U+0622, ٱ U+0671 → ا U+0627.
pub const fn is_alef_variant(c: char) -> bool {
    matches!(c, '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}')
}

/// `normalize_digits`: Arabic-Indic U+0660..U+0669 and Persian U+06F0..U+06F9
/// digits → ASCII, ٫ U+066B → `.`, ٬ U+066C → `,`; otherwise `c`.
pub const fn ascii_digit(c: char) -> char {
    match c {
        '\u{0660}'..='\u{0669}' => (b'0' + (c as u32 - 0x0660) as u8) as char,
        '\u{06F0}'..='\u{06F9}' => (b'0' + (c as u32 - 0x06F0) as u8) as char,
        '\u{066B}' => '.',
        '\u{066C}' => ',',
        _ => c,
    }
}

/// `normalize_punctuation`: ، U+060C → `,`, ؛ U+061B → `;`, ؟ U+061F → `?`,
/// ٪ U+066A → `%`, ۔ U+06D4 (Urdu full stop) → `.`; otherwise `c`.
pub const fn ascii_punctuation(c: char) -> char {
    match c {
        '\u{060C}' => ',',
        '\u{061B}' => ';',
        '\u{061F}' => '?',
        '\u{066A}' => '%',
        '\u{06D4}' => '.',
        _ => c,
    }
}

/// `decompose_presentation_forms`: the base characters of a presentation form
/// of U+FB50..U+FDFF or U+FE70..U+FEFC, or `None` when `c` is not one we map.
/// The expansion is NFKC without the leading space NFKC gives the spacing
/// marks (U+FE70 → U+064B, U+FC5E → U+064C U+0651), plus spellings for the
/// forms without a decomposition: ﴿ U+FD3F → `(`, ﴾ U+FD3E → `)`, the
/// honorifics U+FD40..U+FD4F and U+FDCF, ﷼ U+FDFC → ريال, ﷽ U+FDFD → بسم الله
/// الرحمن الرحيم, U+FDFE → سبحانه وتعالى, U+FDFF → عز وجل (table generated by
/// `scripts/gen_presentation_forms.py`, checked against NFKC by a test).
/// Kept: the unassigned code points and U+FE73 TAIL FRAGMENT.
pub fn presentation_expansion(c: char) -> Option<&'static str> {
    let cp = c as u32;
    let found = if let Some(i) = cp.checked_sub(presentation::FORMS_A_START) {
        presentation::FORMS_A.get(i as usize).copied()
    } else {
        None
    };
    let found = found.or_else(|| {
        cp.checked_sub(presentation::FORMS_B_START)
            .and_then(|i| presentation::FORMS_B.get(i as usize).copied())
    });
    found.filter(|s| !s.is_empty())
}

/// What the single-character rules do to one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fold {
    /// Unchanged.
    Keep,
    /// Deleted.
    Delete,
    /// Replaced by another character.
    Char(char),
}

/// Applies the enabled single-character rules (everything but presentation
/// forms and whitespace) to `c`, in the composing order of the module docs.
fn fold_char(c: char, o: &NormalizeOptions) -> Fold {
    if (o.remove_invisible && chars::is_invisible(c))
        || (o.remove_diacritics && chars::is_diacritic(c))
        || (o.remove_quranic_marks && chars::is_quranic_mark(c))
        || (o.remove_tatweel && c == chars::TATWEEL)
    {
        return Fold::Delete;
    }
    let mut d = c;
    if o.normalize_persian_letters {
        d = persian_letter(d);
    }
    if o.normalize_alef && is_alef_variant(d) {
        d = '\u{0627}';
    }
    if o.normalize_alef_maksura && d == '\u{0649}' {
        d = '\u{064A}';
    }
    if o.normalize_teh_marbuta && d == '\u{0629}' {
        d = '\u{0647}';
    }
    if o.normalize_hamza {
        d = match d {
            '\u{0624}' => '\u{0648}',
            '\u{0626}' => '\u{064A}',
            other => other,
        };
    }
    if o.normalize_digits {
        d = ascii_digit(d);
    }
    if o.normalize_punctuation {
        d = ascii_punctuation(d);
    }
    if d == c { Fold::Keep } else { Fold::Char(d) }
}

// ---------------------------------------------------------------------------
// Byte-pair classification for the scanner.

/// Rule bits: which rules can change a character.
const DIAC: u16 = 1;
/// `remove_quranic_marks`.
const QURAN: u16 = 1 << 1;
/// `remove_tatweel`.
const TATW: u16 = 1 << 2;
/// `normalize_alef`.
const ALEF: u16 = 1 << 3;
/// `normalize_alef_maksura`.
const MAKS: u16 = 1 << 4;
/// `normalize_teh_marbuta`.
const TEH: u16 = 1 << 5;
/// `normalize_hamza`.
const HAMZ: u16 = 1 << 6;
/// `normalize_digits`.
const DIGI: u16 = 1 << 7;
/// `normalize_persian_letters`.
const PERS: u16 = 1 << 8;
/// `decompose_presentation_forms`.
const PRES: u16 = 1 << 9;
/// `remove_invisible`.
const INVI: u16 = 1 << 10;
/// `normalize_punctuation`.
const PUNC: u16 = 1 << 11;
/// `collapse_whitespace`.
const WSPC: u16 = 1 << 12;

/// The rule bits of the enabled options.
const fn rule_mask(o: &NormalizeOptions) -> u16 {
    let pairs = [
        (o.remove_diacritics, DIAC),
        (o.remove_quranic_marks, QURAN),
        (o.remove_tatweel, TATW),
        (o.normalize_alef, ALEF),
        (o.normalize_alef_maksura, MAKS),
        (o.normalize_teh_marbuta, TEH),
        (o.normalize_hamza, HAMZ),
        (o.normalize_digits, DIGI),
        (o.normalize_persian_letters, PERS),
        (o.decompose_presentation_forms, PRES),
        (o.remove_invisible, INVI),
        (o.normalize_punctuation, PUNC),
        (o.collapse_whitespace, WSPC),
    ];
    let mut mask = 0;
    let mut i = 0;
    while i < pairs.len() {
        if pairs[i].0 {
            mask |= pairs[i].1;
        }
        i += 1;
    }
    mask
}

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
fn arabic_fold(index: usize, mask: u16) -> Fold {
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
fn pair_bits(b0: u8, b1: u8) -> u16 {
    FLAT_PAIR_BITS[(usize::from(b0) << 8) | usize::from(b1)]
}

/// Bytes scanned per block.
const BLOCK: usize = 64;

/// The rules that fold letters of U+0621..U+064A (alef, alef maksura, teh
/// marbuta, hamza): with none of them on, the common letters need no look.
const LETTER_FOLDS: u16 = ALEF | MAKS | TEH | HAMZ;

/// Whether an enabled rule may touch the character starting with `b0 b1`:
/// a superset of `pair_bits(b0, b1) & mask != 0` (checked for every byte pair
/// by a test) made only of byte compares, which the compiler turns into
/// vector code. It passes the common Arabic letters (ا ب ت..غ ف..و ي ء) and
/// ASCII other than whitespace, so on news text it flags little more than the
/// characters that do change. `LETTERS`: whether a [`LETTER_FOLDS`] rule is on.
#[inline(always)]
fn may_touch<const LETTERS: bool>(b0: u8, b1: u8) -> bool {
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
fn block_candidates<const LETTERS: bool>(w: &[u8; BLOCK + 1]) -> u64 {
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

// ---------------------------------------------------------------------------
// The engine.

/// An open whitespace run (whitespace and characters deleted inside it).
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Original byte offset where the run starts.
    start: usize,
    /// Whether it holds a line break.
    has_break: bool,
}

/// One normalization pass over `text`.
struct Engine<'a, 'o> {
    /// The original text.
    text: &'a str,
    /// The enabled rules.
    options: &'o NormalizeOptions,
    /// Rule bits of the enabled rules.
    mask: u16,
    /// Whether whitespace runs are collapsed.
    collapse: bool,
    /// The output up to `copied`; empty until the first change.
    out: String,
    /// Original bytes before this offset are in `out` (or edited away).
    copied: usize,
    /// End of the last character looked at; the characters between it and
    /// the next flagged one are unchanged and not whitespace runs.
    cursor: usize,
    /// The edits so far, merged when adjacent.
    edits: Vec<AlignmentEdit>,
    /// The open whitespace run, if any.
    run: Option<Run>,
    /// Whether `out` has been allocated (something changed).
    changed: bool,
}

impl<'a, 'o> Engine<'a, 'o> {
    /// A pass over `text`.
    fn new(text: &'a str, options: &'o NormalizeOptions, mask: u16) -> Self {
        Self {
            text,
            options,
            mask,
            collapse: options.collapse_whitespace,
            out: String::new(),
            copied: 0,
            cursor: 0,
            edits: Vec::new(),
            run: None,
            changed: false,
        }
    }

    /// Output length once the original text up to `at` is accounted for.
    #[inline]
    fn out_pos(&self, at: usize) -> usize {
        self.out.len() + at.saturating_sub(self.copied)
    }

    /// Starts an edit at original `start`: copies the unchanged text before it.
    #[inline]
    fn begin_edit(&mut self, start: usize) -> usize {
        if !self.changed {
            self.first_change();
        }
        if let Some(unchanged) = self.text.get(self.copied..start) {
            self.out.push_str(unchanged);
        }
        self.out.len()
    }

    /// Allocates the output at the first change: the text's length (most
    /// rules shrink or keep it) and an edit per 16 bytes (news text under
    /// every rule has one per 22).
    #[cold]
    fn first_change(&mut self) {
        self.changed = true;
        self.out.reserve(self.text.len() + 16);
        self.edits.reserve((self.text.len() / 16).max(8));
    }

    /// Ends an edit: original `start..end` became `out[out_start..]`.
    #[inline]
    fn end_edit(&mut self, start: usize, end: usize, out_start: usize) {
        self.copied = end;
        let out_end = self.out.len();
        // Adjacent edits merge into one run, except that a deletion and a
        // replacement stay apart, so a word mapped back to the original does
        // not take in the deleted characters (spaces, marks) before or after it.
        if let Some(last) = self.edits.last_mut()
            && last.original.end == start
            && last.normalized.end == out_start
            && last.normalized.is_empty() == (out_start == out_end)
        {
            last.original.end = end;
            last.normalized.end = out_end;
            return;
        }
        self.edits.push(AlignmentEdit {
            original: Span::new(start, end),
            normalized: Span::new(out_start, out_end),
        });
    }

    /// Replaces original `start..end` by `replacement`.
    fn edit(&mut self, start: usize, end: usize, replacement: &str) {
        let out_start = self.begin_edit(start);
        self.out.push_str(replacement);
        self.end_edit(start, end, out_start);
    }

    /// Closes the open run before the character at `at`; `at_end` when the
    /// text ends there (trailing runs are trimmed).
    fn close_run(&mut self, at: usize, at_end: bool) {
        let Some(run) = self.run.take() else {
            return;
        };
        let replacement = if at_end || self.out_pos(run.start) == 0 {
            ""
        } else if run.has_break {
            "\n"
        } else {
            " "
        };
        let Some(run_text) = self.text.get(run.start..at) else {
            return;
        };
        if run_text == replacement {
            return;
        }
        if !replacement.is_empty() && run_text.starts_with(replacement) {
            // Keep the canonical first character; delete the rest of the run.
            self.edit(run.start + replacement.len(), at, "");
        } else {
            self.edit(run.start, at, replacement);
        }
    }

    /// Runs the pass: scans blocks of byte pairs and looks only at the
    /// characters an enabled rule can touch.
    fn run(self) -> Normalized<'a> {
        if self.mask & LETTER_FOLDS != 0 {
            self.scan::<true>()
        } else {
            self.scan::<false>()
        }
    }

    /// Visits the characters of `w` (the block at original offset `base`)
    /// whose bits are set in `candidates` and that an enabled rule can touch.
    #[inline(always)]
    fn visit_block(&mut self, w: &[u8; BLOCK + 1], base: usize, mut candidates: u64) {
        while candidates != 0 {
            let j = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let (Some(&b0), Some(&b1)) = (w.get(j), w.get(j + 1)) else {
                continue;
            };
            let p = base + j;
            if (0xD8..=0xDB).contains(&b0) && self.run.is_none() && p >= self.cursor {
                // U+0600..U+06FF outside a whitespace run, the bulk of the
                // work: what `visit` does, without its general checks.
                let q = p + 2;
                let seen = self.cursor;
                let index = (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F);
                self.cursor = q;
                match arabic_fold(index, self.mask) {
                    Fold::Keep => {}
                    Fold::Char(d) => {
                        let out_start = self.begin_edit(p);
                        self.out.push(d);
                        self.end_edit(p, q, out_start);
                    }
                    Fold::Delete => self.delete(p, q, seen),
                }
            } else if pair_bits(b0, b1) & self.mask != 0 {
                self.visit(p);
            }
        }
    }

    /// [`Self::run`] with the candidate filter for `LETTERS`.
    fn scan<const LETTERS: bool>(mut self) -> Normalized<'a> {
        let bytes = self.text.as_bytes();
        let n = bytes.len();
        if self.collapse && matches!(bytes.first(), Some(b' ' | b'\n')) {
            // A canonical space is flagged only before whitespace; a leading
            // one must be seen to be trimmed.
            self.visit(0);
        }
        let mut base = 0;
        while base + BLOCK < n {
            let Some(Ok(w)) = bytes
                .get(base..base + BLOCK + 1)
                .map(<&[u8; BLOCK + 1]>::try_from)
            else {
                break;
            };
            let candidates = block_candidates::<LETTERS>(w);
            if candidates != 0 {
                self.visit_block(w, base, candidates);
            }
            base += BLOCK;
        }
        // The tail, padded: the end of the text acts as whitespace after it,
        // so a trailing space is flagged (and trimmed).
        let mut w = [0u8; BLOCK + 1];
        let tail = bytes.get(base..).unwrap_or_default();
        for (slot, &b) in w.iter_mut().zip(tail) {
            *slot = b;
        }
        if let Some(slot) = w.get_mut(tail.len()) {
            *slot = b' ';
        }
        let keep = u64::MAX.checked_shr(BLOCK as u32 - tail.len().min(BLOCK) as u32);
        let candidates = block_candidates::<LETTERS>(&w) & keep.unwrap_or(0);
        self.visit_block(&w, base, candidates);
        self.settle_run(n);
        self.close_run(n, true);
        self.finish()
    }

    /// Before looking at the character at `p`: an open run takes in the
    /// unflagged text since the last character looked at. That text holds at
    /// most one leading canonical `' '`/`'\n'` (flagged otherwise), then
    /// non-whitespace that ends the run.
    #[inline]
    fn settle_run(&mut self, p: usize) {
        if self.run.is_none() || self.cursor >= p {
            return;
        }
        let bytes = self.text.as_bytes();
        if let Some(&b) = bytes.get(self.cursor)
            && (b == b' ' || b == b'\n')
        {
            if let Some(run) = &mut self.run {
                run.has_break |= b == b'\n';
            }
            self.cursor += 1;
        }
        if self.cursor < p {
            self.close_run(self.cursor, false);
        }
    }

    /// The unflagged `' '` or `'\n'` just before `p`, if any (`seen` is where
    /// the characters not yet looked at start): `Some(is_break)`.
    #[inline]
    fn space_before(&self, p: usize, seen: usize) -> Option<bool> {
        let b = p.checked_sub(1).filter(|&b| b >= seen)?;
        match self.text.as_bytes().get(b) {
            Some(b' ') => Some(false),
            Some(b'\n') => Some(true),
            _ => None,
        }
    }

    /// Opens a run for a deletion or whitespace at `p` if none is open,
    /// starting at an unflagged `' '`/`'\n'` just before `p` if there is one.
    #[inline]
    fn open_run(&mut self, p: usize, is_break: bool, seen: usize) {
        if let Some(run) = &mut self.run {
            run.has_break |= is_break;
            return;
        }
        let (start, prev_break) = match self.space_before(p, seen) {
            Some(prev_break) => (p - 1, prev_break),
            None => (p, false),
        };
        self.run = Some(Run {
            start,
            has_break: prev_break || is_break,
        });
    }

    /// Applies the rules to the flagged character starting at `p`.
    fn visit(&mut self, p: usize) {
        if p < self.cursor {
            return;
        }
        if self.collapse {
            self.settle_run(p);
        }
        let bytes = self.text.as_bytes();
        if let (Some(&b0 @ 0xD8..=0xDB), Some(&b1)) = (bytes.get(p), bytes.get(p + 1)) {
            // U+0600..U+06FF, the bulk of the work: one table lookup.
            let q = p + 2;
            let seen = self.cursor;
            self.cursor = q;
            let index = (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F);
            match arabic_fold(index, self.mask) {
                Fold::Keep => self.close_run(p, false),
                Fold::Delete => self.delete(p, q, seen),
                Fold::Char(d) => {
                    self.close_run(p, false);
                    let out_start = self.begin_edit(p);
                    self.out.push(d);
                    self.end_edit(p, q, out_start);
                }
            }
            return;
        }
        let Some(c) = self.text.get(p..).and_then(|s| s.chars().next()) else {
            return;
        };
        let q = p + c.len_utf8();
        let seen = self.cursor;
        self.cursor = q;
        if self.collapse && is_whitespace(c) {
            self.open_run(p, is_line_break(c), seen);
            return;
        }
        let options = self.options;
        if options.decompose_presentation_forms
            && let Some(expansion) = presentation_expansion(c)
        {
            if expansion
                .chars()
                .all(|e| fold_char(e, options) == Fold::Delete)
            {
                self.delete(p, q, seen);
                return;
            }
            self.close_run(p, false);
            let out_start = self.begin_edit(p);
            for e in expansion.chars() {
                match fold_char(e, options) {
                    Fold::Keep => self.out.push(e),
                    Fold::Delete => {}
                    Fold::Char(d) => self.out.push(d),
                }
            }
            self.end_edit(p, q, out_start);
            return;
        }
        match fold_char(c, options) {
            Fold::Keep => self.close_run(p, false),
            Fold::Delete => self.delete(p, q, seen),
            Fold::Char(d) => {
                self.close_run(p, false);
                let out_start = self.begin_edit(p);
                self.out.push(d);
                self.end_edit(p, q, out_start);
            }
        }
    }

    /// Deletes `p..q`. When collapsing, a deletion next to whitespace or at
    /// the start of the output joins a run, so no double or leading space
    /// is left behind.
    fn delete(&mut self, p: usize, q: usize, seen: usize) {
        if self.collapse
            && (self.run.is_some() || self.space_before(p, seen).is_some() || self.out_pos(p) == 0)
        {
            self.open_run(p, false, seen);
            return;
        }
        self.edit(p, q, "");
    }

    /// The result.
    fn finish(mut self) -> Normalized<'a> {
        if !self.changed {
            return Normalized {
                text: Cow::Borrowed(self.text),
                alignment: Vec::new(),
            };
        }
        if let Some(rest) = self.text.get(self.copied..) {
            self.out.push_str(rest);
        }
        Normalized {
            text: Cow::Owned(self.out),
            alignment: self.edits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_filter_passes_every_byte_pair_a_rule_can_touch() {
        let all = rule_mask(&NormalizeOptions::preset(Preset::Search));
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
