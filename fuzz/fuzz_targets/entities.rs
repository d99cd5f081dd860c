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

fuzz_target!(|data: &[u8]| {
    let input = decode(data);
    let options = &input.options.entities;
    let entities = ANALYZER.extract_entities(&input.text, options);
    assert_ok(
        &input,
        "entities",
        check_entities(&input.text, options, &entities),
    );
});
