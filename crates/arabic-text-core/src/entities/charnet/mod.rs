//! A small character-aware network whose tag scores are added to the
//! perceptron's emissions: each token is the mean of hashed embeddings of
//! its character n-grams (1–4, with boundary marks, of the folded form and of
//! the clitic-stripped stem) and a few knowledge ids (wordfreq buckets of
//! both, the name and place lists); a window of ±2 token vectors feeds one
//! ReLU layer and a linear layer of [`L`](crate::entities::labels::L) tag scores. Trained by hand with Adagrad on
//! per-token cross-entropy, deterministically (seeded init and shuffle).
//! Shared embeddings let n-grams of unseen names borrow from seen ones,
//! which the perceptron's one-weight-per-feature cannot.
//!
//! The network and its file format are in `model`, the trainer in `training`.

mod model;
#[cfg(all(test, feature = "train"))]
mod tests;
#[cfg(feature = "train")]
mod training;

pub use model::CharNet;
pub(crate) use model::{Projection, WordFacts};
#[cfg(feature = "train")]
pub use training::{NetConfig, train};
