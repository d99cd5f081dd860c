//! Search folding and a small frequency-checked clitic stripper used for NER
//! features and for trimming clitics off mention spans.

use std::borrow::Cow;

use crate::chars::{TATWEEL, digit_value, is_arabic_mark, is_invisible, is_presentation_form};
use crate::normalize::{persian_letter, presentation_expansion};

/// Folds a word for matching: presentation forms become their letters
/// (ﺑﻐﺪﺍﺩ → بغداد, ﷲ → الله) and Persian letter variants the Arabic letter
/// (ک → ك, ی → ي); then drops diacritics, Quranic marks, tatweel and
/// invisible characters; أ إ آ ٱ → ا, ى → ي, ة → ه; Arabic-Indic and
/// Persian digits → ASCII; Latin letters lower-cased.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`] appending to `out`.
pub fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        fold_char(c, out);
    }
}

/// Appends the folded form of `c` (zero, one or, for a presentation form,
/// several chars) to `out`; returns how many chars it appended.
fn fold_char(c: char, out: &mut String) -> usize {
    // Most text is basic Arabic letters and ASCII, which fold to one char
    // without the table look-ups (the tests check every char of these
    // ranges against the general path).
    match c {
        'ء'..='غ' | 'ف'..='ي' => {
            out.push(match c {
                'أ' | 'إ' | 'آ' => 'ا',
                'ى' => 'ي',
                'ة' => 'ه',
                _ => c,
            });
            1
        }
        '\0'..='\x7f' => {
            out.push(c.to_ascii_lowercase());
            1
        }
        _ => fold_char_general(c, out),
    }
}

/// [`fold_char`] without its fast path.
fn fold_char_general(c: char, out: &mut String) -> usize {
    match presentation_expansion(c) {
        Some(expansion) => expansion.chars().map(|d| fold_letter(d, out)).sum(),
        None => fold_letter(c, out),
    }
}

/// [`fold_char`] of a char that is not a presentation form.
fn fold_letter(c: char, out: &mut String) -> usize {
    let c = persian_letter(c);
    if dropped(c) {
        return 0;
    }
    let c = match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        'A'..='Z' => c.to_ascii_lowercase(),
        _ => match digit_value(c) {
            Some(d) if !c.is_ascii_digit() => char::from(b'0' + d as u8),
            _ => c,
        },
    };
    out.push(c);
    1
}

/// Whether [`fold`] drops `c` (a letter, not a presentation form).
fn dropped(c: char) -> bool {
    is_arabic_mark(c) || c == TATWEEL || is_invisible(c)
}

/// Number of chars [`fold`] makes of `c`.
fn folded_len(c: char) -> usize {
    match presentation_expansion(c) {
        Some(expansion) => expansion.chars().filter(|&d| !dropped(d)).count(),
        None => usize::from(!dropped(c)),
    }
}

/// `word` with its presentation forms written as letters and its Persian
/// letter variants as the Arabic letters, marks and everything else kept:
/// what the tagger reads, so ﺑﻐﺪﺍﺩ and کرکوک look like بغداد and كركوك.
/// Borrowed when there is nothing to change.
pub fn canonical(word: &str) -> Cow<'_, str> {
    let changes = |c: char| is_presentation_form(c) || persian_letter(c) != c;
    if !word.chars().any(changes) {
        return Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len() + 8);
    for c in word.chars() {
        match presentation_expansion(c) {
            Some(expansion) => out.extend(expansion.chars().map(persian_letter)),
            None => out.push(persian_letter(c)),
        }
    }
    Cow::Owned(out)
}

/// A word's shape class: digits, Latin, Arabic, punctuation, mixed.
pub(crate) fn shape(word: &str) -> u8 {
    let (mut ar, mut la, mut di, mut ot) = (false, false, false, false);
    for c in word.chars() {
        if c.is_ascii_digit() {
            di = true;
        } else if c.is_ascii_alphabetic() {
            la = true;
        } else if crate::chars::is_arabic_letter(c) {
            ar = true;
        } else {
            ot = true;
        }
    }
    match (ar, la, di, ot) {
        (true, false, false, false) => b'a',
        (false, true, false, false) => b'l',
        (false, false, true, false) => b'd',
        (false, false, false, true) => b'p',
        (false, false, true, true) => b'n',
        _ => b'm',
    }
}

/// Proclitic strings a word may start with, longest first (folded forms),
/// in the order a gazetteer match prefers them. `ال` is handled separately
/// as the article.
pub(crate) const PROCLITICS: [&str; 12] = [
    "وب", "ول", "وك", "فب", "فل", "فك", "وس", "و", "ف", "ب", "ل", "ك",
];

/// Number of chars of `s`.
fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Splits a folded word into (proclitics, article, rest) greedily: a
/// proclitic comes off when at least 3 chars stay, the article when at least
/// 2 chars stay. `لل` at the start after a proclitic is ل + (ا)ل.
pub fn split_greedy(folded: &str) -> (&str, &str, &str) {
    let mut pro_end = 0;
    for p in PROCLITICS {
        if let Some(rest) = folded.strip_prefix(p)
            && char_len(rest) >= 3
        {
            pro_end = p.len();
            break;
        }
    }
    let rest = &folded[pro_end..];
    if let Some(stem) = rest.strip_prefix("ال")
        && char_len(stem) >= 2
    {
        return (&folded[..pro_end], &rest[..2 * 'ا'.len_utf8()], stem);
    }
    // ل + ال → لل
    if pro_end > 0
        && folded[..pro_end].ends_with('ل')
        && let Some(stem) = rest.strip_prefix('ل')
        && char_len(stem) >= 2
    {
        return (&folded[..pro_end], &rest[..'ل'.len_utf8()], stem);
    }
    (&folded[..pro_end], "", rest)
}

/// The greedy clitic-free stem with the article kept (`والعراق` → `العراق`).
pub fn stem_with_article(folded: &str) -> String {
    let (pro, art, stem) = split_greedy(folded);
    if pro.ends_with('ل') && art == "ل" {
        format!("ال{stem}")
    } else {
        folded[pro.len()..].to_string()
    }
}

/// Byte length of the proclitics to drop from the start of `word` (original
/// spelling) so a mention span starts at its stem: a proclitic comes off only
/// when `known` (a frequency or gazetteer check on folded forms) prefers the
/// rest over the whole word. Keeps ال.
pub fn proclitic_len(word: &str, known: impl Fn(&str) -> f32) -> usize {
    let folded = fold(word);
    let whole = known(&folded);
    // Shortest proclitic whose rest is preferred over the whole word; a
    // longer one only when its rest is clearly better (by 1 Zipf point):
    // وكركوك → و|كركوك, not وك|ركوك.
    let mut cands: Vec<(usize, f32)> = Vec::new();
    for p in PROCLITICS {
        let Some(rest) = folded.strip_prefix(p) else {
            continue;
        };
        if char_len(rest) < 2 {
            continue;
        }
        // ل + ال written لل: the rest is looked up with its alef restored.
        let score = if p.ends_with('ل') && rest.starts_with('ل') && !rest.starts_with("ال") {
            known(&format!("ا{rest}")).max(known(rest))
        } else {
            known(rest)
        };
        if score > whole {
            cands.push((char_len(p), score));
        }
    }
    cands.sort_by_key(|c| c.0);
    let mut best: Option<(usize, f32)> = None;
    for c in cands {
        match best {
            None => best = Some(c),
            Some((_, s)) if c.1 >= s + 1.0 => best = Some(c),
            _ => {}
        }
    }
    let Some((chars, _)) = best else {
        return 0;
    };
    orig_offset(word, chars)
}

/// Byte offset in `word` after its first `chars` folded letters (marks,
/// tatweel and invisible characters do not count; a presentation form
/// counts for the letters it stands for); 0 if it has fewer. A boundary
/// inside a ligature (ﻻ = لا) falls before it, so a span from here keeps
/// the whole ligature.
pub fn orig_offset(word: &str, chars: usize) -> usize {
    let mut seen = 0;
    for (i, c) in word.char_indices() {
        let n = folded_len(c);
        if n > 0 && seen <= chars && chars < seen + n {
            return i;
        }
        seen += n;
    }
    if seen == chars { word.len() } else { 0 }
}

/// Proclitic prefixes (folded) a gazetteer phrase may carry in the text, with
/// the folded text to put back (`لل` → `ال`): the readings of a text word
/// that [`super::gazetteer`] matches (it generates them from the phrase side).
pub fn proclitic_variants(folded: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for p in PROCLITICS {
        if let Some(rest) = folded.strip_prefix(p) {
            if rest.is_empty() {
                continue;
            }
            let n = char_len(p);
            out.push((n, rest.to_string()));
            if p.ends_with('ل') && rest.starts_with('ل') && !rest.starts_with("ال") {
                out.push((n, format!("ا{rest}")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_folds_as_the_general_one() {
        for c in ('\0'..='\u{7f}').chain('\u{600}'..='\u{6ff}') {
            let (mut fast, mut general) = (String::new(), String::new());
            let n = fold_char(c, &mut fast);
            assert_eq!(n, fold_char_general(c, &mut general), "{c:?}");
            assert_eq!(fast, general, "{c:?}");
        }
    }

    #[test]
    fn fold_removes_marks_and_unifies_letters() {
        assert_eq!(fold("أَحْمَد"), "احمد");
        assert_eq!(fold("مدرسة"), "مدرسه");
        assert_eq!(fold("مصطفى"), "مصطفي");
        assert_eq!(fold("٢٠٢٤"), "2024");
    }

    #[test]
    fn greedy_split_finds_clitics_and_article() {
        assert_eq!(split_greedy("والعراق"), ("و", "ال", "عراق"));
        assert_eq!(split_greedy("للعراق"), ("ل", "ل", "عراق"));
        assert_eq!(stem_with_article("للعراق"), "العراق");
        assert_eq!(split_greedy("لبنان"), ("ل", "", "بنان"));
    }

    #[test]
    fn proclitic_len_uses_the_known_forms() {
        let known = |s: &str| match s {
            "طهران" => 4.7,
            "لطهران" => 2.7,
            "لبنان" => 5.0,
            "بنان" => 3.0,
            "العراق" => 5.0,
            "كركوك" => 4.0,
            "ركوك" => 4.5,
            _ => 0.0,
        };
        assert_eq!(proclitic_len("لطهران", known), "ل".len());
        assert_eq!(proclitic_len("ولبنان", known), "و".len());
        assert_eq!(proclitic_len("لبنان", known), 0);
        assert_eq!(proclitic_len("للعراق", known), "ل".len());
        assert_eq!(proclitic_len("وكركوك", known), "و".len());
        assert_eq!(proclitic_len("وللعراق", known), "ول".len());
    }
}
