//! Grouping of mentions into entities: identical folded strings of one kind
//! join; a later one-word PERSON mention that equals the first or last word
//! of an earlier multi-word PERSON joins it (نزار حيدر … حيدر). The entity's
//! name is its longest mention.

use super::fold::fold;
use rustc_hash::FxHashMap as FxMap;
use super::kinds::EntityKind;
use super::mention::{Entity, Mention};

/// Groups `mentions` (in text order) into entities, in order of first mention.
/// Linear in the mentions: a name-dense document (a list of thousands of
/// people) costs no more per mention than an article.
pub fn group(text: &str, mentions: Vec<Mention>) -> Vec<Entity> {
    let mut entities: Vec<Entity> = Vec::new();
    // (kind, folded mention) → the first entity with that mention.
    let mut by_key: FxMap<(EntityKind, String), usize> = FxMap::default();
    // Word → the first PERSON entity with a multi-word mention that begins
    // or ends with it.
    let mut by_name_word: FxMap<String, usize> = FxMap::default();
    for m in mentions {
        let kind = m.kind;
        let surface = text.get(m.span.start..m.span.end).unwrap_or("");
        let key = fold(surface);
        let words: Vec<&str> = key.split_whitespace().collect();
        let mut target = by_key.get(&(m.kind, key.clone())).copied();
        if target.is_none()
            && m.kind == EntityKind::Person
            && let [word] = words.as_slice()
        {
            target = by_name_word.get(*word).copied();
        }
        let t = match target {
            Some(t) => {
                if let Some(e) = entities.get_mut(t) {
                    if surface.chars().count() > e.name.chars().count() {
                        e.name = surface.to_string();
                    }
                    e.mentions.push(m);
                }
                t
            }
            None => {
                entities.push(Entity {
                    name: surface.to_string(),
                    kind: m.kind,
                    mentions: vec![m],
                });
                entities.len() - 1
            }
        };
        if kind == EntityKind::Person && words.len() > 1 {
            for w in [words.first(), words.last()].into_iter().flatten() {
                let e = by_name_word.entry((*w).to_string()).or_insert(t);
                *e = (*e).min(t);
            }
        }
        let e = by_key.entry((kind, key)).or_insert(t);
        *e = (*e).min(t);
    }
    entities
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::mention::MentionSource;
    use crate::offsets::Span;

    fn m(text: &str, s: &str, nth: usize, kind: EntityKind) -> Mention {
        let start = text.match_indices(s).nth(nth).map(|(i, _)| i).unwrap_or(0);
        Mention {
            span: Span::new(start, start + s.len()),
            kind,
            confidence: 0.9,
            source: MentionSource::Model,
            value: None,
        }
    }

    #[test]
    fn surname_and_repeats_group_and_the_longest_names_the_entity() {
        let text = "حيدر نزار حيدر وحيدر بغداد وبغداد";
        let ms = vec![
            m(text, "نزار حيدر", 0, EntityKind::Person),
            m(text, "حيدر", 2, EntityKind::Person),
            m(text, "بغداد", 0, EntityKind::Location),
            m(text, "بغداد", 1, EntityKind::Location),
        ];
        let es = group(text, ms);
        assert_eq!(es.len(), 2);
        assert_eq!(es[0].name, "نزار حيدر");
        assert_eq!(es[0].mentions.len(), 2);
        assert_eq!(es[1].mentions.len(), 2);
    }

    #[test]
    fn a_name_of_another_kind_does_not_join() {
        let text = "حيدر نزار حيدر";
        let ms = vec![
            m(text, "نزار حيدر", 0, EntityKind::Person),
            m(text, "حيدر", 0, EntityKind::Location),
        ];
        assert_eq!(group(text, ms).len(), 2);
    }
}
