//! Feature extraction for the name tagger: the training path of the
//! templates ([`super::templates`]), the views their bodies read ([`Here`],
//! [`Near`], [`Ctx`]), and the train gazetteer and place-list matches of a
//! sentence. Features are 64-bit hashes of a
//! template id and strings ([`H`]); the model maps them to weight rows.

use std::sync::atomic::Ordering;

use rustc_hash::FxHashMap as FxMap;

use super::hash::{H, prefix, suffix};
use super::knowledge::{Knowledge, MAX_PLACE_WORDS};
use super::templates::{for_each_feature_template, if_scope};
#[cfg(feature = "train")]
pub use super::word::clear_word_memo;
use super::word::{Tok, Word, word};

/// Key prefix of the gazetteer's single-word entries: each word of a train
/// entity with its most frequent type (first names, surnames, head words),
/// which generalise to unseen full names.
pub const PART: char = '\u{1}';

/// The word-cluster templates a model is trained with unless
/// `train-ner --cluster-features N` says otherwise (0 none, 1 the token's
/// form and stem cluster at the [`CLUSTER_PREFIXES`], 2 also the
/// neighbours' stem clusters, 3 also the second neighbours and pairs). A
/// model records its level in its file (`tagger::settings`), and run time
/// reads it from there.
pub const DEFAULT_CLUSTER_FEATURES: u8 = 3;

/// Prefix lengths (bits) of the cluster paths used as features: short
/// prefixes are coarse classes seen often, long ones near-synonyms.
pub const CLUSTER_PREFIXES: [u8; 5] = [4, 6, 8, 10, 12];

/// A cluster path cut to `bits`, with bit 16 set when the word is known
/// (0 = no cluster).
pub(crate) fn cluster_prefix(k: &Knowledge, c: u32, bits: u8) -> u32 {
    if c == 0 {
        0
    } else {
        (1 << 16) | u32::from(k.clusters.prefix(c as u16, bits))
    }
}

/// Longest train-gazetteer phrase in words that is matched.
pub const MAX_GAZ_WORDS: usize = 5;

/// The train gazetteer: folded clitic-free phrase → entity type index 1..=4
/// (PERS, LOC, ORG, MISC), with the first words of its multi-word phrases.
#[derive(Clone, Debug, Default)]
pub struct TrainGazetteer {
    /// Phrase → type.
    phrases: FxMap<String, u8>,
    /// First word of a multi-word phrase → the most words of a phrase it
    /// starts, so matching tries longer phrases only where one can begin.
    heads: FxMap<String, u8>,
    /// Identifies these phrases in per-word memos (`tagger::emit`): new
    /// for every gazetteer built, kept by clones; 0 for the empty default.
    id: u64,
}

impl TrainGazetteer {
    /// The type of a phrase.
    pub fn get(&self, phrase: &str) -> Option<u8> {
        self.phrases.get(phrase).copied()
    }

    /// Identifies the phrases (see [`TrainGazetteer::id`]).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The most words of a phrase starting with `word` (1 if none is longer).
    pub(crate) fn longest_from(&self, word: &str) -> usize {
        self.heads.get(word).map_or(1, |&n| usize::from(n))
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Whether there is no phrase.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// The phrases and their types, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &u8)> {
        self.phrases.iter()
    }
}

impl FromIterator<(String, u8)> for TrainGazetteer {
    fn from_iter<I: IntoIterator<Item = (String, u8)>>(iter: I) -> Self {
        let phrases: FxMap<String, u8> = iter.into_iter().collect();
        let mut heads: FxMap<&str, u8> = FxMap::default();
        for p in phrases.keys() {
            super::knowledge::note_head(&mut heads, p);
        }
        let heads = heads.into_iter().map(|(w, n)| (w.to_string(), n)).collect();
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        TrainGazetteer {
            phrases,
            heads,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// Marks greedy longest matches of a dictionary over `stems` into `out` as
/// `B<v>`/`I<v>` codes: 0 none, `2*v-1` begin, `2*v` inside. `lookup` reads
/// a phrase; `longest_at(i)` bounds the words of a phrase starting with word
/// `i` and `single_at(i)` is `lookup(stems[i])`, given by the word's index so
/// that a caller can memoize them per word.
pub(crate) fn mark_matches(
    stems: &[&str],
    max: usize,
    longest_at: impl Fn(usize) -> usize,
    single_at: impl Fn(usize) -> Option<u8>,
    lookup: impl Fn(&str) -> Option<u8>,
    out: &mut [u8],
) {
    let mut i = 0;
    let mut buf = String::new();
    while i < stems.len() {
        let mut matched = 0;
        let most = max.min(longest_at(i)).min(stems.len() - i);
        for n in (1..=most).rev() {
            let found = if n == 1 {
                single_at(i)
            } else {
                buf.clear();
                for (k, s) in stems[i..i + n].iter().enumerate() {
                    if k > 0 {
                        buf.push(' ');
                    }
                    buf.push_str(s);
                }
                lookup(&buf)
            };
            if let Some(v) = found {
                for (k, o) in out[i..i + n].iter_mut().enumerate() {
                    *o = if k == 0 { 2 * v - 1 } else { 2 * v };
                }
                matched = n;
                break;
            }
        }
        i += matched.max(1);
    }
}

/// What the place list and the train gazetteer `gaz` match over `stems`
/// ([`mark_matches`]), each given its `(longest_at, single_at)` by word
/// index: the place and gazetteer codes of every word.
pub(crate) fn sentence_marks(
    stems: &[&str],
    places_at: (impl Fn(usize) -> usize, impl Fn(usize) -> Option<u8>),
    gaz_at: (impl Fn(usize) -> usize, impl Fn(usize) -> Option<u8>),
    gaz: &TrainGazetteer,
    k: &Knowledge,
) -> (Vec<u8>, Vec<u8>) {
    let mut places = vec![0u8; stems.len()];
    let place = |p: &str| k.places.contains_key(p).then_some(1);
    mark_matches(stems, MAX_PLACE_WORDS, places_at.0, places_at.1, place, &mut places);
    let mut gz = vec![0u8; stems.len()];
    mark_matches(stems, MAX_GAZ_WORDS, gaz_at.0, gaz_at.1, |p| gaz.get(p), &mut gz);
    (places, gz)
}

/// The tokens of a sentence with their analyses (memoized) and what the
/// place list and the train gazetteer `gaz` match over their stems.
pub(crate) fn sentence_toks(tokens: &[&str], gaz: &TrainGazetteer, k: &Knowledge) -> Vec<Tok> {
    let mut key = String::new();
    let mut toks: Vec<Tok> = tokens
        .iter()
        .map(|w| {
            let word = word(w, k);
            key.clear();
            key.push(PART);
            key.push_str(&word.stem);
            let part = gaz.get(key.as_str()).unwrap_or(0);
            Tok {
                word,
                part,
                place: 0,
                gaz: 0,
                mined: 0,
                mined_tail: 0,
            }
        })
        .collect();
    let stems: Vec<&str> = toks.iter().map(|t| t.stem.as_str()).collect();
    let (places, gz) = sentence_marks(
        &stems,
        (
            |i: usize| k.longest_place_from(stems[i]),
            |i: usize| k.places.contains_key(stems[i]).then_some(1),
        ),
        (
            |i: usize| gaz.longest_from(stems[i]),
            |i: usize| gaz.get(stems[i]),
        ),
        gaz,
        k,
    );
    let mined = k.mined.marks(&stems);
    for (t, ((p, g), m)) in toks.iter_mut().zip(places.into_iter().zip(gz).zip(mined)) {
        t.place = p;
        t.gaz = g;
        t.mined = m & 15;
        t.mined_tail = m >> 4;
    }
    toks
}

/// Appends the hashed features of every token of a sentence to `feats`, the
/// end offset of each token's features to `ends`; `clusters`: the cluster
/// templates ([`DEFAULT_CLUSTER_FEATURES`]).
pub fn sentence_features(
    tokens: &[&str],
    gaz: &TrainGazetteer,
    clusters: u8,
    feats: &mut Vec<u64>,
    ends: &mut Vec<usize>,
) {
    let k = Knowledge::get();
    let toks = sentence_toks(tokens, gaz, k);
    let empty = Tok::default();
    let mut f = Sink(feats);
    for i in 0..toks.len() {
        let c = Ctx::new(i, &toks, &empty, k, clusters);
        token_features(&mut f, &c, tokens.get(i).copied().unwrap_or(""));
        ends.push(f.0.len());
    }
}

/// Every template's features of one token, in declaration order (the
/// training path: nothing memoized).
macro_rules! training_path {
    ($([$id:literal $scope:ident $($body:tt)*])*) => {
        /// The features of the token `c` stands at (`raw`: its text as
        /// given).
        fn token_features(f: &mut Sink<'_>, c: &Ctx<'_>, raw: &str) {
            let here = Here { raw, t: &c.t.word, k: c.k, clusters: c.clusters };
            let (p1, p2) = (Near::of(c.p1, c), Near::of(c.p2, c));
            let (n1, n2) = (Near::of(c.n1, c), Near::of(c.n2, c));
            $(
                if_scope!(t $scope { apply(f, &here, H::new($id), $($body)*); });
                if_scope!(p1 $scope { apply(f, &p1, H::new($id), $($body)*); });
                if_scope!(p2 $scope { apply(f, &p2, H::new($id), $($body)*); });
                if_scope!(n1 $scope { apply(f, &n1, H::new($id), $($body)*); });
                if_scope!(n2 $scope { apply(f, &n2, H::new($id), $($body)*); });
                if_scope!(ctx $scope { apply(f, c, H::new($id), $($body)*); });
                if_scope!(pair $scope { training_path!(@pair f c $id $($body)*); });
            )*
        }
    };
    (@pair $f:ident $c:ident $id:literal $w:ident $head:expr, $tail:expr) => {
        $f.push(tail(head(H::new($id), training_path!(@word $c $w), $head), $c, $tail))
    };
    (@word $c:ident t) => { &$c.t.word };
    (@word $c:ident p1) => { &$c.p1.word };
    (@word $c:ident p2) => { &$c.p2.word };
    (@word $c:ident n1) => { &$c.n1.word };
    (@word $c:ident n2) => { &$c.n2.word };
}
for_each_feature_template!(training_path);

/// Where template bodies push their features (as finished hashes).
pub(crate) struct Sink<'a>(pub(crate) &'a mut Vec<u64>);

impl Sink<'_> {
    /// Adds the feature hashed by `h`.
    #[inline(always)]
    pub(crate) fn push(&mut self, h: H) {
        self.0.push(h.done());
    }
}

/// What a template of scope `t` reads: the token's word alone.
pub(crate) struct Here<'a> {
    /// The token as given.
    pub(crate) raw: &'a str,
    /// Its analysis.
    pub(crate) t: &'a Word,
    /// The knowledge lists.
    pub(crate) k: &'a Knowledge,
    /// The cluster templates in use.
    pub(crate) clusters: u8,
}

/// What a template of scope `p1`, `p2`, `n1` or `n2` reads: that neighbour's
/// word alone.
pub(crate) struct Near<'a> {
    /// The neighbour's analysis (the empty word beyond the sentence).
    pub(crate) w: &'a Word,
    /// The knowledge lists.
    pub(crate) k: &'a Knowledge,
    /// The cluster templates in use.
    pub(crate) clusters: u8,
}

impl<'a> Near<'a> {
    /// Neighbour `w` of the token `c` stands at.
    pub(crate) fn of(w: &'a Tok, c: &Ctx<'a>) -> Self {
        Near {
            w: &w.word,
            k: c.k,
            clusters: c.clusters,
        }
    }
}

/// What a template of scope `ctx` reads: a token in its sentence.
pub(crate) struct Ctx<'a> {
    /// The token's index.
    pub(crate) i: usize,
    /// The sentence.
    toks: &'a [Tok],
    /// What stands beyond either end.
    empty: &'a Tok,
    /// The token.
    pub(crate) t: &'a Tok,
    /// The previous token.
    pub(crate) p1: &'a Tok,
    /// The one before.
    pub(crate) p2: &'a Tok,
    /// The next token.
    pub(crate) n1: &'a Tok,
    /// The one after.
    pub(crate) n2: &'a Tok,
    /// The knowledge lists.
    pub(crate) k: &'a Knowledge,
    /// The cluster templates in use.
    pub(crate) clusters: u8,
}

impl<'a> Ctx<'a> {
    /// Token `i` of `toks`, `empty` beyond the ends.
    #[inline]
    pub(crate) fn new(
        i: usize,
        toks: &'a [Tok],
        empty: &'a Tok,
        k: &'a Knowledge,
        clusters: u8,
    ) -> Self {
        let at = |d: isize| {
            i.checked_add_signed(d)
                .and_then(|j| toks.get(j))
                .unwrap_or(empty)
        };
        Ctx {
            i,
            toks,
            empty,
            t: at(0),
            p1: at(-1),
            p2: at(-2),
            n1: at(1),
            n2: at(2),
            k,
            clusters,
        }
    }

    /// The token `d` away (the empty one beyond the ends).
    #[inline]
    pub(crate) fn at(&self, d: isize) -> &'a Tok {
        self.i
            .checked_add_signed(d)
            .and_then(|j| self.toks.get(j))
            .unwrap_or(self.empty)
    }

    /// The nearest trigger word within the 4 previous words: its distance
    /// and class, `(0, b'-')` for none.
    #[inline]
    pub(crate) fn near_trigger(&self) -> (u8, u8) {
        (1..=4)
            .find_map(|d| {
                let tr = self.at(-(d as isize)).trig;
                (tr != b'-').then_some((d as u8, tr))
            })
            .unwrap_or((0, b'-'))
    }
}

/// Runs a template body on its scope's view `c`, from the hash `h` of its id.
#[inline(always)]
pub(crate) fn apply<C>(f: &mut Sink<'_>, c: &C, h: H, body: impl FnOnce(&mut Sink<'_>, &C, H)) {
    body(f, c, h);
}

/// The hash state of a `pair` template after its first word `w`.
#[inline(always)]
pub(crate) fn head(h: H, w: &Word, body: impl FnOnce(H, &Word) -> H) -> H {
    body(h, w)
}

/// A `pair` template's hash after its first word, continued with the
/// sentence.
#[inline(always)]
pub(crate) fn tail(h: H, c: &Ctx<'_>, body: impl FnOnce(H, &Ctx<'_>) -> H) -> H {
    body(h, c)
}

#[cfg(test)]
#[path = "features_tests.rs"]
mod tests;
