//! Document-level evidence, a pass after the tagger has decoded every
//! sentence: a news article names a person in full once (ألبرت أينشتاين)
//! and by the surname after (أينشتاين), and repeats a rare name the tagger
//! recognised in one sentence but not in another, in full here and in part
//! there. Three rules, in this order:
//!
//! - a multi-word mention gives its type to the other places its words
//!   stand in the same order, outside any mention or around shorter ones
//!   (وليد المعلم where only وليد was tagged);
//! - the last word of a multi-word PERSON mention, when it is not a common
//!   word, is a PERSON wherever else it stands alone;
//! - a one-word mention the tagger was confident of, when it is not a common
//!   word, gives its type to the word's other occurrences.
//!
//! Words match by their folded, proclitic-free core (لفرويد is فرويد). The
//! thresholds were chosen by `train-ner --cv-only`, which prints the pooled
//! held-out F1 over a grid of them; the test part played no part.

use super::fold::proclitic_len;
use rustc_hash::FxHashMap as FxMap;
use super::tagger::chunks;

/// The thresholds of the surname and one-word rules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// A surname spreads when its wordfreq Zipf frequency is below this
    /// (common words such as علي stay out).
    pub surname_max_zipf: f32,
    /// A one-word mention spreads when the tagger's confidence in it is at
    /// least this …
    pub single_min_confidence: f32,
    /// … and its Zipf frequency is below this.
    pub single_max_zipf: f32,
}

impl Default for Rules {
    /// The thresholds `train-ner --cv-only` chose (5-fold cross-validation
    /// on the train part, pooled held-out F1).
    fn default() -> Self {
        Rules {
            surname_max_zipf: 4.5,
            single_min_confidence: 0.6,
            single_max_zipf: 5.0,
        }
    }
}

/// Sentences either side that count as the document when the text has no
/// document boundaries (ANERcorp in `eval-ner` and `train-ner`); a request
/// to the service is one document.
pub const EVAL_WINDOW: usize = 40;

/// One decoded sentence.
#[derive(Clone, Debug, Default)]
pub struct Tagged<'a> {
    /// The folded form of every token.
    pub folded: Vec<&'a str>,
    /// The labels the tagger chose (indices into `tagger::LABELS`).
    pub labels: Vec<u8>,
    /// The posterior probability of each chosen label.
    pub confidence: Vec<f32>,
}

/// A mention the document pass adds: tokens `start..end` of a sentence,
/// labelled B-`kind` I-`kind` …, replacing whatever mentions lay inside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Added {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Entity type 1..=4 (PERS, LOC, ORG, MISC).
    pub kind: u8,
    /// The confidence of the mention whose evidence added it.
    pub confidence: f32,
}

/// Longest mention, in words, that vouches for its repeats (longer ones are
/// rare, and the bound keeps the look-ups per word small).
const MAX_PHRASE_WORDS: usize = 8;

/// The mentions that vouch for a word or phrase: (sentence, type,
/// confidence), in sentence order.
type Votes = Vec<(usize, u8, f32)>;

/// The folded core of folded word `f`: its proclitics off, as mention spans
/// are trimmed (`known` scores folded forms, as [`proclitic_len`] wants).
fn core<'a>(f: &'a str, known: &impl Fn(&str) -> f32) -> &'a str {
    f.get(proclitic_len(f, known)..).unwrap_or(f)
}

/// The mentions the rules add to each of `sents` (one list per sentence).
/// `window`: sentences either side that form a sentence's document (`None`:
/// all of `sents`). `rules`: the thresholds. `known` scores folded forms for clitic stripping;
/// `zipf` gives a folded form's wordfreq Zipf frequency.
pub fn spread(
    sents: &[Tagged],
    window: Option<usize>,
    rules: &Rules,
    known: impl Fn(&str) -> f32,
    zipf: impl Fn(&str) -> f32,
) -> Vec<Vec<Added>> {
    // Per sentence: its multi-word mentions' cores (phrases), and its
    // surname and one-word evidence.
    let mut phrases: FxMap<Vec<&str>, Votes> = FxMap::default();
    let mut names: FxMap<&str, (Votes, Votes)> = FxMap::default();
    for (i, s) in sents.iter().enumerate() {
        for (b, e, t) in chunks(&s.labels) {
            let conf = (b..e)
                .filter_map(|i| s.confidence.get(i))
                .fold(1.0f32, |a, &c| a.min(c));
            let Some(words) = s.folded.get(b..e) else {
                continue;
            };
            if (2..=MAX_PHRASE_WORDS).contains(&(e - b)) {
                let key: Vec<&str> = words.iter().map(|w| core(w, &known)).collect();
                if let Some(&last) = key.last()
                    && t == 1
                    && zipf(last) < rules.surname_max_zipf
                {
                    names.entry(last).or_default().0.push((i, 1, conf));
                }
                phrases.entry(key).or_default().push((i, t, conf));
            } else if conf >= rules.single_min_confidence
                && let Some(w) = words.first()
            {
                let c = core(w, &known);
                if zipf(c) < rules.single_max_zipf {
                    names.entry(c).or_default().1.push((i, t, conf));
                }
            }
        }
    }
    if phrases.is_empty() && names.is_empty() {
        return vec![Vec::new(); sents.len()];
    }
    // The lengths of the phrases that start with each word, a bit per
    // length, so a word is looked up once per length that can start there
    // (not once per phrase: a list of names sharing محمد stays linear).
    let mut firsts: FxMap<&str, u16> = FxMap::default();
    for key in phrases.keys() {
        if let Some(&first) = key.first() {
            *firsts.entry(first).or_default() |= 1 << key.len();
        }
    }
    // Whether `f`, or `f` less one to three leading letters (the
    // proclitics), is a key of `map` (a cheap test before [`core`]).
    fn maybe<V>(f: &str, map: &FxMap<&str, V>) -> bool {
        f.char_indices()
            .map(|(o, _)| o)
            .take(4)
            .any(|o| f.get(o..).is_some_and(|rest| map.contains_key(rest)))
    }
    let mut all = Vec::with_capacity(sents.len());
    for (i, s) in sents.iter().enumerate() {
        let mut out = Vec::new();
        let near = |&&(j, _, _): &&(usize, u8, f32)| window.is_none_or(|k| j.abs_diff(i) <= k);
        let n = s.folded.len();
        let mut labels = s.labels.clone();
        let mut cores: Vec<Option<&str>> = vec![None; n];
        let mut core_at =
            |j: usize| -> &str { cores[j].get_or_insert_with(|| core(s.folded[j], &known)) };
        // 1. Phrases: every match, longest first, then leftmost.
        let mut matches: Vec<(usize, usize, u8, f32)> = Vec::new();
        let mut key: Vec<&str> = Vec::with_capacity(MAX_PHRASE_WORDS);
        for j in 0..n {
            if !maybe(s.folded[j], &firsts) {
                continue;
            }
            let Some(&lengths) = firsts.get(core_at(j)) else {
                continue;
            };
            for len in (2..=MAX_PHRASE_WORDS.min(n - j)).rev() {
                if lengths & (1 << len) == 0 {
                    continue;
                }
                key.clear();
                for x in j..j + len {
                    key.push(core_at(x));
                }
                if let Some(&(_, t, c)) = phrases
                    .get(key.as_slice())
                    .and_then(|votes| votes.iter().find(near))
                {
                    matches.push((j, j + len, t, c));
                }
            }
        }
        matches.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        for (b, e, t, confidence) in matches {
            // Outside every mention, or around whole ones: no mention
            // continues into the match or out of it.
            let starts = |l: u8| l == 0 || l % 2 == 1;
            let fits = labels.get(b).is_some_and(|&l| starts(l))
                && labels.get(e).is_none_or(|&l| starts(l));
            let same = labels.get(b) == Some(&(2 * t - 1))
                && labels[b + 1..e].iter().all(|&l| l == 2 * t)
                && labels.get(e).is_none_or(|&l| l != 2 * t);
            if !fits || same {
                continue;
            }
            let a = Added {
                start: b,
                end: e,
                kind: t,
                confidence,
            };
            apply(&mut labels, std::slice::from_ref(&a));
            out.push(a);
        }
        // 2 and 3. Surnames, then one-word mentions, on words still outside.
        for (j, (label, &f)) in labels.iter_mut().zip(&s.folded).enumerate() {
            if *label != 0 || !maybe(f, &names) {
                continue;
            }
            let c = core_at(j);
            if c.chars().count() < 2 {
                continue;
            }
            let Some((surnames, singles)) = names.get(c) else {
                continue;
            };
            if let Some(&(_, kind, confidence)) = surnames
                .iter()
                .find(near)
                .or_else(|| singles.iter().find(near))
            {
                *label = 2 * kind - 1;
                out.push(Added {
                    start: j,
                    end: j + 1,
                    kind,
                    confidence,
                });
            }
        }
        all.push(out);
    }
    all
}

/// `labels` with a sentence's added mentions set (B-type, I-type …).
pub fn apply(labels: &mut [u8], added: &[Added]) {
    for a in added {
        for (x, l) in labels.iter_mut().enumerate().take(a.end).skip(a.start) {
            *l = if x == a.start {
                2 * a.kind - 1
            } else {
                2 * a.kind
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged<'a>(words: &[&'a str], labels: &[u8]) -> Tagged<'a> {
        Tagged {
            folded: words.to_vec(),
            labels: labels.to_vec(),
            confidence: vec![0.9; words.len()],
        }
    }

    /// (sentence, start, end, type) of every added mention.
    fn at(added: &[Vec<Added>]) -> Vec<(usize, usize, usize, u8)> {
        added
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.iter().map(move |a| (i, a.start, a.end, a.kind)))
            .collect()
    }

    fn zipf(f: &str) -> f32 {
        match f {
            "علي" => 6.0,
            "قال" => 6.5,
            _ => 1.0,
        }
    }

    #[test]
    fn a_surname_spreads_to_its_standalone_uses_with_clitics() {
        let sents = [
            tagged(&["قال", "البرت", "اينشتاين"], &[0, 1, 2]),
            tagged(&["قال", "اينشتاين"], &[0, 0]),
            tagged(&["نظريه", "لاينشتاين"], &[0, 0]),
        ];
        let known = |f: &str| if f == "اينشتاين" { 3.0 } else { 0.0 };
        let added = spread(&sents, None, &Rules::default(), known, zipf);
        assert_eq!(at(&added), vec![(1, 1, 2, 1), (2, 1, 2, 1)]);
    }

    #[test]
    fn common_words_and_tagged_words_do_not_change() {
        let sents = [
            tagged(&["قال", "محمد", "علي"], &[0, 1, 2]),
            tagged(&["قال", "علي"], &[0, 0]),
            tagged(&["بغداد", "بغداد"], &[3, 0]),
            tagged(&["بغداد"], &[5]),
        ];
        let added = spread(&sents, None, &Rules::default(), |_| 0.0, zipf);
        // علي is common; بغداد (LOC, confident) spreads to the O word only.
        assert_eq!(at(&added), vec![(2, 1, 2, 2)]);
    }

    #[test]
    fn a_multi_word_mention_covers_its_repeats_and_the_shorter_mentions_inside() {
        let sents = [
            tagged(&["الوزير", "وليد", "المعلم"], &[0, 1, 2]),
            tagged(&["قال", "وليد", "المعلم", "امس"], &[0, 1, 0, 0]),
            tagged(&["ولوليد", "المعلم"], &[0, 0]),
            // Inside a longer mention: left alone.
            tagged(&["مؤسسه", "وليد", "المعلم"], &[5, 6, 6]),
        ];
        let known = |f: &str| if f == "وليد" { 3.0 } else { 0.0 };
        let added = spread(&sents, None, &Rules::default(), known, zipf);
        assert_eq!(at(&added), vec![(1, 1, 3, 1), (2, 0, 2, 1)]);
        let mut labels = sents[1].labels.clone();
        apply(&mut labels, &added[1]);
        assert_eq!(labels, [0, 1, 2, 0]);
    }

    #[test]
    fn the_longest_phrase_sharing_a_first_word_wins() {
        let sents = [
            tagged(&["عبد", "الله"], &[1, 2]),
            tagged(&["عبد", "الله", "الثاني"], &[1, 2, 2]),
            tagged(&["عبد", "العزيز"], &[5, 6]),
            tagged(
                &["قال", "عبد", "الله", "الثاني", "و", "عبد", "العزيز"],
                &[0; 7],
            ),
        ];
        let added = spread(&sents, None, &Rules::default(), |_| 0.0, zipf);
        assert_eq!(at(&added), vec![(3, 1, 4, 1), (3, 5, 7, 3)]);
    }

    #[test]
    fn a_window_limits_the_document() {
        let mut sents = vec![tagged(&["فرويد"], &[1])];
        sents.extend((0..5).map(|_| tagged(&["قال"], &[0])));
        sents.push(tagged(&["فرويد"], &[0]));
        let rules = Rules::default();
        assert!(at(&spread(&sents, Some(3), &rules, |_| 0.0, zipf)).is_empty());
        assert_eq!(at(&spread(&sents, Some(6), &rules, |_| 0.0, zipf)).len(), 1);
        assert_eq!(at(&spread(&sents, None, &rules, |_| 0.0, zipf)).len(), 1);
    }

    #[test]
    fn unsure_mentions_do_not_spread() {
        let mut s = tagged(&["فرويد"], &[1]);
        s.confidence = vec![0.5];
        let sents = [s, tagged(&["فرويد"], &[0])];
        assert!(at(&spread(&sents, None, &Rules::default(), |_| 0.0, zipf)).is_empty());
    }
}
