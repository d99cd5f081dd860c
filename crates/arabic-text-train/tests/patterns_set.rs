//! The pattern test set (tests/data/patterns.jsonl, written for issue 17):
//! per-type precision and recall of the full extraction must stay above the
//! floors set from the measured numbers (docs/patterns.md).

use arabic_text_train::eval_patterns::{load, score, table};

/// (type, min precision, min recall), in percent: a few points under the
/// numbers measured when the set was committed.
const FLOORS: [(&str, f64, f64); 8] = [
    ("DATE", 90.0, 88.0),
    ("TIME", 90.0, 85.0),
    ("NUMBER", 88.0, 90.0),
    ("ORDINAL", 82.0, 88.0),
    ("PERCENT", 95.0, 95.0),
    ("MONEY", 95.0, 95.0),
    ("QUANTITY", 95.0, 90.0),
    ("ALL", 93.0, 92.0),
];

#[test]
fn pattern_test_set_meets_its_floors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/patterns.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("test set");
    let sentences = load(&text).expect("valid test set");
    assert!(sentences.len() >= 400, "{} sentences", sentences.len());
    let counts = score(&sentences, false).expect("score");
    let report = table(&counts);
    for (kind, min_p, min_r) in FLOORS {
        let c = counts.get(kind).copied().unwrap_or_default();
        let (p, r, _) = c.prf();
        assert!(
            p >= min_p && r >= min_r,
            "{kind}: P {p:.1} R {r:.1} under {min_p}/{min_r}\n{report}"
        );
    }
    let all = counts.get("ALL").copied().unwrap_or_default();
    assert!(
        all.value_ok * 100 >= all.valued * 97,
        "values {}/{}\n{report}",
        all.value_ok,
        all.valued
    );
}
