//! The segmenter: its embedded lexicon and analyses, loaded once, and the
//! three passes (tokens, sentences, clitics) over a text.

use super::types::{CliticMode, Segment, SegmentOptions, Segmentation};
use super::weights::CliticWeights;
use super::{analyses, clitics, lexicon, memo, sentences, tokenize};
use crate::error::ModelError;

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
        sentences::sentences(text, &seg.tokens, &info, &mut seg.sentences);
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
mod tests {
    use super::*;

    #[test]
    fn lexicon_loads_all_forms_quickly() {
        let t = std::time::Instant::now();
        let s = Segmenter::embedded().unwrap();
        let elapsed = t.elapsed();
        assert!(s.lexicon.len() > 500_000);
        // generous bound for unoptimized test builds; release loads in well under 200 ms
        assert!(elapsed.as_secs() < 5, "{elapsed:?}");
    }

    #[test]
    fn embedded_analyses_are_those_of_the_embedded_lexicon_and_default_weights() {
        // A stale models/segment-analyses.bin.gz would still segment correctly
        // (the analyses are then computed at load), but slowly: rerun
        // `arabic-text train-segment` after changing the lexicon or the weights.
        let raw = crate::gz::decompress(LEXICON_NAME, LEXICON_GZ).expect("lexicon");
        let records = lexicon::records(LEXICON_NAME, &raw).expect("records");
        let weights = CliticWeights::default();
        let fingerprint = analyses::fingerprint(&raw, &weights);
        let stored = analyses::decode(ANALYSES_GZ, fingerprint, records.len()).expect(
            "the embedded analyses match the lexicon and weights: run `arabic-text train-segment`",
        );
        let computed = compute_analyses(&records, &weights).expect("analyses");
        assert_eq!(stored.len(), computed.len());
        let differ = stored.iter().zip(&computed).filter(|(a, b)| a != b).count();
        assert_eq!(
            differ, 0,
            "{differ} stored analyses differ from computed ones"
        );
        // The file format round-trips.
        let file = analyses::encode(fingerprint, &computed).expect("encode");
        assert_eq!(
            analyses::decode(&file, fingerprint, records.len()),
            Some(computed)
        );
        // Other weights give another fingerprint: their analyses are computed.
        let other = CliticWeights {
            keep: weights.keep + 1,
            ..CliticWeights::default()
        };
        assert!(
            analyses::decode(
                ANALYSES_GZ,
                analyses::fingerprint(&raw, &other),
                records.len()
            )
            .is_none()
        );
    }
}
