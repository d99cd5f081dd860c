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
//! The rules, the code points each touches and the presets that turn it on
//! are listed in [`Rule`], generated from their one declaration,
//! [`for_each_normalization_rule!`](crate::for_each_normalization_rule).
//!
//! # Speed
//!
//! Every character a rule can touch starts with one of a few lead bytes (ASCII
//! whitespace, 0xC2, 0xD8..0xDB, 0xE1..0xE3, 0xEF). The scanner computes for
//! each 64-byte block a bitmap of the positions that may start a touchable
//! character (a superset that passes over ASCII and the common Arabic
//! letters): with AVX2 nibble-table lookups where the CPU has them (detected
//! at run time), SSE2 compares otherwise, portable Rust on other targets. It
//! confirms each position with one static table lookup of its byte pair and
//! looks only at those characters; the letters of U+0600..U+06FF outside
//! whitespace runs, the bulk of the work, are folded inline by a table of
//! UTF-8 replacements. Unchanged text is copied in fixed-size chunks, and the
//! output and the alignment are allocated once, at the first change.

use std::borrow::Cow;

mod engine;
#[cfg(test)]
mod engine_reference;
mod normalized;
mod out;
mod pass;
mod presentation;
mod rules;
mod scan;

use engine::Engine;
pub use normalized::{AlignmentEdit, Normalized};
pub use rules::{
    NormalizeOptions, Preset, Rule, ascii_digit, ascii_punctuation, is_alef_variant, is_line_break,
    is_whitespace, persian_letter, presentation_expansion,
};

/// Normalizes `text` under `options`, with the alignment back to `text`.
/// Allocates only when a rule changes something: untouched text comes back as
/// `Cow::Borrowed` with an empty alignment.
pub fn normalize<'a>(text: &'a str, options: &NormalizeOptions) -> Normalized<'a> {
    let mask = options.bits();
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
