//! What the name tagger knows of one word ([`Word`]: its folded form,
//! stem, affixes, frequencies, list memberships and clusters), memoized per
//! thread, and of a token in its sentence ([`Tok`]); with the scorers'
//! per-word memos.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap as FxMap;

use super::charnet::Projection as CharProjection;
use super::encoder::Projection as EncoderProjection;
use super::fold::{fold, shape, split_greedy, stem_with_article};
use super::knowledge::Knowledge;
use super::tagger::rows::Rows;

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
    /// ([`Rows`]; empty until then).
    pub(crate) rows: RefCell<Option<Rc<Rows>>>,
    /// The character network's projection of the word, for the network
    /// last used on it ([`Rows`]; empty until then).
    pub(crate) projection: RefCell<Option<Rc<CharProjection>>>,
    /// The context encoder's projection of the word, for the encoder last
    /// used on it (empty until then).
    pub(crate) encoded: RefCell<Option<Rc<EncoderProjection>>>,
}

/// A token in its sentence: what the word is anywhere ([`Word`], shared
/// through the memo) and what the model's lists and the context make of it.
#[derive(Clone, Default)]
pub(crate) struct Tok {
    /// The word's analysis.
    pub(crate) word: Rc<Word>,
    /// Place-list match code (B/I, see `features::mark_matches`).
    pub(crate) place: u8,
    /// Train-gazetteer match code (B/I, see `features::mark_matches`).
    pub(crate) gaz: u8,
    /// Type of the stem as a single-word gazetteer part (`features::PART`), 0 none.
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
pub(crate) const WORD_MEMO: usize = 16_384;

thread_local! {
    /// Token text → its [`Word`]: news repeats its words, and a word's
    /// analysis (folding, clitics, seven wordfreq look-ups) depends on
    /// nothing else.
    pub(crate) static MEMO: RefCell<FxMap<String, Rc<Word>>> = RefCell::new(FxMap::default());
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

pub(crate) fn analyse(w: &str, k: &Knowledge) -> Word {
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
