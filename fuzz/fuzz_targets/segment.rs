//! Segmentation in every clitic mode, and word segmentation of each token: no
//! panic; sentence, token and segment invariants hold.
#![no_main]

use std::sync::LazyLock;

use arabic_text_core::Analyzer;
use arabic_text_fuzz::{assert_ok, decode};
use arabic_text_invariants as invariants;
use libfuzzer_sys::fuzz_target;

static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::embedded().unwrap_or_else(|e| panic!("embedded models: {e}")));

fuzz_target!(|data: &[u8]| {
    let input = decode(data);
    let text = &input.text;
    assert_ok(
        &input,
        "segment",
        invariants::check_segment_all_modes(&ANALYZER, text),
    );
    // Word segmentation of every token, in the mode the header asks for.
    let mode = input.options.segment.clitics;
    let seg = ANALYZER.segment(text, &input.options.segment);
    for tok in &seg.tokens {
        let word = text.get(tok.span.start..tok.span.end).unwrap_or_default();
        let segs = ANALYZER.segmenter().word_segments(word, mode);
        assert_ok(
            &input,
            "word_segments",
            invariants::check_word_segments(word, &segs),
        );
    }
});
