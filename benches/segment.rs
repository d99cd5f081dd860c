//! Throughput of the whole Segment (sentences + words + clitics) in-process,
//! warm (criterion repeats each pass; the first pass over new text is
//! `arabic-text bench FILE --ops segment`). Inputs: real text given by path
//! (`BENCH_TEXT`, see `benches/common/mod.rs`). Run: `cargo bench --bench segment`.

use std::hint::black_box;

use arabic_text_core::segment::{CliticMode, SegmentOptions, Segmentation, Segmenter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/mod.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let seg = Segmenter::embedded().expect("embedded lexicon");
    let mut group = c.benchmark_group("segment");
    group.sample_size(10);
    for input in common::inputs() {
        let text = &input.text;
        group.throughput(Throughput::Bytes(text.len() as u64));
        for (mode_name, mode) in [
            ("clitics", CliticMode::Clitics),
            ("words", CliticMode::None),
        ] {
            let opts = SegmentOptions { clitics: mode };
            let mut out = Segmentation::default();
            group.bench_function(format!("{}/{mode_name}", input.name), |b| {
                b.iter(|| {
                    seg.segment_into(black_box(text), &opts, &mut out);
                    black_box(out.segments.len())
                })
            });
        }
        let opts = SegmentOptions::default();
        group.bench_function(format!("{}/segment-alloc", input.name), |b| {
            b.iter(|| black_box(seg.segment(black_box(text), &opts).segments.len()))
        });
    }
    group.finish();
    c.bench_function("load-embedded", |b| {
        b.iter(|| black_box(Segmenter::embedded().expect("lexicon")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
