//! Organisation and facility names mined from 43.8M words of unlabelled
//! Arabic (`scripts/mine_ner_names.py`; sources, counts and review in
//! `models/PROVENANCE-ner.md`): designator-headed phrases such as حركة حماس،
//! جامعة الدول العربية، مطار بغداد الدولي, names of the last century that
//! ANERcorp (2007) never saw.
//!
//! They are knowledge *features*, not a dictionary: the tagger sees where a
//! phrase of the list begins, continues and ends (and where the name after
//! its designator stands alone, حماس) conjoined with the word's frequency,
//! the place list and the neighbouring words, and learns from the annotated
//! text how far to trust a match. A model trained without them (an unknown
//! feature has no weight) tags exactly as before.

use std::io::Read;

use rustc_hash::FxHashMap as FxMap;

use super::fold::{fold, stem_with_article};

/// The mined list, gzip'd TSV `phrase<TAB>ORG|LOC<TAB>count`, the phrase as
/// written, its first word the designator.
pub(crate) static MINED_GZ: &[u8] = include_bytes!("../../../../models/gazetteer-mined.tsv.gz");

/// Longest phrase in words that is matched (designator included).
pub const MAX_MINED_WORDS: usize = 5;

/// Type bit of a match: an organisation (حركة, جامعة, قناة …).
pub const MINED_ORG: u8 = 1;
/// Type bit of a match: a facility or site (مطار, سجن, ملعب …).
pub const MINED_LOC: u8 = 2;

/// Phrases keyed by the tagger's stems ([`stem_with_article`] of each folded
/// word, joined by a space), with the first words of multi-word ones.
#[derive(Debug, Default)]
struct PhraseSet {
    /// Phrase → [`MINED_ORG`] | [`MINED_LOC`] bits (both when the list
    /// holds it under both types).
    phrases: FxMap<String, u8>,
    /// First word → the most words of a phrase it starts, so matching tries
    /// longer phrases only where one can begin.
    heads: FxMap<String, u8>,
}

impl PhraseSet {
    fn insert(&mut self, words: &[String], bits: u8) {
        let key = words.join(" ");
        *self.phrases.entry(key).or_insert(0) |= bits;
        if let Some(first) = words.first() {
            let n = words.len().min(usize::from(u8::MAX)) as u8;
            let e = self.heads.entry(first.clone()).or_insert(1);
            *e = (*e).max(n);
        }
    }

    /// Greedy longest matches over `stems` as codes (see [`code`]).
    fn mark(&self, stems: &[&str], out: &mut [u8]) {
        let mut i = 0;
        let mut buf = String::new();
        while i < stems.len() {
            let most = self
                .heads
                .get(stems[i])
                .map_or(0, |&n| usize::from(n))
                .min(MAX_MINED_WORDS)
                .min(stems.len() - i);
            let mut matched = 0;
            for n in (1..=most).rev() {
                buf.clear();
                for (k, s) in stems[i..i + n].iter().enumerate() {
                    if k > 0 {
                        buf.push(' ');
                    }
                    buf.push_str(s);
                }
                if let Some(&bits) = self.phrases.get(buf.as_str()) {
                    for (k, o) in out[i..i + n].iter_mut().enumerate() {
                        *o = code(bits, k, n);
                    }
                    matched = n;
                    break;
                }
            }
            i += matched.max(1);
        }
    }
}

/// The match code of the `k`-th of `n` words of a phrase of type `bits`:
/// 0 no match, else `1 + 4 × (bits − 1) + position` with position 0 a
/// one-word phrase, 1 the first word, 2 inside, 3 the last.
fn code(bits: u8, k: usize, n: usize) -> u8 {
    let pos = match (k, n) {
        (_, 1) => 0,
        (0, _) => 1,
        (k, n) if k + 1 == n => 3,
        _ => 2,
    };
    1 + 4 * (bits - 1) + pos
}

/// The mined names, loaded once with the other embedded knowledge.
#[derive(Debug, Default)]
pub struct MinedNames {
    /// Whole phrases, designator first (حركة حماس).
    whole: PhraseSet,
    /// The same phrases without their designator (حماس, الدول العربية): the
    /// name standing alone, as news uses it after the first mention. Weaker
    /// evidence (جامعة القاهرة leaves the place القاهرة), so it is a
    /// separate feature that the tagger weighs against the place list.
    tails: PhraseSet,
}

impl MinedNames {
    /// Parses the embedded list (empty if it were unreadable, which a test
    /// rules out).
    pub fn embedded() -> MinedNames {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(MINED_GZ)
            .read_to_string(&mut text)
            .is_err()
        {
            return MinedNames::default();
        }
        MinedNames::parse(&text)
    }

    /// Parses `phrase<TAB>ORG|LOC[<TAB>count]` lines; other lines are skipped.
    pub fn parse(text: &str) -> MinedNames {
        let mut m = MinedNames::default();
        for line in text.lines() {
            let mut cols = line.split('\t');
            let (Some(phrase), Some(kind)) = (cols.next(), cols.next()) else {
                continue;
            };
            let bits = match kind {
                "ORG" => MINED_ORG,
                "LOC" => MINED_LOC,
                _ => continue,
            };
            let words: Vec<String> = phrase
                .split_whitespace()
                .map(|w| stem_with_article(&fold(w)))
                .collect();
            if words.len() < 2 || words.len() > MAX_MINED_WORDS {
                continue;
            }
            m.whole.insert(&words, bits);
            m.tails.insert(&words[1..], bits);
        }
        m
    }

    /// Number of whole phrases.
    pub fn len(&self) -> usize {
        self.whole.phrases.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.whole.phrases.is_empty()
    }

    /// The match codes of a sentence's stems: whole phrases in the low four
    /// bits, designator-less tails in the high four (see [`code`]; at most
    /// 12 each, so they fit).
    pub fn marks(&self, stems: &[&str]) -> Vec<u8> {
        let mut whole = vec![0u8; stems.len()];
        self.whole.mark(stems, &mut whole);
        let mut tails = vec![0u8; stems.len()];
        self.tails.mark(stems, &mut tails);
        whole
            .into_iter()
            .zip(tails)
            .map(|(w, t)| w | (t << 4))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(s: &str) -> Vec<String> {
        s.split(' ')
            .map(|w| stem_with_article(&fold(w)))
            .collect()
    }

    fn marks_of(m: &MinedNames, s: &str) -> Vec<u8> {
        let st = stems(s);
        let refs: Vec<&str> = st.iter().map(String::as_str).collect();
        m.marks(&refs)
    }

    #[test]
    fn phrases_match_through_clitics_with_their_position_and_type() {
        let m = MinedNames::parse(
            "جامعة الدول العربية\tORG\t90\nمطار بغداد الدولي\tLOC\t12\nحركة حماس\tORG\t40\nbad line\n",
        );
        assert_eq!(m.len(), 3);
        // و+جامعة, the designator's clitic is no obstacle; ORG B I L.
        assert_eq!(
            marks_of(&m, "قالت وجامعة الدول العربية أمس")[1..4]
                .iter()
                .map(|c| c & 15)
                .collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
        // LOC: 1 + 4 + position.
        assert_eq!(marks_of(&m, "في مطار بغداد الدولي")[1] & 15, 6);
        // The name without its designator is a tail (high bits), one word: position 0.
        let c = marks_of(&m, "وقالت حماس إن");
        assert_eq!(c[1] & 15, 0);
        assert_eq!(c[1] >> 4, 1);
        // Nothing fires on words outside the list.
        assert!(marks_of(&m, "ذهب الولد إلى المدرسة").iter().all(|&c| c == 0));
    }

    #[test]
    fn the_embedded_list_loads_and_knows_modern_names() {
        let m = MinedNames::embedded();
        assert!(m.len() > 1000, "{}", m.len());
        // A listed phrase (جامعة القاهرة is not: the script drops a first
        // word as common as القاهرة), and its name alone as a tail.
        assert_eq!(marks_of(&m, "وحزب البعث")[0] & 15, 2);
        assert_eq!(marks_of(&m, "قال البعث")[1] >> 4, 1);
    }
}
