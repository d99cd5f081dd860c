//! Tagging throughput of the entity extractor (tokens per second on one
//! core), warm: the whole pipeline (units, tagger, patterns, grouping) on
//! ~4 KB documents of real text (the first 256 KB of each input, see
//! `benches/common/mod.rs`), and the pattern pass alone. The first pass over
//! new text is `arabic-text bench FILE --ops entities`.
//! Run: `cargo bench --bench entities`.

use std::hint::black_box;

use arabic_text_core::entities::{EntityExtractor, EntityOptions};
use arabic_text_core::segment::{SegmentOptions, Segmenter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/mod.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let segmenter = Segmenter::embedded().expect("segmenter");
    let extractor = EntityExtractor::embedded().expect("model");
    let mut g = c.benchmark_group("entities");
    g.sample_size(10);
    for input in common::inputs() {
        let docs = common::documents(common::head(&input.text, 256 << 10), 4096);
        let segs: Vec<_> = docs
            .iter()
            .map(|d| segmenter.segment(d, &SegmentOptions::default()))
            .collect();
        let tokens: usize = segs.iter().map(|s| s.tokens.len()).sum();
        g.throughput(Throughput::Elements(tokens as u64));
        g.bench_function(format!("{}/extract", input.name), |b| {
            b.iter(|| {
                for (doc, seg) in docs.iter().zip(&segs) {
                    black_box(extractor.extract(black_box(doc), seg, &EntityOptions::default()));
                }
            })
        });
        // The pattern rules alone are internal to the core: public (hidden)
        // only with the training crate, which the `train` feature brings in.
        #[cfg(feature = "train")]
        g.bench_function(format!("{}/patterns", input.name), |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(arabic_text_core::entities::patterns::find(black_box(doc)));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
