//! Scores of the whole extraction pipeline on the project's entity gold
//! ([`crate::gold`]): each paragraph one request, as a caller sends it; exact
//! span-and-type counts per type and for the name types pooled, and the
//! error report of `eval-ner --gold-errors`.

use std::collections::{BTreeMap, BTreeSet};

use arabic_text_core::Analyzer;
use arabic_text_core::entities::{EntityKind, EntityOptions};

use crate::gold::{NAME_KINDS, Paragraph};

/// Exact-match counts of one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Gold mentions.
    pub gold: usize,
    /// Predicted mentions.
    pub predicted: usize,
    /// Predicted mentions with the gold span and type.
    pub correct: usize,
}

impl Counts {
    /// Precision, recall and F1 in percent.
    pub fn prf(&self) -> (f64, f64, f64) {
        let pct = |a: usize, b: usize| {
            if b == 0 {
                0.0
            } else {
                100.0 * a as f64 / b as f64
            }
        };
        let (p, r) = (
            pct(self.correct, self.predicted),
            pct(self.correct, self.gold),
        );
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }

    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.correct += o.correct;
    }
}

/// Scores of the pipeline on a gold set: per type, and names together.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// Per type.
    pub per_kind: BTreeMap<EntityKind, Counts>,
}

impl Scores {
    /// Counts of one type (zero when absent).
    pub fn of(&self, kind: EntityKind) -> Counts {
        self.per_kind.get(&kind).copied().unwrap_or_default()
    }

    /// The four name types pooled (micro).
    pub fn names(&self) -> Counts {
        let mut c = Counts::default();
        for k in NAME_KINDS {
            c.add(&self.of(k));
        }
        c
    }

    /// The report `eval-ner` prints.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| type | gold | predicted | P | R | F1 |\n|---|---:|---:|---:|---:|---:|\n",
        );
        let row = |name: &str, c: Counts| {
            let (p, r, f) = c.prf();
            format!(
                "| {name} | {} | {} | {p:.1} | {r:.1} | {f:.1} |\n",
                c.gold, c.predicted
            )
        };
        out.push_str(&row("**names (micro)**", self.names()));
        for k in EntityKind::ALL {
            let c = self.of(k);
            if c.gold + c.predicted > 0 {
                out.push_str(&row(k.name(), c));
            }
        }
        out
    }
}

/// A predicted mention in code points.
type Predicted = (usize, usize, EntityKind);

/// Runs the analyzer on each paragraph as one request (default options, as a
/// caller sends it) and returns its mentions in code points.
pub fn predict(analyzer: &Analyzer, paragraphs: &[Paragraph]) -> Vec<Vec<Predicted>> {
    paragraphs
        .iter()
        .map(|p| {
            let entities = analyzer.extract_entities(&p.text, &EntityOptions::default());
            // Byte offset → code point, through one pass over the text.
            let mut cp_of = vec![0usize; p.text.len() + 1];
            let mut n = 0;
            for (b, c) in p.text.char_indices() {
                cp_of[b] = n;
                n += 1;
                for slot in &mut cp_of[b + 1..b + c.len_utf8()] {
                    *slot = n;
                }
            }
            cp_of[p.text.len()] = n;
            let mut out: Vec<Predicted> = entities
                .iter()
                .flat_map(|e| &e.mentions)
                .map(|m| (cp_of[m.span.start], cp_of[m.span.end], m.kind))
                .collect();
            out.sort_unstable();
            out
        })
        .collect()
}

/// Exact span-and-type scores of `predicted` against the gold.
pub fn score(paragraphs: &[Paragraph], predicted: &[Vec<Predicted>]) -> Scores {
    let mut s = Scores::default();
    for (p, pred) in paragraphs.iter().zip(predicted) {
        let gold: BTreeSet<Predicted> = p
            .mentions
            .iter()
            .map(|m| (m.start, m.end, m.kind))
            .collect();
        for g in &gold {
            s.per_kind.entry(g.2).or_default().gold += 1;
        }
        for x in pred {
            let c = s.per_kind.entry(x.2).or_default();
            c.predicted += 1;
            if gold.contains(x) {
                c.correct += 1;
            }
        }
    }
    s
}

/// Every paragraph with a miss or a spurious mention, gold and prediction
/// side by side (for error analysis on dev).
pub fn error_report(paragraphs: &[Paragraph], predicted: &[Vec<Predicted>]) -> String {
    let mut out = String::new();
    for (p, pred) in paragraphs.iter().zip(predicted) {
        let chars: Vec<char> = p.text.chars().collect();
        let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let gold: BTreeSet<Predicted> = p
            .mentions
            .iter()
            .map(|m| (m.start, m.end, m.kind))
            .collect();
        let pred: BTreeSet<Predicted> = pred.iter().copied().collect();
        if gold == pred {
            continue;
        }
        out.push_str(&format!("## {}\n{}\n", p.id, p.text));
        for g in gold.difference(&pred) {
            out.push_str(&format!("  missed   {} {:?}\n", g.2.name(), text(g.0, g.1)));
        }
        for x in pred.difference(&gold) {
            out.push_str(&format!("  spurious {} {:?}\n", x.2.name(), text(x.0, x.1)));
        }
    }
    out
}
