//! The core's integration tests: the public API as a caller uses it, one
//! module per subject, in one test binary. The contract checks they share with
//! the fuzz targets live in the `arabic-text-invariants` crate.

mod entities_extract;
mod normalize_pathological;
mod normalize_props;
mod normalize_rules;
mod normalize_tables;
mod pathological;
mod segment;
mod segment_props;
