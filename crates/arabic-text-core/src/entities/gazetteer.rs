//! Caller and operator gazetteers: phrases always recognised, matched on
//! folded forms at unit (word) boundaries, allowing proclitics in front of
//! the first word (ولبنان matches لبنان; the span excludes و).

use super::fold::{fold, orig_offset, proclitic_variants};
use super::knowledge::FxMap;
use super::units::Unit;
use super::{EntityKind, GazetteerEntry};
use crate::chars::{is_digit, is_word_char, is_word_internal};
use crate::offsets::Span;

/// Folded phrases → kind.
#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    /// Key: the phrase's folded units joined by one space.
    map: FxMap<String, EntityKind>,
    /// Most units in a phrase.
    max_units: usize,
}

/// The folded units of a phrase, as [`super::units`] would cut them.
fn phrase_key(phrase: &str) -> (String, usize) {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in phrase.chars() {
        if is_word_char(c) || is_word_internal(c) || is_digit(c) {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            parts.push(fold(&cur));
            cur.clear();
        }
        if !c.is_whitespace() {
            parts.push(c.to_string());
        }
    }
    if !cur.is_empty() {
        parts.push(fold(&cur));
    }
    let n = parts.len();
    (parts.join(" "), n)
}

/// Parses a kind name as used in gazetteer files.
pub fn parse_kind(s: &str) -> Option<EntityKind> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "PERSON" | "PER" | "PERS" => EntityKind::Person,
        "LOCATION" | "LOC" | "GPE" => EntityKind::Location,
        "ORGANIZATION" | "ORGANISATION" | "ORG" => EntityKind::Organization,
        "MISC" => EntityKind::Misc,
        "DATE" => EntityKind::Date,
        "TIME" => EntityKind::Time,
        "NUMBER" => EntityKind::Number,
        "PERCENT" => EntityKind::Percent,
        "MONEY" => EntityKind::Money,
        "URL" => EntityKind::Url,
        "EMAIL" => EntityKind::Email,
        "PHONE" => EntityKind::Phone,
        "HASHTAG" => EntityKind::Hashtag,
        "MENTION" => EntityKind::Mention,
        "ORDINAL" => EntityKind::Ordinal,
        "QUANTITY" => EntityKind::Quantity,
        _ => return None,
    })
}

/// Parses `phrase<TAB>TYPE` lines; blank lines and `#` comments are skipped.
pub fn parse_tsv(text: &str) -> Result<Vec<GazetteerEntry>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (phrase, kind) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: expected phrase<TAB>TYPE", n + 1))?;
        let kind = parse_kind(kind)
            .ok_or_else(|| format!("line {}: unknown entity type {kind:?}", n + 1))?;
        out.push(GazetteerEntry {
            phrase: phrase.trim().to_string(),
            kind,
        });
    }
    Ok(out)
}

impl Gazetteer {
    /// A gazetteer of `entries`.
    pub fn from_entries(entries: &[GazetteerEntry]) -> Self {
        let mut g = Self::default();
        g.extend(entries);
        g
    }

    /// Adds entries (a later entry for the same phrase wins).
    pub fn extend(&mut self, entries: &[GazetteerEntry]) {
        for e in entries {
            let (key, n) = phrase_key(&e.phrase);
            if n > 0 {
                self.map.insert(key, e.kind);
                self.max_units = self.max_units.max(n);
            }
        }
    }

    /// Whether it holds no phrase.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Greedy longest matches over `units`, left to right.
    pub fn find(&self, text: &str, units: &[Unit]) -> Vec<(Span, EntityKind)> {
        let mut out = Vec::new();
        if self.map.is_empty() {
            return out;
        }
        let mut i = 0;
        let mut key = String::new();
        while i < units.len() {
            let mut matched = 0;
            let Some(first) = units.get(i) else { break };
            let mut firsts: Vec<(usize, String)> = vec![(0, first.folded.clone())];
            if first.is_word {
                firsts.extend(proclitic_variants(&first.folded));
            }
            'len: for n in (1..=self.max_units.min(units.len() - i)).rev() {
                for (pchars, head) in &firsts {
                    key.clear();
                    key.push_str(head);
                    for u in &units[i + 1..i + n] {
                        key.push(' ');
                        key.push_str(&u.folded);
                    }
                    if let Some(&kind) = self.map.get(key.as_str()) {
                        let word = text.get(first.span.start..first.span.end).unwrap_or("");
                        let start = first.span.start + orig_offset(word, *pchars);
                        let end = units[i + n - 1].span.end;
                        out.push((Span::new(start, end), kind));
                        matched = n;
                        break 'len;
                    }
                }
            }
            i += matched.max(1);
        }
        out
    }
}
