//! Entity extraction with a kinds filter, a minimum confidence (including NaN,
//! negative and > 1) and a request gazetteer cut from the text (possibly empty):
//! no panic; mention invariants hold.
#![no_main]

use std::sync::LazyLock;

use arabic_text_core::Analyzer;
use arabic_text_fuzz::{assert_ok, decode};
use arabic_text_invariants::check_entities;
use libfuzzer_sys::fuzz_target;

static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::embedded().unwrap_or_else(|e| panic!("embedded models: {e}")));

// The models load in libFuzzer's initialization, before its per-input timer
// starts: instrumented, the load takes ~13 s on 2 cores, and counted against
// the first input it reads as a timeout (`-timeout=10`) of the empty input.
fuzz_target!(init: { LazyLock::force(&ANALYZER); }, |data: &[u8]| {
    let input = decode(data);
    let options = &input.options.entities;
    let entities = ANALYZER.extract_entities(&input.text, options);
    assert_ok(
        &input,
        "entities",
        check_entities(&input.text, options, &entities),
    );
});
