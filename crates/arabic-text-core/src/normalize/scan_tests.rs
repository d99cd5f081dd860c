//! Tests of the parent module.
use super::*;
use crate::normalize::rules::{Fold, NormalizeOptions, Preset};

#[test]
fn candidate_filter_passes_every_byte_pair_a_rule_can_touch() {
    let all = NormalizeOptions::preset(Preset::Search).bits();
    let no_letters = all & !LETTER_FOLDS;
    for b0 in 0..=255u8 {
        for b1 in 0..=255u8 {
            let bits = pair_bits(b0, b1);
            if bits & all != 0 {
                assert!(may_touch::<true>(b0, b1), "{b0:#x} {b1:#x}");
            }
            if bits & no_letters != 0 {
                assert!(may_touch::<false>(b0, b1), "{b0:#x} {b1:#x}");
            }
        }
    }
}

#[test]
fn candidate_filter_skips_the_common_arabic_letters_and_ascii() {
    for c in "ابتثجحخدذرزسشصضطظعغفقكلمنهويء abc,.".chars() {
        let mut buf = [0u8; 4];
        let b = c.encode_utf8(&mut buf).as_bytes();
        let (b0, b1) = (b[0], b.get(1).copied().unwrap_or(b'x'));
        assert!(!may_touch::<true>(b0, b1), "{c}");
    }
    // Letters that fold are flagged only when a letter fold is on.
    assert!(may_touch::<true>(0xD8, 0xA9));
    assert!(!may_touch::<false>(0xD8, 0xA9));
}

#[test]
fn block_candidates_sets_the_bit_of_each_flagged_position() {
    let mut w = [b'a'; BLOCK + 1];
    for j in [0usize, 7, 8, 31, 63] {
        if let Some(slot) = w.get_mut(j) {
            *slot = b'\t';
        }
    }
    let expected = (1u64 << 0) | (1 << 7) | (1 << 8) | (1 << 31) | (1 << 63);
    assert_eq!(block_candidates::<true>(&w), expected);
    assert_eq!(block_candidates_portable::<true>(&w), expected);
}

/// A deterministic pseudo-random generator (xorshift64*).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

#[test]
fn vector_and_portable_filters_agree_on_every_byte_pair_and_random_blocks() {
    // Every (b0, b1) pair at every position of a block.
    for b0 in 0..=255u8 {
        for b1 in 0..=255u8 {
            let mut w = [0u8; BLOCK + 1];
            for (j, slot) in w.iter_mut().enumerate() {
                *slot = if j % 2 == 0 { b0 } else { b1 };
            }
            assert_eq!(
                block_candidates::<true>(&w),
                block_candidates_portable::<true>(&w),
                "{b0:#x} {b1:#x}"
            );
            assert_eq!(
                block_candidates::<false>(&w),
                block_candidates_portable::<false>(&w),
                "{b0:#x} {b1:#x}"
            );
        }
    }
    // Random blocks of bytes drawn from the ones the filter looks at.
    let alphabet = [
        0x09u8, 0x0A, 0x0D, 0x20, b'a', 0x80, 0x89, 0x8B, 0x8C, 0x9F, 0xA0, 0xA2, 0xA7, 0xA9, 0xAA,
        0xBF, 0xC2, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xE0, 0xE1, 0xE3, 0xE4, 0xEF, 0xF0, 0xFF,
        0x00,
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..20_000 {
        let mut w = [0u8; BLOCK + 1];
        for slot in &mut w {
            *slot = alphabet[(next(&mut state) % alphabet.len() as u64) as usize];
        }
        assert_eq!(
            block_candidates::<true>(&w),
            block_candidates_portable::<true>(&w)
        );
        assert_eq!(
            block_candidates::<false>(&w),
            block_candidates_portable::<false>(&w)
        );
    }
}

#[test]
fn every_filter_passes_every_byte_pair_a_rule_can_touch_and_skips_common_letters() {
    let all = NormalizeOptions::preset(Preset::Search).bits();
    let no_letters = all & !LETTER_FOLDS;
    for simd in [Simd::BASELINE, Simd::detect()] {
        for b0 in 0..=255u8 {
            for b1 in 0..=255u8 {
                let mut w = [b'x'; BLOCK + 1];
                for at in [0, 30, 31, 32, 62, 63] {
                    w[at] = b0;
                    w[at + 1] = b1;
                    let bits = pair_bits(b0, b1);
                    if bits & all != 0 {
                        assert!(
                            simd.candidates::<true>(&w) >> at & 1 == 1,
                            "{b0:#x} {b1:#x}"
                        );
                    }
                    if bits & no_letters != 0 {
                        assert!(
                            simd.candidates::<false>(&w) >> at & 1 == 1,
                            "{b0:#x} {b1:#x}"
                        );
                    }
                    w[at] = b'x';
                    w[at + 1] = b'x';
                }
            }
        }
        let common = "ابتثجحخدذرزسشصضطظعغفقكلمنهويء abc,.ابتثجحخدذرزسشصضطظعغ";
        let mut w = [b'x'; BLOCK + 1];
        w[..common.len().min(BLOCK)].copy_from_slice(&common.as_bytes()[..common.len().min(BLOCK)]);
        assert_eq!(simd.candidates::<true>(&w), 0, "{simd:?}");
        // ة is flagged only when a letter fold is on.
        w[10] = 0xD8;
        w[11] = 0xA9;
        assert_eq!(simd.candidates::<true>(&w), 1 << 10, "{simd:?}");
        assert_eq!(simd.candidates::<false>(&w), 0, "{simd:?}");
    }
}

#[test]
fn arabic_out_is_arabic_fold_as_bytes_for_every_rule_set() {
    for mask in 0..1u16 << 13 {
        for index in 0..256 {
            let expected = match arabic_fold(index, mask) {
                Fold::Keep => None,
                Fold::Delete => Some(String::new()),
                Fold::Char(c) => Some(c.to_string()),
            };
            let got = arabic_out(index, mask)
                .map(|(bytes, len)| String::from_utf8(bytes[..len].to_vec()).unwrap_or_default());
            assert_eq!(got, expected, "U+{:04X} mask {mask:#x}", 0x600 + index);
        }
    }
}
