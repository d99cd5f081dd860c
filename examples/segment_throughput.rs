//! Segments a file (or the sample article) repeatedly and prints the CPU-time
//! throughput of this process (user + system time from getrusage via /proc),
//! which stays meaningful on a loaded machine where wall-clock benches do not.
//! Run: `cargo run --release --example segment_throughput -- FILE [MB]`.

use arabic_text_core::segment::{SegmentOptions, Segmentation, Segmenter};

#[path = "common/cpu_time.rs"]
mod cpu_time;

/// CPU seconds used by this process so far (0 where unknown).
fn cpu_seconds() -> f64 {
    cpu_time::cpu_seconds().unwrap_or(0.0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "../shared/samples/erem-news-2024-01-22.txt".to_owned());
    let mb: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let text = std::fs::read_to_string(&path)?;
    let t0 = cpu_seconds();
    let seg = Segmenter::embedded()?;
    let load = cpu_seconds() - t0;
    let opts = SegmentOptions::default();
    let mut out = Segmentation::default();
    // The first pass meets every word for the first time in this process:
    // the per-thread memo and the lexicon's caches hold only what the text
    // itself repeats. Wall time (CPU ticks are too coarse for one pass).
    let wall = std::time::Instant::now();
    seg.segment_into(&text, &opts, &mut out);
    let first = wall.elapsed().as_secs_f64();
    let rounds = (mb << 20) / text.len().max(1) + 1;
    let t1 = cpu_seconds();
    let mut segments = 0usize;
    for _ in 0..rounds {
        seg.segment_into(&text, &opts, &mut out);
        segments += out.segments.len();
    }
    let cpu = cpu_seconds() - t1;
    let bytes = (rounds * text.len()) as f64;
    println!(
        "{path}: {:.1} MB in {cpu:.2} s CPU = {:.1} MB/s per core ({segments} segments); lexicon load {:.0} ms CPU; first pass (cold caches) {:.1} MB/s wall",
        bytes / 1e6,
        bytes / 1e6 / cpu,
        load * 1e3,
        text.len() as f64 / 1e6 / first
    );
    Ok(())
}
