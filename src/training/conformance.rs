//! `conformance`: checks the CAMeL-compatible normalization rules against
//! `camel_normalize.jsonl`. PLACEHOLDER: being implemented.

use std::path::PathBuf;

/// Arguments of `conformance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conformance vectors (JSON lines).
    #[arg(long, default_value = "../shared/conformance/camel_normalize.jsonl")]
    pub data: PathBuf,
}

/// Runs the check; fails if any line differs.
pub fn run(args: &Args) -> anyhow::Result<()> {
    anyhow::bail!(
        "conformance is not implemented yet ({})",
        args.data.display()
    )
}
