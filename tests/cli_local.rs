//! The local commands print the API's proto3 JSON mapping.

use std::io::Write as _;
use std::process::{Command, Stdio};

/// Runs `arabic-text ARGS` with `input` on stdin and parses its JSON output.
fn run(args: &[&str], input: &str) -> serde_json::Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arabic-text"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{args:?} failed");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn local_commands_print_the_api_json_mapping() {
    let text = "😀 ذهب محمد إلى القاهرة.";
    let normalized = run(&["normalize", "-"], text);
    assert!(normalized["normalizedText"].is_string(), "{normalized}");
    assert_eq!(normalized["offsetEncoding"], "OFFSET_ENCODING_UTF8");

    let segmented = run(&["segment", "--offsets", "utf16"], text);
    assert_eq!(segmented["offsetEncoding"], "OFFSET_ENCODING_UTF16");
    let first = &segmented["tokens"][1];
    // After the emoji (2 UTF-16 units) and a space.
    assert_eq!(first["span"]["start"], 3, "{segmented}");
    assert_eq!(first["kind"], "TOKEN_KIND_WORD");
    assert!(first["segments"][0]["role"].is_string());

    let analyzed = run(
        &["analyze", "--offsets", "code-point", "--preset", "search"],
        text,
    );
    assert_eq!(analyzed["offsetEncoding"], "OFFSET_ENCODING_CODE_POINT");
    assert_eq!(analyzed["tokens"][1]["span"]["start"], 2, "{analyzed}");
    assert_eq!(analyzed["sentences"][0]["text"], text.trim_end());

    let entities = run(&["entities"], text);
    assert_eq!(entities["offsetEncoding"], "OFFSET_ENCODING_UTF8");
}
