//! Training: the averaged structured perceptron (loss-augmented, with a
//! jackknifed train gazetteer) and the gazetteer of train-split entities.
//!
//! The averaging trick: besides the current weights `w`, the trainer keeps
//! `u`, the sum of every update times the step `c` it was made at, so the
//! average of the weights over all steps is `w - u / c` without summing
//! them at every step.

// Dense numeric kernels over the 9 labels read best with index loops.
#![allow(clippy::needless_range_loop)]

use rustc_hash::FxHashMap as FxMap;

use super::model::Model;
use super::perceptron::Perceptron;
use super::settings::Settings;
use crate::entities::features::{
    DEFAULT_CLUSTER_FEATURES, PART, TrainGazetteer, sentence_features,
};
use crate::entities::fold::{fold, stem_with_article};
use crate::entities::labels::{L, Sample, chunks, viterbi};
use crate::entities::rng::SplitMix;

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the shuffling RNG.
    pub seed: u64,
    /// Folds of the jackknifed train gazetteer (each sentence sees the
    /// entities of the other folds only, as test sentences would).
    pub folds: usize,
    /// Loss-augmented training: wrong labels get this bonus while decoding,
    /// so the perceptron keeps updating until gold wins by a margin (0 = the
    /// plain perceptron).
    pub margin: f32,
    /// Multiplier of the margin for labelling an entity token O, because a
    /// missed name costs more than a mistyped one in recall.
    pub miss_cost: f32,
    /// The word-cluster templates of the features
    /// ([`DEFAULT_CLUSTER_FEATURES`]; recorded in the model).
    pub clusters: u8,
}

impl TrainConfig {
    /// The settings of a model trained with this configuration (the rest
    /// is recorded by whoever chooses it: `train-ner`).
    pub fn settings(&self) -> Settings {
        Settings {
            epochs: self.epochs,
            seed: self.seed,
            folds: self.folds,
            margin: self.margin,
            miss_cost: self.miss_cost,
            ..Settings::current(self.clusters)
        }
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 12,
            seed: 0x5eed,
            folds: 10,
            margin: 8.0,
            miss_cost: 2.0,
            clusters: DEFAULT_CLUSTER_FEATURES,
        }
    }
}

/// Collects the entity phrases (folded clitic-free stems joined by spaces)
/// of the samples with their most frequent type.
pub fn build_gazetteer<'a>(samples: impl Iterator<Item = &'a Sample>) -> TrainGazetteer {
    let mut counts: FxMap<String, [u32; 5]> = FxMap::default();
    for s in samples {
        for (b, e, t) in chunks(&s.labels) {
            let phrase: Vec<String> = s.tokens[b..e]
                .iter()
                .map(|w| stem_with_article(&fold(w)))
                .collect();
            for w in &phrase {
                counts.entry(format!("{PART}{w}")).or_default()[t as usize] += 1;
            }
            counts.entry(phrase.join(" ")).or_default()[t as usize] += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(p, c)| {
            let (t, _) = c
                .iter()
                .enumerate()
                .skip(1)
                .max_by_key(|(i, n)| (**n, 5 - *i))?;
            (p.trim_start_matches(PART).chars().count() >= 2).then_some((p, t as u8))
        })
        .collect()
}

/// The perceptron being trained (see the module doc for the averaging).
struct Trainer {
    /// Feature hash → row.
    ids: FxMap<u64, u32>,
    /// Current weights, `L` per row.
    weights: Vec<f32>,
    /// Sum of each weight's updates times the step they were made at.
    weighted_sums: Vec<f32>,
    /// Current transition scores prev×cur.
    trans: [[f32; L]; L],
    /// Step-weighted sums of the transition updates.
    trans_sums: [[f32; L]; L],
    /// Current start scores.
    start: [f32; L],
    /// Step-weighted sums of the start updates.
    start_sums: [f32; L],
    /// The step: 1 + sentences seen so far.
    step: f32,
}

impl Trainer {
    /// The model of the averaged weights, trained with `cfg`.
    fn averaged(&self, gazetteer: TrainGazetteer, cfg: &TrainConfig) -> Model {
        let mut feats = Vec::with_capacity(self.ids.len());
        for (&k, &id) in &self.ids {
            let r = id as usize * L;
            let mut w = [0f32; L];
            for l in 0..L {
                w[l] = self.weights[r + l] - self.weighted_sums[r + l] / self.step;
            }
            feats.push((k, w));
        }
        feats.sort_unstable_by_key(|(k, _)| *k);
        let mut trans = [[0f32; L]; L];
        let mut start = [0f32; L];
        for i in 0..L {
            for j in 0..L {
                trans[i][j] = self.trans[i][j] - self.trans_sums[i][j] / self.step;
            }
            start[i] = self.start[i] - self.start_sums[i] / self.step;
        }
        let p = Perceptron::build(feats, gazetteer, cfg.clusters);
        Model::new(p, trans, start, 1.0, cfg.settings())
    }
}

/// Trains an averaged perceptron. `on_epoch` sees the averaged model after
/// each epoch (for dev scoring); the final model carries the gazetteer of all
/// `samples`.
pub fn train(
    samples: &[Sample],
    cfg: &TrainConfig,
    mut on_epoch: impl FnMut(usize, &Model),
) -> Model {
    let folds = cfg.folds.max(1);
    // Jackknifed gazetteers: fold f's sentences see the other folds' entities.
    let fold_gaz: Vec<TrainGazetteer> = (0..folds)
        .map(|f| {
            if folds == 1 {
                build_gazetteer(samples.iter())
            } else {
                build_gazetteer(
                    samples
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % folds != f)
                        .map(|(_, s)| s),
                )
            }
        })
        .collect();
    let mut t = Trainer {
        ids: FxMap::default(),
        weights: Vec::new(),
        weighted_sums: Vec::new(),
        trans: [[0.0; L]; L],
        trans_sums: [[0.0; L]; L],
        start: [0.0; L],
        start_sums: [0.0; L],
        step: 1.0,
    };
    // Precompute feature ids per sentence.
    let mut data: Vec<(Vec<u32>, Vec<usize>)> = Vec::with_capacity(samples.len());
    let mut feats = Vec::new();
    let mut ends = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        feats.clear();
        ends.clear();
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        let gaz = &fold_gaz[i % folds];
        sentence_features(&toks, gaz, cfg.clusters, &mut feats, &mut ends);
        let ids: Vec<u32> = feats
            .iter()
            .map(|f| {
                let n = t.ids.len() as u32;
                *t.ids.entry(*f).or_insert(n)
            })
            .collect();
        data.push((ids, ends.clone()));
    }
    t.weights = vec![0.0; t.ids.len() * L];
    t.weighted_sums = vec![0.0; t.ids.len() * L];
    let full_gaz = build_gazetteer(samples.iter());
    let mut order: Vec<usize> = (0..samples.len()).collect();
    let mut rng = SplitMix(cfg.seed);
    let (margin, miss) = (cfg.margin, cfg.miss_cost);
    for epoch in 1..=cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &si in &order {
            let (ids, ends) = &data[si];
            let gold = &samples[si].labels;
            let mut em = Vec::with_capacity(ends.len());
            let mut b = 0;
            for &e in ends {
                let mut acc = [0f32; L];
                for &f in &ids[b..e] {
                    let r = f as usize * L;
                    for l in 0..L {
                        acc[l] += t.weights[r + l];
                    }
                }
                em.push(acc);
                b = e;
            }
            // Loss-augmented decoding: every wrong label gets a bonus, so
            // updates continue until gold wins by a margin.
            if margin > 0.0 {
                for (e, &g) in em.iter_mut().zip(gold) {
                    for (l, x) in e.iter_mut().enumerate() {
                        if l != g as usize {
                            *x += if g != 0 && l == 0 {
                                margin * miss
                            } else {
                                margin
                            };
                        }
                    }
                }
            }
            let pred = viterbi(&em, &t.trans, &t.start);
            if pred != *gold {
                let c = t.step;
                let mut b = 0;
                for (k, &e) in ends.iter().enumerate() {
                    let (g, p) = (gold[k] as usize, pred[k] as usize);
                    if g != p {
                        for &f in &ids[b..e] {
                            let r = f as usize * L;
                            t.weights[r + g] += 1.0;
                            t.weighted_sums[r + g] += c;
                            t.weights[r + p] -= 1.0;
                            t.weighted_sums[r + p] -= c;
                        }
                    }
                    let (gp, pp) = if k == 0 {
                        (None, None)
                    } else {
                        (Some(gold[k - 1] as usize), Some(pred[k - 1] as usize))
                    };
                    if gp != pp || g != p {
                        match gp {
                            None => {
                                t.start[g] += 1.0;
                                t.start_sums[g] += c;
                            }
                            Some(i) => {
                                t.trans[i][g] += 1.0;
                                t.trans_sums[i][g] += c;
                            }
                        }
                        match pp {
                            None => {
                                t.start[p] -= 1.0;
                                t.start_sums[p] -= c;
                            }
                            Some(i) => {
                                t.trans[i][p] -= 1.0;
                                t.trans_sums[i][p] -= c;
                            }
                        }
                    }
                    b = e;
                }
            }
            t.step += 1.0;
        }
        if epoch < cfg.epochs {
            on_epoch(epoch, &t.averaged(full_gaz.clone(), cfg));
        }
    }
    let model = t.averaged(full_gaz, cfg);
    on_epoch(cfg.epochs, &model);
    model
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::entities::labels::label_index;
    use super::*;

    fn sample(s: &str) -> Sample {
        let (mut tokens, mut labels) = (Vec::new(), Vec::new());
        for wt in s.split(' ') {
            let (w, t) = wt.split_once('/').unwrap_or((wt, "O"));
            tokens.push(w.to_string());
            labels.push(label_index(t));
        }
        Sample { tokens, labels }
    }

    #[test]
    fn a_model_trained_on_toy_data_tags_it_and_survives_serialization() {
        let data: Vec<Sample> = [
            "قال/O الرئيس/O جورج/B-PERS بوش/I-PERS في/O واشنطن/B-LOC",
            "زار/O محمد/B-PERS علي/I-PERS مدينة/O القاهرة/B-LOC أمس/O",
            "أعلنت/O وزارة/B-ORG الخارجية/I-ORG في/O باريس/B-LOC",
            "وصل/O جورج/B-PERS إلى/O القاهرة/B-LOC",
        ]
        .iter()
        .map(|s| sample(s))
        .collect();
        let cfg = TrainConfig {
            epochs: 10,
            seed: 1,
            folds: 1,
            clusters: 2,
            ..TrainConfig::default()
        };
        let model = train(&data, &cfg, |_, _| {});
        for s in &data {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            assert_eq!(model.tag(&toks), s.labels, "{:?}", s.tokens);
        }
        let mut biased = model.clone();
        biased.set_o_bias(0.25);
        let again = Model::from_bytes("toy", &biased.to_bytes().expect("bytes")).expect("roundtrip");
        assert_eq!(again.o_bias(), 0.25);
        assert!(again.charnet().is_none());
        assert_eq!(again.settings, cfg.settings());
        // With a character network: its weighted logits join the emissions
        // and survive serialization.
        let net_cfg = crate::entities::charnet::NetConfig {
            dim: 8,
            hidden: 8,
            bits: 10,
            epochs: 5,
            ..Default::default()
        };
        let mut with_net = biased.clone();
        let net = crate::entities::charnet::train(&data, &net_cfg);
        with_net.set_charnet(Arc::new(net), 0.5);
        assert_eq!(with_net.scorer_names(), ["perceptron", "charnet", "O bias"]);
        // The ablation keeps the O bias.
        assert_eq!(with_net.first(1).scorer_names(), ["perceptron", "O bias"]);
        let toks: Vec<&str> = data[1].tokens.iter().map(String::as_str).collect();
        assert_ne!(with_net.emissions(&toks), biased.emissions(&toks));
        let read = Model::from_bytes("toy+net", &with_net.to_bytes().expect("bytes")).expect("roundtrip");
        assert_eq!(read.charnet().map(|n| n.weight), Some(0.5));
        assert_eq!(read.emissions(&toks), with_net.emissions(&toks));
        let toks: Vec<&str> = data[0].tokens.iter().map(String::as_str).collect();
        assert_eq!(again.tag(&toks), data[0].labels);
        let m = again.marginals(&again.emissions(&toks));
        assert!(m.iter().all(|p| (p.iter().sum::<f32>() - 1.0).abs() < 1e-3));
        // Same data, same seed: same bytes.
        assert_eq!(
            train(&data, &cfg, |_, _| {}).to_bytes().expect("bytes"),
            model.to_bytes().expect("bytes")
        );
    }
}
