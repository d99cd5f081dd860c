//! Pathological inputs: large, degenerate or adversarial texts come through
//! every preset without a panic, with a faithful alignment.

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize};
use arabic_text_invariants::check_normalized;

/// Normalizes `text` under every preset, checks alignment and idempotence,
/// and compares the outputs of the presets named in `want`.
fn check(text: &str, want: &[(Preset, &str)]) {
    for preset in Preset::ALL {
        let options = NormalizeOptions::preset(preset);
        let n = normalize(text, &options);
        assert_eq!(check_normalized(text, &options, &n), Ok(()), "{preset:?}");
        if let Some(&(_, expected)) = want.iter().find(|(p, _)| *p == preset) {
            assert_eq!(n.text, expected, "{preset:?}");
        }
    }
}

#[test]
fn one_megabyte_single_token_is_folded_in_place() {
    let text = "ة".repeat(512 * 1024);
    let folded = "ه".repeat(512 * 1024);
    check(
        &text,
        &[(Preset::Standard, &text), (Preset::Search, &folded)],
    );
}

#[test]
fn hundred_thousand_newlines_collapse_to_nothing() {
    let text = "\n".repeat(100_000);
    check(&text, &[(Preset::Light, &text), (Preset::Standard, "")]);
    let between = format!("a{}b", "\r\n".repeat(100_000));
    check(&between, &[(Preset::Standard, "a\nb")]);
}

#[test]
fn only_combining_marks_are_deleted_entirely() {
    let text = "\u{064E}\u{0651}\u{0670}\u{06DB}\u{0653}".repeat(10_000);
    check(&text, &[(Preset::None, &text), (Preset::Light, "")]);
}

#[test]
fn bidi_controls_nul_bytes_and_mixed_scripts_survive() {
    let text = "\u{202B}مرحبا\u{202C} \u{0000}hello\u{0000} 世界 \u{2067}שלום\u{2069} 😀\u{200D}👍";
    let light = "مرحبا \u{0000}hello\u{0000} 世界 שלום 😀👍";
    check(text, &[(Preset::None, text), (Preset::Light, light)]);
}

#[test]
fn alternating_touched_and_untouched_characters_align() {
    let text = "أa ى\u{00A0}ة\u{200B} ".repeat(20_000);
    check(&text, &[]);
    let search = normalize(&text, &NormalizeOptions::preset(Preset::Search));
    assert!(search.text.starts_with("اa ي ه "));
}
