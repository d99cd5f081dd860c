//! The text-processing core: normalization, segmentation and entity extraction.
//! Synchronous and free of tonic/tokio, so the CLI, the server, benchmarks and
//! other crates use it alike. All offsets are UTF-8 byte offsets into the
//! original text; other units are produced at the edges.

pub mod chars;
pub mod entities;
pub mod normalize;
pub mod offsets;
pub mod segment;

use entities::{Entity, EntityExtractor, EntityOptions};
use normalize::{NormalizeOptions, Normalized};
use segment::{SegmentOptions, Segmentation, Segmenter};

/// A model or data file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read.
    #[error("cannot read model {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file's content is not a valid model.
    #[error("invalid model {name}: {reason}")]
    Invalid {
        /// The model.
        name: String,
        /// Why.
        reason: String,
    },
}

/// Options of [`Analyzer::analyze`].
#[derive(Clone, Debug, Default)]
pub struct AnalyzeOptions {
    /// Rules for the normalized text.
    pub normalize: NormalizeOptions,
    /// Segmentation options.
    pub segment: SegmentOptions,
    /// Entity options.
    pub entities: EntityOptions,
}

/// Everything [`Analyzer::analyze`] finds in one text.
#[derive(Clone, Debug)]
pub struct Analysis<'a> {
    /// The normalized text with its alignment.
    pub normalized: Normalized<'a>,
    /// Sentences, tokens and clitic segments.
    pub segmentation: Segmentation,
    /// Entities with their mentions.
    pub entities: Vec<Entity>,
}

/// Holds the loaded models; built once at start-up and shared read-only.
#[derive(Debug)]
pub struct Analyzer {
    /// Sentence, word and clitic segmenter.
    segmenter: Segmenter,
    /// Named-entity tagger, patterns and gazetteers.
    extractor: EntityExtractor,
}

impl Analyzer {
    /// An analyzer with the models embedded in the binary.
    pub fn embedded() -> Result<Self, ModelError> {
        Ok(Self::new(
            Segmenter::embedded()?,
            EntityExtractor::embedded()?,
        ))
    }

    /// An analyzer with the embedded segmenter and, when given, another NER
    /// model file and an operator gazetteer file (`phrase<TAB>TYPE` lines)
    /// instead of / on top of the embedded ones.
    pub fn load(
        ner_model: Option<&std::path::Path>,
        gazetteer: Option<&std::path::Path>,
    ) -> Result<Self, ModelError> {
        let mut extractor = match ner_model {
            Some(path) => EntityExtractor::from_model_file(path)?,
            None => EntityExtractor::embedded()?,
        };
        if let Some(path) = gazetteer {
            extractor = extractor.with_gazetteer_file(path)?;
        }
        Ok(Self::new(Segmenter::embedded()?, extractor))
    }

    /// An analyzer from explicit parts (another NER model, a gazetteer, ...).
    pub fn new(segmenter: Segmenter, extractor: EntityExtractor) -> Self {
        Self {
            segmenter,
            extractor,
        }
    }

    /// The segmenter.
    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// The entity extractor.
    pub fn extractor(&self) -> &EntityExtractor {
        &self.extractor
    }

    /// Normalizes `text`.
    pub fn normalize<'a>(&self, text: &'a str, options: &NormalizeOptions) -> Normalized<'a> {
        normalize::normalize(text, options)
    }

    /// Segments `text`.
    pub fn segment(&self, text: &str, options: &SegmentOptions) -> Segmentation {
        self.segmenter.segment(text, options)
    }

    /// Extracts the entities of `text`.
    pub fn extract_entities(&self, text: &str, options: &EntityOptions) -> Vec<Entity> {
        let segmentation = self.segmenter.segment(text, &SegmentOptions::default());
        self.extractor.extract(text, &segmentation, options)
    }

    /// Normalizes, segments and extracts entities, segmenting once.
    pub fn analyze<'a>(&self, text: &'a str, options: &AnalyzeOptions) -> Analysis<'a> {
        let segmentation = self.segmenter.segment(text, &options.segment);
        let entities = self
            .extractor
            .extract(text, &segmentation, &options.entities);
        Analysis {
            normalized: normalize::normalize(text, &options.normalize),
            segmentation,
            entities,
        }
    }
}
