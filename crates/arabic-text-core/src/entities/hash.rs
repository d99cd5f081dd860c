//! The hash of a tagger feature ([`H`]: FNV-1a over a template id and its
//! parts) and the affix helpers the templates use; a leaf.

/// A feature's hash, built FNV-1a style from its template id
/// (`H::new(id)`) and its parts: strings (`.s`) and small values (`.b`),
/// each followed by a separator byte so parts cannot run together.
#[derive(Clone, Copy, Debug)]
pub(crate) struct H(pub(crate) u64);

impl H {
    pub(crate) fn new(t: u8) -> Self {
        H((0xcbf2_9ce4_8422_2325 ^ u64::from(t)).wrapping_mul(0x100_0000_01b3))
    }
    pub(crate) fn s(mut self, s: &str) -> Self {
        for &b in s.as_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x100_0000_01b3);
        self
    }
    pub(crate) fn b(mut self, b: u8) -> Self {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        self.0 = (self.0 ^ 0xfe).wrapping_mul(0x100_0000_01b3);
        self
    }
    pub(crate) fn w(mut self, v: u32) -> Self {
        for b in v.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = (self.0 ^ 0xfd).wrapping_mul(0x100_0000_01b3);
        self
    }
    pub(crate) fn done(self) -> u64 {
        // 0 marks an empty slot in the model's table.
        self.0 | 1
    }
}

/// First `n` chars of `s`.
pub(crate) fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// Last `n` chars of `s`.
pub(crate) fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    s.char_indices().nth(count - n).map_or(s, |(i, _)| &s[i..])
}
