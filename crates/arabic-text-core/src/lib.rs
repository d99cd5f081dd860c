//! Arabic text processing: normalization with an alignment back to the
//! original, segmentation into sentences, words and clitics, and named-entity
//! extraction, with every model embedded in the library.
//!
//! Synchronous, no I/O at run time and no async runtime: the gRPC service, the
//! command-line tool, benchmarks and any other Rust program use it alike. Every
//! span is a half-open UTF-8 byte range into the ORIGINAL text;
//! [`OffsetConverter`] turns it into UTF-16 code units or code points.
//!
//! Build one [`Analyzer`] at start-up (it loads the embedded models, about a
//! tenth of a second) and share it between threads:
//!
//! ```
//! use arabic_text_core::{Analyzer, EntityKind, NormalizeOptions, Preset};
//!
//! let analyzer = Analyzer::embedded()?;
//! let text = "وقال الرئيس إن الوفد سيزور بغداد يوم 22 يناير 2024.";
//!
//! // Normalization: one rule per option, presets as starting points.
//! let normalized = analyzer.normalize(text, &NormalizeOptions::preset(Preset::Search));
//! assert!(normalized.text.starts_with("وقال الرييس ان"));
//!
//! // Segmentation: tokens tile the text; clitic segments tile each token.
//! let seg = analyzer.segment(text, &Default::default());
//! let first = &seg.tokens[0];
//! let parts: Vec<&str> = seg.token_segments(0).iter().map(|s| s.span.slice(text)).collect();
//! assert_eq!((first.span.slice(text), parts), ("وقال", vec!["و", "قال"]));
//!
//! // Entities: spans point into the original text, without attached clitics.
//! let entities = analyzer.extract_entities(text, &Default::default());
//! let places: Vec<&str> = entities
//!     .iter()
//!     .filter(|e| e.kind == EntityKind::Location)
//!     .map(|e| e.mentions[0].span.slice(text))
//!     .collect();
//! assert_eq!(places, ["بغداد"]);
//! # Ok::<(), arabic_text_core::ModelError>(())
//! ```

pub mod chars;
pub mod entities;
mod error;
mod gz;
mod macros;
pub mod memory;
pub mod normalize;
pub mod offsets;
pub mod segment;

pub use entities::{
    Entity, EntityExtractor, EntityKind, EntityOptions, GazetteerEntry, Mention, MentionSource,
};
pub use error::ModelError;
pub use normalize::{AlignmentEdit, NormalizeOptions, Normalized, Preset, normalize};
pub use offsets::{OffsetConverter, OffsetUnit, Span};
pub use segment::{
    CliticMode, Segment, SegmentOptions, SegmentRole, Segmentation, Segmenter, Sentence, Token,
    TokenKind,
};

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

    /// The segmenter, for callers that segment without the rest.
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
