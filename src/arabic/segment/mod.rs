//! Segmentation: sentences, word tokens and clitic segments. Segmenters never
//! change, add or drop text: tokens cover every non-whitespace char exactly
//! once, and the segments of a token tile its span.
//!
//! PLACEHOLDER BODY: the public API is fixed; the segmenter is being built.

use std::ops::Range;

use serde::Serialize;

use super::ModelError;
use super::offsets::Span;

/// How words are split into clitic segments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CliticMode {
    /// One STEM segment per token.
    None,
    /// Conjunctions, prepositions, future س and pronoun enclitics; ال stays on the stem.
    #[default]
    Clitics,
    /// As `Clitics`, and ال as its own ARTICLE segment.
    CliticsAndArticle,
}

/// Options of [`Segmenter::segment`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct SegmentOptions {
    /// Clitic segmentation mode.
    pub clitics: CliticMode,
}

/// What kind of token a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Token {
    /// Byte range in the original text.
    pub span: Span,
    /// What kind of token this is.
    pub kind: TokenKind,
    /// Its segments: a range into [`Segmentation::segments`].
    pub segments: Range<usize>,
}

/// A sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Byte range in the original text, trimmed of whitespace.
    pub span: Span,
    /// Its tokens: a range into [`Segmentation::tokens`].
    pub tokens: Range<usize>,
}

/// Sentences, tokens and segments of one text, stored flat.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
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
    pub fn token_segments(&self, i: usize) -> &[Segment] {
        &self.segments[self.tokens[i].segments.clone()]
    }
}

/// The segmenter with its embedded lexicon and models; built once, shared read-only.
#[derive(Debug)]
pub struct Segmenter {
    _private: (),
}

impl Segmenter {
    /// Loads the embedded models.
    pub fn embedded() -> Result<Self, ModelError> {
        Ok(Self { _private: () })
    }

    /// Splits one word (no whitespace, no punctuation) into clitic segments
    /// whose spans are byte ranges of `word`; they tile it. Used for NER
    /// features on pre-tokenized corpora.
    pub fn word_segments(&self, word: &str, mode: CliticMode) -> Vec<Segment> {
        let _ = mode;
        vec![Segment {
            span: Span::new(0, word.len()),
            role: SegmentRole::Stem,
            form: None,
        }]
    }

    /// Segments `text`.
    pub fn segment(&self, text: &str, options: &SegmentOptions) -> Segmentation {
        let _ = options;
        let mut seg = Segmentation::default();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    let n = seg.segments.len();
                    seg.segments.push(Segment {
                        span: Span::new(s, i),
                        role: SegmentRole::Stem,
                        form: None,
                    });
                    seg.tokens.push(Token {
                        span: Span::new(s, i),
                        kind: TokenKind::Word,
                        segments: n..n + 1,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        if let (Some(first), Some(last)) = (seg.tokens.first(), seg.tokens.last()) {
            let span = Span::new(first.span.start, last.span.end);
            seg.sentences.push(Sentence {
                span,
                tokens: 0..seg.tokens.len(),
            });
        }
        seg
    }
}
