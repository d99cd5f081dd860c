//! `arabic-text bench FILE`: throughput of normalize, segment, entities and
//! analyze on a text file, cold (the first pass in a fresh process, where
//! every word is new to the per-thread memos) and warm (the median of the
//! later passes), one JSON object per line and measurement.
//!
//! Time is the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`, nanoseconds on
//! a CPU), so other processes on a busy machine slow the figures less than
//! wall time would; where that clock fails, wall time is used and the `clock`
//! field says so. Each (op, preset) runs in its own child process of
//! the same executable unless only one is asked for, so every cold figure is a
//! true first pass.

use std::hint::black_box;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use arabic_text_core::entities::EntityOptions;
use arabic_text_core::normalize::{NormalizeOptions, Preset};
use arabic_text_core::segment::{SegmentOptions, Segmentation};
use arabic_text_core::{AnalyzeOptions, Analyzer};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
use serde::Serialize;

use crate::bench_clock::{documents, time_passes};

/// What `bench` measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `normalize` under the preset (with the alignment).
    Normalize,
    /// Sentences, words and clitics (default options).
    Segment,
    /// Named entities (segmentation included).
    Entities,
    /// Normalize (under the preset), segment and extract entities.
    Analyze,
}

/// `--preset`: the core's presets by name, each with its summary in `--help`.
fn preset_parser() -> impl clap::builder::TypedValueParser<Value = Preset> {
    let values = Preset::ALL.map(|p| PossibleValue::new(p.name()).help(p.summary()));
    PossibleValuesParser::new(values).map(|name| Preset::from_name(&name).unwrap_or_default())
}

/// Arguments of `bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The UTF-8 text file (real, non-repeating text: e.g. a slice of
    /// ../shared/data/unlabelled or the PADT raw text).
    pub file: PathBuf,
    /// The operations, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Op::Normalize, Op::Segment, Op::Entities, Op::Analyze])]
    pub ops: Vec<Op>,
    /// Normalization presets for normalize and analyze, comma-separated.
    #[arg(long, value_parser = preset_parser(), value_delimiter = ',', default_value = "search")]
    pub preset: Vec<Preset>,
    /// Passes over the file per process: the first is cold, the median of the
    /// others is warm.
    #[arg(long, default_value_t = 5)]
    pub passes: usize,
    /// Cut the file into documents of about this many bytes (at line ends,
    /// else at spaces); 0 keeps the whole file as one document.
    #[arg(long, default_value_t = 0)]
    pub doc_bytes: usize,
    /// Rounds of all (op, preset) processes, interleaved.
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
}

/// One output line.
#[derive(Debug, Serialize)]
struct Measurement {
    /// The operation.
    op: Op,
    /// The preset's name (normalize and analyze only).
    preset: Option<&'static str>,
    /// `cold` or `warm`.
    pass: &'static str,
    /// Bytes per pass.
    bytes: usize,
    /// Documents per pass.
    docs: usize,
    /// Millions of bytes per second of CPU (or wall) time.
    mb_per_s: f64,
    /// Word tokens (segmenter tokens) per second.
    tokens_per_s: f64,
    /// `thread_cpu` or `wall`.
    clock: &'static str,
}

/// Runs `bench`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.passes < 2 {
        bail!("--passes must be at least 2 (one cold, then warm ones)");
    }
    let runs: Vec<(Op, Option<Preset>)> = args
        .ops
        .iter()
        .flat_map(|&op| match op {
            Op::Normalize | Op::Analyze => args.preset.iter().map(|&p| (op, Some(p))).collect(),
            Op::Segment | Op::Entities => vec![(op, None)],
        })
        .collect();
    if runs.len() == 1 && args.rounds == 1 {
        let (op, preset) = runs[0];
        return measure(args, op, preset);
    }
    let exe = std::env::current_exe().context("cannot find this executable")?;
    for _ in 0..args.rounds {
        for &(op, preset) in &runs {
            let mut child = std::process::Command::new(&exe);
            child
                .arg("bench")
                .arg(&args.file)
                .arg("--ops")
                .arg(value_name(op)?)
                .arg("--passes")
                .arg(args.passes.to_string())
                .arg("--doc-bytes")
                .arg(args.doc_bytes.to_string());
            if let Some(p) = preset {
                child.arg("--preset").arg(p.name());
            }
            let status = child.status().context("cannot run the bench child")?;
            if !status.success() {
                bail!("bench child for {op:?} failed: {status}");
            }
        }
    }
    Ok(())
}

/// The command-line spelling of an op.
fn value_name<T: clap::ValueEnum>(value: T) -> anyhow::Result<String> {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .context("no name")
}

/// Measures one op (and preset) in this process: pass 1 cold, the rest warm.
fn measure(args: &Args, op: Op, preset: Option<Preset>) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {} as UTF-8 text", args.file.display()))?;
    let docs = documents(&text, args.doc_bytes);
    let analyzer = Analyzer::embedded().context("cannot load the embedded models")?;
    let normalize = NormalizeOptions::preset(preset.unwrap_or(Preset::Search));
    let analyze = AnalyzeOptions {
        normalize,
        ..AnalyzeOptions::default()
    };
    let segment = SegmentOptions::default();
    let entities = EntityOptions::default();
    let mut seg = Segmentation::default();
    let timing = time_passes(args.passes, || {
        for doc in &docs {
            match op {
                Op::Normalize => {
                    black_box(analyzer.normalize(doc, &normalize));
                }
                Op::Segment => {
                    analyzer.segmenter().segment_into(doc, &segment, &mut seg);
                    black_box(&seg);
                }
                Op::Entities => {
                    black_box(analyzer.extract_entities(doc, &entities));
                }
                Op::Analyze => {
                    black_box(analyzer.analyze(doc, &analyze));
                }
            }
        }
    });
    // Tokens counted after the timed passes, so counting warms nothing.
    let tokens: usize = docs
        .iter()
        .map(|doc| {
            analyzer.segmenter().segment_into(doc, &segment, &mut seg);
            seg.tokens.len()
        })
        .sum();
    for (pass, secs) in [("cold", timing.cold), ("warm", timing.warm)] {
        let line = Measurement {
            op,
            preset: if matches!(op, Op::Normalize | Op::Analyze) {
                Some(preset.unwrap_or(Preset::Search).name())
            } else {
                None
            },
            pass,
            bytes: text.len(),
            docs: docs.len(),
            mb_per_s: round1(text.len() as f64 / 1e6 / secs),
            tokens_per_s: round1(tokens as f64 / secs),
            clock: timing.clock,
        };
        println!("{}", serde_json::to_string(&line)?);
    }
    Ok(())
}

/// `x` to one decimal.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
