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

// The models load in libFuzzer's initialization, before its per-input timer
// starts: instrumented, the load takes ~13 s on 2 cores, and counted against
// the first input it reads as a timeout (`-timeout=10`) of the empty input.
fuzz_target!(init: { LazyLock::force(&ANALYZER); }, |data: &[u8]| {
    let input = decode(data);
    assert_ok(
        &input,
        "analyze",
        check_analyze(&ANALYZER, &input.text, &input.options),
    );
});
