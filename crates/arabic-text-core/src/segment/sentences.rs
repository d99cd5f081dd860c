//! Sentence boundaries: a pass over the tokenizer's tokens that ends a
//! sentence after a terminator and the closers glued to it (not at an
//! abbreviation's full stop, an ellipsis that trails off, or a terminator
//! inside a quotation that closes later on the line), and at a line break.

use std::ops::Range;

use super::tokenize::{TokenInfo, is_terminator, slice};
use super::types::{Sentence, Token, TokenKind};
use crate::chars;
use crate::offsets::Span;

/// Chars that close a quotation or bracket and stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '»' | '”' | '’' | '›' | '"' | '\'' | '﴾' | '〉' | '》' | '」' | '』'
    )
}

/// Latin abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc",
    "e.g", "i.e", "no", "vol", "pp", "gen", "col", "lt", "sgt", "capt", "rev", "mt", "ft", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "approx",
    "dept", "est", "gov", "sen", "rep", "u.s", "u.k", "a.m", "p.m",
];

/// Arabic abbreviations followed by a full stop inside a sentence: د. (doctor), أ. (professor).
const ARABIC_ABBREVIATIONS: &[&str] = &["د", "أ", "أد", "م.م"];

/// Whether the full stop token `k` ends no sentence: after an initial or an
/// abbreviation, or before a lower-case continuation.
fn is_non_final_period(text: &str, tokens: &[Token], k: usize) -> bool {
    let Some(tok) = tokens.get(k) else {
        return false;
    };
    if slice(text, tok.span) != Some(".") {
        return false;
    }
    if let Some(prev) = k.checked_sub(1).and_then(|p| tokens.get(p))
        && prev.span.end == tok.span.start
        && prev.kind == TokenKind::Word
    {
        let w = slice(text, prev.span).unwrap_or("");
        let mut cs = w.chars();
        if let (Some(first), None) = (cs.next(), cs.next())
            && first.is_uppercase()
        {
            return true;
        }
        if w.is_ascii() && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(w)) {
            return true;
        }
        let single_arabic = {
            let mut cs = w.chars().filter(|&c| !chars::is_word_internal(c));
            matches!((cs.next(), cs.next()), (Some(c), None) if chars::is_arabic_letter(c))
        };
        // ق.م، ص.ب: a letter glued to the full stop continues the abbreviation
        if single_arabic
            && tokens
                .get(k + 1)
                .is_some_and(|t| t.span.start == tok.span.end && t.kind == TokenKind::Word)
        {
            return true;
        }
        if ARABIC_ABBREVIATIONS.contains(&w) || single_arabic {
            // an initial or a title (د. أحمد، أحمد ز. أمين), not a unit after a number ("عام 2010 م.")
            let before = k.checked_sub(2).and_then(|p| tokens.get(p)).map(|t| t.kind);
            if before != Some(TokenKind::Number) {
                return true;
            }
        }
    }
    if let Some(next) = tokens.get(k + 1) {
        let first = slice(text, next.span).and_then(|s| s.chars().next());
        if first.is_some_and(|c| c.is_lowercase()) {
            return true;
        }
    }
    false
}

/// Whether the whitespace before token `k` holds a line break.
#[inline]
fn break_before(info: &[TokenInfo], k: usize) -> bool {
    info.get(k).is_some_and(|t| t.break_before())
}

/// Whether the ellipsis token `k` ("..." or "…") trails off inside a sentence:
/// it ends one only before a line break or the end of the text.
fn is_inner_ellipsis(text: &str, tokens: &[Token], info: &[TokenInfo], k: usize) -> bool {
    let Some(tok) = tokens.get(k) else {
        return false;
    };
    let s = slice(text, tok.span).unwrap_or("");
    if !(s == "…" || s.len() >= 3 && s.bytes().all(|b| b == b'.')) {
        return false;
    }
    k + 1 < tokens.len() && !break_before(info, k + 1)
}

/// For each token, whether it lies inside a quotation (« », “ ”, "...") that
/// closes later on the same line and is not the quotation's last token before
/// its closing mark: terminators there end no sentence, so quoted speech of
/// several sentences stays in the sentence that quotes it.
fn quoted_continuations(text: &str, tokens: &[Token], info: &[TokenInfo]) -> Vec<bool> {
    let mut inside = vec![false; tokens.len()];
    let mut stack: Vec<(usize, char)> = Vec::new();
    for (k, tok) in tokens.iter().enumerate() {
        if break_before(info, k) {
            stack.clear();
        }
        if tok.kind != TokenKind::Punctuation {
            continue;
        }
        let c = slice(text, tok.span).and_then(|s| s.chars().next());
        let closes = match c {
            Some('»') => stack.last().is_some_and(|&(_, o)| o == '«'),
            Some('”') => stack.last().is_some_and(|&(_, o)| o == '“'),
            Some('"') => stack.last().is_some_and(|&(_, o)| o == '"'),
            _ => false,
        };
        if closes {
            if let Some((open, _)) = stack.pop() {
                // every token strictly inside except the one just before the closing mark
                for flag in inside
                    .get_mut(open + 1..k.saturating_sub(1))
                    .unwrap_or(&mut [])
                {
                    *flag = true;
                }
            }
        } else if let Some(o @ ('«' | '“' | '"')) = c {
            stack.push((k, o));
        }
    }
    inside
}

/// Groups `tokens` into sentences, appending them to `out`.
/// `info` is the tokenizer's, one for each token.
pub(super) fn sentences(text: &str, tokens: &[Token], info: &[TokenInfo], out: &mut Vec<Sentence>) {
    let n = tokens.len();
    let mut start = 0usize;
    let mut k = 0usize;
    let push = |out: &mut Vec<Sentence>, r: Range<usize>| {
        if let (Some(a), Some(b)) = (
            tokens.get(r.start),
            r.end.checked_sub(1).and_then(|e| tokens.get(e)),
        ) {
            out.push(Sentence {
                span: Span::new(a.span.start, b.span.end),
                tokens: r,
            });
        }
    };
    let quoted = quoted_continuations(text, tokens, info);
    while k < n {
        let Some(tok) = tokens.get(k) else { break };
        let mut end = k + 1; // exclusive end of the sentence if it ends here
        let mut ends = false;
        if tok.kind == TokenKind::Punctuation
            && slice(text, tok.span)
                .and_then(|s| s.chars().next())
                .is_some_and(is_terminator)
            && !is_non_final_period(text, tokens, k)
            && !quoted.get(k).copied().unwrap_or(false)
            && !is_inner_ellipsis(text, tokens, info, k)
        {
            ends = true;
            // absorb adjacent closers ('"' only when no word follows it directly)
            while let Some(next) = tokens.get(end) {
                let prev_end = tokens.get(end - 1).map_or(0, |t| t.span.end);
                let s = slice(text, next.span).unwrap_or("");
                let mut cs = s.chars();
                let is_close = matches!((cs.next(), cs.next()), (Some(c), None) if is_closer(c))
                    || s.chars().all(is_terminator);
                if next.span.start != prev_end || !is_close {
                    break;
                }
                if matches!(s, "\"" | "'")
                    && tokens.get(end + 1).is_some_and(|t| {
                        t.span.start == next.span.end && t.kind != TokenKind::Punctuation
                    })
                {
                    break;
                }
                end += 1;
            }
        }
        if !ends && end < n && break_before(info, end) {
            ends = true;
        }
        if ends || end >= n {
            push(out, start..end.min(n));
            start = end.min(n);
        }
        k = end;
    }
    if start < n {
        push(out, start..n);
    }
}
