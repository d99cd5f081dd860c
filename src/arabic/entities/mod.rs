//! Entity extraction: a statistical tagger for names (people, places,
//! organisations, misc), patterns for dates, times, numbers, money, URLs ...,
//! and gazetteers; mentions of one entity are grouped.
//!
//! PLACEHOLDER BODY: the public API is fixed; the extractor is being built.

use serde::Serialize;

use super::ModelError;
use super::offsets::Span;
use super::segment::Segmentation;

/// The type of an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A place.
    Location,
    /// An organisation.
    Organization,
    /// Another proper name.
    Misc,
    /// A date.
    Date,
    /// A time of day.
    Time,
    /// A number.
    Number,
    /// A percentage.
    Percent,
    /// An amount of money.
    Money,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A #hashtag.
    Hashtag,
    /// An @mention.
    Mention,
}

/// Where a mention came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionSource {
    /// The statistical model.
    Model,
    /// A pattern.
    Pattern,
    /// A gazetteer.
    Gazetteer,
}

/// One mention of an entity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    /// Byte range in the original text, without attached clitics.
    pub span: Span,
    /// The mention's type.
    pub kind: EntityKind,
    /// Confidence 0..1.
    pub confidence: f32,
    /// Where it came from.
    pub source: MentionSource,
    /// The normalized value of a pattern entity.
    pub value: Option<String>,
}

/// An entity with all its mentions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    /// The entity's type.
    pub kind: EntityKind,
    /// Mentions in text order.
    pub mentions: Vec<Mention>,
}

/// A phrase always recognised as an entity of a type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GazetteerEntry {
    /// The phrase.
    pub phrase: String,
    /// Its type.
    pub kind: EntityKind,
}

/// Options of [`EntityExtractor::extract`].
#[derive(Clone, Debug, Default)]
pub struct EntityOptions {
    /// Only these kinds; empty means all.
    pub kinds: Vec<EntityKind>,
    /// Drop mentions below this confidence.
    pub min_confidence: f32,
    /// Extra phrases for this request.
    pub gazetteer: Vec<GazetteerEntry>,
}

/// The extractor with its embedded model; built once, shared read-only.
#[derive(Debug)]
pub struct EntityExtractor {
    _private: (),
}

impl EntityExtractor {
    /// Loads the embedded model.
    pub fn embedded() -> Result<Self, ModelError> {
        Ok(Self { _private: () })
    }

    /// Extracts the entities of `text`, reusing its segmentation.
    pub fn extract(
        &self,
        text: &str,
        segmentation: &Segmentation,
        options: &EntityOptions,
    ) -> Vec<Entity> {
        let _ = (text, segmentation, options);
        Vec::new()
    }
}
