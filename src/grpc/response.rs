//! Domain → proto: analyzer results become responses, every span converted
//! to the offset unit the caller asked for and checked against its text (a
//! span off a char boundary is an analyzer bug, [`InvalidSpan`], never a panic).

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::pb;
use arabic_text_core::Analysis;
use arabic_text_core::entities::{Entity, EntityKind, MentionSource};
use arabic_text_core::normalize::{self, NormalizeOptions, Normalized};
use arabic_text_core::offsets::{OffsetConverter, OffsetUnit, Span};
use arabic_text_core::segment::{SegmentRole, Segmentation, TokenKind};

/// A domain result held a span that is not a char-boundary range of its text:
/// a bug in the analyzer, never the caller's fault (maps to INTERNAL).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("internal error: {what} span {start}..{end} is not a char range of a {len}-byte text")]
pub struct InvalidSpan {
    /// What the span belonged to.
    pub what: &'static str,
    /// Its start byte.
    pub start: usize,
    /// Its end byte.
    pub end: usize,
    /// The text's length in bytes.
    pub len: usize,
}

/// The proto encoding of an offset unit, echoed in responses.
pub fn offset_encoding(unit: OffsetUnit) -> pb::OffsetEncoding {
    match unit {
        OffsetUnit::Utf8 => pb::OffsetEncoding::Utf8,
        OffsetUnit::Utf16 => pb::OffsetEncoding::Utf16,
        OffsetUnit::CodePoint => pb::OffsetEncoding::CodePoint,
    }
}

/// The proto type of an entity kind: `ENTITY_TYPE_` + [`EntityKind::name`],
/// looked up once per process.
impl From<EntityKind> for pb::EntityType {
    fn from(kind: EntityKind) -> Self {
        static TYPES: LazyLock<Vec<pb::EntityType>> = LazyLock::new(|| {
            EntityKind::ALL
                .iter()
                .map(|k| {
                    pb::EntityType::from_str_name(&format!("ENTITY_TYPE_{}", k.name()))
                        .unwrap_or(pb::EntityType::Unspecified)
                })
                .collect()
        });
        TYPES
            .get(kind as usize)
            .copied()
            .unwrap_or(pb::EntityType::Unspecified)
    }
}

/// Converts byte spans of one text into proto spans, checking each span.
struct Spans<'t> {
    /// The text the spans point into.
    text: &'t str,
    /// The byte → unit converter of `text`.
    converter: OffsetConverter<'t>,
}

impl<'t> Spans<'t> {
    /// Prepares conversions for `text`.
    fn new(text: &'t str, unit: OffsetUnit) -> Self {
        Self {
            text,
            converter: OffsetConverter::new(text, unit),
        }
    }

    /// Checks `span` and returns its text and proto span.
    fn get(&self, span: Span, what: &'static str) -> Result<(&'t str, pb::TextSpan), InvalidSpan> {
        let slice = (span.start <= span.end)
            .then(|| self.text.get(span.start..span.end))
            .flatten()
            .ok_or(InvalidSpan {
                what,
                start: span.start,
                end: span.end,
                len: self.text.len(),
            })?;
        let s = self.converter.span(span);
        Ok((slice, text_span(s)))
    }
}

/// A proto span from converted offsets (saturating: texts are < 4 GiB since
/// requests are size-limited).
fn text_span(s: Span) -> pb::TextSpan {
    pb::TextSpan {
        start: u32::try_from(s.start).unwrap_or(u32::MAX),
        end: u32::try_from(s.end).unwrap_or(u32::MAX),
    }
}

/// The normalized text and its alignment in `unit`.
pub fn alignment(
    original: &str,
    normalized: &Normalized<'_>,
    unit: OffsetUnit,
) -> Result<(String, Vec<pb::AlignmentEdit>), InvalidSpan> {
    let orig = Spans::new(original, unit);
    let norm = Spans::new(&normalized.text, unit);
    let edits = normalized
        .alignment
        .iter()
        .map(|e| {
            Ok(pb::AlignmentEdit {
                original: Some(orig.get(e.original, "alignment original")?.1),
                normalized: Some(norm.get(e.normalized, "alignment normalized")?.1),
            })
        })
        .collect::<Result<Vec<_>, InvalidSpan>>()?;
    Ok((normalized.text.clone().into_owned(), edits))
}

/// The Normalize response.
pub fn normalize_response(
    original: &str,
    normalized: &Normalized<'_>,
    unit: OffsetUnit,
) -> Result<pb::NormalizeResponse, InvalidSpan> {
    let (normalized_text, alignment) = alignment(original, normalized, unit)?;
    Ok(pb::NormalizeResponse {
        normalized_text,
        alignment,
        offset_encoding: offset_encoding(unit) as i32,
    })
}

/// The proto kind of a token kind.
fn token_kind(kind: TokenKind) -> pb::TokenKind {
    match kind {
        TokenKind::Word => pb::TokenKind::Word,
        TokenKind::Number => pb::TokenKind::Number,
        TokenKind::Punctuation => pb::TokenKind::Punctuation,
        TokenKind::Symbol => pb::TokenKind::Symbol,
        TokenKind::Url => pb::TokenKind::Url,
        TokenKind::Email => pb::TokenKind::Email,
        TokenKind::Hashtag => pb::TokenKind::Hashtag,
        TokenKind::Mention => pb::TokenKind::Mention,
        TokenKind::Emoji => pb::TokenKind::Emoji,
    }
}

/// The proto role of a segment role.
fn segment_role(role: SegmentRole) -> pb::SegmentRole {
    match role {
        SegmentRole::Proclitic => pb::SegmentRole::Proclitic,
        SegmentRole::Article => pb::SegmentRole::Article,
        SegmentRole::Stem => pb::SegmentRole::Stem,
        SegmentRole::Enclitic => pb::SegmentRole::Enclitic,
    }
}

/// The proto source of a mention source.
fn mention_source(source: MentionSource) -> pb::MentionSource {
    match source {
        MentionSource::Model => pb::MentionSource::Model,
        MentionSource::Pattern => pb::MentionSource::Pattern,
        MentionSource::Gazetteer => pb::MentionSource::Gazetteer,
    }
}

/// How much of a segmentation a response lists (response size control).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail {
    /// List the tokens (most of a response).
    pub tokens: bool,
    /// List each token's clitic segments.
    pub segments: bool,
}

impl Default for Detail {
    /// Everything, as when the request's include flags are absent.
    fn default() -> Self {
        Self {
            tokens: true,
            segments: true,
        }
    }
}

/// Sentences and tokens in `unit`, each token with its normalized form; the
/// tokens and their segments only as far as `detail` asks.
pub fn segmentation(
    text: &str,
    seg: &Segmentation,
    normalize: &NormalizeOptions,
    unit: OffsetUnit,
    detail: Detail,
) -> Result<(Vec<pb::Sentence>, Vec<pb::Token>), InvalidSpan> {
    let spans = Spans::new(text, unit);
    let mut sentences = Vec::with_capacity(seg.sentences.len());
    let mut sentence_of = vec![0u32; seg.tokens.len()];
    for (index, s) in seg.sentences.iter().enumerate() {
        let (sentence_text, span) = spans.get(s.span, "sentence")?;
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        if let Some(owned) = sentence_of.get_mut(s.tokens.clone()) {
            owned.fill(index);
        }
        sentences.push(pb::Sentence {
            span: Some(span),
            text: sentence_text.to_owned(),
            first_token: u32::try_from(s.tokens.start).unwrap_or(u32::MAX),
            token_count: u32::try_from(s.tokens.len()).unwrap_or(u32::MAX),
        });
    }
    if !detail.tokens {
        return Ok((sentences, Vec::new()));
    }
    let mut tokens = Vec::with_capacity(seg.tokens.len());
    for (t, &sentence_index) in seg.tokens.iter().zip(&sentence_of) {
        let (token_text, span) = spans.get(t.span, "token")?;
        let parts = if detail.segments {
            seg.segments.get(t.segments.clone()).unwrap_or(&[])
        } else {
            &[]
        };
        let mut segments = Vec::with_capacity(parts.len());
        for part in parts {
            let (part_text, part_span) = spans.get(part.span, "segment")?;
            segments.push(pb::Segment {
                span: Some(part_span),
                text: part_text.to_owned(),
                form: part.form.as_deref().unwrap_or(part_text).to_owned(),
                role: segment_role(part.role) as i32,
            });
        }
        let normalized = match normalize::normalize_str(token_text, normalize) {
            Cow::Borrowed(s) => s.to_owned(),
            Cow::Owned(s) => s,
        };
        tokens.push(pb::Token {
            span: Some(span),
            text: token_text.to_owned(),
            normalized,
            kind: token_kind(t.kind) as i32,
            segments,
            sentence_index,
        });
    }
    Ok((sentences, tokens))
}

/// The Segment response.
pub fn segment_response(
    text: &str,
    seg: &Segmentation,
    normalize: &NormalizeOptions,
    unit: OffsetUnit,
    detail: Detail,
) -> Result<pb::SegmentResponse, InvalidSpan> {
    let (sentences, tokens) = segmentation(text, seg, normalize, unit, detail)?;
    Ok(pb::SegmentResponse {
        sentences,
        tokens,
        offset_encoding: offset_encoding(unit) as i32,
    })
}

/// Entities with their mentions in `unit`.
pub fn entities(
    text: &str,
    entities: &[Entity],
    unit: OffsetUnit,
) -> Result<Vec<pb::Entity>, InvalidSpan> {
    let spans = Spans::new(text, unit);
    entities
        .iter()
        .map(|e| {
            let mentions = e
                .mentions
                .iter()
                .map(|m| {
                    let (mention_text, span) = spans.get(m.span, "entity mention")?;
                    Ok(pb::EntityMention {
                        span: Some(span),
                        text: mention_text.to_owned(),
                        r#type: pb::EntityType::from(m.kind) as i32,
                        confidence: m.confidence,
                        source: mention_source(m.source) as i32,
                        value: m.value.clone().unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, InvalidSpan>>()?;
            Ok(pb::Entity {
                name: e.name.clone(),
                r#type: pb::EntityType::from(e.kind) as i32,
                mentions,
            })
        })
        .collect()
}

/// The ExtractEntities response.
pub fn entities_response(
    text: &str,
    found: &[Entity],
    unit: OffsetUnit,
) -> Result<pb::ExtractEntitiesResponse, InvalidSpan> {
    Ok(pb::ExtractEntitiesResponse {
        entities: entities(text, found, unit)?,
        offset_encoding: offset_encoding(unit) as i32,
    })
}

/// The Analyze response.
pub fn analyze_response(
    text: &str,
    analysis: &Analysis<'_>,
    normalize: &NormalizeOptions,
    unit: OffsetUnit,
    detail: Detail,
) -> Result<pb::AnalyzeResponse, InvalidSpan> {
    let (normalized_text, alignment) = alignment(text, &analysis.normalized, unit)?;
    let (sentences, tokens) = segmentation(text, &analysis.segmentation, normalize, unit, detail)?;
    Ok(pb::AnalyzeResponse {
        normalized_text,
        alignment,
        sentences,
        tokens,
        entities: entities(text, &analysis.entities, unit)?,
        offset_encoding: offset_encoding(unit) as i32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_kind_has_its_proto_type_and_back() {
        for kind in EntityKind::ALL {
            let proto = pb::EntityType::from(kind);
            assert_ne!(proto, pb::EntityType::Unspecified, "{kind:?}");
            assert_eq!(EntityKind::try_from(proto), Ok(kind));
        }
        // Every proto type but UNSPECIFIED is a kind.
        let mut value = 1;
        while let Ok(proto) = pb::EntityType::try_from(value) {
            assert!(EntityKind::try_from(proto).is_ok(), "{proto:?}");
            value += 1;
        }
        assert_eq!(value as usize, EntityKind::ALL.len() + 1);
        assert!(EntityKind::try_from(pb::EntityType::Unspecified).is_err());
    }
    use arabic_text_core::entities::Mention;

    #[test]
    fn spans_off_char_boundaries_are_internal_errors_not_panics() {
        let text = "مرحبا";
        let bad = [Entity {
            name: "x".into(),
            kind: EntityKind::Person,
            mentions: vec![Mention {
                span: Span::new(1, 4),
                kind: EntityKind::Person,
                confidence: 1.0,
                source: MentionSource::Model,
                value: None,
            }],
        }];
        assert!(entities(text, &bad, OffsetUnit::Utf16).is_err());
        let out_of_bounds = [Entity {
            mentions: vec![Mention {
                span: Span::new(2, 400),
                ..bad[0].mentions[0].clone()
            }],
            ..bad[0].clone()
        }];
        assert!(entities(text, &out_of_bounds, OffsetUnit::CodePoint).is_err());
    }

    #[test]
    fn mention_offsets_follow_the_requested_unit() {
        // "😀 القاهرة": the emoji is 4 UTF-8 bytes, 2 UTF-16 units, 1 code point.
        let text = "😀 القاهرة";
        let start = text.find('ا').unwrap_or(0);
        let found = [Entity {
            name: "القاهرة".into(),
            kind: EntityKind::Location,
            mentions: vec![Mention {
                span: Span::new(start, text.len()),
                kind: EntityKind::Location,
                confidence: 0.9,
                source: MentionSource::Gazetteer,
                value: None,
            }],
        }];
        let span = |unit| {
            entities(text, &found, unit).unwrap()[0].mentions[0]
                .span
                .unwrap()
        };
        assert_eq!(span(OffsetUnit::Utf8), pb::TextSpan { start: 5, end: 19 });
        assert_eq!(span(OffsetUnit::Utf16), pb::TextSpan { start: 3, end: 10 });
        assert_eq!(
            span(OffsetUnit::CodePoint),
            pb::TextSpan { start: 2, end: 9 }
        );
    }
}
