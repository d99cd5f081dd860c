//! The bookkeeping of one normalization pass, shared by the engine and the
//! reference engine of the tests: the output so far, the alignment edits
//! (merged when adjacent), whitespace runs, and the rules applied to a
//! character outside U+0600..U+06FF. What the reference exists to check stays
//! in each engine: the block scan (SIMD or portable), the U+0600..U+06FF
//! table lookups and the inlined fast path; only the output buffer differs
//! here, behind [`Output`].

use std::borrow::Cow;

use super::normalized::{AlignmentEdit, Normalized};
use super::out::Out;
use super::rules::NormalizeOptions;
use super::rules::{Fold, fold_char, is_line_break, is_whitespace, presentation_expansion};
use super::scan::{BLOCK, arabic_index};
use crate::offsets::Span;

/// An output buffer a pass appends to: the engine's [`Out`], or a plain
/// `String` for the reference, so the two buffers are checked against each
/// other.
pub(super) trait Output: Default {
    /// The buffer allocated at the first change of a text of `len` bytes.
    fn for_text(len: usize) -> Self;
    /// Bytes of output so far.
    fn len(&self) -> usize;
    /// Appends `s`.
    fn push_str(&mut self, s: &str);
    /// Appends `c`.
    fn push_char(&mut self, c: char);
    /// Appends `text[from..to]` (nothing when off char boundaries).
    fn push_range(&mut self, text: &str, from: usize, to: usize);
    /// The output as a `String`.
    fn into_string(self) -> String;
}

impl Output for Out {
    /// The text's length: most rules shrink or keep it.
    #[inline]
    fn for_text(len: usize) -> Self {
        Out::with_capacity(len)
    }

    #[inline(always)]
    fn len(&self) -> usize {
        Out::len(self)
    }

    #[inline(always)]
    fn push_str(&mut self, s: &str) {
        Out::push_str(self, s);
    }

    #[inline(always)]
    fn push_char(&mut self, c: char) {
        Out::push_char(self, c);
    }

    #[inline(always)]
    fn push_range(&mut self, text: &str, from: usize, to: usize) {
        Out::push_range(self, text, from, to);
    }

    #[inline]
    fn into_string(self) -> String {
        Out::into_string(self)
    }
}

impl Output for String {
    /// The text's length and a little more.
    fn for_text(len: usize) -> Self {
        String::with_capacity(len + 16)
    }

    fn len(&self) -> usize {
        String::len(self)
    }

    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }

    fn push_char(&mut self, c: char) {
        self.push(c);
    }

    fn push_range(&mut self, text: &str, from: usize, to: usize) {
        if let Some(piece) = text.get(from..to) {
            String::push_str(self, piece);
        }
    }

    fn into_string(self) -> String {
        self
    }
}

/// The blocks of a text, each `BLOCK` bytes from `base` and the byte after
/// them (a character's second byte), with `keep`, the bits of the positions
/// that lie in the text. The last block is the tail padded with a space and
/// zeros: the end of the text acts as whitespace after it, so a trailing
/// space is flagged (and trimmed). Walked with `while let` rather than a
/// closure, so the block loop is compiled inline: a closure called per
/// block cost the engine 2-4 % more instructions (callgrind, 1 MB of
/// Wikipedia text, standard and search presets).
pub(super) struct Blocks<'t> {
    /// The text's bytes.
    bytes: &'t [u8],
    /// Offset of the next block.
    base: usize,
    /// The padded tail, once reached.
    padded: [u8; BLOCK + 1],
    /// Whether the tail has been given.
    done: bool,
}

impl<'t> Blocks<'t> {
    /// The blocks of `bytes`.
    #[inline(always)]
    pub(super) fn new(bytes: &'t [u8]) -> Self {
        Self {
            bytes,
            base: 0,
            padded: [0; BLOCK + 1],
            done: false,
        }
    }

    /// The next block, its offset and its `keep` bits; `None` after the tail.
    #[inline(always)]
    pub(super) fn next_block(&mut self) -> Option<(&[u8; BLOCK + 1], usize, u64)> {
        if self.done {
            return None;
        }
        let base = self.base;
        if let Some(Ok(w)) = self
            .bytes
            .get(base..base + BLOCK + 1)
            .map(<&[u8; BLOCK + 1]>::try_from)
        {
            self.base += BLOCK;
            return Some((w, base, u64::MAX));
        }
        self.done = true;
        let tail = self.bytes.get(base..).unwrap_or_default();
        if let Some(head) = self.padded.get_mut(..tail.len()) {
            head.copy_from_slice(tail);
        }
        if let Some(slot) = self.padded.get_mut(tail.len()) {
            *slot = b' ';
        }
        let keep = u64::MAX.checked_shr(BLOCK as u32 - tail.len().min(BLOCK) as u32);
        Some((&self.padded, base, keep.unwrap_or(0)))
    }
}

/// The positions whose bits are set in a block's candidate bits, from the
/// lowest: for bit `j` of the block `w` at offset `base`, `base + j` in the
/// text and the bytes `w[j]`, `w[j + 1]`.
pub(super) struct Candidates<'w> {
    /// The block and the byte after it.
    w: &'w [u8; BLOCK + 1],
    /// The block's offset in the text.
    base: usize,
    /// The positions not yet given.
    bits: u64,
}

impl<'w> Candidates<'w> {
    /// The positions of `bits` in the block `w` at offset `base`.
    #[inline(always)]
    pub(super) fn new(w: &'w [u8; BLOCK + 1], base: usize, bits: u64) -> Self {
        Self { w, base, bits }
    }
}

impl Iterator for Candidates<'_> {
    type Item = (usize, u8, u8);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        while self.bits != 0 {
            let j = self.bits.trailing_zeros() as usize;
            self.bits &= self.bits - 1;
            if let (Some(&b0), Some(&b1)) = (self.w.get(j), self.w.get(j + 1)) {
                return Some((self.base + j, b0, b1));
            }
        }
        None
    }
}

/// An open whitespace run (whitespace and characters deleted inside it).
#[derive(Clone, Copy, Debug)]
pub(super) struct Run {
    /// Original byte offset where the run starts.
    pub(super) start: usize,
    /// Whether it holds a line break.
    pub(super) has_break: bool,
}

/// The state of one normalization pass over `text`, writing to `O`.
pub(super) struct Pass<'a, 'o, O> {
    /// The original text.
    pub(super) text: &'a str,
    /// The enabled rules.
    options: &'o NormalizeOptions,
    /// Rule bits of the enabled rules.
    pub(super) mask: u16,
    /// Whether whitespace runs are collapsed.
    pub(super) collapse: bool,
    /// The output up to `copied`; empty until the first change.
    pub(super) out: O,
    /// Original bytes before this offset are in `out` (or edited away).
    copied: usize,
    /// End of the last character looked at; the characters between it and
    /// the next flagged one are unchanged and not whitespace runs.
    pub(super) cursor: usize,
    /// The edits so far, merged when adjacent.
    edits: Vec<AlignmentEdit>,
    /// The open whitespace run, if any.
    pub(super) run: Option<Run>,
    /// Whether `out` has been allocated (something changed).
    changed: bool,
}

impl<'a, 'o, O: Output> Pass<'a, 'o, O> {
    /// A pass over `text`.
    pub(super) fn new(text: &'a str, options: &'o NormalizeOptions, mask: u16) -> Self {
        Self {
            text,
            options,
            mask,
            collapse: options.collapse_whitespace,
            out: O::default(),
            copied: 0,
            cursor: 0,
            edits: Vec::new(),
            run: None,
            changed: false,
        }
    }

    /// Output length once the original text up to `at` is accounted for.
    #[inline]
    pub(super) fn out_pos(&self, at: usize) -> usize {
        self.out.len() + at.saturating_sub(self.copied)
    }

    /// Starts an edit at original `start`: copies the unchanged text before it.
    /// Always inlined: a call per edit cost the engine about 7 % more
    /// instructions (callgrind, search preset, 1 MB of Wikipedia text).
    #[inline(always)]
    pub(super) fn begin_edit(&mut self, start: usize) -> usize {
        if !self.changed {
            self.first_change();
        }
        self.out.push_range(self.text, self.copied, start);
        self.out.len()
    }

    /// Allocates the output at the first change ([`Output::for_text`]) and
    /// an edit per 16 bytes (news text under every rule has one per 22).
    #[cold]
    fn first_change(&mut self) {
        self.changed = true;
        self.out = O::for_text(self.text.len());
        self.edits.reserve((self.text.len() / 16).max(8));
    }

    /// Ends an edit: original `start..end` became `out[out_start..]`.
    #[inline]
    pub(super) fn end_edit(&mut self, start: usize, end: usize, out_start: usize) {
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
    pub(super) fn close_run(&mut self, at: usize, at_end: bool) {
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

    /// Before looking at the character at `p`: an open run takes in the
    /// unflagged text since the last character looked at. That text holds at
    /// most one leading canonical `' '`/`'\n'` (flagged otherwise), then
    /// non-whitespace that ends the run.
    #[inline]
    pub(super) fn settle_run(&mut self, p: usize) {
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
    pub(super) fn space_before(&self, p: usize, seen: usize) -> Option<bool> {
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
    pub(super) fn open_run(&mut self, p: usize, is_break: bool, seen: usize) {
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

    /// Whether the text starts with a `' '` or `'\n'` to trim: the filters
    /// flag a canonical space only before whitespace, so a leading one must
    /// be visited on its own.
    pub(super) fn leading_space(&self) -> bool {
        self.collapse && matches!(self.text.as_bytes().first(), Some(b' ' | b'\n'))
    }

    /// Moves the cursor past the two-byte character at `p` (U+0600..U+06FF):
    /// its end `q`, and `seen`, where the characters not yet looked at
    /// started.
    #[inline(always)]
    pub(super) fn take_pair(&mut self, p: usize) -> (usize, usize) {
        let seen = self.cursor;
        self.cursor = p + 2;
        (p + 2, seen)
    }

    /// Applies the rules to the flagged character starting at `p`, unless
    /// already passed: a U+0600..U+06FF character through `arabic(self, p, q,
    /// seen, index)` (each engine has its table; see [`Self::take_pair`] and
    /// [`arabic_index`]), any other through [`Self::visit_char`].
    #[inline]
    pub(super) fn visit(
        &mut self,
        p: usize,
        arabic: impl FnOnce(&mut Self, usize, usize, usize, usize),
    ) {
        if p < self.cursor {
            return;
        }
        if self.collapse {
            self.settle_run(p);
        }
        let bytes = self.text.as_bytes();
        if let (Some(&b0 @ 0xD8..=0xDB), Some(&b1)) = (bytes.get(p), bytes.get(p + 1)) {
            let (q, seen) = self.take_pair(p);
            arabic(self, p, q, seen, arabic_index(b0, b1));
            return;
        }
        self.visit_char(p);
    }

    /// Applies `fold`, what the rules make of the character `p..q`.
    #[inline]
    pub(super) fn apply(&mut self, p: usize, q: usize, seen: usize, fold: Fold) {
        match fold {
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

    /// Applies the rules to the flagged character starting at `p`, one
    /// outside U+0600..U+06FF (the engines look those up in their tables).
    fn visit_char(&mut self, p: usize) {
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
        self.apply(p, q, seen, fold_char(c, options));
    }

    /// Deletes `p..q`. When collapsing, a deletion next to whitespace or at
    /// the start of the output joins a run, so no double or leading space
    /// is left behind.
    pub(super) fn delete(&mut self, p: usize, q: usize, seen: usize) {
        if self.collapse
            && (self.run.is_some() || self.space_before(p, seen).is_some() || self.out_pos(p) == 0)
        {
            self.open_run(p, false, seen);
            return;
        }
        self.edit(p, q, "");
    }

    /// The result, once every flagged character has been looked at: the
    /// open run is settled and trimmed at the end of the text.
    pub(super) fn finish(mut self) -> Normalized<'a> {
        let n = self.text.len();
        self.settle_run(n);
        self.close_run(n, true);
        if !self.changed {
            return Normalized {
                text: Cow::Borrowed(self.text),
                alignment: Vec::new(),
            };
        }
        self.out.push_range(self.text, self.copied, n);
        Normalized {
            text: Cow::Owned(self.out.into_string()),
            alignment: self.edits,
        }
    }
}
