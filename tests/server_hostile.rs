//! Hostile callers against the real server on 127.0.0.1:0 (issue 14): unread
//! responses, huge error details, metric cardinality, undecodable requests,
//! compression and response size control.

use std::time::Duration;

use crate::common::{
    TestServer, assert_metric, calls_total, doc, requests, run_to_error, stream_item, test_config,
};
use arabic_text::pb;
use tokio_stream::StreamExt as _;
use tonic::Code;
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;
use tonic_types::StatusExt as _;

/// An Arabic text of about `kib` KiB whose Analyze response is ~10× bigger.
pub fn article(kib: usize) -> String {
    let sentence = "ذهب محمد بن سلمان إلى القاهرة يوم ٣ مايو ٢٠٢٤ وقال للصحفيين إن الاتفاق قريب. ";
    sentence.repeat((kib * 1024).div_ceil(sentence.len()))
}

/// One raw HTTP/2 gRPC call: `frames` is the request body (None: end the
/// stream with the headers), `reset` resets the stream instead of finishing.
/// Returns the grpc-status and grpc-message (from headers or trailers).
async fn raw_call(
    server: &TestServer,
    path: &str,
    body: Option<Vec<u8>>,
    reset: bool,
) -> Option<(i32, String)> {
    let (response, mut send, _connection) =
        h2_call(server, path, &[], body.is_none() && !reset).await;
    if reset {
        tokio::time::sleep(Duration::from_millis(50)).await;
        send.send_reset(h2::Reason::CANCEL);
        tokio::time::sleep(Duration::from_millis(200)).await;
        return None;
    }
    if let Some(body) = body {
        send.send_data(body.into(), true).expect("data");
    }
    let response = response.await.expect("response");
    if let Some(s) = grpc_status(response.headers()) {
        return Some(s);
    }
    let mut body = response.into_body();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.expect("data");
        let _ = body.flow_control().release_capacity(chunk.len());
    }
    let trailers = body.trailers().await.expect("trailers").unwrap_or_default();
    grpc_status(&trailers)
}

/// The grpc-status and grpc-message of headers or trailers, when they end
/// the call.
fn grpc_status(h: &http::HeaderMap) -> Option<(i32, String)> {
    h.get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map(|code| {
            let message = h
                .get("grpc-message")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (code, message)
        })
}

/// Starts a raw HTTP/2 gRPC call to `path` with extra `headers` on a new
/// connection (`end`: the request has no body); returns the response future,
/// the request stream and the connection task (aborting it closes the TCP
/// connection).
async fn h2_call(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    end: bool,
) -> (
    h2::client::ResponseFuture,
    h2::SendStream<prost::bytes::Bytes>,
    tokio::task::JoinHandle<()>,
) {
    let tcp = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let (client, connection) = h2::client::handshake(tcp).await.expect("handshake");
    let connection = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.expect("ready");
    let mut request = http::Request::post(format!("http://{}{path}", server.addr))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (response, send) = client
        .send_request(request.body(()).expect("request"), end)
        .expect("send");
    (response, send, connection)
}

/// A gRPC frame holding `message` (flag 0, or 1 for "compressed").
fn frame(flag: u8, message: &[u8]) -> Vec<u8> {
    let mut out = vec![flag];
    out.extend_from_slice(&(message.len() as u32).to_be_bytes());
    out.extend_from_slice(message);
    out
}

const ANALYZE: &str = "/arabic.text.v1.TextAnalysisService/Analyze";

#[tokio::test]
async fn what_a_caller_sends_is_never_internal() {
    let server = TestServer::start(test_config()).await;
    // document { content: FF FE } : not UTF-8.
    let bad_utf8 = frame(0, &[0x0a, 0x04, 0x0a, 0x02, 0xff, 0xfe]);
    // document says 5 bytes, 3 follow.
    let truncated = frame(0, &[0x0a, 0x05, 0x0a, 0x02, 0x41]);
    // compressed flag without grpc-encoding.
    let compressed = frame(1, &[0x28, 0x01]);
    let cases = [
        ("invalid UTF-8", Some(bad_utf8.clone())),
        ("truncated protobuf", Some(truncated)),
        ("empty body", None),
        ("compressed flag without grpc-encoding", Some(compressed)),
        ("frame cut short", Some(bad_utf8[..4].to_vec())),
    ];
    for (name, body) in cases {
        let (code, message) = raw_call(&server, ANALYZE, body, false)
            .await
            .expect("a status");
        assert_eq!(code, Code::InvalidArgument as i32, "{name}: {message}");
    }
    // A client that cancels before its body arrives is counted CANCELLED.
    assert!(
        raw_call(&server, ANALYZE, Some(Vec::new()), true)
            .await
            .is_none()
    );
    let metrics = server.metrics().await;
    assert_metric(&metrics, &calls_total("Analyze", "CANCELLED", 1));
    assert_metric(&metrics, &calls_total("Analyze", "INTERNAL", 0));
    // The same in AnalyzeStream: the stream ends with the unary code.
    let (code, message) = raw_call(
        &server,
        "/arabic.text.v1.TextAnalysisService/AnalyzeStream",
        Some(frame(0, &[0x12, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0xff, 0xfe])),
        false,
    )
    .await
    .expect("a status");
    assert_eq!(code, Code::InvalidArgument as i32, "{message}");
}

#[tokio::test]
async fn an_oversize_stream_item_ends_the_stream_with_resource_exhausted() {
    let mut config = test_config();
    config.max_request_bytes = 64 * 1024;
    let (_server, mut client) = TestServer::start_client(config).await;
    let items = vec![
        stream_item("ok", "ذهب محمد"),
        stream_item("big", &"ب".repeat(64 * 1024)),
    ];
    let mut stream = client
        .analyze_stream(tokio_stream::iter(items))
        .await
        .expect("stream")
        .into_inner();
    let mut last = None;
    while let Some(item) = stream.next().await {
        if let Err(status) = item {
            last = Some(status);
            break;
        }
    }
    let status = last.expect("the stream ends with an error");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
}

#[tokio::test]
async fn error_details_stay_under_4_kib() {
    let (_server, mut client) = TestServer::start_client(test_config()).await;
    let status = client
        .extract_entities(pb::ExtractEntitiesRequest {
            document: Some(pb::Document {
                content: "نص".into(),
                language_code: "ع".repeat(5000),
            }),
            options: Some(pb::EntityOptions {
                gazetteer: vec![
                    pb::GazetteerEntry {
                        phrase: String::new(),
                        r#type: pb::EntityType::Person as i32,
                    };
                    100
                ],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    // On the wire: grpc-message percent-encodes non-ASCII bytes (3 bytes
    // each), grpc-status-details-bin is base64 (4 per 3).
    let message_wire: usize = status
        .message()
        .bytes()
        .map(|b| {
            if b.is_ascii_graphic() || b == b' ' {
                1
            } else {
                3
            }
        })
        .sum();
    let details_wire = status.details().len().div_ceil(3) * 4;
    assert!(
        message_wire + details_wire < 4096,
        "{message_wire} + {details_wire} bytes of trailers"
    );
    let violations = status
        .get_details_bad_request()
        .expect("bad request")
        .field_violations;
    assert_eq!(violations.len(), 11);
    assert!(
        violations[10].description.contains("and 91 more"),
        "{violations:?}"
    );
}

#[tokio::test]
async fn unknown_methods_share_one_metric_label() {
    let server = TestServer::start(test_config()).await;
    let before = server.metrics().await;
    // Series exist at zero before any call.
    assert_metric(&before, &calls_total("Analyze", "OK", 0));
    assert_metric(
        &before,
        "arabic_text_grpc_calls_shed_total{method=\"arabic.text.v1.TextAnalysisService/Segment\"} 0",
    );
    for i in 0..20 {
        let path = format!("/arabic.text.v1.TextAnalysisService/Random{i}");
        let (code, _) = raw_call(&server, &path, Some(frame(0, &[])), false)
            .await
            .expect("status");
        assert_eq!(code, Code::Unimplemented as i32);
    }
    let after = server.metrics().await;
    assert!(!after.contains("Random"), "{after}");
    assert_metric(
        &after,
        "arabic_text_grpc_calls_total{method=\"unknown\",code=\"UNIMPLEMENTED\"} 20",
    );
}

#[tokio::test]
async fn gzip_and_zstd_are_accepted_and_sent() {
    let server = TestServer::start(test_config()).await;
    for encoding in [CompressionEncoding::Gzip, CompressionEncoding::Zstd] {
        let mut client = server
            .client()
            .await
            .send_compressed(encoding)
            .accept_compressed(encoding);
        let response = client
            .analyze(requests::analyze(&article(4)))
            .await
            .unwrap_or_else(|s| panic!("{encoding:?}: {s:?}"));
        let sent = response
            .metadata()
            .get("grpc-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(sent.as_deref(), Some(encoding.to_string().as_str()));
        assert!(!response.into_inner().tokens.is_empty());
    }
}

#[tokio::test]
async fn callers_can_ask_for_less_and_oversize_responses_are_resource_exhausted() {
    let mut config = test_config();
    config.max_response_bytes = 256 * 1024;
    let server = TestServer::start(config).await;
    let mut client = server.client().await.max_decoding_message_size(usize::MAX);
    let text = article(48);
    let request = |tokens: Option<bool>, segments: Option<bool>| pb::AnalyzeRequest {
        document: doc(&text),
        include_tokens: tokens,
        include_segments: segments,
        ..Default::default()
    };
    let status = client
        .analyze(request(None, None))
        .await
        .expect_err("the full response is over the limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("include_tokens"), "{status:?}");
    let lean = client
        .analyze(request(Some(false), None))
        .await
        .expect("without tokens")
        .into_inner();
    assert!(lean.tokens.is_empty());
    assert!(!lean.sentences.is_empty() && !lean.entities.is_empty());
    assert!(lean.sentences.iter().any(|s| s.token_count > 0));

    let small = article(2);
    let full = client
        .segment(requests::segment(&small))
        .await
        .expect("full")
        .into_inner();
    let no_segments = client
        .segment(pb::SegmentRequest {
            document: doc(&small),
            include_segments: Some(false),
            ..Default::default()
        })
        .await
        .expect("no segments")
        .into_inner();
    assert_eq!(full.tokens.len(), no_segments.tokens.len());
    assert!(full.tokens.iter().all(|t| !t.segments.is_empty()));
    assert!(no_segments.tokens.iter().all(|t| t.segments.is_empty()));
    use prost::Message as _;
    assert!(no_segments.encoded_len() * 3 < full.encoded_len() * 2);
}

#[tokio::test]
async fn responses_nobody_reads_cannot_pin_more_than_the_budget() {
    let mut config = test_config();
    config.response_budget_bytes = 1024 * 1024;
    let server = TestServer::start(config).await;
    let text = article(64);
    let mut probe = server.client().await.max_decoding_message_size(usize::MAX);
    use prost::Message as _;
    let size = probe
        .analyze(requests::analyze(&text))
        .await
        .expect("a reader gets its response")
        .into_inner()
        .encoded_len();
    assert!(size > 600 * 1024, "response of {size} bytes");
    // A connection whose receive window is 0 never reads its responses.
    let stalled = Channel::from_shared(format!("http://{}", server.addr))
        .expect("uri")
        .initial_stream_window_size(Some(0))
        .connect()
        .await
        .expect("connect");
    let mut stuck = Vec::new();
    for _ in 0..3 {
        let mut client =
            pb::text_analysis_service_client::TextAnalysisServiceClient::new(stalled.clone())
                .max_decoding_message_size(usize::MAX);
        let text = text.clone();
        stuck.push(tokio::spawn(async move {
            client.analyze(requests::analyze(&text)).await
        }));
    }
    let mut shed = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Err(status) = probe.analyze(requests::analyze(&text)).await {
            shed = Some(status);
            break;
        }
    }
    let status = shed.expect("unread responses exhaust the budget");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.get_details_retry_info().is_some(), "{status:?}");
    // Small calls still get through.
    probe
        .normalize(requests::normalize("سلام"))
        .await
        .expect("small calls are served");
    for task in stuck {
        task.abort();
    }
}

#[tokio::test]
async fn a_missing_gazetteer_file_is_reported_once_as_a_gazetteer() {
    let mut config = test_config();
    config.gazetteer = Some("/nonexistent/names.tsv".into());
    let message = run_to_error(config).await;
    assert!(message.contains("gazetteer"), "{message}");
    assert!(!message.contains("model"), "{message}");
    assert_eq!(message.matches("os error 2").count(), 1, "{message}");
}

/// `ExtractEntitiesRequest { options: { gazetteer: [{}; n] } }` on the wire:
/// 2 bytes per empty entry, 32 bytes each once decoded.
fn empty_gazetteer_request(n: usize) -> Vec<u8> {
    let entries = [0x1a, 0x00].repeat(n);
    let mut message = vec![0x12];
    prost::encoding::encode_varint(entries.len() as u64, &mut message);
    message.extend(entries);
    message
}

#[tokio::test]
async fn gazetteer_entries_are_counted_before_they_are_decoded() {
    let server = TestServer::start(test_config()).await;
    // 2,000,000 empty entries: 4 MB on the wire (3.9 KB once gzipped),
    // ~64 MiB if decoded; refused from the count on the wire.
    let (code, message) = raw_call(
        &server,
        "/arabic.text.v1.TextAnalysisService/ExtractEntities",
        Some(frame(0, &empty_gazetteer_request(2_000_000))),
        false,
    )
    .await
    .expect("a status");
    let message = message.replace("%20", " ");
    assert_eq!(code, Code::InvalidArgument as i32, "{message}");
    assert!(message.contains("2000000 gazetteer entries"), "{message}");
    assert!(message.contains("options.gazetteer"), "{message}");
}

/// Opens a raw HTTP/2 call to `path` with extra `headers`, sends `body`
/// without ending the stream, and returns the response future and the open
/// stream (dropping the connection task closes the TCP connection).
async fn open_call(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (
    h2::client::ResponseFuture,
    h2::SendStream<prost::bytes::Bytes>,
    tokio::task::JoinHandle<()>,
) {
    let (response, mut send, connection) = h2_call(server, path, headers, false).await;
    if !body.is_empty() {
        send.send_data(body.to_vec().into(), false).expect("data");
    }
    (response, send, connection)
}

#[tokio::test]
async fn an_expired_deadline_is_deadline_exceeded_on_the_wire_and_in_metrics() {
    let server = TestServer::start(test_config()).await;
    // The body never comes: the call waits until the caller's deadline.
    let (response, _send, _connection) =
        open_call(&server, ANALYZE, &[("grpc-timeout", "200m")], &[]).await;
    let started = std::time::Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(5), response)
        .await
        .expect("answered at the deadline")
        .expect("response");
    let code = grpc_status(response.headers()).map(|(code, _)| code);
    assert_eq!(code, Some(Code::DeadlineExceeded as i32), "{response:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let metrics = server.metrics().await;
    assert_metric(&metrics, &calls_total("Analyze", "DEADLINE_EXCEEDED", 1));
}

#[tokio::test]
async fn a_connection_closed_before_the_body_ends_counts_cancelled() {
    let server = TestServer::start(test_config()).await;
    // Half a message, then the TCP connection goes away.
    let body = frame(0, &[0x0a, 0x04, 0x0a, 0x02, 0x41, 0x42]);
    let (_response, _send, connection) =
        open_call(&server, ANALYZE, &[], &body[..body.len() - 2]).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    connection.abort();
    drop(_send);
    drop(_response);
    let cancelled = calls_total("Analyze", "CANCELLED", 1);
    let mut metrics = String::new();
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        metrics = server.metrics().await;
        if metrics.contains(&cancelled) {
            break;
        }
    }
    assert_metric(&metrics, &cancelled);
    // UNKNOWN is 0, or the series does not exist.
    assert!(
        metrics.contains(&calls_total("Analyze", "UNKNOWN", 0))
            || !metrics.contains(
                "{method=\"arabic.text.v1.TextAnalysisService/Analyze\",code=\"UNKNOWN\"}"
            ),
        "{metrics}"
    );
}
