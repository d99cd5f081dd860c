//! The file of precomputed analyses (`models/segment-analyses.bin.gz`): the
//! clitic analysis of every lexicon form as a whole word, under the default
//! weights, so that a process meets no lexicon word it has to analyse (the
//! first pass over new text costs a lookup per word, not a dozen).
//!
//! Format (after gzip): the 8-byte magic [`MAGIC`], the fingerprint of the
//! lexicon and weights it was computed from (`u64`, little-endian), the
//! number of records (`u32`), then one `u16` code per lexicon record, in the
//! lexicon's record order. A file whose fingerprint does not match (another
//! lexicon, other weights) is not used: the analyses are then computed when
//! the segmenter is built (about a second).

use super::lexicon::hash;
use super::weights::CliticWeights;

/// The format's magic bytes (and version).
const MAGIC: &[u8; 8] = b"ATSEGAN1";

/// The fingerprint of a lexicon (its decompressed bytes) and weights.
pub(super) fn fingerprint(raw_lexicon: &[u8], weights: &CliticWeights) -> u64 {
    hash(raw_lexicon) ^ hash(format!("{weights:?}").as_bytes()).rotate_left(17)
}

/// The codes of `records` records stored in `gz` for `fingerprint`; `None`
/// when the file is for another lexicon or weights, or malformed.
pub(super) fn decode(gz: &[u8], fingerprint: u64, records: usize) -> Option<Vec<u16>> {
    let raw = crate::gz::decompress("segment-analyses.bin.gz", gz).ok()?;
    let (head, body) = raw.split_at_checked(20)?;
    let (magic, rest) = head.split_at(8);
    let (fp, n) = rest.split_at(8);
    if magic != MAGIC
        || u64::from_le_bytes(fp.try_into().ok()?) != fingerprint
        || usize::try_from(u32::from_le_bytes(n.try_into().ok()?)).ok()? != records
        || body.len() != 2 * records
    {
        return None;
    }
    Some(
        body.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect(),
    )
}

#[cfg(any(test, feature = "train"))]
/// The file of `codes` for `fingerprint`, gzip-compressed (deterministic:
/// no timestamp).
pub(super) fn encode(fingerprint: u64, codes: &[u16]) -> std::io::Result<Vec<u8>> {
    let n = u32::try_from(codes.len()).map_err(std::io::Error::other)?;
    let mut raw = Vec::with_capacity(20 + 2 * codes.len());
    raw.extend_from_slice(MAGIC);
    raw.extend_from_slice(&fingerprint.to_le_bytes());
    raw.extend_from_slice(&n.to_le_bytes());
    for c in codes {
        raw.extend_from_slice(&c.to_le_bytes());
    }
    crate::gz::compress(&raw)
}
