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
//! The character network's projections of a word are memoized with the word
//! the same way ([`CharNet::projection`]).
//!
//! The split must list exactly the features [`sentence_features`] does; the
//! tests compare the two on many sentences.
//!
//! [`sentence_features`]: super::super::features::sentence_features
//! [`CharNet::projection`]: super::super::charnet::CharNet::projection

use std::rc::Rc;

use super::super::features::{
    CLUSTER_PREFIXES, H, MAX_GAZ_WORDS, PART, Tok, Word, cluster_features, cluster_prefix,
    mark_matches_by, mined_features, prefix, suffix, word,
};
use super::super::charnet::WordFacts;
use super::super::encoder::{Encoder, Projection, WordInput};
use super::super::knowledge::{Knowledge, MAX_PLACE_WORDS};
use super::{L, Model};

/// What one model makes of one word: the sums of the weight rows of the
/// features that depend on this word alone, for each place it can stand
/// relative to the token being scored, and the hash states of the features
/// that pair it with a neighbour.
#[derive(Debug)]
pub(crate) struct Rows {
    /// The model ([`Model::id`]), its train gazetteer (its id) and the
    /// cluster templates ([`cluster_features`]) these were made for.
    tag: Tag,
    /// The type of the stem as a single-word part of a gazetteer name
    /// ([`PART`]), 0 for none.
    part: u8,
    /// The most words of a gazetteer phrase starting with the stem.
    gaz_longest: u8,
    /// The gazetteer type of the stem as a whole phrase.
    gaz_single: Option<u8>,
    /// Features of the word as the token scored.
    here: [i32; L],
    /// As the previous word.
    prev: [i32; L],
    /// As the word before the previous one.
    prev2: [i32; L],
    /// As the next word.
    next: [i32; L],
    /// As the word after the next one.
    next2: [i32; L],
    /// Template 18 (previous form, form) after the previous form.
    h18: H,
    /// Template 19 (form, next form) after the form.
    h19: H,
    /// Template 20 (previous stem, stem) after the previous stem.
    h20: H,
    /// Template 37 (previous stem, frequency) after the previous stem.
    h37: H,
    /// Template 38 (frequency, next stem) after the frequency.
    h38: H,
    /// Template 44 (previous form, shape, frequency) after the previous form.
    h44: H,
    /// Template 46 (stem two back, previous stem) after the stem two back.
    h46: H,
}

/// What [`Rows`] depend on: the model's id, its gazetteer's id and the
/// cluster templates.
type Tag = (u64, u64, u8);

thread_local! {
    /// The word beyond either end of a sentence (what `sentence_features`
    /// reads there), with its memoized rows.
    static EMPTY: Rc<Word> = Rc::new(Word::default());
}

/// How many features ahead of the one being added the table slot is
/// prefetched: the look-ups are independent, so their cache misses overlap.
const AHEAD: usize = 8;

impl Model {
    /// Adds the weight rows of `feats` to `acc`.
    /// `ahead`: the features that follow `feats` (the next groups of the
    /// same buffer), prefetched too.
    fn add_rows(&self, feats: &[u64], ahead: &[u64], acc: &mut [i32; L]) {
        for (i, &f) in feats.iter().enumerate() {
            let next = i + AHEAD;
            if let Some(&g) = feats
                .get(next)
                .or_else(|| ahead.get(next - feats.len()))
            {
                self.prefetch(g);
            }
            if let Some(w) = self.row(f) {
                for (a, &x) in acc.iter_mut().zip(w) {
                    *a += i32::from(x);
                }
            }
        }
    }


    /// The memoized [`Rows`] of word `w` (token text `raw`) under this model.
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
            h18: H::new(18).s(&w.folded),
            h19: H::new(19).s(&w.folded),
            h20: H::new(20).s(&w.stem),
            h37: H::new(37).s(&w.stem),
            h38: H::new(38).b(w.stem_freq),
            h44: H::new(44).s(&w.folded),
            h46: H::new(46).s(&w.stem),
        });
        *w.rows.borrow_mut() = Some(Rc::clone(&r));
        r
    }
}

/// The features of a word as the token scored that depend on it alone
/// (`raw` is its text as given, `t` its analysis).
fn here_features(raw: &str, t: &Word, clusters: u8, k: &Knowledge, f: &mut Vec<u64>) {
    f.push(H::new(0).done());
    f.push(H::new(1).s(raw).done());
    f.push(H::new(2).s(&t.folded).done());
    f.push(H::new(7).s(&t.stem).done());
    f.push(H::new(10).s(&t.bare).done());
    for n in 1..=3 {
        f.push(H::new(11).b(n as u8).s(prefix(&t.folded, n)).done());
        f.push(H::new(12).b(n as u8).s(suffix(&t.folded, n)).done());
    }
    for n in 2..=3 {
        f.push(H::new(13).b(n as u8).s(prefix(&t.bare, n)).done());
        f.push(H::new(14).b(n as u8).s(suffix(&t.bare, n)).done());
    }
    f.push(H::new(15).b(t.shape).done());
    f.push(H::new(17).s(&t.pro).done());
    f.push(H::new(21).b(t.form_freq).done());
    f.push(H::new(22).b(t.stem_freq).done());
    f.push(
        H::new(24)
            .b(t.stem_freq)
            .b(t.shape)
            .b(u8::from(t.stem.starts_with("ال")))
            .done(),
    );
    f.push(H::new(33).b(t.trig).done());
    f.push(H::new(34).b(t.trig).b(t.stem_freq).done());
    f.push(H::new(35).b(t.folded.chars().count().min(12) as u8).done());
    f.push(H::new(41).s(prefix(&t.bare, 4)).done());
    f.push(H::new(42).s(suffix(&t.bare, 4)).done());
    let chars: Vec<char> = t.bare.chars().collect();
    if chars.len() <= 12 {
        for w in chars.windows(3) {
            let mut g = [0u8; 12];
            let mut n = 0;
            for c in w {
                n += c.encode_utf8(&mut g[n..]).len();
            }
            f.push(
                H::new(43)
                    .s(std::str::from_utf8(&g[..n]).unwrap_or(""))
                    .done(),
            );
        }
    }
    for (j, &m) in t.morph.iter().enumerate() {
        f.push(H::new(47).b(j as u8).b(m).done());
        f.push(H::new(48).b(j as u8).b(m).b(t.stem_freq).done());
    }
    f.push(
        H::new(49)
            .b(t.morph[0])
            .b(t.morph[1])
            .b(t.morph[2])
            .b(t.morph[3])
            .done(),
    );
    f.push(H::new(56).b(t.name).done());
    if clusters >= 1 {
        for p in CLUSTER_PREFIXES {
            f.push(
                H::new(62)
                    .b(p)
                    .w(cluster_prefix(k, t.stem_cluster, p))
                    .done(),
            );
            f.push(
                H::new(63)
                    .b(p)
                    .w(cluster_prefix(k, t.form_cluster, p))
                    .done(),
            );
        }
    }
    if clusters >= 3 {
        f.push(
            H::new(69)
                .w(cluster_prefix(k, t.stem_cluster, 8))
                .b(t.stem_freq)
                .done(),
        );
    }
}

/// The features of a token that depend on its neighbour `d` words away
/// alone (`w`, `d` in -2, -1, 1, 2).
fn neighbour_features(w: &Word, d: isize, clusters: u8, k: &Knowledge, f: &mut Vec<u64>) {
    let stem_clusters = |f: &mut Vec<u64>, template: u8| {
        for p in [4, 8, 12] {
            f.push(
                H::new(template)
                    .b(p)
                    .w(cluster_prefix(k, w.stem_cluster, p))
                    .done(),
            );
        }
    };
    match d {
        -1 => {
            f.push(H::new(3).s(&w.folded).done());
            f.push(H::new(8).s(&w.stem).done());
            f.push(H::new(30).b(w.trig).done());
            if clusters >= 2 {
                stem_clusters(f, 64);
            }
        }
        -2 => {
            f.push(H::new(4).s(&w.folded).done());
            f.push(H::new(31).b(w.trig).done());
            if clusters >= 3 {
                f.push(H::new(66).w(cluster_prefix(k, w.stem_cluster, 6)).done());
            }
        }
        1 => {
            f.push(H::new(5).s(&w.folded).done());
            f.push(H::new(9).s(&w.stem).done());
            f.push(H::new(32).b(w.trig).done());
            if clusters >= 2 {
                stem_clusters(f, 65);
            }
        }
        2 => {
            f.push(H::new(6).s(&w.folded).done());
            if clusters >= 3 {
                f.push(H::new(67).w(cluster_prefix(k, w.stem_cluster, 6)).done());
            }
        }
        _ => {}
    }
}

/// The features of token `i` that pair words or read the sentence's place
/// and gazetteer matches (`at(i, d)`: the token `d` away; `rows_at` its
/// [`Rows`]).
fn context_features<'a>(
    i: usize,
    at: &impl Fn(usize, isize) -> &'a Tok,
    rows_at: &impl Fn(usize, isize) -> &'a Rows,
    clusters: u8,
    k: &Knowledge,
    f: &mut Vec<u64>,
) {
    let t = at(i, 0);
    let (p1, n1) = (at(i, -1), at(i, 1));
    let (rt, rp1, rp2) = (rows_at(i, 0), rows_at(i, -1), rows_at(i, -2));
    f.push(H::new(16).b(p1.shape).b(t.shape).b(n1.shape).done());
    f.push(rp1.h18.s(&t.folded).done());
    f.push(rt.h19.s(&n1.folded).done());
    f.push(rp1.h20.s(&t.stem).done());
    f.push(
        H::new(23)
            .b(p1.stem_freq)
            .b(t.stem_freq)
            .b(n1.stem_freq)
            .done(),
    );
    f.push(H::new(25).b(t.place).done());
    f.push(H::new(26).b(p1.place).b(t.place).b(n1.place).done());
    f.push(H::new(27).b(t.gaz).done());
    f.push(H::new(28).b(p1.gaz).b(t.gaz).b(n1.gaz).done());
    f.push(H::new(29).b(t.gaz).b(t.place).done());
    f.push(H::new(36).b(u8::from(i == 0)).b(t.shape).done());
    f.push(rp1.h37.b(t.stem_freq).done());
    f.push(rt.h38.s(&n1.stem).done());
    f.push(H::new(39).b(t.gaz).b(t.stem_freq).done());
    f.push(H::new(40).b(t.place).b(t.stem_freq).done());
    f.push(rp1.h44.b(t.shape).b(t.stem_freq).done());
    f.push(H::new(45).b(p1.gaz).b(t.gaz).done());
    f.push(rp2.h46.s(&p1.stem).done());
    let near = (1..=4)
        .find_map(|d| {
            let tr = at(i, -(d as isize)).trig;
            (tr != b'-').then_some((d as u8, tr))
        })
        .unwrap_or((0, b'-'));
    f.push(H::new(54).b(near.0).b(near.1).done());
    f.push(H::new(55).b(near.1).b(t.stem_freq).b(t.part).done());
    f.push(H::new(51).b(t.part).done());
    f.push(H::new(52).b(p1.part).b(t.part).b(n1.part).done());
    f.push(H::new(53).b(t.part).b(t.stem_freq).b(t.gaz).done());
    f.push(
        H::new(50)
            .b(p1.morph[0])
            .b(p1.morph[1])
            .b(n1.morph[0])
            .b(n1.morph[1])
            .done(),
    );
    f.push(
        H::new(61)
            .b(u8::from(p1.nisba))
            .b(t.stem_freq)
            .b(t.name)
            .done(),
    );
    f.push(H::new(57).b(p1.name).b(t.name).b(n1.name).done());
    mined_features(p1, t, n1, f);
    if clusters >= 3 {
        f.push(
            H::new(68)
                .w(cluster_prefix(k, p1.stem_cluster, 6))
                .w(cluster_prefix(k, t.stem_cluster, 6))
                .done(),
        );
    }
}

/// [`Model::emissions`]: the perceptron's scores from memoized per-word
/// sums and the context features, plus the network's logits.
pub(crate) fn emissions(model: &Model, tokens: &[&str]) -> Vec<[f32; L]> {
    let k = Knowledge::get();
    let clusters = cluster_features();
    let gaz = &model.gazetteer;
    let tag = (model.id, gaz.id(), clusters);
    let mut buf = Vec::with_capacity(64);
    let words: Vec<Rc<Word>> = tokens.iter().map(|w| word(w, k)).collect();
    let rows: Vec<Rc<Rows>> = words
        .iter()
        .zip(tokens)
        .map(|(w, raw)| model.rows_of(raw, w, tag, &mut buf))
        .collect();
    // What `sentence_toks` makes of the sentence, from the memos.
    let stems: Vec<&str> = words.iter().map(|w| w.stem.as_str()).collect();
    let mut places = vec![0u8; words.len()];
    mark_matches_by(
        &stems,
        MAX_PLACE_WORDS,
        |i| usize::from(words[i].place_longest),
        |i| words[i].place_single.then_some(1),
        |p| k.places.contains_key(p).then_some(1),
        &mut places,
    );
    let mut gz = vec![0u8; words.len()];
    mark_matches_by(
        &stems,
        MAX_GAZ_WORDS,
        |i| usize::from(rows[i].gaz_longest),
        |i| rows[i].gaz_single,
        |p| gaz.get(p),
        &mut gz,
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
    let at = |i: usize, d: isize| -> &Tok {
        i.checked_add_signed(d)
            .and_then(|j| toks.get(j))
            .unwrap_or(&empty)
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
        context_features(i, &at, &rows_at, clusters, k, &mut feats);
        ends.push(feats.len());
    }
    let logits = match &model.charnet {
        Some(net) if model.net_weight != 0.0 => {
            let proj: Vec<Rc<_>> = toks
                .iter()
                .map(|t| {
                    let memo = t.word.projection.borrow().clone();
                    match memo.filter(|p| net.owns(p)) {
                        Some(p) => p,
                        None => {
                            let w = &t.word;
                            let facts = WordFacts {
                                form_freq: w.form_freq,
                                stem_freq: w.stem_freq,
                                stem_name: w.stem_name,
                                stem_place: w.place_single,
                            };
                            let p = Rc::new(net.projection(&w.folded, &w.stem, &facts));
                            *t.word.projection.borrow_mut() = Some(Rc::clone(&p));
                            p
                        }
                    }
                })
                .collect();
            let values: Vec<&[f32]> = proj.iter().map(|p| net.values(p)).collect();
            net.logits_of(&values)
        }
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut begin = 0;
    for (i, &end) in ends.iter().enumerate() {
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
        let mut e = acc.map(|a| a as f32 * model.scale);
        if let Some(g) = logits.get(i) {
            for (x, y) in e.iter_mut().zip(g) {
                *x += model.net_weight * y;
            }
        }
        e[0] -= model.o_bias;
        out.push(e);
        begin = end;
    }
    if let Some(enc) = &model.encoder {
        add_encoder_scores(enc, &words, &mut out);
    }
    out
}

/// The encoder's projection of `w`, memoized with the word.
fn encoded(enc: &Encoder, w: &Word) -> Rc<Projection> {
    if let Some(p) = w.encoded.borrow().as_ref().filter(|p| enc.owns(p)) {
        return Rc::clone(p);
    }
    let input = WordInput {
        folded: &w.folded,
        stem: &w.stem,
        form_freq: w.form_freq,
        stem_freq: w.stem_freq,
        stem_name: w.stem_name,
        place: w.place_single,
    };
    let p = Rc::new(enc.projection(&input));
    *w.encoded.borrow_mut() = Some(Rc::clone(&p));
    p
}

/// Adds the encoder's scores of the sentence of `words` to `em`, from the
/// words' memoized projections.
pub(crate) fn add_encoder_scores(enc: &Encoder, words: &[Rc<Word>], em: &mut [[f32; L]]) {
    let proj: Vec<Rc<Projection>> = words.iter().map(|w| encoded(enc, w)).collect();
    let refs: Vec<&Projection> = proj.iter().map(|p| &**p).collect();
    enc.add_scores(&refs, em);
}

#[cfg(test)]
mod tests {
    use super::super::super::features::clear_word_memo;
    use super::super::super::{embedded_model, fold::fold};
    use super::*;

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
        let mut other = model.clone();
        other.id = super::super::next_id();
        other.scale *= 2.0;
        other
            .table
            .iter_mut()
            .for_each(|s| s.w.iter_mut().for_each(|w| *w /= 2));
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
        let gz = include_bytes!("../../../tests/data/encoder-check.tsv.gz");
        let text = crate::gz::decompress("check", gz).expect("check file");
        let text = String::from_utf8(text).expect("utf-8");
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
                add_encoder_scores(&unit, &words, &mut em);
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
        use super::super::super::features::{TrainGazetteer, sentence_features_with, sentence_toks};
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
                sentence_features_with(&toks, &gaz, clusters, &mut feats, &mut ends);
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
                        h18: H::new(18).s(&t.folded),
                        h19: H::new(19).s(&t.folded),
                        h20: H::new(20).s(&t.stem),
                        h37: H::new(37).s(&t.stem),
                        h38: H::new(38).b(t.stem_freq),
                        h44: H::new(44).s(&t.folded),
                        h46: H::new(46).s(&t.stem),
                    };
                    let rows: Vec<Rows> = tk.iter().map(rows_of).collect();
                    let empty_rows = rows_of(&empty);
                    let rows_at = |i: usize, d: isize| -> &Rows {
                        i.checked_add_signed(d)
                            .and_then(|j| rows.get(j))
                            .unwrap_or(&empty_rows)
                    };
                    context_features(i, &at, &rows_at, clusters, k, &mut got);
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(got, want, "{s} token {i} clusters {clusters}");
                }
            }
        }
    }
}
