//! The engine's output buffer: UTF-8 pieces appended with fixed-size copies
//! (no `memcpy` call per short run of unchanged text), turned into a `String`
//! once at the end.

/// Bytes of each fixed-size copy.
const CHUNK: usize = 16;

/// Bytes kept writable past the end of the output, so a copy may write a
/// whole last chunk and a replacement its two bytes unconditionally.
const SLACK: usize = 2 * CHUNK;

/// Size from which the buffer is zeroed by the allocator (`calloc`).
const LARGE: usize = 64 << 10;

/// Output under construction.
///
/// Invariant: `buf[..len]` is valid UTF-8 between calls, because every
/// method appends either a whole `&str`, a char boundary to char boundary
/// range of a `&str`, or the complete UTF-8 encoding of one character;
/// `buf[len..]` is scratch (bytes written past `len` are overwritten or cut).
#[derive(Debug, Default)]
pub(super) struct Out {
    /// The bytes; `buf.len() >= len + SLACK` once allocated.
    buf: Vec<u8>,
    /// Bytes of output so far.
    len: usize,
}

impl Out {
    /// An empty output with room for about `capacity` bytes.
    #[expect(
        clippy::slow_vector_initialization,
        reason = "calloc, which vec![0; n] calls, bypasses glibc's per-thread cache for small blocks"
    )]
    pub(super) fn with_capacity(capacity: usize) -> Self {
        let size = capacity + SLACK;
        let buf = if size >= LARGE {
            // A large block comes from the kernel already zeroed: free here.
            vec![0; size]
        } else {
            // A small one is cheaper from the allocator's per-thread cache
            // (which `calloc` bypasses), zeroed by hand.
            let mut buf = Vec::with_capacity(size);
            buf.resize(size, 0);
            buf
        };
        Self { buf, len: 0 }
    }

    /// Bytes of output so far.
    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Makes room for `extra` more bytes plus the slack.
    #[inline(always)]
    fn reserve(&mut self, extra: usize) {
        let needed = self.len + extra + SLACK;
        if needed > self.buf.len() {
            self.grow(needed);
        }
    }

    /// Grows the buffer to at least `needed` bytes (doubling).
    #[cold]
    fn grow(&mut self, needed: usize) {
        let size = needed.max(2 * self.buf.len());
        self.buf.resize(size, 0);
    }

    /// Appends `text[from..to]`, which must lie on char boundaries of `text`
    /// (checked: nothing is appended otherwise).
    #[inline(always)]
    pub(super) fn push_range(&mut self, text: &str, from: usize, to: usize) {
        if !(from <= to && text.is_char_boundary(from) && text.is_char_boundary(to)) {
            return;
        }
        let n = to - from;
        self.reserve(n + 2 * CHUNK);
        let src = text.as_bytes();
        let mut i = from;
        let mut o = self.len;
        // Most runs between two edits are shorter than two chunks: one
        // 32-byte copy, no loop (whose exit would be mispredicted).
        if let (Some(s), Some(d)) = (
            src.get(i..i + 2 * CHUNK),
            self.buf.get_mut(o..o + 2 * CHUNK),
        ) {
            d.copy_from_slice(s);
            if n <= 2 * CHUNK {
                self.len += n;
                return;
            }
            i += 2 * CHUNK;
            o += 2 * CHUNK;
        }
        // Whole chunks while the source has them; the last one may run past
        // `to` into the slack, which the next write overwrites.
        while i < to {
            let (Some(s), Some(d)) = (src.get(i..i + CHUNK), self.buf.get_mut(o..o + CHUNK)) else {
                break;
            };
            d.copy_from_slice(s);
            i += CHUNK;
            o += CHUNK;
        }
        if i < to
            && let (Some(s), Some(d)) = (src.get(i..to), self.buf.get_mut(o..o + (to - i)))
        {
            d.copy_from_slice(s);
        }
        self.len += n;
    }

    /// Appends `s`.
    #[inline]
    pub(super) fn push_str(&mut self, s: &str) {
        self.push_range(s, 0, s.len());
    }

    /// Appends `c`.
    #[inline(always)]
    pub(super) fn push_char(&mut self, c: char) {
        self.reserve(4);
        if let Some(d) = self.buf.get_mut(self.len..self.len + 4) {
            self.len += c.encode_utf8(d).len();
        }
    }

    /// Appends the first `n` of `bytes`.
    ///
    /// # Safety
    ///
    /// `bytes[..n]` must be the whole UTF-8 encoding of one character (`n` 1
    /// or 2) or nothing (`n` 0): `into_string` relies on it. (A checked
    /// variant measured 5-15 % slower on whole documents.)
    #[inline(always)]
    pub(super) unsafe fn push_encoded(&mut self, bytes: [u8; 2], n: usize) {
        debug_assert!(n <= 2 && std::str::from_utf8(&bytes[..n]).is_ok());
        self.reserve(2);
        if let Some(d) = self.buf.get_mut(self.len..self.len + 2) {
            d.copy_from_slice(&bytes);
            self.len += n.min(2);
        }
    }

    /// The output as a `String`.
    pub(super) fn into_string(mut self) -> String {
        self.buf.truncate(self.len);
        debug_assert!(std::str::from_utf8(&self.buf).is_ok());
        // SAFETY: `buf[..len]` is valid UTF-8 (the invariant of `Out`): it is
        // a concatenation of whole `&str`s, char-boundary ranges of `&str`s
        // (checked in `push_range`) and complete encodings of characters
        // (`push_char`, and `push_encoded`, an `unsafe fn` whose callers
        // pass the bytes of one character from `scan::arabic_out`, checked
        // for every entry and rule set by a test). Validating again would cost as much as the whole pass.
        unsafe { String::from_utf8_unchecked(self.buf) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_every_length_concatenate() {
        let text = "نص عربي قصير مع بعض الكلمات الطويلة والأرقام ١٢٣ abc";
        let mut out = Out::with_capacity(4);
        let mut expected = String::new();
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for (k, w) in bounds.windows(2).enumerate() {
            let to = bounds[(k + 3 * k % 7).min(bounds.len() - 1)].max(w[0]);
            out.push_range(text, w[0], to);
            expected.push_str(&text[w[0]..to]);
            out.push_char('ﷺ');
            expected.push('ﷺ');
            // SAFETY: ي, `,` and nothing.
            unsafe {
                out.push_encoded([0xD9, 0x8A], 2);
                out.push_encoded([b',', 0], 1);
                out.push_encoded([0, 0], 0);
            }
            expected.push('ي');
            expected.push(',');
            out.push_str("ab");
            expected.push_str("ab");
        }
        assert_eq!(out.len(), expected.len());
        assert_eq!(out.into_string(), expected);
    }

    #[test]
    fn a_range_off_char_boundaries_appends_nothing() {
        let mut out = Out::with_capacity(0);
        out.push_range("عرب", 1, 4);
        out.push_range("عرب", 4, 2);
        assert_eq!(out.len(), 0);
        assert_eq!(out.into_string(), "");
    }
}
