//! The segmentation's vocabulary: sentences, tokens and clitic segments of a
//! text, stored flat, with byte spans into the original text.

use std::ops::Range;

use crate::offsets::Span;

/// How words are split into clitic segments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CliticMode {
    /// One STEM segment per token.
    None,
    /// Conjunctions, prepositions, future س and pronoun enclitics; ال stays on the stem.
    #[default]
    Clitics,
    /// As `Clitics`, and ال as its own ARTICLE segment.
    CliticsAndArticle,
}

/// Options of [`Segmenter::segment`](super::Segmenter::segment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SegmentOptions {
    /// Clitic segmentation mode.
    pub clitics: CliticMode,
}

/// What kind of token a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A word in any script.
    Word,
    /// A number with its separators.
    Number,
    /// Punctuation.
    Punctuation,
    /// A symbol.
    Symbol,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A #hashtag.
    Hashtag,
    /// An @mention.
    Mention,
    /// An emoji sequence.
    Emoji,
}

/// The role of a clitic segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SegmentRole {
    /// و ف ب ل ك س
    Proclitic,
    /// ال (only in [`CliticMode::CliticsAndArticle`]).
    Article,
    /// The stem.
    Stem,
    /// A pronoun enclitic.
    Enclitic,
}

/// One clitic segment of a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Byte range in the original text.
    pub span: Span,
    /// The segment's role.
    pub role: SegmentRole,
    /// The restored form where orthography dropped or changed a letter
    /// (ل + ل|عاصمة → ال|عاصمة); `None` when it equals the surface text.
    pub form: Option<Box<str>>,
}

/// A word token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the original text.
    pub span: Span,
    /// What kind of token this is.
    pub kind: TokenKind,
    /// Its segments: a range into [`Segmentation::segments`].
    pub segments: Range<usize>,
}

/// A sentence: a run of tokens ended by a terminator or the text's end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the original text, trimmed of whitespace.
    pub span: Span,
    /// Its tokens: a range into [`Segmentation::tokens`].
    pub tokens: Range<usize>,
}

/// Sentences, tokens and segments of one text, stored flat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segmentation {
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// Segments in order; each token owns a contiguous range.
    pub segments: Vec<Segment>,
}

impl Segmentation {
    /// The segments of token `i`.
    /// Empty when `i` is out of range.
    pub fn token_segments(&self, i: usize) -> &[Segment] {
        self.tokens
            .get(i)
            .and_then(|t| self.segments.get(t.segments.clone()))
            .unwrap_or(&[])
    }
}
