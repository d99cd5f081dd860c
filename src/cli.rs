//! The command line: `serve` (the default) and local commands on files or
//! stdin. The local commands build the very responses the API returns (same
//! conversion code) and print them in the proto3 JSON mapping.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use crate::grpc::request;
use crate::grpc::response::Detail;
use crate::grpc::service::Call;
use crate::server;
use crate::server::config::Config;
use arabic_text_core::normalize::Preset;
use arabic_text_core::offsets::OffsetUnit;
use arabic_text_core::segment::conllu::{self, Style};
use arabic_text_core::segment::{CliticMode, SegmentOptions};
use arabic_text_core::{AnalyzeOptions, Analyzer};
use arabic_text_core::{entities::EntityOptions, normalize::NormalizeOptions};

/// Arabic text analysis: gRPC server and local tools.
#[derive(Debug, Parser)]
#[command(name = "arabic-text", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does: serve, a local command, or (with the `train`
/// feature) a training or evaluation command.
// One command per process, parsed once: its size does not matter (and
// without the `train` feature, `serve`'s Config is the only large variant).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the gRPC API (the default; configured by flags or environment).
    Serve(Config),
    /// Normalize a file or stdin; prints JSON.
    Normalize(InputArgs),
    /// Segment a file or stdin; prints JSON or CoNLL-U.
    Segment(SegmentArgs),
    /// Extract entities from a file or stdin; prints JSON.
    Entities(InputArgs),
    /// Normalize, segment and extract entities; prints JSON.
    Analyze(AnalyzeArgs),
    /// A training or evaluation command (declared in [`TrainCommand`]).
    #[cfg(feature = "train")]
    #[command(flatten)]
    Train(TrainCommand),
}

/// Declares the training and evaluation commands once, each with its help
/// line, its arguments and the function of `arabic-text-train` that runs it:
/// makes the [`TrainCommand`] enum and its dispatch.
#[cfg(feature = "train")]
macro_rules! train_commands {
    ($($(#[doc = $doc:literal])* $variant:ident($module:ident::$args:ident) => $run:ident;)*) => {
        /// The training and evaluation commands (the `train` feature), listed
        /// after the local ones.
        #[derive(Debug, Subcommand)]
        pub enum TrainCommand {
            $($(#[doc = $doc])* $variant(arabic_text_train::$module::$args),)*
        }

        impl TrainCommand {
            /// Runs the command.
            fn run(self) -> anyhow::Result<()> {
                match self {
                    $(Self::$variant(args) => arabic_text_train::$module::$run(&args),)*
                }
            }
        }
    };
}

#[cfg(feature = "train")]
train_commands! {
    /// Check the CAMeL-compatible normalization rules against reference outputs.
    Conformance(conformance::Args) => run;
    /// Score the segmenter on UD Arabic-PUD with the CoNLL 2018 evaluator.
    EvalSegment(eval_segment::Args) => run;
    /// Train the named-entity model on ANERcorp.
    TrainNer(ner::TrainArgs) => train;
    /// Evaluate the entity extraction on the project's test set and both ANERcorp test versions.
    EvalNer(eval_ner::EvalArgs) => eval;
    /// Validate the project's entity gold (data/entities) and report inconsistent annotations.
    CheckEntities(gold::CheckArgs) => check;
    /// Score dates, times, numbers, money ... on the pattern test set (per-type P/R/F1).
    EvalPatterns(eval_patterns::Args) => run;
    /// Throughput on a text file, cold and warm; one JSON object per line.
    Bench(bench::Args) => run;
    /// Learn word clusters for the named-entity tagger from unlabelled text.
    TrainEmbeddings(embeddings::Args) => run;
    /// Train the entity context encoder over the subword vectors; its weight is chosen on dev.
    TrainEncoder(encoder_train::Args) => run;
    /// Write the unlabelled text as the name tagger reads it (folded forms and stems), for the vector trainer.
    DumpCorpus(dump_corpus::Args) => run;
    /// Precompute the segmenter's analysis of every lexicon form (models/segment-analyses.bin.gz).
    TrainSegment(train_segment::Args) => run;
}

/// The unit of printed offsets (the API's `offset_encoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OffsetsArg {
    /// UTF-8 bytes.
    #[default]
    Utf8,
    /// UTF-16 code units.
    Utf16,
    /// Unicode code points.
    CodePoint,
}

impl From<OffsetsArg> for OffsetUnit {
    fn from(value: OffsetsArg) -> Self {
        match value {
            OffsetsArg::Utf8 => Self::Utf8,
            OffsetsArg::Utf16 => Self::Utf16,
            OffsetsArg::CodePoint => Self::CodePoint,
        }
    }
}

/// `--preset`: the core's normalization presets (the API's
/// `NormalizationPreset`) by name, each with its summary in `--help`.
fn preset_parser() -> impl TypedValueParser<Value = Preset> {
    let values = Preset::ALL.map(|p| PossibleValue::new(p.name()).help(p.summary()));
    PossibleValuesParser::new(values).map(|name| Preset::from_name(&name).unwrap_or_default())
}

/// A CoNLL-U convention (the core's [`Style`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum StyleArg {
    /// Clitics as separate tokens with `SpaceAfter=No`, surface forms (UD Arabic-PUD).
    #[default]
    Pud,
    /// Multi-word tokens with restored forms (UD Arabic-PADT).
    Padt,
}

impl From<StyleArg> for Style {
    fn from(value: StyleArg) -> Self {
        match value {
            StyleArg::Pud => Self::Pud,
            StyleArg::Padt => Self::Padt,
        }
    }
}

/// A clitic segmentation mode (the API's `CliticMode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CliticsArg {
    /// One segment per token.
    None,
    /// Split clitics; the article stays on its stem.
    #[default]
    Clitics,
    /// Split clitics and the article.
    CliticsAndArticle,
}

impl From<CliticsArg> for CliticMode {
    fn from(value: CliticsArg) -> Self {
        match value {
            CliticsArg::None => Self::None,
            CliticsArg::Clitics => Self::Clitics,
            CliticsArg::CliticsAndArticle => Self::CliticsAndArticle,
        }
    }
}

/// Input and output options of a local command.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// The input file; stdin when omitted or `-`.
    pub input: Option<PathBuf>,
    /// Unit of the printed offsets.
    #[arg(long, value_enum, default_value_t)]
    pub offsets: OffsetsArg,
    /// Normalization preset (the normalized text and each token's form).
    #[arg(long, value_parser = preset_parser(), default_value = "standard")]
    pub preset: Preset,
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
    /// The input file and the options every local command shares.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: SegmentFormat,
    /// CoNLL-U convention.
    #[arg(long, value_enum, default_value_t)]
    pub style: StyleArg,
    /// Clitic segmentation mode.
    #[arg(long, value_enum, default_value_t)]
    pub clitics: CliticsArg,
}

/// Arguments of `analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The input file and the options every local command shares.
    #[command(flatten)]
    pub input: InputArgs,
    /// Clitic segmentation mode.
    #[arg(long, value_enum, default_value_t)]
    pub clitics: CliticsArg,
}

impl InputArgs {
    /// The input text (the file, or stdin) and the unit its printed offsets
    /// are in.
    fn read(&self) -> anyhow::Result<(String, OffsetUnit)> {
        Ok((read_input(self.input.as_ref())?, self.offsets.into()))
    }
}

/// Runs `call` with the embedded models and prints its response.
fn print_call<C: Call>(call: &C) -> anyhow::Result<()>
where
    C::Response: serde::Serialize,
{
    print_json(&call.run(&analyzer()?)?)
}

/// Reads the input file, or stdin for `None` / `-`.
fn read_input(input: Option<&PathBuf>) -> anyhow::Result<String> {
    match input {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {} as UTF-8 text", path.display())),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read stdin as UTF-8 text")?;
            Ok(text)
        }
    }
}

/// Prints a response in the proto3 JSON mapping.
fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    closed_pipe_is_fine(written)
}

/// A closed pipe (`| head`) is the reader's choice, not an error.
fn closed_pipe_is_fine(written: std::io::Result<()>) -> anyhow::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The analyzer with the embedded models.
fn analyzer() -> anyhow::Result<Analyzer> {
    Analyzer::embedded().context("cannot load the embedded models")
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(command) => command,
        None => {
            // No subcommand: serve, configured by the environment.
            #[derive(Parser)]
            struct ServeOnly {
                #[command(flatten)]
                config: Config,
            }
            Command::Serve(
                ServeOnly::try_parse_from(["arabic-text"])
                    .unwrap_or_else(|e| e.exit())
                    .config,
            )
        }
    };
    match command {
        Command::Serve(config) => server::serve_blocking(config),
        Command::Normalize(args) => {
            let (text, unit) = args.read()?;
            print_call(&request::NormalizeCall {
                text,
                options: NormalizeOptions::preset(args.preset),
                unit,
            })
        }
        Command::Segment(args) => {
            let (text, unit) = args.input.read()?;
            let call = request::SegmentCall {
                text,
                options: SegmentOptions {
                    clitics: args.clitics.into(),
                },
                normalize: NormalizeOptions::preset(args.input.preset),
                unit,
                detail: Detail::default(),
            };
            let analyzer = analyzer()?;
            match args.format {
                SegmentFormat::Json => print_json(&call.run(&analyzer)?),
                SegmentFormat::Conllu => {
                    let seg = analyzer.segment(&call.text, &call.options);
                    let mut out = std::io::stdout().lock();
                    closed_pipe_is_fine(
                        conllu::write(&mut out, &call.text, &seg, args.style.into())
                            .and_then(|()| out.flush()),
                    )
                }
            }
        }
        Command::Entities(args) => {
            let (text, unit) = args.read()?;
            print_call(&request::EntitiesCall {
                text,
                options: EntityOptions::default(),
                unit,
            })
        }
        Command::Analyze(args) => {
            let (text, unit) = args.input.read()?;
            print_call(&request::AnalyzeCall {
                text,
                options: AnalyzeOptions {
                    normalize: NormalizeOptions::preset(args.input.preset),
                    segment: SegmentOptions {
                        clitics: args.clitics.into(),
                    },
                    entities: EntityOptions::default(),
                },
                unit,
                detail: Detail::default(),
            })
        }
        #[cfg(feature = "train")]
        Command::Train(command) => command.run(),
    }
}
