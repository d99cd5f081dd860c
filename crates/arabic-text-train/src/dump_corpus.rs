//! `dump-corpus`: the unlabelled text as the name tagger reads it, one
//! paragraph a line, for the subword-vector trainer
//! (`crates/arabic-text-train/scripts/vectors/train-vectors.sh`).
//!
//! - Text: every `*.txt.xz` of `../shared/data/unlabelled` (one paragraph a
//!   line, read through `xz -dc`) less the paragraphs the annotation pool's
//!   dev and test parts were drawn from. The pool's IDs are line numbers
//!   (`W` + line of `arwiki_comparable.txt.xz`, `U` + line of
//!   `un_devtest.txt.xz`, 0-based), so they are left out by number, and only
//!   the first column of `dev.tsv` / `test.tsv` is read. The pool's train
//!   part (`train.tsv.xz`) is lines of the same two files: it is in the dump
//!   once, through them (the command checks that each of its IDs names a
//!   line it wrote).
//! - Tokens: the runs of word characters and the single punctuation marks
//!   `entities::units` hands the tagger, folded with the tagger's own
//!   `fold`; empty folds are dropped.
//! - Each paragraph gives two lines: its folded forms, then their clitic-free
//!   stems (`stem_with_article`), so that the vectors of both the form and
//!   the stem the tagger reads are learned from their contexts.

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use arabic_text_core::chars::{is_digit, is_word_char, is_word_internal};
use arabic_text_core::entities::fold::{fold_into, stem_with_article};

use crate::xz;

/// Arguments of `dump-corpus`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory of `*.txt.xz` files (one paragraph per line).
    #[arg(long, default_value = "../shared/data/unlabelled")]
    pub unlabelled: PathBuf,
    /// The annotation pool (`dev.tsv`, `test.tsv`: their paragraphs are left
    /// out; `train.tsv.xz`: checked to be in the dump).
    #[arg(long, default_value = "../shared/data/annotation-pool")]
    pub pool: PathBuf,
    /// Where to write the text (UTF-8, two lines per paragraph).
    #[arg(long, default_value = "target/vectors/corpus.txt")]
    pub out: PathBuf,
    /// Read only this many paragraphs per file (0 = all), for a quick try.
    #[arg(long, default_value_t = 0)]
    pub max_lines: usize,
}

/// A char of a word run (what `entities::units` keeps together).
fn wordish(c: char) -> bool {
    is_word_char(c) || is_word_internal(c) || is_digit(c)
}

/// Appends the tagger's tokens of `line`, folded, to `forms` and their
/// stems to `stems`, space-separated; returns the number of tokens.
pub fn tokens_of(line: &str, forms: &mut String, stems: &mut String) -> usize {
    let mut n = 0;
    let mut folded = String::new();
    let mut push = |folded: &str, stem: &str, n: &mut usize| {
        if *n > 0 {
            forms.push(' ');
            stems.push(' ');
        }
        forms.push_str(folded);
        stems.push_str(stem);
        *n += 1;
    };
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let end = if wordish(c) {
            rest.char_indices()
                .find(|&(_, c)| !wordish(c))
                .map_or(rest.len(), |(j, _)| j)
        } else {
            c.len_utf8()
        };
        let tok = &rest[..end];
        rest = &rest[end..];
        if c.is_whitespace() || c.is_control() {
            continue;
        }
        folded.clear();
        fold_into(tok, &mut folded);
        if folded.is_empty() || folded.contains(char::is_whitespace) {
            continue;
        }
        if wordish(c) {
            let stem = stem_with_article(&folded);
            push(&folded, &stem, &mut n);
        } else {
            push(&folded, &folded, &mut n);
        }
    }
    n
}

/// The IDs in the first column of a pool file.
fn pool_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

/// The ID prefix the pool gives the lines of an unlabelled file.
fn id_prefix(file: &Path) -> Option<char> {
    let name = file.file_name()?.to_str()?;
    if name.starts_with("arwiki_comparable") {
        Some('W')
    } else if name.starts_with("un_devtest") {
        Some('U')
    } else {
        None
    }
}

/// Writes the corpus.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let read = |name: &str| -> anyhow::Result<String> {
        let p = args.pool.join(name);
        std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
    };
    let mut held_out = pool_ids(&read("dev.tsv")?);
    held_out.extend(pool_ids(&read("test.tsv")?));
    let train_ids = {
        let p = args.pool.join("train.tsv.xz");
        let (mut child, lines) = xz::lines(&p)?;
        let mut ids = BTreeSet::new();
        for line in lines {
            let line = line.with_context(|| format!("reading {}", p.display()))?;
            if let Some(id) = line.split('\t').next() {
                ids.insert(id.to_string());
            }
        }
        let _ = child.wait();
        ids
    };
    anyhow::ensure!(
        train_ids.is_disjoint(&held_out),
        "the pool's train part shares IDs with dev or test"
    );
    let files = xz::txt_files(&args.unlabelled)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let (mut forms, mut stems) = (String::new(), String::new());
    let mut written_train = 0usize;
    let mut total_tokens = 0usize;
    let mut left_out = 0usize;
    for f in &files {
        let prefix = id_prefix(f);
        let (mut child, lines) = xz::lines(f)?;
        let (mut paragraphs, mut tokens) = (0usize, 0usize);
        for (n, line) in lines.enumerate() {
            if args.max_lines > 0 && n >= args.max_lines {
                break;
            }
            let line = line.with_context(|| format!("reading {}", f.display()))?;
            if let Some(p) = prefix {
                let id = format!("{p}{n:06}");
                if held_out.contains(&id) {
                    left_out += 1;
                    continue;
                }
                written_train += usize::from(train_ids.contains(&id));
            }
            forms.clear();
            stems.clear();
            let k = tokens_of(&line, &mut forms, &mut stems);
            if k == 0 {
                continue;
            }
            writeln!(out, "{forms}")?;
            writeln!(out, "{stems}")?;
            paragraphs += 1;
            tokens += k;
        }
        let _ = child.kill();
        let _ = child.wait();
        total_tokens += tokens;
        eprintln!(
            "{}: {paragraphs} paragraphs, {tokens} tokens ({:.0} s)",
            f.display(),
            t0.elapsed().as_secs_f64()
        );
    }
    out.flush()?;
    eprintln!(
        "left out {left_out} paragraphs of the pool's dev and test parts ({} IDs); \
         {written_train} of the pool's {} train paragraphs are in the dump",
        held_out.len(),
        train_ids.len()
    );
    if args.max_lines == 0 {
        anyhow::ensure!(
            left_out == held_out.len(),
            "{} dev/test IDs name no line of the unlabelled files",
            held_out.len() - left_out
        );
        anyhow::ensure!(
            written_train == train_ids.len(),
            "{} pool train IDs name no line written",
            train_ids.len() - written_train
        );
    }
    println!(
        "wrote {} tokens (forms and stems, two lines a paragraph) to {} in {:.0} s",
        total_tokens,
        args.out.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_the_taggers_folded_with_their_stems() {
        let (mut f, mut s) = (String::new(), String::new());
        let n = tokens_of("وقال الرئيسُ: «القاهرةِ» 2024م، ﺑﻐﺪﺍﺩ", &mut f, &mut s);
        assert_eq!(f, "وقال الرئيس : « القاهره » 2024م ، بغداد");
        assert_eq!(n, 9);
        assert_eq!(s.split(' ').count(), n);
        assert_eq!(s.split(' ').next(), Some("قال"));
    }

    #[test]
    fn pool_ids_name_lines() {
        assert_eq!(
            pool_ids("W000001\tنص\nU000002\tنص\n"),
            ["U000002".to_string(), "W000001".to_string()].into()
        );
        assert_eq!(
            id_prefix(Path::new("/x/arwiki_comparable.txt.xz")),
            Some('W')
        );
        assert_eq!(id_prefix(Path::new("/x/hindawi_pd.txt.xz")), None);
    }
}
