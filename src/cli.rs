//! The command line: `serve` (the default) and local commands on files or stdin.
//! SKELETON: `serve` and the local commands are being implemented.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::training;

/// Arabic text analysis: gRPC server and local tools.
#[derive(Debug, Parser)]
#[command(name = "arabic-text", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the gRPC API (the default).
    Serve,
    /// Normalize a file or stdin; prints JSON.
    Normalize(InputArgs),
    /// Segment a file or stdin; prints JSON or CoNLL-U.
    Segment(SegmentArgs),
    /// Extract entities from a file or stdin; prints JSON.
    Entities(InputArgs),
    /// Normalize, segment and extract entities; prints JSON.
    Analyze(InputArgs),
    /// Check the CAMeL-compatible normalization rules against reference outputs.
    Conformance(training::conformance::Args),
    /// Score the segmenter on UD Arabic-PUD with the CoNLL 2018 evaluator.
    EvalSegment(training::eval_segment::Args),
    /// Train the named-entity model on ANERcorp.
    TrainNer(training::ner::TrainArgs),
    /// Evaluate the named-entity model on the ANERcorp test split.
    EvalNer(training::ner::EvalArgs),
}

/// Input of a local command.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// The input file; stdin when omitted or `-`.
    pub input: Option<PathBuf>,
}

/// Output format of `segment`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SegmentFormat {
    /// The API's JSON mapping.
    #[default]
    Json,
    /// CoNLL-U.
    Conllu,
}

/// Arguments of `segment`.
#[derive(Debug, clap::Args)]
pub struct SegmentArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: SegmentFormat,
    /// CoNLL-U convention.
    #[arg(long, value_enum, default_value_t)]
    pub style: training::conllu::Style,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Conformance(args) => training::conformance::run(&args),
        Command::EvalSegment(args) => training::eval_segment::run(&args),
        Command::TrainNer(args) => training::ner::train(&args),
        Command::EvalNer(args) => training::ner::eval(&args),
        other => anyhow::bail!("not implemented yet: {other:?}"),
    }
}
