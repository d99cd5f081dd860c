//! ANERcorp reader and the CAMeL Lab train/test split recipe.
//!
//! Cleaning (see `../shared/data/anercorp/SOURCE.md`): U+200F removed; U+00B7
//! and U+2022 → `.`; the 3-field line keeps its last field as the tag; the
//! merged line `. Oالإصابة O` becomes two tokens; empty tokens are dropped.
//! Sentence breaks come after runs of `.` tokens; the sentences holding the
//! first 5/6 of the words are train, the rest test.

use arabic_text_core::entities::tagger::{LABELS, Sample, label_index};

/// The corpus as (token, tag) pairs, cleaned.
pub fn read_tokens(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line: String = line
            .chars()
            .filter(|&c| c != '\u{200F}')
            .map(|c| {
                if c == '\u{00B7}' || c == '\u{2022}' {
                    '.'
                } else {
                    c
                }
            })
            .collect();
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [] | [_] => {}
            // `. Oالإصابة O`: a token and tag glued to the next token.
            [a, glued, t]
                if glued.len() > 1 && glued.starts_with('O') && !LABELS.contains(glued) =>
            {
                out.push((a.to_string(), "O".to_string()));
                out.push((glued[1..].to_string(), t.to_string()));
            }
            [rest @ .., tag] => {
                let tok = rest.concat();
                if !tok.is_empty() {
                    out.push((tok, tag.to_string()));
                }
            }
        }
    }
    out
}

/// Reads a `TOKEN TAG` file with a blank line between sentences (the CAMeL
/// Lab test file `ANERCorp_CamelLab_test.txt`), as it is: the same
/// character cleaning as [`read_tokens`], the sentences as given.
pub fn read_sentences(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut cur = Sample {
        tokens: Vec::new(),
        labels: Vec::new(),
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::replace(
                    &mut cur,
                    Sample {
                        tokens: Vec::new(),
                        labels: Vec::new(),
                    },
                ));
            }
            continue;
        }
        for (tok, tag) in read_tokens(line) {
            cur.tokens.push(tok);
            cur.labels.push(label_index(&tag));
        }
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

/// Splits the token stream into sentences after runs of `.` tokens.
pub fn sentences(tokens: Vec<(String, String)>) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut cur = Sample {
        tokens: Vec::new(),
        labels: Vec::new(),
    };
    let is_period = |t: &str| !t.is_empty() && t.chars().all(|c| c == '.');
    let n = tokens.len();
    for (i, (tok, tag)) in tokens.iter().enumerate() {
        cur.tokens.push(tok.clone());
        cur.labels.push(label_index(tag));
        let next_is_period = tokens.get(i + 1).is_some_and(|(t, _)| is_period(t));
        if (is_period(tok) && !next_is_period) || i + 1 == n {
            out.push(std::mem::replace(
                &mut cur,
                Sample {
                    tokens: Vec::new(),
                    labels: Vec::new(),
                },
            ));
        }
    }
    out
}

/// The split: train (first 5/6 of the words), test (the rest); and within
/// train, the last ~10% of its words as dev for tuning.
#[derive(Debug)]
pub struct Split {
    /// Train minus dev.
    pub train: Vec<Sample>,
    /// The held-out end of train.
    pub dev: Vec<Sample>,
    /// Test: never used to choose anything.
    pub test: Vec<Sample>,
}

impl Split {
    /// All of train (train + dev), for the final model.
    pub fn full_train(&self) -> Vec<Sample> {
        self.train.iter().chain(&self.dev).cloned().collect()
    }
}

fn split_by_words(sents: Vec<Sample>, num: usize, den: usize) -> (Vec<Sample>, Vec<Sample>) {
    let total: usize = sents.iter().map(|s| s.tokens.len()).sum();
    let limit = total * num / den;
    let mut seen = 0;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for s in sents {
        // A sentence goes first when it starts within the first num/den.
        if seen < limit {
            seen += s.tokens.len();
            a.push(s);
        } else {
            b.push(s);
        }
    }
    (a, b)
}

/// Builds the split from the corpus text.
pub fn split(text: &str) -> Split {
    split_tokens(read_tokens(text))
}

fn split_tokens(tokens: Vec<(String, String)>) -> Split {
    let sents = sentences(tokens);
    let (train_all, test) = split_by_words(sents, 5, 6);
    let (train, dev) = split_by_words(train_all, 9, 10);
    Split { train, dev, test }
}

/// The reviewed label fixes of ANERcorp train (see the file's header and
/// `models/PROVENANCE-ner.md`).
pub const LABEL_FIXES: &str = include_str!("../data/anercorp-label-fixes.tsv");

/// One reviewed change of a train token's tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Index in the cleaned token stream ([`read_tokens`]).
    pub index: usize,
    /// The token there (checked).
    pub token: String,
    /// Its tag in ANERcorp (checked).
    pub old: String,
    /// The tag it gets.
    pub new: String,
    /// The rule that found it.
    pub rule: String,
}

/// Parses a fixes file: `#` comment lines, then `index TAB token TAB old
/// TAB new TAB rule [TAB note]`.
pub fn parse_fixes(text: &str) -> Result<Vec<Fix>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("label fixes line {}: {line:?}", n + 1);
        let [index, token, old, new, rule, ..] = f.as_slice() else {
            return Err(bad());
        };
        if !LABELS.contains(old) || !LABELS.contains(new) {
            return Err(bad());
        }
        out.push(Fix {
            index: index.parse().map_err(|_| bad())?,
            token: token.to_string(),
            old: old.to_string(),
            new: new.to_string(),
            rule: rule.to_string(),
        });
    }
    Ok(out)
}

/// Builds the split with `fixes` applied to train. Fails when a fix does
/// not find its token and old tag, or falls outside train (the test part
/// is never touched).
pub fn split_fixed(text: &str, fixes: &[Fix]) -> Result<Split, String> {
    let mut tokens = read_tokens(text);
    let train_tokens: usize = {
        let s = split_tokens(tokens.clone());
        s.full_train().iter().map(|s| s.tokens.len()).sum()
    };
    for f in fixes {
        if f.index >= train_tokens {
            return Err(format!(
                "label fix at token {} is outside train (first {train_tokens} tokens)",
                f.index
            ));
        }
        match tokens.get_mut(f.index) {
            Some((tok, tag)) if *tok == f.token && *tag == f.old => *tag = f.new.clone(),
            other => {
                return Err(format!(
                    "label fix at token {} expects {} {}, found {other:?}",
                    f.index, f.token, f.old
                ));
            }
        }
    }
    Ok(split_tokens(tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_fixes_the_known_quirks() {
        let text = "فرانكفورت B-LOC\n O\n\u{200F} O\nالأمن\u{200F}1706 \u{200F} I-ORG\n. Oالإصابة O\n\u{00B7} O\n";
        let toks = read_tokens(text);
        let words: Vec<&str> = toks.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(words, ["فرانكفورت", "الأمن1706", ".", "الإصابة", "."]);
        assert_eq!(toks[1].1, "I-ORG");
        let s = sentences(toks);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens.len(), 3);
    }

    #[test]
    fn fixes_change_train_only_and_check_their_token() {
        // 12 words: 10 train, 2 test.
        let mut text = String::new();
        for i in 0..12 {
            text.push_str(&format!("w{i} O\n. O\n"));
        }
        let fixes = parse_fixes("# header\n2\tw1\tO\tB-LOC\tR1\tNation\n").expect("parse");
        let s = split_fixed(&text, &fixes).expect("fixed");
        assert_eq!(s.full_train()[1].labels, [3, 0]);
        let wrong = parse_fixes("2\tw2\tO\tB-LOC\tR1\n").expect("parse");
        assert!(split_fixed(&text, &wrong).is_err());
        let in_test = parse_fixes("22\tw11\tO\tB-LOC\tR1\n").expect("parse");
        assert!(split_fixed(&text, &in_test).is_err());
        assert!(parse_fixes("x\tw\tO\tB-LOC\tR1\n").is_err());
    }

    #[test]
    fn the_committed_fixes_parse() {
        let fixes = parse_fixes(LABEL_FIXES).expect("committed fixes");
        assert!(!fixes.is_empty());
        assert!(fixes.iter().all(|f| f.old != f.new));
    }

    #[test]
    fn conll_sentences_are_read_as_given() {
        let text = "برند B-PERS\nجلالته O\n. O\n\n\nفي O\nعمان B-LOC\n";
        let s = read_sentences(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, ["برند", "جلالته", "."]);
        assert_eq!(s[0].labels, [1, 0, 0]);
        assert_eq!(s[1].labels, [0, 3]);
    }
}
