//! Entity extraction: a statistical tagger for names (people, places,
//! organisations, misc), patterns for dates, times, numbers, money, URLs ...,
//! and gazetteers; mentions of one entity are grouped.
//!

pub mod gazetteer;
#[cfg(feature = "train")]
pub(crate) mod rng;

/// The moment relative dates (أمس، الأسبوع الماضي) resolve against
/// ([`EntityOptions::reference`]) and the time zone it is read in.
pub use patterns::{Reference, Zone, ZoneError, supported_zones};

mod kinds;
mod mention;

pub use kinds::EntityKind;
pub use mention::{Entity, GazetteerEntry, Mention, MentionSource};
use tagger::embedded::embedded_arc;
pub use tagger::embedded::embedded_model;

crate::macros::internal_mods! {
    binio;
    charnet;
    clusters;
    document;
    encoder;
    features;
    fold;
    group;
    hash;
    knowledge;
    labels;
    mined;
    orgs;
    patterns;
    prefetch;
    tagger;
    templates;
    units;
    vectors;
    word;
}

use std::path::Path;
use std::sync::Arc;

use crate::error::ModelError;
use crate::segment::Segmentation;

/// Options of [`EntityExtractor::extract`].
#[derive(Clone, Debug, Default)]
pub struct EntityOptions {
    /// Only these kinds; empty means all.
    pub kinds: Vec<EntityKind>,
    /// Drop mentions below this confidence.
    pub min_confidence: f32,
    /// Extra phrases for this request.
    pub gazetteer: Vec<GazetteerEntry>,
    /// The moment relative dates and times (أمس, الأسبوع الماضي) resolve
    /// against; without it they keep a relative value such as `P-1D`.
    pub reference: Option<patterns::Reference>,
}

/// The extractor with its tagger model and operator gazetteer; built once,
/// shared read-only.
#[derive(Debug)]
pub struct EntityExtractor {
    /// The name tagger (the embedded one unless another file was loaded).
    model: Arc<tagger::Model>,
    /// Operator phrases from a file, always recognised.
    gazetteer: gazetteer::Gazetteer,
}

impl EntityExtractor {
    /// Loads the embedded model and knowledge lists (so the first request
    /// does not pay for them).
    pub fn embedded() -> Result<Self, ModelError> {
        let _ = knowledge::Knowledge::get();
        Ok(Self {
            model: Arc::clone(embedded_arc()?),
            gazetteer: gazetteer::Gazetteer::default(),
        })
    }

    /// Loads a model written by `arabic-text train-ner` (`--ner-model PATH`),
    /// with the embedded context encoder beside it.
    pub fn from_model_file(path: &Path) -> Result<Self, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut model = tagger::Model::from_bytes(&path.display().to_string(), &bytes)?;
        model.set_encoder(encoder::Encoder::embedded()?);
        Ok(Self {
            model: Arc::new(model),
            gazetteer: gazetteer::Gazetteer::default(),
        })
    }

    /// An extractor on a tagger model built in memory (the evaluations'
    /// ablations).
    #[cfg(feature = "train")]
    pub fn from_model(model: tagger::Model) -> Self {
        Self {
            model: Arc::new(model),
            gazetteer: gazetteer::Gazetteer::default(),
        }
    }

    /// Adds the operator gazetteer in `path`: UTF-8 lines `phrase<TAB>TYPE`
    /// (TYPE one of PERSON/PER/PERS, LOCATION/LOC, ORGANIZATION/ORG, MISC or
    /// any other kind name); blank lines and `#` comments are skipped.
    pub fn with_gazetteer_file(mut self, path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let entries = gazetteer::parse_tsv(&text).map_err(|reason| ModelError::Invalid {
            name: path.display().to_string(),
            reason,
        })?;
        self.gazetteer.extend(&entries);
        Ok(self)
    }

    /// Adds operator gazetteer entries.
    pub fn with_gazetteer(mut self, entries: &[GazetteerEntry]) -> Self {
        self.gazetteer.extend(entries);
        self
    }

    /// The tagger model in use.
    pub fn model(&self) -> &tagger::Model {
        &self.model
    }

    /// Extracts the entities of `text`, reusing its segmentation.
    pub fn extract(
        &self,
        text: &str,
        segmentation: &Segmentation,
        options: &EntityOptions,
    ) -> Vec<Entity> {
        let mentions = self.mentions(text, segmentation, options);
        group::group(text, mentions)
    }

    /// All accepted mentions in text order, before grouping.
    pub fn mentions(
        &self,
        text: &str,
        segmentation: &Segmentation,
        options: &EntityOptions,
    ) -> Vec<Mention> {
        let units = units::units(text, segmentation);
        let mut cands: Vec<Mention> = Vec::new();
        // Gazetteers: the operator's and the request's.
        let request = gazetteer::Gazetteer::from_entries(&options.gazetteer);
        for g in [&self.gazetteer, &request] {
            for (span, kind) in g.find(text, &units) {
                cands.push(Mention {
                    span,
                    kind,
                    confidence: 1.0,
                    source: MentionSource::Gazetteer,
                    value: None,
                });
            }
        }
        let pattern_options = patterns::PatternOptions {
            reference: options.reference,
        };
        for m in patterns::find_with(text, &pattern_options) {
            cands.push(Mention {
                span: m.span,
                kind: m.kind,
                confidence: 1.0,
                source: MentionSource::Pattern,
                value: m.value,
            });
        }
        cands.extend(units::tag(&self.model, text, &units));
        drop_parts_of_names(&mut cands);
        let wanted = |k: EntityKind| options.kinds.is_empty() || options.kinds.contains(&k);
        cands.retain(|m| wanted(m.kind) && m.confidence >= options.min_confidence);
        resolve_overlaps(cands)
    }
}

/// Flat output keeps the outermost mention (docs/entities-convention.md):
/// a number, ordinal or date the patterns found strictly inside a name the
/// model or a gazetteer found (الحرب العالمية الثانية، كأس العالم 2022، ثورة
/// 25 يناير) is part of that name, not a mention of its own. Money,
/// percentages, quantities and times keep their precedence over a name.
fn drop_parts_of_names(cands: &mut Vec<Mention>) {
    let names: Vec<crate::offsets::Span> = cands
        .iter()
        .filter(|m| m.source != MentionSource::Pattern && m.kind.is_name())
        .map(|m| m.span)
        .collect();
    if names.is_empty() {
        return;
    }
    cands.retain(|m| {
        !(m.source == MentionSource::Pattern
            && matches!(
                m.kind,
                EntityKind::Number | EntityKind::Ordinal | EntityKind::Date
            )
            && names
                .iter()
                .any(|n| n.start <= m.span.start && m.span.end <= n.end && n.len() > m.span.len()))
    });
}

fn source_rank(s: MentionSource) -> u8 {
    match s {
        MentionSource::Gazetteer => 0,
        MentionSource::Pattern => 1,
        MentionSource::Model => 2,
    }
}

/// The order in which overlapping candidates claim the text: gazetteer
/// before pattern before model, then longer first, then earlier.
fn priority(a: &Mention, b: &Mention) -> std::cmp::Ordering {
    source_rank(a.source)
        .cmp(&source_rank(b.source))
        .then(b.span.len().cmp(&a.span.len()))
        .then(a.span.start.cmp(&b.span.start))
}

/// Keeps non-overlapping mentions, claimed in [`priority`] order; returns
/// them in text order.
fn resolve_overlaps(mut cands: Vec<Mention>) -> Vec<Mention> {
    cands.sort_by(priority);
    let mut kept: Vec<Mention> = Vec::new();
    // Kept spans, start → end. They never overlap, so the one that starts
    // last before a candidate ends is the only one that can overlap it.
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for c in cands {
        if c.span.is_empty() {
            continue;
        }
        let clashes = taken
            .range(..c.span.end)
            .next_back()
            .is_some_and(|(_, &end)| end > c.span.start);
        if !clashes {
            taken.insert(c.span.start, c.span.end);
            kept.push(c);
        }
    }
    kept.sort_by_key(|m| (m.span.start, m.span.end));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offsets::Span;

    /// The plain quadratic definition [`resolve_overlaps`] must agree with.
    fn reference(mut cands: Vec<Mention>) -> Vec<Mention> {
        cands.sort_by(priority);
        let mut kept: Vec<Mention> = Vec::new();
        for c in cands {
            if !c.span.is_empty()
                && kept
                    .iter()
                    .all(|k| c.span.end <= k.span.start || c.span.start >= k.span.end)
            {
                kept.push(c);
            }
        }
        kept.sort_by_key(|m| (m.span.start, m.span.end));
        kept
    }

    #[test]
    fn overlaps_resolve_as_the_quadratic_definition_does() {
        let mut x: u64 = 0x5eed;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        for _ in 0..200 {
            let cands: Vec<Mention> = (0..next(40))
                .map(|_| {
                    let start = next(100) as usize;
                    Mention {
                        span: Span::new(start, start + next(12) as usize),
                        kind: EntityKind::Person,
                        confidence: 0.5,
                        source: [
                            MentionSource::Gazetteer,
                            MentionSource::Pattern,
                            MentionSource::Model,
                        ][next(3) as usize],
                        value: None,
                    }
                })
                .collect();
            let spans = |ms: Vec<Mention>| -> Vec<(usize, usize)> {
                ms.iter().map(|m| (m.span.start, m.span.end)).collect()
            };
            assert_eq!(
                spans(resolve_overlaps(cands.clone())),
                spans(reference(cands))
            );
        }
    }
}
