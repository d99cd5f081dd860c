//! Pathological inputs through the real API: answered, never INTERNAL, spans
//! in bounds; the text limit is exact.

use crate::common::{TestServer, doc, requests, test_config};
use arabic_text::pb;
use tonic::Code;

/// Checks that every span of `r` is within `len_utf16` UTF-16 units.
fn check_spans(r: &pb::AnalyzeResponse, len_utf16: u32) {
    let spans = r
        .sentences
        .iter()
        .map(|s| s.span)
        .chain(r.tokens.iter().map(|t| t.span))
        .chain(
            r.tokens
                .iter()
                .flat_map(|t| t.segments.iter().map(|s| s.span)),
        )
        .chain(
            r.entities
                .iter()
                .flat_map(|e| e.mentions.iter().map(|m| m.span)),
        )
        .chain(r.alignment.iter().map(|a| a.original));
    for span in spans {
        let span = span.expect("span set");
        assert!(span.start <= span.end && span.end <= len_utf16, "{span:?}");
    }
}

#[tokio::test]
async fn pathological_inputs_are_analysed_without_errors() {
    // A 1 MiB single token answers ~6 MiB (its text in four fields): over the
    // default 4 MiB response limit, which tests/server_hostile.rs covers.
    let mut config = test_config();
    config.max_response_bytes = 64 * 1024 * 1024;
    let server = TestServer::start(config).await;
    let mut client = server
        .client()
        .await
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX);
    let inputs = [
        ("1 MiB single token", "ب".repeat(512 * 1024)),
        ("100k newlines", "\n".repeat(100_000)),
        (
            "only combining marks",
            "\u{064E}\u{0651}\u{0670}".repeat(10_000),
        ),
        (
            "bidi controls",
            "\u{202B}مرحبا\u{202C} \u{2067}world\u{2069} \u{200F}\u{200E}\u{061C}".repeat(500),
        ),
        ("NUL bytes", "ذهب\0محمد\0\0 إلى\0".repeat(1000)),
        (
            "mixed scripts",
            "Hello مرحبا Привет 你好 שלום 😀🇪🇬 ١٢٣ ۴۵۶ ﻻ ﷲ".repeat(500),
        ),
        ("empty", String::new()),
    ];
    for (name, text) in inputs {
        let len_utf16 = text.encode_utf16().count() as u32;
        let response = client
            .analyze(pb::AnalyzeRequest {
                document: doc(&text),
                offset_encoding: pb::OffsetEncoding::Utf16 as i32,
                ..Default::default()
            })
            .await
            .unwrap_or_else(|s| panic!("{name}: {s:?}"))
            .into_inner();
        check_spans(&response, len_utf16);
    }
}

#[tokio::test]
async fn the_text_limit_is_exact() {
    let mut config = test_config();
    config.max_text_bytes = 1000;
    let (_server, mut client) = TestServer::start_client(config).await;
    let at_limit = "ب".repeat(500);
    client
        .normalize(requests::normalize(&at_limit))
        .await
        .expect("a text of exactly the limit is accepted");
    let over = format!("{at_limit}x");
    let status = client
        .normalize(requests::normalize(&over))
        .await
        .expect_err("one byte over");
    assert_eq!(status.code(), Code::InvalidArgument);
}
