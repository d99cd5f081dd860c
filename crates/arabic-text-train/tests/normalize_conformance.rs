//! The CAMeL-compatible rules against reference outputs on the project's edge
//! cases (the full file is checked by `arabic-text conformance`).

use arabic_text_train::conformance::{REFERENCES, check_line};

/// The fixture: edge cases with CAMeL Tools / PyArabic outputs.
const EDGE: &str = include_str!("../../../tests/data/camel_normalize_edge.jsonl");

#[test]
fn camel_rules_match_reference_outputs_on_edge_cases() {
    let mut lines = 0;
    for line in EDGE.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).expect("fixture is JSON");
        for reference in &REFERENCES {
            let outcome = check_line(&value, reference).expect("fixture has every field");
            assert!(outcome.is_ok(), "{}: {outcome:?}", reference.field);
        }
        lines += 1;
    }
    assert_eq!(lines, 30);
}
