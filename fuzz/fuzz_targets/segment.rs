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

// The models load in libFuzzer's initialization, before its per-input timer
// starts: instrumented, the load takes ~13 s on 2 cores, and counted against
// the first input it reads as a timeout (`-timeout=10`) of the empty input.
fuzz_target!(init: { LazyLock::force(&ANALYZER); }, |data: &[u8]| {
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
