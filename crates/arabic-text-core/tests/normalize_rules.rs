//! One test per normalization rule: exact inputs and outputs, each rule alone.

use std::borrow::Cow;

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize, normalize_str};

/// No rule enabled.
fn none() -> NormalizeOptions {
    NormalizeOptions::preset(Preset::None)
}

/// Normalizes under `options` and returns the text.
fn run(text: &str, options: NormalizeOptions) -> String {
    normalize_str(text, &options).into_owned()
}

#[test]
fn remove_diacritics_deletes_harakat_tanween_shadda_sukun_and_dagger_alef() {
    let o = NormalizeOptions {
        remove_diacritics: true,
        ..none()
    };
    assert_eq!(run("كَتَبَ", o), "كتب");
    assert_eq!(run("مُحَمَّدٌ كِتَابًا بِسْمِ", o), "محمد كتابا بسم");
    assert_eq!(run("هٰذا الرحمٰن", o), "هذا الرحمن");
    // Not CAMeL's set: maddah/hamza above, Quranic marks, tatweel stay.
    assert_eq!(
        run("ب\u{0653}ب\u{0654}ب\u{06DB}ـ", o),
        "ب\u{0653}ب\u{0654}ب\u{06DB}ـ"
    );
}

#[test]
fn remove_quranic_marks_deletes_the_other_arabic_marks_only() {
    let o = NormalizeOptions {
        remove_quranic_marks: true,
        ..none()
    };
    assert_eq!(run("لَا رَيْبَ ۛ فِيهِ ۛ", o), "لَا رَيْبَ  فِيهِ ");
    assert_eq!(run("محمد\u{0610}", o), "محمد");
    assert_eq!(run("ا\u{0654}", o), "ا");
    // End of ayah U+06DD, rub el hizb U+06DE, small waw U+06E5 are not marks.
    assert_eq!(
        run("\u{06DD}١ \u{06DE} \u{06E5}", o),
        "\u{06DD}١ \u{06DE} \u{06E5}"
    );
    assert_eq!(run("كَتَبَ", o), "كَتَبَ");
}

#[test]
fn remove_tatweel_deletes_kashida() {
    let o = NormalizeOptions {
        remove_tatweel: true,
        ..none()
    };
    assert_eq!(run("العـــربية ـ", o), "العربية ");
    assert_eq!(run("ـَ", o), "َ");
}

#[test]
fn normalize_alef_maps_hamza_madda_and_wasla_alefs() {
    let o = NormalizeOptions {
        normalize_alef: true,
        ..none()
    };
    assert_eq!(run("أحمد إلى آمن ٱلله", o), "احمد الى امن الله");
    assert_eq!(run("ٲ ٳ ٵ", o), "ٲ ٳ ٵ");
}

#[test]
fn normalize_alef_maksura_maps_to_yeh() {
    let o = NormalizeOptions {
        normalize_alef_maksura: true,
        ..none()
    };
    assert_eq!(run("على مستشفى", o), "علي مستشفي");
    assert_eq!(run("ی", o), "ی");
}

#[test]
fn normalize_teh_marbuta_maps_to_heh() {
    let o = NormalizeOptions {
        normalize_teh_marbuta: true,
        ..none()
    };
    assert_eq!(run("مدرسة جميلةٌ", o), "مدرسه جميلهٌ");
    assert_eq!(run("ۃ", o), "ۃ");
}

#[test]
fn normalize_hamza_maps_waw_and_yeh_carriers() {
    let o = NormalizeOptions {
        normalize_hamza: true,
        ..none()
    };
    assert_eq!(run("مؤمن رئيس ء أ", o), "مومن رييس ء أ");
}

#[test]
fn normalize_digits_maps_arabic_indic_and_persian_digits_and_separators() {
    let o = NormalizeOptions {
        normalize_digits: true,
        ..none()
    };
    assert_eq!(run("٠١٢٣٤٥٦٧٨٩", o), "0123456789");
    assert_eq!(run("۰۱۲۳۴۵۶۷۸۹", o), "0123456789");
    assert_eq!(run("٣٫١٤ و١٬٠٠٠", o), "3.14 و1,000");
    assert_eq!(run("٪", o), "٪");
}

#[test]
fn normalize_persian_letters_uses_the_documented_table() {
    let o = NormalizeOptions {
        normalize_persian_letters: true,
        ..none()
    };
    assert_eq!(run("ک ڪ", o), "ك ك");
    assert_eq!(run("ی ۍ ێ ې ے ۓ", o), "ي ي ي ي ي ئ");
    assert_eq!(run("ھ ۀ ہ ۂ ە ۃ", o), "ه ه ه ه ه ة");
    // Letters for sounds Arabic lacks are kept.
    assert_eq!(run("پ چ ژ گ ڤ ٹ ڈ ڑ ں", o), "پ چ ژ گ ڤ ٹ ڈ ڑ ں");
}

#[test]
fn decompose_presentation_forms_expands_letters_and_ligatures() {
    let o = NormalizeOptions {
        decompose_presentation_forms: true,
        ..none()
    };
    assert_eq!(run("ﻻ ﻷ ﻹ ﻵ", o), "لا لأ لإ لآ");
    assert_eq!(run("ﷲ", o), "الله");
    assert_eq!(run("ﷺ", o), "صلى الله عليه وسلم");
    assert_eq!(run("ﷻ", o), "جل جلاله");
    assert_eq!(run("﷼ ﷽", o), "ريال بسم الله الرحمن الرحيم");
    assert_eq!(run("ﺑﺒﺐﺏ", o), "بببب");
    assert_eq!(run("ﺍﻟﻌﺮﺑﻴﺔ", o), "العربية");
    assert_eq!(run("\u{FE70}\u{FE7C}", o), "\u{064B}\u{0651}");
    assert_eq!(run("﴿نص﴾", o), "(نص)");
    // BOM is an invisible character, not a presentation form.
    assert_eq!(run("\u{FEFF}", o), "\u{FEFF}");
}

#[test]
fn presentation_forms_compose_with_the_letter_rules() {
    let o = NormalizeOptions {
        decompose_presentation_forms: true,
        normalize_alef: true,
        normalize_alef_maksura: true,
        remove_diacritics: true,
        ..none()
    };
    assert_eq!(run("ﻷ ﷺ \u{FC5E}x", o), "لا صلي الله عليه وسلم x");
}

#[test]
fn remove_invisible_deletes_format_characters() {
    let o = NormalizeOptions {
        remove_invisible: true,
        ..none()
    };
    let input = "\u{FEFF}مي\u{200C}خواهم \u{200E}abc\u{200F} \u{061C}\u{202B}x\u{202C}\u{2067}y\u{2069}\u{00AD}\u{2060}\u{200B}\u{200D}\u{180E}";
    assert_eq!(run(input, o), "ميخواهم abc xy");
    // Variation selectors are not format controls.
    assert_eq!(run("©\u{FE0F}", o), "©\u{FE0F}");
}

#[test]
fn normalize_punctuation_maps_arabic_marks_to_ascii() {
    let o = NormalizeOptions {
        normalize_punctuation: true,
        ..none()
    };
    assert_eq!(run("نعم، لا؛ لماذا؟ ٥٪ ختم۔", o), "نعم, لا; لماذا? ٥% ختم.");
    assert_eq!(run("٫ ٭", o), "٫ ٭");
}

#[test]
fn collapse_whitespace_folds_runs_and_trims() {
    let o = NormalizeOptions {
        collapse_whitespace: true,
        ..none()
    };
    assert_eq!(run("  كتب \t قرأ  ", o), "كتب قرأ");
    assert_eq!(run("سطر \r\n  سطر\n\n\nسطر", o), "سطر\nسطر\nسطر");
    assert_eq!(run("a\u{00A0}b\u{2009}\u{3000}c\u{2028}d", o), "a b c\nd");
    assert_eq!(run(" \t\n ", o), "");
    assert_eq!(run("a\u{200B} b", o), "a\u{200B} b");
}

#[test]
fn deleted_characters_inside_whitespace_leave_one_space() {
    let o = NormalizeOptions {
        remove_invisible: true,
        remove_diacritics: true,
        collapse_whitespace: true,
        ..none()
    };
    assert_eq!(run("a \u{200B} \u{064E} b", o), "a b");
    assert_eq!(run("\u{200B} a \u{200B}", o), "a");
}

#[test]
fn rules_compose_persian_then_letter_folds() {
    let o = NormalizeOptions {
        normalize_persian_letters: true,
        normalize_teh_marbuta: true,
        normalize_hamza: true,
        ..none()
    };
    assert_eq!(run("ۃ ۓ", o), "ه ي");
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
        ..none()
    };
    let n = normalize(text, &o);
    assert_eq!(n.text, "كتب ه");
    let spans: Vec<_> = n
        .alignment
        .iter()
        .map(|e| {
            (
                (e.original.start, e.original.end),
                (e.normalized.start, e.normalized.end),
            )
        })
        .collect();
    // كَ|تَ|بَ: each fatha deleted (separate edits), ة → ه.
    assert_eq!(
        spans,
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
    let spans: Vec<_> = n
        .alignment
        .iter()
        .map(|e| {
            (
                (e.original.start, e.original.end),
                (e.normalized.start, e.normalized.end),
            )
        })
        .collect();
    // ة أ merge; the fatha and the second space are one deletion.
    assert_eq!(
        spans,
        vec![((0, 4), (0, 4)), ((4, 6), (4, 4)), ((7, 8), (5, 5))]
    );
}

/// The rules table of the user docs (README.md or a docs/ page) lists every
/// rule once, with the presets that turn it on, as the declaration does.
#[test]
fn the_docs_rules_table_matches_the_declaration() {
    use arabic_text_core::normalize::Rule;
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
