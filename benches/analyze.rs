//! Throughput of Analyze (normalize + segment + entities, sharing the
//! segmentation) in-process, per core, warm: bytes/s and tokens/s on ~4 KB
//! documents of real text (the first 256 KB of each input, see
//! `benches/common/mod.rs`). Run: `cargo bench --bench analyze`.

use std::hint::black_box;

use arabic_text_core::{AnalyzeOptions, Analyzer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/mod.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let analyzer = Analyzer::embedded().expect("embedded models");
    let options = AnalyzeOptions::default();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for input in common::inputs() {
        let docs = common::documents(common::head(&input.text, 256 << 10), 4096);
        let bytes: usize = docs.iter().map(|d| d.len()).sum();
        let tokens: usize = docs
            .iter()
            .map(|d| analyzer.analyze(d, &options).segmentation.tokens.len())
            .sum();
        let run = |b: &mut criterion::Bencher<'_>| {
            b.iter(|| {
                for doc in &docs {
                    black_box(analyzer.analyze(black_box(doc), &options).entities.len());
                }
            })
        };
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{}/bytes", input.name), run);
        group.throughput(Throughput::Elements(tokens as u64));
        group.bench_function(format!("{}/tokens", input.name), run);
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
