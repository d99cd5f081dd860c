//! `train-ner` and `eval-ner` on ANERcorp. PLACEHOLDER: being implemented.

use std::path::PathBuf;

/// Arguments of `train-ner`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// The ANERcorp file.
    #[arg(long, default_value = "../shared/data/anercorp/ANERCorp")]
    pub data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "models/ner.bin.gz")]
    pub out: PathBuf,
}

/// Arguments of `eval-ner`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The ANERcorp file.
    #[arg(long, default_value = "../shared/data/anercorp/ANERCorp")]
    pub data: PathBuf,
}

/// Trains the model.
pub fn train(args: &TrainArgs) -> anyhow::Result<()> {
    anyhow::bail!(
        "train-ner is not implemented yet ({} -> {})",
        args.data.display(),
        args.out.display()
    )
}

/// Evaluates the model.
pub fn eval(args: &EvalArgs) -> anyhow::Result<()> {
    anyhow::bail!("eval-ner is not implemented yet ({})", args.data.display())
}
