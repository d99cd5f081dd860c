//! The reference engine for tests: the engine without its speed-ups (a
//! `String` output, the portable block filter, U+0600..U+06FF folded through
//! [`Fold`](super::rules::Fold), every flagged character through `visit`, no
//! inlined fast path), kept so the fast engine can be checked against it,
//! output and alignment, on random text. Only the bookkeeping both share
//! ([`Pass`]: edits, whitespace runs, characters outside U+0600..U+06FF) is
//! common.

use super::normalized::Normalized;
use super::pass::{Blocks, Candidates, Pass};
use super::rules::NormalizeOptions;
use super::scan::{
    BLOCK, LETTER_FOLDS, arabic_fold, block_candidates_portable as block_candidates, pair_bits,
};

/// One normalization pass over `text`: the shared bookkeeping ([`Pass`])
/// writing to a `String`, driven by the portable block filter.
pub(super) struct ReferenceEngine<'a, 'o> {
    /// The text, options, output, edits and open run.
    pass: Pass<'a, 'o, String>,
}

impl<'a, 'o> ReferenceEngine<'a, 'o> {
    /// A pass over `text`.
    pub(super) fn new(text: &'a str, options: &'o NormalizeOptions, mask: u16) -> Self {
        Self {
            pass: Pass::new(text, options, mask),
        }
    }

    /// Runs the pass: scans blocks of byte pairs and looks only at the
    /// characters an enabled rule can touch.
    pub(super) fn run(self) -> Normalized<'a> {
        if self.pass.mask & LETTER_FOLDS != 0 {
            self.scan::<true>()
        } else {
            self.scan::<false>()
        }
    }

    /// Visits the characters of `w` (the block at original offset `base`)
    /// whose bits are set in `candidates` and that an enabled rule can touch,
    /// each through [`Self::visit`]: the reference has no inlined fast path.
    fn visit_block(&mut self, w: &[u8; BLOCK + 1], base: usize, candidates: u64) {
        for (p, b0, b1) in Candidates::new(w, base, candidates) {
            if pair_bits(b0, b1) & self.pass.mask != 0 {
                self.visit(p);
            }
        }
    }

    /// [`Self::run`] with the candidate filter for `LETTERS`.
    fn scan<const LETTERS: bool>(mut self) -> Normalized<'a> {
        if self.pass.leading_space() {
            self.visit(0);
        }
        let mut blocks = Blocks::new(self.pass.text.as_bytes());
        while let Some((w, base, keep)) = blocks.next_block() {
            let candidates = block_candidates::<LETTERS>(w) & keep;
            if candidates != 0 {
                self.visit_block(w, base, candidates);
            }
        }
        self.pass.finish()
    }

    /// Applies the rules to the flagged character starting at `p`: those of
    /// U+0600..U+06FF by their fold in the table.
    fn visit(&mut self, p: usize) {
        self.pass.visit(p, |pass, p, q, seen, index| {
            pass.apply(p, q, seen, arabic_fold(index, pass.mask));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::Engine;
    use super::super::rules::{NormalizeOptions, Preset, Rule};
    use super::super::scan::Simd;
    use super::ReferenceEngine;

    /// Pieces random texts are made of: every kind of character a rule
    /// touches, the common ones it skips, and bytes the block filters treat
    /// specially (lead bytes next to the touched rows, spaces before them).
    const PIECES: &[&str] = &[
        "ا", "ب", "ت", "ة", "ى", "أ", "إ", "آ", "ؤ", "ئ", "ٱ", "ه", "ي", "ء", "و", "ل", "ڤ", "پ",
        "َ", "ً", "ّ", "ْ", "ٰ", "ۖ", "ؐ", "ـ", "ـــ", "٣", "۴", "٫", "٬", "،", "؛", "؟", "٪", "۔", "ک",
        "ی", "ۃ", "ھ", "ە", "ﻻ", "ﷺ", "﷽", "ﺍ", "ﹰ", "\u{FE73}", "﴾", "ﲞ", "\u{FDFF}", "a", "Z",
        "7", ".", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u{0B}", "\u{0C}", "\"", "!",
        "#", "«", "»", "\u{200C}", "\u{200D}", "\u{200F}", "\u{061C}", "\u{FEFF}", "\u{AD}",
        "\u{A0}", "\u{85}", "\u{2003}", "\u{2028}", "\u{202F}", "\u{3000}", "\u{1680}", "😀", "👍🏽",
        "é", "Ã", "д", "ש", "中", "ऄ", "\u{E000}", "ꀀ", "ﬁ",
    ];

    /// A deterministic pseudo-random generator (xorshift64*).
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A random text of up to about `max` bytes: mostly Arabic letters,
    /// with runs of one piece now and then.
    fn random_text(state: &mut u64, max: usize) -> String {
        let mut text = String::new();
        let target = (next(state) % (max as u64 + 1)) as usize;
        while text.len() < target {
            let r = next(state);
            let piece = if r.is_multiple_of(3) {
                PIECES[(r >> 8) as usize % 16]
            } else {
                PIECES[(r >> 8) as usize % PIECES.len()]
            };
            for _ in 0..if r.is_multiple_of(11) {
                1 + (r >> 40) % 6
            } else {
                1
            } {
                text.push_str(piece);
            }
        }
        text
    }

    /// Checks the fast engine (both block filters) against the reference.
    fn check(text: &str, options: &NormalizeOptions) {
        let mask = options.bits();
        if mask == 0 || text.is_empty() {
            return;
        }
        let expected = ReferenceEngine::new(text, options, mask).run();
        for simd in [Simd::detect(), Simd::BASELINE] {
            let got = Engine::new(text, options, mask).with_simd(simd).run();
            assert_eq!(got, expected, "{simd:?} {options:?} on {text:?}");
        }
    }

    #[test]
    fn fast_engine_equals_the_reference_on_random_text() {
        let presets =
            [Preset::Light, Preset::Standard, Preset::Search].map(NormalizeOptions::preset);
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..6000 {
            let text = random_text(&mut state, if round % 4 == 0 { 600 } else { 150 });
            for o in &presets {
                check(&text, o);
            }
            let random =
                NormalizeOptions::from_bits((next(&mut state) % (1 << Rule::ALL.len())) as u16);
            check(&text, &random);
            // Every cut on a char boundary near a block edge and the ends.
            for at in [
                1usize,
                31,
                63,
                64,
                65,
                127,
                128,
                text.len().saturating_sub(1),
            ] {
                if let (Some(head), Some(tail)) = (text.get(..at), text.get(at..)) {
                    check(head, &presets[2]);
                    check(tail, &presets[2]);
                }
            }
        }
    }
}
