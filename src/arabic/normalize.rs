//! Normalization: one rule per option, each naming the exact code points it
//! touches, with an alignment from the normalized text back to the original.
//!
//! PLACEHOLDER BODY: the public API is fixed; the rules are being implemented.

use std::borrow::Cow;

use serde::Serialize;

use super::offsets::Span;

/// Which rules apply. Each field is one rule; see the proto for the code points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct NormalizeOptions {
    /// Delete U+064B..U+0652 and U+0670 (CAMeL `dediac_ar`).
    pub remove_diacritics: bool,
    /// Delete the other Arabic combining marks (Quranic annotation marks).
    pub remove_quranic_marks: bool,
    /// Delete tatweel U+0640.
    pub remove_tatweel: bool,
    /// أ إ آ ٱ → ا (CAMeL `normalize_alef_ar`).
    pub normalize_alef: bool,
    /// ى → ي (CAMeL `normalize_alef_maksura_ar`).
    pub normalize_alef_maksura: bool,
    /// ة → ه (CAMeL `normalize_teh_marbuta_ar`).
    pub normalize_teh_marbuta: bool,
    /// ؤ → و, ئ → ي.
    pub normalize_hamza: bool,
    /// Arabic-Indic and Persian digits → ASCII; ٫ ٬ → . ,
    pub normalize_digits: bool,
    /// Persian/Urdu letter variants → Arabic letters.
    pub normalize_persian_letters: bool,
    /// Presentation forms and ligatures → base letters.
    pub decompose_presentation_forms: bool,
    /// Delete invisible format characters.
    pub remove_invisible: bool,
    /// ، ؛ ؟ ٪ → , ; ? %
    pub normalize_punctuation: bool,
    /// Collapse whitespace runs and trim the ends.
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
    /// offset inside an edit maps to the start of the edit's original range,
    /// its end to the end.
    pub fn to_original(&self, normalized: usize) -> usize {
        let idx = self
            .alignment
            .partition_point(|e| e.normalized.start <= normalized);
        match idx.checked_sub(1).map(|i| self.alignment[i]) {
            None => normalized,
            Some(e) if normalized >= e.normalized.end => {
                e.original.end + (normalized - e.normalized.end)
            }
            Some(e) if normalized == e.normalized.start => e.original.start,
            Some(e) => e.original.end,
        }
    }
}

/// Normalizes `text` under `options`, with the alignment back to `text`.
/// Allocates only when a rule changes something.
pub fn normalize<'a>(text: &'a str, options: &NormalizeOptions) -> Normalized<'a> {
    let _ = options;
    Normalized {
        text: Cow::Borrowed(text),
        alignment: Vec::new(),
    }
}

/// Normalizes `text` without computing an alignment (token forms, lexicon keys).
pub fn normalize_str<'a>(text: &'a str, options: &NormalizeOptions) -> Cow<'a, str> {
    normalize(text, options).text
}
