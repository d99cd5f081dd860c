//! Proto → domain: every request is validated here into a call the analyzer
//! can run (domain options, the text and the offset unit), collecting every
//! field violation (`google.rpc.BadRequest`) so a caller fixes them all at
//! once. Every INVALID_ARGUMENT the service answers is born in this module.

use super::response::Detail;
use crate::pb;
use arabic_text_core::AnalyzeOptions;
use arabic_text_core::entities::gazetteer::{GazetteerError, MAX_REQUEST_ENTRIES, check_phrase};
use arabic_text_core::entities::{EntityKind, EntityOptions, GazetteerEntry};
use arabic_text_core::entities::{Reference, Zone};
use arabic_text_core::normalize::{NormalizeOptions, Preset};
use arabic_text_core::offsets::OffsetUnit;
use arabic_text_core::segment::{CliticMode, SegmentOptions};

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
    // Each rule field the caller set overrides the preset (the proto fields
    // share the rules' names, generated from their one declaration).
    macro_rules! override_rules {
        ($($(#[$doc:meta])* $field:ident, $variant:ident, $bit:ident, $preset:ident;)*) => {
            $(if let Some(on) = o.$field {
                n.$field = on;
            })*
        };
    }
    arabic_text_core::for_each_normalization_rule!(override_rules);
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

/// The entity kind of a proto type: the kind whose [`EntityKind::name`] the
/// type's name ends with; UNSPECIFIED has none.
impl TryFrom<pb::EntityType> for EntityKind {
    type Error = pb::EntityType;

    fn try_from(value: pb::EntityType) -> Result<Self, Self::Error> {
        value
            .as_str_name()
            .strip_prefix("ENTITY_TYPE_")
            .and_then(|name| EntityKind::ALL.into_iter().find(|k| k.name() == name))
            .ok_or(value)
    }
}

/// Maps entity options, checking types, confidence and gazetteer entries
/// (the core's request bounds: at most `MAX_REQUEST_ENTRIES` entries, each
/// phrase within `MAX_PHRASE_BYTES` and `MAX_PHRASE_UNITS`, with a word).
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
            Ok(t) => match EntityKind::try_from(t).ok() {
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
    let mut gazetteer = Vec::with_capacity(o.gazetteer.len().min(MAX_REQUEST_ENTRIES));
    if o.gazetteer.len() > MAX_REQUEST_ENTRIES {
        // Refused as a whole, before any entry is looked at.
        let err = GazetteerError::TooManyEntries {
            count: o.gazetteer.len(),
        };
        v.add(format!("{field}.gazetteer"), err.to_string());
        return EntityOptions::default();
    }
    for (i, entry) in o.gazetteer.iter().enumerate() {
        let f = format!("{field}.gazetteer[{i}]");
        let phrase = entry.phrase.trim();
        let phrase_ok = check_phrase(i, phrase)
            .map_err(|e| v.add(format!("{f}.phrase"), e.to_string()))
            .is_ok();
        let kind = match pb::EntityType::try_from(entry.r#type) {
            Ok(t) => match EntityKind::try_from(t).ok() {
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
        if let (Some(kind), true) = (kind, phrase_ok) {
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
        reference: reference_time(o, field, v),
    }
}

/// The response detail a request asks for; an absent flag means included.
fn detail(include_tokens: Option<bool>, include_segments: Option<bool>) -> Detail {
    Detail {
        tokens: include_tokens.unwrap_or(true),
        segments: include_segments.unwrap_or(true),
    }
}

/// The first and last Unix second a `google.protobuf.Timestamp` may hold:
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const TIMESTAMP_SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// The reference moment of `reference_time` read in `time_zone` (see the
/// proto): the Timestamp's range is checked, the zone is an IANA name of the
/// embedded tz database or a fixed offset.
fn reference_time(o: &pb::EntityOptions, field: &str, v: &mut Violations) -> Option<Reference> {
    let zone = match Zone::parse(&o.time_zone) {
        Ok(zone) => Some(zone),
        Err(e) => {
            v.add(format!("{field}.time_zone"), e.to_string());
            None
        }
    };
    let t = o.reference_time.as_ref()?;
    if !TIMESTAMP_SECONDS.contains(&t.seconds) || !(0..1_000_000_000).contains(&t.nanos) {
        v.add(
            format!("{field}.reference_time"),
            format!(
                "must be a google.protobuf.Timestamp from 0001-01-01T00:00:00Z to \
                 9999-12-31T23:59:59Z with 0 <= nanos < 1e9, got seconds {} nanos {}",
                t.seconds, t.nanos
            ),
        );
        return None;
    }
    Some(Reference::in_zone(t.seconds, &zone?))
}

/// A validated Normalize call.
#[derive(Clone, Debug)]
pub struct NormalizeCall {
    /// The caller's document, within the text limit; every span of the
    /// response points into it.
    pub text: String,
    /// The normalization rules the caller chose (a preset or rule by rule).
    pub options: NormalizeOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
}

/// A validated Segment call.
#[derive(Clone, Debug)]
pub struct SegmentCall {
    /// The caller's document, within the text limit; every span of the
    /// response points into it.
    pub text: String,
    /// Segmentation options.
    pub options: SegmentOptions,
    /// Rules for each token's normalized form.
    pub normalize: NormalizeOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
    /// How much the response lists.
    pub detail: Detail,
}

/// A validated ExtractEntities call.
#[derive(Clone, Debug)]
pub struct EntitiesCall {
    /// The caller's document, within the text limit; every span of the
    /// response points into it.
    pub text: String,
    /// Entity options.
    pub options: EntityOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
}

/// A validated Analyze call.
#[derive(Clone, Debug)]
pub struct AnalyzeCall {
    /// The caller's document, within the text limit; every span of the
    /// response points into it.
    pub text: String,
    /// All options.
    pub options: AnalyzeOptions,
    /// The offset unit of the response.
    pub unit: OffsetUnit,
    /// How much the response lists.
    pub detail: Detail,
}

/// The end every request's validation shares: the offset encoding, then the
/// document (`prefix` before their field paths, as for the options), and the
/// call made of them and the options when no field was violated.
fn into_call<C>(
    mut v: Violations,
    offset_encoding: i32,
    doc: Option<pb::Document>,
    prefix: &str,
    limits: Limits,
    call: impl FnOnce(String, OffsetUnit) -> C,
) -> Result<C, Violations> {
    let unit = offset_unit(offset_encoding, &format!("{prefix}offset_encoding"), &mut v);
    let text = document(doc, &format!("{prefix}document"), limits, &mut v);
    v.into_result(call(text, unit))
}

/// Validates a Normalize request.
pub fn normalize_request(
    req: pb::NormalizeRequest,
    limits: Limits,
) -> Result<NormalizeCall, Violations> {
    let mut v = Violations::default();
    let options = normalize_options(req.options.as_ref(), "options", &mut v);
    into_call(
        v,
        req.offset_encoding,
        req.document,
        "",
        limits,
        |text, unit| NormalizeCall {
            text,
            options,
            unit,
        },
    )
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
    let detail = detail(req.include_tokens, req.include_segments);
    into_call(
        v,
        req.offset_encoding,
        req.document,
        "",
        limits,
        |text, unit| SegmentCall {
            text,
            options: SegmentOptions { clitics },
            normalize,
            unit,
            detail,
        },
    )
}

/// Validates an ExtractEntities request.
pub fn entities_request(
    req: pb::ExtractEntitiesRequest,
    limits: Limits,
) -> Result<EntitiesCall, Violations> {
    let mut v = Violations::default();
    let options = entity_options(req.options.as_ref(), "options", &mut v);
    into_call(
        v,
        req.offset_encoding,
        req.document,
        "",
        limits,
        |text, unit| EntitiesCall {
            text,
            options,
            unit,
        },
    )
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
    let detail = detail(req.include_tokens, req.include_segments);
    into_call(
        v,
        req.offset_encoding,
        req.document,
        prefix,
        limits,
        |text, unit| AnalyzeCall {
            text,
            options: AnalyzeOptions {
                normalize,
                segment: SegmentOptions { clitics },
                entities,
            },
            unit,
            detail,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timestamp(seconds: i64, nanos: i32) -> Option<pbjson_types::Timestamp> {
        Some(pbjson_types::Timestamp { seconds, nanos })
    }

    #[test]
    fn reference_time_and_zone_are_parsed_or_reported() {
        let opts = |t: Option<pbjson_types::Timestamp>, z: &str| pb::EntityOptions {
            reference_time: t,
            time_zone: z.into(),
            ..Default::default()
        };
        let check = |o: &pb::EntityOptions| {
            let mut v = Violations(Vec::new());
            let r = entity_options(Some(o), "options", &mut v).reference;
            (r.map(|r| r.date()), fields(&v).join(","))
        };
        // 2024-01-21T22:30:00Z is already the 22nd in Riyadh, not in UTC.
        let t = timestamp(1_705_876_200, 0);
        assert_eq!(
            check(&opts(t, "Asia/Riyadh")),
            (Some((2024, 1, 22)), "".into())
        );
        assert_eq!(check(&opts(t, "+03:00")), (Some((2024, 1, 22)), "".into()));
        assert_eq!(check(&opts(t, "")), (Some((2024, 1, 21)), "".into()));
        // An unknown zone is reported with or without a reference.
        assert_eq!(
            check(&opts(t, "Mars/Olympus")),
            (None, "options.time_zone".into())
        );
        assert_eq!(
            check(&opts(None, "+1:2:3:4")),
            (None, "options.time_zone".into())
        );
        // The Timestamp range: 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z.
        assert_eq!(
            check(&opts(timestamp(-62_135_596_800, 0), "")),
            (Some((1, 1, 1)), "".into())
        );
        assert_eq!(
            check(&opts(timestamp(253_402_300_799, 999_999_999), "")),
            (Some((9999, 12, 31)), "".into())
        );
        for (seconds, nanos) in [
            (-62_135_596_801, 0),
            (253_402_300_800, 0),
            (0, -1),
            (0, 1_000_000_000),
            (i64::MIN, 0),
        ] {
            assert_eq!(
                check(&opts(timestamp(seconds, nanos), "")),
                (None, "options.reference_time".into()),
                "{seconds} {nanos}"
            );
        }
    }

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
            ..Default::default()
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
}
