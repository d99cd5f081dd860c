//! charabia measured the way `arabic-text bench FILE --ops segment` measures this repository's
//! segmenter (crates/arabic-text-train/src/bench.rs), so the two can stand side by side:
//!
//! - time is the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), MB are 10^6 bytes;
//! - `cold` is the first pass in a fresh process, `warm` the median of the later passes;
//! - `--doc-bytes N` cuts the file into documents of about N bytes at line ends (else spaces),
//!   as the bench command does; 0 (the default) keeps the whole file as one document;
//! - `--rounds R` runs R fresh child processes, one per op each, interleaved.
//!
//! Ops: `segment` is charabia's segmentation (script detection, separators, the Arabic segmenter's
//! split of the article ال); `tokenize` adds its normalizers and the word/separator classifier,
//! what Meilisearch indexes. Tokens are charabia's word tokens (not separators), counted after
//! the timed passes.
//!
//! ```text
//! charabia-bench FILE [--ops segment,tokenize] [--passes 5] [--doc-bytes N] [--rounds R]
//! ```
//! Prints one JSON object per line and measurement:
//! `{"op","peer":"charabia","pass","bytes","docs","mb_per_s","tokens_per_s","clock"}`.

use std::hint::black_box;
use std::process::{Command, ExitCode};

use charabia::{Language, Tokenizer, TokenizerBuilder};

// The bench command's document cut and pass timing, the same file (tested there).
#[path = "../../../../crates/arabic-text-train/src/bench_clock.rs"]
mod bench_clock;

use bench_clock::{documents, time_passes};

/// The command line's synopsis.
const USAGE: &str = "usage: charabia-bench FILE [--ops segment,tokenize] [--passes 5] \
                     [--doc-bytes N] [--rounds R]";

/// What one process measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// Segmentation only (`Tokenizer::segment`).
    Segment,
    /// Segmentation, normalization and classification (`Tokenizer::tokenize`).
    Tokenize,
}

impl Op {
    /// The op's name on the command line and in the output.
    fn name(self) -> &'static str {
        match self {
            Op::Segment => "segment",
            Op::Tokenize => "tokenize",
        }
    }

    /// Parses an op name.
    fn parse(name: &str) -> Result<Self, String> {
        match name {
            "segment" => Ok(Op::Segment),
            "tokenize" => Ok(Op::Tokenize),
            _ => Err(format!("unknown op {name:?} (segment, tokenize)")),
        }
    }
}

/// Command-line options.
struct Args {
    /// The UTF-8 text file.
    file: String,
    /// The ops to measure.
    ops: Vec<Op>,
    /// Passes per process (the first is cold).
    passes: usize,
    /// Document size in bytes (0: the whole file).
    doc_bytes: usize,
    /// Rounds of fresh processes (0: measure in this process).
    rounds: usize,
}

/// Parses the command line.
fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        file: String::new(),
        ops: vec![Op::Segment],
        passes: 5,
        doc_bytes: 0,
        rounds: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let number = |s: String| s.parse::<usize>().map_err(|e| format!("{s:?}: {e}"));
        match arg.as_str() {
            "--ops" => {
                args.ops = value("--ops")?
                    .split(',')
                    .map(Op::parse)
                    .collect::<Result<_, _>>()?
            }
            "--passes" => args.passes = number(value("--passes")?)?,
            "--doc-bytes" => args.doc_bytes = number(value("--doc-bytes")?)?,
            "--rounds" => args.rounds = number(value("--rounds")?)?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ if args.file.is_empty() && !arg.starts_with('-') => args.file = arg,
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    if args.file.is_empty() {
        return Err(format!("a FILE is required\n{USAGE}"));
    }
    if args.passes < 2 {
        return Err("--passes must be at least 2 (one cold, then warm ones)".into());
    }
    Ok(args)
}

/// One pass of `op` over `doc`; returns the number of tokens charabia produced, so the work
/// cannot be optimised away.
fn pass(tokenizer: &Tokenizer<'_>, op: Op, doc: &str) -> usize {
    let mut n = 0;
    match op {
        Op::Segment => {
            for token in tokenizer.segment(doc) {
                black_box(&token);
                n += 1;
            }
        }
        Op::Tokenize => {
            for token in tokenizer.tokenize(doc) {
                black_box(&token);
                n += 1;
            }
        }
    }
    n
}

/// Measures `op` in this process and prints a cold and a warm line.
fn measure(args: &Args, op: Op) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {} as UTF-8 text: {e}", args.file))?;
    let docs = documents(&text, args.doc_bytes);
    // Restricted to Arabic: language detection may only answer Arabic.
    let allow = [Language::Ara];
    let mut builder = TokenizerBuilder::default();
    builder.allow_list(&allow);
    let tokenizer = builder.build();
    let timing = time_passes(args.passes, || {
        for doc in &docs {
            black_box(pass(&tokenizer, op, doc));
        }
    });
    // Word tokens (every token that is not a separator), counted after the timed passes.
    let tokens: usize = docs
        .iter()
        .map(|doc| {
            tokenizer
                .tokenize(doc)
                .filter(|t| !t.is_separator())
                .count()
        })
        .sum();
    let clock = timing.clock;
    for (name, secs) in [("cold", timing.cold), ("warm", timing.warm)] {
        println!(
            "{{\"op\":\"{}\",\"peer\":\"charabia\",\"pass\":\"{name}\",\"bytes\":{},\"docs\":{},\
             \"mb_per_s\":{:.1},\"tokens_per_s\":{:.1},\"clock\":\"{clock}\"}}",
            op.name(),
            text.len(),
            docs.len(),
            text.len() as f64 / 1e6 / secs,
            tokens as f64 / secs,
        );
    }
    Ok(())
}

/// Runs every op in a fresh child process, `rounds` times, interleaved.
fn spawn_rounds(args: &Args) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    for _ in 0..args.rounds {
        for op in &args.ops {
            let status = Command::new(&exe)
                .arg(&args.file)
                .args(["--ops", op.name()])
                .args(["--passes", &args.passes.to_string()])
                .args(["--doc-bytes", &args.doc_bytes.to_string()])
                .status()
                .map_err(|e| format!("cannot run the child: {e}"))?;
            if !status.success() {
                return Err(format!("child for {} failed: {status}", op.name()));
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| {
        if args.rounds == 0 && args.ops.len() == 1 {
            measure(&args, args.ops[0])
        } else {
            spawn_rounds(&Args {
                rounds: args.rounds.max(1),
                ..args
            })
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("charabia-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charabia_splits_words_and_every_leading_article() {
        let allow = [Language::Ara];
        let mut builder = TokenizerBuilder::default();
        builder.allow_list(&allow);
        let tokenizer = builder.build();
        let words: Vec<String> = tokenizer
            .tokenize("ذهب الولد إلى المدرسة.")
            .filter(|t| !t.is_separator())
            .map(|t| t.lemma().to_owned())
            .collect();
        // Words only, no clitics but the article, which it splits off any word
        // that starts with it (so إلى "to" becomes ال + ي after normalization),
        // and normalized lemmas (ة -> ه).
        assert_eq!(words, ["ذهب", "ال", "ولد", "ال", "ي", "ال", "مدرسه"]);
    }
}
