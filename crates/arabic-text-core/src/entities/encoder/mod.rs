//! A context encoder over subword vectors: a scorer whose tag scores, times
//! a weight, are added to the tagger's emissions before Viterbi
//! (the tagger's `Scorer`).
//!
//! Each token is its input row: the [`Vectors`](crate::entities::vectors::Vectors) of its folded form and of
//! its clitic-free stem, and its knowledge facts (wordfreq buckets of both,
//! the name-list bits and the place flag of the stem, the shape class) as
//! one-hot values. Two convolutions over the sentence (a dilated CNN, as
//! Strubell et al.'s ID-CNN, kept small for speed):
//!
//! - layer 1, kernel 3: `h1[t] = relu(b1 + Σ_p W1[p] x[t+p-1])`;
//! - layer 2, kernel 3, dilation `d`: `h2[t] = relu(b2 + Σ_p W2[p] h1[t+(p-1)d]) + h1[t]`;
//! - scores `s[t] = b3 + W3 h2[t]`, one per label.
//!
//! Layer 1 reads words alone: `W1[p] x` for the three positions is computed
//! once per distinct word and memoized with the word (the tagger's word
//! memo), so a token costs layer 2 and the scores. Trained by hand (Adam,
//! per-token cross-entropy, dropout after layer 1), deterministically.
//!
//! The model file (`models/ner-encoder.bin.gz`) holds the weights and every
//! setting the encoder was trained and combined with, and the fingerprint
//! of the vectors it was trained on: loading it with other vectors fails.
//!
//! The encoder and its file are in `model`, the trainer in `training`.

mod model;
#[cfg(test)]
mod tests;
#[cfg(feature = "train")]
mod training;

pub use model::Encoder;
// Named outside the crate only (the trainer's, with the `train` feature).
#[cfg_attr(not(feature = "train"), allow(unused_imports))]
pub use model::{KNOWLEDGE, Settings};
pub(crate) use model::{Projection, WordInput};
#[cfg(feature = "train")]
pub use training::{train, trainer_scores};
