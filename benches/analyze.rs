//! Throughput of Analyze (normalize + segment + entities, sharing the
//! segmentation) in-process, per core: bytes/s and tokens/s.
//! Inputs: the sample article in ../shared/samples, and multi-MB real news text
//! (the ANERcorp corpus's tokens joined by spaces, cut into ~4 KB documents);
//! an embedded paragraph when ../shared is absent. Run: `cargo bench --bench analyze`.

use std::hint::black_box;

use arabic_text_core::{AnalyzeOptions, Analyzer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Used when ../shared is not there.
const FALLBACK: &str = "قال الرئيس الأمريكي باراك أوباما في كلمة ألقاها يوم الإثنين إن الولايات المتحدة ستواصل دعمها للعاصمة العراقية بغداد، وأضاف أن الاجتماع سيعقد في 6:26 م يوم 22 يناير 2024 بحضور 1,500 مشارك.\n";

/// (name, documents): the inputs, each a list of documents analysed one by one.
fn inputs() -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    let sample = std::fs::read_to_string("../shared/samples/erem-news-2024-01-22.txt")
        .unwrap_or_else(|_| FALLBACK.repeat(20));
    out.push(("sample-article", vec![sample]));
    if let Ok(corpus) = std::fs::read_to_string("../shared/data/anercorp/ANERCorp") {
        let mut docs = Vec::new();
        let mut doc = String::new();
        for token in corpus
            .lines()
            .filter_map(|l| l.rsplit_once(' ').map(|(t, _)| t))
        {
            doc.push_str(token);
            doc.push(' ');
            if doc.len() >= 4096 {
                docs.push(std::mem::take(&mut doc));
            }
        }
        out.push(("anercorp-news-4KB-docs", docs));
    }
    out
}

fn bench(c: &mut Criterion) {
    let analyzer = Analyzer::embedded().expect("embedded models");
    let options = AnalyzeOptions::default();
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for (name, docs) in inputs() {
        let bytes: usize = docs.iter().map(String::len).sum();
        let tokens: usize = docs
            .iter()
            .map(|d| analyzer.analyze(d, &options).segmentation.tokens.len())
            .sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{name}/bytes"), |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(analyzer.analyze(black_box(doc), &options).entities.len());
                }
            })
        });
        group.throughput(Throughput::Elements(tokens as u64));
        group.bench_function(format!("{name}/tokens"), |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(analyzer.analyze(black_box(doc), &options).entities.len());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
