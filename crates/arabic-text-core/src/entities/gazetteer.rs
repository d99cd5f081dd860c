//! Caller and operator gazetteers: phrases always recognised, matched on
//! folded forms at unit (word) boundaries, allowing proclitics in front of
//! the first word (ولبنان matches لبنان; the span excludes و).
//!
//! Matching is linear in the text whatever the phrases: the folded units of
//! the text are mapped to symbol ids once, and an Aho-Corasick automaton over
//! the *reversed* phrases (built once per gazetteer) is run over the reversed
//! text. Reversed, every match that starts at a unit ends at it, so one pass
//! gives the longest match starting at every unit; a forward greedy pass then
//! takes the longest match at the leftmost unit, skips past it, and so on.
//! The proclitic forms of a phrase's first word (و + لبنان, ل + لبنان, ...)
//! are its reversed pattern's last symbol, so they cost a few leaves per
//! phrase, not a copy of the phrase.

use super::fold::{PROCLITICS, fold, orig_offset};
use super::kinds::EntityKind;
use super::mention::GazetteerEntry;
use super::units::Unit;
use crate::chars::{is_digit, is_word_char, is_word_internal};
use crate::offsets::Span;
use rustc_hash::FxHashMap as FxMap;

/// Most entries of a request gazetteer: a caller's own list of names; larger
/// lists belong in the operator's `--gazetteer` file (built once at start-up).
pub const MAX_REQUEST_ENTRIES: usize = 1000;

/// Most units (words and punctuation marks, as the text is cut) of a request
/// gazetteer phrase: a name, not a passage.
pub const MAX_PHRASE_UNITS: usize = 32;

/// Most UTF-8 bytes of a request gazetteer phrase (256 Arabic letters, or
/// fewer with diacritics).
pub const MAX_PHRASE_BYTES: usize = 512;

/// Work of a gazetteer entry on top of its bytes, in text-byte equivalents:
/// folding it and adding a dozen proclitic forms of its first word costs
/// about as much as analysing this many bytes of text.
const ENTRY_WORK: usize = 16;

/// Why a gazetteer entry (or a whole request gazetteer) is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerError {
    /// More entries than [`MAX_REQUEST_ENTRIES`].
    #[error("{count} gazetteer entries; at most {MAX_REQUEST_ENTRIES} are allowed per request")]
    TooManyEntries {
        /// Entries sent.
        count: usize,
    },
    /// A phrase longer than [`MAX_PHRASE_BYTES`].
    #[error("gazetteer entry {index}: the phrase has {bytes} bytes; at most {MAX_PHRASE_BYTES}")]
    PhraseTooLong {
        /// The entry's position.
        index: usize,
        /// Its UTF-8 length.
        bytes: usize,
    },
    /// A phrase of more than [`MAX_PHRASE_UNITS`] words and marks.
    #[error(
        "gazetteer entry {index}: the phrase has {units} words and punctuation marks; at most {MAX_PHRASE_UNITS}"
    )]
    TooManyUnits {
        /// The entry's position.
        index: usize,
        /// Its number of units.
        units: usize,
    },
    /// A phrase with no letter or digit once folded: empty, only marks,
    /// tatweel or invisible characters (ZWNJ, ...), or only punctuation.
    #[error(
        "gazetteer entry {index}: the phrase has no letter or digit once diacritics, tatweel and invisible characters are removed"
    )]
    NoWord {
        /// The entry's position.
        index: usize,
    },
}

impl GazetteerError {
    /// The position of the entry at fault; `None` for the whole list.
    pub fn index(&self) -> Option<usize> {
        match *self {
            Self::TooManyEntries { .. } => None,
            Self::PhraseTooLong { index, .. }
            | Self::TooManyUnits { index, .. }
            | Self::NoWord { index } => Some(index),
        }
    }
}

/// Checks one phrase (entry `index`) against the request bounds and for a
/// word; see [`check_request`].
pub fn check_phrase(index: usize, phrase: &str) -> Result<(), GazetteerError> {
    if phrase.len() > MAX_PHRASE_BYTES {
        return Err(GazetteerError::PhraseTooLong {
            index,
            bytes: phrase.len(),
        });
    }
    let parts = phrase_parts(phrase);
    if parts.len() > MAX_PHRASE_UNITS {
        return Err(GazetteerError::TooManyUnits {
            index,
            units: parts.len(),
        });
    }
    if !parts.iter().any(|p| p.word && !p.folded.is_empty()) {
        return Err(GazetteerError::NoWord { index });
    }
    Ok(())
}

/// Checks a request gazetteer: at most [`MAX_REQUEST_ENTRIES`] entries, each
/// at most [`MAX_PHRASE_BYTES`] bytes and [`MAX_PHRASE_UNITS`] units, each
/// with a word (a letter or digit once folded). Returns every fault, the
/// count first, then by entry.
pub fn check_request(entries: &[GazetteerEntry]) -> Result<(), Vec<GazetteerError>> {
    let mut errors = Vec::new();
    if entries.len() > MAX_REQUEST_ENTRIES {
        errors.push(GazetteerError::TooManyEntries {
            count: entries.len(),
        });
    }
    for (i, e) in entries.iter().enumerate() {
        if let Err(err) = check_phrase(i, &e.phrase) {
            errors.push(err);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A cheap estimate of the work of extracting entities from `text_len`
/// bytes with a request gazetteer of `entries`, in text-byte equivalents:
/// the text plus the gazetteer's size (its phrases' bytes and a constant
/// per entry), so a caller of the service can decide where to run it.
pub fn work_estimate(text_len: usize, entries: &[GazetteerEntry]) -> usize {
    entries.iter().fold(text_len, |w, e| {
        w.saturating_add(e.phrase.len()).saturating_add(ENTRY_WORK)
    })
}

/// One unit of a phrase: a folded word run or a single punctuation mark.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    /// The folded word, or the mark itself.
    folded: String,
    /// Whether it is a word run (letters, digits, marks).
    word: bool,
}

/// The folded units of a phrase, as [`super::units`] would cut them.
fn phrase_parts(phrase: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let mut cur = String::new();
    for c in phrase.chars() {
        if is_word_char(c) || is_word_internal(c) || is_digit(c) {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            parts.push(Part {
                folded: fold(&cur),
                word: true,
            });
            cur.clear();
        }
        if !c.is_whitespace() {
            parts.push(Part {
                folded: c.to_string(),
                word: false,
            });
        }
    }
    if !cur.is_empty() {
        parts.push(Part {
            folded: fold(&cur),
            word: true,
        });
    }
    parts
}

/// The folded units of an entry's phrase ([`phrase_parts`]): the key the
/// matcher stores it under.
fn folded_parts(phrase: &str) -> Vec<String> {
    phrase_parts(phrase).into_iter().map(|p| p.folded).collect()
}

/// The text words that match a phrase whose first word is `head`, with the
/// rank of that reading (lower wins when one text word reads as two
/// phrases) and the number of proclitic chars the span leaves out: `head`
/// itself, each proclitic + `head`, and for `head` = ال + ل... a proclitic
/// ending in ل + `head` without its alef (ل + اللاذقية → للاذقية).
fn head_forms(head: &str) -> Vec<(String, u8, u8)> {
    let mut out = vec![(head.to_string(), 0u8, 0u8)];
    if head.is_empty() {
        return out;
    }
    let without_alef = head
        .strip_prefix('ا')
        .filter(|rest| rest.starts_with('ل') && !rest.starts_with("ال"));
    for (k, p) in (0u8..).zip(PROCLITICS) {
        let chars = p.chars().count() as u8;
        out.push((format!("{p}{head}"), 1 + 2 * k, chars));
        if let Some(rest) = without_alef
            && p.ends_with('ل')
        {
            out.push((format!("{p}{rest}"), 2 + 2 * k, chars));
        }
    }
    out
}

/// What a phrase match reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hit {
    /// Units the match covers.
    units: u32,
    /// Proclitic chars of the first unit left out of the span.
    proclitic_chars: u8,
    /// Rank of the reading of the first unit (see [`head_forms`]).
    rank: u8,
    /// The phrase's type.
    kind: EntityKind,
}

/// No node / no symbol.
const NONE: u32 = u32::MAX;
/// The automaton's root.
const ROOT: u32 = 0;

/// A node of the automaton.
#[derive(Clone, Debug)]
struct Node {
    /// The node of the longest proper suffix of this node's string that is a
    /// prefix of some pattern.
    fail: u32,
    /// The nearest node with a hit among this one and its fail chain (the
    /// longest pattern ending here), or [`NONE`].
    out: u32,
    /// The pattern ending exactly here.
    hit: Option<Hit>,
}

/// Aho-Corasick automaton over symbol ids of reversed phrases.
#[derive(Clone, Debug)]
struct Automaton {
    /// Folded unit → symbol id.
    symbols: FxMap<String, u32>,
    /// (node << 32 | symbol) → child node.
    edges: FxMap<u64, u32>,
    /// Nodes; [`ROOT`] first.
    nodes: Vec<Node>,
}

impl Default for Automaton {
    fn default() -> Self {
        Self {
            symbols: FxMap::default(),
            edges: FxMap::default(),
            nodes: vec![Node {
                fail: ROOT,
                out: NONE,
                hit: None,
            }],
        }
    }
}

fn edge_key(node: u32, symbol: u32) -> u64 {
    (u64::from(node) << 32) | u64::from(symbol)
}

impl Automaton {
    /// Builds the automaton of `phrases` (folded units → type).
    fn build(phrases: &FxMap<Vec<String>, EntityKind>) -> Self {
        let mut a = Self::default();
        let mut children: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
        for (parts, &kind) in phrases {
            let Some((head, tail)) = parts.split_first() else {
                continue;
            };
            let mut node = ROOT;
            for p in tail.iter().rev() {
                let s = a.symbol(p);
                node = a.child(node, s, &mut children);
            }
            for (form, rank, proclitic_chars) in head_forms(head) {
                let s = a.symbol(&form);
                let leaf = a.child(node, s, &mut children);
                let hit = Hit {
                    units: parts.len() as u32,
                    proclitic_chars,
                    rank,
                    kind,
                };
                if let Some(n) = a.nodes.get_mut(leaf as usize)
                    && n.hit.is_none_or(|h| rank < h.rank)
                {
                    n.hit = Some(hit);
                }
            }
        }
        a.link(&children);
        a
    }

    /// The id of symbol `s`, added if new.
    fn symbol(&mut self, s: &str) -> u32 {
        let next = self.symbols.len() as u32;
        *self.symbols.entry(s.to_string()).or_insert(next)
    }

    /// The child of `node` by `symbol`, added if new.
    fn child(&mut self, node: u32, symbol: u32, children: &mut Vec<Vec<(u32, u32)>>) -> u32 {
        let next = self.nodes.len() as u32;
        let child = *self.edges.entry(edge_key(node, symbol)).or_insert(next);
        if child == next {
            self.nodes.push(Node {
                fail: ROOT,
                out: NONE,
                hit: None,
            });
            children.push(Vec::new());
            if let Some(c) = children.get_mut(node as usize) {
                c.push((symbol, child));
            }
        }
        child
    }

    /// Sets the fail and output links, breadth first.
    fn link(&mut self, children: &[Vec<(u32, u32)>]) {
        let mut queue = std::collections::VecDeque::from([ROOT]);
        while let Some(u) = queue.pop_front() {
            for &(s, v) in children.get(u as usize).map_or(&[][..], Vec::as_slice) {
                // The fail link: where the node's fail state goes on `s`.
                let fail = if u == ROOT {
                    ROOT
                } else {
                    self.step(self.fail(u), s, &mut 0)
                };
                let out = match self.nodes.get(v as usize).and_then(|n| n.hit) {
                    Some(_) => v,
                    None => self.nodes.get(fail as usize).map_or(NONE, |n| n.out),
                };
                if let Some(n) = self.nodes.get_mut(v as usize) {
                    n.fail = fail;
                    n.out = out;
                }
                queue.push_back(v);
            }
        }
    }

    fn fail(&self, node: u32) -> u32 {
        self.nodes.get(node as usize).map_or(ROOT, |n| n.fail)
    }

    /// The state after `state` reads `symbol`; `steps` counts edge lookups.
    fn step(&self, mut state: u32, symbol: u32, steps: &mut usize) -> u32 {
        if symbol == NONE {
            return ROOT;
        }
        loop {
            *steps += 1;
            if let Some(&x) = self.edges.get(&edge_key(state, symbol)) {
                return x;
            }
            if state == ROOT {
                return ROOT;
            }
            state = self.fail(state);
        }
    }

    /// For every unit, the longest match starting there (`None` if none);
    /// and the number of edge lookups made, which is at most twice the
    /// number of units.
    fn longest_from_each(&self, units: &[Unit]) -> (Vec<Option<Hit>>, usize) {
        let mut best = vec![None; units.len()];
        let mut steps = 0;
        let mut state = ROOT;
        for (i, u) in units.iter().enumerate().rev() {
            let symbol = self.symbols.get(u.folded.as_str()).copied().unwrap_or(NONE);
            state = self.step(state, symbol, &mut steps);
            let out = self.nodes.get(state as usize).map_or(NONE, |n| n.out);
            if let Some(slot) = best.get_mut(i) {
                *slot = self.nodes.get(out as usize).and_then(|n| n.hit);
            }
        }
        (best, steps)
    }
}

/// Folded phrases → kind, with their matching automaton.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    /// The phrases' folded units → type (a later entry for the same phrase
    /// replaces an earlier one).
    phrases: FxMap<Vec<String>, EntityKind>,
    /// The automaton of `phrases`, rebuilt by [`Gazetteer::extend`].
    automaton: Automaton,
}

/// Parses a kind name as used in gazetteer files: any [`EntityKind::name`],
/// in any case, and the usual short forms of the name types.
pub fn parse_kind(s: &str) -> Option<EntityKind> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "PER" | "PERS" => EntityKind::Person,
        "LOC" | "GPE" => EntityKind::Location,
        "ORGANISATION" | "ORG" => EntityKind::Organization,
        name => return EntityKind::from_name(name),
    })
}

/// Parses `phrase<TAB>TYPE` lines; blank lines and `#` comments are skipped.
/// A phrase without a letter or digit once folded (only marks, tatweel,
/// invisible characters or punctuation) is an error naming its line.
pub fn parse_tsv(text: &str) -> Result<Vec<GazetteerEntry>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (phrase, kind) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: expected phrase<TAB>TYPE", n + 1))?;
        let kind = parse_kind(kind)
            .ok_or_else(|| format!("line {}: unknown entity type {kind:?}", n + 1))?;
        let phrase = phrase.trim();
        if !phrase_parts(phrase)
            .iter()
            .any(|p| p.word && !p.folded.is_empty())
        {
            return Err(format!(
                "line {}: the phrase {phrase:?} has no letter or digit once diacritics, tatweel and invisible characters are removed",
                n + 1
            ));
        }
        out.push(GazetteerEntry {
            phrase: phrase.to_string(),
            kind,
        });
    }
    Ok(out)
}

impl Gazetteer {
    /// A gazetteer of `entries` (a later entry for the same phrase wins).
    /// Not bounded: check a caller's entries with [`check_request`] first.
    pub fn from_entries(entries: &[GazetteerEntry]) -> Self {
        let mut g = Self::default();
        g.extend(entries);
        g
    }

    /// Adds entries (a later entry for the same phrase wins) and rebuilds
    /// the automaton: call it once with every entry, not per entry.
    pub fn extend(&mut self, entries: &[GazetteerEntry]) {
        for e in entries {
            let parts = folded_parts(&e.phrase);
            if !parts.is_empty() {
                self.phrases.insert(parts, e.kind);
            }
        }
        self.automaton = Automaton::build(&self.phrases);
    }

    /// Whether it holds no phrase.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Greedy longest matches over `units`, left to right: at the first unit
    /// where a phrase starts, the longest phrase starting there, then on
    /// after it. Linear in the number of units.
    pub fn find(&self, text: &str, units: &[Unit]) -> Vec<(Span, EntityKind)> {
        self.find_counting(text, units).0
    }

    /// [`Gazetteer::find`] and the number of automaton edge lookups it made
    /// (at most twice the number of units): the measure of its work.
    pub fn find_counting(&self, text: &str, units: &[Unit]) -> (Vec<(Span, EntityKind)>, usize) {
        let mut out = Vec::new();
        if self.phrases.is_empty() {
            return (out, 0);
        }
        let (best, steps) = self.automaton.longest_from_each(units);
        let mut i = 0;
        while let Some(first) = units.get(i) {
            let hit = best.get(i).copied().flatten();
            let Some(hit) = hit else {
                i += 1;
                continue;
            };
            let n = (hit.units as usize).max(1);
            let last = units.get(i + n - 1).unwrap_or(first);
            let word = text.get(first.span.start..first.span.end).unwrap_or("");
            let start = first.span.start + orig_offset(word, usize::from(hit.proclitic_chars));
            out.push((Span::new(start, last.span.end), hit.kind));
            i += n;
        }
        (out, steps)
    }
}

#[cfg(test)]
#[path = "gazetteer_tests.rs"]
mod tests;
