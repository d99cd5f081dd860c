//! `eval-segment`: scores the segmenter on UD Arabic-PUD with the official
//! CoNLL 2018 evaluator (`udeval` from `pip install udtools`).
//!
//! Raw input = for each document (`# newdoc id`), its sentences' `# text`
//! joined by one space; documents separated by a blank line. The output is
//! written PUD-style and scored for the whole set, the tuning part (document
//! ids ending in an even digit) and the reported part (odd).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use super::conllu::{self, GoldSentence};
use arabic_text_core::segment::conllu::{Style, write as write_conllu};
use arabic_text_core::segment::{CliticMode, CliticWeights, SegmentOptions, Segmenter};

/// Arguments of `eval-segment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gold CoNLL-U file.
    #[arg(
        long,
        default_value = "../shared/data/ud-arabic-pud/ar_pud-ud-test.conllu"
    )]
    pub gold: PathBuf,
    /// Where the gold parts and system outputs are written.
    #[arg(long, default_value = "target/eval-segment")]
    pub out: PathBuf,
    /// The CoNLL 2018 evaluator command.
    #[arg(long, default_value = "udeval")]
    pub udeval: String,
    /// Clitic weights over the defaults (`name=value,...`; for tuning on the even part).
    #[arg(long, default_value = "")]
    pub weights: String,
    /// Score only this part (all, tune or report).
    #[arg(long)]
    pub part: Option<String>,
    /// Fail when the whole set's Words F1 is below this.
    #[arg(long)]
    pub min_words_f1: Option<f64>,
    /// Fail when the whole set's Sentences F1 is below this.
    #[arg(long)]
    pub min_sentences_f1: Option<f64>,
}

/// F1 scores of one part.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    /// Tokens F1.
    pub tokens: f64,
    /// Words F1.
    pub words: f64,
    /// Sentences F1.
    pub sentences: f64,
}

/// Whether a document belongs to the tuning part (id ends in an even digit).
fn is_tuning(doc_id: &str) -> bool {
    doc_id
        .chars()
        .last()
        .and_then(|c| c.to_digit(10))
        .is_some_and(|d| d % 2 == 0)
}

/// The raw text of consecutive documents: sentences of a document joined by a
/// space, documents separated by a blank line.
pub fn raw_text(sentences: &[&GoldSentence]) -> String {
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for s in sentences {
        match prev {
            None => {}
            Some(d) if d == s.doc_id => out.push(' '),
            Some(_) => out.push_str("\n\n"),
        }
        out.push_str(&s.text);
        prev = Some(&s.doc_id);
    }
    out.push('\n');
    out
}

/// Parses the Tokens, Words and Sentences F1 from `udeval -v` output.
fn parse_scores(report: &str) -> anyhow::Result<Scores> {
    let f1 = |name: &str| -> anyhow::Result<f64> {
        let line = report
            .lines()
            .find(|l| l.split('|').next().is_some_and(|m| m.trim() == name))
            .with_context(|| format!("no {name} row in evaluator output:\n{report}"))?;
        let cell = line.split('|').nth(3).context("no F1 column")?;
        Ok(cell.trim().parse()?)
    };
    Ok(Scores {
        tokens: f1("Tokens")?,
        words: f1("Words")?,
        sentences: f1("Sentences")?,
    })
}

/// Segments the part, writes gold and system files and runs the evaluator.
fn score_part(
    seg: &Segmenter,
    args: &Args,
    name: &str,
    sentences: &[&GoldSentence],
) -> anyhow::Result<Scores> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let gold_path = args.out.join(format!("gold-{name}.conllu"));
    let sys_path = args.out.join(format!("system-{name}.conllu"));
    let raw_path = args.out.join(format!("raw-{name}.txt"));
    let gold: String = sentences.iter().map(|s| format!("{}\n", s.block)).collect();
    std::fs::write(&gold_path, gold)?;
    let raw = raw_text(sentences);
    std::fs::write(&raw_path, &raw)?;
    let segmentation = seg.segment(
        &raw,
        &SegmentOptions {
            clitics: CliticMode::Clitics,
        },
    );
    let mut sys = Vec::new();
    write_conllu(&mut sys, &raw, &segmentation, Style::Pud)?;
    std::fs::write(&sys_path, sys)?;
    run_udeval(&args.udeval, &gold_path, &sys_path)
}

/// Runs `udeval -v GOLD SYSTEM` and parses its scores.
fn run_udeval(udeval: &str, gold: &Path, system: &Path) -> anyhow::Result<Scores> {
    let out = Command::new(udeval)
        .arg("-v")
        .arg(gold)
        .arg(system)
        .output()
        .with_context(|| format!("running {udeval} (pip install udtools)"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        anyhow::bail!(
            "{udeval} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            stdout
        );
    }
    parse_scores(&stdout)
}

/// Runs the evaluation.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.gold)
        .with_context(|| format!("reading {}", args.gold.display()))?;
    let gold = conllu::read_gold(&text);
    let weights = CliticWeights::parse(&args.weights)?;
    let seg = Segmenter::with_weights(weights)?;
    let all: Vec<&GoldSentence> = gold.iter().collect();
    let tune: Vec<&GoldSentence> = gold.iter().filter(|s| is_tuning(&s.doc_id)).collect();
    let report: Vec<&GoldSentence> = gold.iter().filter(|s| !is_tuning(&s.doc_id)).collect();
    println!("UD Arabic-PUD, CoNLL 2018 evaluator (udeval), F1:");
    println!(
        "{:<28} {:>7} {:>7} {:>9}",
        "part", "Tokens", "Words", "Sentences"
    );
    let mut whole = None;
    for (name, part, label) in [
        ("all", &all, "all (1000 sentences)"),
        ("tune", &tune, "tune (even doc ids)"),
        ("report", &report, "report (odd doc ids)"),
    ] {
        if args.part.as_deref().is_some_and(|p| p != name) {
            continue;
        }
        let s = score_part(&seg, args, name, part)?;
        let label = format!("{label} [{}]", part.len());
        println!(
            "{label:<28} {:>7.2} {:>7.2} {:>9.2}",
            s.tokens, s.words, s.sentences
        );
        if name == "all" {
            whole = Some(s);
        }
    }
    if let Some(s) = whole {
        if let Some(min) = args.min_words_f1
            && s.words < min
        {
            anyhow::bail!("Words F1 {:.2} is below the gate {min:.2}", s.words);
        }
        if let Some(min) = args.min_sentences_f1
            && s.sentences < min
        {
            anyhow::bail!("Sentences F1 {:.2} is below the gate {min:.2}", s.sentences);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_evaluator_table() {
        let report = "Metric     | Precision |    Recall |  F1 Score | AligndAcc\n-----------+-----------+-----------+-----------+-----------\nTokens     |     99.10 |     98.90 |     99.00 |\nSentences  |    100.00 |    100.00 |    100.00 |\nWords      |     96.00 |     97.00 |     96.50 |\n";
        let s = parse_scores(report).unwrap();
        assert_eq!(s.tokens, 99.0);
        assert_eq!(s.words, 96.5);
        assert_eq!(s.sentences, 100.0);
    }

    #[test]
    fn raw_text_joins_sentences_and_separates_documents() {
        let s = |d: &str, t: &str| GoldSentence {
            doc_id: d.into(),
            text: t.into(),
            block: String::new(),
        };
        let (a, b, c) = (s("n1", "أ."), s("n1", "ب."), s("n2", "ج."));
        assert_eq!(raw_text(&[&a, &b, &c]), "أ. ب.\n\nج.\n");
    }

    #[test]
    fn tuning_part_is_even_doc_ids() {
        assert!(is_tuning("n01002"));
        assert!(!is_tuning("n01001"));
        assert!(!is_tuning("w"));
    }
}
