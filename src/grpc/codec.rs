//! The service's codec: prost decoding behind a check of the request's wire
//! format, so a request's repeated fields are counted before anything is
//! allocated for them.
//!
//! Why: decoding allocates per element, far more than the element's bytes on
//! the wire (an empty `GazetteerEntry` is 2 bytes on the wire and 32 bytes
//! decoded; a gzip request of 3.9 KB inflates to 4 MiB of them: 2,000,000
//! entries, ~69 MiB, before validation could count them). The check walks
//! the bytes without allocating, counts `EntityOptions.gazetteer` and
//! `EntityOptions.types` across every occurrence (protobuf merges repeated
//! sub-messages), and refuses a request over [`MAX_REQUEST_ENTRIES`] entries
//! or [`MAX_TYPES`] types with the INVALID_ARGUMENT validation would give.
//! It also refuses the retired field 4 of `EntityOptions` (`reference_time`
//! as a string, now field 6, a Timestamp), which a stale client would
//! otherwise see silently ignored. Malformed bytes are left to prost, whose
//! error the observer maps to INVALID_ARGUMENT as before.

use std::marker::PhantomData;

use prost::Message;
use prost::bytes::Buf as _;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder};

use super::request::Violations;
use crate::pb;
use arabic_text_core::entities::gazetteer::{GazetteerError, MAX_REQUEST_ENTRIES};

/// Most `EntityOptions.types` entries a request may list: there are 16
/// types, so 64 leaves room for repeats while bounding what decoding (4
/// bytes per 1-byte entry) and validation (one violation per bad entry) cost.
pub const MAX_TYPES: usize = 64;

/// Field numbers of the wire paths the check walks (see the proto).
mod field {
    /// `ExtractEntitiesRequest.options`.
    pub const EXTRACT_OPTIONS: u32 = 2;
    /// `AnalyzeRequest.entities`.
    pub const ANALYZE_ENTITIES: u32 = 4;
    /// `AnalyzeStreamRequest.request`.
    pub const STREAM_REQUEST: u32 = 2;
    /// `EntityOptions.types`.
    pub const TYPES: u32 = 1;
    /// `EntityOptions.gazetteer`.
    pub const GAZETTEER: u32 = 3;
    /// `EntityOptions` field 4, retired (`reference_time` as a string).
    pub const RETIRED_REFERENCE_TIME: u32 = 4;
}

/// A message whose wire bytes are checked before it is decoded. Responses
/// (which the generated clients decode) check nothing.
pub trait WireCheck {
    /// Violations found in `bytes` (the encoded message), if any.
    fn wire_check(_bytes: &[u8]) -> Option<Violations> {
        None
    }
}

impl WireCheck for pb::NormalizeRequest {}
impl WireCheck for pb::SegmentRequest {}
impl WireCheck for pb::NormalizeResponse {}
impl WireCheck for pb::SegmentResponse {}
impl WireCheck for pb::ExtractEntitiesResponse {}
impl WireCheck for pb::AnalyzeResponse {}
impl WireCheck for pb::AnalyzeStreamResponse {}

impl WireCheck for pb::ExtractEntitiesRequest {
    fn wire_check(bytes: &[u8]) -> Option<Violations> {
        check_options(bytes, &[field::EXTRACT_OPTIONS], "options")
    }
}

impl WireCheck for pb::AnalyzeRequest {
    fn wire_check(bytes: &[u8]) -> Option<Violations> {
        check_options(bytes, &[field::ANALYZE_ENTITIES], "entities")
    }
}

impl WireCheck for pb::AnalyzeStreamRequest {
    fn wire_check(bytes: &[u8]) -> Option<Violations> {
        check_options(
            bytes,
            &[field::STREAM_REQUEST, field::ANALYZE_ENTITIES],
            "request.entities",
        )
    }
}

/// What the `EntityOptions` at one path hold, summed over its occurrences.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    /// `types` entries (packed or not).
    types: usize,
    /// `gazetteer` entries.
    gazetteer: usize,
    /// Whether the retired field 4 occurs.
    retired_reference_time: bool,
}

/// Counts the `EntityOptions` reached from the message in `bytes` through
/// the length-delimited fields `path` and reports what is over the limits,
/// naming the fields `{name}.types` / `{name}.gazetteer`.
fn check_options(bytes: &[u8], path: &[u32], name: &str) -> Option<Violations> {
    let mut counts = Counts::default();
    // Malformed bytes: prost reports them when it decodes.
    walk_path(bytes, path, &mut |options| {
        count_options(options, &mut counts)
    })
    .ok()?;
    let mut v = Violations::default();
    if counts.gazetteer > MAX_REQUEST_ENTRIES {
        let err = GazetteerError::TooManyEntries {
            count: counts.gazetteer,
        };
        v.add(format!("{name}.gazetteer"), err.to_string());
    }
    if counts.types > MAX_TYPES {
        v.add(
            format!("{name}.types"),
            format!(
                "{} types listed; at most {MAX_TYPES} are allowed",
                counts.types
            ),
        );
    }
    if counts.retired_reference_time {
        v.add(
            format!("{name}.reference_time"),
            "field 4 (reference_time as an RFC 3339 string) was replaced by field 6, a \
             google.protobuf.Timestamp: regenerate the client from the current proto",
        );
    }
    (!v.0.is_empty()).then_some(v)
}

/// Calls `found` with the payload of every occurrence of the nested
/// length-delimited field `path` in the message `bytes`.
fn walk_path(
    bytes: &[u8],
    path: &[u32],
    found: &mut dyn FnMut(&[u8]) -> Result<(), Malformed>,
) -> Result<(), Malformed> {
    let Some((&first, rest)) = path.split_first() else {
        return found(bytes);
    };
    for_each_field(bytes, |number, value| match value {
        Value::Bytes(payload) if number == first => walk_path(payload, rest, found),
        _ => Ok(()),
    })
}

/// Adds one `EntityOptions` occurrence to `counts`.
fn count_options(bytes: &[u8], counts: &mut Counts) -> Result<(), Malformed> {
    for_each_field(bytes, |number, value| {
        match (number, value) {
            (field::TYPES, Value::Varint) => counts.types += 1,
            // Packed: one varint per byte without the continuation bit.
            (field::TYPES, Value::Bytes(packed)) => {
                counts.types += packed.iter().filter(|b| **b < 0x80).count();
            }
            (field::GAZETTEER, Value::Bytes(_)) => counts.gazetteer += 1,
            (field::RETIRED_REFERENCE_TIME, _) => counts.retired_reference_time = true,
            _ => {}
        }
        Ok(())
    })
}

/// The wire format is not valid protobuf.
#[derive(Debug, PartialEq, Eq)]
struct Malformed;

/// A field's value, as far as the check needs it.
enum Value<'a> {
    /// A varint (wire type 0).
    Varint,
    /// A length-delimited payload (wire type 2).
    Bytes(&'a [u8]),
    /// A fixed-size value (wire types 1 and 5).
    Fixed,
}

/// Reads a varint at the front of `bytes`, advancing it.
fn varint(bytes: &mut &[u8]) -> Result<u64, Malformed> {
    let mut value = 0u64;
    for shift in (0..70).step_by(7) {
        let (&b, rest) = bytes.split_first().ok_or(Malformed)?;
        *bytes = rest;
        value |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
        if b < 0x80 {
            return Ok(value);
        }
    }
    Err(Malformed)
}

/// Calls `each` with every top-level field of the message `bytes`. Groups
/// (wire types 3 and 4, unused by this API) are malformed here, as prost
/// finds them for these messages.
fn for_each_field<'a>(
    mut bytes: &'a [u8],
    mut each: impl FnMut(u32, Value<'a>) -> Result<(), Malformed>,
) -> Result<(), Malformed> {
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        let number = u32::try_from(key >> 3).map_err(|_| Malformed)?;
        let value = match key & 7 {
            0 => {
                varint(&mut bytes)?;
                Value::Varint
            }
            1 | 5 => {
                let n = if key & 7 == 1 { 8 } else { 4 };
                bytes = bytes.get(n..).ok_or(Malformed)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(varint(&mut bytes)?).map_err(|_| Malformed)?;
                let payload = bytes.get(..len).ok_or(Malformed)?;
                bytes = &bytes[len..];
                Value::Bytes(payload)
            }
            _ => return Err(Malformed),
        };
        each(number, value)?;
    }
    Ok(())
}

/// prost's codec with [`WireCheck`] before each decode; generated into the
/// service and client by `build.rs` (`codec_path`).
#[derive(Debug, Clone)]
pub struct CheckedCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for CheckedCodec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T, U> Codec for CheckedCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + WireCheck + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = tonic_prost::ProstEncoder<T>;
    type Decoder = CheckedDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        tonic_prost::ProstEncoder::new(BufferSettings::default())
    }

    fn decoder(&mut self) -> Self::Decoder {
        CheckedDecoder(PhantomData)
    }
}

/// Decodes `U` after [`WireCheck::wire_check`] found nothing wrong.
#[derive(Debug, Clone)]
pub struct CheckedDecoder<U>(PhantomData<U>);

impl<U: Message + Default + WireCheck> Decoder for CheckedDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        // tonic hands over one contiguous buffer holding the whole message.
        if buf.chunk().len() == buf.remaining()
            && let Some(violations) = U::wire_check(buf.chunk())
        {
            return Err(super::errors::invalid_argument(&violations));
        }
        U::decode(buf)
            .map(Some)
            // The same status as tonic's codec (the observer rewrites it).
            .map_err(|e| Status::internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(phrase: &str) -> pb::GazetteerEntry {
        pb::GazetteerEntry {
            phrase: phrase.into(),
            r#type: pb::EntityType::Location as i32,
        }
    }

    fn options(entries: usize, types: usize) -> pb::EntityOptions {
        pb::EntityOptions {
            gazetteer: (0..entries).map(|_| entry("")).collect(),
            types: vec![pb::EntityType::Date as i32; types],
            ..Default::default()
        }
    }

    fn fields(v: Option<Violations>) -> Vec<String> {
        v.map(|v| v.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn entries_and_types_are_counted_on_the_wire_along_each_path() {
        let extract = |o| {
            pb::ExtractEntitiesRequest {
                options: Some(o),
                ..Default::default()
            }
            .encode_to_vec()
        };
        let check = |b: &[u8]| fields(pb::ExtractEntitiesRequest::wire_check(b));
        assert!(check(&extract(options(MAX_REQUEST_ENTRIES, MAX_TYPES))).is_empty());
        assert_eq!(
            check(&extract(options(MAX_REQUEST_ENTRIES + 1, 0))),
            ["options.gazetteer"]
        );
        assert_eq!(
            check(&extract(options(0, MAX_TYPES + 1))),
            ["options.types"]
        );
        // Repeated occurrences of the options merge: their entries add up.
        let mut twice = extract(options(600, 40));
        twice.extend(extract(options(600, 40)));
        assert_eq!(check(&twice), ["options.gazetteer", "options.types"]);
        // Unpacked types (each its own varint field) count too.
        let mut unpacked = Vec::new();
        for _ in 0..=MAX_TYPES {
            unpacked.extend([0x08, 0x05]);
        }
        let mut req = vec![0x12];
        prost::encoding::encode_varint(unpacked.len() as u64, &mut req);
        req.extend(unpacked);
        assert_eq!(check(&req), ["options.types"]);

        let analyze = pb::AnalyzeRequest {
            entities: Some(options(MAX_REQUEST_ENTRIES + 1, 0)),
            ..Default::default()
        };
        assert_eq!(
            fields(pb::AnalyzeRequest::wire_check(&analyze.encode_to_vec())),
            ["entities.gazetteer"]
        );
        let stream = pb::AnalyzeStreamRequest {
            id: "x".into(),
            request: Some(analyze),
        };
        assert_eq!(
            fields(pb::AnalyzeStreamRequest::wire_check(
                &stream.encode_to_vec()
            )),
            ["request.entities.gazetteer"]
        );
    }

    #[test]
    fn the_retired_string_reference_time_is_refused() {
        // Field 4 of EntityOptions, length-delimited: what a client built
        // from the old proto sends.
        let old = b"2024-01-22T09:00:00Z";
        let mut options = vec![0x22, old.len() as u8];
        options.extend(old);
        let mut req = vec![0x12, options.len() as u8];
        req.extend(options);
        assert_eq!(
            fields(pb::ExtractEntitiesRequest::wire_check(&req)),
            ["options.reference_time"]
        );
    }

    #[test]
    fn malformed_bytes_are_left_to_prost() {
        for bad in [&[0x12, 0x05, 0x1a][..], &[0xff; 11], &[0x0b], &[0x12]] {
            assert_eq!(pb::ExtractEntitiesRequest::wire_check(bad), None);
            assert!(pb::ExtractEntitiesRequest::decode(bad).is_err());
        }
    }

    #[test]
    fn varints_read_and_reject_overlong_ones() {
        let mut b = &[0xac, 0x02, 0x01][..];
        assert_eq!(varint(&mut b), Ok(300));
        assert_eq!(b, [0x01]);
        assert_eq!(varint(&mut &[0x80; 11][..]), Err(Malformed));
        assert_eq!(varint(&mut &[][..]), Err(Malformed));
    }
}
