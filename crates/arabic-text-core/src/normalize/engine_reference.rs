//! The reference engine for tests: the engine as it was before the output
//! buffer and the SIMD scan (a `String` output, the portable block filter),
//! kept unchanged so the fast engine can be checked against it, output and
//! alignment, on random text.

use std::borrow::Cow;

use super::normalized::{AlignmentEdit, Normalized};
use super::rules::NormalizeOptions;
use super::rules::{Fold, fold_char, is_line_break, is_whitespace, presentation_expansion};
use super::scan::{
    BLOCK, LETTER_FOLDS, arabic_fold, block_candidates_portable as block_candidates, pair_bits,
};
use crate::offsets::Span;

/// An open whitespace run (whitespace and characters deleted inside it).
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Original byte offset where the run starts.
    start: usize,
    /// Whether it holds a line break.
    has_break: bool,
}

/// One normalization pass over `text`.
pub(super) struct ReferenceEngine<'a, 'o> {
    /// The original text.
    text: &'a str,
    /// The enabled rules.
    options: &'o NormalizeOptions,
    /// Rule bits of the enabled rules.
    mask: u16,
    /// Whether whitespace runs are collapsed.
    collapse: bool,
    /// The output up to `copied`; empty until the first change.
    out: String,
    /// Original bytes before this offset are in `out` (or edited away).
    copied: usize,
    /// End of the last character looked at; the characters between it and
    /// the next flagged one are unchanged and not whitespace runs.
    cursor: usize,
    /// The edits so far, merged when adjacent.
    edits: Vec<AlignmentEdit>,
    /// The open whitespace run, if any.
    run: Option<Run>,
    /// Whether `out` has been allocated (something changed).
    changed: bool,
}

impl<'a, 'o> ReferenceEngine<'a, 'o> {
    /// A pass over `text`.
    pub(super) fn new(text: &'a str, options: &'o NormalizeOptions, mask: u16) -> Self {
        Self {
            text,
            options,
            mask,
            collapse: options.collapse_whitespace,
            out: String::new(),
            copied: 0,
            cursor: 0,
            edits: Vec::new(),
            run: None,
            changed: false,
        }
    }

    /// Output length once the original text up to `at` is accounted for.
    #[inline]
    fn out_pos(&self, at: usize) -> usize {
        self.out.len() + at.saturating_sub(self.copied)
    }

    /// Starts an edit at original `start`: copies the unchanged text before it.
    #[inline]
    fn begin_edit(&mut self, start: usize) -> usize {
        if !self.changed {
            self.first_change();
        }
        if let Some(unchanged) = self.text.get(self.copied..start) {
            self.out.push_str(unchanged);
        }
        self.out.len()
    }

    /// Allocates the output at the first change: the text's length (most
    /// rules shrink or keep it) and an edit per 16 bytes (news text under
    /// every rule has one per 22).
    #[cold]
    fn first_change(&mut self) {
        self.changed = true;
        self.out.reserve(self.text.len() + 16);
        self.edits.reserve((self.text.len() / 16).max(8));
    }

    /// Ends an edit: original `start..end` became `out[out_start..]`.
    #[inline]
    fn end_edit(&mut self, start: usize, end: usize, out_start: usize) {
        self.copied = end;
        let out_end = self.out.len();
        // Adjacent edits merge into one run, except that a deletion and a
        // replacement stay apart, so a word mapped back to the original does
        // not take in the deleted characters (spaces, marks) before or after it.
        if let Some(last) = self.edits.last_mut()
            && last.original.end == start
            && last.normalized.end == out_start
            && last.normalized.is_empty() == (out_start == out_end)
        {
            last.original.end = end;
            last.normalized.end = out_end;
            return;
        }
        self.edits.push(AlignmentEdit {
            original: Span::new(start, end),
            normalized: Span::new(out_start, out_end),
        });
    }

    /// Replaces original `start..end` by `replacement`.
    fn edit(&mut self, start: usize, end: usize, replacement: &str) {
        let out_start = self.begin_edit(start);
        self.out.push_str(replacement);
        self.end_edit(start, end, out_start);
    }

    /// Closes the open run before the character at `at`; `at_end` when the
    /// text ends there (trailing runs are trimmed).
    fn close_run(&mut self, at: usize, at_end: bool) {
        let Some(run) = self.run.take() else {
            return;
        };
        let replacement = if at_end || self.out_pos(run.start) == 0 {
            ""
        } else if run.has_break {
            "\n"
        } else {
            " "
        };
        let Some(run_text) = self.text.get(run.start..at) else {
            return;
        };
        if run_text == replacement {
            return;
        }
        if !replacement.is_empty() && run_text.starts_with(replacement) {
            // Keep the canonical first character; delete the rest of the run.
            self.edit(run.start + replacement.len(), at, "");
        } else {
            self.edit(run.start, at, replacement);
        }
    }

    /// Runs the pass: scans blocks of byte pairs and looks only at the
    /// characters an enabled rule can touch.
    pub(super) fn run(self) -> Normalized<'a> {
        if self.mask & LETTER_FOLDS != 0 {
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
            if (0xD8..=0xDB).contains(&b0) && self.run.is_none() && p >= self.cursor {
                // U+0600..U+06FF outside a whitespace run, the bulk of the
                // work: what `visit` does, without its general checks.
                let q = p + 2;
                let seen = self.cursor;
                let index = (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F);
                self.cursor = q;
                match arabic_fold(index, self.mask) {
                    Fold::Keep => {}
                    Fold::Char(d) => {
                        let out_start = self.begin_edit(p);
                        self.out.push(d);
                        self.end_edit(p, q, out_start);
                    }
                    Fold::Delete => self.delete(p, q, seen),
                }
            } else if pair_bits(b0, b1) & self.mask != 0 {
                self.visit(p);
            }
        }
    }

    /// [`Self::run`] with the candidate filter for `LETTERS`.
    fn scan<const LETTERS: bool>(mut self) -> Normalized<'a> {
        let bytes = self.text.as_bytes();
        let n = bytes.len();
        if self.collapse && matches!(bytes.first(), Some(b' ' | b'\n')) {
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
            let candidates = block_candidates::<LETTERS>(w);
            if candidates != 0 {
                self.visit_block(w, base, candidates);
            }
            base += BLOCK;
        }
        // The tail, padded: the end of the text acts as whitespace after it,
        // so a trailing space is flagged (and trimmed).
        let mut w = [0u8; BLOCK + 1];
        let tail = bytes.get(base..).unwrap_or_default();
        for (slot, &b) in w.iter_mut().zip(tail) {
            *slot = b;
        }
        if let Some(slot) = w.get_mut(tail.len()) {
            *slot = b' ';
        }
        let keep = u64::MAX.checked_shr(BLOCK as u32 - tail.len().min(BLOCK) as u32);
        let candidates = block_candidates::<LETTERS>(&w) & keep.unwrap_or(0);
        self.visit_block(&w, base, candidates);
        self.settle_run(n);
        self.close_run(n, true);
        self.finish()
    }

    /// Before looking at the character at `p`: an open run takes in the
    /// unflagged text since the last character looked at. That text holds at
    /// most one leading canonical `' '`/`'\n'` (flagged otherwise), then
    /// non-whitespace that ends the run.
    #[inline]
    fn settle_run(&mut self, p: usize) {
        if self.run.is_none() || self.cursor >= p {
            return;
        }
        let bytes = self.text.as_bytes();
        if let Some(&b) = bytes.get(self.cursor)
            && (b == b' ' || b == b'\n')
        {
            if let Some(run) = &mut self.run {
                run.has_break |= b == b'\n';
            }
            self.cursor += 1;
        }
        if self.cursor < p {
            self.close_run(self.cursor, false);
        }
    }

    /// The unflagged `' '` or `'\n'` just before `p`, if any (`seen` is where
    /// the characters not yet looked at start): `Some(is_break)`.
    #[inline]
    fn space_before(&self, p: usize, seen: usize) -> Option<bool> {
        let b = p.checked_sub(1).filter(|&b| b >= seen)?;
        match self.text.as_bytes().get(b) {
            Some(b' ') => Some(false),
            Some(b'\n') => Some(true),
            _ => None,
        }
    }

    /// Opens a run for a deletion or whitespace at `p` if none is open,
    /// starting at an unflagged `' '`/`'\n'` just before `p` if there is one.
    #[inline]
    fn open_run(&mut self, p: usize, is_break: bool, seen: usize) {
        if let Some(run) = &mut self.run {
            run.has_break |= is_break;
            return;
        }
        let (start, prev_break) = match self.space_before(p, seen) {
            Some(prev_break) => (p - 1, prev_break),
            None => (p, false),
        };
        self.run = Some(Run {
            start,
            has_break: prev_break || is_break,
        });
    }

    /// Applies the rules to the flagged character starting at `p`.
    fn visit(&mut self, p: usize) {
        if p < self.cursor {
            return;
        }
        if self.collapse {
            self.settle_run(p);
        }
        let bytes = self.text.as_bytes();
        if let (Some(&b0 @ 0xD8..=0xDB), Some(&b1)) = (bytes.get(p), bytes.get(p + 1)) {
            // U+0600..U+06FF, the bulk of the work: one table lookup.
            let q = p + 2;
            let seen = self.cursor;
            self.cursor = q;
            let index = (usize::from(b0 & 3) << 6) | usize::from(b1 & 0x3F);
            match arabic_fold(index, self.mask) {
                Fold::Keep => self.close_run(p, false),
                Fold::Delete => self.delete(p, q, seen),
                Fold::Char(d) => {
                    self.close_run(p, false);
                    let out_start = self.begin_edit(p);
                    self.out.push(d);
                    self.end_edit(p, q, out_start);
                }
            }
            return;
        }
        let Some(c) = self.text.get(p..).and_then(|s| s.chars().next()) else {
            return;
        };
        let q = p + c.len_utf8();
        let seen = self.cursor;
        self.cursor = q;
        if self.collapse && is_whitespace(c) {
            self.open_run(p, is_line_break(c), seen);
            return;
        }
        let options = self.options;
        if options.decompose_presentation_forms
            && let Some(expansion) = presentation_expansion(c)
        {
            if expansion
                .chars()
                .all(|e| fold_char(e, options) == Fold::Delete)
            {
                self.delete(p, q, seen);
                return;
            }
            self.close_run(p, false);
            let out_start = self.begin_edit(p);
            for e in expansion.chars() {
                match fold_char(e, options) {
                    Fold::Keep => self.out.push(e),
                    Fold::Delete => {}
                    Fold::Char(d) => self.out.push(d),
                }
            }
            self.end_edit(p, q, out_start);
            return;
        }
        match fold_char(c, options) {
            Fold::Keep => self.close_run(p, false),
            Fold::Delete => self.delete(p, q, seen),
            Fold::Char(d) => {
                self.close_run(p, false);
                let out_start = self.begin_edit(p);
                self.out.push(d);
                self.end_edit(p, q, out_start);
            }
        }
    }

    /// Deletes `p..q`. When collapsing, a deletion next to whitespace or at
    /// the start of the output joins a run, so no double or leading space
    /// is left behind.
    fn delete(&mut self, p: usize, q: usize, seen: usize) {
        if self.collapse
            && (self.run.is_some() || self.space_before(p, seen).is_some() || self.out_pos(p) == 0)
        {
            self.open_run(p, false, seen);
            return;
        }
        self.edit(p, q, "");
    }

    /// The result.
    fn finish(mut self) -> Normalized<'a> {
        if !self.changed {
            return Normalized {
                text: Cow::Borrowed(self.text),
                alignment: Vec::new(),
            };
        }
        if let Some(rest) = self.text.get(self.copied..) {
            self.out.push_str(rest);
        }
        Normalized {
            text: Cow::Owned(self.out),
            alignment: self.edits,
        }
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
