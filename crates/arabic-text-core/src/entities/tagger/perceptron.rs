//! The perceptron scorer: the averaged perceptron's quantized weight rows
//! of the hashed features, in an open-addressing table, with the train
//! gazetteer its features read (its emissions are `emit`'s).

use std::sync::OnceLock;

use crate::entities::features::TrainGazetteer;
use crate::entities::labels::L;
use crate::entities::prefetch::prefetch;

/// The perceptron's weights: the first scorer of a [`super::model::Model`].
#[derive(Debug, Clone)]
pub struct Perceptron {
    /// Open-addressing table (linear probing, capacity 2^k) of the feature
    /// hashes and their quantized weights, side by side so a look-up
    /// touches one cache line.
    pub(super) table: Vec<Slot>,
    /// Number of features in `table`.
    pub(super) features: usize,
    /// Multiplier from quantized to real weights.
    pub(super) scale: f32,
    /// Train-split entity phrases used as features.
    pub(super) gazetteer: TrainGazetteer,
    /// The cluster templates its features use (the model file's setting).
    pub(super) clusters: u8,
    /// Identifies the feature weights in per-word memos (`emit`): new for
    /// every perceptron built or read, kept by clones (same weights).
    pub(super) id: u64,
}

/// A slot of [`Perceptron::table`]: a feature hash (0 = empty) and its
/// weight row, 32 bytes, so a slot never straddles two cache lines.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
pub(super) struct Slot {
    /// The feature hash.
    pub(super) key: u64,
    /// Its quantized weights.
    pub(super) w: [i16; L],
}

/// A fresh perceptron identity ([`Perceptron::id`]).
pub(super) fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Perceptron {
    /// A perceptron from the trainer's real-valued weights, quantized to
    /// i16 (features whose row rounds to zeros are dropped).
    #[cfg(feature = "train")]
    pub(super) fn build(
        feats: Vec<(u64, [f32; L])>,
        gazetteer: TrainGazetteer,
        clusters: u8,
    ) -> Self {
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
        Self::from_rows(kept, scale, gazetteer, clusters)
    }

    /// A perceptron of quantized rows `rows_in` (keys non-zero and unique).
    pub(super) fn from_rows(
        rows_in: Vec<(u64, [i16; L])>,
        scale: f32,
        gazetteer: TrainGazetteer,
        clusters: u8,
    ) -> Self {
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
        Self {
            table,
            features,
            scale,
            gazetteer,
            clusters,
            id: next_id(),
        }
    }

    /// Number of stored feature rows.
    pub fn num_features(&self) -> usize {
        self.features
    }

    /// The train gazetteer its features read.
    pub fn gazetteer(&self) -> &TrainGazetteer {
        &self.gazetteer
    }

    /// The empty gazetteer (of a model without a perceptron).
    pub(super) fn no_gazetteer() -> &'static TrainGazetteer {
        static EMPTY: OnceLock<TrainGazetteer> = OnceLock::new();
        EMPTY.get_or_init(TrainGazetteer::default)
    }

    /// The cluster templates its features use.
    pub fn clusters(&self) -> u8 {
        self.clusters
    }

    /// The stored rows in key order (what the model file writes).
    pub(super) fn sorted_rows(&self) -> Vec<(u64, &[i16; L])> {
        let mut rows: Vec<(u64, &[i16; L])> = self
            .table
            .iter()
            .filter(|s| s.key != 0)
            .map(|s| (s.key, &s.w))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        rows
    }

    /// Starts loading the table slot of feature `k` into the cache.
    #[inline]
    pub(super) fn prefetch(&self, k: u64) {
        let slot = (k as usize) & (self.table.len() - 1);
        if let Some(s) = self.table.get(slot) {
            prefetch(s);
        }
    }

    /// The weight row of feature `k`, if it has one.
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
}
