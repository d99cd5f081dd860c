//! Segmentation: sentences, word tokens and clitic segments. Segmenters never
//! change, add or drop text: tokens cover every non-whitespace char exactly
//! once, and the segments of a token tile its span.
//!
//! Three passes: `tokenize` scans word tokens (URLs, e-mails, numbers,
//! hashtags, emoji sequences, punctuation) and, in the same pass, classifies
//! and packs the letters of Arabic words (`letters`) and notes line breaks;
//! then sentence boundaries are placed between tokens, then `clitics` splits
//! each Arabic word with a clitic grammar scored by the embedded stem lexicon
//! (`lexicon`), from the packed letters, without reading the text again.

use std::ops::Range;

use serde::Serialize;

use super::ModelError;
use super::offsets::Span;

mod analyses;
mod clitics;
mod letters;
mod lexicon;
mod memo;
mod tokenize;
mod weights;

pub use weights::{CliticWeights, WeightsError};

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
    /// Empty when `i` is out of range.
    pub fn token_segments(&self, i: usize) -> &[Segment] {
        self.tokens
            .get(i)
            .and_then(|t| self.segments.get(t.segments.clone()))
            .unwrap_or(&[])
    }
}

/// The embedded stem lexicon (see `models/PROVENANCE-segment.md`).
static LEXICON_GZ: &[u8] = include_bytes!("../../../../models/segment-lexicon.bin.gz");

/// The clitic analysis of every lexicon form under the default weights
/// (`arabic-text train-segment`; see `analyses.rs`).
static ANALYSES_GZ: &[u8] = include_bytes!("../../../../models/segment-analyses.bin.gz");

/// The lexicon's name in errors.
const LEXICON_NAME: &str = "segment-lexicon.bin.gz";

/// The segmenter with its embedded lexicon and models; built once, shared read-only.
#[derive(Debug)]
pub struct Segmenter {
    /// Word forms with frequencies and their analyses as whole words.
    lexicon: lexicon::Lexicon,
    /// Weights of the clitic scorer.
    weights: CliticWeights,
    /// This segmenter's key in the per-thread memo of analyses.
    memo: memo::MemoOwner,
}

impl Segmenter {
    /// Loads the embedded models.
    pub fn embedded() -> Result<Self, ModelError> {
        Self::with_weights(CliticWeights::default())
    }

    /// Loads the embedded lexicon with other clitic weights (for tuning).
    /// Weights other than the defaults cost about a second: the analyses of
    /// the lexicon's forms are computed here instead of read from the
    /// embedded file.
    pub fn with_weights(weights: CliticWeights) -> Result<Self, ModelError> {
        let raw = crate::gz::decompress(LEXICON_NAME, LEXICON_GZ)?;
        let records = lexicon::records(LEXICON_NAME, &raw)?;
        let fingerprint = analyses::fingerprint(&raw, &weights);
        let codes = match analyses::decode(ANALYSES_GZ, fingerprint, records.len()) {
            Some(codes) => codes,
            None => compute_analyses(&records, &weights)?,
        };
        Ok(Self {
            lexicon: lexicon::Lexicon::build(&records, Some(&codes))?,
            weights,
            memo: memo::MemoOwner::new(),
        })
    }

    /// The file of precomputed analyses (`models/segment-analyses.bin.gz`)
    /// for the embedded lexicon under `weights`, as `arabic-text
    /// train-segment` writes it.
    #[cfg(feature = "train")]
    #[doc(hidden)]
    pub fn compile_analyses(weights: &CliticWeights) -> Result<Vec<u8>, ModelError> {
        let raw = crate::gz::decompress(LEXICON_NAME, LEXICON_GZ)?;
        let records = lexicon::records(LEXICON_NAME, &raw)?;
        let codes = compute_analyses(&records, weights)?;
        analyses::encode(analyses::fingerprint(&raw, weights), &codes).map_err(|e| {
            ModelError::Invalid {
                name: "segment-analyses.bin.gz".to_owned(),
                reason: format!("cannot compress: {e}"),
            }
        })
    }

    /// The clitic weights in use.
    pub fn weights(&self) -> &CliticWeights {
        &self.weights
    }

    /// Splits one word (no whitespace, no punctuation) into clitic segments
    /// whose spans are byte ranges of `word`; they tile it. Used for NER
    /// features on pre-tokenized corpora.
    pub fn word_segments(&self, word: &str, mode: CliticMode) -> Vec<Segment> {
        let mut out = Vec::with_capacity(2);
        if !word.is_empty() {
            self.segment_word(word, 0, mode, &mut out);
        }
        out
    }

    /// Appends the segments of one word starting at byte `base` of the text.
    fn segment_word(&self, word: &str, base: usize, mode: CliticMode, out: &mut Vec<Segment>) {
        clitics::segment_word(
            &self.lexicon,
            &self.weights,
            &self.memo,
            word,
            base,
            mode,
            out,
        );
    }

    /// Segments `text`.
    pub fn segment(&self, text: &str, options: &SegmentOptions) -> Segmentation {
        let mut seg = Segmentation::default();
        self.segment_into(text, options, &mut seg);
        seg
    }

    /// Segments `text` into `seg`, reusing its buffers (cleared first).
    pub fn segment_into(&self, text: &str, options: &SegmentOptions, seg: &mut Segmentation) {
        seg.sentences.clear();
        seg.tokens.clear();
        seg.segments.clear();
        seg.tokens.reserve(text.len() / 6);
        seg.segments.reserve(text.len() / 5);
        let mut info = Vec::with_capacity(text.len() / 6);
        tokenize::tokenize(text, &mut seg.tokens, &mut info);
        tokenize::sentences(text, &seg.tokens, &info, &mut seg.sentences);
        clitics::segment_tokens(
            &self.lexicon,
            &self.weights,
            &self.memo,
            text,
            &mut seg.tokens,
            &info,
            options.clitics,
            &mut seg.segments,
        );
    }
}

/// The analysis of every record as a whole word under `weights`, from a
/// lexicon built without analyses.
fn compute_analyses(
    records: &[lexicon::Record<'_>],
    weights: &CliticWeights,
) -> Result<Vec<u16>, ModelError> {
    let bare = lexicon::Lexicon::build(records, None)?;
    Ok(records
        .iter()
        .map(|&(form, _)| clitics::analyse_form(&bare, weights, form))
        .collect())
}

#[cfg(test)]
mod tests;
