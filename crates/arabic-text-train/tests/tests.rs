//! The training crate's integration tests, one module per subject, in one
//! test binary.

mod entity_gold;
mod normalize_conformance;
mod patterns_set;
