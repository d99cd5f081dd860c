//! The benchmarks' inputs: real, non-repeating text read from files, so no
//! figure comes from a short text repeated until the branch predictors and
//! caches know it by heart.
//!
//! `BENCH_TEXT=path[,path...]` names the files (UTF-8 text). Without it: the
//! PADT raw text in `../shared` and `/tmp/wiki-slice.txt` (6 MB of Arabic
//! Wikipedia, made as `docs/performance.md` says), those that exist. With
//! none of them (a fresh clone), an embedded paragraph repeated to 1 MB,
//! named `embedded-repeated-not-a-measurement`: enough to check that the
//! benchmarks run, not to quote.

#![allow(dead_code)] // each benchmark uses part of this module

use std::path::Path;

/// The PADT raw text (240 KB of news, never seen by the models).
pub const PADT: &str = "../shared/data/ud-arabic-padt/conll2018-test-blind-input/ar_padt.txt";

/// The Wikipedia slice that docs/performance.md makes.
pub const WIKI: &str = "/tmp/wiki-slice.txt";

/// Used when no file is there.
const FALLBACK: &str = "قال الرئيس الأمريكي باراك أوباما في كلمة ألقاها يوم الإثنين إن الولايات المتحدة ستواصل دعمها للعاصمة العراقية، وأضاف: «نحن نسير على الطريق الصحيح». وبحسب وكالة الأنباء، فإن الاجتماع سيعقد في 6:26 م بتوقيت بغداد، وسيحضره 1,500 مشارك.\n";

/// One input: a name for the report and the text.
pub struct Input {
    /// The file's stem (or the fallback's name).
    pub name: String,
    /// The text.
    pub text: String,
}

/// The inputs (see the module documentation).
pub fn inputs() -> Vec<Input> {
    let paths: Vec<String> = match std::env::var("BENCH_TEXT") {
        Ok(list) => list.split(',').map(str::to_owned).collect(),
        Err(_) => vec![PADT.to_owned(), WIKI.to_owned()],
    };
    let mut out: Vec<Input> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let name = Path::new(p).file_stem()?.to_string_lossy().into_owned();
            Some(Input { name, text })
        })
        .collect();
    if out.is_empty() {
        out.push(Input {
            name: "embedded-repeated-not-a-measurement".to_owned(),
            text: FALLBACK.repeat((1 << 20) / FALLBACK.len() + 1),
        });
    }
    out
}

/// `text` cut at line ends into documents of about `size` bytes (a line
/// longer than `size` is cut at the char boundary before `size`).
pub fn documents(text: &str, size: usize) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = size.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end < rest.len() {
            if let Some(nl) = rest[..end].rfind('\n').filter(|&nl| nl > 0) {
                end = nl + 1;
            } else if end == 0 {
                end = rest.chars().next().map_or(rest.len(), char::len_utf8);
            }
        }
        docs.push(&rest[..end]);
        rest = &rest[end..];
    }
    docs
}

/// The first `bytes` of `text` (at a line end when there is one).
pub fn head(text: &str, bytes: usize) -> &str {
    documents(text, bytes).first().copied().unwrap_or("")
}
