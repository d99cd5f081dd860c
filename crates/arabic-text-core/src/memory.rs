//! An estimate of the working memory an analysis of a text takes, made from
//! the text's size and shape before the work starts, so a caller (the gRPC
//! service) can admit or refuse the work before the memory is taken.
//!
//! The memory of [`crate::Analyzer::analyze`] (and of the entity extraction
//! and segmentation inside it) grows with the number of units the tagger
//! sees (word runs and single punctuation marks: each a token, its clitic
//! segments, its folded form, its features and the per-sentence tables) and
//! with the expansion of presentation forms (`﷽` is one char and
//! `بسم الله الرحمن الرحيم` once normalized and folded), not with the bytes
//! alone: 1 MiB of `.` is a million units, 1 MiB of news about 110,000.
//!
//! Measured with `cargo run --release -p arabic-text-core --example
//! working-memory` (the heap high-water of a cold `analyze`, counted by a
//! global allocator, next to this estimate):
//!
//! | 1 MiB of | units | analyze | estimate | normalize (search) | estimate |
//! | --- | ---: | ---: | ---: | ---: | ---: |
//! | news (one sentence repeated) | 129,166 | 45 MB | 66 MB | 3.1 MB | 25.2 MB |
//! | `﷽` (one token) | 43,691 | 74 MB | 106 MB | 27.3 MB | 58.7 MB |
//! | `﷽ ` | 262,144 | 129 MB | 185 MB | 41.9 MB | 50.3 MB |
//! | `ب ` | 349,525 | 132 MB | 165 MB | 5.2 MB | 25.2 MB |
//! | `1 ` | 524,288 | 200 MB | 243 MB | 5.2 MB | 25.2 MB |
//! | `ب.` | 699,050 | 259 MB | 322 MB | 0.0 MB | 25.2 MB |
//! | `.` | 1,048,576 | 265 MB | 478 MB | 0.0 MB | 25.2 MB |
//! | `أب` (one word) | 65,537 | 34 MB | 38 MB | 13.6 MB | 25.2 MB |
//!
//! The estimate is an upper bound on these shapes (the example fails if it
//! is not), within 1.8× of what was measured; it does not include the caller's own copies (the request and
//! response messages of a service).

use crate::chars::{is_digit, is_presentation_form, is_word_char, is_word_internal};

/// Bytes per unit (word run or punctuation mark) of the text.
pub const BYTES_PER_UNIT: usize = 448;

/// Bytes per presentation-form char (U+FB50..U+FDFF, U+FE70..U+FEFC), on top
/// of its unit: its expansion in the normalized text, the alignment and the
/// folded forms (`﷽` is 3 bytes and 40 once expanded).
pub const BYTES_PER_PRESENTATION_FORM: usize = 224;

/// Chars of one word run counted as one unit: a long run (1 MiB of `أب`
/// with no space is one word) costs per char in the clitic analysis and the
/// folded forms, not per run.
pub const CHARS_PER_LONG_WORD_UNIT: usize = 8;

/// Bytes per byte of text (copies of the text in its normalized and folded
/// forms).
pub const BYTES_PER_TEXT_BYTE: usize = 8;

/// Whether `c` continues a word run (letters, digits, marks, tatweel, ZWNJ).
fn wordish(c: char) -> bool {
    is_word_char(c) || is_word_internal(c) || is_digit(c)
}

/// The shape of a text that its working memory follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Word runs (one more per [`CHARS_PER_LONG_WORD_UNIT`] chars of a run)
    /// plus punctuation and symbol chars (whitespace excluded).
    pub units: usize,
    /// Presentation-form chars.
    pub presentation_forms: usize,
    /// Bytes.
    pub bytes: usize,
}

impl Shape {
    /// Measures `text` in one pass, without allocating.
    pub fn of(text: &str) -> Self {
        let mut shape = Shape {
            bytes: text.len(),
            ..Shape::default()
        };
        let mut in_word = false;
        let mut run = 0usize;
        for c in text.chars() {
            if is_presentation_form(c) {
                shape.presentation_forms += 1;
            }
            if wordish(c) {
                if !in_word {
                    shape.units += 1;
                    in_word = true;
                    run = 0;
                }
                run += 1;
                if run.is_multiple_of(CHARS_PER_LONG_WORD_UNIT) {
                    shape.units += 1;
                }
            } else {
                in_word = false;
                if !c.is_whitespace() {
                    shape.units += 1;
                }
            }
        }
        shape
    }

    /// The estimated working memory in bytes (see the module docs).
    pub fn working_memory(&self) -> usize {
        self.units
            .saturating_mul(BYTES_PER_UNIT)
            .saturating_add(
                self.presentation_forms
                    .saturating_mul(BYTES_PER_PRESENTATION_FORM),
            )
            .saturating_add(self.bytes.saturating_mul(BYTES_PER_TEXT_BYTE))
    }
}

/// The estimated working memory of analysing `text`, in bytes: an upper
/// bound of what [`crate::Analyzer::analyze`] allocates for it (see the
/// module docs for the measurements behind it).
pub fn working_memory_estimate(text: &str) -> usize {
    Shape::of(text).working_memory()
}

/// Bytes per byte of text that normalization may take: the normalized copy
/// and an alignment edit (32 bytes) as often as every other char.
pub const NORMALIZE_BYTES_PER_TEXT_BYTE: usize = 24;

/// Bytes per presentation-form char that normalization may take on top: its
/// expansion (up to 40 bytes for `﷽`) and its edit.
pub const NORMALIZE_BYTES_PER_PRESENTATION_FORM: usize = 96;

/// The estimated working memory of normalizing `text` alone
/// ([`crate::Analyzer::normalize`]), in bytes: far below analysis', since
/// nothing is kept per word.
pub fn normalize_memory_estimate(text: &str) -> usize {
    let presentation_forms = text.chars().filter(|&c| is_presentation_form(c)).count();
    text.len()
        .saturating_mul(NORMALIZE_BYTES_PER_TEXT_BYTE)
        .saturating_add(presentation_forms.saturating_mul(NORMALIZE_BYTES_PER_PRESENTATION_FORM))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_word_runs_and_marks() {
        let shape = |t: &str| Shape::of(t);
        assert_eq!(shape("").units, 0);
        assert_eq!(shape("   \n").units, 0);
        assert_eq!(shape("ذهب محمد").units, 2);
        assert_eq!(shape("ذهب، محمد.").units, 4);
        assert_eq!(shape("...").units, 3);
        assert_eq!(shape("2024").units, 1);
        // Marks and tatweel stay inside their word.
        assert_eq!(shape("مُحـمّد").units, 1);
        let bism = shape("﷽﷽ ﷽");
        assert_eq!((bism.units, bism.presentation_forms), (2, 3));
    }

    #[test]
    fn the_estimate_follows_shape_not_bytes() {
        let dots = working_memory_estimate(&".".repeat(1000));
        let word = working_memory_estimate(&"ب".repeat(500));
        assert!(dots > 10 * word, "{dots} vs {word}");
        // A long word costs per char (1 MiB of `أب` in one word took 34 MB).
        assert_eq!(
            Shape::of(&"ب".repeat(500)).units,
            1 + 500 / CHARS_PER_LONG_WORD_UNIT
        );
        assert_eq!(
            working_memory_estimate("ab"),
            BYTES_PER_UNIT + 2 * BYTES_PER_TEXT_BYTE
        );
        // Saturates instead of overflowing.
        let huge = Shape {
            units: usize::MAX,
            presentation_forms: 1,
            bytes: 1,
        };
        assert_eq!(huge.working_memory(), usize::MAX);
    }
}
