//! Feature extraction for the name tagger, shared by training and inference so
//! both see exactly the same features. Features are 64-bit hashes of a
//! template id and strings; the model maps them to weight rows.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, Ordering};

use super::fold::{fold, shape, split_greedy, stem_with_article};
use super::knowledge::{Knowledge, MAX_PLACE_WORDS};
use rustc_hash::FxHashMap as FxMap;

/// Key prefix of the gazetteer's single-word entries: each word of a train
/// entity with its most frequent type (first names, surnames, head words),
/// which generalise to unseen full names.
pub const PART: char = '\u{1}';

/// Which word-cluster templates [`sentence_features`] emits: 0 none, 1 the
/// token's form and stem cluster at the [`CLUSTER_PREFIXES`], 2 also the
/// neighbours' stem clusters, 3 also the second neighbours and pairs. The
/// model is trained and used with [`DEFAULT_CLUSTER_FEATURES`]; other values
/// are for `train-ner --cv-only --cluster-features N` comparisons only.
static CLUSTER_FEATURES: AtomicU8 = AtomicU8::new(DEFAULT_CLUSTER_FEATURES);

/// The cluster templates of this process ([`set_cluster_features`]).
pub(crate) fn cluster_features() -> u8 {
    CLUSTER_FEATURES.load(Ordering::Relaxed)
}

/// The cluster templates the shipped model uses (see [`CLUSTER_FEATURES`]).
pub const DEFAULT_CLUSTER_FEATURES: u8 = 3;

/// Prefix lengths (bits) of the cluster paths used as features: short
/// prefixes are coarse classes seen often, long ones near-synonyms.
pub const CLUSTER_PREFIXES: [u8; 5] = [4, 6, 8, 10, 12];

/// Sets the cluster templates of this process (for cross-validated
/// comparisons; a model must be used with the setting it was trained with).
pub fn set_cluster_features(level: u8) {
    CLUSTER_FEATURES.store(level, Ordering::Relaxed);
}

/// A cluster path cut to `bits`, with bit 16 set when the word is known
/// (0 = no cluster).
pub(crate) fn cluster_prefix(k: &Knowledge, c: u32, bits: u8) -> u32 {
    if c == 0 {
        0
    } else {
        (1 << 16) | u32::from(k.clusters.prefix(c as u16, bits))
    }
}

/// Longest train-gazetteer phrase in words that is matched.
pub const MAX_GAZ_WORDS: usize = 5;

/// Trigger words (folded stems) and the class they announce: P person,
/// L location, O organisation.
const TRIGGERS: &[(&str, u8)] = &[
    ("الرئيس", b'P'),
    ("رئيس", b'P'),
    ("الملك", b'P'),
    ("الامير", b'P'),
    ("الشيخ", b'P'),
    ("السيد", b'P'),
    ("السيده", b'P'),
    ("الدكتور", b'P'),
    ("الوزير", b'P'),
    ("وزير", b'P'),
    ("قال", b'P'),
    ("اعلن", b'P'),
    ("اللاعب", b'P'),
    ("المدرب", b'P'),
    ("الفنان", b'P'),
    ("الكاتب", b'P'),
    ("الشاعر", b'P'),
    ("الممثل", b'P'),
    ("النائب", b'P'),
    ("المتحدث", b'P'),
    ("الزعيم", b'P'),
    ("الجنرال", b'P'),
    ("العقيد", b'P'),
    ("اللواء", b'P'),
    ("المستشار", b'P'),
    ("الامين", b'P'),
    ("المحلل", b'P'),
    ("بن", b'P'),
    ("ابن", b'P'),
    ("ابو", b'P'),
    ("الرئيسه", b'P'),
    ("المطرب", b'P'),
    ("المخرج", b'P'),
    ("البابا", b'P'),
    ("القائد", b'P'),
    // Read off the train part: words that precede a name of one type at
    // least half the time (`train-ner --cv-only` measured the gain).
    ("الامام", b'P'),
    ("الراحل", b'P'),
    ("السلطان", b'P'),
    ("الفنانه", b'P'),
    ("الحارس", b'P'),
    ("اسره", b'P'),
    ("زميله", b'P'),
    ("منتخب", b'L'),
    ("سفير", b'L'),
    ("جمهوريه", b'L'),
    ("مملكه", b'L'),
    ("ملك", b'L'),
    ("مطار", b'L'),
    ("ميناء", b'L'),
    ("شارع", b'L'),
    ("بحيره", b'L'),
    ("فريق", b'O'),
    ("مسجد", b'O'),
    ("مدرسه", b'O'),
    ("سجن", b'O'),
    ("مدينه", b'L'),
    ("العاصمه", b'L'),
    ("عاصمه", b'L'),
    ("دوله", b'L'),
    ("بلده", b'L'),
    ("قريه", b'L'),
    ("محافظه", b'L'),
    ("ولايه", b'L'),
    ("منطقه", b'L'),
    ("جزيره", b'L'),
    ("نهر", b'L'),
    ("جبل", b'L'),
    ("اقليم", b'L'),
    ("شمال", b'L'),
    ("جنوب", b'L'),
    ("شرق", b'L'),
    ("غرب", b'L'),
    ("شمالي", b'L'),
    ("جنوبي", b'L'),
    ("شرقي", b'L'),
    ("غربي", b'L'),
    ("مخيم", b'L'),
    ("بحر", b'L'),
    ("مقاطعه", b'L'),
    ("حي", b'L'),
    ("وزاره", b'O'),
    ("حركه", b'O'),
    ("شركه", b'O'),
    ("حزب", b'O'),
    ("منظمه", b'O'),
    ("جامعه", b'O'),
    ("مجلس", b'O'),
    ("هيئه", b'O'),
    ("جمعيه", b'O'),
    ("وكاله", b'O'),
    ("اتحاد", b'O'),
    ("نادي", b'O'),
    ("بنك", b'O'),
    ("مؤسسه", b'O'),
    ("صحيفه", b'O'),
    ("جبهه", b'O'),
    ("كتائب", b'O'),
    ("جيش", b'O'),
    ("لجنه", b'O'),
    ("مركز", b'O'),
    ("معهد", b'O'),
    ("مجموعه", b'O'),
    ("محكمه", b'O'),
    ("قناه", b'O'),
    ("اذاعه", b'O'),
];

/// The class a trigger word announces, with or without the article
/// (شركة and الشركة, بنك and البنك).
fn trigger(stem: &str) -> u8 {
    static MAP: std::sync::OnceLock<FxMap<&'static str, u8>> = std::sync::OnceLock::new();
    let map = MAP.get_or_init(|| TRIGGERS.iter().copied().collect());
    let find = |s: &str| map.get(s).copied();
    find(stem)
        .or_else(|| stem.strip_prefix("ال").and_then(find))
        .unwrap_or(b'-')
}


/// Per-token facts computed once and used by several templates.
#[derive(Default)]
pub(crate) struct Word {
    /// The token folded ([`fold`]).
    pub(crate) folded: String,
    /// Clitic-free with the article kept ([`stem_with_article`]).
    pub(crate) stem: String,
    /// Without proclitics and article ([`split_greedy`]'s rest).
    pub(crate) bare: String,
    /// The proclitics split off.
    pub(crate) pro: String,
    /// Shape class ([`shape`]).
    pub(crate) shape: u8,
    /// wordfreq bucket of the folded form ([`Knowledge::freq_bucket`]).
    pub(crate) form_freq: u8,
    /// wordfreq bucket of the clitic-free stem.
    pub(crate) stem_freq: u8,
    /// The class a trigger word announces (P, L, O), `-` for none.
    pub(crate) trig: u8,
    /// Person-name list bits of the stem, or of the clitic-free form when
    /// the stem is not listed (والبرغوثي, لأحمد).
    pub(crate) name: u8,
    /// Whether the stem is a definite nisba adjective (البرازيلي), which
    /// often stands before a person's name.
    pub(crate) nisba: bool,
    /// How the stem behaves in wordfreq: frequency buckets of ال+stem,
    /// stem+ها, stem+هم, stem+ات and ي+stem. Proper names rarely take the
    /// article, pronoun enclitics or plural and verb affixes.
    pub(crate) morph: [u8; 5],
    /// Cluster path of the folded form with bit 16 set, 0 when unknown.
    pub(crate) form_cluster: u32,
    /// Cluster path of the stem with bit 16 set, 0 when unknown.
    pub(crate) stem_cluster: u32,
    /// The most words of a place name starting with the stem
    /// ([`Knowledge::longest_place_from`]).
    pub(crate) place_longest: u8,
    /// Whether the stem is a place name.
    pub(crate) place_single: bool,
    /// Person-name list bits of the stem alone.
    pub(crate) stem_name: u8,
    /// What the tagger model last used on this word makes of it
    /// ([`super::tagger::emit`]; empty until then).
    pub(crate) rows: RefCell<Option<Rc<super::tagger::emit::Rows>>>,
    /// The character network's projection of the word, for the network
    /// last used on it ([`super::tagger::emit`]; empty until then).
    pub(crate) projection: RefCell<Option<Rc<super::charnet::Projection>>>,
    /// The context encoder's projection of the word, for the encoder last
    /// used on it ([`super::encoder`]; empty until then).
    pub(crate) encoded: RefCell<Option<Rc<super::encoder::Projection>>>,
}

/// A token in its sentence: what the word is anywhere ([`Word`], shared
/// through the memo) and what the model's lists and the context make of it.
#[derive(Clone, Default)]
pub(crate) struct Tok {
    /// The word's analysis.
    pub(crate) word: Rc<Word>,
    /// Place-list match code (B/I, see [`mark_matches`]).
    pub(crate) place: u8,
    /// Train-gazetteer match code (B/I, see [`mark_matches`]).
    pub(crate) gaz: u8,
    /// Type of the stem as a single-word gazetteer part ([`PART`]), 0 none.
    pub(crate) part: u8,
    /// Mined-name match code of a whole designator-headed phrase
    /// ([`super::mined::MinedNames::marks`], low bits), 0 none.
    pub(crate) mined: u8,
    /// Mined-name match code of a phrase without its designator (high bits
    /// of the marks), 0 none.
    pub(crate) mined_tail: u8,
}

impl std::ops::Deref for Tok {
    type Target = Word;
    fn deref(&self) -> &Word {
        &self.word
    }
}

/// Words kept per thread by [`word`]; the memo starts afresh when full.
const WORD_MEMO: usize = 16_384;

thread_local! {
    /// Token text → its [`Word`]: news repeats its words, and a word's
    /// analysis (folding, clitics, seven wordfreq look-ups) depends on
    /// nothing else.
    static MEMO: RefCell<FxMap<String, Rc<Word>>> = RefCell::new(FxMap::default());
}

/// Empties this thread's word memo (for measuring a cold start).
pub fn clear_word_memo() {
    MEMO.with(|m| m.borrow_mut().clear());
}

/// The analysis of token `w`, memoized.
pub(crate) fn word(w: &str, k: &Knowledge) -> Rc<Word> {
    MEMO.with(|m| {
        if let Some(x) = m.borrow().get(w) {
            return Rc::clone(x);
        }
        let x = Rc::new(analyse(w, k));
        let mut m = m.borrow_mut();
        if m.len() >= WORD_MEMO {
            m.clear();
        }
        m.insert(w.to_string(), Rc::clone(&x));
        x
    })
}

fn analyse(w: &str, k: &Knowledge) -> Word {
    let folded = fold(w);
    let (pro, _, bare) = split_greedy(&folded);
    let (pro, bare) = (pro.to_string(), bare.to_string());
    let stem = stem_with_article(&folded);
    let mut morph = [0u8; 5];
    if bare.chars().count() >= 2 {
        let mut buf = String::with_capacity(bare.len() + 8);
        for (slot, (pre, suf)) in
            morph
                .iter_mut()
                .zip([("ال", ""), ("", "ها"), ("", "هم"), ("", "ات"), ("ي", "")])
        {
            buf.clear();
            buf.push_str(pre);
            buf.push_str(&bare);
            buf.push_str(suf);
            *slot = k.freq_bucket(&buf);
        }
    }
    let known = |p: Option<&u16>| p.map_or(0, |&p| (1 << 16) | u32::from(p));
    let stem_name = k.name_kind(&stem);
    Word {
        form_cluster: known(k.clusters.forms.get(folded.as_str())),
        stem_cluster: known(k.clusters.stems.get(stem.as_str())),
        morph,
        shape: shape(&folded),
        form_freq: k.freq_bucket(&folded),
        stem_freq: k.freq_bucket(&stem),
        trig: trigger(&stem),
        nisba: stem.starts_with("ال") && stem.ends_with('ي') && stem.chars().count() >= 5,
        name: match stem_name {
            0 => k.name_kind(&bare),
            n => n,
        },
        stem_name,
        place_longest: k.longest_place_from(&stem).min(usize::from(u8::MAX)) as u8,
        place_single: k.places.contains_key(stem.as_str()),
        folded,
        stem,
        bare,
        pro,
        rows: RefCell::new(None),
        projection: RefCell::new(None),
        encoded: RefCell::new(None),
    }
}

/// The train gazetteer: folded clitic-free phrase → entity type index 1..=4
/// (PERS, LOC, ORG, MISC), with the first words of its multi-word phrases.
#[derive(Clone, Debug, Default)]
pub struct TrainGazetteer {
    /// Phrase → type.
    phrases: FxMap<String, u8>,
    /// First word of a multi-word phrase → the most words of a phrase it
    /// starts, so matching tries longer phrases only where one can begin.
    heads: FxMap<String, u8>,
    /// Identifies these phrases in per-word memos (`tagger::emit`): new
    /// for every gazetteer built, kept by clones; 0 for the empty default.
    id: u64,
}

impl TrainGazetteer {
    /// The type of a phrase.
    pub fn get(&self, phrase: &str) -> Option<u8> {
        self.phrases.get(phrase).copied()
    }

    /// Identifies the phrases (see [`TrainGazetteer::id`]).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The most words of a phrase starting with `word` (1 if none is longer).
    pub(crate) fn longest_from(&self, word: &str) -> usize {
        self.heads.get(word).map_or(1, |&n| usize::from(n))
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Whether there is no phrase.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// The phrases and their types, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &u8)> {
        self.phrases.iter()
    }
}

impl FromIterator<(String, u8)> for TrainGazetteer {
    fn from_iter<I: IntoIterator<Item = (String, u8)>>(iter: I) -> Self {
        let phrases: FxMap<String, u8> = iter.into_iter().collect();
        let mut heads: FxMap<&str, u8> = FxMap::default();
        for p in phrases.keys() {
            super::knowledge::note_head(&mut heads, p);
        }
        let heads = heads.into_iter().map(|(w, n)| (w.to_string(), n)).collect();
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        TrainGazetteer {
            phrases,
            heads,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// Marks greedy longest matches of `dict` over `stems` into `out` as
/// `B<v>`/`I<v>` codes: 0 none, `2*v-1` begin, `2*v` inside. `longest`
/// bounds the words of a phrase starting with a given word.
fn mark_matches(
    stems: &[&str],
    max: usize,
    longest: impl Fn(&str) -> usize,
    lookup: impl Fn(&str) -> Option<u8>,
    out: &mut [u8],
) {
    mark_matches_by(
        stems,
        max,
        |i| longest(stems[i]),
        |i| lookup(stems[i]),
        &lookup,
        out,
    );
}

/// [`mark_matches`] with `longest` and the look-up of a single word given
/// by the word's index (`longest_at(i)` = `longest(stems[i])`, `single_at(i)`
/// = `lookup(stems[i])`), so a caller can memoize them per word.
pub(crate) fn mark_matches_by(
    stems: &[&str],
    max: usize,
    longest_at: impl Fn(usize) -> usize,
    single_at: impl Fn(usize) -> Option<u8>,
    lookup: impl Fn(&str) -> Option<u8>,
    out: &mut [u8],
) {
    let mut i = 0;
    let mut buf = String::new();
    while i < stems.len() {
        let mut matched = 0;
        let most = max.min(longest_at(i)).min(stems.len() - i);
        for n in (1..=most).rev() {
            let found = if n == 1 {
                single_at(i)
            } else {
                buf.clear();
                for (k, s) in stems[i..i + n].iter().enumerate() {
                    if k > 0 {
                        buf.push(' ');
                    }
                    buf.push_str(s);
                }
                lookup(&buf)
            };
            if let Some(v) = found {
                for (k, o) in out[i..i + n].iter_mut().enumerate() {
                    *o = if k == 0 { 2 * v - 1 } else { 2 * v };
                }
                matched = n;
                break;
            }
        }
        i += matched.max(1);
    }
}

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

/// The tokens of a sentence with their analyses (memoized) and what the
/// place list and the train gazetteer `gaz` match over their stems.
pub(crate) fn sentence_toks(tokens: &[&str], gaz: &TrainGazetteer, k: &Knowledge) -> Vec<Tok> {
    let mut key = String::new();
    let mut toks: Vec<Tok> = tokens
        .iter()
        .map(|w| {
            let word = word(w, k);
            key.clear();
            key.push(PART);
            key.push_str(&word.stem);
            let part = gaz.get(key.as_str()).unwrap_or(0);
            Tok {
                word,
                part,
                place: 0,
                gaz: 0,
                mined: 0,
                mined_tail: 0,
            }
        })
        .collect();
    let stems: Vec<&str> = toks.iter().map(|t| t.stem.as_str()).collect();
    let mut places = vec![0u8; toks.len()];
    mark_matches(
        &stems,
        MAX_PLACE_WORDS,
        |w| k.longest_place_from(w),
        |p| k.places.contains_key(p).then_some(1),
        &mut places,
    );
    let mut gz = vec![0u8; toks.len()];
    mark_matches(
        &stems,
        MAX_GAZ_WORDS,
        |w| gaz.longest_from(w),
        |p| gaz.get(p),
        &mut gz,
    );
    let mined = k.mined.marks(&stems);
    for (t, ((p, g), m)) in toks.iter_mut().zip(places.into_iter().zip(gz).zip(mined)) {
        t.place = p;
        t.gaz = g;
        t.mined = m & 15;
        t.mined_tail = m >> 4;
    }
    toks
}

/// Appends the hashed features of every token of a sentence to `feats`, the
/// end offset of each token's features to `ends`.
pub fn sentence_features(
    tokens: &[&str],
    gaz: &TrainGazetteer,
    feats: &mut Vec<u64>,
    ends: &mut Vec<usize>,
) {
    sentence_features_with(tokens, gaz, cluster_features(), feats, ends);
}

/// [`sentence_features`] with the cluster templates `clusters` (see
/// [`set_cluster_features`]).
pub(crate) fn sentence_features_with(
    tokens: &[&str],
    gaz: &TrainGazetteer,
    clusters: u8,
    feats: &mut Vec<u64>,
    ends: &mut Vec<usize>,
) {
    let k = Knowledge::get();
    let toks = sentence_toks(tokens, gaz, k);
    let empty = Tok::default();
    let at = |i: usize, d: isize| -> &Tok {
        i.checked_add_signed(d)
            .and_then(|j| toks.get(j))
            .unwrap_or(&empty)
    };
    for i in 0..toks.len() {
        let t = at(i, 0);
        let (p1, p2, n1, n2) = (at(i, -1), at(i, -2), at(i, 1), at(i, 2));
        let f = &mut *feats;
        f.push(H::new(0).done());
        f.push(H::new(1).s(tokens.get(i).copied().unwrap_or("")).done());
        f.push(H::new(2).s(&t.folded).done());
        f.push(H::new(3).s(&p1.folded).done());
        f.push(H::new(4).s(&p2.folded).done());
        f.push(H::new(5).s(&n1.folded).done());
        f.push(H::new(6).s(&n2.folded).done());
        f.push(H::new(7).s(&t.stem).done());
        f.push(H::new(8).s(&p1.stem).done());
        f.push(H::new(9).s(&n1.stem).done());
        f.push(H::new(10).s(&t.bare).done());
        for n in 1..=3 {
            f.push(H::new(11).b(n as u8).s(prefix(&t.folded, n)).done());
            f.push(H::new(12).b(n as u8).s(suffix(&t.folded, n)).done());
        }
        for n in 2..=3 {
            f.push(H::new(13).b(n as u8).s(prefix(&t.bare, n)).done());
            f.push(H::new(14).b(n as u8).s(suffix(&t.bare, n)).done());
        }
        f.push(H::new(15).b(t.shape).done());
        f.push(H::new(16).b(p1.shape).b(t.shape).b(n1.shape).done());
        f.push(H::new(17).s(&t.pro).done());
        f.push(H::new(18).s(&p1.folded).s(&t.folded).done());
        f.push(H::new(19).s(&t.folded).s(&n1.folded).done());
        f.push(H::new(20).s(&p1.stem).s(&t.stem).done());
        f.push(H::new(21).b(t.form_freq).done());
        f.push(H::new(22).b(t.stem_freq).done());
        f.push(
            H::new(23)
                .b(p1.stem_freq)
                .b(t.stem_freq)
                .b(n1.stem_freq)
                .done(),
        );
        f.push(
            H::new(24)
                .b(t.stem_freq)
                .b(t.shape)
                .b(u8::from(t.stem.starts_with("ال")))
                .done(),
        );
        f.push(H::new(25).b(t.place).done());
        f.push(H::new(26).b(p1.place).b(t.place).b(n1.place).done());
        f.push(H::new(27).b(t.gaz).done());
        f.push(H::new(28).b(p1.gaz).b(t.gaz).b(n1.gaz).done());
        f.push(H::new(29).b(t.gaz).b(t.place).done());
        f.push(H::new(30).b(p1.trig).done());
        f.push(H::new(31).b(p2.trig).done());
        f.push(H::new(32).b(n1.trig).done());
        f.push(H::new(33).b(t.trig).done());
        f.push(H::new(34).b(t.trig).b(t.stem_freq).done());
        f.push(H::new(35).b(t.folded.chars().count().min(12) as u8).done());
        f.push(H::new(36).b(u8::from(i == 0)).b(t.shape).done());
        f.push(H::new(37).s(&p1.stem).b(t.stem_freq).done());
        f.push(H::new(38).b(t.stem_freq).s(&n1.stem).done());
        f.push(H::new(39).b(t.gaz).b(t.stem_freq).done());
        f.push(H::new(40).b(t.place).b(t.stem_freq).done());
        f.push(H::new(41).s(prefix(&t.bare, 4)).done());
        f.push(H::new(42).s(suffix(&t.bare, 4)).done());
        let chars: Vec<char> = t.bare.chars().collect();
        if chars.len() <= 12 {
            for w in chars.windows(3) {
                let mut g = [0u8; 12];
                let mut n = 0;
                for c in w {
                    n += c.encode_utf8(&mut g[n..]).len();
                }
                f.push(
                    H::new(43)
                        .s(std::str::from_utf8(&g[..n]).unwrap_or(""))
                        .done(),
                );
            }
        }
        f.push(H::new(44).s(&p1.folded).b(t.shape).b(t.stem_freq).done());
        f.push(H::new(45).b(p1.gaz).b(t.gaz).done());
        f.push(H::new(46).s(&p2.stem).s(&p1.stem).done());
        // Nearest trigger within the 4 previous words, with its distance
        // (وزير الخارجية الأمريكي كولن باول).
        let near = (1..=4)
            .find_map(|d| {
                let tr = at(i, -(d as isize)).trig;
                (tr != b'-').then_some((d as u8, tr))
            })
            .unwrap_or((0, b'-'));
        f.push(H::new(54).b(near.0).b(near.1).done());
        f.push(H::new(55).b(near.1).b(t.stem_freq).b(t.part).done());
        f.push(H::new(51).b(t.part).done());
        f.push(H::new(52).b(p1.part).b(t.part).b(n1.part).done());
        f.push(H::new(53).b(t.part).b(t.stem_freq).b(t.gaz).done());
        for (j, &m) in t.morph.iter().enumerate() {
            f.push(H::new(47).b(j as u8).b(m).done());
            f.push(H::new(48).b(j as u8).b(m).b(t.stem_freq).done());
        }
        f.push(
            H::new(49)
                .b(t.morph[0])
                .b(t.morph[1])
                .b(t.morph[2])
                .b(t.morph[3])
                .done(),
        );
        f.push(
            H::new(50)
                .b(p1.morph[0])
                .b(p1.morph[1])
                .b(n1.morph[0])
                .b(n1.morph[1])
                .done(),
        );
        // A definite nisba adjective before a name (البرازيلي رونالدو).
        f.push(
            H::new(61)
                .b(u8::from(p1.nisba))
                .b(t.stem_freq)
                .b(t.name)
                .done(),
        );
        f.push(H::new(56).b(t.name).done());
        f.push(H::new(57).b(p1.name).b(t.name).b(n1.name).done());
        mined_features(p1, t, n1, f);
        // Word clusters (learned from unlabelled text).
        if clusters >= 1 {
            for p in CLUSTER_PREFIXES {
                f.push(
                    H::new(62)
                        .b(p)
                        .w(cluster_prefix(k, t.stem_cluster, p))
                        .done(),
                );
                f.push(
                    H::new(63)
                        .b(p)
                        .w(cluster_prefix(k, t.form_cluster, p))
                        .done(),
                );
            }
        }
        if clusters >= 2 {
            for p in [4, 8, 12] {
                f.push(
                    H::new(64)
                        .b(p)
                        .w(cluster_prefix(k, p1.stem_cluster, p))
                        .done(),
                );
                f.push(
                    H::new(65)
                        .b(p)
                        .w(cluster_prefix(k, n1.stem_cluster, p))
                        .done(),
                );
            }
        }
        if clusters >= 3 {
            f.push(H::new(66).w(cluster_prefix(k, p2.stem_cluster, 6)).done());
            f.push(H::new(67).w(cluster_prefix(k, n2.stem_cluster, 6)).done());
            f.push(
                H::new(68)
                    .w(cluster_prefix(k, p1.stem_cluster, 6))
                    .w(cluster_prefix(k, t.stem_cluster, 6))
                    .done(),
            );
            f.push(
                H::new(69)
                    .w(cluster_prefix(k, t.stem_cluster, 8))
                    .b(t.stem_freq)
                    .done(),
            );
        }
        ends.push(feats.len());
    }
}

/// The mined-name features of token `t` between `p1` and `n1`
/// ([`super::mined`]): where a mined phrase, or its name without the
/// designator, begins, continues and ends, alone and conjoined with the
/// word's frequency, the place list, the neighbours' matches and the word
/// before, so the perceptron learns where a match is a name in this context.
/// Shared by [`sentence_features`] and the tagger's emission split.
pub(crate) fn mined_features(p1: &Tok, t: &Tok, n1: &Tok, f: &mut Vec<u64>) {
    f.push(H::new(200).b(t.mined).done());
    f.push(H::new(201).b(p1.mined).b(t.mined).b(n1.mined).done());
    f.push(H::new(202).b(t.mined).b(t.stem_freq).done());
    f.push(H::new(203).b(t.mined_tail).b(t.place).done());
    f.push(
        H::new(204)
            .b(p1.mined_tail)
            .b(t.mined_tail)
            .b(n1.mined_tail)
            .done(),
    );
    f.push(
        H::new(205)
            .b(t.mined_tail)
            .b(t.stem_freq)
            .b(p1.trig)
            .done(),
    );
    if t.mined != 0 || t.mined_tail != 0 {
        f.push(
            H::new(206)
                .b(t.mined)
                .b(t.mined_tail)
                .s(&p1.folded)
                .done(),
        );
    }
}

#[cfg(test)]
#[path = "features_tests.rs"]
mod tests;
