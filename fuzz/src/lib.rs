//! Shared code of the fuzz targets: the decoding of a fuzz input into a text
//! and options. The checks they run are the `arabic-text-invariants` crate's.

use arabic_text_core::AnalyzeOptions;
use arabic_text_core::entities::{EntityKind, EntityOptions, GazetteerEntry};
use arabic_text_core::segment::SegmentOptions;
use arabic_text_invariants as invariants;

/// Every entity kind, indexed by fuzz bytes.
pub const KINDS: [EntityKind; 14] = [
    EntityKind::Person,
    EntityKind::Location,
    EntityKind::Organization,
    EntityKind::Misc,
    EntityKind::Date,
    EntityKind::Time,
    EntityKind::Number,
    EntityKind::Percent,
    EntityKind::Money,
    EntityKind::Url,
    EntityKind::Email,
    EntityKind::Phone,
    EntityKind::Hashtag,
    EntityKind::Mention,
];

/// Bytes of option header before the text.
const HEADER: usize = 8;

/// A fuzz input decoded into a text and options for every call.
#[derive(Debug)]
pub struct Input {
    /// The text (valid UTF-8 by construction).
    pub text: String,
    /// Options for normalize, segment, entities and analyze.
    pub options: AnalyzeOptions,
}

/// Decodes a fuzz input. Layout: bytes 0-1 normalize rule bits (or a preset);
/// byte 2: bits 0-1 clitic mode, bit 7 text mode (set: raw UTF-8, lossily
/// decoded; clear: each byte maps to a char of the Arabic-heavy alphabet);
/// bytes 3-5 entity kinds filter and min confidence; bytes 6-7 a gazetteer
/// phrase cut from the text (possibly empty or whitespace); the rest is text.
pub fn decode(data: &[u8]) -> Input {
    let mut head = [0u8; HEADER];
    for (h, d) in head.iter_mut().zip(data) {
        *h = *d;
    }
    let body = data.get(HEADER..).unwrap_or_default();
    let text = if head[2] & 0x80 != 0 {
        String::from_utf8_lossy(body).into_owned()
    } else {
        invariants::alphabet_text(body)
    };
    let clitics = invariants::CLITIC_MODES[usize::from(head[2] & 3) % 3];
    let kind_bits = u16::from_le_bytes([head[3], head[4]]);
    let kinds = if kind_bits & 1 == 0 {
        Vec::new()
    } else {
        KINDS
            .iter()
            .enumerate()
            .filter(|(i, _)| kind_bits & (2 << i) != 0)
            .map(|(_, k)| *k)
            .collect()
    };
    let min_confidence = match head[5] {
        250 => f32::NAN,
        251 => -1.0,
        252 => 1.5,
        253 => f32::INFINITY,
        254 => f32::NEG_INFINITY,
        b => f32::from(b) / 249.0,
    };
    let mut gazetteer = Vec::new();
    if head[6] != 0 {
        let mut start = usize::from(head[6]).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + usize::from(head[7] % 64)).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        gazetteer.push(GazetteerEntry {
            phrase: text.get(start..end).unwrap_or_default().to_owned(),
            kind: KINDS[usize::from(head[7]) % KINDS.len()],
        });
    }
    Input {
        text,
        options: AnalyzeOptions {
            normalize: invariants::normalize_options(u16::from_le_bytes([head[0], head[1]])),
            segment: SegmentOptions { clitics },
            entities: EntityOptions {
                kinds,
                min_confidence,
                gazetteer,
                reference: None,
            },
        },
    }
}

/// Panics with the input and the broken rule when a check fails, so libFuzzer
/// records the input as a crash.
pub fn assert_ok(input: &Input, what: &str, result: invariants::Check) {
    if let Err(e) = result {
        panic!(
            "{what}: {e}\ntext: {:?}\noptions: {:?}",
            input.text, input.options
        );
    }
}
