//! The unlabelled corpora (`*.txt.xz`, one paragraph a line) as the corpus
//! commands read them: through `xz -dc`, file by file in name order.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

/// The `*.txt.xz` files of `dir`, sorted by path; an error when there is none.
pub fn txt_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".txt.xz"))
        .collect();
    files.sort();
    anyhow::ensure!(!files.is_empty(), "no *.txt.xz in {}", dir.display());
    Ok(files)
}

/// Decompresses `path` with `xz -dc` into a line reader; the caller waits for
/// (or kills) the child.
pub fn lines(
    path: &Path,
) -> anyhow::Result<(
    std::process::Child,
    impl Iterator<Item = std::io::Result<String>>,
)> {
    let mut child = Command::new("xz")
        .arg("-dc")
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("running xz -dc {}", path.display()))?;
    let out = child.stdout.take().context("xz stdout")?;
    Ok((child, BufReader::with_capacity(1 << 20, out).lines()))
}
