//! The label set shared by the tagger, the character network and the
//! evaluators, and the labelled sentence they train on.
//!
//! Notation used across `entities`: `L` is the number of labels (9: `O`, then
//! `B-`/`I-` for PERS, LOC, ORG, MISC); a label is a `u8` index into
//! [`LABELS`], so type `t` in 1..=4 has begin label `2t-1` and inside label
//! `2t`, and `label.div_ceil(2)` is its type.

/// Number of BIO labels.
pub const L: usize = 9;
/// Label names: O, then B-/I- for PERS, LOC, ORG, MISC.
pub const LABELS: [&str; L] = [
    "O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC",
];

/// The label index of a tag name (unknown → O).
pub fn label_index(tag: &str) -> u8 {
    LABELS.iter().position(|l| *l == tag).unwrap_or(0) as u8
}

/// Whether label `cur` may follow `prev` (`None` = sentence start): an I-X
/// only continues a B-X or I-X.
pub fn allowed(prev: Option<usize>, cur: usize) -> bool {
    if cur == 0 || cur % 2 == 1 {
        return true;
    }
    matches!(prev, Some(p) if p == cur || p + 1 == cur)
}

/// A labelled sentence for training.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The tokens.
    pub tokens: Vec<String>,
    /// Their label indices into [`LABELS`].
    pub labels: Vec<u8>,
}

/// Entity chunks `(begin, end, type 1..=4)` of a label sequence with conlleval
/// semantics (an I-X after anything but X starts a chunk).
pub fn chunks(labels: &[u8]) -> Vec<(usize, usize, u8)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, u8)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let ty = l.div_ceil(2);
        let begin = l % 2 == 1;
        match cur {
            Some((b, t)) if l == 0 || begin || ty != t => {
                out.push((b, i, t));
                cur = None;
            }
            _ => {}
        }
        if l != 0 && cur.is_none() {
            cur = Some((i, ty));
        }
    }
    if let Some((b, t)) = cur {
        out.push((b, labels.len(), t));
    }
    out
}

/// Constrained Viterbi.
#[allow(clippy::needless_range_loop)] // dense kernels over the 9 labels
pub fn viterbi(em: &[[f32; L]], trans: &[[f32; L]; L], start: &[f32; L]) -> Vec<u8> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    let mut score = [f32::NEG_INFINITY; L];
    for j in 0..L {
        if allowed(None, j) {
            score[j] = start[j] + em[0][j];
        }
    }
    let mut back = vec![[0u8; L]; n];
    for k in 1..n {
        let mut next = [f32::NEG_INFINITY; L];
        for j in 0..L {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for i in 0..L {
                if allowed(Some(i), j) {
                    let s = score[i] + trans[i][j];
                    if s > best {
                        best = s;
                        arg = i;
                    }
                }
            }
            next[j] = best + em[k][j];
            back[k][j] = arg as u8;
        }
        score = next;
    }
    let mut last = 0;
    for j in 0..L {
        if score[j] > score[last] {
            last = j;
        }
    }
    let mut out = vec![0u8; n];
    out[n - 1] = last as u8;
    for k in (1..n).rev() {
        out[k - 1] = back[k][out[k] as usize];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_conlleval() {
        assert_eq!(chunks(&[1, 2, 0, 3, 4, 4]), vec![(0, 2, 1), (3, 6, 2)]);
        assert_eq!(chunks(&[0, 4, 3]), vec![(1, 2, 2), (2, 3, 2)]);
    }

    #[test]
    fn i_continues_only_its_own_type() {
        assert!(allowed(None, 1));
        assert!(!allowed(None, 2));
        assert!(allowed(Some(1), 2));
        assert!(!allowed(Some(3), 2));
        assert_eq!(label_index("I-ORG"), 6);
        assert_eq!(label_index("nonsense"), 0);
    }
}
