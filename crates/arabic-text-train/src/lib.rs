//! Corpus readers and writers, model training and evaluation commands.

pub mod anercorp;
pub mod bench;
mod bench_clock;
pub mod conformance;
pub mod conllu;
pub mod dump_corpus;
pub mod embeddings;
pub mod encoder_train;
pub mod eval_ner;
pub mod eval_patterns;
pub mod eval_segment;
pub mod gold;
pub mod gold_score;
pub mod harmonise;
pub mod ner;
mod ner_cv;
mod ner_score;
pub mod newsfane;
pub mod train_segment;
mod xz;
