//! The engine: one pass over the text that applies the enabled rules to the
//! characters the scanner flags, copies the rest in bulk and records the
//! alignment.

use std::borrow::Cow;

use super::normalized::{AlignmentEdit, Normalized};
use super::out::Out;
use super::rules::NormalizeOptions;
use super::rules::{Fold, fold_char, is_line_break, is_whitespace, presentation_expansion};
use super::scan::{BLOCK, LETTER_FOLDS, Simd, arabic_out, pair_bits};
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
pub(super) struct Engine<'a, 'o> {
    /// The original text.
    text: &'a str,
    /// The enabled rules.
    options: &'o NormalizeOptions,
    /// Rule bits of the enabled rules.
    mask: u16,
    /// Whether whitespace runs are collapsed.
    collapse: bool,
    /// The output up to `copied`; empty until the first change.
    out: Out,
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
    /// The vector instructions the block filter uses.
    simd: Simd,
}

impl<'a, 'o> Engine<'a, 'o> {
    /// A pass over `text`.
    pub(super) fn new(text: &'a str, options: &'o NormalizeOptions, mask: u16) -> Self {
        Self {
            text,
            options,
            mask,
            collapse: options.collapse_whitespace,
            out: Out::default(),
            copied: 0,
            cursor: 0,
            edits: Vec::new(),
            run: None,
            changed: false,
            simd: Simd::detect(),
        }
    }

    /// The same pass with the block filter on `simd` (tests force each one).
    #[cfg(test)]
    pub(super) fn with_simd(mut self, simd: Simd) -> Self {
        self.simd = simd;
        self
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
        self.out.push_range(self.text, self.copied, start);
        self.out.len()
    }

    /// Allocates the output at the first change: the text's length (most
    /// rules shrink or keep it) and an edit per 16 bytes (news text under
    /// every rule has one per 22).
    #[cold]
    fn first_change(&mut self) {
        self.changed = true;
        self.out = Out::with_capacity(self.text.len());
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
                let Some((bytes, len)) = arabic_out(index, self.mask) else {
                    continue;
                };
                // A deletion is `delete` inlined (no run is open here): one
                // path for deletions and replacements, so a mix of marks and
                // letter folds costs no mispredicted branch.
                if len == 0
                    && self.collapse
                    && (self.space_before(p, seen).is_some() || self.out_pos(p) == 0)
                {
                    self.open_run(p, false, seen);
                } else {
                    let out_start = self.begin_edit(p);
                    // SAFETY: `arabic_out` gives the UTF-8 of one character or
                    // nothing (checked for every entry by a test).
                    unsafe { self.out.push_encoded(bytes, len) };
                    self.end_edit(p, q, out_start);
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
            match arabic_out(index, self.mask) {
                None => self.close_run(p, false),
                Some((_, 0)) => self.delete(p, q, seen),
                Some((bytes, len)) => {
                    self.close_run(p, false);
                    let out_start = self.begin_edit(p);
                    // SAFETY: `arabic_out` gives the UTF-8 of one character or
                    // nothing (checked for every entry by a test).
                    unsafe { self.out.push_encoded(bytes, len) };
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
                    Fold::Keep => self.out.push_char(e),
                    Fold::Delete => {}
                    Fold::Char(d) => self.out.push_char(d),
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
                self.out.push_char(d);
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
        self.out.push_range(self.text, self.copied, self.text.len());
        Normalized {
            text: Cow::Owned(self.out.into_string()),
            alignment: self.edits,
        }
    }
}
