//! Embedded knowledge used as tagger features: GeoNames/CLDR place names and
//! wordfreq frequencies (built by `scripts/build_ner_knowledge.py`; provenance
//! in `models/PROVENANCE-ner.md`). Keys are [`super::fold::fold`]ed.

use std::io::Read;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as FxMap;

use super::clusters::Clusters;
use super::mined::MinedNames;

/// GeoNames city and CLDR territory names, gzip'd TSV `phrase<TAB>LOC`.
static PLACES_GZ: &[u8] = include_bytes!("../../../../models/gazetteer-places.tsv.gz");
/// wordfreq Zipf frequencies ×10 of the 150k most frequent Arabic forms.
static WORDFREQ_GZ: &[u8] = include_bytes!("../../../../models/gazetteer-wordfreq.tsv.gz");

/// Faker's Arabic given and family names, gzip'd TSV `name<TAB>F|L|FL`.
static NAMES_GZ: &[u8] = include_bytes!("../../../../models/gazetteer-names.tsv.gz");

/// Word clusters learned from 43.8M words of unlabelled Arabic by
/// `train-embeddings` ([`super::clusters`]).
pub(crate) static CLUSTERS_GZ: &[u8] = include_bytes!("../../../../models/ner-clusters.bin.gz");

/// The embedded lists besides the clusters, as the tagger's model file
/// identifies them (`tagger::settings::knowledge_lists`).
pub(crate) static LIST_FILES: [&[u8]; 4] = [PLACES_GZ, WORDFREQ_GZ, NAMES_GZ, super::mined::MINED_GZ];

/// Bit of [`Knowledge::names`]: a given name.
pub const GIVEN_NAME: u8 = 1;
/// Bit of [`Knowledge::names`]: a family name.
pub const FAMILY_NAME: u8 = 2;

/// Longest place phrase in words that [`Knowledge::place_len`] tries.
pub const MAX_PLACE_WORDS: usize = 4;

/// The loaded lists.
#[derive(Debug)]
pub struct Knowledge {
    /// Folded place names (one or more words joined by a space).
    pub places: FxMap<&'static str, ()>,
    /// First word of a multi-word place name → the most words of a place
    /// name it starts, so matching tries longer phrases only where one can
    /// begin.
    place_heads: FxMap<&'static str, u8>,
    /// Folded form → Zipf frequency ×10 (max over the forms folding together).
    pub zipf: FxMap<&'static str, u8>,
    /// Folded one-word person names → [`GIVEN_NAME`] | [`FAMILY_NAME`] bits,
    /// evidence for people the training data never saw.
    pub names: FxMap<&'static str, u8>,
    /// Cluster paths of folded forms and stems (empty if the embedded file
    /// were unreadable, which a test rules out).
    pub clusters: Clusters,
    /// Organisation and facility names mined from unlabelled text
    /// ([`MinedNames`]), evidence for names the annotated text never saw.
    pub mined: MinedNames,
}

/// The decompressed text, kept for the life of the process (the maps borrow
/// their keys from it, so loading allocates no string per entry).
fn gunzip(bytes: &[u8]) -> &'static str {
    let mut s = String::new();
    // The embedded files are ours and valid; a failure leaves the list empty.
    if flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .is_err()
    {
        s.clear();
    }
    Box::leak(s.into_boxed_str())
}

/// Records multi-word `phrase` in `heads` (first word → most words).
pub fn note_head<'a>(heads: &mut FxMap<&'a str, u8>, phrase: &'a str) {
    if let Some((first, _)) = phrase.split_once(' ') {
        let n = phrase.split(' ').count().min(usize::from(u8::MAX)) as u8;
        let e = heads.entry(first).or_insert(1);
        *e = (*e).max(n);
    }
}

impl Knowledge {
    /// The most words of a place name starting with `word` (1 if none is
    /// longer).
    pub fn longest_place_from(&self, word: &str) -> usize {
        self.place_heads.get(word).map_or(1, |&n| usize::from(n))
    }

    /// The embedded lists, loaded once per process.
    pub fn get() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| {
            // Keys are folded by the build script already.
            let text = gunzip(PLACES_GZ);
            let mut places = FxMap::default();
            places.reserve(text.len() / 16);
            let mut place_heads: FxMap<&'static str, u8> = FxMap::default();
            for line in text.lines() {
                if let Some((p, _)) = line.split_once('\t') {
                    places.insert(p, ());
                    note_head(&mut place_heads, p);
                }
            }
            let text = gunzip(WORDFREQ_GZ);
            let mut zipf: FxMap<&'static str, u8> = FxMap::default();
            zipf.reserve(text.len() / 16);
            for line in text.lines() {
                if let Some((w, z)) = line.split_once('\t')
                    && let Ok(z) = z.parse::<u8>()
                {
                    let e = zipf.entry(w).or_insert(0);
                    *e = (*e).max(z);
                }
            }
            let text = gunzip(NAMES_GZ);
            let mut names: FxMap<&'static str, u8> = FxMap::default();
            for line in text.lines() {
                if let Some((w, kinds)) = line.split_once('\t') {
                    let bits = kinds.bytes().fold(0, |b, k| match k {
                        b'F' => b | GIVEN_NAME,
                        b'L' => b | FAMILY_NAME,
                        _ => b,
                    });
                    names.insert(w, bits);
                }
            }
            let clusters = Clusters::from_bytes("embedded ner-clusters.bin.gz", CLUSTERS_GZ)
                .unwrap_or_default();
            Knowledge {
                places,
                place_heads,
                zipf,
                names,
                clusters,
                mined: MinedNames::embedded(),
            }
        })
    }

    /// Zipf frequency of a folded form (0 when unknown).
    pub fn zipf(&self, folded: &str) -> f32 {
        self.zipf.get(folded).map_or(0.0, |&z| f32::from(z) / 10.0)
    }

    /// The [`GIVEN_NAME`] / [`FAMILY_NAME`] bits of a folded word (0 when
    /// it is no listed name).
    pub fn name_kind(&self, folded: &str) -> u8 {
        self.names.get(folded).copied().unwrap_or(0)
    }

    /// A coarse frequency bucket 0..=7 of a folded form, for features.
    pub fn freq_bucket(&self, folded: &str) -> u8 {
        match self.zipf.get(folded) {
            None => 0,
            Some(&z) => (z / 10).clamp(1, 7),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::fold::fold;

    #[test]
    fn embedded_lists_know_common_places_and_frequencies() {
        let k = Knowledge::get();
        assert!(k.places.contains_key(fold("بغداد").as_str()));
        assert!(k.places.contains_key(fold("طهران").as_str()));
        assert!(k.zipf(&fold("قال")) > 5.0);
        assert!(k.zipf(&fold("طهران")) > k.zipf(&fold("لطهران")));
        assert_ne!(k.name_kind(&fold("أحمد")) & GIVEN_NAME, 0);
        assert_ne!(k.name_kind(&fold("البرغوثي")) & FAMILY_NAME, 0);
        assert_eq!(k.name_kind(&fold("قال")), 0);
        // The embedded clusters load and know common stems.
        assert!(k.clusters.depth > 0);
        assert!(k.clusters.stems.len() > 10_000);
        assert!(k.clusters.stems.contains_key(fold("بغداد").as_str()));
    }
}
