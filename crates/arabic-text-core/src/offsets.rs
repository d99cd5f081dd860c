//! Spans into the original text and conversion of byte offsets to the unit a
//! caller asks for. Inside the crate every offset is a UTF-8 byte offset into
//! the original text; other units exist only at the edges (gRPC, CLI).

/// A half-open byte range `[start, end)` into the original text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers nothing.
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The text the span covers.
    ///
    /// # Panics
    /// If the span is out of bounds or not on char boundaries of `text`.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// The unit in which offsets are reported to a caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    /// UTF-8 bytes (Rust, Go, C).
    #[default]
    Utf8,
    /// UTF-16 code units (Java, JavaScript, C#).
    Utf16,
    /// Unicode scalar values (Python `str`).
    CodePoint,
}

/// Bytes per checkpoint of [`OffsetConverter`]: a conversion scans at most this
/// many bytes, and the table costs 4 bytes per block.
const BLOCK: usize = 64;

/// Converts byte offsets of one text into another [`OffsetUnit`] in O(BLOCK)
/// per offset, in any order. Build it once per text and unit.
#[derive(Debug)]
pub struct OffsetConverter<'t> {
    /// The text whose offsets are converted.
    text: &'t str,
    /// The unit offsets are converted to.
    unit: OffsetUnit,
    /// Units of all chars that start before byte `i * BLOCK`; empty when the
    /// conversion is the identity (UTF-8, or an ASCII text).
    blocks: Vec<u32>,
}

impl<'t> OffsetConverter<'t> {
    /// Prepares conversions of byte offsets into `text` to `unit`.
    pub fn new(text: &'t str, unit: OffsetUnit) -> Self {
        let mut blocks = Vec::new();
        if unit != OffsetUnit::Utf8 && !text.is_ascii() {
            blocks.reserve(text.len() / BLOCK + 1);
            let mut units = 0u32;
            let mut next_block = 0usize;
            for (i, c) in text.char_indices() {
                while next_block <= i {
                    blocks.push(units);
                    next_block += BLOCK;
                }
                units += unit_len(c, unit) as u32;
            }
            while next_block <= text.len() {
                blocks.push(units);
                next_block += BLOCK;
            }
        }
        Self { text, unit, blocks }
    }

    /// The unit this converter converts to.
    pub fn unit(&self) -> OffsetUnit {
        self.unit
    }

    /// Converts a byte offset (a char boundary, at most the text's length).
    pub fn convert(&self, byte: usize) -> usize {
        if self.blocks.is_empty() {
            return byte;
        }
        debug_assert!(self.text.is_char_boundary(byte));
        let block = byte / BLOCK;
        let mut units = self.blocks[block] as usize;
        let mut pos = block * BLOCK;
        let bytes = self.text.as_bytes();
        // Skip the tail of a char that started in the previous block: it is
        // already counted.
        while pos < byte && (bytes[pos] & 0xC0) == 0x80 {
            pos += 1;
        }
        for c in self.text[pos..byte].chars() {
            units += unit_len(c, self.unit);
        }
        units
    }

    /// Converts a byte span.
    pub fn span(&self, span: Span) -> Span {
        Span::new(self.convert(span.start), self.convert(span.end))
    }
}

/// Length of `c` in `unit`.
fn unit_len(c: char, unit: OffsetUnit) -> usize {
    match unit {
        OffsetUnit::Utf8 => c.len_utf8(),
        OffsetUnit::Utf16 => c.len_utf16(),
        OffsetUnit::CodePoint => 1,
    }
}

/// Length of `text` in `unit`.
pub fn len_in(text: &str, unit: OffsetUnit) -> usize {
    match unit {
        OffsetUnit::Utf8 => text.len(),
        OffsetUnit::Utf16 => text.encode_utf16().count(),
        OffsetUnit::CodePoint => text.chars().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &str, byte: usize, unit: OffsetUnit) -> usize {
        len_in(&text[..byte], unit)
    }

    #[test]
    fn converts_every_boundary_of_mixed_text() {
        let text = "مرحبا 😀 world ﷲ ".repeat(20);
        for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
            let conv = OffsetConverter::new(&text, unit);
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                assert_eq!(conv.convert(i), naive(&text, i, unit), "{unit:?} at {i}");
            }
        }
    }

    #[test]
    fn ascii_text_is_identity() {
        let conv = OffsetConverter::new("hello", OffsetUnit::Utf16);
        assert_eq!(conv.convert(5), 5);
    }
}
