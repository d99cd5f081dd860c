//! Scores of a tagger on labelled sentences (conlleval semantics), shared by
//! training, its cross-validation and the evaluations.

use arabic_text_core::entities::document::{self, Rules};
use arabic_text_core::entities::fold::fold;
use arabic_text_core::entities::orgs::{OrgPhrases, org_phrases};
use arabic_text_core::entities::tagger::{self, Model, Sample, chunks};
use arabic_text_core::entities::units;

/// O-bias grid, in units of `ner_cv::emission_unit`.
pub(crate) const BIAS_STEPS: [f32; 9] = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

#[derive(Debug, Default, Clone, Copy)]
pub struct Scores {
    /// True positives, predicted, gold.
    pub counts: [(usize, usize, usize); 5],
}

impl Scores {
    /// Precision, recall, F1 (percent) of a type index (0 = all).
    pub fn prf(&self, t: usize) -> (f64, f64, f64) {
        let (tp, pred, gold) = self.counts[t];
        let p = if pred == 0 {
            0.0
        } else {
            100.0 * tp as f64 / pred as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            100.0 * tp as f64 / gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

/// Scores `model` on `samples` (conlleval semantics).
pub fn score(model: &Model, samples: &[Sample]) -> Scores {
    score_by(samples, |toks| model.tag(toks))
}

/// Scores the labels `tag` gives each sample's tokens.
pub(crate) fn score_by(samples: &[Sample], mut tag: impl FnMut(&[&str]) -> Vec<u8>) -> Scores {
    let preds: Vec<Vec<u8>> = samples
        .iter()
        .map(|sample| {
            let toks: Vec<&str> = sample.tokens.iter().map(String::as_str).collect();
            tag(&toks)
        })
        .collect();
    score_labels(samples, &preds)
}

/// One decoded sentence ([`Model::decode`]) and its folded forms.
pub(crate) struct Decoded {
    sentence: tagger::Decoded,
    folded: Vec<String>,
}

/// Decodes every sentence of `samples` as the service does a request's.
pub(crate) fn decode(model: &Model, samples: &[Sample]) -> Vec<Decoded> {
    samples
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            Decoded {
                sentence: model.decode(&toks),
                folded: toks.iter().map(|t| fold(t)).collect(),
            }
        })
        .collect()
}

/// The labels of decoded running text after the document pass (`rules`;
/// `None`: none), each sentence's document being the
/// [`document::EVAL_WINDOW`] sentences either side.
pub(crate) fn with_document_pass(
    model: &Model,
    dec: &[Decoded],
    rules: Option<&Rules>,
) -> Vec<Vec<u8>> {
    with_document_window(
        model,
        dec,
        rules,
        document::EVAL_WINDOW,
        OrgPhrases::default(),
    )
}

/// [`with_document_pass`] with `window` sentences either side as each
/// sentence's document (0: every sentence is its own document, as a
/// one-sentence request), then the trigger-led organisation rule `orgs`
/// (as the service, after the document pass; not without `rules`).
pub(crate) fn with_document_window(
    model: &Model,
    dec: &[Decoded],
    rules: Option<&Rules>,
    window: usize,
    orgs: OrgPhrases,
) -> Vec<Vec<u8>> {
    let Some(rules) = rules else {
        return dec.iter().map(|d| d.sentence.labels.clone()).collect();
    };
    let tagged: Vec<document::Tagged> = dec
        .iter()
        .map(|d| document::Tagged {
            folded: d.folded.iter().map(String::as_str).collect(),
            labels: d.sentence.labels.clone(),
            confidence: d.sentence.confidence.clone(),
        })
        .collect();
    let added = units::document_pass(model, &tagged, Some(window), rules);
    tagged
        .into_iter()
        .zip(&added)
        .map(|(mut t, added)| {
            document::apply(&mut t.labels, added);
            org_phrases(&t.folded, &mut t.labels, orgs);
            t.labels
        })
        .collect()
}

/// Scores `model` on running text `samples` as the service tags a document:
/// every sentence, then the document pass.
pub fn score_running(model: &Model, samples: &[Sample]) -> Scores {
    score_windowed(model, samples, document::EVAL_WINDOW)
}

/// [`score_running`] with `window` sentences either side as each sentence's
/// document (0: sentence by sentence, each its own request).
pub fn score_windowed(model: &Model, samples: &[Sample], window: usize) -> Scores {
    score_windowed_mapped(model, samples, window, |_, labels| labels)
}

/// [`score_windowed`] with each sentence's predicted labels passed through
/// `map` before scoring (for example [`crate::harmonise::to_anercorp`], to
/// score the project's convention against ANERcorp's marking).
pub fn score_windowed_mapped(
    model: &Model,
    samples: &[Sample],
    window: usize,
    map: impl Fn(&Sample, Vec<u8>) -> Vec<u8>,
) -> Scores {
    let dec = decode(model, samples);
    let preds: Vec<Vec<u8>> = with_document_window(
        model,
        &dec,
        Some(&Rules::default()),
        window,
        OrgPhrases::default(),
    )
    .into_iter()
    .zip(samples)
    .map(|(labels, sample)| map(sample, labels))
    .collect();
    score_labels(samples, &preds)
}

/// Scores predicted labels against the samples' gold ones.
pub(crate) fn score_labels(samples: &[Sample], preds: &[Vec<u8>]) -> Scores {
    let mut s = Scores::default();
    for (sample, pred) in samples.iter().zip(preds) {
        let pred = chunks(pred);
        let gold = chunks(&sample.labels);
        for &(_, _, t) in &pred {
            s.counts[0].1 += 1;
            s.counts[t as usize].1 += 1;
        }
        for &(_, _, t) in &gold {
            s.counts[0].2 += 1;
            s.counts[t as usize].2 += 1;
        }
        for c in &pred {
            if gold.contains(c) {
                s.counts[0].0 += 1;
                s.counts[c.2 as usize].0 += 1;
            }
        }
    }
    s
}

pub(crate) fn print_scores(name: &str, s: &Scores) {
    let tokens_line = |t: usize, label: &str| {
        let (p, r, f) = s.prf(t);
        let (tp, pred, gold) = s.counts[t];
        println!(
            "{label:>6}: precision {p:6.2}  recall {r:6.2}  F1 {f:6.2}  (gold {gold}, predicted {pred}, correct {tp})"
        );
    };
    println!("{name}");
    tokens_line(0, "all");
    for (t, label) in ["PERS", "LOC", "ORG", "MISC"].iter().enumerate() {
        tokens_line(t + 1, label);
    }
    println!("micro F1 {:.1}", s.prf(0).2);
}
