//! Word tokens: one left-to-right pass over the chars produces tokens (never
//! containing whitespace, covering every other char once) and what the passes
//! after it need to know about each ([`TokenInfo`]); [`super::sentences`]
//! places the sentence boundaries over them.

use super::letters::{ARABIC_CODE, MARK, MAX_LETTERS, OTHER, arabic_index, pack_simple};
use super::memo::MEMO_LETTERS;
use super::types::{Token, TokenKind};
use crate::chars::{self, TATWEEL};
use crate::offsets::Span;

/// The text of `span`, if it lies on char boundaries of `text`.
#[inline]
pub(super) fn slice(text: &str, span: Span) -> Option<&str> {
    text.get(span.start..span.end)
}

/// The char starting at byte `i` of `text`, if `i` is a char boundary inside it.
#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// Letters that join the following letter, so a tatweel after them extends the
/// word (Unicode Joining_Type D among the Arabic letters; the right-joining
/// ا أ إ آ ٱ د ذ ر ز و ؤ ة and the non-joining ء do not).
fn joins_left(c: char) -> bool {
    chars::is_arabic_letter(c)
        && !matches!(
            c,
            'ء' | 'آ'
                | 'أ'
                | 'ؤ'
                | 'إ'
                | 'ا'
                | 'ة'
                | 'د'
                | 'ذ'
                | 'ر'
                | 'ز'
                | 'و'
                | 'ٱ'
                | 'ٲ'
                | 'ٳ'
                | 'ۀ'
                | 'ۃ'
                | 'ۄ'
                | 'ۅ'
                | 'ۆ'
                | 'ۇ'
                | 'ۈ'
                | 'ۉ'
                | 'ۊ'
                | 'ۋ'
                | 'ۍ'
                | 'ې'
                | 'ے'
                | 'ۓ'
                | 'ە'
                | 'ڈ'
                | 'ڑ'
                | 'ژ'
        )
}

/// Chars that end a sentence.
pub(super) fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '؟' | '…' | '۔' | '‼' | '⁉' | '⁈' | '⁇' | '。' | '！' | '？'
    )
}

/// Emoji bases: pictographs, dingbats, misc symbols, arrows and regional indicators.
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{1F000}'..='\u{1FAFF}'
            | '\u{2600}'..='\u{27BF}'
            | '\u{2B05}'..='\u{2B55}'
            | '\u{231A}'..='\u{23FF}'
            | '\u{00A9}'
            | '\u{00AE}'
            | '\u{203C}'
            | '\u{2049}'
            | '\u{2122}'
            | '\u{2139}'
    )
}

/// What may follow an emoji inside one emoji sequence: variation selectors,
/// skin-tone modifiers, tags and the combining keycap.
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}' | '\u{20E3}'
    )
}

/// Regional indicator letters (flags are pairs of them).
fn is_regional(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// Punctuation (as opposed to other symbols).
fn is_punctuation(c: char) -> bool {
    chars::is_arabic_punctuation(c) && !matches!(c, '\u{066A}')
        || matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
                | '¡'
                | '§'
                | '«'
                | '¶'
                | '·'
                | '»'
                | '¿'
                | '\u{2010}'..='\u{2027}'
                | '\u{2030}'..='\u{205E}'
                | '\u{3001}'..='\u{3003}'
                | '\u{3008}'..='\u{3011}'
                | '\u{FF01}'..='\u{FF0F}'
                | '۔'
                | TATWEEL
        )
}

/// The Latin letters and digits of e-mail local parts and domains.
fn is_email_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// Whether `text[i..]` starts with `prefix`, ASCII case-insensitively.
fn starts_with_ci(text: &str, i: usize, prefix: &str) -> bool {
    text.as_bytes()
        .get(i..i + prefix.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Scans a URL starting at `i`; trailing punctuation and unbalanced closing
/// brackets are left out.
fn scan_url(text: &str, i: usize) -> usize {
    let mut depth = 0i32;
    let mut last_good = i;
    for (j, c) in text.get(i..).unwrap_or("").char_indices() {
        if c.is_whitespace() || matches!(c, '«' | '»' | '"' | '<' | '>' | '،' | '؛' | '“' | '”')
        {
            break;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            _ => {}
        }
        // balanced closing brackets belong to the URL; other trailing punctuation does not
        if matches!(c, ')' | ']') || !matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '؟') {
            last_good = i + j + c.len_utf8();
        }
    }
    last_good
}

/// Scans an e-mail address starting at `i`, if one starts there.
fn scan_email(text: &str, i: usize) -> Option<usize> {
    let s = text.get(i..)?;
    let at = s.find(|c: char| !is_email_char(c))?;
    if at == 0 || !s[at..].starts_with('@') || s[..at].ends_with('.') {
        return None;
    }
    let domain = &s[at + 1..];
    let dlen = domain
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(domain.len());
    let d = domain[..dlen].trim_end_matches(['.', '-']);
    let dot = d.rfind('.')?;
    if dot == 0 || d.len() - dot < 3 || d.starts_with(['.', '-']) {
        return None;
    }
    Some(i + at + 1 + d.len())
}

/// Scans a number: digits with decimal, thousands and time separators
/// between digits.
fn scan_number(text: &str, i: usize) -> usize {
    let mut j = i;
    loop {
        while let Some(c) = char_at(text, j).filter(|&c| chars::is_digit(c)) {
            j += c.len_utf8();
        }
        match char_at(text, j) {
            Some(sep @ ('.' | ',' | '٫' | '٬' | ':' | '\u{2019}' | '\'')) => {
                let k = j + sep.len_utf8();
                if char_at(text, k).is_some_and(chars::is_digit) {
                    j = k;
                } else {
                    return j;
                }
            }
            _ => return j,
        }
    }
}

/// Scans a word from `i`. Arabic runs and other-script runs are separate
/// words; a tatweel stays inside a word only after a letter that joins it.
fn scan_word(text: &str, i: usize) -> usize {
    let mut j = i;
    let mut arabic: Option<bool> = None;
    let mut prev_letter: Option<char> = None;
    let bytes = text.as_bytes();
    loop {
        // Fast path for U+0600..U+067F (two bytes, lead 0xD8/0xD9): runs of
        // letters and harakat, classified by one table lookup a char.
        if arabic != Some(false) {
            let mut last = 0u32;
            let mut run = 0usize;
            for pair in bytes.get(j..).unwrap_or(&[]).chunks_exact(2) {
                let (b0, b1) = (pair[0], pair[1]);
                match ARABIC_CODE
                    .get(arabic_index(b0, b1))
                    .copied()
                    .unwrap_or(OTHER)
                {
                    v if v < MARK => last = 0x620 + u32::from(v),
                    MARK => {}
                    _ => break,
                }
                run += 2;
            }
            if run > 0 {
                if last != 0 {
                    arabic = Some(true);
                    prev_letter = char::from_u32(last);
                }
                j += run;
            }
            if let (Some(&b0), Some(&b1)) = (bytes.get(j), bytes.get(j + 1))
                && b0 == 0xD9
                && b1 == 0x80
            {
                // Tatweel U+0640.
                if !prev_letter.is_some_and(joins_left) {
                    break;
                }
                j += 2;
                continue;
            }
        }
        // Fast exit on the common word ends: ASCII spaces and punctuation
        // (only letters, digits and the apostrophe can continue a word).
        if let Some(&b) = bytes.get(j)
            && b.is_ascii()
            && !b.is_ascii_alphanumeric()
            && b != b'\''
        {
            break;
        }
        let Some(c) = char_at(text, j) else { break };
        if c == TATWEEL {
            if !prev_letter.is_some_and(joins_left) {
                break;
            }
        } else if chars::is_word_internal(c) {
            // marks and joiners stay in the word (harakat are Alphabetic, so test them first)
        } else if chars::is_word_char(c) {
            let a = chars::is_arabic_letter(c) || chars::is_presentation_form(c);
            match arabic {
                None => arabic = Some(a),
                Some(x) if x != a => break,
                _ => {}
            }
            prev_letter = Some(c);
        } else if arabic == Some(false) && chars::is_digit(c) && c.is_ascii_digit() {
            // Latin words keep their digits (MP3, G20).
        } else if arabic == Some(false)
            && matches!(c, '\'' | '’')
            && char_at(text, j + c.len_utf8())
                .is_some_and(|d| d.is_alphabetic() && !chars::is_arabic_letter(d))
        {
            // don't, O'Brien
        } else {
            break;
        }
        j += c.len_utf8();
    }
    j
}

/// Scans an emoji sequence starting at `i` (at an emoji).
fn scan_emoji(text: &str, i: usize) -> usize {
    let mut j = i;
    let Some(first) = char_at(text, j) else {
        return i;
    };
    j += first.len_utf8();
    if is_regional(first) {
        if let Some(c) = char_at(text, j).filter(|&c| is_regional(c)) {
            j += c.len_utf8();
        }
        return j;
    }
    loop {
        while let Some(c) = char_at(text, j).filter(|&c| is_emoji_modifier(c)) {
            j += c.len_utf8();
        }
        if char_at(text, j) == Some('\u{200D}') {
            let k = j + '\u{200D}'.len_utf8();
            if let Some(c) = char_at(text, k).filter(|&c| is_emoji(c)) {
                j = k + c.len_utf8();
                continue;
            }
        }
        return j;
    }
}

/// Scans the token starting at byte `i` (a non-whitespace char `c`).
fn scan_token(text: &str, i: usize, c: char) -> (usize, TokenKind) {
    let next = || char_at(text, i + c.len_utf8());
    if c.is_ascii_alphanumeric() {
        if (c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'f' || c == 'F')
            && (starts_with_ci(text, i, "http://")
                || starts_with_ci(text, i, "https://")
                || starts_with_ci(text, i, "ftp://")
                || starts_with_ci(text, i, "www."))
        {
            let end = scan_url(text, i);
            if end > i + 4 {
                return (end, TokenKind::Url);
            }
        }
        if let Some(end) = scan_email(text, i) {
            return (end, TokenKind::Email);
        }
    }
    if chars::is_digit(c) {
        return (scan_number(text, i), TokenKind::Number);
    }
    if chars::is_word_char(c) || (chars::is_word_internal(c) && c != TATWEEL) {
        return (scan_word(text, i), TokenKind::Word);
    }
    if c == '#' || c == '@' {
        let n = next();
        let ok = n.is_some_and(|n| {
            chars::is_word_char(n) || chars::is_digit(n) || n == '_' || n == TATWEEL
        });
        if ok && !(c == '@' && n.is_some_and(chars::is_digit)) {
            let mut j = i + 1;
            while let Some(d) = char_at(text, j).filter(|&d| {
                chars::is_word_char(d)
                    || chars::is_word_internal(d)
                    || chars::is_digit(d)
                    || d == '_'
            }) {
                j += d.len_utf8();
            }
            let kind = if c == '#' {
                TokenKind::Hashtag
            } else {
                TokenKind::Mention
            };
            return (j, kind);
        }
    }
    if is_emoji(c) {
        return (scan_emoji(text, i), TokenKind::Emoji);
    }
    // Punctuation: runs of terminators (... ?! ؟!), of dashes and of tatweels
    // are one token; everything else is one char.
    let run = |pred: &dyn Fn(char) -> bool| {
        let mut j = i;
        while let Some(d) = char_at(text, j).filter(|&d| pred(d)) {
            j += d.len_utf8();
        }
        j
    };
    let end = if is_terminator(c) {
        run(&is_terminator)
    } else if c == '-' {
        run(&|d| d == '-')
    } else if c == TATWEEL {
        run(&|d| d == TATWEEL)
    } else {
        let mut j = i + c.len_utf8();
        // keep combining marks (e.g. a stray keycap or variation selector) with their base
        while let Some(d) =
            char_at(text, j).filter(|&d| chars::is_word_internal(d) || is_emoji_modifier(d))
        {
            j += d.len_utf8();
        }
        j
    };
    let kind = if is_punctuation(c) {
        TokenKind::Punctuation
    } else {
        TokenKind::Symbol
    };
    (end, kind)
}

/// What the tokenizer learned about a token, for the passes after it, so
/// that neither reads the token's bytes again. 16 bytes a token: on a large
/// document these are fresh pages that a first pass faults in.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct TokenInfo {
    /// Bits 0..60 of [`TokenInfo::packed`].
    lo: u64,
    /// Bits 60..108 of [`TokenInfo::packed`] in bits 0..48, the letter count
    /// in bits 48..56, [`TokenInfo::break_before`] in bit 63.
    rest: u64,
}

impl TokenInfo {
    /// Bits of [`TokenInfo::rest`] that hold the packed letters.
    const HI_BITS: u64 = (1 << 48) - 1;

    /// The info of a token: `packed` and `letters` as the accessors return
    /// them (`packed` of at most 108 bits, `letters` at most 255).
    fn new(packed: u128, letters: usize, break_before: bool) -> Self {
        TokenInfo {
            lo: packed as u64 & ((1 << 60) - 1),
            rest: (packed >> 60) as u64 & Self::HI_BITS
                | (letters.min(255) as u64) << 48
                | u64::from(break_before) << 63,
        }
    }

    /// For a word of nothing but letters U+0621..U+064A (no tatweel, no
    /// marks), at most [`MAX_LETTERS`] of them: its first [`MEMO_LETTERS`]
    /// letters packed as [`pack_simple`] packs them; 0 for other tokens.
    pub(super) fn packed(self) -> u128 {
        u128::from(self.lo) | u128::from(self.rest & Self::HI_BITS) << 60
    }

    /// The number of letters of such a word; 0 for other tokens.
    pub(super) fn letters(self) -> usize {
        (self.rest >> 48 & 0xFF) as usize
    }

    /// Whether the whitespace before the token holds a line break (`\n`,
    /// `\r`, VT, FF, NEL, U+2028, U+2029).
    pub(super) fn break_before(self) -> bool {
        self.rest >> 63 == 1
    }
}

// `scan_arabic_word` packs the letters that the memo keys hold into two `u64`s.
const _: () = assert!(MEMO_LETTERS <= 20);

/// Scans an Arabic word starting at byte `i` with a letter of
/// [`ARABIC_CODE`], classifying and packing its letters in the same pass;
/// returns its end and its [`TokenInfo::packed`] and letter count (both 0
/// unless it is letters only). Where the word ends as it nearly always does
/// (the end of the text, an ASCII byte, Arabic punctuation or digits after
/// a run of letters and marks) the end is decided here; anywhere else
/// (tatweel, other scripts' marks, extended letters) [`scan_word`] scans
/// the word again from its start.
#[inline]
fn scan_arabic_word(text: &str, i: usize) -> (usize, u128, usize) {
    let bytes = text.as_bytes();
    // The first 10 letters in `lo`, the next 8 in `hi` (shifts of a `u64`
    // cost one instruction, those of a `u128` a dozen).
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut n = 0usize;
    let mut marks = false;
    let mut run = 0usize;
    let (pairs, _) = bytes.get(i..).unwrap_or(&[]).as_chunks::<2>();
    for &[b0, b1] in pairs {
        let v = ARABIC_CODE
            .get(arabic_index(b0, b1))
            .copied()
            .unwrap_or(OTHER);
        if v < MARK {
            if n < 10 {
                lo |= u64::from(v) << (6 * n);
            } else if n < MEMO_LETTERS {
                hi |= u64::from(v) << (6 * (n - 10));
            }
            n += 1;
        } else if v == MARK {
            marks = true;
        } else {
            break;
        }
        run += 2;
    }
    let packed = u128::from(lo) | u128::from(hi) << 60;
    let j = i + run;
    // After at least one Arabic letter, `scan_word` stops at any ASCII byte
    // (spaces and punctuation end a word; Latin letters and digits start
    // another), at U+060C ، U+061B ؛ U+061F ؟ and at U+0660..U+066D (digits
    // and Arabic punctuation): none is a letter, a mark or a joiner.
    let ends = match (bytes.get(j), bytes.get(j + 1)) {
        (None, _) => true,
        (Some(&b), _) if b.is_ascii() => true,
        (Some(0xD8), Some(0x8C | 0x9B | 0x9F)) => true,
        (Some(0xD9), Some(0xA0..=0xAD)) => true,
        _ => false,
    };
    if ends && j > i {
        return if marks || n > MAX_LETTERS {
            (j, 0, 0)
        } else {
            (j, packed, n)
        };
    }
    let end = scan_word(text, i).max(i + 2);
    match bytes.get(i..end).and_then(pack_simple) {
        Some((packed, n)) => (end, packed, n),
        None => (end, 0, 0),
    }
}

/// Appends the tokens of `text` to `out` (with empty segment ranges), and
/// what was learned about each to `info`, one for one.
pub(super) fn tokenize(text: &str, out: &mut Vec<Token>, info: &mut Vec<TokenInfo>) {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    let mut break_before = false;
    while let Some(&b) = bytes.get(i) {
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        if b == b'\n' || b == b'\r' {
            break_before = true;
            i += 1;
            continue;
        }
        // Fast path: a word starting with an Arabic letter (what
        // `scan_token` would find after its checks for URLs and digits).
        if let Some(&b1) = bytes.get(i + 1)
            && ARABIC_CODE
                .get(arabic_index(b, b1))
                .is_some_and(|&v| v < MARK)
        {
            let (end, packed, n) = scan_arabic_word(text, i);
            out.push(Token {
                span: Span::new(i, end),
                kind: TokenKind::Word,
                segments: 0..0,
            });
            info.push(TokenInfo::new(packed, n, break_before));
            break_before = false;
            i = end;
            continue;
        }
        let Some(c) = char_at(text, i) else {
            i += 1;
            continue;
        };
        if c.is_whitespace() {
            if matches!(c, '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                break_before = true;
            }
            i += c.len_utf8();
            continue;
        }
        let (end, kind) = scan_token(text, i, c);
        let end = end.max(i + c.len_utf8());
        out.push(Token {
            span: Span::new(i, end),
            kind,
            segments: 0..0,
        });
        info.push(TokenInfo::new(0, 0, break_before));
        break_before = false;
        i = end;
    }
}
