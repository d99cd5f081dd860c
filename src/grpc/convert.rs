//! The only place protobuf and domain types meet: requests are validated into
//! domain options (collecting every field violation), and domain results are
//! turned into responses with offsets in the unit the caller asked for.

use std::borrow::Cow;

use crate::pb;
use arabic_text_core::entities::{EntityKind, EntityOptions, GazetteerEntry, MentionSource};
use arabic_text_core::normalize::{self, NormalizeOptions, Normalized, Preset};
use arabic_text_core::offsets::{OffsetConverter, OffsetUnit, Span};
use arabic_text_core::segment::{CliticMode, SegmentOptions, SegmentRole, Segmentation, TokenKind};
use arabic_text_core::{Analysis, AnalyzeOptions, entities::Entity};

/// One field a request got wrong: the path of the field and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    /// The field's path in the request, e.g. `options.types[2]`.
    pub field: String,
    /// What is wrong with it, for the caller.
    pub description: String,
}

/// Every problem found in one request, so a caller fixes them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    /// Records a violation of `field`.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.into(),
        });
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, Violations> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for Violations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", v.field, v.description)?;
        }
        Ok(())
    }
}

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

/// Limits a request is checked against.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest accepted `Document.content` in bytes.
    pub max_text_bytes: usize,
}

/// Primary language subtags accepted: Arabic (`ar`) and the ISO 639-3
/// individual languages of the Arabic macrolanguage (dialects).
const ARABIC_LANGUAGES: &[&str] = &[
    "ar", "ara", "aao", "abh", "abv", "acm", "acq", "acw", "acx", "acy", "adf", "aeb", "aec",
    "afb", "ajp", "apc", "apd", "arb", "arq", "ars", "ary", "arz", "auz", "avl", "ayh", "ayl",
    "ayn", "ayp", "bbz", "pga", "shu", "ssh",
];

/// Whether a BCP-47 tag names Arabic: empty, or a primary subtag in
/// [`ARABIC_LANGUAGES`] (case-insensitive; `-` or `_` separators).
pub fn is_arabic_language(tag: &str) -> bool {
    let tag = tag.trim();
    if tag.is_empty() {
        return true;
    }
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    ARABIC_LANGUAGES
        .iter()
        .any(|l| l.eq_ignore_ascii_case(primary))
}

/// Takes the document's content out of a request, checking presence, length
/// and language.
fn document(
    document: Option<pb::Document>,
    field: &str,
    limits: Limits,
    v: &mut Violations,
) -> String {
    let Some(doc) = document else {
        v.add(field, "a document is required");
        return String::new();
    };
    if doc.content.len() > limits.max_text_bytes {
        v.add(
            format!("{field}.content"),
            format!(
                "the text is {} bytes long; at most {} bytes are accepted",
                doc.content.len(),
                limits.max_text_bytes
            ),
        );
    }
    if !is_arabic_language(&doc.language_code) {
        v.add(
            format!("{field}.language_code"),
            format!(
                "unsupported language {:?}: only Arabic (\"ar\", \"ar-*\" or an Arabic variety such as \"arz\") is supported",
                doc.language_code
            ),
        );
    }
    doc.content
}

/// Reports an enum value this server does not know.
fn unknown_enum(v: &mut Violations, field: &str, enum_name: &str, value: i32) {
    v.add(field, format!("unknown {enum_name} value {value}"));
}

/// Maps an offset encoding; UNSPECIFIED is UTF-8.
pub fn offset_unit(value: i32, field: &str, v: &mut Violations) -> OffsetUnit {
    match pb::OffsetEncoding::try_from(value) {
        Ok(pb::OffsetEncoding::Unspecified | pb::OffsetEncoding::Utf8) => OffsetUnit::Utf8,
        Ok(pb::OffsetEncoding::Utf16) => OffsetUnit::Utf16,
        Ok(pb::OffsetEncoding::CodePoint) => OffsetUnit::CodePoint,
        Err(_) => {
            unknown_enum(v, field, "OffsetEncoding", value);
            OffsetUnit::Utf8
        }
    }
}

/// The proto encoding of an offset unit, echoed in responses.
pub fn offset_encoding(unit: OffsetUnit) -> pb::OffsetEncoding {
    match unit {
        OffsetUnit::Utf8 => pb::OffsetEncoding::Utf8,
        OffsetUnit::Utf16 => pb::OffsetEncoding::Utf16,
        OffsetUnit::CodePoint => pb::OffsetEncoding::CodePoint,
    }
}

/// Maps a preset; UNSPECIFIED is STANDARD.
pub fn preset(value: pb::NormalizationPreset) -> Preset {
    match value {
        pb::NormalizationPreset::Unspecified | pb::NormalizationPreset::Standard => {
            Preset::Standard
        }
        pb::NormalizationPreset::None => Preset::None,
        pb::NormalizationPreset::Light => Preset::Light,
        pb::NormalizationPreset::Search => Preset::Search,
    }
}

/// Maps normalization options: the preset's rules, then each present override.
pub fn normalize_options(
    options: Option<&pb::NormalizationOptions>,
    field: &str,
    v: &mut Violations,
) -> NormalizeOptions {
    let Some(o) = options else {
        return NormalizeOptions::preset(Preset::Standard);
    };
    let base = match pb::NormalizationPreset::try_from(o.preset) {
        Ok(p) => preset(p),
        Err(_) => {
            unknown_enum(
                v,
                &format!("{field}.preset"),
                "NormalizationPreset",
                o.preset,
            );
            Preset::Standard
        }
    };
    let mut n = NormalizeOptions::preset(base);
    let set = |rule: &mut bool, value: Option<bool>| {
        if let Some(value) = value {
            *rule = value;
        }
    };
    set(&mut n.remove_diacritics, o.remove_diacritics);
    set(&mut n.remove_quranic_marks, o.remove_quranic_marks);
    set(&mut n.remove_tatweel, o.remove_tatweel);
    set(&mut n.normalize_alef, o.normalize_alef);
    set(&mut n.normalize_alef_maksura, o.normalize_alef_maksura);
    set(&mut n.normalize_teh_marbuta, o.normalize_teh_marbuta);
    set(&mut n.normalize_hamza, o.normalize_hamza);
    set(&mut n.normalize_digits, o.normalize_digits);
    set(
        &mut n.normalize_persian_letters,
        o.normalize_persian_letters,
    );
    set(
        &mut n.decompose_presentation_forms,
        o.decompose_presentation_forms,
    );
    set(&mut n.remove_invisible, o.remove_invisible);
    set(&mut n.normalize_punctuation, o.normalize_punctuation);
    set(&mut n.collapse_whitespace, o.collapse_whitespace);
    n
}

/// Maps a clitic mode; UNSPECIFIED is CLITICS.
pub fn clitic_mode(value: i32, field: &str, v: &mut Violations) -> CliticMode {
    match pb::CliticMode::try_from(value) {
        Ok(pb::CliticMode::Unspecified | pb::CliticMode::Clitics) => CliticMode::Clitics,
        Ok(pb::CliticMode::None) => CliticMode::None,
        Ok(pb::CliticMode::CliticsAndArticle) => CliticMode::CliticsAndArticle,
        Err(_) => {
            unknown_enum(v, field, "CliticMode", value);
            CliticMode::Clitics
        }
    }
}

/// Maps an entity type; `None` for UNSPECIFIED.
pub fn entity_kind(value: pb::EntityType) -> Option<EntityKind> {
    Some(match value {
        pb::EntityType::Unspecified => return None,
        pb::EntityType::Person => EntityKind::Person,
        pb::EntityType::Location => EntityKind::Location,
        pb::EntityType::Organization => EntityKind::Organization,
        pb::EntityType::Misc => EntityKind::Misc,
        pb::EntityType::Date => EntityKind::Date,
        pb::EntityType::Time => EntityKind::Time,
        pb::EntityType::Number => EntityKind::Number,
        pb::EntityType::Percent => EntityKind::Percent,
        pb::EntityType::Money => EntityKind::Money,
        pb::EntityType::Url => EntityKind::Url,
        pb::EntityType::Email => EntityKind::Email,
        pb::EntityType::Phone => EntityKind::Phone,
        pb::EntityType::Hashtag => EntityKind::Hashtag,
        pb::EntityType::Mention => EntityKind::Mention,
        pb::EntityType::Ordinal => EntityKind::Ordinal,
        pb::EntityType::Quantity => EntityKind::Quantity,
    })
}

/// The proto type of an entity kind.
pub fn entity_type(kind: EntityKind) -> pb::EntityType {
    match kind {
        EntityKind::Person => pb::EntityType::Person,
        EntityKind::Location => pb::EntityType::Location,
        EntityKind::Organization => pb::EntityType::Organization,
        EntityKind::Misc => pb::EntityType::Misc,
        EntityKind::Date => pb::EntityType::Date,
        EntityKind::Time => pb::EntityType::Time,
        EntityKind::Number => pb::EntityType::Number,
        EntityKind::Percent => pb::EntityType::Percent,
        EntityKind::Money => pb::EntityType::Money,
        EntityKind::Url => pb::EntityType::Url,
        EntityKind::Email => pb::EntityType::Email,
        EntityKind::Phone => pb::EntityType::Phone,
        EntityKind::Hashtag => pb::EntityType::Hashtag,
        EntityKind::Mention => pb::EntityType::Mention,
        EntityKind::Ordinal => pb::EntityType::Ordinal,
        EntityKind::Quantity => pb::EntityType::Quantity,
    }
}

/// Maps entity options, checking types, confidence and gazetteer entries.
pub fn entity_options(
    options: Option<&pb::EntityOptions>,
    field: &str,
    v: &mut Violations,
) -> EntityOptions {
    let Some(o) = options else {
        return EntityOptions::default();
    };
    let mut kinds = Vec::with_capacity(o.types.len());
    for (i, &t) in o.types.iter().enumerate() {
        let f = format!("{field}.types[{i}]");
        match pb::EntityType::try_from(t) {
            Ok(t) => match entity_kind(t) {
                Some(k) => {
                    if !kinds.contains(&k) {
                        kinds.push(k);
                    }
                }
                None => v.add(f, "ENTITY_TYPE_UNSPECIFIED is not a type to filter on"),
            },
            Err(_) => unknown_enum(v, &f, "EntityType", t),
        }
    }
    if !(0.0..=1.0).contains(&o.min_confidence) {
        v.add(
            format!("{field}.min_confidence"),
            format!("must be within [0, 1], got {}", o.min_confidence),
        );
    }
    let mut gazetteer = Vec::with_capacity(o.gazetteer.len());
    for (i, entry) in o.gazetteer.iter().enumerate() {
        let f = format!("{field}.gazetteer[{i}]");
        let phrase = entry.phrase.trim();
        if phrase.is_empty() {
            v.add(format!("{f}.phrase"), "the phrase is empty");
        }
        let kind = match pb::EntityType::try_from(entry.r#type) {
            Ok(t) => match entity_kind(t) {
                Some(
                    k @ (EntityKind::Person
                    | EntityKind::Location
                    | EntityKind::Organization
                    | EntityKind::Misc),
                ) => Some(k),
                _ => {
                    v.add(
                        format!("{f}.type"),
                        format!(
                            "{} is not a name type: use PERSON, LOCATION, ORGANIZATION or MISC",
                            t.as_str_name()
                        ),
                    );
                    None
                }
            },
            Err(_) => {
                unknown_enum(v, &format!("{f}.type"), "EntityType", entry.r#type);
                None
            }
        };
        if let (Some(kind), false) = (kind, phrase.is_empty()) {
            gazetteer.push(GazetteerEntry {
                phrase: phrase.to_owned(),
                kind,
            });
        }
    }
    EntityOptions {
        kinds,
        min_confidence: o.min_confidence,
        gazetteer,
        reference: None,
    }
}

/// A validated Normalize call.
#[derive(Clone, Debug)]
pub struct NormalizeCall {
    /// The text.
    pub text: String,
    /// The rules.
    pub options: NormalizeOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
}

/// A validated Segment call.
#[derive(Clone, Debug)]
pub struct SegmentCall {
    /// The text.
    pub text: String,
    /// Segmentation options.
    pub options: SegmentOptions,
    /// Rules for each token's normalized form.
    pub normalize: NormalizeOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
}

/// A validated ExtractEntities call.
#[derive(Clone, Debug)]
pub struct EntitiesCall {
    /// The text.
    pub text: String,
    /// Entity options.
    pub options: EntityOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
}

/// A validated Analyze call.
#[derive(Clone, Debug)]
pub struct AnalyzeCall {
    /// The text.
    pub text: String,
    /// All options.
    pub options: AnalyzeOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
}

/// Validates a Normalize request.
pub fn normalize_request(
    req: pb::NormalizeRequest,
    limits: Limits,
) -> Result<NormalizeCall, Violations> {
    let mut v = Violations::default();
    let options = normalize_options(req.options.as_ref(), "options", &mut v);
    let unit = offset_unit(req.offset_encoding, "offset_encoding", &mut v);
    let text = document(req.document, "document", limits, &mut v);
    v.into_result(NormalizeCall {
        text,
        options,
        unit,
    })
}

/// Validates a Segment request.
pub fn segment_request(req: pb::SegmentRequest, limits: Limits) -> Result<SegmentCall, Violations> {
    let mut v = Violations::default();
    let o = req.options.as_ref();
    let clitics = clitic_mode(o.map_or(0, |o| o.clitics), "options.clitics", &mut v);
    let normalize = normalize_options(
        o.and_then(|o| o.normalization.as_ref()),
        "options.normalization",
        &mut v,
    );
    let unit = offset_unit(req.offset_encoding, "offset_encoding", &mut v);
    let text = document(req.document, "document", limits, &mut v);
    v.into_result(SegmentCall {
        text,
        options: SegmentOptions { clitics },
        normalize,
        unit,
    })
}

/// Validates an ExtractEntities request.
pub fn entities_request(
    req: pb::ExtractEntitiesRequest,
    limits: Limits,
) -> Result<EntitiesCall, Violations> {
    let mut v = Violations::default();
    let options = entity_options(req.options.as_ref(), "options", &mut v);
    let unit = offset_unit(req.offset_encoding, "offset_encoding", &mut v);
    let text = document(req.document, "document", limits, &mut v);
    v.into_result(EntitiesCall {
        text,
        options,
        unit,
    })
}

/// Validates an Analyze request; `prefix` is prepended to field paths (for
/// stream items, `request.`).
pub fn analyze_request(
    req: pb::AnalyzeRequest,
    limits: Limits,
    prefix: &str,
) -> Result<AnalyzeCall, Violations> {
    let mut v = Violations::default();
    let normalize = normalize_options(
        req.normalization.as_ref(),
        &format!("{prefix}normalization"),
        &mut v,
    );
    let clitics = clitic_mode(req.clitics, &format!("{prefix}clitics"), &mut v);
    let entities = entity_options(req.entities.as_ref(), &format!("{prefix}entities"), &mut v);
    let unit = offset_unit(
        req.offset_encoding,
        &format!("{prefix}offset_encoding"),
        &mut v,
    );
    let text = document(req.document, &format!("{prefix}document"), limits, &mut v);
    v.into_result(AnalyzeCall {
        text,
        options: AnalyzeOptions {
            normalize,
            segment: SegmentOptions { clitics },
            entities,
        },
        unit,
    })
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

/// Sentences and tokens in `unit`, each token with its normalized form.
pub fn segmentation(
    text: &str,
    seg: &Segmentation,
    normalize: &NormalizeOptions,
    unit: OffsetUnit,
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
    let mut tokens = Vec::with_capacity(seg.tokens.len());
    for (t, &sentence_index) in seg.tokens.iter().zip(&sentence_of) {
        let (token_text, span) = spans.get(t.span, "token")?;
        let parts = seg.segments.get(t.segments.clone()).unwrap_or(&[]);
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
) -> Result<pb::SegmentResponse, InvalidSpan> {
    let (sentences, tokens) = segmentation(text, seg, normalize, unit)?;
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
                        r#type: entity_type(m.kind) as i32,
                        confidence: m.confidence,
                        source: mention_source(m.source) as i32,
                        value: m.value.clone().unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, InvalidSpan>>()?;
            Ok(pb::Entity {
                name: e.name.clone(),
                r#type: entity_type(e.kind) as i32,
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
) -> Result<pb::AnalyzeResponse, InvalidSpan> {
    let (normalized_text, alignment) = alignment(text, &analysis.normalized, unit)?;
    let (sentences, tokens) = segmentation(text, &analysis.segmentation, normalize, unit)?;
    Ok(pb::AnalyzeResponse {
        normalized_text,
        alignment,
        sentences,
        tokens,
        entities: entities(text, &analysis.entities, unit)?,
        offset_encoding: offset_encoding(unit) as i32,
    })
}

impl NormalizeCall {
    /// Runs the call.
    pub fn run(
        &self,
        analyzer: &arabic_text_core::Analyzer,
    ) -> Result<pb::NormalizeResponse, InvalidSpan> {
        let normalized = analyzer.normalize(&self.text, &self.options);
        normalize_response(&self.text, &normalized, self.unit)
    }
}

impl SegmentCall {
    /// Runs the call.
    pub fn run(
        &self,
        analyzer: &arabic_text_core::Analyzer,
    ) -> Result<pb::SegmentResponse, InvalidSpan> {
        let seg = analyzer.segment(&self.text, &self.options);
        segment_response(&self.text, &seg, &self.normalize, self.unit)
    }
}

impl EntitiesCall {
    /// Runs the call.
    pub fn run(
        &self,
        analyzer: &arabic_text_core::Analyzer,
    ) -> Result<pb::ExtractEntitiesResponse, InvalidSpan> {
        let found = analyzer.extract_entities(&self.text, &self.options);
        entities_response(&self.text, &found, self.unit)
    }
}

impl AnalyzeCall {
    /// Runs the call.
    pub fn run(
        &self,
        analyzer: &arabic_text_core::Analyzer,
    ) -> Result<pb::AnalyzeResponse, InvalidSpan> {
        let analysis = analyzer.analyze(&self.text, &self.options);
        analyze_response(&self.text, &analysis, &self.options.normalize, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arabic_text_core::Analyzer;
    use arabic_text_core::entities::Mention;
    use proptest::prelude::*;

    fn limits() -> Limits {
        Limits {
            max_text_bytes: 100,
        }
    }

    fn doc(content: &str, language: &str) -> Option<pb::Document> {
        Some(pb::Document {
            content: content.to_owned(),
            language_code: language.to_owned(),
        })
    }

    fn fields(v: &Violations) -> Vec<&str> {
        v.0.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn arabic_language_tags_are_accepted_and_others_rejected() {
        for ok in [
            "", "ar", "AR", "ar-IQ", "ar_EG", "arz", "apc", "acm", "ary", "arb-Latn",
        ] {
            assert!(is_arabic_language(ok), "{ok}");
        }
        for bad in ["en", "fa", "ur", "arx", "a", "-ar", "he-IL"] {
            assert!(!is_arabic_language(bad), "{bad}");
        }
    }

    #[test]
    fn every_violation_of_a_request_is_reported_with_its_path() {
        let req = pb::ExtractEntitiesRequest {
            document: doc(&"x".repeat(101), "en"),
            options: Some(pb::EntityOptions {
                types: vec![1, 0, 99],
                min_confidence: f32::NAN,
                gazetteer: vec![
                    pb::GazetteerEntry {
                        phrase: "  ".into(),
                        r#type: 1,
                    },
                    pb::GazetteerEntry {
                        phrase: "القاهرة".into(),
                        r#type: pb::EntityType::Date as i32,
                    },
                ],
                ..Default::default()
            }),
            offset_encoding: 7,
        };
        let v = entities_request(req, limits()).unwrap_err();
        assert_eq!(
            fields(&v),
            [
                "options.types[1]",
                "options.types[2]",
                "options.min_confidence",
                "options.gazetteer[0].phrase",
                "options.gazetteer[1].type",
                "offset_encoding",
                "document.content",
                "document.language_code",
            ]
        );
    }

    #[test]
    fn missing_document_and_unknown_enums_in_nested_options_are_violations() {
        let req = pb::AnalyzeRequest {
            document: None,
            normalization: Some(pb::NormalizationOptions {
                preset: 42,
                ..Default::default()
            }),
            clitics: -1,
            entities: Some(pb::EntityOptions {
                min_confidence: 1.5,
                ..Default::default()
            }),
            offset_encoding: 0,
        };
        let v = analyze_request(req, limits(), "request.").unwrap_err();
        assert_eq!(
            fields(&v),
            [
                "request.normalization.preset",
                "request.clitics",
                "request.entities.min_confidence",
                "request.document",
            ]
        );
    }

    #[test]
    fn preset_overrides_switch_single_rules() {
        let mut v = Violations::default();
        let o = normalize_options(
            Some(&pb::NormalizationOptions {
                preset: pb::NormalizationPreset::Light as i32,
                remove_diacritics: Some(false),
                normalize_alef: Some(true),
                ..Default::default()
            }),
            "options",
            &mut v,
        );
        assert!(v.0.is_empty());
        assert!(!o.remove_diacritics && o.normalize_alef && o.remove_tatweel);
        assert!(!o.normalize_digits);
        let default = normalize_options(None, "options", &mut v);
        assert_eq!(default, NormalizeOptions::preset(Preset::Standard));
    }

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

    /// The offsets, in `unit`, of every char boundary of `text`.
    fn boundaries(text: &str, unit: OffsetUnit) -> std::collections::BTreeSet<u32> {
        let mut set = std::collections::BTreeSet::new();
        let mut n = 0u32;
        set.insert(0);
        for c in text.chars() {
            n += match unit {
                OffsetUnit::Utf8 => c.len_utf8() as u32,
                OffsetUnit::Utf16 => c.len_utf16() as u32,
                OffsetUnit::CodePoint => 1,
            };
            set.insert(n);
        }
        set
    }

    fn check(span: Option<pb::TextSpan>, b: &std::collections::BTreeSet<u32>) {
        let span = span.expect("every span is set");
        assert!(span.start <= span.end);
        assert!(b.contains(&span.start), "start {} off boundary", span.start);
        assert!(b.contains(&span.end), "end {} off boundary", span.end);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn analyze_offsets_are_in_bounds_and_on_boundaries_in_every_unit(text in "\\PC{0,60}|[\\u{600}-\\u{6ff} \u{1F600}\u{200c}a-z0-9.!؟]{0,80}") {
            let analyzer = Analyzer::embedded().expect("embedded models load");
            for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
                let call = AnalyzeCall {
                    text: text.clone(),
                    options: AnalyzeOptions::default(),
                    unit,
                };
                let r = call.run(&analyzer).expect("no invalid span");
                let b = boundaries(&text, unit);
                let nb = boundaries(&r.normalized_text, unit);
                for s in &r.sentences { check(s.span, &b); }
                for t in &r.tokens {
                    check(t.span, &b);
                    for s in &t.segments { check(s.span, &b); }
                }
                for e in &r.entities { for m in &e.mentions { check(m.span, &b); } }
                for a in &r.alignment { check(a.original, &b); check(a.normalized, &nb); }
                let seg = SegmentCall {
                    text: text.clone(),
                    options: SegmentOptions::default(),
                    normalize: NormalizeOptions::default(),
                    unit,
                }.run(&analyzer).expect("no invalid span");
                prop_assert_eq!(seg.tokens.len(), r.tokens.len());
                for t in &seg.tokens { check(t.span, &b); }
            }
        }
    }
}
