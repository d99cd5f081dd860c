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
    let sents = sentences(read_tokens(text));
    let (train_all, test) = split_by_words(sents, 5, 6);
    let (train, dev) = split_by_words(train_all, 9, 10);
    Split { train, dev, test }
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
}
