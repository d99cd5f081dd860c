//! Properties of normalization on arbitrary and Arabic-heavy Unicode text.

use std::borrow::Cow;

use arabic_text_core::normalize::{NormalizeOptions, Rule, normalize};
use arabic_text_core::offsets::Span;
use arabic_text_invariants::check_normalized;
use proptest::prelude::*;

/// Characters every rule touches, and their neighbours.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        // Arabic block and supplement: letters, marks, digits, punctuation.
        (0x0600u32..=0x06FF).prop_map(|c| char::from_u32(c).unwrap_or('?')),
        (0x0750u32..=0x077F).prop_map(|c| char::from_u32(c).unwrap_or('?')),
        // Presentation forms A and B.
        (0xFB50u32..=0xFDFF).prop_map(|c| char::from_u32(c).unwrap_or('?')),
        (0xFE70u32..=0xFEFF).prop_map(|c| char::from_u32(c).unwrap_or('?')),
        // General punctuation: spaces, invisible controls, quotes.
        (0x2000u32..=0x206F).prop_map(|c| char::from_u32(c).unwrap_or('?')),
        prop::sample::select(vec![
            ' ', ' ', ' ', '\n', '\r', '\t', '\u{0B}', '\u{0C}', '\u{85}', '\u{A0}', '\u{AD}',
            '\u{1680}', '\u{180E}', '\u{3000}', 'a', '7', '.', '«', '»', 'é',
        ]),
    ]
}

/// Mostly-Arabic text with every kind of touched character.
fn arabic_text() -> impl Strategy<Value = String> {
    prop::collection::vec(interesting_char(), 0..120).prop_map(|v| v.into_iter().collect())
}

/// Arabic-heavy or fully arbitrary text.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![3 => arabic_text(), 1 => any::<String>()]
}

/// A random option set.
fn options() -> impl Strategy<Value = NormalizeOptions> {
    (0..1u16 << Rule::ALL.len()).prop_map(NormalizeOptions::from_bits)
}

/// A rule that maps single characters (every rule but whitespace collapsing).
fn single_char_rule() -> impl Strategy<Value = Rule> {
    let rules: Vec<Rule> = Rule::ALL
        .into_iter()
        .filter(|&r| r != Rule::CollapseWhitespace)
        .collect();
    prop::sample::select(rules)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalization_is_idempotent_and_alignment_rebuilds_output(
        text in prop_oneof![any_text(), whitespace_soup()], o in options()
    ) {
        let n = normalize(&text, &o);
        prop_assert_eq!(check_normalized(&text, &o, &n), Ok(()));
    }

    #[test]
    fn alignment_is_compact_and_cow_reflects_change(text in any_text(), o in options()) {
        let n = normalize(&text, &o);
        match &n.text {
            Cow::Borrowed(s) => {
                prop_assert_eq!(*s, text.as_str());
                prop_assert!(n.alignment.is_empty());
            }
            Cow::Owned(s) => {
                prop_assert_ne!(s, &text);
                prop_assert!(!n.alignment.is_empty());
            }
        }
        for pair in n.alignment.windows(2) {
            // Edits are ordered and disjoint; adjacent ones are merged unless
            // exactly one of them is a deletion.
            prop_assert!(pair[0].original.end <= pair[1].original.start);
            if pair[0].original.end == pair[1].original.start {
                prop_assert_ne!(pair[0].normalized.is_empty(), pair[1].normalized.is_empty());
            }
        }
        for e in &n.alignment {
            // Each edit really changes something.
            prop_assert_ne!(e.original.slice(&text), e.normalized.slice(&n.text));
        }
    }

    #[test]
    fn every_normalized_offset_maps_onto_an_original_boundary(
        text in any_text(), o in options()
    ) {
        let n = normalize(&text, &o);
        let bounds: Vec<usize> = n.text.char_indices().map(|(i, _)| i)
            .chain([n.text.len()]).collect();
        let mut last = 0;
        for &b in &bounds {
            let orig = n.to_original(b);
            prop_assert!(orig <= text.len());
            prop_assert!(text.is_char_boundary(orig));
            prop_assert!(orig >= last, "to_original is monotone");
            last = orig;
        }
        prop_assert_eq!(n.to_original(n.text.len()), text.len());
        for w in bounds.windows(2) {
            let span = n.to_original_span(Span::new(w[0], w[1]));
            prop_assert!(span.start <= span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }

    #[test]
    fn disabled_rules_leave_text_unchanged(text in any_text()) {
        let n = normalize(&text, &NormalizeOptions::default());
        prop_assert!(matches!(n.text, Cow::Borrowed(_)));
        prop_assert!(n.alignment.is_empty());
    }

    #[test]
    fn each_rule_alone_changes_only_the_characters_it_names(text in arabic_text(), rule in single_char_rule()) {
        // Every single-character rule (not whitespace) maps chars in place:
        // removing the named chars' edits leaves the rest identical.
        let o = NormalizeOptions::from_bits(rule.bit());
        let n = normalize(&text, &o);
        for e in &n.alignment {
            for c in e.original.slice(&text).chars() {
                let one = c.to_string();
                let alone = normalize(&one, &o);
                // Every char inside an edit is itself changed by the rule.
                prop_assert!(matches!(alone.text, Cow::Owned(_)), "{:?} in an edit", c);
            }
        }
    }
}

/// A rule of [`reference`]: whether it is on, and what it does to a char.
type Step<T> = (bool, fn(char) -> T);

/// An independent, obviously-correct (slow) implementation of the rules:
/// map every character, then collapse whitespace on the result.
fn reference(text: &str, o: &NormalizeOptions) -> String {
    use arabic_text_core::chars;
    use arabic_text_core::normalize::{
        ascii_digit, ascii_punctuation, is_alef_variant, is_line_break, is_whitespace,
        persian_letter, presentation_expansion,
    };
    // The deleting rules, then the mapping rules in their composing order
    // (the module docs of `normalize`), each with whether it is on.
    let deletes: [Step<bool>; 4] = [
        (o.remove_invisible, chars::is_invisible),
        (o.remove_diacritics, chars::is_diacritic),
        (o.remove_quranic_marks, chars::is_quranic_mark),
        (o.remove_tatweel, |c| c == chars::TATWEEL),
    ];
    let maps: [Step<char>; 7] = [
        (o.normalize_persian_letters, persian_letter),
        (
            o.normalize_alef,
            |c| if is_alef_variant(c) { 'ا' } else { c },
        ),
        (o.normalize_alef_maksura, |c| if c == 'ى' { 'ي' } else { c }),
        (o.normalize_teh_marbuta, |c| if c == 'ة' { 'ه' } else { c }),
        (o.normalize_hamza, |c| match c {
            'ؤ' => 'و',
            'ئ' => 'ي',
            _ => c,
        }),
        (o.normalize_digits, ascii_digit),
        (o.normalize_punctuation, ascii_punctuation),
    ];
    let fold = |c: char, out: &mut String| {
        if deletes.iter().any(|&(on, deleted)| on && deleted(c)) {
            return;
        }
        out.push(
            maps.iter()
                .filter(|&&(on, _)| on)
                .fold(c, |d, &(_, map)| map(d)),
        );
    };
    let mut mapped = String::new();
    for c in text.chars() {
        if o.collapse_whitespace && is_whitespace(c) {
            mapped.push(c);
        } else if let Some(e) = o
            .decompose_presentation_forms
            .then(|| presentation_expansion(c))
            .flatten()
        {
            e.chars().for_each(|e| fold(e, &mut mapped));
        } else {
            fold(c, &mut mapped);
        }
    }
    if !o.collapse_whitespace {
        return mapped;
    }
    let mut out = String::new();
    let mut run: Option<bool> = None;
    for c in mapped.chars() {
        if is_whitespace(c) {
            run = Some(run.unwrap_or(false) || is_line_break(c));
            continue;
        }
        if let Some(has_break) = run.take()
            && !out.is_empty()
        {
            out.push(if has_break { '\n' } else { ' ' });
        }
        out.push(c);
    }
    out
}

/// Long mostly-plain Arabic text with rare touched characters, so the block
/// scanner skips most of it.
fn long_arabic_text() -> impl Strategy<Value = String> {
    let plain = prop::sample::select(vec!['ك', 'ت', 'ب', 'م', 'ن', 'ل', 'ا', ' ', 'a', '.']);
    prop::collection::vec(prop_oneof![12 => plain, 1 => interesting_char()], 0..600)
        .prop_map(|v| v.into_iter().collect())
}

/// Spaces, line breaks and deletable characters densely mixed with letters:
/// every whitespace-run situation (leading, trailing, across blocks).
fn whitespace_soup() -> impl Strategy<Value = String> {
    let c = prop::sample::select(vec![
        ' ', ' ', '\n', '\t', '\r', '\u{A0}', '\u{2029}', 'a', 'ب', '\u{200B}', '\u{064E}', 'ـ',
        '\u{FE70}', 'ﻻ', 'ة',
    ]);
    prop::collection::vec(c, 0..80).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn output_equals_the_character_by_character_reference(
        text in prop_oneof![long_arabic_text(), any_text(), whitespace_soup()], o in options()
    ) {
        let n = normalize(&text, &o);
        prop_assert_eq!(n.text.as_ref(), reference(&text, &o));
    }
}
