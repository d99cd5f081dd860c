//! URL, EMAIL, PHONE, HASHTAG and MENTION: small regexes, each run only
//! when the text holds its trigger.

use std::sync::OnceLock;

use regex::Regex;

use super::matched::PatternMatch;
use crate::chars::digit_value;
use crate::entities::kinds::EntityKind;
use crate::offsets::Span;

/// Any decimal digit.
const D: &str = "[0-9\u{0660}-\u{0669}\u{06F0}-\u{06F9}]";

struct Web {
    url: Regex,
    email: Regex,
    hashtag: Regex,
    mention: Regex,
    phone: Regex,
}

fn web() -> Option<&'static Web> {
    static W: OnceLock<Option<Web>> = OnceLock::new();
    W.get_or_init(|| {
        let b = r"(?:^|[^\p{L}\p{M}\p{N}_@.])";
        let e = r"(?:[^\p{L}\p{M}\p{N}_]|$)";
        Some(Web {
            url: Regex::new(r"(?i)\b(?:https?://|www\.)[^\s<>{}\x22'،]+").ok()?,
            email: Regex::new(
                r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
            )
            .ok()?,
            hashtag: Regex::new(&format!(r"{b}(?P<m>#[\p{{L}}\p{{M}}\p{{N}}_]+)")).ok()?,
            mention: Regex::new(&format!(r"{b}(?P<m>@[\p{{L}}\p{{M}}\p{{N}}_]{{1,30}}){e}"))
                .ok()?,
            phone: Regex::new(&format!(
                r"{b}(?P<m>(?:\+|00){D}{{1,3}}[\s\-]?(?:\({D}{{1,4}}\)[\s\-]?)?{D}{{1,4}}(?:[\s\-]?{D}{{2,4}}){{1,4}}|\(?0{D}{{1,3}}\)?[\s\-]{D}{{3,4}}[\s\-]{D}{{3,4}}|05{D}{{8}}|01{D}{{9}}){e}"
            ))
            .ok()?,
        })
    })
    .as_ref()
}

fn ascii_digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| digit_value(c).map(|d| char::from(b'0' + d as u8)))
        .collect()
}

/// Keeps the candidates that overlap none kept before (in order).
fn keep_disjoint(cands: Vec<PatternMatch>) -> Vec<PatternMatch> {
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for c in cands {
        let s = c.span;
        let clash = s.is_empty()
            || taken
                .range(..s.end)
                .next_back()
                .is_some_and(|(_, &end)| end > s.start);
        if !clash {
            taken.insert(s.start, s.end);
            out.push(c);
        }
    }
    out
}

/// The web matches of `text`, non-overlapping, in kind order URL, EMAIL,
/// HASHTAG, MENTION, PHONE.
pub fn find(text: &str) -> Vec<PatternMatch> {
    let mut out: Vec<PatternMatch> = Vec::new();
    let Some(w) = web() else { return out };
    let push = |out: &mut Vec<PatternMatch>, span: Span, kind: EntityKind, value: String| {
        out.push(PatternMatch {
            span,
            kind,
            value: Some(value),
        });
    };
    let lower_has = |needle: &str| {
        text.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    if lower_has("http") || lower_has("www.") {
        for m in w.url.find_iter(text) {
            let trimmed = m
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»']);
            let span = Span::new(m.start(), m.start() + trimmed.len());
            push(&mut out, span, EntityKind::Url, trimmed.to_string());
        }
    }
    if text.contains('@') {
        for m in w.email.find_iter(text) {
            push(
                &mut out,
                Span::new(m.start(), m.end()),
                EntityKind::Email,
                m.as_str().to_string(),
            );
        }
    }
    // A mention or hashtag's value is its name without the mark.
    for (re, kind, mark) in [
        (&w.mention, EntityKind::Mention, '@'),
        (&w.hashtag, EntityKind::Hashtag, '#'),
    ] {
        if !text.contains(mark) {
            continue;
        }
        for c in re.captures_iter(text) {
            if let Some(m) = c.name("m") {
                let v = m.as_str().trim_start_matches(mark).to_string();
                push(&mut out, Span::new(m.start(), m.end()), kind, v);
            }
        }
    }
    let digits = text
        .chars()
        .filter(|c| digit_value(*c).is_some())
        .take(8)
        .count();
    if digits >= 8 {
        for c in w.phone.captures_iter(text) {
            if let Some(m) = c.name("m") {
                let d = ascii_digits(m.as_str());
                let v = if m.as_str().starts_with('+') {
                    format!("+{d}")
                } else {
                    d
                };
                push(
                    &mut out,
                    Span::new(m.start(), m.end()),
                    EntityKind::Phone,
                    v,
                );
            }
        }
    }
    keep_disjoint(out)
}
