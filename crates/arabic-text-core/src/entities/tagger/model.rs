//! The tagger [`Model`]: an ordered list of scorers ([`Scorer`]) whose
//! summed emissions are decoded with the transition scores, and its
//! decoding: Viterbi, marginals and the name-head rule.

// Dense numeric kernels over the 9 labels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use super::perceptron::Perceptron;
use super::scorer::{NetScorer, OBias, ORDER, Scorer};
use super::settings::Settings;
use crate::entities::charnet::CharNet;
use crate::entities::encoder::Encoder;
use crate::entities::features::TrainGazetteer;
use crate::entities::labels::{L, allowed, chunks, viterbi};

/// A trained model ready for tagging.
#[derive(Debug, Clone)]
pub struct Model {
    /// The scorers whose label scores are summed into the emissions, in
    /// [`ORDER`]: the perceptron, the character network, the O bias, the
    /// context encoder (each may be left out). Shared: clones are cheap.
    scorers: Vec<Arc<dyn Scorer>>,
    /// Transition scores prev×cur.
    pub(super) trans: [[f32; L]; L],
    /// Start scores.
    pub(super) start: [f32; L],
    /// Softmax temperature for confidences (fit on the dev part).
    pub temperature: f32,
    /// Every setting it was trained with (its file's settings block).
    pub settings: Settings,
}

impl Model {
    /// A model of `perceptron` and a zero O bias.
    pub(super) fn new(
        perceptron: Perceptron,
        trans: [[f32; L]; L],
        start: [f32; L],
        temperature: f32,
        settings: Settings,
    ) -> Model {
        Model {
            scorers: vec![Arc::new(perceptron), Arc::new(OBias(0.0))],
            trans,
            start,
            temperature,
            settings,
        }
    }

    /// The scorers, in the order their scores are summed.
    pub fn scorers(&self) -> &[Arc<dyn Scorer>] {
        &self.scorers
    }

    /// Adds `scorer`, or replaces the one of its name, at its place in
    /// [`ORDER`].
    pub fn put(&mut self, scorer: Arc<dyn Scorer>) {
        let rank = |name: &str| ORDER.iter().position(|&n| n == name);
        let name = scorer.name();
        if let Some(s) = self.scorers.iter_mut().find(|s| s.name() == name) {
            *s = scorer;
            return;
        }
        let at = self
            .scorers
            .iter()
            .position(|s| rank(s.name()) > rank(name))
            .unwrap_or(self.scorers.len());
        self.scorers.insert(at, scorer);
    }

    /// Leaves out the scorer named `name` (an ablation).
    pub fn remove(&mut self, name: &str) {
        self.scorers.retain(|s| s.name() != name);
    }

    /// The model with its first `k` scorers that are not constant, and the
    /// constant ones (the O bias) among and after them: the ablation rows
    /// (1 the perceptron alone, 2 with the character network, 3 with the
    /// encoder).
    pub fn first(&self, k: usize) -> Model {
        let mut kept = 0;
        let mut m = self.clone();
        m.scorers.retain(|s| {
            if s.is_constant() {
                return true;
            }
            kept += 1;
            kept <= k
        });
        m
    }

    /// The scorer of type `T`, if the model has one.
    pub fn find<T: 'static>(&self) -> Option<&T> {
        self.scorers.iter().find_map(|s| s.as_any().downcast_ref())
    }

    /// The perceptron, if the model has one.
    pub fn perceptron(&self) -> Option<&Perceptron> {
        self.find()
    }

    /// Number of stored feature rows of the perceptron.
    pub fn num_features(&self) -> usize {
        self.perceptron().map_or(0, Perceptron::num_features)
    }

    /// The train gazetteer of the perceptron (empty without one).
    pub fn gazetteer(&self) -> &TrainGazetteer {
        match self.perceptron() {
            Some(p) => p.gazetteer(),
            None => Perceptron::no_gazetteer(),
        }
    }

    /// The O bias (0 without one).
    pub fn o_bias(&self) -> f32 {
        self.find::<OBias>().map_or(0.0, |b| b.0)
    }

    /// Sets the O bias.
    pub fn set_o_bias(&mut self, bias: f32) {
        self.put(Arc::new(OBias(bias)));
    }

    /// The character network and its weight, if the model has one.
    pub fn charnet(&self) -> Option<&NetScorer> {
        self.find()
    }

    /// Adds or replaces the character network, its logits times `weight`.
    pub fn set_charnet(&mut self, net: Arc<CharNet>, weight: f32) {
        self.put(Arc::new(NetScorer { net, weight }));
    }

    /// The context encoder, if the model has one.
    pub fn encoder(&self) -> Option<&Encoder> {
        self.find()
    }

    /// Adds or replaces the context encoder.
    pub fn set_encoder(&mut self, encoder: Arc<Encoder>) {
        self.put(encoder);
    }

    /// The names of the scorers, in order (for reports).
    pub fn scorer_names(&self) -> Vec<&'static str> {
        self.scorers.iter().map(|s| s.name()).collect()
    }

    /// The best label sequence for the emissions.
    pub fn viterbi(&self, em: &[[f32; L]]) -> Vec<u8> {
        viterbi(em, &self.trans, &self.start)
    }

    /// Per-token posterior probability of each label under a linear-chain
    /// model whose log-potentials are the perceptron scores / temperature
    /// (scaled forward-backward).
    pub fn marginals(&self, em: &[[f32; L]]) -> Vec<[f32; L]> {
        let n = em.len();
        if n == 0 {
            return Vec::new();
        }
        let t = self.temperature.max(1e-3);
        let mut tr = [[0f32; L]; L];
        for (i, row) in tr.iter_mut().enumerate() {
            for (j, x) in row.iter_mut().enumerate() {
                *x = if allowed(Some(i), j) {
                    (self.trans[i][j] / t).clamp(-60.0, 60.0).exp()
                } else {
                    0.0
                };
            }
        }
        let pot: Vec<[f32; L]> = em
            .iter()
            .map(|e| {
                let m = e.iter().fold(f32::MIN, |a, &b| a.max(b));
                e.map(|x| ((x - m) / t).max(-60.0).exp())
            })
            .collect();
        let mut alpha = vec![[0f32; L]; n];
        for j in 0..L {
            alpha[0][j] = if allowed(None, j) {
                pot[0][j] * (self.start[j] / t).clamp(-60.0, 60.0).exp()
            } else {
                0.0
            };
        }
        normalize(&mut alpha[0]);
        for k in 1..n {
            for j in 0..L {
                let s: f32 = (0..L).map(|i| alpha[k - 1][i] * tr[i][j]).sum();
                alpha[k][j] = s * pot[k][j];
            }
            normalize(&mut alpha[k]);
        }
        let mut beta = vec![[1f32; L]; n];
        for k in (0..n - 1).rev() {
            for i in 0..L {
                beta[k][i] = (0..L)
                    .map(|j| tr[i][j] * pot[k + 1][j] * beta[k + 1][j])
                    .sum();
            }
            normalize(&mut beta[k]);
        }
        (0..n)
            .map(|k| {
                let mut m = [0f32; L];
                for j in 0..L {
                    m[j] = alpha[k][j] * beta[k][j];
                }
                normalize(&mut m);
                m
            })
            .collect()
    }

    /// Decodes a sentence as the service does: Viterbi, the name-head rule,
    /// and the posterior probability of each chosen label (computed only
    /// when some token is in a mention).
    pub fn decode(&self, tokens: &[&str]) -> Decoded {
        let em = self.emissions(tokens);
        let tagged = self.viterbi(&em);
        let mut labels = tagged.clone();
        attach_name_heads(tokens, &mut labels);
        let confidence = if labels.iter().any(|&l| l != 0) {
            labels
                .iter()
                .zip(self.marginals(&em))
                .map(|(&l, m)| m.get(l as usize).copied().unwrap_or(0.0))
                .collect()
        } else {
            Vec::new()
        };
        Decoded {
            tagged,
            labels,
            confidence,
        }
    }

    /// Tags a sentence.
    pub fn tag(&self, tokens: &[&str]) -> Vec<u8> {
        let mut labels = self.viterbi(&self.emissions(tokens));
        attach_name_heads(tokens, &mut labels);
        labels
    }
}

fn normalize(v: &mut [f32; L]) {
    let s: f32 = v.iter().sum();
    if s > 0.0 {
        for x in v.iter_mut() {
            *x /= s;
        }
    }
}

/// Head nouns that make a militia's proper name with the name after them
/// (كتائب حزب الله, سرايا القدس, عصائب أهل الحق), folded. Unlike حركة or
/// شركة, which ANERcorp leaves outside the name (حركة حماس), they are part of
/// it, and the tagger, which has seen them too rarely, leaves them out.
const NAME_HEADS: &[&str] = &["كتائب", "سرايا", "الويه", "عصائب"];

/// Widens an organisation the tagger found right after a [`NAME_HEADS`] noun
/// to the whole name: the head, and a definite nisba adjective right after
/// (كتائب حزب الله العراقي), which qualifies the name only in such a
/// construct (ANERcorp leaves it out of a plain حزب الله اللبناني).
pub fn attach_name_heads(tokens: &[&str], labels: &mut [u8]) {
    const B_ORG: u8 = 5;
    const I_ORG: u8 = 6;
    for (b, e, t) in chunks(labels) {
        if t != 3 || b == 0 || labels.get(b - 1) != Some(&0) {
            continue;
        }
        // The head as written or after و / ف (a clitic-stripping stemmer
        // would read the ك of كتائب as the preposition).
        let head = crate::entities::fold::fold(tokens[b - 1]);
        let bare = head.strip_prefix(['و', 'ف']).unwrap_or(&head);
        if !NAME_HEADS.contains(&head.as_str()) && !NAME_HEADS.contains(&bare) {
            continue;
        }
        labels[b - 1] = B_ORG;
        labels[b] = I_ORG;
        if labels.get(e) == Some(&0)
            && let Some(next) = tokens.get(e)
        {
            let f = crate::entities::fold::fold(next);
            let nisba = f.starts_with("ال")
                && (f.ends_with('ي') || f.ends_with("يه"))
                && f.chars().count() >= 5;
            if nisba {
                labels[e] = I_ORG;
            }
        }
    }
}

/// A sentence as [`Model::decode`] leaves it.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    /// Viterbi's labels.
    pub tagged: Vec<u8>,
    /// The labels after the name-head rule.
    pub labels: Vec<u8>,
    /// The posterior probability of each label in `labels` (empty when no
    /// token is in a mention).
    pub confidence: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn militia_heads_and_their_nisba_join_the_organisation() {
        let toks = ["أعلنت", "كتائب", "حزب", "الله", "العراقي", "مسؤوليتها"];
        let mut labels = vec![0, 0, 5, 6, 0, 0];
        attach_name_heads(&toks, &mut labels);
        assert_eq!(labels, vec![0, 5, 6, 6, 6, 0]);
        // A plain organisation keeps ANERcorp's span (حزب الله اللبناني).
        let toks = ["قال", "حزب", "الله", "اللبناني", "إن"];
        let mut labels = vec![0, 5, 6, 0, 0];
        attach_name_heads(&toks, &mut labels);
        assert_eq!(labels, vec![0, 5, 6, 0, 0]);
        // So does حركة حماس.
        let toks = ["حركة", "حماس"];
        let mut labels = vec![0, 5];
        attach_name_heads(&toks, &mut labels);
        assert_eq!(labels, vec![0, 5]);
    }
}
