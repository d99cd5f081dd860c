//! The code point tables checked against Unicode itself.

use arabic_text_core::chars;
use arabic_text_core::normalize::{
    NormalizeOptions, Preset, is_whitespace, normalize_str, presentation_expansion,
};
use unicode_normalization::UnicodeNormalization;

/// Code points with no compatibility decomposition that get our own spelling.
const OWN_SPELLING: &[u32] = &[
    0xFD3E, 0xFD3F, 0xFD40, 0xFD41, 0xFD42, 0xFD43, 0xFD44, 0xFD45, 0xFD46, 0xFD47, 0xFD48, 0xFD49,
    0xFD4A, 0xFD4B, 0xFD4C, 0xFD4D, 0xFD4E, 0xFD4F, 0xFDCF, 0xFDFC, 0xFDFD, 0xFDFE, 0xFDFF,
];

#[test]
fn presentation_table_is_nfkc_without_leading_space() {
    let mut mapped = 0;
    for cp in (0xFB50..=0xFDFF).chain(0xFE70..=0xFEFC) {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        if OWN_SPELLING.contains(&cp) {
            assert!(presentation_expansion(c).is_some(), "U+{cp:04X}");
            continue;
        }
        let nfkc: String = c.to_string().nfkc().collect();
        let expected = nfkc.strip_prefix(' ').unwrap_or(&nfkc);
        match presentation_expansion(c) {
            Some(e) => {
                assert_eq!(e, expected, "U+{cp:04X}");
                mapped += 1;
            }
            None => assert_eq!(nfkc, c.to_string(), "U+{cp:04X} has a decomposition"),
        }
    }
    assert!(mapped > 700, "{mapped}");
}

#[test]
fn presentation_expansions_have_spaces_only_between_letters() {
    for cp in 0xFB50..=0xFEFC {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let Some(e) = presentation_expansion(c) else {
            continue;
        };
        let v: Vec<char> = e.chars().collect();
        for (i, &ch) in v.iter().enumerate() {
            if is_whitespace(ch) {
                assert_eq!(ch, ' ', "U+{cp:04X}");
                let before = i.checked_sub(1).and_then(|j| v.get(j));
                let after = v.get(i + 1);
                assert!(
                    before.is_some_and(|&b| chars::is_arabic_letter(b)),
                    "U+{cp:04X}"
                );
                assert!(
                    after.is_some_and(|&a| chars::is_arabic_letter(a)),
                    "U+{cp:04X}"
                );
            }
        }
    }
}

#[test]
fn whitespace_class_is_unicode_white_space() {
    for c in (0u32..0x3100).filter_map(char::from_u32) {
        assert_eq!(is_whitespace(c), c.is_whitespace(), "U+{:04X}", c as u32);
    }
}

#[test]
fn every_single_character_is_a_fixed_point_after_one_pass() {
    let search = NormalizeOptions::preset(Preset::Search);
    let ranges = [
        0x00..0x300,
        0x600..0x800,
        0x1680..0x1900,
        0x2000..0x2070,
        0x3000..0x3001,
        0xFB50..0xFF00,
    ];
    for cp in ranges.into_iter().flatten() {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let s = format!("a{c}b");
        let once = normalize_str(&s, &search).into_owned();
        let twice = normalize_str(&once, &search).into_owned();
        assert_eq!(once, twice, "U+{cp:04X}");
    }
}
