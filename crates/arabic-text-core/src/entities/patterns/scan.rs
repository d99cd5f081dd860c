//! The token scanner: splits the text into digit runs, letter runs and
//! single marks, looks each word up once, and runs the rule families at each
//! token, keeping the longest match.

use std::cell::Cell;

use super::matched::PatternMatch;
use super::calendar::Reference;
use super::lexicon::{Sense, senses};
use crate::chars::{digit_value, is_word_char, is_word_internal};
use crate::entities::kinds::EntityKind;
use crate::entities::fold::{fold_into, orig_offset};
use crate::offsets::Span;

/// What a date core denotes, for ranges (read by the date and the
/// relative-date rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Year,
    Month,
    Day,
    Other,
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// A run of decimal digits (any script).
    Digits,
    /// A run of letters (with marks and tatweel).
    Word,
    /// One other non-space character.
    Punct(char),
}

/// One token.
#[derive(Clone, Debug)]
pub struct Tok {
    /// Bytes in the text.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The class.
    pub class: Class,
    /// Range of the folded form in [`Scanner::folded`].
    pub f: (usize, usize),
    /// Senses of the word (after stripping `cut` proclitic letters).
    pub senses: &'static [Sense],
    /// Byte where the looked-up form starts (after a proclitic).
    pub cut: usize,
    /// Whether the stripped proclitic began with و or ف (a conjunction).
    pub wa: bool,
    /// Whether the token lies in a web match (URL, phone ...).
    pub blocked: bool,
}

/// A match of a rule family: tokens `[first, last]` and exact bytes.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// Index after the last token.
    pub next: usize,
    /// Kind.
    pub kind: EntityKind,
    /// Value.
    pub value: Option<String>,
}

/// Longest run of tokens a number or date may span; bounds the look-ahead.
pub const MAX_RUN: usize = 24;

/// Longest digit run read as a number (longer runs are identifiers).
pub const MAX_DIGITS: usize = 24;

/// The scanner over one text.
pub struct Scanner<'t> {
    /// The text.
    pub text: &'t str,
    /// Its tokens.
    pub toks: Vec<Tok>,
    /// Folded forms of all tokens, concatenated.
    pub folded: String,
    /// The reference moment, if the caller gave one.
    pub reference: Option<Reference>,
    /// The token after the separator that follows the last DATE (من 2010
    /// إلى |2015, 1912 و|1913): the convention marks each end of a range
    /// as its own mention, so the second end is read as a date there even
    /// when it is a bare year.
    pub range_next: Cell<usize>,
}

const PROCLITICS: [(&str, bool); 11] = [
    ("وب", true),
    ("ول", true),
    ("وك", true),
    ("فب", true),
    ("فل", true),
    ("و", true),
    ("ف", true),
    ("ب", false),
    ("ل", false),
    ("ك", false),
    ("", false),
];

impl<'t> Scanner<'t> {
    /// Tokenizes `text`; tokens inside `blocked` spans are marked.
    pub fn new(text: &'t str, blocked: &[Span], reference: Option<Reference>) -> Self {
        let mut toks = Vec::with_capacity(text.len() / 5);
        let mut folded = String::with_capacity(text.len());
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let class = if digit_value(c).is_some() {
                while it.peek().is_some_and(|&(_, c)| digit_value(c).is_some()) {
                    it.next();
                }
                Class::Digits
            } else if is_word_char(c) || is_word_internal(c) {
                while it
                    .peek()
                    .is_some_and(|&(_, c)| is_word_char(c) || is_word_internal(c))
                {
                    it.next();
                }
                Class::Word
            } else if c.is_whitespace() {
                continue;
            } else {
                Class::Punct(c)
            };
            let end = it.peek().map_or(text.len(), |&(j, _)| j);
            let fs = folded.len();
            if class == Class::Word {
                fold_into(&text[i..end], &mut folded);
            } else if class == Class::Digits {
                for c in text[i..end].chars() {
                    if let Some(d) = digit_value(c) {
                        folded.push(char::from(b'0' + d as u8));
                    }
                }
            }
            let fe = folded.len();
            toks.push(Tok {
                start: i,
                end,
                class,
                f: (fs, fe),
                senses: &[],
                cut: i,
                wa: false,
                blocked: false,
            });
        }
        let mut b = 0;
        for t in &mut toks {
            while b < blocked.len() && blocked[b].end <= t.start {
                b += 1;
            }
            t.blocked = blocked.get(b).is_some_and(|s| s.start < t.end);
        }
        let mut s = Self {
            text,
            toks,
            folded,
            reference,
            range_next: Cell::new(usize::MAX),
        };
        s.look_up();
        s
    }

    fn look_up(&mut self) {
        for k in 0..self.toks.len() {
            if self.toks[k].class != Class::Word {
                continue;
            }
            let (fs, fe) = self.toks[k].f;
            let w = &self.folded[fs..fe];
            if w.len() > 40 {
                continue;
            }
            let mut found: Option<(&'static [Sense], usize, bool)> = None;
            let direct = senses(w);
            if !direct.is_empty() {
                found = Some((direct, 0, false));
            } else if w.starts_with(['و', 'ف', 'ب', 'ل', 'ك']) {
                for (p, wa) in PROCLITICS {
                    if p.is_empty() {
                        break;
                    }
                    let Some(rest) = w.strip_prefix(p) else {
                        continue;
                    };
                    if rest.chars().count() < 2 {
                        continue;
                    }
                    let s = senses(rest);
                    if !s.is_empty() {
                        found = Some((s, p.chars().count(), wa));
                        break;
                    }
                    // لل + word = ل + ال + word.
                    if let Some(r) = rest.strip_prefix('ل')
                        && p.ends_with('ل')
                    {
                        let mut a = String::with_capacity(rest.len() + 2);
                        a.push('ا');
                        a.push('ل');
                        a.push_str(r);
                        let s = senses(&a);
                        if !s.is_empty() {
                            found = Some((s, p.chars().count(), wa));
                            break;
                        }
                    }
                }
            }
            if let Some((s, n, wa)) = found {
                let t = &mut self.toks[k];
                t.senses = s;
                t.cut = t.start + orig_offset(&self.text[t.start..t.end], n);
                t.wa = wa;
            }
        }
    }

    /// The folded form of token `i` (empty past the end).
    pub fn fw(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| &self.folded[t.f.0..t.f.1])
    }

    /// The senses of token `i` (empty past the end or when blocked).
    pub fn senses(&self, i: usize) -> &'static [Sense] {
        match self.toks.get(i) {
            Some(t) if !t.blocked => t.senses,
            _ => &[],
        }
    }

    /// The senses of token `i` when no proclitic was stripped.
    pub fn bare_senses(&self, i: usize) -> &'static [Sense] {
        match self.toks.get(i) {
            Some(t) if !t.blocked && t.cut == t.start => t.senses,
            _ => &[],
        }
    }

    /// Whether token `i` has a sense matching `f`.
    pub fn has(&self, i: usize, f: impl Fn(&Sense) -> bool) -> bool {
        self.senses(i).iter().any(f)
    }

    /// The first sense of token `i` that `f` maps to `Some`.
    pub fn pick<T>(&self, i: usize, f: impl Fn(&Sense) -> Option<T>) -> Option<T> {
        self.senses(i).iter().find_map(f)
    }

    /// Whether token `i` is a usable digit run.
    pub fn digits(&self, i: usize) -> Option<&str> {
        let t = self.toks.get(i)?;
        (t.class == Class::Digits && !t.blocked && t.end - t.start <= MAX_DIGITS * 2)
            .then(|| &self.folded[t.f.0..t.f.1])
    }

    /// The integer value of digit token `i` with at most `max_len` digits.
    pub fn int(&self, i: usize, max_len: usize) -> Option<u32> {
        let d = self.digits(i)?;
        if d.len() > max_len {
            return None;
        }
        d.parse().ok()
    }

    /// Whether token `i` is punctuation `c`.
    pub fn punct(&self, i: usize, c: &[char]) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| !t.blocked && matches!(t.class, Class::Punct(p) if c.contains(&p)))
    }

    /// Whether tokens `i` and `i + 1` touch (no space between).
    pub fn touch(&self, i: usize) -> bool {
        match (self.toks.get(i), self.toks.get(i + 1)) {
            (Some(a), Some(b)) => a.end == b.start,
            _ => false,
        }
    }

    /// Whether token `i` is a word (with no blocked text).
    pub fn word(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.class == Class::Word && !t.blocked)
    }

    /// Whether token `i` is a Latin-letter word (a code such as F16 or USD).
    pub fn latin(&self, i: usize) -> bool {
        self.word(i) && self.fw(i).bytes().all(|b| b.is_ascii_alphabetic())
    }

    /// Start byte of token `i` after its proclitic.
    pub fn cut(&self, i: usize) -> usize {
        self.toks.get(i).map_or(self.text.len(), |t| t.cut)
    }

    /// End byte of token `i`.
    pub fn end(&self, i: usize) -> usize {
        self.toks.get(i).map_or(self.text.len(), |t| t.end)
    }

    /// A hit over tokens `first..next`.
    pub fn hit(&self, first: usize, next: usize, kind: EntityKind, value: Option<String>) -> Hit {
        Hit {
            start: self.cut(first),
            end: self.end(next.saturating_sub(1)),
            next,
            kind,
            value,
        }
    }

    /// The token after a range separator at `k` (إلى, حتى, و, a dash; or
    /// و written on the next word), or `usize::MAX` when there is none.
    pub(super) fn after_range_sep(&self, k: usize) -> usize {
        let Some(t) = self.toks.get(k) else {
            return usize::MAX;
        };
        if self.punct(k, &['-', '–', '—']) || matches!(self.fw(k), "و" | "او") {
            return k + 1;
        }
        if self.has(k, |s| *s == Sense::RangeSep) {
            return k + 1;
        }
        if t.wa && t.cut > t.start {
            return k;
        }
        usize::MAX
    }

    /// Runs every rule family at every token, keeping the longest match
    /// (first family wins a tie), and appends the matches to `out`.
    pub fn run(&self, out: &mut Vec<PatternMatch>) {
        let mut i = 0;
        while i < self.toks.len() {
            let t = &self.toks[i];
            if t.blocked || (t.class == Class::Word && t.senses.is_empty() && !self.named_head(i)) {
                i += 1;
                continue;
            }
            let cands = [
                self.date(i),
                self.time(i),
                self.measure(i),
                self.ordinal(i),
                self.plain_number(i),
            ];
            let mut best: Option<Hit> = None;
            for c in cands.into_iter().flatten() {
                if best.as_ref().is_none_or(|b| c.next > b.next) {
                    best = Some(c);
                }
            }
            match best {
                Some(h) if h.next > i && h.end > h.start => {
                    if h.kind == EntityKind::Date {
                        self.range_next.set(self.after_range_sep(h.next));
                    }
                    out.push(PatternMatch {
                        span: Span::new(h.start, h.end),
                        kind: h.kind,
                        value: h.value,
                    });
                    i = h.next;
                }
                _ => i += 1,
            }
        }
    }
}
