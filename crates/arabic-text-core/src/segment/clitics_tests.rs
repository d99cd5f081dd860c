//! Tests of the parent module.
use super::*;
use crate::segment::letters::{letter_code, pack_simple};
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

#[test]
fn letter_codes_of_every_two_byte_arabic_char() {
    // Every char U+0600..U+067F: only the basic letters have a code, and
    // none of the others (marks like U+0610 inside words) may underflow.
    for b0 in [0xD8u8, 0xD9] {
        for b1 in 0x80u8..=0xBF {
            let cp = (u32::from(b0 & 0x1F) << 6) | u32::from(b1 & 0x3F);
            let expected = ((0x0621..=0x064A).contains(&cp) && cp != 0x0640).then(|| cp - 0x0620);
            assert_eq!(letter_code(b0, b1), expected, "U+{cp:04X}");
        }
    }
    assert_eq!(letter_code(b'a', b'b'), None);
}

#[test]
fn words_with_marks_of_the_u0610_block_stay_whole_or_split_without_panicking() {
    // U+0610..U+061A are word-internal marks encoded below the letters.
    let l = Letters::read("بِسْمِ\u{0610}الله");
    assert!(l.is_some_and(|l| l.n == 7 && l.starts.is_some()));
    assert!(pack_simple("ب\u{0610}ت".as_bytes()).is_none());
}
