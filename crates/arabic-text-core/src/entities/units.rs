//! The words the tagger sees at inference: the segmentation's tokens split
//! into word runs and single punctuation marks (so the tagger sees ANERcorp-
//! like tokens whatever segmenter ran), each with the clitic-free core its
//! mention span would cover.

use super::document;
use std::borrow::Cow;

use super::fold::{canonical, fold, proclitic_len};
use super::knowledge::Knowledge;
use super::orgs;
use super::tagger::{Model, chunks};
use super::kinds::EntityKind;
use super::mention::{Mention, MentionSource};
use crate::chars::{is_digit, is_word_char, is_word_internal};
use crate::offsets::Span;
use crate::segment::{SegmentRole, Segmentation};

/// One word or punctuation mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Bytes in the text.
    pub span: Span,
    /// The part a mention covers when the segmenter split clitics off;
    /// otherwise `None` and [`core`] strips proclitics on demand.
    pub segmented_core: Option<Span>,
    /// Sentence number (breaks after sentence-final punctuation too).
    pub sentence: usize,
    /// Whether it is a word (letters or digits), not punctuation.
    pub is_word: bool,
    /// The folded text of `span`.
    pub folded: String,
}

fn wordish(c: char) -> bool {
    is_word_char(c) || is_word_internal(c) || is_digit(c)
}

/// The units of `text` under `seg`.
pub fn units(text: &str, seg: &Segmentation) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut sentence = 0;
    let mut tok_sentence = vec![0usize; seg.tokens.len()];
    for (si, s) in seg.sentences.iter().enumerate() {
        for t in s.tokens.clone() {
            if let Some(x) = tok_sentence.get_mut(t) {
                *x = si;
            }
        }
    }
    let mut last_sent = 0;
    for (ti, tok) in seg.tokens.iter().enumerate() {
        let Some(tok_text) = text.get(tok.span.start..tok.span.end) else {
            continue;
        };
        let ts = tok_sentence.get(ti).copied().unwrap_or(0);
        if ts != last_sent {
            sentence += 1;
            last_sent = ts;
        }
        // The segmenter's clitic bounds, if it split any off.
        let segs = seg.segments.get(tok.segments.clone()).unwrap_or(&[]);
        let has_clitics = segs
            .iter()
            .any(|s| matches!(s.role, SegmentRole::Proclitic | SegmentRole::Enclitic));
        let core_bounds = has_clitics.then(|| {
            let start = segs
                .iter()
                .find(|s| !matches!(s.role, SegmentRole::Proclitic))
                .map_or(tok.span.start, |s| s.span.start);
            let end = segs
                .iter()
                .rev()
                .find(|s| !matches!(s.role, SegmentRole::Enclitic))
                .map_or(tok.span.end, |s| s.span.end);
            (start, end)
        });
        let mut i = 0;
        let bytes = tok_text.len();
        while i < bytes {
            let Some(c) = tok_text[i..].chars().next() else {
                break;
            };
            let (end, is_word) = if wordish(c) {
                let run = tok_text[i..]
                    .char_indices()
                    .find(|&(_, c)| !wordish(c))
                    .map_or(bytes, |(j, _)| i + j);
                (run, true)
            } else {
                (i + c.len_utf8(), false)
            };
            if c.is_whitespace() {
                i = end;
                continue;
            }
            let span = Span::new(tok.span.start + i, tok.span.start + end);
            let word = &tok_text[i..end];
            let segmented_core = match (is_word, core_bounds) {
                (true, Some((s, e))) => {
                    let cs = s.clamp(span.start, span.end);
                    let ce = e.clamp(cs, span.end);
                    Some(if ce > cs { Span::new(cs, ce) } else { span })
                }
                (false, _) => Some(span),
                (true, None) => None,
            };
            out.push(Unit {
                span,
                segmented_core,
                sentence,
                is_word,
                folded: fold(word),
            });
            if !is_word && matches!(c, '.' | '!' | '?' | '؟' | '…') {
                sentence += 1;
            }
            i = end;
        }
    }
    out
}

/// How well known folded form `f` is, for clitic stripping: its wordfreq
/// Zipf frequency, at least 5 when it is a listed place or a name of the
/// model's train gazetteer.
fn known(model: &Model, f: &str) -> f32 {
    let k = Knowledge::get();
    let mut z = k.zipf(f);
    if k.places.contains_key(f) || model.gazetteer().get(f).is_some() {
        z = z.max(5.0);
    }
    z
}

/// The mentions the document pass ([`document::spread`]) adds to each of
/// `docs`, with the model's notion of known words and wordfreq's
/// frequencies: what the service does to a request, and `eval-ner` /
/// `train-ner` to running text (`window` sentences either side).
pub fn document_pass(
    model: &Model,
    docs: &[document::Tagged],
    window: Option<usize>,
    rules: &document::Rules,
) -> Vec<Vec<document::Added>> {
    let k = Knowledge::get();
    document::spread(docs, window, rules, |f| known(model, f), |f| k.zipf(f))
}

/// The clitic-free part of a unit: the segmenter's, or the span without
/// the proclitics [`proclitic_len`] finds (checked against wordfreq, the
/// place list and the train gazetteer).
pub fn core(text: &str, unit: &Unit, model: &Model) -> Span {
    if let Some(c) = unit.segmented_core {
        return c;
    }
    let word = text.get(unit.span.start..unit.span.end).unwrap_or("");
    Span::new(
        unit.span.start + proclitic_len(word, |f| known(model, f)),
        unit.span.end,
    )
}

/// Longest sentence the tagger decodes at once; longer runs are cut.
const MAX_SENTENCE: usize = 256;

/// Most chars of a unit the tagger reads: the longest Arabic words are about
/// 15 letters, so 64 keeps every word whole, while a run of thousands of
/// ligatures (one token) no longer makes the tagger's per-word work (char
/// n-gram ids, affixes, the word memo) grow with the run: 256 KiB of `﷽`
/// took 133 MB of working memory, most of it for that one word.
pub const MAX_TAGGED_WORD_CHARS: usize = 64;

/// The first [`MAX_TAGGED_WORD_CHARS`] chars of `word`.
fn tagged_part(word: &str) -> &str {
    word.char_indices()
        .nth(MAX_TAGGED_WORD_CHARS)
        .map_or(word, |(end, _)| &word[..end])
}

/// Tags the units and returns the model's mentions. The confidence of a
/// mention is the smallest, over its tokens, posterior probability of the
/// label Viterbi chose, from forward-backward over the perceptron scores
/// divided by the model's temperature (fit by `train-ner`). After every
/// sentence is decoded, the document pass ([`document::spread`]) adds the
/// mentions the rest of the text vouches for; they carry the confidence of
/// the mention that vouched. Last, the trigger-led organisation rule
/// ([`orgs::org_phrases`]).
pub fn tag(model: &Model, text: &str, units: &[Unit]) -> Vec<Mention> {
    // Per sentence: its units and Viterbi's labels (before the rules).
    let mut sents: Vec<(&[Unit], Vec<u8>)> = Vec::new();
    let mut docs: Vec<document::Tagged> = Vec::new();
    let mut begin = 0;
    while begin < units.len() {
        let s = units.get(begin).map_or(0, |u| u.sentence);
        let mut end = begin;
        while end < units.len() && end - begin < MAX_SENTENCE && units[end].sentence == s {
            end += 1;
        }
        let sent = &units[begin..end];
        // Presentation forms and Persian letters as the letters they stand
        // for, so ﺑﻐﺪﺍﺩ is tagged as بغداد is.
        let words: Vec<Cow<'_, str>> = sent
            .iter()
            .map(|u| canonical(tagged_part(text.get(u.span.start..u.span.end).unwrap_or(""))))
            .collect();
        let toks: Vec<&str> = words.iter().map(|w| &**w).collect();
        let d = model.decode(&toks);
        docs.push(document::Tagged {
            folded: sent.iter().map(|u| u.folded.as_str()).collect(),
            labels: d.labels,
            confidence: d.confidence,
        });
        sents.push((sent, d.tagged));
        begin = end;
    }
    let added = document_pass(model, &docs, None, &document::Rules::default());
    let mut out = Vec::new();
    for (((sent, tagged), doc), added) in sents.iter().zip(&mut docs).zip(&added) {
        let labels = &mut doc.labels;
        document::apply(labels, added);
        orgs::org_phrases(&doc.folded, labels, orgs::OrgPhrases::default());
        for (b, e, t) in chunks(labels) {
            let (Some(first), Some(last)) = (sent.get(b), sent.get(e - 1)) else {
                continue;
            };
            // Over the words the model tagged itself (not those a rule
            // attached) and the confidence of those the document pass added.
            let own = (b..e)
                .filter(|&i| tagged.get(i) == labels.get(i))
                .filter_map(|i| doc.confidence.get(i).copied());
            let vouched = added
                .iter()
                .filter(|a| a.start < e && b < a.end)
                .map(|a| a.confidence);
            let conf = own.chain(vouched).fold(1.0f32, f32::min);
            let kind = match t {
                1 => EntityKind::Person,
                2 => EntityKind::Location,
                3 => EntityKind::Organization,
                _ => EntityKind::Misc,
            };
            let (cf, cl) = (core(text, first, model), core(text, last, model));
            let span = Span::new(cf.start, cl.end.max(cf.start));
            out.push(Mention {
                span,
                kind,
                confidence: conf,
                source: MentionSource::Model,
                value: None,
            });
        }
    }
    out
}
