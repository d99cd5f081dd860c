//! Tests of the parent module.
use super::*;
use crate::entities::word::{MEMO, WORD_MEMO, analyse, clear_word_memo};

fn features(tokens: &[&str]) -> (Vec<u64>, Vec<usize>) {
    let (mut feats, mut ends) = (Vec::new(), Vec::new());
    let gaz = TrainGazetteer::default();
    sentence_features(tokens, &gaz, DEFAULT_CLUSTER_FEATURES, &mut feats, &mut ends);
    (feats, ends)
}

#[test]
fn memoized_words_give_the_features_fresh_ones_do() {
    let sent = [
        "وقال",
        "الرئيس",
        "نزار",
        "حيدر",
        "لطهران",
        "،",
        "وقال",
        "حيدر",
    ];
    clear_word_memo();
    let fresh = features(&sent);
    let (feats, ends) = features(&sent);
    assert_eq!(
        (feats.as_slice(), ends.as_slice()),
        (fresh.0.as_slice(), fresh.1.as_slice())
    );
    assert_eq!(ends.len(), sent.len());
    // A full memo starts afresh and stays correct.
    let many: Vec<String> = (0..WORD_MEMO + 10).map(|i| format!("كلمة{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let _ = features(&refs);
    assert_eq!(features(&sent), fresh);
    MEMO.with(|m| assert!(m.borrow().len() <= WORD_MEMO));
}

#[test]
fn known_words_get_clusters_and_alike_words_share_prefixes() {
    let k = Knowledge::get();
    // The stem is looked up without its clitics.
    let w = analyse("والعراق", k);
    assert_ne!(w.stem_cluster, 0);
    assert_eq!(w.stem_cluster, analyse("العراق", k).stem_cluster);
    assert_eq!(analyse("ززززقق", k).stem_cluster, 0);
    assert_eq!(cluster_prefix(k, 0, 8), 0);
    // Month names come out of the corpus as one family.
    let (jan, mar) = (analyse("يناير", k), analyse("مارس", k));
    assert_eq!(
        cluster_prefix(k, jan.stem_cluster, 4),
        cluster_prefix(k, mar.stem_cluster, 4)
    );
}

#[test]
fn matching_tries_long_phrases_only_where_one_begins() {
    let gaz: TrainGazetteer = [
        ("الولايات المتحده الامريكيه".to_string(), 2),
        ("الولايات المتحده".to_string(), 2),
        ("بوش".to_string(), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(gaz.longest_from("الولايات"), 3);
    assert_eq!(gaz.longest_from("المتحده"), 1);
    assert_eq!(gaz.longest_from("بوش"), 1);
    let stems = ["زار", "بوش", "الولايات", "المتحده", "الامريكيه", "المتحده"];
    let mut out = vec![0u8; stems.len()];
    mark_matches(
        &stems,
        MAX_GAZ_WORDS,
        |i| gaz.longest_from(stems[i]),
        |i| gaz.get(stems[i]),
        |p| gaz.get(p),
        &mut out,
    );
    assert_eq!(out, [0, 1, 3, 4, 4, 0]);
    // The place list's index: a multi-word name's first word.
    let k = Knowledge::get();
    let (first, _) = k
        .places
        .keys()
        .find_map(|p| p.split_once(' '))
        .expect("a multi-word place");
    assert!(k.longest_place_from(first) >= 2);
}
