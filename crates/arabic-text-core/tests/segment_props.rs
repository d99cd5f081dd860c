//! Property tests of the segmenter: at every level the units tile the input,
//! offsets lie on char boundaries, and no input makes it panic.

use std::sync::OnceLock;

use arabic_text_core::segment::{CliticMode, SegmentOptions, Segmenter};
use proptest::prelude::*;

/// One segmenter for all cases.
fn seg() -> &'static Segmenter {
    static S: OnceLock<Segmenter> = OnceLock::new();
    S.get_or_init(|| Segmenter::embedded().expect("embedded lexicon"))
}

/// Arabic-heavy text: letters, clitic letters, marks, tatweel, digits,
/// punctuation, quotes, Latin, emoji and whitespace.
fn arabic_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "و",
        "ف",
        "ب",
        "ل",
        "ك",
        "س",
        "ال",
        "لل",
        "ه",
        "ها",
        "هم",
        "نا",
        "ي",
        "ة",
        "ت",
        "ى",
        "ا",
        "أ",
        "إ",
        "ء",
        "ئ",
        "ؤ",
        "قال",
        "مدرسة",
        "العاصمة",
        "كتاب",
        "َ",
        "ً",
        "ّ",
        "ـ",
        " ",
        " ",
        "\n",
        "\n\n",
        ".",
        "..",
        "…",
        "؟",
        "!",
        "،",
        "؛",
        ":",
        "\"",
        "'",
        "«",
        "»",
        "(",
        ")",
        "6",
        "٣",
        "٫",
        ",",
        "@",
        "#",
        "_",
        "-",
        "/",
        "http://",
        "www.",
        "a",
        "Z",
        "é",
        "👍",
        "\u{1F3FD}",
        "\u{200D}",
        "\u{200C}",
        "\u{FEFF}",
        "\u{200F}",
        "\t",
        "\u{00A0}",
        "ﻻ",
        "ک",
        "ی",
        "😀",
        "🇪",
        "\u{FE0F}",
        "م",
        "ق",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

/// Checks every invariant of the segmentation of `text` in `mode`.
fn check(text: &str, mode: CliticMode) {
    let s = seg().segment(text, &SegmentOptions { clitics: mode });
    // tokens: in order, non-empty, on char boundaries, no whitespace, and
    // everything between them is whitespace
    let mut pos = 0usize;
    for t in &s.tokens {
        assert!(t.span.start >= pos && t.span.start < t.span.end, "{t:?}");
        let gap = text.get(pos..t.span.start).expect("boundary");
        assert!(
            gap.chars().all(char::is_whitespace),
            "non-whitespace {gap:?} outside tokens"
        );
        let tok = text
            .get(t.span.start..t.span.end)
            .expect("token on char boundaries");
        assert!(
            !tok.chars().any(char::is_whitespace),
            "whitespace in token {tok:?}"
        );
        pos = t.span.end;
    }
    assert!(
        text.get(pos..)
            .expect("boundary")
            .chars()
            .all(char::is_whitespace)
    );
    // segments tile their token
    for (i, t) in s.tokens.iter().enumerate() {
        let segs = s.token_segments(i);
        assert!(!segs.is_empty());
        let mut at = t.span.start;
        for g in segs {
            assert_eq!(g.span.start, at);
            assert!(g.span.end > g.span.start);
            assert!(text.get(g.span.start..g.span.end).is_some());
            at = g.span.end;
        }
        assert_eq!(at, t.span.end);
        if mode == CliticMode::None {
            assert_eq!(segs.len(), 1);
        }
    }
    assert_eq!(
        s.tokens.last().map_or(0, |t| t.segments.end),
        s.segments.len()
    );
    // sentences partition the tokens and are trimmed
    let mut next = 0usize;
    for sent in &s.sentences {
        assert_eq!(sent.tokens.start, next);
        assert!(sent.tokens.end > sent.tokens.start);
        next = sent.tokens.end;
        let first = &s.tokens[sent.tokens.start];
        let last = &s.tokens[sent.tokens.end - 1];
        assert_eq!(sent.span.start, first.span.start);
        assert_eq!(sent.span.end, last.span.end);
    }
    assert_eq!(next, s.tokens.len());
}

/// Checks that `word_segments` tiles `word`.
fn check_word(word: &str, mode: CliticMode) {
    let segs = seg().word_segments(word, mode);
    let mut at = 0usize;
    for g in &segs {
        assert_eq!(g.span.start, at);
        assert!(g.span.end > g.span.start);
        assert!(word.get(g.span.start..g.span.end).is_some());
        at = g.span.end;
    }
    assert_eq!(at, word.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arabic_heavy_text_tiles_at_every_level(text in arabic_text()) {
        for mode in [CliticMode::None, CliticMode::Clitics, CliticMode::CliticsAndArticle] {
            check(&text, mode);
        }
    }

    #[test]
    fn arbitrary_unicode_tiles_and_never_panics(text in any::<String>()) {
        check(&text, CliticMode::CliticsAndArticle);
        check(&text, CliticMode::Clitics);
    }

    #[test]
    fn word_segments_tile_their_word(word in "[\u{0621}-\u{065F}\u{0640}]{0,14}") {
        for mode in [CliticMode::None, CliticMode::Clitics, CliticMode::CliticsAndArticle] {
            check_word(&word, mode);
        }
    }

    #[test]
    fn word_segments_tile_arbitrary_input(word in any::<String>()) {
        check_word(&word, CliticMode::CliticsAndArticle);
    }
}
