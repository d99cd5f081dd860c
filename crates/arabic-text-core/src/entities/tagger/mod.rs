//! The name tagger: an averaged structured perceptron over BIO labels with
//! first-order transitions, decoded with constrained Viterbi. Weights are
//! quantized to i16 and stored gzip'd; features are 64-bit hashes kept in an
//! open-addressing table, so a lookup is one probe in the common case.
//!
//! - [`model`]: the [`Model`], an ordered list of [`Scorer`]s
//!   ([`scorer`]: the interface, the O bias, the character network and the
//!   encoder as scorers; [`perceptron`]: the perceptron's weights), and
//!   decoding (Viterbi, marginals, the name-head rule); [`emit`](mod@emit):
//!   the emissions, the perceptron's fast;
//! - [`settings`]: every setting a model was trained with, in its file;
//! - [`embedded`]: the committed model;
//! - [`format`]: the model file (`to_bytes` / `from_bytes`);
//! - [`train`](mod@train): the averaged perceptron trainer and the train-split gazetteer.
//!
//! Notation: [`L`] is the number of labels and a label is an index into
//! [`LABELS`] (see [`super::labels`]); an emission is the `[f32; L]` score
//! of each label at one token; `trans[i][j]` scores label `j` after label
//! `i`, `start[j]` label `j` first. Feature hashes come from
//! `features::H` (an FNV-1a hash of a template id and its strings).

pub mod embedded;
pub(crate) mod emit;
pub mod format;
pub mod model;
pub mod perceptron;
pub(crate) mod rows;
pub mod scorer;
pub mod settings;
#[cfg(feature = "train")]
pub mod train;

#[cfg(feature = "train")]
pub use super::features::PART;
#[cfg(feature = "train")]
pub use super::labels::{LABELS, Sample, label_index};
pub use super::labels::chunks;
#[cfg(feature = "train")]
pub use super::labels::{L, allowed, viterbi};
pub use model::Model;
#[cfg(feature = "train")]
pub use perceptron::Perceptron;
#[cfg(feature = "train")]
pub use scorer::{CHARNET, ENCODER, NetScorer, O_BIAS, OBias, PERCEPTRON, Scorer};
#[cfg(feature = "train")]
pub use settings::Settings;
#[cfg(feature = "train")]
pub use model::{Decoded, attach_name_heads};
#[cfg(feature = "train")]
pub use train::{TrainConfig, build_gazetteer, train};

