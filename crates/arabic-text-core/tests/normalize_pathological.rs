//! Pathological inputs: large, degenerate or adversarial texts come through
//! every preset without a panic, with a faithful alignment.

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize};
use arabic_text_invariants::check_normalized;

/// Every preset.
const PRESETS: [Preset; 4] = [
    Preset::None,
    Preset::Light,
    Preset::Standard,
    Preset::Search,
];

/// Normalizes under every preset and checks alignment and idempotence.
fn check(text: &str) -> Vec<String> {
    PRESETS
        .iter()
        .map(|&preset| {
            let options = NormalizeOptions::preset(preset);
            let n = normalize(text, &options);
            assert_eq!(check_normalized(text, &options, &n), Ok(()), "{preset:?}");
            n.text.into_owned()
        })
        .collect()
}

#[test]
fn one_megabyte_single_token_is_folded_in_place() {
    let text = "ة".repeat(512 * 1024);
    let out = check(&text);
    assert_eq!(out[2], text);
    assert_eq!(out[3], "ه".repeat(512 * 1024));
}

#[test]
fn hundred_thousand_newlines_collapse_to_nothing() {
    let text = "\n".repeat(100_000);
    let out = check(&text);
    assert_eq!(out[1], text);
    assert_eq!(out[2], "");
    let between = format!("a{}b", "\r\n".repeat(100_000));
    assert_eq!(check(&between)[2], "a\nb");
}

#[test]
fn only_combining_marks_are_deleted_entirely() {
    let text = "\u{064E}\u{0651}\u{0670}\u{06DB}\u{0653}".repeat(10_000);
    let out = check(&text);
    assert_eq!(out[0], text);
    assert_eq!(out[1], "");
}

#[test]
fn bidi_controls_nul_bytes_and_mixed_scripts_survive() {
    let text = "\u{202B}مرحبا\u{202C} \u{0000}hello\u{0000} 世界 \u{2067}שלום\u{2069} 😀\u{200D}👍";
    let out = check(text);
    assert_eq!(out[0], text);
    assert_eq!(out[1], "مرحبا \u{0000}hello\u{0000} 世界 שלום 😀👍");
}

#[test]
fn alternating_touched_and_untouched_characters_align() {
    let text = "أa ى\u{00A0}ة\u{200B} ".repeat(20_000);
    let out = check(&text);
    assert!(out[3].starts_with("اa ي ه "));
}
