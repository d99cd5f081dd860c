//! The result of normalization: the text and its alignment back to the
//! original (a leaf, shared by the engines and the facade).

use std::borrow::Cow;

use crate::offsets::Span;

/// One changed region: `original` in the input became `normalized` in the output.
/// Adjacent changes are merged into one edit, except that a deletion (empty
/// `normalized`) is never merged with a replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlignmentEdit {
    /// Byte range in the original text.
    pub original: Span,
    /// Byte range in the normalized text.
    pub normalized: Span,
}

/// The result of [`normalize`](super::normalize).
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
