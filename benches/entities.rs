//! Tagging throughput of the entity extractor (tokens per second on one
//! core): the whole pipeline (units, tagger, patterns, grouping) and the
//! tagger alone on pre-tokenized sentences.

use std::hint::black_box;

use arabic_text_core::entities::{EntityExtractor, EntityOptions, embedded_model};
use arabic_text_core::segment::{SegmentOptions, Segmenter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PARAGRAPH: &str = "دفعت المخاوف من الاستهداف الأمريكي، قادة في ميليشيات عراقية موالية لطهران، إلى مغادرة البلاد لإيران ولبنان، بعيد تنفيذ هجمات على قواعد عسكرية تؤوي جنودا أمريكيين، بحسب قيادي بارز في كتائب حزب الله العراقي. وتعليقا على ذلك، قال المحلل السياسي والأمني المقيم في واشنطن نزار حيدر، لـ\"إرم نيوز\"، إن \"الرد العسكري الأمريكي على الميليشيات العراقية أمر متوقع بأي لحظة وبأي مكان\". ومنذ منتصف تشرين الأول/أكتوبر، استهدفت عشرات الهجمات القوات الأمريكية وقوات التحالف المنتشرة في العراق وسوريا في 22 يناير 2024. ";

fn bench(c: &mut Criterion) {
    let text = PARAGRAPH.repeat(20);
    let segmenter = Segmenter::embedded().expect("segmenter");
    let extractor = EntityExtractor::embedded().expect("model");
    let seg = segmenter.segment(&text, &SegmentOptions::default());
    let words = text.split_whitespace().count() as u64;
    let mut g = c.benchmark_group("entities");
    g.throughput(Throughput::Elements(words));
    g.bench_function("extract", |b| {
        b.iter(|| extractor.extract(black_box(&text), &seg, &EntityOptions::default()))
    });
    g.bench_function("patterns", |b| {
        b.iter(|| arabic_text_core::entities::patterns::find(black_box(&text)))
    });
    let model = embedded_model().expect("model");
    let sentences: Vec<Vec<&str>> = PARAGRAPH
        .split(". ")
        .map(|s| s.split_whitespace().collect())
        .collect();
    let n: usize = sentences.iter().map(Vec::len).sum();
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("tagger", |b| {
        b.iter(|| {
            for s in &sentences {
                black_box(model.tag(s));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
