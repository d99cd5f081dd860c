//! The project's entity gold (`data/entities/*.jsonl`, docs/entities-convention.md)
//! is well-formed: offsets slice to the text, types are the API's, mentions
//! never overlap, no span starts on an attached proclitic or inside a word,
//! the test and dev sets are complete, and (when `../shared` is beside the
//! repository, as in CI) every paragraph is its pool paragraph verbatim.

use std::path::{Path, PathBuf};

use arabic_text_train::gold::{self, Paragraph};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/entities")
}

/// The set's paragraphs, checked by the reader.
fn load(name: &str) -> Vec<Paragraph> {
    gold::read(&data_dir().join(format!("{name}.jsonl")))
        .unwrap_or_else(|e| panic!("{name}.jsonl: {e:#}"))
}

/// (set, paragraphs it must hold: the whole pool split for test and dev).
const SETS: [(&str, Option<usize>); 3] = [("test", Some(500)), ("dev", Some(250)), ("train", None)];

#[test]
fn gold_sets_are_complete_and_well_formed() {
    for (name, expected) in SETS {
        let path = data_dir().join(format!("{name}.jsonl"));
        if expected.is_none() && !path.exists() {
            continue;
        }
        let paragraphs = load(name);
        if let Some(n) = expected {
            assert_eq!(
                paragraphs.len(),
                n,
                "{name}.jsonl has {} paragraphs",
                paragraphs.len()
            );
        }
        let exempt = gold::read_exempt(&data_dir().join("boundary-reviewed.tsv"));
        let problems = gold::boundary_problems(&paragraphs, &exempt);
        assert!(
            problems.is_empty(),
            "{name}.jsonl:\n{}",
            problems.join("\n")
        );
        let mentions: usize = paragraphs.iter().map(|p| p.mentions.len()).sum();
        assert!(
            mentions >= paragraphs.len(),
            "{name}.jsonl: only {mentions} mentions"
        );
    }
}

#[test]
fn gold_sets_do_not_share_paragraphs() {
    let mut seen = std::collections::HashMap::new();
    for (name, _) in SETS {
        if !data_dir().join(format!("{name}.jsonl")).exists() {
            continue;
        }
        for p in load(name) {
            if let Some(other) = seen.insert(p.id.clone(), name) {
                panic!("{} is in both {other} and {name}", p.id);
            }
        }
    }
}

#[test]
fn gold_text_is_the_pool_paragraph() {
    let pool_dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/annotation-pool");
    if !pool_dir.exists() {
        eprintln!(
            "{} is absent: pool comparison skipped (CI runs it)",
            pool_dir.display()
        );
        return;
    }
    for (name, _) in SETS {
        if !data_dir().join(format!("{name}.jsonl")).exists() {
            continue;
        }
        let pool_file = ["tsv", "tsv.xz"]
            .iter()
            .map(|ext| pool_dir.join(format!("{name}.{ext}")))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("no pool file for {name}"));
        let pool = gold::read_pool(&pool_file).expect("pool");
        for p in load(name) {
            assert_eq!(
                pool.get(&p.id),
                Some(&p.text),
                "{name}: {} differs from the pool",
                p.id
            );
        }
    }
}

#[test]
fn the_reader_rejects_bad_offsets_types_and_overlaps() {
    let ok = r#"{"id":"W1","text":"زار محمد بغداد","entities":[{"start":4,"end":8,"type":"PERSON","text":"محمد"}]}"#;
    assert_eq!(gold::parse(ok).expect("valid").len(), 1);
    let bad_offsets = ok.replace(r#""end":8"#, r#""end":9"#);
    assert!(gold::parse(&bad_offsets).is_err());
    let bad_type = ok.replace("PERSON", "PER");
    assert!(gold::parse(&bad_type).is_err());
    let overlap = r#"{"id":"W1","text":"زار محمد بغداد","entities":[{"start":4,"end":8,"type":"PERSON","text":"محمد"},{"start":6,"end":14,"type":"LOCATION","text":"مد بغداد"}]}"#;
    assert!(gold::parse(overlap).is_err());
}

#[test]
fn boundary_check_finds_proclitics_inside_spans() {
    let text = r#"{"id":"W1","text":"زار والعراق ولبنان ثم لبنان","entities":[{"start":4,"end":11,"type":"LOCATION","text":"والعراق"},{"start":12,"end":18,"type":"LOCATION","text":"ولبنان"},{"start":22,"end":27,"type":"LOCATION","text":"لبنان"}]}"#;
    let paragraphs = gold::parse(text).expect("valid");
    let problems = gold::boundary_problems(&paragraphs, &Default::default());
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let inside = r#"{"id":"W2","text":"في بغدادهم","entities":[{"start":3,"end":6,"type":"LOCATION","text":"بغد"}]}"#;
    assert_eq!(
        gold::boundary_problems(&gold::parse(inside).expect("valid"), &Default::default()).len(),
        1
    );
}
