//! Arabic code point classes shared by the normalizer, the segmenter and the
//! entity extractor. Every predicate names the exact code points it accepts.

/// Harakat, tanween, shadda and sukun U+064B..U+0652 plus dagger alef U+0670:
/// exactly what CAMeL Tools `dediac_ar` deletes.
pub const fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}')
}

/// Other Arabic combining marks: honorifics U+0610..U+061A, U+0653..U+065F and
/// Quranic annotation marks U+06D6..U+06DC, U+06DF..U+06E4, U+06E7, U+06E8,
/// U+06EA..U+06ED. (U+06DD and U+06DE are not marks; U+06E5/06E6 are letters.)
pub const fn is_quranic_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0610}'..='\u{061A}'
            | '\u{0653}'..='\u{065F}'
            | '\u{06D6}'..='\u{06DC}'
            | '\u{06DF}'..='\u{06E4}'
            | '\u{06E7}'
            | '\u{06E8}'
            | '\u{06EA}'..='\u{06ED}'
    )
}

/// Any Arabic combining mark: [`is_diacritic`] or [`is_quranic_mark`].
pub const fn is_arabic_mark(c: char) -> bool {
    is_diacritic(c) || is_quranic_mark(c)
}

/// Tatweel (kashida) U+0640.
pub const TATWEEL: char = '\u{0640}';

/// Invisible format characters that carry no letters: soft hyphen U+00AD, Arabic
/// letter mark U+061C, Mongolian vowel separator U+180E, ZWSP/ZWNJ/ZWJ U+200B..U+200D,
/// LRM/RLM U+200E U+200F, bidi embeddings U+202A..U+202E, word joiner and
/// invisible operators U+2060..U+2064, bidi isolates U+2066..U+2069, deprecated
/// format controls U+206A..U+206F, BOM / ZWNBSP U+FEFF.
pub const fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Arabic letters of the basic block and its extensions: U+0620..U+063F,
/// U+0641..U+064A, U+066E..U+066F, U+0671..U+06D3, U+06D5, U+06EE..U+06EF,
/// U+06FA..U+06FC, U+06FF, U+0750..U+077F, U+08A0..U+08C9 (letters only).
pub const fn is_arabic_letter(c: char) -> bool {
    matches!(
        c,
        '\u{0620}'..='\u{063F}'
            | '\u{0641}'..='\u{064A}'
            | '\u{066E}'..='\u{066F}'
            | '\u{0671}'..='\u{06D3}'
            | '\u{06D5}'
            | '\u{06EE}'..='\u{06EF}'
            | '\u{06FA}'..='\u{06FC}'
            | '\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{08A0}'..='\u{08C9}'
    )
}

/// Arabic presentation forms: Forms-A U+FB50..U+FDFF and Forms-B U+FE70..U+FEFC.
pub const fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
}

/// Arabic-Indic digits U+0660..U+0669.
pub const fn is_arabic_indic_digit(c: char) -> bool {
    matches!(c, '\u{0660}'..='\u{0669}')
}

/// Extended Arabic-Indic (Persian/Urdu) digits U+06F0..U+06F9.
pub const fn is_persian_digit(c: char) -> bool {
    matches!(c, '\u{06F0}'..='\u{06F9}')
}

/// The value 0..=9 of an ASCII, Arabic-Indic or Persian digit.
pub const fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// Any decimal digit the service reads as a number (ASCII, Arabic-Indic, Persian).
pub const fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// A letter of a word: an Arabic letter, a presentation form, or any other
/// alphabetic character.
pub fn is_word_char(c: char) -> bool {
    is_arabic_letter(c) || is_presentation_form(c) || c.is_alphabetic()
}

/// A char that lives inside a word without being a letter of it: Arabic marks,
/// tatweel, other combining marks and the joiners ZWNJ/ZWJ.
pub fn is_word_internal(c: char) -> bool {
    is_arabic_mark(c) || c == TATWEEL || matches!(c, '\u{200C}' | '\u{200D}') || unicode_mark(c)
}

/// General category M* (combining marks), approximated by the combining blocks.
fn unicode_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{0591}'..='\u{05BD}'
            | '\u{0E31}'
            | '\u{0E34}'..='\u{0E3A}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Arabic punctuation: comma U+060C, semicolon U+061B, question mark U+061F,
/// full stop U+06D4, percent U+066A, decimal/thousands separators U+066B U+066C,
/// five-pointed star U+066D, date separator U+060D, ornate parentheses U+FD3E U+FD3F.
pub const fn is_arabic_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{060C}' | '\u{060D}' | '\u{061B}' | '\u{061F}' | '\u{066A}'
            ..='\u{066D}' | '\u{06D4}' | '\u{FD3E}' | '\u{FD3F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dediac_set_matches_camel() {
        let marks: Vec<char> = ('\u{0600}'..='\u{06FF}')
            .filter(|&c| is_diacritic(c))
            .collect();
        assert_eq!(marks.len(), 9);
        assert!(is_diacritic('\u{0670}'));
        assert!(!is_diacritic('\u{0653}'));
    }

    #[test]
    fn letters_and_marks_are_disjoint() {
        for c in '\u{0600}'..='\u{08FF}' {
            assert!(!(is_arabic_letter(c) && is_arabic_mark(c)), "{c:?}");
        }
    }

    #[test]
    fn digit_values() {
        assert_eq!(digit_value('٣'), Some(3));
        assert_eq!(digit_value('۷'), Some(7));
        assert_eq!(digit_value('x'), None);
    }
}
