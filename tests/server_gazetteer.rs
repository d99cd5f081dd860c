//! Request and operator gazetteers against the real server on 127.0.0.1:0
//! (issue 14 items 1 and 10): bounded request entries refused at once with
//! field violations, phrases without a word refused, big gazetteers kept off
//! the async reactor, and a long operator phrase not slowing every call.

use std::time::{Duration, Instant};

use crate::common::{TestServer, doc, health_status, requests, test_config, violated_fields};
use arabic_text::pb;
use arabic_text_core::entities::gazetteer::{
    MAX_PHRASE_BYTES, MAX_PHRASE_UNITS, MAX_REQUEST_ENTRIES,
};
use tonic::Code;

/// A news-like paragraph (about 700 bytes).
const PARAGRAPH: &str = "وكشف القيادي في كتائب حزب الله العراقي أن قادة الفصائل غادروا بغداد إلى طهران. \
    ويرى المحلل العسكري أن الولايات المتحدة الأمريكية لديها القدرة الاستخباراتية على متابعة القادة. \
    ويعتقد المحلل السياسي نزار حيدر المقيم في واشنطن أن الإدارة غيرت سياستها في المنطقة بعد الهجمات الأخيرة. ";

/// `PARAGRAPH` repeated to at least `bytes`.
fn text_of(bytes: usize) -> String {
    PARAGRAPH.repeat(bytes.div_ceil(PARAGRAPH.len()))
}

fn entry(phrase: &str) -> pb::GazetteerEntry {
    pb::GazetteerEntry {
        phrase: phrase.to_owned(),
        r#type: pb::EntityType::Organization as i32,
    }
}

fn entities_request(text: &str, gazetteer: Vec<pb::GazetteerEntry>) -> pb::ExtractEntitiesRequest {
    pb::ExtractEntitiesRequest {
        document: doc(text),
        options: Some(pb::EntityOptions {
            gazetteer,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Asserts that a call was refused as INVALID_ARGUMENT for exactly `fields`.
#[track_caller]
fn assert_invalid(status: &tonic::Status, fields: &[&str]) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(violated_fields(status), fields);
}

/// The phrase: 2,000 words taken from the text itself.
fn long_phrase(words: usize) -> String {
    PARAGRAPH
        .split_whitespace()
        .cycle()
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn oversized_request_gazetteers_are_invalid_argument_at_once() {
    let (_server, mut client) = TestServer::start_client(test_config()).await;
    let text = text_of(10 * 1024);

    // The case: one 2,000-word phrase (froze the server for 16 s).
    let started = Instant::now();
    let status = client
        .extract_entities(entities_request(&text, vec![entry(&long_phrase(2000))]))
        .await
        .expect_err("a 2,000-word phrase is refused");
    assert_invalid(&status, &["options.gazetteer[0].phrase"]);
    assert!(
        status.message().contains("gazetteer entry 0"),
        "{}",
        status.message()
    );

    // Too many units within the byte bound, and too many bytes.
    let units = vec!["ب"; MAX_PHRASE_UNITS + 1].join(" ");
    let bytes = "ب".repeat(MAX_PHRASE_BYTES);
    let status = client
        .analyze(pb::AnalyzeRequest {
            document: doc(&text),
            entities: Some(pb::EntityOptions {
                gazetteer: vec![entry("بغداد"), entry(&units), entry(&bytes)],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect_err("over the phrase bounds");
    assert_invalid(
        &status,
        &[
            "entities.gazetteer[1].phrase",
            "entities.gazetteer[2].phrase",
        ],
    );

    // More entries than allowed: one violation for the list.
    let many = vec![entry("بغداد"); MAX_REQUEST_ENTRIES + 1];
    let status = client
        .extract_entities(entities_request(&text, many))
        .await
        .expect_err("too many entries");
    assert_invalid(&status, &["options.gazetteer"]);
    // Refused before any analysis: well under the time a 10 KB text takes.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Item 10: phrases that fold to nothing or are only punctuation.
#[tokio::test]
async fn phrases_without_a_word_are_invalid_argument() {
    let (_server, mut client) = TestServer::start_client(test_config()).await;
    let gazetteer = vec![
        entry("حزب الله"),
        entry("ـــ"),                    // tatweel only
        entry("\u{64E}\u{651}\u{200C}"), // marks and ZWNJ only
        entry("، ! ..."),                // punctuation only
        entry("\u{200F}"),               // an invisible mark only
    ];
    let status = client
        .extract_entities(entities_request("قال حزب الله", gazetteer))
        .await
        .expect_err("phrases without a word");
    assert_invalid(
        &status,
        &[
            "options.gazetteer[1].phrase",
            "options.gazetteer[2].phrase",
            "options.gazetteer[3].phrase",
            "options.gazetteer[4].phrase",
        ],
    );
    // A phrase with punctuation and a word is fine, and found.
    let found = client
        .extract_entities(entities_request(
            "قال حزب-الله اليوم",
            vec![entry("حزب-الله")],
        ))
        .await
        .expect("a phrase with a word")
        .into_inner();
    assert!(
        found
            .entities
            .iter()
            .any(|e| e.r#type == pb::EntityType::Organization as i32),
        "{found:?}"
    );
}

/// The other case, within the bounds: two concurrent 10 KB calls,
/// each with the largest request gazetteer allowed (every phrase made of the
/// text's own words, the old matcher's worst case), go to the blocking pool
/// by their work estimate, so health checks on the same server keep
/// answering at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_gazetteers_do_not_stall_health_checks() {
    let server = TestServer::start(test_config()).await;
    let text = text_of(10 * 1024);
    // Words (no punctuation) of up to 7 letters, so 32 of them are 32
    // units within the byte bound.
    let words: Vec<&str> = PARAGRAPH
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphabetic))
        .filter(|w| w.len() < MAX_PHRASE_BYTES / MAX_PHRASE_UNITS)
        .collect();
    let gazetteer: Vec<pb::GazetteerEntry> = (0..MAX_REQUEST_ENTRIES)
        .map(|i| {
            let phrase: Vec<&str> = (0..MAX_PHRASE_UNITS)
                .map(|k| words[(i + k) % words.len()])
                .collect();
            entry(&phrase.join(" "))
        })
        .collect();
    let mut calls = Vec::new();
    for _ in 0..2 {
        let mut client = server.client().await;
        let request = entities_request(&text, gazetteer.clone());
        calls.push(tokio::spawn(async move {
            client.extract_entities(request).await
        }));
    }
    let mut health = server.health().await;
    let mut slowest = Duration::ZERO;
    while calls.iter().any(|c| !c.is_finished()) {
        let started = Instant::now();
        health_status(&mut health, "liveness")
            .await
            .expect("health answers");
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for call in calls {
        let response = call.await.expect("task").expect("the calls succeed");
        assert!(!response.into_inner().entities.is_empty());
    }
    // Before: the server froze for 16 s; a reactor thread is never held.
    assert!(
        slowest < Duration::from_secs(2),
        "slowest health check {slowest:?}"
    );
}

/// The median time of `n` Analyze calls of `text`.
async fn median_analyze(server: &TestServer, text: &str, n: usize) -> Duration {
    let mut client = server.client().await;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        client
            .analyze(requests::analyze(text))
            .await
            .expect("analyze");
        times.push(started.elapsed());
    }
    times.sort();
    times[n / 2]
}

/// An operator `--gazetteer` with a 400-word line (every word from the
/// text) made every Analyze of a news article 28× slower; now the automaton
/// is built once at start-up and matching is linear in the text.
#[tokio::test]
async fn a_long_operator_phrase_does_not_slow_every_call() {
    let dir = std::env::temp_dir().join(format!("gaz-op-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("operator.tsv");
    std::fs::write(&path, format!("{}\tORG\nزيكولا\tORG\n", long_phrase(400))).expect("write");
    let text = text_of(4 * 1024);
    let plain = TestServer::start(test_config()).await;
    let with_file = TestServer::start(arabic_text::server::config::Config {
        gazetteer: Some(path.clone()),
        ..test_config()
    })
    .await;
    // Warm up both, then alternate so the machine's load hits both alike.
    median_analyze(&plain, &text, 2).await;
    median_analyze(&with_file, &text, 2).await;
    let mut ratios = Vec::new();
    for _ in 0..3 {
        let base = median_analyze(&plain, &text, 3).await;
        let with = median_analyze(&with_file, &text, 3).await;
        ratios.push(with.as_secs_f64() / base.as_secs_f64().max(1e-6));
    }
    ratios.sort_by(f64::total_cmp);
    let _ = std::fs::remove_dir_all(&dir);
    // Generous on a busy machine; the old matcher was about 28× slower.
    assert!(
        ratios[1] < 3.0,
        "with / without the operator file: {ratios:?}"
    );
}
