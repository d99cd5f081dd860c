//! The engine: one pass over the text that applies the enabled rules to the
//! characters the scanner flags, copies the rest in bulk and records the
//! alignment.

use super::normalized::Normalized;
use super::out::Out;
use super::pass::{Blocks, Candidates, Pass};
use super::rules::NormalizeOptions;
use super::scan::{BLOCK, LETTER_FOLDS, Simd, arabic_index, arabic_out, pair_bits};

/// One normalization pass over `text`: the shared bookkeeping ([`Pass`])
/// writing to the fixed-chunk [`Out`] buffer, driven by the SIMD block filter.
pub(super) struct Engine<'a, 'o> {
    /// The text, options, output, edits and open run.
    pass: Pass<'a, 'o, Out>,
    /// The vector instructions the block filter uses.
    simd: Simd,
}

impl<'a, 'o> Engine<'a, 'o> {
    /// A pass over `text`.
    pub(super) fn new(text: &'a str, options: &'o NormalizeOptions, mask: u16) -> Self {
        Self {
            pass: Pass::new(text, options, mask),
            simd: Simd::detect(),
        }
    }

    /// The same pass with the block filter on `simd` (tests force each one).
    #[cfg(test)]
    pub(super) fn with_simd(mut self, simd: Simd) -> Self {
        self.simd = simd;
        self
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
    /// whose bits are set in `candidates` and that an enabled rule can touch.
    #[inline(always)]
    fn visit_block(&mut self, w: &[u8; BLOCK + 1], base: usize, candidates: u64) {
        for (p, b0, b1) in Candidates::new(w, base, candidates) {
            let pass = &mut self.pass;
            if (0xD8..=0xDB).contains(&b0) && pass.run.is_none() && p >= pass.cursor {
                // U+0600..U+06FF outside a whitespace run, the bulk of the
                // work: what `visit` does, without its general checks.
                let (q, seen) = pass.take_pair(p);
                let index = arabic_index(b0, b1);
                let Some((bytes, len)) = arabic_out(index, pass.mask) else {
                    continue;
                };
                // A deletion is `delete` inlined (no run is open here): one
                // path for deletions and replacements, so a mix of marks and
                // letter folds costs no mispredicted branch.
                if len == 0
                    && pass.collapse
                    && (pass.space_before(p, seen).is_some() || pass.out_pos(p) == 0)
                {
                    pass.open_run(p, false, seen);
                } else {
                    let out_start = pass.begin_edit(p);
                    // SAFETY: `arabic_out` gives the UTF-8 of one character or
                    // nothing (checked for every entry by a test).
                    unsafe { pass.out.push_encoded(bytes, len) };
                    pass.end_edit(p, q, out_start);
                }
            } else if pair_bits(b0, b1) & pass.mask != 0 {
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
            let candidates = self.simd.candidates::<LETTERS>(w) & keep;
            if candidates != 0 {
                self.visit_block(w, base, candidates);
            }
        }
        self.pass.finish()
    }

    /// Applies the rules to the flagged character starting at `p`: those of
    /// U+0600..U+06FF, the bulk of the work, by one lookup of their UTF-8.
    fn visit(&mut self, p: usize) {
        self.pass.visit(p, |pass, p, q, seen, index| {
            match arabic_out(index, pass.mask) {
                None => pass.close_run(p, false),
                Some((_, 0)) => pass.delete(p, q, seen),
                Some((bytes, len)) => {
                    pass.close_run(p, false);
                    let out_start = pass.begin_edit(p);
                    // SAFETY: `arabic_out` gives the UTF-8 of one character or
                    // nothing (checked for every entry by a test).
                    unsafe { pass.out.push_encoded(bytes, len) };
                    pass.end_edit(p, q, out_start);
                }
            }
        });
    }
}
