//! `eval-segment`: scores the segmenter on UD Arabic-PUD. PLACEHOLDER: being implemented.

use std::path::PathBuf;

/// Arguments of `eval-segment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gold CoNLL-U file.
    #[arg(
        long,
        default_value = "../shared/data/ud-arabic-pud/ar_pud-ud-test.conllu"
    )]
    pub gold: PathBuf,
}

/// Runs the evaluation.
pub fn run(args: &Args) -> anyhow::Result<()> {
    anyhow::bail!(
        "eval-segment is not implemented yet ({})",
        args.gold.display()
    )
}
