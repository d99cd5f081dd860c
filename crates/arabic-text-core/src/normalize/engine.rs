//! The engine: one pass over the text that applies the enabled rules to the
//! characters the scanner flags, copies the rest in bulk and records the
//! alignment.

use super::normalized::Normalized;
use super::out::Out;
use super::pass::Pass;
use super::rules::NormalizeOptions;
use super::scan::{BLOCK, LETTER_FOLDS, Simd, arabic_out, pair_bits};

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
    fn visit_block(&mut self, w: &[u8; BLOCK + 1], base: usize, mut candidates: u64) {
        while candidates != 0 {
            let j = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let (Some(&b0), Some(&b1)) = (w.get(j), w.get(j + 1)) else {
                continue;
            };
            let p = base + j;
            let pass = &mut self.pass;
            if (0xD8..=0xDB).contains(&b0) && pass.run.is_none() && p >= pass.cursor {
                // U+0600..U+06FF outside a whitespace run, the bulk of the
                // work: what `visit` does, without its general checks.
                let q = p + 2;
                let seen = pass.cursor;
                let index = (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F);
                pass.cursor = q;
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
        let bytes = self.pass.text.as_bytes();
        let n = bytes.len();
        if self.pass.collapse && matches!(bytes.first(), Some(b' ' | b'\n')) {
            // A canonical space is flagged only before whitespace; a leading
            // one must be seen to be trimmed.
            self.visit(0);
        }
        let mut base = 0;
        while base + BLOCK < n {
            let Some(Ok(w)) = bytes
                .get(base..base + BLOCK + 1)
                .map(<&[u8; BLOCK + 1]>::try_from)
            else {
                break;
            };
            let candidates = self.simd.candidates::<LETTERS>(w);
            if candidates != 0 {
                self.visit_block(w, base, candidates);
            }
            base += BLOCK;
        }
        // The tail, padded: the end of the text acts as whitespace after it,
        // so a trailing space is flagged (and trimmed).
        let mut w = [0u8; BLOCK + 1];
        let tail = bytes.get(base..).unwrap_or_default();
        if let Some(head) = w.get_mut(..tail.len()) {
            head.copy_from_slice(tail);
        }
        if let Some(slot) = w.get_mut(tail.len()) {
            *slot = b' ';
        }
        let keep = u64::MAX.checked_shr(BLOCK as u32 - tail.len().min(BLOCK) as u32);
        let candidates = self.simd.candidates::<LETTERS>(&w) & keep.unwrap_or(0);
        self.visit_block(&w, base, candidates);
        self.pass.finish()
    }

    /// Applies the rules to the flagged character starting at `p`.
    fn visit(&mut self, p: usize) {
        let pass = &mut self.pass;
        if !pass.enter(p) {
            return;
        }
        let bytes = pass.text.as_bytes();
        if let (Some(&b0 @ 0xD8..=0xDB), Some(&b1)) = (bytes.get(p), bytes.get(p + 1)) {
            // U+0600..U+06FF, the bulk of the work: one table lookup.
            let q = p + 2;
            let seen = pass.cursor;
            pass.cursor = q;
            let index = (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F);
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
            return;
        }
        pass.visit_char(p);
    }
}
