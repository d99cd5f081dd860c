//! Tests of the context encoder: the run-time scores against the trainer's
//! as written with the committed encoder, and the model file's checks.

use std::sync::Arc;

use super::model::Encoder;
use crate::entities::labels::L;
use crate::entities::vectors::Vectors;

fn argmax(s: &[f32; L]) -> usize {
    (0..L).fold(0, |b, l| if s[l] > s[b] { l } else { b })
}

/// [`Encoder::scores`] against the trainer's own forward pass on dev
/// sentences, as `train-encoder` wrote them with the committed encoder:
/// the same tags, scores within 1e-4 (the tagger's path, through the word
/// memo, is checked in `tagger::emit`).
#[test]
fn run_time_scores_are_the_trainers() {
    let text = crate::entities::binio::check_text(include_bytes!(
        "../../../tests/data/encoder-check.tsv.gz"
    ));
    let enc = Encoder::embedded().expect("embedded encoder");
    {
        let mut n = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (toks, nums) = line.split_once('\t').expect("two fields");
            let toks: Vec<&str> = toks.split(' ').collect();
            let want: Vec<f32> = nums.split(' ').map(|x| x.parse().expect("score")).collect();
            let got = enc.scores(&toks);
            assert_eq!(got.len() * L, want.len(), "{toks:?}");
            for (g, w) in got.iter().zip(want.chunks_exact(L)) {
                for (a, b) in g.iter().zip(w) {
                    assert!((a - b).abs() <= 1e-4, "{toks:?}: {a} against {b}");
                }
                let mut w9 = [0f32; L];
                w9.copy_from_slice(w);
                assert_eq!(argmax(g), argmax(&w9), "{toks:?}");
            }
            n += 1;
        }
        assert!(n >= 200, "{n} sentences checked");
    }
}

#[test]
fn a_file_needs_its_own_vectors_and_sizes() {
    let enc = Encoder::embedded().expect("embedded encoder");
    let raw = enc.to_raw();
    let again = Encoder::from_raw("again", &raw, Arc::clone(enc.vectors())).expect("roundtrip");
    assert_eq!(again.settings, enc.settings);
    let toks = ["زار", "محمد", "بن", "سلمان", "باريس", "،"];
    assert_eq!(again.scores(&toks), enc.scores(&toks));
    for cut in [0, 9, 20, raw.len() / 2, raw.len() - 1] {
        assert!(Encoder::from_raw("cut", &raw[..cut], Arc::clone(enc.vectors())).is_err());
    }
    // Other vectors (a table of 4 rows) are refused.
    let mut other = b"ARVEC01\n".to_vec();
    for x in [64u32, 4, 3, 5, 2, 2] {
        other.extend_from_slice(&x.to_le_bytes());
    }
    other.extend_from_slice(b"{}");
    other.extend_from_slice(&vec![0; 4 * 4 + 4 * 64]);
    let other = crate::gz::compress(&other).expect("gzip");
    let v = Arc::new(Vectors::from_gz("other", &other).expect("vectors"));
    assert!(Encoder::from_raw("mismatch", &raw, v).is_err());
    assert!(enc.scores(&[]).is_empty());
}
