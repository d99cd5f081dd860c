//! Pattern entities found directly on the text (byte spans), with
//! normalized values: DATE, TIME, NUMBER, ORDINAL, PERCENT, MONEY, QUANTITY,
//! URL, EMAIL, PHONE, HASHTAG, MENTION. The value formats are documented on
//! [`PatternMatch::value`] and in `docs/patterns.md`.
//!
//! Numeric and temporal expressions are found by a hand-written scanner over
//! tokens (digit runs, letter runs, single punctuation marks): each word is
//! folded once and looked up (after stripping a proclitic if needed) in the
//! small tables of [`lexicon`]; the rule families (dates, times, numbers,
//! measures) then look a bounded number of tokens ahead, so the pass is
//! linear in the text. URL, EMAIL, PHONE, HASHTAG and MENTION are regexes,
//! each run only when its trigger character occurs.

pub mod calendar;
mod dates;
pub mod lexicon;
mod matched;
mod measures;
mod named;
mod numbers;
mod relative;
mod scan;
mod times;
mod web;
mod years;

use crate::offsets::Span;

pub use calendar::{Reference, Zone, ZoneError, supported_zones};
pub use matched::PatternMatch;

/// Options of [`find_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PatternOptions {
    /// The moment relative expressions (أمس, الأسبوع الماضي) are resolved
    /// against; without it they keep a relative value such as `P-1D`.
    pub reference: Option<Reference>,
}

/// All pattern matches of `text` without a reference time. The scanner's
/// matches never overlap each other; web matches (URL, EMAIL, PHONE,
/// HASHTAG, MENTION) are taken first and the scanner skips their text.
pub fn find(text: &str) -> Vec<PatternMatch> {
    find_with(text, &PatternOptions::default())
}

/// All pattern matches of `text`, resolving relative expressions against
/// `options.reference` when given. Sorted by start.
pub fn find_with(text: &str, options: &PatternOptions) -> Vec<PatternMatch> {
    let mut out = web::find(text);
    let blocked: Vec<Span> = out.iter().map(|m| m.span).collect();
    scan::Scanner::new(text, &blocked, options.reference).run(&mut out);
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

#[cfg(test)]
mod tests;
