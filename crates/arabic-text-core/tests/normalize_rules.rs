//! One test per normalization rule: exact inputs and outputs, each rule alone.

use std::borrow::Cow;

use arabic_text_core::normalize::{
    NormalizeOptions, Normalized, Preset, Rule, normalize, normalize_str,
};

/// Normalizes each input of `cases` under `rules` alone and compares it with
/// the expected output.
fn check(rules: &[Rule], cases: &[(&str, &str)]) {
    let mut o = NormalizeOptions::preset(Preset::None);
    for &rule in rules {
        o.set(rule, true);
    }
    for &(input, expected) in cases {
        assert_eq!(normalize_str(input, &o), expected, "{rules:?} on {input:?}");
    }
}

/// The alignment's edits as ((original start, end), (normalized start, end)).
fn spans(n: &Normalized) -> Vec<((usize, usize), (usize, usize))> {
    n.alignment
        .iter()
        .map(|e| {
            (
                (e.original.start, e.original.end),
                (e.normalized.start, e.normalized.end),
            )
        })
        .collect()
}

#[test]
fn remove_diacritics_deletes_harakat_tanween_shadda_sukun_and_dagger_alef() {
    check(
        &[Rule::RemoveDiacritics],
        &[
            ("كَتَبَ", "كتب"),
            ("مُحَمَّدٌ كِتَابًا بِسْمِ", "محمد كتابا بسم"),
            ("هٰذا الرحمٰن", "هذا الرحمن"),
            // Not CAMeL's set: maddah/hamza above, Quranic marks, tatweel stay.
            (
                "ب\u{0653}ب\u{0654}ب\u{06DB}ـ",
                "ب\u{0653}ب\u{0654}ب\u{06DB}ـ",
            ),
        ],
    );
}

#[test]
fn remove_quranic_marks_deletes_the_other_arabic_marks_only() {
    check(
        &[Rule::RemoveQuranicMarks],
        &[
            ("لَا رَيْبَ ۛ فِيهِ ۛ", "لَا رَيْبَ  فِيهِ "),
            ("محمد\u{0610}", "محمد"),
            ("ا\u{0654}", "ا"),
            // End of ayah U+06DD, rub el hizb U+06DE, small waw U+06E5 are not marks.
            ("\u{06DD}١ \u{06DE} \u{06E5}", "\u{06DD}١ \u{06DE} \u{06E5}"),
            ("كَتَبَ", "كَتَبَ"),
        ],
    );
}

#[test]
fn remove_tatweel_deletes_kashida() {
    check(
        &[Rule::RemoveTatweel],
        &[("العـــربية ـ", "العربية "), ("ـَ", "َ")],
    );
}

#[test]
fn normalize_alef_maps_hamza_madda_and_wasla_alefs() {
    check(
        &[Rule::NormalizeAlef],
        &[
            ("أحمد إلى آمن ٱلله", "احمد الى امن الله"),
            ("ٲ ٳ ٵ", "ٲ ٳ ٵ"),
        ],
    );
}

#[test]
fn normalize_alef_maksura_maps_to_yeh() {
    check(
        &[Rule::NormalizeAlefMaksura],
        &[("على مستشفى", "علي مستشفي"), ("ی", "ی")],
    );
}

#[test]
fn normalize_teh_marbuta_maps_to_heh() {
    check(
        &[Rule::NormalizeTehMarbuta],
        &[("مدرسة جميلةٌ", "مدرسه جميلهٌ"), ("ۃ", "ۃ")],
    );
}

#[test]
fn normalize_hamza_maps_waw_and_yeh_carriers() {
    check(
        &[Rule::NormalizeHamza],
        &[("مؤمن رئيس ء أ", "مومن رييس ء أ")],
    );
}

#[test]
fn normalize_digits_maps_arabic_indic_and_persian_digits_and_separators() {
    check(
        &[Rule::NormalizeDigits],
        &[
            ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
            ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
            ("٣٫١٤ و١٬٠٠٠", "3.14 و1,000"),
            ("٪", "٪"),
        ],
    );
}

#[test]
fn normalize_persian_letters_uses_the_documented_table() {
    check(
        &[Rule::NormalizePersianLetters],
        &[
            ("ک ڪ", "ك ك"),
            ("ی ۍ ێ ې ے ۓ", "ي ي ي ي ي ئ"),
            ("ھ ۀ ہ ۂ ە ۃ", "ه ه ه ه ه ة"),
            // Letters for sounds Arabic lacks are kept.
            ("پ چ ژ گ ڤ ٹ ڈ ڑ ں", "پ چ ژ گ ڤ ٹ ڈ ڑ ں"),
        ],
    );
}

#[test]
fn decompose_presentation_forms_expands_letters_and_ligatures() {
    check(
        &[Rule::DecomposePresentationForms],
        &[
            ("ﻻ ﻷ ﻹ ﻵ", "لا لأ لإ لآ"),
            ("ﷲ", "الله"),
            ("ﷺ", "صلى الله عليه وسلم"),
            ("ﷻ", "جل جلاله"),
            ("﷼ ﷽", "ريال بسم الله الرحمن الرحيم"),
            ("ﺑﺒﺐﺏ", "بببب"),
            ("ﺍﻟﻌﺮﺑﻴﺔ", "العربية"),
            ("\u{FE70}\u{FE7C}", "\u{064B}\u{0651}"),
            ("﴿نص﴾", "(نص)"),
            // BOM is an invisible character, not a presentation form.
            ("\u{FEFF}", "\u{FEFF}"),
        ],
    );
}

#[test]
fn presentation_forms_compose_with_the_letter_rules() {
    check(
        &[
            Rule::DecomposePresentationForms,
            Rule::NormalizeAlef,
            Rule::NormalizeAlefMaksura,
            Rule::RemoveDiacritics,
        ],
        &[("ﻷ ﷺ \u{FC5E}x", "لا صلي الله عليه وسلم x")],
    );
}

#[test]
fn remove_invisible_deletes_format_characters() {
    let input = "\u{FEFF}مي\u{200C}خواهم \u{200E}abc\u{200F} \u{061C}\u{202B}x\u{202C}\u{2067}y\u{2069}\u{00AD}\u{2060}\u{200B}\u{200D}\u{180E}";
    check(
        &[Rule::RemoveInvisible],
        &[
            (input, "ميخواهم abc xy"),
            // Variation selectors are not format controls.
            ("©\u{FE0F}", "©\u{FE0F}"),
        ],
    );
}

#[test]
fn normalize_punctuation_maps_arabic_marks_to_ascii() {
    check(
        &[Rule::NormalizePunctuation],
        &[
            ("نعم، لا؛ لماذا؟ ٥٪ ختم۔", "نعم, لا; لماذا? ٥% ختم."),
            ("٫ ٭", "٫ ٭"),
        ],
    );
}

#[test]
fn collapse_whitespace_folds_runs_and_trims() {
    check(
        &[Rule::CollapseWhitespace],
        &[
            ("  كتب \t قرأ  ", "كتب قرأ"),
            ("سطر \r\n  سطر\n\n\nسطر", "سطر\nسطر\nسطر"),
            ("a\u{00A0}b\u{2009}\u{3000}c\u{2028}d", "a b c\nd"),
            (" \t\n ", ""),
            ("a\u{200B} b", "a\u{200B} b"),
        ],
    );
}

#[test]
fn deleted_characters_inside_whitespace_leave_one_space() {
    check(
        &[
            Rule::RemoveInvisible,
            Rule::RemoveDiacritics,
            Rule::CollapseWhitespace,
        ],
        &[
            ("a \u{200B} \u{064E} b", "a b"),
            ("\u{200B} a \u{200B}", "a"),
        ],
    );
}

#[test]
fn rules_compose_persian_then_letter_folds() {
    check(
        &[
            Rule::NormalizePersianLetters,
            Rule::NormalizeTehMarbuta,
            Rule::NormalizeHamza,
        ],
        &[("ۃ ۓ", "ه ي")],
    );
}

#[test]
fn presets_keep_their_meaning() {
    let text = "\u{FEFF}قالَ   الرئيسُ ــ «إنّ» ﻻ ﷲ ٢٠٢٤، مدرسة مستشفى ڪتاب";
    assert_eq!(
        normalize_str(text, &NormalizeOptions::preset(Preset::None)),
        text
    );
    assert_eq!(
        normalize_str(text, &NormalizeOptions::preset(Preset::Light)),
        "قال   الرئيس  «إن» ﻻ ﷲ ٢٠٢٤، مدرسة مستشفى ڪتاب"
    );
    assert_eq!(
        normalize_str(text, &NormalizeOptions::preset(Preset::Standard)),
        "قال الرئيس «إن» لا الله 2024, مدرسة مستشفى كتاب"
    );
    assert_eq!(
        normalize_str(text, &NormalizeOptions::preset(Preset::Search)),
        "قال الرييس «ان» لا الله 2024, مدرسه مستشفي كتاب"
    );
}

#[test]
fn untouched_text_is_borrowed_without_alignment() {
    let text = "قال الرئيس إن المدرسة جديدة.\nسطر ثان";
    for preset in [Preset::None, Preset::Light, Preset::Standard] {
        let n = normalize(text, &NormalizeOptions::preset(preset));
        assert!(matches!(n.text, Cow::Borrowed(_)), "{preset:?}");
        assert!(n.alignment.is_empty());
    }
    let long = "كتب الولد الدرس في البيت ".repeat(200);
    let long = long.trim_end();
    let n = normalize(long, &NormalizeOptions::preset(Preset::Standard));
    assert!(matches!(n.text, Cow::Borrowed(_)));
}

#[test]
fn alignment_lists_merged_changes_in_both_texts() {
    let text = "كَتَبَ ة";
    let o = NormalizeOptions {
        remove_diacritics: true,
        normalize_teh_marbuta: true,
        ..NormalizeOptions::preset(Preset::None)
    };
    let n = normalize(text, &o);
    assert_eq!(n.text, "كتب ه");
    // كَ|تَ|بَ: each fatha deleted (separate edits), ة → ه.
    assert_eq!(
        spans(&n),
        vec![
            ((2, 4), (2, 2)),
            ((6, 8), (4, 4)),
            ((10, 12), (6, 6)),
            ((13, 15), (7, 9))
        ]
    );
    assert_eq!(n.to_original(6), 12);
    assert_eq!(n.to_original(7), 13);
    assert_eq!(n.to_original(9), 15);
}

#[test]
fn normalized_span_maps_back_to_the_original_word() {
    let text = "  ﷲ أكبر";
    let n = normalize(text, &NormalizeOptions::preset(Preset::Search));
    assert_eq!(n.text, "الله اكبر");
    let word = arabic_text_core::offsets::Span::new(0, "الله".len());
    assert_eq!(n.to_original_span(word).slice(text), "ﷲ");
    let inner = arabic_text_core::offsets::Span::new(2, 4);
    assert_eq!(n.to_original_span(inner).slice(text), "ﷲ");
    let second = arabic_text_core::offsets::Span::new("الله ".len(), n.text.len());
    assert_eq!(n.to_original_span(second).slice(text), "أكبر");
}

#[test]
fn adjacent_replacements_merge_but_deletions_stay_apart() {
    let o = NormalizeOptions::preset(Preset::Search);
    let n = normalize("ةأ\u{064E}  x", &o);
    assert_eq!(n.text, "ها x");
    // ة أ merge; the fatha and the second space are one deletion.
    assert_eq!(
        spans(&n),
        vec![((0, 4), (0, 4)), ((4, 6), (4, 4)), ((7, 8), (5, 5))]
    );
}

/// The rules table of the user docs (README.md or a docs/ page) lists every
/// rule once, with the presets that turn it on, as the declaration does.
#[test]
fn the_docs_rules_table_matches_the_declaration() {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut pages = vec![root.join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        pages.extend(dir.filter_map(|e| e.ok().map(|e| e.path())));
    }
    let page = pages
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .find(|text| text.contains("| `remove_diacritics` |"))
        .expect("a docs page with the rules table");
    let presets = [Preset::Light, Preset::Standard, Preset::Search];
    let mut seen = 0;
    for line in page.lines() {
        let Some(rule) = Rule::ALL
            .into_iter()
            .find(|r| line.starts_with(&format!("| `{}` |", r.name())))
        else {
            continue;
        };
        seen += 1;
        let cells: Vec<&str> = line.trim_end_matches('|').rsplit('|').take(3).collect();
        for (cell, preset) in cells.iter().rev().zip(presets) {
            let on = NormalizeOptions::preset(preset).get(rule);
            assert_eq!(cell.contains('✓'), on, "{} under {preset:?}", rule.name());
        }
    }
    assert_eq!(seen, Rule::ALL.len());
}
