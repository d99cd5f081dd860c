//! The entity kinds, declared once: the enum, [`EntityKind::ALL`] and
//! [`EntityKind::name`] come from the one list below. A new kind is a line
//! here (and a value of the API's `EntityType`, whose names are
//! `ENTITY_TYPE_` + [`EntityKind::name`]).

/// Declares [`EntityKind`], its [`EntityKind::ALL`] and its names from one
/// list of `Variant = "NAME"` lines.
macro_rules! declare_entity_kinds {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// The type of an entity.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EntityKind {
            $($(#[doc = $doc])* $variant,)*
        }

        impl EntityKind {
            /// Every kind, in declaration order (`ALL[k as usize] == k`).
            pub const ALL: [EntityKind; [$(EntityKind::$variant),*].len()] =
                [$(EntityKind::$variant),*];

            /// The kind's name in gazetteer files, evaluation tables and the
            /// API (`PERSON`, `DATE`, ...).
            pub const fn name(self) -> &'static str {
                match self {
                    $(EntityKind::$variant => $name,)*
                }
            }
        }
    };
}

declare_entity_kinds! {
    /// A person.
    Person = "PERSON",
    /// A place.
    Location = "LOCATION",
    /// An organisation.
    Organization = "ORGANIZATION",
    /// Another proper name.
    Misc = "MISC",
    /// A date.
    Date = "DATE",
    /// A time of day.
    Time = "TIME",
    /// A number.
    Number = "NUMBER",
    /// A percentage.
    Percent = "PERCENT",
    /// An amount of money.
    Money = "MONEY",
    /// A URL.
    Url = "URL",
    /// An e-mail address.
    Email = "EMAIL",
    /// A phone number.
    Phone = "PHONE",
    /// A #hashtag.
    Hashtag = "HASHTAG",
    /// An @mention.
    Mention = "MENTION",
    /// An ordinal (الأول, الحادي عشر, الـ15).
    Ordinal = "ORDINAL",
    /// A measured quantity: a number with a unit (15 كيلومترا).
    Quantity = "QUANTITY",
}

impl EntityKind {
    /// Whether the kind is a name the tagger finds (PERSON, LOCATION,
    /// ORGANIZATION, MISC) rather than a pattern kind.
    pub const fn is_name(self) -> bool {
        matches!(
            self,
            EntityKind::Person | EntityKind::Location | EntityKind::Organization | EntityKind::Misc
        )
    }

    /// The kind called `name` (see [`EntityKind::name`]), in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_kind_in_declaration_order_with_a_unique_name() {
        for (i, kind) in EntityKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
            assert_eq!(EntityKind::from_name(kind.name()), Some(kind));
            assert_eq!(
                EntityKind::from_name(&kind.name().to_lowercase()),
                Some(kind)
            );
        }
        assert_eq!(EntityKind::from_name("NOT_A_KIND"), None);
    }
}
