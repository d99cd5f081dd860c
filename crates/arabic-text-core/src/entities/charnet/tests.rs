//! Tests of the character-aware network: a toy network trained, scored,
//! written and read back (they need the trainer: `train` feature only).

use rustc_hash::FxHashMap as FxMap;

use super::model::CharNet;
use super::{NetConfig, train};
use crate::entities::labels::L;
use crate::entities::labels::{Sample, label_index};

fn toy() -> Vec<Sample> {
    [
        "قال/O الرئيس/O جورج/B-PERS بوش/I-PERS في/O واشنطن/B-LOC",
        "زار/O محمد/B-PERS علي/I-PERS مدينة/O القاهرة/B-LOC أمس/O",
        "أعلنت/O وزارة/B-ORG الخارجية/I-ORG في/O باريس/B-LOC",
    ]
    .iter()
    .map(|s| {
        let (tokens, labels) = s
            .split(' ')
            .map(|wt| {
                let (w, t) = wt.split_once('/').unwrap_or((wt, "O"));
                (w.to_string(), label_index(t))
            })
            .unzip();
        Sample { tokens, labels }
    })
    .collect()
}

fn cfg() -> NetConfig {
    NetConfig {
        dim: 8,
        hidden: 16,
        bits: 12,
        epochs: 40,
        lr: 0.2,
        seed: 3,
    }
}

fn argmax(s: &[f32; L]) -> u8 {
    (0..L).fold(0, |b, l| if s[l] > s[b] { l } else { b }) as u8
}

#[test]
fn a_network_fits_toy_data_deterministically_and_survives_serialization() {
    let data = toy();
    let net = train(&data, &cfg());
    for s in &data {
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        let pred: Vec<u8> = net.logits(&toks).iter().map(argmax).collect();
        assert_eq!(pred, s.labels, "{toks:?}");
    }
    let mut raw = Vec::new();
    net.write(&mut raw);
    let mut again = Vec::new();
    train(&data, &cfg()).write(&mut again);
    assert_eq!(raw, again, "same data and seed give the same bytes");
    let mut pos = 0;
    let read = CharNet::read("toy", &raw, &mut pos).expect("roundtrip");
    assert_eq!(pos, raw.len());
    let toks = ["زار", "جورج", "باريس"];
    assert_eq!(read.logits(&toks), net.logits(&toks));
    assert!(read.logits(&[]).is_empty());
    // Frequent forms come from the projection cache, with the same
    // scores as computed afresh.
    let toks = ["قال", "الرئيس", "في", "جورجبوشلاند"];
    assert!(net.cache.contains_key("قال"));
    let mut bare = net.clone();
    bare.cache = FxMap::default();
    bare.slab.clear();
    assert_eq!(bare.logits(&toks), net.logits(&toks));
}

#[test]
fn a_truncated_network_is_an_error() {
    let mut raw = Vec::new();
    train(&toy(), &NetConfig { epochs: 1, ..cfg() }).write(&mut raw);
    for cut in [0, 5, 12, raw.len() / 2, raw.len() - 1] {
        let mut pos = 0;
        assert!(CharNet::read("cut", &raw[..cut], &mut pos).is_err());
    }
}
