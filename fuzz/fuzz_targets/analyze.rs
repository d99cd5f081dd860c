//! The whole pipeline under options from the first bytes: no panic; every
//! invariant holds and analyze agrees with the separate calls.
#![no_main]

use std::sync::LazyLock;

use arabic_text_core::Analyzer;
use arabic_text_fuzz::{assert_ok, decode};
use arabic_text_invariants::check_analyze;
use libfuzzer_sys::fuzz_target;

static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::embedded().unwrap_or_else(|e| panic!("embedded models: {e}")));

fuzz_target!(|data: &[u8]| {
    let input = decode(data);
    assert_ok(
        &input,
        "analyze",
        check_analyze(&ANALYZER, &input.text, &input.options),
    );
});
