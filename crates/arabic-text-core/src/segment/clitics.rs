//! Clitic segmentation of Arabic words: a clitic grammar (conjunction و ف,
//! then one of ب ل ك or future س, a stem, a pronoun enclitic) with the
//! orthographic rules that change letters at the seams (ل + ال → لل,
//! ة → ت and ى → ي before an enclitic, ...). Every analysis the grammar allows
//! is scored by the stem's corpus frequency plus a weight per clitic, against
//! the frequency of the unsplit word; the best wins.

use super::letters::MAX_LETTERS;
use super::lexicon::{Lexicon, PACKED_LETTERS, letter_bits};
use super::memo::{MEMO, MEMO_LETTERS, Memo, MemoOwner};
use super::tokenize::{TokenInfo, slice};
use super::types::{CliticMode, Segment, SegmentRole, Token, TokenKind};
use super::weights::CliticWeights;
use super::word::{Code, Letters};
use crate::offsets::Span;

/// Pronoun enclitics (letters), indexed 1.. in analysis codes.
const ENCLITICS: [&str; 12] = [
    "ه", "ها", "هما", "هم", "هن", "ك", "كما", "كم", "كن", "ي", "ني", "نا",
];

/// Weight group of each enclitic (index into [`CliticWeights::enclitic`]).
const ENCLITIC_GROUP: [usize; 12] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 3, 4];

/// Stems beginning with ال whose ال is not the article.
const NOT_ARTICLE: &[&str] = &[
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللذان",
    "اللتان",
    "اللتين",
    "اللواتي",
    "اللاتي",
    "اللائي",
    "الله",
    "اللهم",
    "الى",
    "الا",
    "الي",
];

/// Builds the lookup key of a stem `letters[a..b]` with restored prefix
/// `pre` and restored final `fin` into `buf`; returns its length.
fn stem_key(
    l: &Letters,
    a: usize,
    b: usize,
    pre: u16,
    fin: u16,
    buf: &mut [u8; 2 * MAX_LETTERS + 8],
) -> usize {
    let mut n = 0;
    let mut put = |s: &[u8], n: &mut usize| {
        if let Some(d) = buf.get_mut(*n..*n + s.len()) {
            d.copy_from_slice(s);
            *n += s.len();
        }
    };
    match pre {
        1 => put("ا".as_bytes(), &mut n),
        2 => put("ال".as_bytes(), &mut n),
        _ => {}
    }
    match fin {
        0 => put(l.bytes(a, b), &mut n),
        4 => {
            put(l.bytes(a, b), &mut n);
            put("ا".as_bytes(), &mut n);
        }
        _ => {
            put(l.bytes(a, b.saturating_sub(1)), &mut n);
            let last = match fin {
                1 => "ة",
                2 => "ى",
                _ => "ء",
            };
            put(last.as_bytes(), &mut n);
        }
    }
    n
}

/// The analysis of a word's letters, from this thread's memo when the word
/// was analysed recently (results are identical: the memo only remembers
/// what [`analyse`] returned for the same letters, lexicon and weights).
fn analyse_cached(lex: &Lexicon, w: &CliticWeights, owner: &MemoOwner, l: &Letters) -> Code {
    if l.n > MEMO_LETTERS {
        return analyse(lex, w, l);
    }
    let found = MEMO.try_with(|m| {
        let m = m.try_borrow().ok()?;
        m.as_ref()
            .filter(|memo| memo.owner == owner.0)?
            .get(l.packed, l.n)
    });
    if let Ok(Some(code)) = found {
        return Code(code);
    }
    let code = analyse(lex, w, l);
    let _ = MEMO.try_with(|m| {
        let Ok(mut m) = m.try_borrow_mut() else {
            return;
        };
        if m.as_ref().is_none_or(|memo| memo.owner != owner.0) {
            *m = Some(Memo::new(owner.0));
        }
        if let Some(memo) = m.as_mut() {
            memo.put(l.packed, l.n, code.0);
        }
    });
    code
}

/// The analysis code of a lexicon form as a whole word (for precomputing
/// the lexicon's analyses; `lex` holds none yet).
pub(super) fn analyse_form(lex: &Lexicon, w: &CliticWeights, form: &[u8]) -> u16 {
    match std::str::from_utf8(form).ok().and_then(Letters::read) {
        Some(l) => analyse(lex, w, &l).0,
        // A form `read` rejects is never analysed: it stays whole.
        None => Code::WHOLE.0,
    }
}

/// The lexicon slot of the whole word `l`.
#[inline]
fn find_word(lex: &Lexicon, l: &Letters) -> Option<super::lexicon::Slot> {
    if l.n <= PACKED_LETTERS {
        lex.find_packed(l.packed as u64)
    } else {
        lex.find(l.bytes(0, l.n))
    }
}

/// Packed alef U+0627.
const ALEF: u64 = letter_bits(0x0627);
/// Packed lam U+0644.
const LAM: u64 = letter_bits(0x0644);
/// Packed ال, the article, as the first two letters of a key.
const AL: u64 = ALEF | LAM << 6;

/// The packed lookup key ([`super::lexicon::pack`]) of the stem
/// `letters[a..b]` with restored prefix `pre` and restored final `fin`, as
/// [`stem_key`] spells it; `None` when it is too long to pack (or lies past
/// the letters [`Letters::packed`] holds).
#[inline(always)]
fn stem_packed(l: &Letters, a: usize, b: usize, pre: u16, fin: u16) -> Option<u64> {
    let len = b.checked_sub(a)?;
    let total = len + usize::from(pre) + usize::from(fin == 4);
    if total > PACKED_LETTERS || b > MEMO_LETTERS || len == 0 {
        return None;
    }
    let stem = (l.packed >> (6 * a)) as u64 & ((1u64 << (6 * len)) - 1);
    let last = 6 * (len - 1);
    let stem = match fin {
        0 => stem,
        4 => stem | ALEF << (6 * len),
        _ => {
            let x = match fin {
                1 => letter_bits(0x0629),
                2 => letter_bits(0x0649),
                _ => letter_bits(0x0621),
            };
            (stem & !(63 << last)) | x << last
        }
    };
    Some(match pre {
        1 => ALEF | stem << 6,
        2 => AL | stem << 12,
        _ => stem,
    })
}

/// Most candidate stems of one word (each clitic combination the grammar
/// allows; real words have well under 30).
const MAX_CANDIDATES: usize = 96;

/// Lookup key of a candidate that is not a lexicon stem: ب or ل hosting a
/// pronoun, which wins over every stem.
const HOST: u64 = u64::MAX;

/// Lookup key of a candidate too long to pack: its stem is looked up by its
/// bytes ([`stem_key`]).
const BYTES: u64 = 0;

/// One analysis the grammar allows, to be scored.
#[derive(Clone, Copy)]
struct Candidate {
    /// Packed stem key, [`HOST`] or [`BYTES`].
    key: u64,
    /// Its clitic weights (added to the stem's frequency).
    add: i32,
    /// The analysis.
    code: Code,
    /// First letter of the stem.
    p2: u8,
    /// End letter of the stem.
    stem_end: u8,
}

/// Finds the best analysis of a word's letters. The candidates are listed
/// first (and their table lines requested, so their cache misses overlap),
/// then scored in the same order, so ties go to the same analysis.
fn analyse(lex: &Lexicon, w: &CliticWeights, l: &Letters) -> Code {
    let whole_slot = find_word(lex, l);
    if let Some(s) = whole_slot {
        let c = lex.code_at(s);
        if c != 0 {
            return Code(c);
        }
    }
    let q_whole = whole_slot.map_or(0, |s| lex.q_at(s));
    let mut best = Code::WHOLE;
    let mut best_score = if q_whole > 0 {
        q_whole + w.keep
    } else {
        i32::MIN / 2
    };
    let mut buf = [0u8; 2 * MAX_LETTERS + 8];
    let mut cands = [Candidate {
        key: BYTES,
        add: 0,
        code: Code::WHOLE,
        p2: 0,
        stem_end: 0,
    }; MAX_CANDIDATES];
    let mut nc = 0usize;
    let mut overflow = false;
    let n = l.n;
    for conj in 0u16..3 {
        let p1 = match conj {
            0 => 0,
            1 if l.is(0, 'و') => 1,
            2 if l.is(0, 'ف') => 1,
            _ => continue,
        };
        for prep in 0u16..5 {
            let p2 = match prep {
                0 => p1,
                1 if l.is(p1, 'ب') => p1 + 1,
                2 if l.is(p1, 'ل') => p1 + 1,
                3 if l.is(p1, 'ك') => p1 + 1,
                4 if l.is(p1, 'س') => p1 + 1,
                _ => continue,
            };
            if p2 >= n {
                continue;
            }
            let clitic_w = match conj {
                1 => w.conj[0],
                2 => w.conj[1],
                _ => 0,
            } + match prep {
                1..=4 => w.prep.get(usize::from(prep) - 1).copied().unwrap_or(0),
                _ => 0,
            };
            for enc in 0u16..=12 {
                let (elen, enc_w, enc_str) = if enc == 0 {
                    (0, 0, "")
                } else {
                    let i = usize::from(enc) - 1;
                    let Some(&s) = ENCLITICS.get(i) else { continue };
                    let len = s.len() / 2;
                    if len > n - p2 || !l.has_at(n - len, s) {
                        continue;
                    }
                    let g = ENCLITIC_GROUP.get(i).copied().unwrap_or(0);
                    (len, w.enclitic.get(g).copied().unwrap_or(0), s)
                };
                if conj == 0 && prep == 0 && enc == 0 {
                    continue;
                }
                let stem_len = n - p2 - elen;
                let mut push = |c: Candidate| {
                    if let Some(slot) = cands.get_mut(nc) {
                        *slot = c;
                        nc += 1;
                    } else {
                        overflow = true;
                    }
                };
                if stem_len == 0 {
                    // ب or ل hosting a pronoun: له، بها، ولهم (not لكن "but", not بي).
                    let ok = matches!(prep, 1 | 2)
                        && enc != 0
                        && enc_str != "كن"
                        && !(prep == 1 && enc_str == "ي");
                    if ok {
                        push(Candidate {
                            key: HOST,
                            add: clitic_w,
                            code: Code::new(conj, prep, enc, 0, 0, true),
                            p2: 0,
                            stem_end: 0,
                        });
                    }
                    continue;
                }
                if stem_len < 2 {
                    continue;
                }
                let stem_end = n - elen;
                if prep == 4 && !(l.is(p2, 'ي') || l.is(p2, 'ت') || l.is(p2, 'ن') || l.is(p2, 'أ'))
                {
                    continue;
                }
                let lam_lam = prep == 2 && l.is(p2, 'ل');
                let pres: &[u16] = if lam_lam { &[0, 1, 2] } else { &[0] };
                let mut fins = [0u16; 2];
                let mut nf = 1;
                if enc != 0 {
                    let last = stem_end - 1;
                    let f = if l.is(last, 'ت') {
                        1
                    } else if l.is(last, 'ي') {
                        2
                    } else if l.is(last, 'ئ') || l.is(last, 'ؤ') {
                        3
                    } else if l.is(last, 'و') {
                        4
                    } else {
                        0
                    };
                    if f != 0 {
                        fins[1] = f;
                        nf = 2;
                    }
                }
                for &pre in pres {
                    for &fin in fins.get(..nf).unwrap_or(&[]) {
                        let (key, article) = match stem_packed(l, p2, stem_end, pre, fin) {
                            Some(key) => (key, key & 0xFFF == AL),
                            None => {
                                let kl = stem_key(l, p2, stem_end, pre, fin, &mut buf);
                                let key = buf.get(..kl).unwrap_or(&[]);
                                (BYTES, key.starts_with("ال".as_bytes()))
                            }
                        };
                        if article && (enc != 0 || prep == 4) {
                            continue;
                        }
                        if key != BYTES {
                            lex.prefetch_packed(key);
                        }
                        let mut add = clitic_w + enc_w;
                        if pre != 0 {
                            add += w.restored_article;
                        }
                        if fin != 0 {
                            add += w.restored_final;
                        }
                        if stem_len == 2 {
                            add += w.short_stem;
                        }
                        push(Candidate {
                            key,
                            add,
                            code: Code::new(conj, prep, enc, pre, fin, false),
                            p2: p2 as u8,
                            stem_end: stem_end as u8,
                        });
                    }
                }
            }
        }
    }
    if overflow {
        // Cannot happen for words of at most MAX_LETTERS letters; stay whole.
        return Code::WHOLE;
    }
    for c in cands.get(..nc).unwrap_or(&[]) {
        let score = if c.key == HOST {
            i32::MAX / 4 + c.add
        } else {
            let q = if c.key == BYTES {
                let kl = stem_key(
                    l,
                    usize::from(c.p2),
                    usize::from(c.stem_end),
                    c.code.pre(),
                    c.code.fin(),
                    &mut buf,
                );
                lex.q(buf.get(..kl).unwrap_or(&[]))
            } else {
                lex.q_packed(c.key)
            };
            if q < w.min_stem {
                continue;
            }
            q + c.add
        };
        if score > best_score {
            best_score = score;
            best = c.code;
        }
    }
    best
}

/// Appends the segments of `word` (which starts at byte `base` of the text)
/// to `out`; they tile `base..base + word.len()`.
#[allow(clippy::too_many_arguments)]
pub(super) fn segment_word(
    lex: &Lexicon,
    w: &CliticWeights,
    owner: &MemoOwner,
    word: &str,
    base: usize,
    mode: CliticMode,
    out: &mut Vec<Segment>,
) {
    let letters = if mode == CliticMode::None {
        None
    } else {
        Letters::read(word)
    };
    match letters {
        Some(l) => {
            let code = analyse_cached(lex, w, owner, &l);
            emit(&l, code, word.len(), base, mode, out);
        }
        None => push_whole(base, word.len(), out),
    }
}

/// Appends one STEM segment covering the `len` bytes at `base`.
#[inline]
fn push_whole(base: usize, len: usize, out: &mut Vec<Segment>) {
    out.push(Segment {
        span: Span::new(base, base + len),
        role: SegmentRole::Stem,
        form: None,
    });
}

/// Words analysed together by [`segment_tokens`]: their memo lines and
/// lexicon lines are requested before any of them is used, so the cache
/// misses of a batch overlap instead of adding up.
const BATCH: usize = 16;

/// Appends the segments of every token of `text` to `out` and sets each
/// token's range of segments: the words' clitic segments, one STEM segment
/// for other tokens. `info` is the tokenizer's, one for each token.
#[allow(clippy::too_many_arguments)]
pub(super) fn segment_tokens(
    lex: &Lexicon,
    w: &CliticWeights,
    owner: &MemoOwner,
    text: &str,
    tokens: &mut [Token],
    info: &[TokenInfo],
    mode: CliticMode,
    out: &mut Vec<Segment>,
) {
    // The memo stays borrowed for the whole text; without it (a thread being
    // torn down), every word is analysed.
    let mut tokens = Some(tokens);
    let _ = MEMO.try_with(|m| {
        let Ok(mut m) = m.try_borrow_mut() else {
            return;
        };
        if m.as_ref().is_none_or(|memo| memo.owner != owner.0) {
            *m = Some(Memo::new(owner.0));
        }
        if let Some(tokens) = tokens.take() {
            segment_batches(lex, w, text, tokens, info, mode, m.as_mut(), out);
        }
    });
    if let Some(tokens) = tokens {
        segment_batches(lex, w, text, tokens, info, mode, None, out);
    }
}

/// [`segment_tokens`] with this thread's memo, if any.
#[allow(clippy::too_many_arguments)]
fn segment_batches(
    lex: &Lexicon,
    w: &CliticWeights,
    text: &str,
    tokens: &mut [Token],
    info: &[TokenInfo],
    mode: CliticMode,
    mut memo: Option<&mut Memo>,
    out: &mut Vec<Segment>,
) {
    for (batch, batch_info) in tokens.chunks_mut(BATCH).zip(info.chunks(BATCH)) {
        // Words of letters only, packed by the tokenizer: (letters, count);
        // (0, 0) for any other token.
        let mut simple = [(0u128, 0usize); BATCH];
        if mode != CliticMode::None {
            for ((p, tok), ti) in simple.iter_mut().zip(batch.iter()).zip(batch_info) {
                let n = ti.letters();
                if n >= 2 && tok.kind == TokenKind::Word {
                    *p = (ti.packed(), n);
                }
            }
        }
        let mut codes = [None::<Code>; BATCH];
        if let Some(memo) = memo.as_deref() {
            for &(packed, n) in &simple {
                if (2..=MEMO_LETTERS).contains(&n) {
                    memo.touch(packed, n);
                }
            }
            for (c, &(packed, n)) in codes.iter_mut().zip(&simple) {
                if (2..=MEMO_LETTERS).contains(&n) {
                    *c = memo.get(packed, n).map(Code);
                }
            }
        }
        for (c, &(packed, n)) in codes.iter().zip(&simple) {
            if c.is_none() && (2..=PACKED_LETTERS).contains(&n) {
                lex.prefetch_packed(packed as u64);
            }
        }
        for ((c, &(packed, n)), tok) in codes.iter().zip(&simple).zip(batch.iter_mut()) {
            let first = out.len();
            let (base, len) = (tok.span.start, tok.span.end - tok.span.start);
            let letters = if n != 0 {
                // Letters only: the token's bytes are its letters' UTF-8.
                text.as_bytes()
                    .get(tok.span.start..tok.span.end)
                    .and_then(|word| Letters::simple(word, packed, n))
            } else if tok.kind == TokenKind::Word && mode != CliticMode::None {
                slice(text, tok.span).and_then(Letters::read_marked)
            } else {
                None
            };
            match letters {
                Some(l) => {
                    let code = match *c {
                        Some(code) => code,
                        None => {
                            // Words with marks were not looked up above.
                            let memo_code = memo
                                .as_deref()
                                .filter(|_| n == 0 && l.n <= MEMO_LETTERS)
                                .and_then(|m| m.get(l.packed, l.n));
                            memo_code.map(Code).unwrap_or_else(|| {
                                let code = analyse(lex, w, &l);
                                if let Some(memo) = memo.as_deref_mut()
                                    && l.n <= MEMO_LETTERS
                                {
                                    memo.put(l.packed, l.n, code.0);
                                }
                                code
                            })
                        }
                    };
                    emit(&l, code, len, base, mode, out);
                }
                None => push_whole(base, len, out),
            }
            tok.segments = first..out.len();
        }
    }
}

/// Appends the segments of a word of `len` bytes (letters `l`, analysis
/// `code`, starting at byte `base` of the text) to `out`; they tile
/// `base..base + len`.
fn emit(
    l: &Letters<'_>,
    code: Code,
    len: usize,
    base: usize,
    mode: CliticMode,
    out: &mut Vec<Segment>,
) {
    // The common case: the word stays whole, and no article is split off.
    if code == Code::WHOLE && (mode != CliticMode::CliticsAndArticle || !l.has_at(0, "ال")) {
        push_whole(base, len, out);
        return;
    }
    let n = l.n;
    let mut push = |a: usize, b: usize, role: SegmentRole, form: Option<Box<str>>| {
        if b > a {
            out.push(Segment {
                span: Span::new(base + a, base + b),
                role,
                form,
            });
        }
    };
    let mut k = 0usize; // next letter
    let mut at = 0usize; // next byte
    if code.conj() != 0 {
        let e = l.start(1, len);
        push(at, e, SegmentRole::Proclitic, None);
        k = 1;
        at = e;
    }
    let elen = match code.enc() {
        0 => 0,
        e => ENCLITICS.get(e - 1).map_or(0, |s| s.chars().count()),
    };
    let stem_end_letter = n - elen.min(n);
    let stem_end = if elen == 0 {
        len
    } else {
        l.start(stem_end_letter, len)
    };
    if code.prep() != 0 {
        let e = l.start(k + 1, len);
        let role = if code.host() {
            SegmentRole::Stem
        } else {
            SegmentRole::Proclitic
        };
        let e = if code.host() { stem_end } else { e };
        push(at, e, role, None);
        k += 1;
        at = e;
    }
    if !code.host() {
        let (pre, fin) = (code.pre(), code.fin());
        let stem_form = if pre != 0 || fin != 0 {
            let mut buf = [0u8; 2 * MAX_LETTERS + 8];
            let kl = stem_key(l, k, stem_end_letter, pre, fin, &mut buf);
            buf.get(..kl)
                .and_then(|b| std::str::from_utf8(b).ok())
                .map(Box::from)
        } else {
            None
        };
        let mut article_done = false;
        if mode == CliticMode::CliticsAndArticle {
            let mut kb = [0u8; 2 * MAX_LETTERS + 8];
            let kl = stem_key(l, k, stem_end_letter, pre, 0, &mut kb);
            let key = kb.get(..kl).unwrap_or(&[]);
            let is_article = key.starts_with("ال".as_bytes())
                && key.len() >= 2 * 4
                && !NOT_ARTICLE.iter().any(|s| s.as_bytes() == key);
            if is_article && pre != 2 {
                // surface ال (pre 0) or the ل of لل (pre 1) is the article
                let art_letters = if pre == 1 { 1 } else { 2 };
                let e = l.start(k + art_letters, len);
                let form = (pre == 1).then(|| Box::from("ال"));
                push(at, e, SegmentRole::Article, form);
                at = e;
                let fin_form = if fin != 0 {
                    let mut buf = [0u8; 2 * MAX_LETTERS + 8];
                    let kl = stem_key(l, k + art_letters, stem_end_letter, 0, fin, &mut buf);
                    buf.get(..kl)
                        .and_then(|b| std::str::from_utf8(b).ok())
                        .map(Box::from)
                } else {
                    None
                };
                push(at, stem_end, SegmentRole::Stem, fin_form);
                article_done = true;
            }
        }
        if !article_done {
            push(at, stem_end, SegmentRole::Stem, stem_form);
        }
        at = stem_end;
    }
    if elen != 0 {
        push(at, len, SegmentRole::Enclitic, None);
    } else if at < len {
        // cannot happen (the stem reaches the end); keep the tiling anyway
        push(at, len, SegmentRole::Stem, None);
    }
}

#[cfg(test)]
#[path = "clitics_tests.rs"]
mod tests;
