//! Normalization throughput (MB/s) on real Arabic news text.
//!
//! Run: `cargo bench --bench normalize`. The corpus is the sample article
//! `../shared/samples/erem-news-2024-01-22.txt` repeated to about 4 MB; without
//! `../shared` an embedded paragraph of Arabic news text is repeated instead.

use std::hint::black_box;

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize, normalize_str};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Used when the shared sample is absent (a fresh clone).
const FALLBACK: &str = "قال الرئيس الفلسطيني محمود عباس، اليوم الإثنين، إن الشعب الفلسطيني \
لن يقبل بأي حلول منقوصة، مؤكداً أن القدس الشرقية ستبقى العاصمة الأبدية لدولة فلسطين. \
وأضاف خلال اجتماع في مدينة رام الله أن السلطة الفلسطينية ستواصل جهودها على الساحة الدولية \
لإنهاء الاحتلال، داعياً المجتمع الدولي إلى تحمّل مسؤولياته. وأشار إلى أن ٢٠٢٤ سيكون عاماً حاسماً، \
في ظل تصاعد الأحداث في قطاع غزة والضفة الغربية.\n";

/// The sample article, or the fallback paragraph.
fn sample() -> String {
    std::fs::read_to_string("../shared/samples/erem-news-2024-01-22.txt")
        .unwrap_or_else(|_| FALLBACK.to_owned())
}

/// `text` repeated to at least `bytes`.
fn repeat_to(text: &str, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + text.len());
    while out.len() < bytes {
        out.push_str(text);
        out.push('\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let article = sample();
    let corpus = repeat_to(&article, 4 << 20);
    let doc_1k: String = {
        let mut end = 1024.min(article.len());
        while !article.is_char_boundary(end) {
            end -= 1;
        }
        article[..end].to_owned()
    };
    let search = NormalizeOptions::preset(Preset::Search);
    let normalized_corpus = normalize_str(&corpus, &search).into_owned();

    let mut group = c.benchmark_group("normalize_4mb");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.sample_size(20);
    for (name, preset) in [
        ("search_all_rules_with_alignment", Preset::Search),
        ("standard_with_alignment", Preset::Standard),
        ("light_with_alignment", Preset::Light),
    ] {
        let options = NormalizeOptions::preset(preset);
        group.bench_function(name, |b| b.iter(|| normalize(black_box(&corpus), &options)));
    }
    group.bench_function("search_on_already_normalized", |b| {
        b.iter(|| normalize(black_box(&normalized_corpus), &search))
    });
    group.finish();

    let mut group = c.benchmark_group("normalize_1kb");
    group.throughput(Throughput::Bytes(doc_1k.len() as u64));
    group.bench_function("search_all_rules_with_alignment", |b| {
        b.iter(|| normalize(black_box(&doc_1k), &search))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
