//! A small client: analyses one text with the running server and prints its
//! sentences, tokens and entities, with UTF-16 offsets as a Java or JavaScript
//! caller would use them.
//!
//! ```sh
//! cargo run --release &                # the server on 0.0.0.0:50051
//! cargo run --example client -- "ذهب الرئيس إلى القاهرة يوم ٣ مايو ٢٠٢٤."
//! ARABIC_TEXT_ADDR=http://10.0.0.5:50051 cargo run --example client -- "..."
//! ```

use arabic_text::pb;
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr =
        std::env::var("ARABIC_TEXT_ADDR").unwrap_or_else(|_| "http://127.0.0.1:50051".to_owned());
    let text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
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
