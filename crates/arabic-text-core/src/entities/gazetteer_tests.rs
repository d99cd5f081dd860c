//! Tests of the parent module.
use super::*;
use crate::entities::fold::proclitic_variants;
use proptest::prelude::*;

/// The matcher this module had before the automaton: a key string built
/// and hashed for every start and every length (words × longest
/// phrase²). The automaton must find exactly what it found.
fn reference_find(
    entries: &[GazetteerEntry],
    text: &str,
    units: &[Unit],
) -> Vec<(Span, EntityKind)> {
    let mut map: FxMap<String, EntityKind> = FxMap::default();
    let mut max_units = 0;
    for e in entries {
        let parts = folded_parts(&e.phrase);
        if !parts.is_empty() {
            max_units = max_units.max(parts.len());
            map.insert(parts.join(" "), e.kind);
        }
    }
    let mut out = Vec::new();
    if map.is_empty() {
        return out;
    }
    let mut i = 0;
    let mut key = String::new();
    while i < units.len() {
        let mut matched = 0;
        let first = &units[i];
        let mut firsts: Vec<(usize, String)> = vec![(0, first.folded.clone())];
        if first.is_word {
            firsts.extend(proclitic_variants(&first.folded));
        }
        'len: for n in (1..=max_units.min(units.len() - i)).rev() {
            for (pchars, head) in &firsts {
                key.clear();
                key.push_str(head);
                for u in &units[i + 1..i + n] {
                    key.push(' ');
                    key.push_str(&u.folded);
                }
                if let Some(&kind) = map.get(key.as_str()) {
                    let word = text.get(first.span.start..first.span.end).unwrap_or("");
                    let start = first.span.start + orig_offset(word, *pchars);
                    let end = units[i + n - 1].span.end;
                    out.push((Span::new(start, end), kind));
                    matched = n;
                    break 'len;
                }
            }
        }
        i += matched.max(1);
    }
    out
}

/// Units of `text` cut as [`crate::entities::units::units`] cuts a token:
/// word runs and single punctuation marks, whitespace skipped.
fn simple_units(text: &str) -> Vec<Unit> {
    let wordish = |c: char| is_word_char(c) || is_word_internal(c) || is_digit(c);
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        if wordish(c) {
            while let Some(&(j, d)) = it.peek() {
                if !wordish(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
        }
        out.push(Unit {
            span: Span::new(i, end),
            segmented_core: None,
            sentence: 0,
            is_word: wordish(c),
            folded: fold(&text[i..end]),
        });
    }
    out
}

fn entry(phrase: &str, kind: EntityKind) -> GazetteerEntry {
    GazetteerEntry {
        phrase: phrase.to_string(),
        kind,
    }
}

fn spans(text: &str, found: &[(Span, EntityKind)]) -> Vec<(String, EntityKind)> {
    found
        .iter()
        .map(|(s, k)| (text[s.start..s.end].to_string(), *k))
        .collect()
}

#[test]
fn finds_longest_phrases_after_proclitics() {
    use EntityKind::*;
    let g = Gazetteer::from_entries(&[
        entry("لبنان", Location),
        entry("جبل لبنان", Location),
        entry("الأمم المتحدة", Organization),
        entry("العراق", Location),
        entry("شركة نفط", Misc),
        entry("شركة نفط الشمال", Organization),
    ]);
    let text = "من ولبنان إلى جبل لبنان وللأمم المتحدة وللعراق، شركة نفط الجنوب وشركة نفط الشمال";
    let got = spans(text, &g.find(text, &simple_units(text)));
    assert_eq!(
        got,
        vec![
            ("لبنان".to_string(), Location),
            ("جبل لبنان".to_string(), Location),
            ("لأمم المتحدة".to_string(), Organization),
            ("لعراق".to_string(), Location),
            ("شركة نفط".to_string(), Misc),
            ("شركة نفط الشمال".to_string(), Organization),
        ]
    );
}

#[test]
fn a_later_entry_for_the_same_phrase_wins() {
    let g = Gazetteer::from_entries(&[
        entry("بغداد", EntityKind::Organization),
        entry("بَغداد", EntityKind::Location),
    ]);
    let text = "في بغداد";
    assert_eq!(
        spans(text, &g.find(text, &simple_units(text))),
        vec![("بغداد".to_string(), EntityKind::Location)]
    );
}

#[test]
fn presentation_forms_and_persian_letters_match_the_folded_phrase() {
    let g = Gazetteer::from_entries(&[entry("كركوك", EntityKind::Location)]);
    for text in ["في کرکوک اليوم", "في ﻛﺮﻛﻮﻙ اليوم", "وﻛﺮﻛﻮﻙ"]
    {
        let found = g.find(text, &simple_units(text));
        assert_eq!(found.len(), 1, "{text}");
        let (span, _) = found[0];
        let matched = &text[span.start..span.end];
        assert_eq!(fold(matched), "كركوك", "{text}: {matched}");
    }
    // The phrase itself in presentation forms.
    let g = Gazetteer::from_entries(&[entry("ﺑﻐﺪﺍﺩ", EntityKind::Location)]);
    let text = "زار بغداد";
    assert_eq!(spans(text, &g.find(text, &simple_units(text))).len(), 1);
}

/// Phrases whose words repeat (the worst case of the old matcher and
/// of a plain trie walk) over text that repeats their prefix.
#[test]
fn work_is_linear_in_the_text_whatever_the_phrases() {
    let word = "سلام";
    let phrase = format!("{} نهاية", vec![word; 400].join(" "));
    let g = Gazetteer::from_entries(&[entry(&phrase, EntityKind::Misc)]);
    for n in [1_000usize, 4_000] {
        let text = vec![word; n].join(" ");
        let units = simple_units(&text);
        let (found, steps) = g.find_counting(&text, &units);
        assert!(found.is_empty());
        assert!(
            steps <= 2 * units.len(),
            "{steps} steps for {} units",
            units.len()
        );
    }
    // A match of the whole phrase is found, after a long prefix run.
    let text = format!("{} {phrase}", vec![word; 1000].join(" "));
    let units = simple_units(&text);
    let (found, steps) = g.find_counting(&text, &units);
    assert_eq!(found.len(), 1);
    assert!(steps <= 2 * units.len());
    assert_eq!(found[0].0.end, text.len());
}

#[test]
fn request_bounds_name_the_entry() {
    let ok = entry("بغداد", EntityKind::Location);
    assert_eq!(check_request(std::slice::from_ref(&ok)), Ok(()));
    let long = entry(&"ب".repeat(MAX_PHRASE_BYTES), EntityKind::Location);
    let many = entry(
        &vec!["ب"; MAX_PHRASE_UNITS + 1].join(" "),
        EntityKind::Location,
    );
    let marks = entry("\u{64E}\u{640}\u{200C}", EntityKind::Location);
    let punct = entry("،!", EntityKind::Location);
    let errors = check_request(&[ok.clone(), long, many, marks, punct]).expect_err("bad entries");
    assert_eq!(
        errors,
        vec![
            GazetteerError::PhraseTooLong {
                index: 1,
                bytes: 2 * MAX_PHRASE_BYTES
            },
            GazetteerError::TooManyUnits {
                index: 2,
                units: MAX_PHRASE_UNITS + 1
            },
            GazetteerError::NoWord { index: 3 },
            GazetteerError::NoWord { index: 4 },
        ]
    );
    assert!(errors[2].to_string().starts_with("gazetteer entry 3:"));
    let too_many = vec![ok; MAX_REQUEST_ENTRIES + 1];
    assert_eq!(
        check_request(&too_many),
        Err(vec![GazetteerError::TooManyEntries {
            count: MAX_REQUEST_ENTRIES + 1
        }])
    );
    assert_eq!(errors[0].index(), Some(1));
}

#[test]
fn operator_files_refuse_phrases_without_a_word() {
    assert!(parse_tsv("بغداد\tLOC\n").is_ok());
    let err = parse_tsv("بغداد\tLOC\n\u{640}\u{64B}\tLOC\n").expect_err("tatweel only");
    assert!(err.starts_with("line 2:"), "{err}");
    assert!(parse_tsv("...\tORG\n").is_err());
}

#[test]
fn work_estimate_counts_the_gazetteer() {
    let e = entry("بغداد", EntityKind::Location);
    assert_eq!(work_estimate(100, &[]), 100);
    assert_eq!(
        work_estimate(100, &[e.clone(), e]),
        100 + 2 * (10 + ENTRY_WORK)
    );
}

/// Words that exercise proclitics (و ل ك ب ف + ال / لل), presentation
/// forms, Persian letters, diacritics and punctuation.
const WORDS: &[&str] = &[
    "لبنان",
    "ولبنان",
    "بلبنان",
    "وبلبنان",
    "جبل",
    "الجبل",
    "للجبل",
    "وللجبل",
    "اللاذقية",
    "للاذقية",
    "وللاذقية",
    "لاذقية",
    "ال",
    "و",
    "ل",
    "لل",
    "كركوك",
    "کرکوک",
    "ﻛﺮﻛﻮﻙ",
    "وكركوك",
    "بَغْدَاد",
    "بغداد",
    "ﺑﻐﺪﺍﺩ",
    "فبغداد",
    "سلام",
    "ـ",
    "\u{64E}",
    "،",
    ".",
    "(",
    ")",
    "2024",
    "٢٠٢٤",
    "ﻻ",
    "لا",
    "ولا",
    "ﷲ",
    "الله",
    "والله",
    "لله",
];

fn words() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(proptest::sample::select(WORDS), 0..40)
}

fn gazetteer() -> impl Strategy<Value = Vec<GazetteerEntry>> {
    let kind = proptest::sample::select(vec![
        EntityKind::Person,
        EntityKind::Location,
        EntityKind::Organization,
        EntityKind::Misc,
    ]);
    let phrase = proptest::collection::vec(proptest::sample::select(WORDS), 1..5);
    proptest::collection::vec((phrase, kind), 0..12).prop_map(|es| {
        es.into_iter()
            .map(|(ws, kind)| entry(&ws.join(" "), kind))
            .collect()
    })
}

proptest! {
    #[test]
    fn the_automaton_finds_what_the_old_matcher_found(
        text in words(), entries in gazetteer(), glue in proptest::sample::select(vec![" ", "  ", "\n"]),
    ) {
        let text = text.join(glue);
        let units = simple_units(&text);
        let g = Gazetteer::from_entries(&entries);
        let (found, steps) = g.find_counting(&text, &units);
        prop_assert_eq!(&found, &reference_find(&entries, &text, &units));
        prop_assert!(steps <= 2 * units.len());
        // Extending in two steps is the same as one gazetteer.
        let (a, b) = entries.split_at(entries.len() / 2);
        let mut two = Gazetteer::from_entries(a);
        two.extend(b);
        prop_assert_eq!(two.find(&text, &units), found);
    }
}
