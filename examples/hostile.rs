//! Hostile callers against a running server, for docs/reliability.md: each
//! case prints one Markdown table row (input, code, median latency, the
//! server's RSS after the case and its peak so far). Bounded loops, loopback
//! only. Run by `scripts/reliability/hostile.sh`.
//!
//! ```sh
//! hostile http://127.0.0.1:PORT SERVER_PID METRICS_PORT
//! ```

use std::time::{Duration, Instant};

#[path = "common/probe.rs"]
mod probe;
use arabic_text::pb;
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;
use probe::{article, doc, rss};
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;

/// Prints one table row.
fn row(pid: u32, input: &str, code: &str, latencies: &mut [Duration]) {
    latencies.sort();
    let median = latencies
        .get(latencies.len() / 2)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let (now, peak) = rss(pid);
    println!("| {input} | {code} | {median:.1} | {now} | {peak} |");
}

/// The code name of a call's outcome.
fn code<T>(result: &Result<T, tonic::Status>) -> String {
    match result {
        Ok(_) => "OK".to_owned(),
        Err(s) => format!("{:?}", s.code()),
    }
}

/// One raw HTTP/2 gRPC request with `body`; returns the grpc-status.
async fn raw(addr: &str, path: &str, body: Option<Vec<u8>>) -> String {
    let host = addr.trim_start_matches("http://");
    let Ok(tcp) = tokio::net::TcpStream::connect(host).await else {
        return "connect failed".into();
    };
    let Ok((client, connection)) = h2::client::handshake(tcp).await else {
        return "handshake failed".into();
    };
    tokio::spawn(connection);
    let Ok(mut client) = client.ready().await else {
        return "not ready".into();
    };
    let Ok(request) = http::Request::post(format!("{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
    else {
        return "bad request".into();
    };
    let Ok((response, mut send)) = client.send_request(request, body.is_none()) else {
        return "send failed".into();
    };
    if let Some(body) = body {
        let _ = send.send_data(body.into(), true);
    }
    let Ok(response) = response.await else {
        return "no response".into();
    };
    let code = response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok());
    match code {
        Some(c) => format!("{:?}", tonic::Code::from_i32(c)),
        None => "trailers".into(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (addr, pid, mut args) = probe::args();
    let metrics_port = args.next().unwrap_or_default();
    let channel = Channel::from_shared(addr.clone())?.connect().await?;
    let mut client =
        TextAnalysisServiceClient::new(channel.clone()).max_decoding_message_size(usize::MAX);
    println!("| input | code | median latency (ms) | RSS after (MiB) | peak RSS (MiB) |");
    println!("|---|---|---:|---:|---:|");
    let (start, _) = rss(pid);
    println!("| (idle, models loaded) | - | - | {start} | {start} |");

    // Responses nobody reads: connections whose receive window is 0.
    let stalled = Channel::from_shared(addr.clone())?
        .initial_stream_window_size(Some(0))
        .connect()
        .await?;
    let ligature = "ﷺ".repeat(1024 * 1024 / 3);
    let mut times = Vec::new();
    let mut last = String::new();
    for _ in 0..24 {
        let mut c = TextAnalysisServiceClient::new(stalled.clone());
        let t = Instant::now();
        let r = tokio::time::timeout(
            Duration::from_secs(20),
            c.analyze(pb::AnalyzeRequest {
                document: doc(&ligature),
                ..Default::default()
            }),
        )
        .await;
        times.push(t.elapsed());
        last = match r {
            Ok(r) => code(&r),
            Err(_) => "no answer (stalled)".into(),
        };
    }
    row(
        pid,
        "24 × Analyze 1 MiB `ﷺ`, receive window 0",
        &last,
        &mut times,
    );

    let text = article(330);
    let mut tasks = Vec::new();
    let t0 = Instant::now();
    for _ in 0..100 {
        let mut c =
            TextAnalysisServiceClient::new(stalled.clone()).max_decoding_message_size(usize::MAX);
        let text = text.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = tokio::time::timeout(
                Duration::from_secs(30),
                c.analyze(pb::AnalyzeRequest {
                    document: doc(&text),
                    ..Default::default()
                }),
            )
            .await;
            (
                t.elapsed(),
                r.map(|r| code(&r)).unwrap_or_else(|_| "stalled".into()),
            )
        }));
    }
    let mut stalled_n = 0;
    let mut shed = 0;
    let mut times = Vec::new();
    for task in tasks {
        let (elapsed, outcome) = task.await?;
        if outcome == "stalled" {
            stalled_n += 1;
        } else {
            shed += 1;
            times.push(elapsed);
        }
    }
    let _ = t0;
    row(
        pid,
        &format!(
            "100 × Analyze of a {} KiB article (response just under 4 MiB), receive window 0: {stalled_n} held, {shed} shed",
            text.len() / 1024
        ),
        "ResourceExhausted (after the budget)",
        &mut times,
    );
    let t = Instant::now();
    let small = client
        .normalize(pb::NormalizeRequest {
            document: doc("سلام"),
            ..Default::default()
        })
        .await;
    row(
        pid,
        "a small Normalize while the budget is full",
        &code(&small),
        &mut [t.elapsed()],
    );
    drop(stalled);

    // Error details: 100 empty gazetteer entries.
    let t = Instant::now();
    let r = client
        .extract_entities(pb::ExtractEntitiesRequest {
            document: doc("نص"),
            options: Some(pb::EntityOptions {
                gazetteer: vec![
                    pb::GazetteerEntry {
                        phrase: String::new(),
                        r#type: 1,
                    };
                    100
                ],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await;
    let size = r
        .as_ref()
        .err()
        .map_or(0, |s| s.message().len() + s.details().len());
    row(
        pid,
        &format!("100 empty gazetteer entries ({size} bytes of message + details)"),
        &code(&r),
        &mut [t.elapsed()],
    );

    // 2,000,000 empty gazetteer entries in a gzip request (~3.9 KB on the
    // wire, 4 MB inflated, ~64 MiB if decoded): counted on the wire first.
    let mut gz = TextAnalysisServiceClient::new(channel.clone())
        .send_compressed(CompressionEncoding::Gzip)
        .max_encoding_message_size(usize::MAX);
    let t = Instant::now();
    let r = gz
        .extract_entities(pb::ExtractEntitiesRequest {
            document: doc("نص"),
            options: Some(pb::EntityOptions {
                gazetteer: vec![pb::GazetteerEntry::default(); 2_000_000],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await;
    row(
        pid,
        "2,000,000 empty gazetteer entries, gzip (~3.9 KB sent)",
        &code(&r),
        &mut [t.elapsed()],
    );
    // 4,000,000 entity types (4 MB packed): one violation each if decoded.
    let t = Instant::now();
    let r = client
        .extract_entities(pb::ExtractEntitiesRequest {
            document: doc("نص"),
            options: Some(pb::EntityOptions {
                types: vec![0; 4_000_000],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await;
    row(
        pid,
        "4,000,000 ENTITY_TYPE_UNSPECIFIED types (4 MB)",
        &code(&r),
        &mut [t.elapsed()],
    );

    // Undecodable requests.
    let path = "/arabic.text.v1.TextAnalysisService/Analyze";
    let frame = |flag: u8, m: &[u8]| {
        let mut out = vec![flag];
        out.extend_from_slice(&(m.len() as u32).to_be_bytes());
        out.extend_from_slice(m);
        out
    };
    for (name, body) in [
        (
            "invalid UTF-8 in content",
            Some(frame(0, &[10, 4, 10, 2, 0xff, 0xfe])),
        ),
        ("truncated protobuf", Some(frame(0, &[10, 5, 10, 2, 65]))),
        ("empty body", None),
        (
            "compressed flag, no grpc-encoding",
            Some(frame(1, &[40, 1])),
        ),
    ] {
        let t = Instant::now();
        let c = raw(&addr, path, body).await;
        row(pid, name, &c, &mut [t.elapsed()]);
    }

    // 3,000 random method names.
    let t = Instant::now();
    let mut last = String::new();
    for i in 0..3000 {
        last = raw(
            &addr,
            &format!("/arabic.text.v1.TextAnalysisService/M{i}x"),
            Some(frame(0, &[])),
        )
        .await;
    }
    let elapsed = t.elapsed();
    let metrics = reqwest_metrics(&metrics_port).await;
    row(
        pid,
        &format!(
            "3,000 unknown method names (/metrics then {} bytes)",
            metrics
        ),
        &last,
        &mut [elapsed / 3000],
    );

    // Compression and response size control.
    for encoding in [CompressionEncoding::Gzip, CompressionEncoding::Zstd] {
        let mut c = TextAnalysisServiceClient::new(channel.clone())
            .send_compressed(encoding)
            .accept_compressed(encoding);
        let t = Instant::now();
        let r = c
            .analyze(pb::AnalyzeRequest {
                document: doc(&article(16)),
                ..Default::default()
            })
            .await;
        row(
            pid,
            &format!("Analyze 16 KiB with {encoding}"),
            &code(&r),
            &mut [t.elapsed()],
        );
    }
    let big = article(1000);
    let t = Instant::now();
    let r = client
        .analyze(pb::AnalyzeRequest {
            document: doc(&big),
            ..Default::default()
        })
        .await;
    row(
        pid,
        "Analyze ~1 MiB article, full response",
        &code(&r),
        &mut [t.elapsed()],
    );
    let mut lean = TextAnalysisServiceClient::new(channel.clone());
    let t = Instant::now();
    let r = lean
        .analyze(pb::AnalyzeRequest {
            document: doc(&big),
            include_tokens: Some(false),
            ..Default::default()
        })
        .await;
    let size = r.as_ref().map_or(0, |r| {
        use prost::Message as _;
        r.get_ref().encoded_len()
    });
    row(
        pid,
        &format!("same, include_tokens = false, default 4 MiB client limit ({size} bytes)"),
        &code(&r),
        &mut [t.elapsed()],
    );
    Ok(())
}

/// The size of `/metrics` in bytes (plain HTTP/1.1 over TCP).
async fn reqwest_metrics(port: &str) -> usize {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Ok(mut s) = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await else {
        return 0;
    };
    let _ = s
        .write_all(b"GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    out.len()
}
