//! `train-segment`: computes the clitic analysis of every form of the
//! embedded stem lexicon under the default weights and writes
//! `models/segment-analyses.bin.gz`, which the segmenter embeds so that no
//! process analyses a lexicon word at run time. Deterministic: the same
//! lexicon and weights give the same bytes.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use arabic_text_core::segment::{CliticWeights, Segmenter};

/// Arguments of `train-segment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the analyses are written.
    #[arg(long, default_value = "models/segment-analyses.bin.gz")]
    pub out: PathBuf,
}

/// Runs `train-segment`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let start = Instant::now();
    let bytes = Segmenter::compile_analyses(&CliticWeights::default())
        .context("cannot compute the lexicon's analyses")?;
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} bytes) in {:.2} s",
        args.out.display(),
        bytes.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
