//! Tests of the parent module.
use super::*;
use crate::segment::lexicon::pack;

#[test]
fn packed_stem_keys_are_the_packed_byte_keys() {
    // Every stem slice, restored prefix and restored final of these words:
    // the packed key built by shifts equals packing the spelled-out key.
    let words = [
        "وللعاصمة",
        "فسيكتبونها",
        "بمدرستهم",
        "كتابي",
        "الله",
        "ولأصدقائنا",
        "سيذهبون",
    ];
    let mut buf = [0u8; 2 * MAX_LETTERS + 8];
    let mut checked = 0;
    for word in words {
        let l = Letters::read(word).expect("a word of letters");
        for a in 0..l.n {
            for b in a + 1..=l.n {
                for pre in 0..3 {
                    for fin in 0..5 {
                        if fin != 0 && fin != 4 && b - a < 2 {
                            continue;
                        }
                        let kl = stem_key(&l, a, b, pre, fin, &mut buf);
                        let spelled = pack(&buf[..kl]);
                        if let Some(packed) = stem_packed(&l, a, b, pre, fin) {
                            assert_eq!(Some(packed), spelled, "{word} {a}..{b} {pre} {fin}");
                            checked += 1;
                        } else {
                            assert!(spelled.is_none() || b > MEMO_LETTERS);
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500);
}
