//! What extraction returns: mentions with their spans, kinds and sources,
//! grouped into entities; and the gazetteer entries callers add.

use super::kinds::EntityKind;
use crate::offsets::Span;

/// Where a mention came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentionSource {
    /// The statistical model.
    Model,
    /// A pattern.
    Pattern,
    /// A gazetteer.
    Gazetteer,
}

/// One mention of an entity.
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    /// The entity's type.
    pub kind: EntityKind,
    /// Mentions in text order.
    pub mentions: Vec<Mention>,
}

/// A phrase always recognised as an entity of a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// The words to recognise, matched after folding (spelling variants and
    /// attached clitics match too).
    pub phrase: String,
    /// Its type.
    pub kind: EntityKind,
}
