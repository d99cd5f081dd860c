//! Throughput of the whole Segment (sentences + words + clitics) in-process.
//! Inputs: the sample news article in ../shared/samples repeated to ~4 MB, the
//! CoNLL 2018 PADT test raw text, and ~1.9 MB of news text with many distinct
//! words (ANERcorp's tokens joined by spaces, then the PADT and PUD raw text);
//! falls back to an embedded paragraph when ../shared is absent.
//! Run: `cargo bench --bench segment`.

use std::hint::black_box;

use arabic_text_core::segment::{CliticMode, SegmentOptions, Segmentation, Segmenter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Used when ../shared is not there.
const FALLBACK: &str = "قال الرئيس الأمريكي باراك أوباما في كلمة ألقاها يوم الإثنين إن الولايات المتحدة ستواصل دعمها للعاصمة العراقية، وأضاف: «نحن نسير على الطريق الصحيح». وبحسب وكالة الأنباء، فإن الاجتماع سيعقد في 6:26 م بتوقيت بغداد، وسيحضره 1,500 مشارك.\n";

/// `text` repeated to at least `bytes` bytes.
fn repeat_to(text: &str, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + text.len());
    while s.len() < bytes {
        s.push_str(text);
        s.push('\n');
    }
    s
}

/// The benchmark inputs: (name, text).
fn inputs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let sample = std::fs::read_dir("../shared/samples")
        .ok()
        .and_then(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "txt"))
        })
        .and_then(|p| std::fs::read_to_string(p).ok());
    match sample {
        Some(s) => out.push(("sample-article-4MB".to_owned(), repeat_to(&s, 4 << 20))),
        None => out.push(("embedded-4MB".to_owned(), repeat_to(FALLBACK, 4 << 20))),
    }
    let dir = "../shared/data/ud-arabic-padt/conll2018-test-blind-input";
    let padt = std::fs::read_to_string(format!("{dir}/ar_padt.txt"))
        .ok()
        .or_else(|| {
            // the raw text of the blind input, from the `# text` lines of its UDPipe file
            let conllu = std::fs::read_to_string(format!("{dir}/ar_padt-udpipe.conllu")).ok()?;
            let lines: Vec<&str> = conllu
                .lines()
                .filter_map(|l| l.strip_prefix("# text = "))
                .collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        });
    if let Some(padt) = &padt {
        out.push(("padt-test-raw".to_owned(), padt.clone()));
    }
    let anercorp = std::fs::read_to_string("../shared/data/anercorp/ANERCorp").ok();
    let pud = std::fs::read_to_string("../shared/data/ud-arabic-pud/ar_pud-ud-test.conllu").ok();
    if let (Some(anercorp), Some(padt), Some(pud)) = (anercorp, padt, pud) {
        let mut news: String = anercorp
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect::<Vec<_>>()
            .join(" ");
        news.push('\n');
        news.push_str(&padt);
        for line in pud.lines().filter_map(|l| l.strip_prefix("# text = ")) {
            news.push('\n');
            news.push_str(line);
        }
        out.push(("news-anercorp-padt-pud".to_owned(), news));
    }
    out
}

fn bench(c: &mut Criterion) {
    let seg = Segmenter::embedded().expect("embedded lexicon");
    let mut group = c.benchmark_group("segment");
    group.sample_size(10);
    for (name, text) in inputs() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        for (mode_name, mode) in [
            ("clitics", CliticMode::Clitics),
            ("words", CliticMode::None),
        ] {
            let opts = SegmentOptions { clitics: mode };
            let mut out = Segmentation::default();
            group.bench_function(format!("{name}/{mode_name}"), |b| {
                b.iter(|| {
                    seg.segment_into(black_box(&text), &opts, &mut out);
                    black_box(out.segments.len())
                })
            });
        }
        let opts = SegmentOptions::default();
        group.bench_function(format!("{name}/segment-alloc"), |b| {
            b.iter(|| black_box(seg.segment(black_box(&text), &opts).segments.len()))
        });
    }
    group.finish();
    c.bench_function("load-embedded", |b| {
        b.iter(|| black_box(Segmenter::embedded().expect("lexicon")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
