//! The per-thread memo of clitic analyses: exact keys (a word's letters
//! packed 6 bits each) in two set-associative tables that stay in a core's
//! L2 cache.

/// Longest word (letters) the per-thread memo holds: 18 letters of 6 bits
/// leave the top 16 bits of a `u128` entry for the analysis code.
pub(super) const MEMO_LETTERS: usize = 18;

/// Longest word (letters) of the short memo: 8 letters of 6 bits leave the
/// top 16 bits of a `u64` entry for the code. Such words are 96 % of the
/// Arabic words of news text.
pub(super) const SHORT_LETTERS: usize = 8;

/// Sets of the short memo (a power of two): 8192 sets of eight 8-byte
/// entries, one cache line each, = 512 KiB: 64k words (news text of a few
/// MB has about 35k distinct ones this short).
pub(super) const SHORT_SETS: usize = 1 << 13;

/// Sets of the long memo: 4096 sets of four 16-byte entries = 256 KiB, 16k
/// words of 9 to 18 letters. Both memos together stay in a core's L2 cache.
pub(super) const LONG_SETS: usize = 1 << 12;

/// Bits of a long memo entry that hold the packed letters.
pub(super) const LONG_LETTER_BITS: u128 = (1 << (6 * MEMO_LETTERS)) - 1;

/// Bits of a short memo entry that hold the packed letters.
pub(super) const SHORT_LETTER_BITS: u64 = (1 << (6 * SHORT_LETTERS)) - 1;

/// Eight memoized analyses of short words sharing one cache line, the most
/// recently stored first; each is the word's packed letters
/// ([`Letters::packed`]) with its code in the top 16 bits (0 = empty).
#[derive(Clone, Copy)]
#[repr(align(64))]
struct ShortSet([u64; 8]);

/// Four memoized analyses of longer words sharing one cache line, laid out
/// as in [`ShortSet`] with `u128` entries.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct LongSet([u128; 4]);

/// A set-associative memo of recent analyses, one per thread, so a word seen
/// before (in or out of the lexicon) costs one cache line of a table that
/// stays in the CPU caches instead of probes of the large lexicon. Entries
/// are exact: a word's packed letters, never a hash of them.
pub(super) struct Memo {
    /// The [`MemoOwner`] whose lexicon and weights produced the entries.
    pub(super) owner: u64,
    /// Words of up to [`SHORT_LETTERS`] letters.
    short: Box<[ShortSet]>,
    /// Words of up to [`MEMO_LETTERS`] letters.
    long: Box<[LongSet]>,
}

thread_local! {
    /// This thread's memo (allocated on first use).
    pub(super) static MEMO: std::cell::RefCell<Option<Memo>> = const { std::cell::RefCell::new(None) };
}

/// Identifies a segmenter (its lexicon and weights) to the per-thread memo:
/// analyses of one segmenter are never served to another.
#[derive(Debug)]
pub(super) struct MemoOwner(pub(super) u64);

impl MemoOwner {
    /// A new, process-unique owner.
    pub(super) fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// The memo set of packed letters among `sets` (a power of two): the high
/// bits of a multiplicative hash, which depend on every letter.
#[inline]
fn memo_set(packed: u128, sets: usize) -> usize {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let lo = packed as u64;
    let hi = (packed >> 64) as u64;
    let h = (lo ^ hi.rotate_left(23).wrapping_mul(K)).wrapping_mul(K);
    (h >> (64 - sets.trailing_zeros())) as usize
}

impl Memo {
    /// An empty memo for `owner`.
    pub(super) fn new(owner: u64) -> Self {
        Memo {
            owner,
            short: vec![ShortSet([0; 8]); SHORT_SETS].into_boxed_slice(),
            long: vec![LongSet([0; 4]); LONG_SETS].into_boxed_slice(),
        }
    }

    /// The memoized code of packed letters (`n` of them, at most [`MEMO_LETTERS`]).
    #[inline]
    pub(super) fn get(&self, packed: u128, n: usize) -> Option<u16> {
        if n <= SHORT_LETTERS {
            let key = packed as u64;
            let set = self.short.get(memo_set(packed, SHORT_SETS))?;
            let e = set.0.iter().find(|&&e| e & SHORT_LETTER_BITS == key)?;
            Some((e >> 48) as u16).filter(|&c| c != 0)
        } else {
            let set = self.long.get(memo_set(packed, LONG_SETS))?;
            let e = set.0.iter().find(|&&e| e & LONG_LETTER_BITS == packed)?;
            Some((e >> 112) as u16).filter(|&c| c != 0)
        }
    }

    /// Requests the cache line of packed letters' set, so that the lookups
    /// of several words overlap their cache misses.
    #[inline(always)]
    pub(super) fn touch(&self, packed: u128, n: usize) {
        // A plain read whose value is dropped: the out-of-order core issues
        // it at once, without waiting for the reads before it.
        if n <= SHORT_LETTERS {
            if let Some(set) = self.short.get(memo_set(packed, SHORT_SETS)) {
                std::hint::black_box(set.0[0]);
            }
        } else if let Some(set) = self.long.get(memo_set(packed, LONG_SETS)) {
            std::hint::black_box(set.0[0]);
        }
    }

    /// Remembers `code` for packed letters; the set's oldest entry makes room.
    pub(super) fn put(&mut self, packed: u128, n: usize, code: u16) {
        if n <= SHORT_LETTERS {
            if let Some(set) = self.short.get_mut(memo_set(packed, SHORT_SETS)) {
                set.0.copy_within(0..7, 1);
                set.0[0] = packed as u64 | u64::from(code) << 48;
            }
        } else if let Some(set) = self.long.get_mut(memo_set(packed, LONG_SETS)) {
            set.0.copy_within(0..3, 1);
            set.0[0] = packed | u128::from(code) << 112;
        }
    }
}
