//! Emission scores at inference, equal bit for bit to summing the weight
//! rows of every feature [`sentence_features`] gives a token, but without
//! building most of those features per token.
//!
//! Of the ~95 features of a token, ~65 depend on one word only: on the token
//! itself (its form, stem, affixes, frequencies, clusters …) or on one
//! neighbour at a fixed distance (the previous word's form, the next word's
//! trigger class …). Their weight rows are summed once per distinct word and
//! model ([`Rows`], memoized with the word's analysis), so a token adds five
//! such sums and looks up only the ~28 features that pair words or read the
//! sentence's gazetteer and place matches. The sums are of the quantized
//! `i16` weights in `i32`, so the order of addition cannot change a bit.
//! Features pairing a word's string with a neighbour's start from a hash
//! state memoized with the first word ([`H`] is FNV-1a, a left fold).
//!
//! The split must list exactly the features [`sentence_features`] does; the
//! tests compare the two on many sentences.
//!
//! Here too [`Model::emissions`]: the sum of the model's scorers, in order.
//!
//! [`sentence_features`]: crate::entities::features::sentence_features

use std::any::Any;
use std::rc::Rc;

use super::model::Model;
use super::perceptron::Perceptron;
use super::rows::{Rows, Tag};
use super::scorer::{PERCEPTRON, Scorer, Sentence};
#[cfg(test)]
use crate::entities::features::sentence_features;
use crate::entities::features::{
    CLUSTER_PREFIXES, Ctx, Here, Near, PART, Sink, apply, cluster_prefix, head, sentence_marks,
    tail,
};
use crate::entities::hash::{H, prefix, suffix};
use crate::entities::knowledge::Knowledge;
use crate::entities::labels::L;
use crate::entities::templates::{PAIRS, for_each_feature_template, if_scope, pair_slot};
use crate::entities::word::{Tok, Word, word};

thread_local! {
    /// The word beyond either end of a sentence (what `sentence_features`
    /// reads there), with its memoized rows.
    static EMPTY: Rc<Word> = Rc::new(Word::default());
}

/// How many features ahead of the one being added the table slot is
/// prefetched: the look-ups are independent, so their cache misses overlap.
const AHEAD: usize = 8;

impl Model {
    /// Emission scores of every token of a sentence: the sum of its
    /// scorers' (`Model::scorers`), in order, over the sentence's word
    /// analyses.
    pub fn emissions(&self, tokens: &[&str]) -> Vec<[f32; L]> {
        self.sum_scores(tokens, |scorer, s, em| scorer.add_scores(s, em))
    }

    /// The emissions of `tokens` from zero, `add(scorer, sentence, em)`
    /// adding each scorer's scores in order.
    fn sum_scores(
        &self,
        tokens: &[&str],
        add: impl Fn(&dyn Scorer, &Sentence<'_>, &mut [[f32; L]]),
    ) -> Vec<[f32; L]> {
        let k = Knowledge::get();
        let words: Vec<Rc<Word>> = tokens.iter().map(|t| word(t, k)).collect();
        let s = Sentence {
            tokens,
            words: &words,
        };
        let mut em = vec![[0f32; L]; tokens.len()];
        for scorer in self.scorers() {
            add(&**scorer, &s, em.as_mut_slice());
        }
        em
    }

    /// [`Model::emissions`] computed the plain way: the perceptron feature
    /// by feature, the character network on the tokens without the word
    /// memo; what the memoized computation must equal bit for bit.
    #[cfg(test)]
    pub(super) fn emissions_reference(&self, tokens: &[&str]) -> Vec<[f32; L]> {
        self.sum_scores(tokens, |scorer, s, em| {
            let any = scorer.as_any();
            if let Some(p) = any.downcast_ref::<Perceptron>() {
                let mut feats = Vec::with_capacity(tokens.len() * 48);
                let mut ends = Vec::with_capacity(tokens.len());
                sentence_features(tokens, &p.gazetteer, p.clusters, &mut feats, &mut ends);
                let mut begin = 0;
                for (e, &end) in em.iter_mut().zip(&ends) {
                    let mut acc = [0i32; L];
                    for &f in feats.get(begin..end).unwrap_or(&[]) {
                        if let Some(w) = p.row(f) {
                            for (a, &x) in acc.iter_mut().zip(w) {
                                *a += i32::from(x);
                            }
                        }
                    }
                    for (x, a) in e.iter_mut().zip(acc) {
                        *x += a as f32 * p.scale;
                    }
                    begin = end;
                }
            } else if let Some(n) = any.downcast_ref::<super::scorer::NetScorer>() {
                if n.weight != 0.0 {
                    for (e, g) in em.iter_mut().zip(n.net.logits(tokens)) {
                        for (x, y) in e.iter_mut().zip(g) {
                            *x += n.weight * y;
                        }
                    }
                }
            } else {
                scorer.add_scores(s, em);
            }
        })
    }
}

impl Perceptron {
    /// Adds the weight rows of `feats` to `acc`.
    /// `ahead`: the features that follow `feats` (the next groups of the
    /// same buffer), prefetched too.
    fn add_rows(&self, feats: &[u64], ahead: &[u64], acc: &mut [i32; L]) {
        for (i, &f) in feats.iter().enumerate() {
            let next = i + AHEAD;
            if let Some(&g) = feats.get(next).or_else(|| ahead.get(next - feats.len())) {
                self.prefetch(g);
            }
            if let Some(w) = self.row(f) {
                for (a, &x) in acc.iter_mut().zip(w) {
                    *a += i32::from(x);
                }
            }
        }
    }

    /// The memoized [`Rows`] of word `w` (token text `raw`) under this
    /// perceptron.
    fn rows_of(&self, raw: &str, w: &Word, tag: Tag, buf: &mut Vec<u64>) -> Rc<Rows> {
        if let Some(r) = w.rows.borrow().as_ref().filter(|r| r.tag == tag) {
            return Rc::clone(r);
        }
        let k = Knowledge::get();
        let clusters = tag.2;
        let gaz = &self.gazetteer;
        let mut key = String::with_capacity(w.stem.len() + PART.len_utf8());
        key.push(PART);
        key.push_str(&w.stem);
        // All five groups in one buffer, so the look-ups run ahead across
        // them.
        buf.clear();
        let mut ends = [0usize; 5];
        here_features(raw, w, clusters, k, buf);
        ends[0] = buf.len();
        for (e, d) in ends[1..].iter_mut().zip([-1, -2, 1, 2]) {
            neighbour_features(w, d, clusters, k, buf);
            *e = buf.len();
        }
        let mut sums = [[0i32; L]; 5];
        let mut begin = 0;
        for (acc, &end) in sums.iter_mut().zip(&ends) {
            let group = buf.get(begin..end).unwrap_or(&[]);
            self.add_rows(group, buf.get(end..).unwrap_or(&[]), acc);
            begin = end;
        }
        let [here, prev, prev2, next, next2] = sums;
        let r = Rc::new(Rows {
            tag,
            part: gaz.get(&key).unwrap_or(0),
            gaz_longest: gaz.longest_from(&w.stem).min(usize::from(u8::MAX)) as u8,
            gaz_single: gaz.get(&w.stem),
            here,
            prev,
            prev2,
            next,
            next2,
            heads: pair_heads(w),
        });
        *w.rows.borrow_mut() = Some(Rc::clone(&r));
        r
    }
}

/// The perceptron's scores: its weights of the sentence's features
/// (`features::sentence_features`), from memoized per-word sums and the
/// context features.
impl Scorer for Perceptron {
    fn name(&self) -> &'static str {
        PERCEPTRON
    }

    fn add_scores(&self, s: &Sentence<'_>, em: &mut [[f32; L]]) {
        add_perceptron_scores(self, s, em);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The fast path of the templates ([`for_each_feature_template!`]), split
/// by what each reads.
macro_rules! fast_path {
    ($([$id:literal $scope:ident $($body:tt)*])*) => {
        /// The features of a word as the token scored that depend on it
        /// alone (`raw` is its text as given, `t` its analysis): scope `t`.
        fn here_features(raw: &str, t: &Word, clusters: u8, k: &Knowledge, f: &mut Vec<u64>) {
            let c = Here { raw, t, k, clusters };
            let f = &mut Sink(f);
            $( if_scope!(t $scope { apply(f, &c, H::new($id), $($body)*); }); )*
        }

        /// The features of a token that depend on its neighbour `d` words
        /// away alone (`w`, `d` in -2, -1, 1, 2): scopes `p2` ... `n2`.
        fn neighbour_features(w: &Word, d: isize, clusters: u8, k: &Knowledge, f: &mut Vec<u64>) {
            let c = Near { w, k, clusters };
            let f = &mut Sink(f);
            match d {
                -1 => { $( if_scope!(p1 $scope { apply(f, &c, H::new($id), $($body)*); }); )* }
                -2 => { $( if_scope!(p2 $scope { apply(f, &c, H::new($id), $($body)*); }); )* }
                1 => { $( if_scope!(n1 $scope { apply(f, &c, H::new($id), $($body)*); }); )* }
                2 => { $( if_scope!(n2 $scope { apply(f, &c, H::new($id), $($body)*); }); )* }
                _ => {}
            }
        }

        /// The hash states of the `pair` templates after word `w`.
        fn pair_heads(w: &Word) -> [H; PAIRS] {
            let mut heads = [H(0); PAIRS];
            $( if_scope!(pair $scope { fast_path!(@head heads w $id $($body)*); }); )*
            heads
        }

        /// The features of the token `c` stands at that pair words or read
        /// the sentence's place and gazetteer matches: scope `ctx`, and the
        /// `pair` templates from the memoized hash states (`rows_at(d)`:
        /// the [`Rows`] of the token `d` away).
        fn context_features<'r>(c: &Ctx<'_>, rows_at: impl Fn(isize) -> &'r Rows, f: &mut Vec<u64>) {
            let f = &mut Sink(f);
            $(
                if_scope!(ctx $scope { apply(f, c, H::new($id), $($body)*); });
                if_scope!(pair $scope { fast_path!(@tail f c rows_at $id $($body)*); });
            )*
        }
    };
    (@head $heads:ident $w:ident $id:literal $first:ident $head:expr, $tail:expr) => {
        $heads[const { pair_slot($id) }] = head(H::new($id), $w, $head)
    };
    (@tail $f:ident $c:ident $rows_at:ident $id:literal $first:ident $head:expr, $tail:expr) => {
        $f.push(tail($rows_at(fast_path!(@offset $first)).heads[const { pair_slot($id) }], $c, $tail))
    };
    (@offset t) => { 0 };
    (@offset p1) => { -1 };
    (@offset p2) => { -2 };
    (@offset n1) => { 1 };
    (@offset n2) => { 2 };
}
for_each_feature_template!(fast_path);

/// [`Perceptron`]'s scores of sentence `s` added into `em`.
fn add_perceptron_scores(model: &Perceptron, s: &Sentence<'_>, em: &mut [[f32; L]]) {
    let (tokens, words) = (s.tokens, s.words);
    let k = Knowledge::get();
    let clusters = model.clusters;
    let gaz = &model.gazetteer;
    let tag = (model.id, gaz.id(), clusters);
    let mut buf = Vec::with_capacity(64);
    let rows: Vec<Rc<Rows>> = words
        .iter()
        .zip(tokens)
        .map(|(w, raw)| model.rows_of(raw, w, tag, &mut buf))
        .collect();
    // What `sentence_toks` makes of the sentence, from the memos.
    let stems: Vec<&str> = words.iter().map(|w| w.stem.as_str()).collect();
    let (places, gz) = sentence_marks(
        &stems,
        (
            |i: usize| usize::from(words[i].place_longest),
            |i: usize| words[i].place_single.then_some(1),
        ),
        (
            |i: usize| usize::from(rows[i].gaz_longest),
            |i: usize| rows[i].gaz_single,
        ),
        gaz,
        k,
    );
    let mined = k.mined.marks(&stems);
    let toks: Vec<Tok> = words
        .iter()
        .zip(&rows)
        .zip(places.into_iter().zip(gz).zip(mined))
        .map(|((w, r), ((place, gaz), m))| Tok {
            word: Rc::clone(w),
            place,
            gaz,
            part: r.part,
            mined: m & 15,
            mined_tail: m >> 4,
        })
        .collect();
    let empty_word = EMPTY.with(Rc::clone);
    let empty_rows = model.rows_of("", &empty_word, tag, &mut buf);
    let empty = Tok {
        word: empty_word,
        ..Tok::default()
    };
    let rows_at = |i: usize, d: isize| -> &Rows {
        i.checked_add_signed(d)
            .and_then(|j| rows.get(j))
            .map_or(&empty_rows, |r| r)
    };
    // The context features of the whole sentence first, so the table
    // look-ups run ahead of the sums (`add_rows` prefetches).
    let mut feats = Vec::with_capacity(tokens.len() * 28);
    let mut ends = Vec::with_capacity(tokens.len());
    for i in 0..toks.len() {
        let c = Ctx::new(i, &toks, &empty, k, clusters);
        context_features(&c, |d| rows_at(i, d), &mut feats);
        ends.push(feats.len());
    }
    let mut begin = 0;
    for ((i, &end), e) in ends.iter().enumerate().zip(em.iter_mut()) {
        let mut acc = rows_at(i, 0).here;
        for (d, part) in [(-1, 0), (-2, 1), (1, 2), (2, 3)] {
            let r = rows_at(i, d);
            let x = match part {
                0 => &r.prev,
                1 => &r.prev2,
                2 => &r.next,
                _ => &r.next2,
            };
            for (a, &b) in acc.iter_mut().zip(x) {
                *a += b;
            }
        }
        model.add_rows(
            feats.get(begin..end).unwrap_or(&[]),
            feats.get(end..).unwrap_or(&[]),
            &mut acc,
        );
        for (x, a) in e.iter_mut().zip(acc) {
            *x += a as f32 * model.scale;
        }
        begin = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::encoder::Encoder;
    use crate::entities::fold::fold;
    use crate::entities::tagger::embedded::embedded_model;
    use crate::entities::word::clear_word_memo;

    /// Sentences with boundaries, clitics, gazetteer and place names,
    /// digits, Latin, punctuation and repeated words.
    const SENTENCES: &[&str] = &[
        "وقال الرئيس الأمريكي جورج بوش في واشنطن إن الولايات المتحدة الأمريكية لن تنسحب",
        "أعلنت كتائب حزب الله العراقي مسؤوليتها عن الهجوم على قاعدة عين الأسد",
        "زار محمد بن سلمان باريس ولندن يوم 15 مارس 2024 مع وفد من شركة أرامكو",
        "،",
        "بغداد",
        "ﺑﻐﺪﺍﺩ و کرکوک",
        "the UN said : 42 % of people ... ؟ !",
        "قال قال قال قال قال",
        "وللعراق ولطهران بالقاهرة لبيروت",
    ];

    #[test]
    fn memoized_emissions_equal_the_feature_by_feature_sums_bit_for_bit() {
        let model = match embedded_model() {
            Ok(m) => m,
            Err(e) => panic!("embedded model: {e}"),
        };
        for round in 0..3 {
            if round == 2 {
                clear_word_memo();
            }
            for s in SENTENCES {
                let toks: Vec<&str> = s.split(' ').collect();
                let fast = model.emissions(&toks);
                let plain = model.emissions_reference(&toks);
                let bits = |e: &[[f32; L]]| -> Vec<u32> {
                    e.iter().flatten().map(|x| x.to_bits()).collect()
                };
                assert_eq!(bits(&fast), bits(&plain), "{s}");
            }
        }
        // A copy of the model with other weights does not reuse the first
        // one's sums.
        let mut p = model.perceptron().expect("a perceptron").clone();
        p.id = crate::entities::tagger::perceptron::next_id();
        p.scale *= 2.0;
        p.table
            .iter_mut()
            .for_each(|s| s.w.iter_mut().for_each(|w| *w /= 2));
        let mut other = model.clone();
        other.put(std::sync::Arc::new(p));
        let toks: Vec<&str> = SENTENCES[0].split(' ').collect();
        let _ = model.emissions(&toks);
        assert_eq!(other.emissions(&toks), other.emissions_reference(&toks));
        assert_ne!(other.emissions(&toks), model.emissions(&toks));
    }

    /// The encoder's scores as the tagger adds them (through the word memo)
    /// against the trainer's own forward pass (`train-encoder`'s check
    /// file): the same tags, scores within 1e-4, cold and warm.
    #[test]
    fn encoder_scores_through_the_word_memo_are_the_trainers() {
        let text = crate::entities::binio::check_text(include_bytes!(
            "../../../tests/data/encoder-check.tsv.gz"
        ));
        let enc = Encoder::embedded().expect("embedded encoder");
        let unit = enc.clone_with(1.0, 0.0);
        let k = Knowledge::get();
        let argmax = |s: &[f32]| (0..L).fold(0, |b, l| if s[l] > s[b] { l } else { b });
        for round in 0..2 {
            if round == 0 {
                clear_word_memo();
            }
            let mut n = 0;
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let (toks, nums) = line.split_once('\t').expect("two fields");
                let toks: Vec<&str> = toks.split(' ').collect();
                let want: Vec<f32> = nums.split(' ').map(|x| x.parse().expect("score")).collect();
                let words: Vec<Rc<Word>> = toks.iter().map(|t| word(t, k)).collect();
                let mut em = vec![[0f32; L]; toks.len()];
                let s = Sentence {
                    tokens: &toks,
                    words: &words,
                };
                unit.add_scores(&s, &mut em);
                assert_eq!(em.len() * L, want.len(), "{toks:?}");
                for (g, w) in em.iter().zip(want.chunks_exact(L)) {
                    for (a, b) in g.iter().zip(w) {
                        assert!((a - b).abs() <= 1e-4, "{toks:?}: {a} against {b}");
                    }
                    assert_eq!(argmax(g), argmax(w), "{toks:?}");
                }
                n += 1;
            }
            assert!(n >= 200, "{n} sentences checked");
        }
    }

    #[test]
    fn the_split_features_are_those_of_sentence_features() {
        use crate::entities::features::{TrainGazetteer, sentence_toks};
        let k = Knowledge::get();
        let gaz: TrainGazetteer = [
            ("جورج بوش".to_string(), 1),
            ("\u{1}بوش".to_string(), 1),
            (fold("الولايات المتحدة"), 2),
        ]
        .into_iter()
        .collect();
        for clusters in [3, 2, 1, 0] {
            for s in SENTENCES {
                let toks: Vec<&str> = s.split(' ').collect();
                let (mut feats, mut ends) = (Vec::new(), Vec::new());
                sentence_features(&toks, &gaz, clusters, &mut feats, &mut ends);
                // The same features, token by token, from the split.
                let tk = sentence_toks(&toks, &gaz, k);
                let per_word = |raw: &str, w: &Word| {
                    let mut here = Vec::new();
                    here_features(raw, w, clusters, k, &mut here);
                    here
                };
                let mut begin = 0;
                for (i, &end) in ends.iter().enumerate() {
                    let mut want = feats[begin..end].to_vec();
                    begin = end;
                    let mut got = per_word(toks[i], &tk[i].word);
                    let empty = Tok::default();
                    let at = |i: usize, d: isize| -> &Tok {
                        i.checked_add_signed(d)
                            .and_then(|j| tk.get(j))
                            .unwrap_or(&empty)
                    };
                    for d in [-2, -1, 1, 2] {
                        neighbour_features(at(i, d), d, clusters, k, &mut got);
                    }
                    let rows_of = |t: &Tok| Rows {
                        tag: (0, 0, clusters),
                        part: 0,
                        gaz_longest: 0,
                        gaz_single: None,
                        here: [0; L],
                        prev: [0; L],
                        prev2: [0; L],
                        next: [0; L],
                        next2: [0; L],
                        heads: pair_heads(t),
                    };
                    let rows: Vec<Rows> = tk.iter().map(rows_of).collect();
                    let empty_rows = rows_of(&empty);
                    let rows_at = |d: isize| -> &Rows {
                        i.checked_add_signed(d)
                            .and_then(|j| rows.get(j))
                            .unwrap_or(&empty_rows)
                    };
                    let c = Ctx::new(i, &tk, &empty, k, clusters);
                    context_features(&c, rows_at, &mut got);
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(got, want, "{s} token {i} clusters {clusters}");
                }
            }
        }
    }
}
