//! Normalization throughput (MB/s, one core, warm) on real, non-repeating
//! text given by path (`BENCH_TEXT`, see `benches/common/mod.rs`): each
//! input whole and cut into ~1 KB documents. The first pass over new text is
//! `arabic-text bench FILE --ops normalize`. Run: `cargo bench --bench normalize`.

use std::hint::black_box;

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize, normalize_str};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/mod.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let search = NormalizeOptions::preset(Preset::Search);
    for input in common::inputs() {
        let text = &input.text;
        let mut group = c.benchmark_group(format!("normalize/{}", input.name));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(10);
        for (name, preset) in [
            ("search_all_rules_with_alignment", Preset::Search),
            ("standard_with_alignment", Preset::Standard),
            ("light_with_alignment", Preset::Light),
        ] {
            let options = NormalizeOptions::preset(preset);
            group.bench_function(name, |b| b.iter(|| normalize(black_box(text), &options)));
        }
        let normalized = normalize_str(text, &search).into_owned();
        group.throughput(Throughput::Bytes(normalized.len() as u64));
        group.bench_function("search_on_already_normalized", |b| {
            b.iter(|| normalize(black_box(&normalized), &search))
        });
        let docs = common::documents(text, 1024);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("search_1kb_documents", |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(normalize(black_box(doc), &search));
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
