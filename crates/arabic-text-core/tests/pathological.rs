//! Pathological inputs and property tests: no input may panic the core, and
//! every documented invariant of normalize, segment, entities and analyze holds
//! (checks shared with the fuzz targets in the `arabic-text-invariants` crate).
//!
//! Property tests run `PROPTEST_CASES` cases each (default 128), so CI can raise
//! the budget: `PROPTEST_CASES=5000 cargo test --release -p arabic-text-core --test tests pathological`.

use std::sync::LazyLock;

use arabic_text_core::entities::{EntityKind, EntityOptions, GazetteerEntry};
use arabic_text_core::normalize::{AlignmentEdit, NormalizeOptions, Normalized, Preset, normalize};
use arabic_text_core::offsets::Span;
use arabic_text_core::segment::{
    Segment, SegmentOptions, SegmentRole, Segmentation, Sentence, Token, TokenKind,
};
use arabic_text_core::{AnalyzeOptions, Analyzer};
use arabic_text_invariants::{
    CLITIC_MODES, Check, alphabet_text, check_all, check_analyze, check_normalized,
    check_segmentation, check_word_segments, normalize_options,
};
use proptest::prelude::*;

/// One analyzer for all tests (loading the embedded models once).
static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::embedded().unwrap_or_else(|e| panic!("embedded models: {e}")));

/// Arabic news text (written for these tests) to build large documents from.
const NEWS: &str = "أعلنت وزارة الصحة في بغداد يوم الاثنين 22 يناير 2024 عن افتتاح مستشفى جديد \
في مدينة البصرة، بكلفة بلغت 35 مليون دولار. وقال الوزير صالح الحسناوي للصحفيين إنّ المستشفى \
سيخدم أكثر من ٥٠٠ ألف نسمة، وسيكتبونها بالتعاون مع منظمة الصحة العالمية؟ \
وللمدرسة فوائدُ كثيرةٌ «للطلاب» — راجعوا https://example.com/a?b=1 أو info@example.org #بغداد @وزارة\n\n";

/// Every preset and every single rule alone: the option sets the pathological
/// inputs are normalized under.
fn all_normalize_options() -> Vec<NormalizeOptions> {
    let mut all: Vec<NormalizeOptions> = [
        Preset::None,
        Preset::Light,
        Preset::Standard,
        Preset::Search,
    ]
    .into_iter()
    .map(NormalizeOptions::preset)
    .collect();
    all.extend((0..13).map(|bit| normalize_options(1 << bit)));
    all
}

/// Entity options with a filter, a threshold and request gazetteer phrases,
/// including an empty and a whitespace-only phrase.
fn tricky_entity_options() -> EntityOptions {
    EntityOptions {
        kinds: vec![EntityKind::Person, EntityKind::Location, EntityKind::Date],
        min_confidence: 0.3,
        gazetteer: vec![
            GazetteerEntry {
                phrase: "بغداد".into(),
                kind: EntityKind::Location,
            },
            GazetteerEntry {
                phrase: String::new(),
                kind: EntityKind::Person,
            },
            GazetteerEntry {
                phrase: " \n".into(),
                kind: EntityKind::Misc,
            },
        ],
        reference: None,
    }
}

/// Runs every check on `text`: normalize under every preset and single rule,
/// segment in every clitic mode (with word segmentation of the tokens), entities
/// with default and tricky options, analyze with Search + CliticsAndArticle.
fn check_everything(text: &str) -> Check {
    // Every single rule on small inputs; the presets (which combine them) on
    // large ones, to keep `cargo test` fast.
    let option_sets = all_normalize_options();
    let option_sets = if text.len() > 64 * 1024 {
        &option_sets[..4]
    } else {
        &option_sets[..]
    };
    for options in option_sets {
        let n = ANALYZER.normalize(text, options);
        check_normalized(text, options, &n).map_err(|e| format!("normalize {options:?}: {e}"))?;
    }
    for clitics in CLITIC_MODES {
        let seg = ANALYZER.segment(text, &SegmentOptions { clitics });
        check_segmentation(text, &seg).map_err(|e| format!("segment {clitics:?}: {e}"))?;
        // Word segmentation of the first tokens (all of them would make large
        // inputs quadratic only if the segmenter were; keep the test fast).
        for tok in seg.tokens.iter().take(2_000) {
            let word = text.get(tok.span.start..tok.span.end).unwrap_or_default();
            let segs = ANALYZER.segmenter().word_segments(word, clitics);
            check_word_segments(word, &segs).map_err(|e| format!("word {word:?}: {e}"))?;
        }
    }
    let default = AnalyzeOptions::default();
    check_all(&ANALYZER, text, &default)?;
    let tricky = AnalyzeOptions {
        normalize: NormalizeOptions::preset(Preset::Search),
        segment: SegmentOptions {
            clitics: arabic_text_core::segment::CliticMode::CliticsAndArticle,
        },
        entities: tricky_entity_options(),
    };
    check_analyze(&ANALYZER, text, &tricky)
}

/// Fails the test with the broken rule (and a bounded excerpt of the input).
#[track_caller]
fn assert_holds(name: &str, text: &str, result: Check) {
    if let Err(e) = result {
        let excerpt: String = text.chars().take(80).collect();
        let e: String = e.chars().take(2_000).collect();
        panic!("{name} ({} bytes, starts {excerpt:?}): {e}", text.len());
    }
}

#[test]
fn one_megabyte_single_arabic_token_keeps_invariants() {
    let text = "ب".repeat(512 * 1024);
    assert_holds("1 MiB Arabic token", &text, check_everything(&text));
    let seg = ANALYZER.segment(&text, &SegmentOptions::default());
    assert_eq!(seg.tokens.len(), 1, "a run without spaces is one token");
}

#[test]
fn one_megabyte_single_latin_token_keeps_invariants() {
    let text = "a".repeat(1024 * 1024);
    assert_holds("1 MiB Latin token", &text, check_everything(&text));
}

#[test]
fn one_megabyte_clitic_heavy_token_keeps_invariants() {
    // A prefix of proclitics and a suffix of enclitics around a long stem.
    let text = format!("وبال{}هما", "كتاب".repeat(128 * 1024));
    assert_holds("clitic-heavy 1 MiB token", &text, check_everything(&text));
}

#[test]
fn hundred_thousand_newlines_yield_nothing() {
    let text = "\n".repeat(100_000);
    assert_holds("100k newlines", &text, check_everything(&text));
    let seg = ANALYZER.segment(&text, &SegmentOptions::default());
    assert!(seg.tokens.is_empty() && seg.sentences.is_empty());
}

#[test]
fn hundred_thousand_lines_of_one_word_keep_invariants() {
    let text = "ب\n".repeat(100_000);
    assert_holds("100k one-word lines", &text, check_everything(&text));
}

#[test]
fn long_punctuation_runs_keep_invariants() {
    for unit in [".", "؟", "!", "(", "«", "،", "...\n", ". "] {
        let text = unit.repeat(50_000);
        assert_holds(&format!("{unit:?} run"), &text, check_everything(&text));
    }
}

#[test]
fn only_combining_marks_keep_invariants() {
    for text in [
        "\u{064E}".repeat(100_000),
        "\u{0651}\u{0650}\u{0670}\u{06DC}\u{0610}".repeat(20_000),
        "\u{0301}\u{0300}\u{094D}".repeat(20_000),
        format!(" {} ", "\u{064B}".repeat(1_000)),
    ] {
        assert_holds("combining marks", &text, check_everything(&text));
    }
}

#[test]
fn bidi_controls_keep_invariants() {
    let controls = "\u{200E}\u{200F}\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{061C}";
    for text in [
        controls.repeat(5_000),
        "\u{202B}مرحبا\u{202C} \u{2067}world\u{2069} \u{200F}١٢٣\u{200E}. ".repeat(5_000),
        format!("{controls} {controls}\n{controls}"),
    ] {
        assert_holds("bidi controls", &text, check_everything(&text));
    }
}

#[test]
fn nul_and_control_bytes_keep_invariants() {
    for text in [
        "\0".repeat(10_000),
        "كتاب\0كتاب \0 \u{1}\u{7}\u{1B}[31m\u{7F}".repeat(2_000),
        "\0\n\0\r\n\0".to_owned(),
    ] {
        assert_holds("NUL bytes", &text, check_everything(&text));
    }
}

#[test]
fn mixed_scripts_keep_invariants() {
    let text = "قال Obama في 北京 إنّ שלום и мир — नमस्ते ١٢٣ 456 ۴۵۶ e\u{301}té \
                ﷲ ﻻ ﷺ ٱلرَّحْمَٰنِ ـــ https://مثال.مصر/مسار?q=١ a.b@c.io #وسم_عربي @مستخدم 3.5% ٣٫٥٪ \
                \u{A0}\u{3000}\u{2028}\u{2029}\u{85}\u{FEFF}\u{AD}";
    let text = text.repeat(500);
    assert_holds("mixed scripts", &text, check_everything(&text));
}

#[test]
fn emoji_zwj_sequences_keep_invariants() {
    let text = "👨\u{200D}👩\u{200D}👧\u{200D}👦 🇸🇦🇪🇬 👍🏽 1\u{FE0F}\u{20E3} 🏳\u{FE0F}\u{200D}🌈 مرحبا👋🏾عالم 😀😀😀 \
                \u{200D}\u{200D}\u{FE0F}"
        .repeat(2_000);
    assert_holds("emoji ZWJ", &text, check_everything(&text));
}

#[test]
fn replacement_character_runs_keep_invariants() {
    // Lone surrogates cannot exist in &str; what a lossy decoder makes of
    // invalid UTF-8 is U+FFFD, so those are what the service sees.
    let lossy = String::from_utf8_lossy(&[0xED, 0xA0, 0x80, b' ', 0xFF, 0xFE, 0xC3]).into_owned();
    for text in [
        "\u{FFFD}".repeat(100_000),
        lossy.repeat(10_000),
        "كتب\u{FFFD}\u{FFFD}ت \u{FFFD}".repeat(5_000),
    ] {
        assert_holds("U+FFFD runs", &text, check_everything(&text));
    }
}

#[test]
fn maximal_arabic_request_through_analyze_keeps_invariants() {
    let mut text = String::with_capacity(1024 * 1024 + NEWS.len());
    while text.len() < 1024 * 1024 {
        text.push_str(NEWS);
    }
    let options = AnalyzeOptions {
        normalize: NormalizeOptions::preset(Preset::Search),
        ..AnalyzeOptions::default()
    };
    assert_holds(
        "1 MiB news",
        &text,
        check_analyze(&ANALYZER, &text, &options),
    );
    let seg = ANALYZER.segment(&text, &SegmentOptions::default());
    assert!(seg.tokens.len() > 50_000, "1 MiB of news has many tokens");
}

#[test]
fn empty_and_whitespace_only_texts_yield_nothing() {
    for text in ["", " ", "\t\n\r ", "\u{A0}\u{3000}\u{2028}"] {
        assert_holds("blank", text, check_everything(text));
        let seg = ANALYZER.segment(text, &SegmentOptions::default());
        assert!(
            seg.tokens.is_empty() && seg.sentences.is_empty(),
            "{text:?}"
        );
    }
}

// The checks themselves: each must reject a contract violation, so the tests
// above cannot pass vacuously.

fn one_token(span: Span, segments: Vec<Segment>) -> Segmentation {
    let n = segments.len();
    Segmentation {
        sentences: vec![Sentence { span, tokens: 0..1 }],
        tokens: vec![Token {
            span,
            kind: TokenKind::Word,
            segments: 0..n,
        }],
        segments,
    }
}

fn stem(start: usize, end: usize) -> Segment {
    Segment {
        span: Span::new(start, end),
        role: SegmentRole::Stem,
        form: None,
    }
}

#[test]
fn segmentation_check_accepts_a_valid_segmentation() {
    let text = " وبه ";
    let seg = one_token(Span::new(1, 7), vec![stem(1, 3), stem(3, 7)]);
    assert_eq!(check_segmentation(text, &seg), Ok(()));
}

#[test]
fn segmentation_check_rejects_dropped_text_overlaps_and_gaps() {
    let text = "وبه كتب";
    // The second word is in no token.
    let dropped = one_token(Span::new(0, 6), vec![stem(0, 6)]);
    assert!(check_segmentation(text, &dropped).is_err());
    // Segments that leave a gap inside the token.
    let gap = one_token(Span::new(0, 6), vec![stem(0, 2), stem(4, 6)]);
    assert!(check_segmentation("وبه", &gap).is_err());
    // A token containing whitespace.
    let spaced = one_token(Span::new(0, 13), vec![stem(0, 13)]);
    assert!(check_segmentation(text, &spaced).is_err());
    // A span off a char boundary.
    let split = one_token(Span::new(0, 5), vec![stem(0, 5)]);
    assert!(check_segmentation("وبه", &split).is_err());
    // An untrimmed sentence.
    let mut untrimmed = one_token(Span::new(1, 7), vec![stem(1, 7)]);
    untrimmed.sentences[0].span = Span::new(0, 7);
    assert!(check_segmentation(" وبه", &untrimmed).is_err());
}

#[test]
fn normalization_check_rejects_bad_alignments() {
    let text = "أب";
    let options = NormalizeOptions::preset(Preset::Search);
    // An edit as ((original start, end), (normalized start, end)).
    type Edit = ((usize, usize), (usize, usize));
    // (why it is wrong, normalized text, edits).
    let bad: [(&str, &str, &[Edit]); 3] = [
        ("owned without edits", text, &[]),
        // The edit claims bytes 0..2 changed, but the text after it differs.
        ("wrong tail", "اخ", &[((0, 2), (0, 2))]),
        (
            "out of bounds on the normalized side",
            "اب",
            &[((0, 2), (0, 9))],
        ),
    ];
    for (why, normalized, edits) in bad {
        let n = Normalized {
            text: std::borrow::Cow::Owned(normalized.to_owned()),
            alignment: edits
                .iter()
                .map(|&((a, b), (c, d))| AlignmentEdit {
                    original: Span::new(a, b),
                    normalized: Span::new(c, d),
                })
                .collect(),
        };
        assert!(check_normalized(text, &options, &n).is_err(), "{why}");
    }
}

#[test]
fn normalization_check_accepts_the_identity() {
    let text = "كتاب";
    let options = NormalizeOptions::preset(Preset::None);
    assert_eq!(
        check_normalized(text, &options, &normalize(text, &options)),
        Ok(())
    );
}

/// Proptest cases per property: `PROPTEST_CASES` or 128.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128)
}

/// Analyze options from fuzz-like header values.
fn options_from(bits: u16, mode: usize, min_confidence: f32) -> AnalyzeOptions {
    AnalyzeOptions {
        normalize: normalize_options(bits),
        segment: SegmentOptions {
            clitics: CLITIC_MODES[mode % CLITIC_MODES.len()],
        },
        entities: EntityOptions {
            min_confidence,
            ..EntityOptions::default()
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_on_arbitrary_unicode(
        chars in proptest::collection::vec(any::<char>(), 0..256),
        bits in any::<u16>(),
        mode in 0usize..3,
        min_confidence in 0.0f32..1.0,
    ) {
        let text: String = chars.into_iter().collect();
        let options = options_from(bits, mode, min_confidence);
        check_all(&ANALYZER, &text, &options).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn invariants_hold_on_arabic_heavy_text(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        bits in any::<u16>(),
        mode in 0usize..3,
        min_confidence in 0.0f32..1.0,
    ) {
        let text = alphabet_text(&bytes);
        let options = options_from(bits, mode, min_confidence);
        check_all(&ANALYZER, &text, &options).map_err(TestCaseError::fail)?;
        for clitics in CLITIC_MODES {
            let seg = ANALYZER.segment(&text, &SegmentOptions { clitics });
            for tok in &seg.tokens {
                let word = text.get(tok.span.start..tok.span.end).unwrap_or_default();
                let segs = ANALYZER.segmenter().word_segments(word, clitics);
                check_word_segments(word, &segs).map_err(TestCaseError::fail)?;
            }
        }
    }

    #[test]
    fn invariants_hold_on_arabic_words_and_spaces(
        words in proptest::collection::vec(
            "(و|ف|ب|ل|ك|س|ال|لل|وال|بال)?[ء-غف-ي]{1,8}(ه|ها|هم|هما|كم|نا|ي)?[\u{064B}-\u{0652}]?",
            0..40,
        ),
        seps in proptest::collection::vec("[ \n\t.،؟!]{1,3}", 0..40),
        bits in any::<u16>(),
    ) {
        let mut text = String::new();
        for (i, w) in words.iter().enumerate() {
            text.push_str(w);
            text.push_str(seps.get(i).map_or(" ", String::as_str));
        }
        let options = options_from(bits, usize::from(bits as u8) % 3, 0.0);
        check_all(&ANALYZER, &text, &options).map_err(TestCaseError::fail)?;
    }
}
