//! What one tagger model makes of one word ([`Rows`]), memoized with the
//! word's analysis (`word::Word::rows`); computed by [`super::emit`].

use crate::entities::hash::H;
use crate::entities::labels::L;
use crate::entities::templates::PAIRS;

/// What one model makes of one word: the sums of the weight rows of the
/// features that depend on this word alone, for each place it can stand
/// relative to the token being scored, and the hash states of the features
/// that pair it with a neighbour.
#[derive(Debug)]
pub(crate) struct Rows {
    /// The model (`Model::id`), its train gazetteer (its id) and the
    /// cluster templates (`features::cluster_features`) these were made for.
    pub(crate) tag: Tag,
    /// The type of the stem as a single-word part of a gazetteer name
    /// (`features::PART`), 0 for none.
    pub(crate) part: u8,
    /// The most words of a gazetteer phrase starting with the stem.
    pub(crate) gaz_longest: u8,
    /// The gazetteer type of the stem as a whole phrase.
    pub(crate) gaz_single: Option<u8>,
    /// Features of the word as the token scored.
    pub(crate) here: [i32; L],
    /// As the previous word.
    pub(crate) prev: [i32; L],
    /// As the word before the previous one.
    pub(crate) prev2: [i32; L],
    /// As the next word.
    pub(crate) next: [i32; L],
    /// As the word after the next one.
    pub(crate) next2: [i32; L],
    /// The hash state of every `pair` template after this word as its
    /// first word (`templates::pair_slot` gives the index).
    pub(crate) heads: [H; PAIRS],
}

/// What [`Rows`] depend on: the model's id, its gazetteer's id and the
/// cluster templates.
pub(crate) type Tag = (u64, u64, u8);
