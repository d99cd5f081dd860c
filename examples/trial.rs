//! Issue 26's high cases, bounded and on loopback: each holds the server
//! while another caller's Normalize runs, and prints one Markdown row (case,
//! what the attacker saw, the other caller's Normalize code, the server's RSS
//! after and its peak so far). Run by `scripts/reliability/trial.sh`, which
//! fails when a peak is over its bound or a Normalize is not OK.
//!
//! ```sh
//! trial http://127.0.0.1:PORT SERVER_PID
//! ```

use std::time::Duration;

#[path = "common/probe.rs"]
mod probe;
use arabic_text::pb;
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;
use probe::{article, doc, rss};
use tonic::codegen::Bytes;
use tonic::transport::Channel;

/// `message` in the gRPC framing (uncompressed).
fn frame(message: &impl prost::Message) -> Bytes {
    let body = message.encode_to_vec();
    let mut out = Vec::with_capacity(body.len() + 5);
    out.push(0);
    out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(&body);
    out.into()
}

/// A raw HTTP/2 connection whose receive window is `window` (0: the server
/// can send no response data).
async fn raw(host: &str, window: u32) -> anyhow::Result<h2::client::SendRequest<Bytes>> {
    let tcp = tokio::net::TcpStream::connect(host).await?;
    let (client, connection) = h2::client::Builder::new()
        .initial_window_size(window)
        .max_concurrent_streams(100_000)
        .handshake(tcp)
        .await?;
    tokio::spawn(connection);
    Ok(client.ready().await?)
}

/// A gRPC request head for `path`.
fn head(host: &str, path: &str) -> http::Request<()> {
    http::Request::post(format!("http://{host}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .expect("a valid request")
}

/// The other caller: a Normalize on its own connection, within 10 s.
async fn other_caller(addr: &str) -> String {
    let call = async {
        let channel = Channel::from_shared(addr.to_owned())?.connect().await?;
        let r = TextAnalysisServiceClient::new(channel)
            .normalize(pb::NormalizeRequest {
                document: doc("السَّلامُ عليكم"),
                ..Default::default()
            })
            .await;
        anyhow::Ok(match r {
            Ok(_) => "OK".to_owned(),
            Err(s) => format!("{:?}", s.code()),
        })
    };
    match tokio::time::timeout(Duration::from_secs(10), call).await {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => format!("error: {e}"),
        Err(_) => "no answer in 10 s".to_owned(),
    }
}

/// Prints one row.
fn row(pid: u32, case: &str, attacker: &str, other: &str) {
    let (now, peak) = rss(pid);
    println!("| {case} | {attacker} | {other} | {now} | {peak} |");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (addr, pid, _) = probe::args();
    let host = addr.trim_start_matches("http://").to_owned();
    println!(
        "| case | attacker saw | other caller's Normalize | RSS after (MiB) | peak RSS (MiB) |"
    );
    println!("|---|---|---|---:|---:|");
    let (idle, _) = rss(pid);
    println!("| (idle, models loaded) | - | - | {idle} | {idle} |");

    // 1. Two concurrent ExtractEntities of 1 MiB of U+FDFD.
    let text = "\u{FDFD}".repeat(1024 * 1024 / 3 - 1);
    let calls = (0..2).map(|_| {
        let (addr, text) = (addr.clone(), text.clone());
        tokio::spawn(async move {
            let channel = Channel::from_shared(addr)?.connect().await?;
            let r = TextAnalysisServiceClient::new(channel)
                .max_decoding_message_size(usize::MAX)
                .extract_entities(pb::ExtractEntitiesRequest {
                    document: doc(&text),
                    ..Default::default()
                })
                .await;
            anyhow::Ok(match r {
                Ok(_) => "OK".to_owned(),
                Err(s) => format!("{:?}", s.code()),
            })
        })
    });
    let calls: Vec<_> = calls.collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let other = other_caller(&addr).await;
    let mut seen = Vec::new();
    for c in calls {
        seen.push(match c.await {
            Ok(Ok(code)) => code,
            _ => "error".to_owned(),
        });
    }
    row(
        pid,
        "2 × ExtractEntities of 1 MiB `﷽`",
        &seen.join(", "),
        &other,
    );

    // 2. 20,000 header-only Health/Check streams on one connection, sent
    // without waiting (the client ignores nothing: the server's advertised
    // stream limit makes it queue).
    let mut client = raw(&host, 65_535).await?;
    let mut pending = Vec::new();
    for _ in 0..20_000 {
        client = client.ready().await?;
        match client.send_request(head(&host, "/grpc.health.v1.Health/Check"), true) {
            Ok((response, _)) => pending.push(response),
            Err(_) => break,
        }
        if pending.len() >= 512 {
            for r in pending.drain(..) {
                let _ = tokio::time::timeout(Duration::from_secs(5), r).await;
            }
        }
    }
    let other = other_caller(&addr).await;
    drop(pending);
    row(
        pid,
        "20,000 header-only Health/Check streams, one connection",
        "answered",
        &other,
    );
    drop(client);

    // 3. AnalyzeStream with a zero receive window: 2 connections × 4
    // streams × 12 items of ~330 KiB.
    let item_text = article(330);
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut client = raw(&host, 0).await?;
        for s in 0..4 {
            client = client.ready().await?;
            let (response, mut send) = client.send_request(
                head(&host, "/arabic.text.v1.TextAnalysisService/AnalyzeStream"),
                false,
            )?;
            for i in 0..12 {
                let item = pb::AnalyzeStreamRequest {
                    id: format!("{s}-{i}"),
                    request: Some(pb::AnalyzeRequest {
                        document: doc(&item_text),
                        ..Default::default()
                    }),
                };
                let _ = send.send_data(frame(&item), i == 11);
            }
            held.push((response, send));
        }
        // The connection task keeps the connection while its streams live.
        drop(client);
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let other = other_caller(&addr).await;
    row(
        pid,
        "AnalyzeStream, 2 connections × 4 streams × 12 × 330 KiB, receive window 0",
        "held unread",
        &other,
    );
    held.clear();

    // 4. 256 calls whose body never comes, and 256 AnalyzeStreams that send
    // one item and stay open, on one connection each.
    let mut open = Vec::new();
    let mut client = raw(&host, 65_535).await?;
    for _ in 0..256 {
        client = client.ready().await?;
        if let Ok(call) = client.send_request(
            head(&host, "/arabic.text.v1.TextAnalysisService/Normalize"),
            false,
        ) {
            open.push(call);
        }
    }
    let mut streams = raw(&host, 65_535).await?;
    let item = frame(&pb::AnalyzeStreamRequest {
        id: "1".into(),
        request: Some(pb::AnalyzeRequest {
            document: doc("سلام"),
            ..Default::default()
        }),
    });
    for _ in 0..256 {
        streams = streams.ready().await?;
        if let Ok((response, mut send)) = streams.send_request(
            head(&host, "/arabic.text.v1.TextAnalysisService/AnalyzeStream"),
            false,
        ) {
            let _ = send.send_data(item.clone(), false);
            open.push((response, send));
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let other = other_caller(&addr).await;
    row(
        pid,
        "256 bodies that never come + 256 open AnalyzeStreams",
        "held open",
        &other,
    );
    drop(open);

    // 5. 2,000 silent TCP connections.
    let mut silent = Vec::new();
    for _ in 0..2_000 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_secs(1),
            tokio::net::TcpStream::connect(&host),
        )
        .await
        {
            silent.push(s);
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let other = other_caller(&addr).await;
    row(
        pid,
        &format!("{} silent TCP connections", silent.len()),
        "connected",
        &other,
    );
    drop(silent);
    Ok(())
}
