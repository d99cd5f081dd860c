//! Document-level evidence, a pass after the tagger has decoded every
//! sentence: a news article names a person in full once (ألبرت أينشتاين)
//! and by the surname after (أينشتاين), and repeats a rare name the tagger
//! recognised in one sentence but not in another. Two rules add one-word
//! mentions where the tagger left a word outside every mention:
//!
//! - the last word of a multi-word PERSON mention, when it is not a common
//!   word, is a PERSON wherever else it stands alone;
//! - a one-word mention the tagger was confident of, when it is not a common
//!   word, gives its type to the word's other occurrences.
//!
//! Words match by their folded, proclitic-free core (لفرويد is فرويد). The
//! thresholds were chosen by `train-ner --cv-only`, which prints the pooled
//! held-out F1 over a grid of them; the test part played no part.

use super::fold::proclitic_len;
use super::knowledge::FxMap;
use super::tagger::chunks;

/// The thresholds of the two rules.
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

/// A mention the document pass adds: one token, labelled B-`kind`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Added {
    /// Sentence index.
    pub sentence: usize,
    /// Token index in the sentence.
    pub token: usize,
    /// Entity type 1..=4 (PERS, LOC, ORG, MISC).
    pub kind: u8,
    /// The confidence of the mention whose evidence added it.
    pub confidence: f32,
}

/// Evidence one sentence gives: (core, type, confidence), surnames first.
type Evidence = (String, u8, f32);

/// The folded core of folded word `f`: its proclitics off, as mention spans
/// are trimmed (`known` scores folded forms, as [`proclitic_len`] wants).
fn core<'a>(f: &'a str, known: &impl Fn(&str) -> f32) -> &'a str {
    f.get(proclitic_len(f, known)..).unwrap_or(f)
}

/// The mentions the rules add to `sents`, in sentence and token order.
/// `window`: sentences either side that form a sentence's document (`None`:
/// all of `sents`). `rules`: the thresholds. `known` scores folded forms for clitic stripping;
/// `zipf` gives a folded form's wordfreq Zipf frequency.
pub fn spread(
    sents: &[Tagged],
    window: Option<usize>,
    rules: &Rules,
    known: impl Fn(&str) -> f32,
    zipf: impl Fn(&str) -> f32,
) -> Vec<Added> {
    let evidence: Vec<(Vec<Evidence>, Vec<Evidence>)> = sents
        .iter()
        .map(|s| {
            let (mut surnames, mut singles) = (Vec::new(), Vec::new());
            for (b, e, t) in chunks(&s.labels) {
                let conf = (b..e)
                    .filter_map(|i| s.confidence.get(i))
                    .fold(1.0f32, |a, &c| a.min(c));
                if t == 1 && e - b >= 2 {
                    let Some(last) = s.folded.get(e - 1) else {
                        continue;
                    };
                    let c = core(last, &known);
                    if zipf(c) < rules.surname_max_zipf {
                        surnames.push((c.to_string(), 1, conf));
                    }
                } else if e - b == 1 && conf >= rules.single_min_confidence {
                    let Some(word) = s.folded.get(b) else {
                        continue;
                    };
                    let c = core(word, &known);
                    if zipf(c) < rules.single_max_zipf {
                        singles.push((c.to_string(), t, conf));
                    }
                }
            }
            (surnames, singles)
        })
        .collect();
    if evidence.iter().all(|(a, b)| a.is_empty() && b.is_empty()) {
        return Vec::new();
    }
    // Per core: the sentences that vouch for it as a surname, then as a
    // one-word mention, each in sentence order: (sentence, type, confidence).
    type Votes = Vec<(usize, u8, f32)>;
    let mut names: FxMap<&str, (Votes, Votes)> = FxMap::default();
    for (i, (surnames, singles)) in evidence.iter().enumerate() {
        for (core, t, c) in surnames {
            names.entry(core.as_str()).or_default().0.push((i, *t, *c));
        }
        for (core, t, c) in singles {
            names.entry(core.as_str()).or_default().1.push((i, *t, *c));
        }
    }
    let mut out = Vec::new();
    for (i, s) in sents.iter().enumerate() {
        let near = |&&(j, _, _): &&(usize, u8, f32)| window.is_none_or(|k| j.abs_diff(i) <= k);
        for (j, (&f, &l)) in s.folded.iter().zip(&s.labels).enumerate() {
            if l != 0 {
                continue;
            }
            // Cheap test first: the word, or the word less one to three
            // leading letters (the proclitics), is a name.
            let maybe = f
                .char_indices()
                .map(|(o, _)| o)
                .take(4)
                .any(|o| f.get(o..).is_some_and(|rest| names.contains_key(rest)));
            if !maybe {
                continue;
            }
            let c = core(f, &known);
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
                out.push(Added {
                    sentence: i,
                    token: j,
                    kind,
                    confidence,
                });
            }
        }
    }
    out
}

/// `labels` with the added mentions of sentence `i` set (B-type).
pub fn apply(labels: &mut [u8], added: &[Added], i: usize) {
    for a in added.iter().filter(|a| a.sentence == i) {
        if let Some(l) = labels.get_mut(a.token) {
            *l = 2 * a.kind - 1;
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
        let at: Vec<(usize, usize, u8)> = added
            .iter()
            .map(|a| (a.sentence, a.token, a.kind))
            .collect();
        assert_eq!(at, vec![(1, 1, 1), (2, 1, 1)]);
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
        let at: Vec<(usize, usize, u8)> = added
            .iter()
            .map(|a| (a.sentence, a.token, a.kind))
            .collect();
        // علي is common; بغداد (LOC, confident) spreads to the O word only.
        assert_eq!(at, vec![(2, 1, 2)]);
    }

    #[test]
    fn a_window_limits_the_document() {
        let mut sents = vec![tagged(&["فرويد"], &[1])];
        sents.extend((0..5).map(|_| tagged(&["قال"], &[0])));
        sents.push(tagged(&["فرويد"], &[0]));
        assert!(spread(&sents, Some(3), &Rules::default(), |_| 0.0, zipf).is_empty());
        assert_eq!(
            spread(&sents, Some(6), &Rules::default(), |_| 0.0, zipf).len(),
            1
        );
        assert_eq!(
            spread(&sents, None, &Rules::default(), |_| 0.0, zipf).len(),
            1
        );
    }

    #[test]
    fn unsure_mentions_do_not_spread() {
        let mut s = tagged(&["فرويد"], &[1]);
        s.confidence = vec![0.5];
        let sents = [s, tagged(&["فرويد"], &[0])];
        assert!(spread(&sents, None, &Rules::default(), |_| 0.0, zipf).is_empty());
    }
}
