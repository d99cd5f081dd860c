//! The tagger [`Model`] and its decoding: Viterbi, marginals and the
//! name-head rule (the emissions are `emit`'s).

// Dense numeric kernels over the 9 labels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use crate::entities::charnet::CharNet;
use crate::entities::encoder::Encoder;
use crate::entities::features::TrainGazetteer;
use crate::entities::labels::{L, allowed, chunks, viterbi};
use crate::entities::prefetch::prefetch;

/// A trained model ready for tagging.
#[derive(Debug, Clone)]
pub struct Model {
    /// Open-addressing table (linear probing, capacity 2^k) of the feature
    /// hashes and their quantized weights, side by side so a look-up
    /// touches one cache line.
    pub(super) table: Vec<Slot>,
    /// Number of features in `table`.
    pub(super) features: usize,
    /// Multiplier from quantized to real weights.
    pub(super) scale: f32,
    /// Transition scores prev×cur.
    pub(super) trans: [[f32; L]; L],
    /// Start scores.
    pub(super) start: [f32; L],
    /// Softmax temperature for confidences (fit on the dev part).
    pub temperature: f32,
    /// Subtracted from the O score of every token: trades precision for
    /// recall (fit on the dev part).
    pub o_bias: f32,
    /// Train-split entity phrases used as features.
    pub gazetteer: TrainGazetteer,
    /// The character-aware network whose logits, times `net_weight`, are
    /// added to the emissions (shared: clones of a model are cheap).
    pub charnet: Option<Arc<CharNet>>,
    /// Weight of the network's logits (fit by cross-validation on train).
    pub net_weight: f32,
    /// The context encoder, a scorer of its own file whose scores (times
    /// its own weight) are added to the emissions before Viterbi.
    pub encoder: Option<Arc<Encoder>>,
    /// Identifies the feature weights in per-word memos
    /// (`emit`): new for every model built or read, kept by
    /// clones (same weights).
    pub(super) id: u64,
}

/// A slot of [`Model::table`]: a feature hash (0 = empty) and its weight
/// row, 32 bytes, so a slot never straddles two cache lines.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
pub(super) struct Slot {
    /// The feature hash.
    pub(super) key: u64,
    /// Its quantized weights.
    pub(super) w: [i16; L],
}

/// A fresh model identity ([`Model::id`]).
pub(super) fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Model {
    /// A model from the trainer's real-valued weights, quantized to i16.
    #[cfg(feature = "train")]
    pub(super) fn build(
        feats: Vec<(u64, [f32; L])>,
        trans: [[f32; L]; L],
        start: [f32; L],
        gazetteer: TrainGazetteer,
    ) -> Model {
        let max = feats
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut kept = Vec::new();
        for (k, w) in feats {
            let q: [i16; L] = w.map(|x| (x / scale).round() as i16);
            if q.iter().any(|&x| x != 0) {
                kept.push((k, q));
            }
        }
        Self::from_rows(kept, scale, trans, start, 1.0, gazetteer)
    }

    pub(super) fn from_rows(
        rows_in: Vec<(u64, [i16; L])>,
        scale: f32,
        trans: [[f32; L]; L],
        start: [f32; L],
        temperature: f32,
        gazetteer: TrainGazetteer,
    ) -> Model {
        let cap = (rows_in.len() * 2).next_power_of_two().max(16);
        let mut table = vec![Slot::default(); cap];
        let features = rows_in.len();
        for (k, w) in rows_in {
            let mut slot = (k as usize) & (cap - 1);
            while table[slot].key != 0 {
                slot = (slot + 1) & (cap - 1);
            }
            table[slot] = Slot { key: k, w };
        }
        Model {
            table,
            features,
            scale,
            trans,
            start,
            temperature,
            o_bias: 0.0,
            gazetteer,
            charnet: None,
            net_weight: 0.0,
            encoder: None,
            id: next_id(),
        }
    }

    /// Number of stored feature rows.
    pub fn num_features(&self) -> usize {
        self.features
    }

    /// Starts loading the table slot of feature `k` into the cache.
    #[inline]
    pub(super) fn prefetch(&self, k: u64) {
        let slot = (k as usize) & (self.table.len() - 1);
        if let Some(s) = self.table.get(slot) {
            prefetch(s);
        }
    }

    pub(super) fn row(&self, k: u64) -> Option<&[i16]> {
        let mask = self.table.len() - 1;
        let mut slot = (k as usize) & mask;
        loop {
            let s = self.table.get(slot)?;
            if s.key == 0 {
                return None;
            }
            if s.key == k {
                return Some(&s.w);
            }
            slot = (slot + 1) & mask;
        }
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
