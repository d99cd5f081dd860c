//! A small client: analyses one text with the running server and prints its
//! sentences, tokens and entities, with UTF-16 offsets as a Java or JavaScript
//! caller would use them.
//!
//! ```sh
//! cargo run --release &                # the server on 0.0.0.0:50051
//! cargo run --example client -- "ذهب الرئيس إلى القاهرة يوم ٣ مايو ٢٠٢٤."
//! cargo run --example client -- --addr http://10.0.0.5:50051 "..."
//! ARABIC_TEXT_ADDR=http://10.0.0.5:50051 cargo run --example client -- "..."
//! ```
//!
//! The address is `--addr URL` (or a first argument that starts with
//! `http://` / `https://`), else `ARABIC_TEXT_ADDR`, else
//! `http://127.0.0.1:50051`; the other arguments are the text.

use arabic_text::pb;
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut addr = None;
    if args.first().is_some_and(|a| a == "--addr") && args.len() >= 2 {
        addr = Some(args.remove(1));
        args.remove(0);
    } else if args
        .first()
        .is_some_and(|a| a.starts_with("http://") || a.starts_with("https://"))
    {
        addr = Some(args.remove(0));
    }
    let addr = addr
        .or_else(|| std::env::var("ARABIC_TEXT_ADDR").ok())
        .unwrap_or_else(|| "http://127.0.0.1:50051".to_owned());
    let text = args.join(" ");
    let text = if text.is_empty() {
        "أعلنت وزارة الصحة في بغداد يوم 3 مايو 2024 أن الوزير نزار حيدر سيزور القاهرة.".to_owned()
    } else {
        text
    };

    let mut client = TextAnalysisServiceClient::connect(addr).await?;
    let mut request = tonic::Request::new(pb::AnalyzeRequest {
        document: Some(pb::Document {
            content: text,
            language_code: "ar".to_owned(),
        }),
        offset_encoding: pb::OffsetEncoding::Utf16 as i32,
        ..Default::default()
    });
    // Always set a deadline: the server stops work that is no longer awaited.
    request.set_timeout(std::time::Duration::from_secs(2));

    let response = match client.analyze(request).await {
        Ok(response) => response.into_inner(),
        Err(status) => {
            use tonic_types::StatusExt as _;
            eprintln!("{:?}: {}", status.code(), status.message());
            if let Some(bad) = status.get_details_bad_request() {
                for v in bad.field_violations {
                    eprintln!("  {}: {}", v.field, v.description);
                }
            }
            std::process::exit(1);
        }
    };

    println!("normalized: {}", response.normalized_text);
    println!(
        "{} sentences, {} tokens",
        response.sentences.len(),
        response.tokens.len()
    );
    for entity in &response.entities {
        let kind = pb::EntityType::try_from(entity.r#type)
            .map_or("?", |t| t.as_str_name().trim_start_matches("ENTITY_TYPE_"));
        println!("{kind:<12} {}", entity.name);
        for m in &entity.mentions {
            let span = m.span.unwrap_or_default();
            println!(
                "    [{}, {}) utf16  {:?}  confidence {:.2}  {}",
                span.start, span.end, m.text, m.confidence, m.value
            );
        }
    }
    Ok(())
}
