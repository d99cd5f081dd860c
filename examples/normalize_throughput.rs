//! Normalization throughput in CPU time (robust on a shared machine):
//! `cargo run --release --example normalize_throughput [FILE] [PRESET]`.
//! Reads FILE (default: the sample article in ../shared), repeats it to 4 MB,
//! and prints MB/s of process CPU time for normalizing it as one 4 MB
//! document and as ~1 KB documents (the service's typical request).

use std::time::Instant;

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize};

#[path = "common/cpu_time.rs"]
mod cpu_time;
use cpu_time::cpu_seconds;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/samples/erem-news-2024-01-22.txt".to_owned());
    let preset = match args.next().as_deref() {
        Some("light") => Preset::Light,
        Some("standard") => Preset::Standard,
        _ => Preset::Search,
    };
    let Ok(article) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {path}");
        std::process::exit(2);
    };
    let mut corpus = String::new();
    while corpus.len() < 4 << 20 {
        corpus.push_str(&article);
        corpus.push('\n');
    }
    let options = NormalizeOptions::preset(preset);
    let docs = split_1k(&corpus);
    let docs_rate = Rate::measure(|| {
        for doc in &docs {
            let n = normalize(std::hint::black_box(doc), &options);
            std::hint::black_box(&n);
        }
        corpus.len()
    });
    println!("{preset:?} 1 KB docs: {docs_rate}");
    let mut edits = 0usize;
    let whole_rate = Rate::measure(|| {
        let n = normalize(std::hint::black_box(&corpus), &options);
        edits += n.alignment.len();
        corpus.len()
    });
    println!(
        "{preset:?} 4 MB doc: {whole_rate}; {} edits per MB",
        edits as f64 / whole_rate.mb
    );
}

/// What one timed loop measured.
struct Rate {
    /// Megabytes normalized.
    mb: f64,
    /// Process CPU seconds spent (what the per-core rate divides by).
    cpu: f64,
    /// Wall seconds spent.
    wall: f64,
}

impl Rate {
    /// Runs `pass` (which returns the bytes it normalized) until 3 s of wall
    /// time have passed.
    fn measure(mut pass: impl FnMut() -> usize) -> Self {
        let cpu0 = cpu_seconds().unwrap_or(0.0);
        let wall = Instant::now();
        let mut bytes = 0usize;
        while wall.elapsed().as_secs_f64() < 3.0 {
            bytes += pass();
        }
        Self {
            mb: bytes as f64 / 1e6,
            cpu: cpu_seconds().unwrap_or(0.0) - cpu0,
            wall: wall.elapsed().as_secs_f64(),
        }
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} MB/s per core (CPU time), {:.0} MB/s wall",
            self.mb / self.cpu,
            self.mb / self.wall
        )
    }
}

/// `text` cut into pieces of about 1 KB at char boundaries.
fn split_1k(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + 1024).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        docs.push(&text[start..end]);
        start = end;
    }
    docs
}
