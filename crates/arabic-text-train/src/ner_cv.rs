//! Cross-validation for `train-ner`: contiguous K-fold blocks (with
//! NewsFANE's repeats of a held-out block kept out of its training part), the
//! folds run in parallel, and the character network's weight chosen on the
//! pooled held-out predictions.

use super::ner_score::{BIAS_STEPS, Scores, score_by};
use arabic_text_core::entities::charnet;
use arabic_text_core::entities::fold::fold;
use arabic_text_core::entities::tagger::{self, L, Model, Sample};

/// Letters per character n-gram of [`text_grams`].
pub(crate) const GRAM: usize = 12;
/// An extra sentence sharing at least this share of its [`text_grams`] with
/// a text counts as that text (NewsFANE re-annotates ANERcorp text).
pub(crate) const SHARED_MAX: f64 = 0.2;

/// The folded letters and digits of a sentence, run together.
pub(crate) fn letters(s: &Sample) -> Vec<char> {
    s.tokens
        .iter()
        .flat_map(|t| fold(t).chars().collect::<Vec<_>>())
        .filter(|c| c.is_alphanumeric())
        .collect()
}

pub(crate) fn gram_hash(w: &[char]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    w.hash(&mut h);
    h.finish()
}

/// The hashed [`GRAM`]-letter windows of `samples`' running text.
pub(crate) fn text_grams(samples: &[Sample]) -> std::collections::HashSet<u64> {
    let all: Vec<char> = samples.iter().flat_map(letters).collect();
    all.windows(GRAM).map(gram_hash).collect()
}

/// The share of `s`'s letter windows found in `grams`.
pub(crate) fn shared(s: &Sample, grams: &std::collections::HashSet<u64>) -> f64 {
    let l = letters(s);
    let w: Vec<u64> = l.windows(GRAM).map(gram_hash).collect();
    if w.is_empty() {
        return 0.0;
    }
    w.iter().filter(|h| grams.contains(h)).count() as f64 / w.len() as f64
}

/// The contiguous blocks of a K-fold split: (held-out block, the rest and
/// those `extra` sentences that do not repeat the held-out block's text).
/// Cross-validation parts with the held-out blocks at `bounds` of `samples`
/// (each block one fold), `extra` added to every training part.
pub(crate) fn folds_at<'a>(
    samples: &'a [Sample],
    bounds: &[(usize, usize)],
    extra: &[Sample],
) -> Vec<(&'a [Sample], Vec<Sample>)> {
    bounds
        .iter()
        .map(|&(lo, hi)| {
            let rest = samples[..lo]
                .iter()
                .chain(&samples[hi..])
                .chain(extra)
                .cloned()
                .collect();
            (&samples[lo..hi], rest)
        })
        .collect()
}

/// Runs `job(held-out block, rest)` for every fold, the folds in parallel
/// threads; the results in fold order.
pub(crate) fn per_fold<T: Send>(
    parts: &[(&[Sample], Vec<Sample>)],
    job: impl Fn(&[Sample], &[Sample]) -> T + Sync,
) -> anyhow::Result<Vec<T>> {
    let job = &job;
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .map(|(held, rest)| scope.spawn(move || job(held, rest)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a cross-validation fold failed"))
            })
            .collect()
    })
}

/// Adds `s`'s counts to `acc`.
pub(crate) fn pool(acc: &mut Scores, s: &Scores) {
    for (a, c) in acc.counts.iter_mut().zip(s.counts) {
        a.0 += c.0;
        a.1 += c.1;
        a.2 += c.2;
    }
}

/// Mean absolute emission of `model` on `samples`: the unit of the O bias,
/// because the scale of perceptron scores grows with the epochs.
pub(crate) fn emission_unit(model: &Model, samples: &[Sample]) -> f32 {
    let (mut sum, mut n) = (0f64, 0usize);
    for s in samples {
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        for e in model.emissions(&toks) {
            sum += e.iter().map(|x| f64::from(x.abs())).sum::<f64>() / e.len() as f64;
            n += 1;
        }
    }
    (sum / n.max(1) as f64) as f32
}

/// Weights of the character network's logits, in units of
/// [`emission_unit`].
pub(crate) const NET_WEIGHTS: [f32; 9] = [0.0, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3];

/// Prints the pooled held-out F1 of the network alone and of the perceptron
/// with the network's logits added, over a grid of weights × O biases, and
/// returns the best (weight, O bias), in units of [`emission_unit`].
pub(crate) fn cv_charnet(
    models: &mut [Model],
    nets: &[charnet::CharNet],
    parts: &[(&[Sample], Vec<Sample>)],
    units: &[f32],
) -> (f32, f32) {
    let zero = [[0f32; L]; L];
    let mut alone = Scores::default();
    for (net, (held, _)) in nets.iter().zip(parts) {
        pool(
            &mut alone,
            &score_by(held, |toks| {
                tagger::viterbi(&net.logits(toks), &zero, &[0.0; L])
            }),
        );
    }
    let (p, r, f) = alone.prf(0);
    eprintln!("character network alone: cv micro F1 {f:.2} (P {p:.2} R {r:.2})");
    // Emissions (no bias) and logits of every held-out sentence.
    type Scored = (Vec<[f32; L]>, Vec<[f32; L]>);
    let cache: Vec<Vec<Scored>> = models
        .iter_mut()
        .zip(nets)
        .zip(parts)
        .map(|((m, net), (held, _))| {
            m.set_o_bias(0.0);
            held.iter()
                .map(|s| {
                    let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
                    (m.emissions(&toks), net.logits(&toks))
                })
                .collect()
        })
        .collect();
    let mut best = (0f32, 0f32, f64::MIN);
    for a in NET_WEIGHTS {
        let mut line = format!("net weight {a:.2}:");
        for rel in BIAS_STEPS {
            let mut acc = Scores::default();
            for (((m, (held, _)), c), unit) in models.iter().zip(parts).zip(&cache).zip(units) {
                let mut i = 0;
                pool(
                    &mut acc,
                    &score_by(held, |toks| {
                        let (em, lg) = &c[i];
                        i += 1;
                        let em: Vec<[f32; L]> = em
                            .iter()
                            .zip(lg)
                            .map(|(e, g)| {
                                let mut x = *e;
                                for l in 0..L {
                                    x[l] += a * unit * g[l];
                                }
                                x[0] -= rel * unit;
                                x
                            })
                            .collect();
                        let mut labels = m.viterbi(&em);
                        tagger::attach_name_heads(toks, &mut labels);
                        labels
                    }),
                );
            }
            let f = acc.prf(0).2;
            line.push_str(&format!(" {f:.2}"));
            // The smaller weight and bias unless clearly better.
            if f > best.2 + 0.05 {
                best = (a, rel, f);
            }
        }
        eprintln!("{line}   (O bias {BIAS_STEPS:?})");
    }
    eprintln!(
        "best: net weight {:.2}, O bias {:.2}: cv micro F1 {:.2}",
        best.0, best.1, best.2
    );
    (best.0, best.1)
}
