//! Corpus readers and writers, model training and evaluation commands.

pub mod anercorp;
pub mod bench;
pub mod conformance;
pub mod conllu;
pub mod embeddings;
pub mod eval_patterns;
pub mod eval_segment;
pub mod ner;
pub mod newsfane;
