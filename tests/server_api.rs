//! The real server on 127.0.0.1:0 called through the generated clients: every
//! RPC, health, reflection, errors and offsets.

use crate::common::{
    TestServer, assert_metric, calls_total, doc, health_status, list_services, open_stream,
    requests, stream_item, test_config, violated_fields,
};
use arabic_text::pb;
use tokio_stream::StreamExt as _;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_types::StatusExt as _;

/// A text mixing Arabic, an emoji (2 UTF-16 units, 4 bytes), Latin and digits.
const MIXED: &str = "ذهب محمد 😀 إلى القاهرة يوم ٣ مايو. Hello 🇪🇬 world!";

/// Asserts that the UTF-8 `span` of a response on [`MIXED`] slices `text`.
fn assert_slices(span: Option<pb::TextSpan>, text: &str) {
    let span = span.expect("span");
    assert_eq!(
        MIXED.get(span.start as usize..span.end as usize),
        Some(text)
    );
}

#[tokio::test]
async fn every_rpc_answers_through_the_generated_client() {
    let (mut server, mut client) = TestServer::start_client(test_config()).await;

    let normalized = client
        .normalize(requests::normalize("ذَهَبَ  محمد"))
        .await
        .expect("normalize")
        .into_inner();
    assert_eq!(normalized.offset_encoding, pb::OffsetEncoding::Utf8 as i32);
    assert!(!normalized.normalized_text.is_empty());

    let segmented = client
        .segment(requests::segment(MIXED))
        .await
        .expect("segment")
        .into_inner();
    assert!(!segmented.tokens.is_empty());
    assert!(!segmented.sentences.is_empty());
    for token in &segmented.tokens {
        assert_slices(token.span, &token.text);
        assert!(!token.segments.is_empty());
    }

    let entities = client
        .extract_entities(requests::extract_entities(MIXED))
        .await
        .expect("entities")
        .into_inner();
    for m in entities.entities.iter().flat_map(|e| &e.mentions) {
        assert_slices(m.span, &m.text);
    }

    let analyzed = client
        .analyze(requests::analyze(MIXED))
        .await
        .expect("analyze")
        .into_inner();
    assert_eq!(analyzed.tokens, segmented.tokens);
    assert_eq!(analyzed.sentences, segmented.sentences);

    // The stream keeps order and ids; a bad item is answered with its error
    // and the stream goes on.
    let items = vec![
        stream_item("a", "ذهب محمد"),
        pb::AnalyzeStreamRequest {
            id: "bad".into(),
            request: Some(pb::AnalyzeRequest {
                document: doc("x"),
                clitics: 99,
                ..Default::default()
            }),
        },
        stream_item("c", MIXED),
    ];
    let responses: Vec<_> = client
        .analyze_stream(tokio_stream::iter(items))
        .await
        .expect("stream")
        .into_inner()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("stream items");
    let ids: Vec<_> = responses.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a", "bad", "c"]);
    match &responses[1].result {
        Some(pb::analyze_stream_response::Result::Error(e)) => {
            assert_eq!(e.code, Code::InvalidArgument as i32);
            assert!(e.message.contains("request.clitics"), "{}", e.message);
        }
        other => panic!("expected an item error, got {other:?}"),
    }
    match &responses[2].result {
        Some(pb::analyze_stream_response::Result::Response(r)) => {
            assert_eq!(r.tokens, segmented.tokens);
        }
        other => panic!("expected a response, got {other:?}"),
    }

    server.begin_shutdown();
    server.task.await.expect("join").expect("run");
}

#[tokio::test]
async fn health_reports_overall_service_liveness_and_readiness() {
    let server = TestServer::start(test_config()).await;
    let mut health = server.health().await;
    for name in [
        "",
        "arabic.text.v1.TextAnalysisService",
        "liveness",
        "readiness",
    ] {
        let status = health_status(&mut health, name).await.expect("check");
        assert_eq!(status, ServingStatus::Serving as i32, "{name:?}");
    }
    let unknown = health_status(&mut health, "no.such.Service")
        .await
        .expect_err("unknown service");
    assert_eq!(unknown.code(), Code::NotFound);
    assert_eq!(
        arabic_text::server::SERVICE_NAME,
        "arabic.text.v1.TextAnalysisService"
    );
}

#[tokio::test]
async fn reflection_lists_the_services_over_v1_and_v1alpha() {
    let server = TestServer::start(test_config()).await;
    let v1 = list_services!(tonic_reflection::pb::v1, server);
    let v1alpha = list_services!(tonic_reflection::pb::v1alpha, server);
    for names in [&v1, &v1alpha] {
        assert!(
            names
                .iter()
                .any(|n| n == "arabic.text.v1.TextAnalysisService"),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n == "grpc.health.v1.Health"),
            "{names:?}"
        );
    }
}

#[tokio::test]
async fn invalid_requests_get_invalid_argument_with_field_violations() {
    let mut config = test_config();
    config.max_text_bytes = 64;
    let (_server, mut client) = TestServer::start_client(config).await;

    let cases: Vec<(tonic::Status, &[&str])> = vec![
        (
            client
                .normalize(pb::NormalizeRequest::default())
                .await
                .expect_err("missing document"),
            &["document"],
        ),
        (
            client
                .segment(pb::SegmentRequest {
                    document: doc(&"ب".repeat(40)),
                    offset_encoding: 17,
                    ..Default::default()
                })
                .await
                .expect_err("too long, bad enum"),
            &["offset_encoding", "document.content"],
        ),
        (
            client
                .extract_entities(pb::ExtractEntitiesRequest {
                    document: Some(pb::Document {
                        content: "hello".into(),
                        language_code: "fr-CA".into(),
                    }),
                    options: Some(pb::EntityOptions {
                        types: vec![pb::EntityType::Person as i32, 0, 1000],
                        min_confidence: 2.0,
                        gazetteer: vec![pb::GazetteerEntry {
                            phrase: String::new(),
                            r#type: pb::EntityType::Money as i32,
                        }],
                        ..Default::default()
                    }),
                    offset_encoding: 0,
                })
                .await
                .expect_err("bad options"),
            &[
                "options.types[1]",
                "options.types[2]",
                "options.min_confidence",
                "options.gazetteer[0].phrase",
                "options.gazetteer[0].type",
                "document.language_code",
            ],
        ),
        (
            client
                .analyze(pb::AnalyzeRequest {
                    document: doc("نص"),
                    normalization: Some(pb::NormalizationOptions {
                        preset: 9,
                        ..Default::default()
                    }),
                    entities: Some(pb::EntityOptions {
                        min_confidence: f32::NAN,
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await
                .expect_err("bad analyze options"),
            &["normalization.preset", "entities.min_confidence"],
        ),
    ];
    for (status, fields) in cases {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert_eq!(violated_fields(&status), fields);
        let details = status
            .get_details_bad_request()
            .expect("google.rpc.BadRequest details");
        assert!(
            details
                .field_violations
                .iter()
                .all(|v| !v.description.is_empty())
        );
    }
}

#[tokio::test]
async fn over_size_requests_are_resource_exhausted() {
    let mut config = test_config();
    config.max_request_bytes = 1024;
    let (_server, mut client) = TestServer::start_client(config).await;
    let status = client
        .normalize(requests::normalize(&"ا".repeat(2000)))
        .await
        .expect_err("too large");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    // The connection still serves normal calls.
    client
        .normalize(requests::normalize("سلام"))
        .await
        .expect("small call");
}

/// Offsets of `byte` in UTF-16 units and code points, computed directly.
fn units(text: &str, byte: usize) -> (u32, u32) {
    let prefix = &text[..byte];
    (
        prefix.encode_utf16().count() as u32,
        prefix.chars().count() as u32,
    )
}

#[tokio::test]
async fn utf16_and_code_point_offsets_match_an_independent_computation() {
    let (_server, client) = TestServer::start_client(test_config()).await;
    let segment = |encoding: pb::OffsetEncoding| {
        let mut client = client.clone();
        async move {
            client
                .segment(pb::SegmentRequest {
                    document: doc(MIXED),
                    offset_encoding: encoding as i32,
                    ..Default::default()
                })
                .await
                .expect("segment")
                .into_inner()
        }
    };
    let utf8 = segment(pb::OffsetEncoding::Unspecified).await;
    let utf16 = segment(pb::OffsetEncoding::Utf16).await;
    let cps = segment(pb::OffsetEncoding::CodePoint).await;
    assert_eq!(utf16.offset_encoding, pb::OffsetEncoding::Utf16 as i32);
    assert_eq!(cps.offset_encoding, pb::OffsetEncoding::CodePoint as i32);
    assert_eq!(utf8.tokens.len(), utf16.tokens.len());
    let utf16_text: Vec<u16> = MIXED.encode_utf16().collect();
    let chars: Vec<char> = MIXED.chars().collect();
    let mut saw_emoji = false;
    for ((b, u), c) in utf8.tokens.iter().zip(&utf16.tokens).zip(&cps.tokens) {
        let (bs, us, cs) = (b.span.unwrap(), u.span.unwrap(), c.span.unwrap());
        assert_eq!((us.start, cs.start), units(MIXED, bs.start as usize));
        assert_eq!((us.end, cs.end), units(MIXED, bs.end as usize));
        // The spans slice the same text in each unit.
        let by_utf16 = String::from_utf16(&utf16_text[us.start as usize..us.end as usize]);
        assert_eq!(by_utf16.ok().as_deref(), Some(b.text.as_str()));
        let by_chars: String = chars[cs.start as usize..cs.end as usize].iter().collect();
        assert_eq!(by_chars, b.text);
        saw_emoji |= b.text.contains('😀');
    }
    assert!(saw_emoji, "the emoji is a token");
}

#[tokio::test]
async fn calls_beyond_the_concurrency_limit_are_shed_at_once() {
    let mut config = test_config();
    config.max_concurrency = 1;
    let (server, mut client) = TestServer::start_client(config).await;
    // A stream that has been answered and stays open holds no permit (the
    // permit is taken per complete item): another caller still gets in.
    let (tx, mut stream) = open_stream(&mut client, None).await;
    tx.send(stream_item("1", "سلام")).await.expect("send");
    assert!(stream.next().await.is_some());
    let mut other = server.client().await;
    other
        .normalize(requests::normalize("سلام"))
        .await
        .expect("an open, idle stream holds no permit");

    // A long analysis holds the only permit: calls meanwhile are shed at
    // once (polled until one is, while the analysis runs).
    let big = "ذهب الرئيس إلى القاهرة يوم الاثنين. ".repeat(4 * 1024);
    let mut busy = server.client().await;
    let long = tokio::spawn(async move { busy.analyze(requests::analyze(&big)).await });
    let mut shed = None;
    while !long.is_finished() {
        let started = std::time::Instant::now();
        let result = other.normalize(requests::normalize("سلام")).await;
        if let Err(status) = result {
            shed = Some((status, started.elapsed()));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let Some((status, took)) = shed else {
        panic!(
            "no call shed while the long analysis ran: {:?}",
            long.await.map(|r| r.map(|_| ()))
        );
    };
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(took < std::time::Duration::from_secs(1));
    // Health is never shed.
    health_status(&mut server.health().await, "")
        .await
        .expect("health under load");
    long.await.expect("task").expect("the long analysis");

    drop(tx);
    while stream.next().await.is_some() {}
    // The permit is back.
    other
        .normalize(requests::normalize("سلام"))
        .await
        .expect("admitted after the analysis ended");

    let metrics = server.metrics().await;
    for sample in [
        "200 OK",
        "arabic_text_grpc_calls_shed_total{method=\"arabic.text.v1.TextAnalysisService/Normalize\"} 1",
        &calls_total("Normalize", "RESOURCE_EXHAUSTED", 1),
        "arabic_text_grpc_calls_in_flight",
        "arabic_text_grpc_call_duration_seconds_bucket",
    ] {
        assert_metric(&metrics, sample);
    }
}

#[tokio::test]
async fn a_stream_past_its_deadline_ends_with_deadline_exceeded() {
    let (_server, mut client) = TestServer::start_client(test_config()).await;
    let (tx, mut stream) =
        open_stream(&mut client, Some(std::time::Duration::from_millis(300))).await;
    tx.send(stream_item("1", "سلام")).await.expect("send");
    assert!(matches!(stream.next().await, Some(Ok(_))));
    let started = std::time::Instant::now();
    let end = tokio::time::timeout(std::time::Duration::from_secs(3), stream.next())
        .await
        .expect("the stream ends by itself");
    match end {
        Some(Err(status)) => assert_eq!(status.code(), Code::DeadlineExceeded),
        other => panic!("expected DEADLINE_EXCEEDED, got {other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    drop(tx);
}

#[tokio::test]
async fn an_operator_gazetteer_file_is_recognised_in_every_request() {
    let dir = std::env::temp_dir().join(format!("arabic-text-gazetteer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("names.tsv");
    std::fs::write(&path, "# operator names\nزيتونة سوفت\tORGANIZATION\n")
        .expect("write gazetteer");
    let mut config = test_config();
    config.gazetteer = Some(path);
    let (_server, mut client) = TestServer::start_client(config).await;

    let text = "أعلنت شركة لزيتونة سوفت عن منتج جديد.";
    let response = client
        .extract_entities(requests::extract_entities(text))
        .await
        .expect("extract")
        .into_inner();
    let mention = response
        .entities
        .iter()
        .flat_map(|e| &e.mentions)
        .find(|m| m.source == pb::MentionSource::Gazetteer as i32)
        .expect("a gazetteer mention");
    assert_eq!(mention.text, "زيتونة سوفت");
    assert_eq!(mention.r#type, pb::EntityType::Organization as i32);
    let _ = std::fs::remove_dir_all(dir);
}
