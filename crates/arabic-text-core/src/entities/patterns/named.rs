//! DATE expressions named by words rather than numbers: eras and periods
//! (العصور الوسطى، العصر الحجري الحديث، عصر النهضة), holidays (عيد الفطر،
//! رأس السنة، اليوم الدولي للغابات) and anaphoric dates (ذلك العام، نفس
//! السنة، العام نفسه، يومنا هذا). docs/entities-convention.md, "DATE". They
//! carry no normalized value.

use super::scan::{Hit, Scanner};
use crate::entities::kinds::EntityKind;

/// Heads of an era: definite ones take adjectives (العصر الحديث), the
/// construct forms a defined noun (عصر النهضة).
const ERA_HEADS: [(&str, bool); 8] = [
    ("العصر", true),
    ("العصور", true),
    ("الحقبه", true),
    ("العهد", true),
    ("عصر", false),
    ("عصور", false),
    ("حقبه", false),
    ("عهد", false),
];

/// Words after an era head that make it something else: a person's reign
/// (عهد الملك فيصل: the person is marked, not the era), scripture (العهد
/// القديم), a relative clause, or a part of the day (عصر اليوم).
const NOT_ERA: [&str; 27] = [
    "الملك",
    "الملكه",
    "السلطان",
    "الرئيس",
    "الخليفه",
    "الامير",
    "الاميره",
    "الامام",
    "الشيخ",
    "النبي",
    "الرسول",
    "البابا",
    "الامبراطور",
    "الامبراطوره",
    "القيصر",
    "الوالي",
    "الخديوي",
    "الحاكم",
    "الوزير",
    "القديم",
    "الجديد",
    "الذي",
    "التي",
    "الذين",
    "اليوم",
    "الجمعه",
    "السبت",
];

/// Units a demonstrative or نفس turns into an anaphoric date.
const ANAPHORIC_UNITS: [&str; 14] = [
    "العام",
    "السنه",
    "اليوم",
    "الشهر",
    "الاسبوع",
    "القرن",
    "العقد",
    "العصر",
    "الحقبه",
    "العهد",
    "الموسم",
    "الاعوام",
    "السنوات",
    "الايام",
];

/// Demonstratives before a unit (ذلك العام) and نفس (نفس العام).
const BEFORE_UNIT: [&str; 7] = ["هذا", "هذه", "ذلك", "تلك", "ذاك", "نفس", "ذات"];

/// Words after a unit that make it anaphoric (العام نفسه، يومنا هذا).
const AFTER_UNIT: [&str; 6] = ["نفسه", "نفسها", "ذاته", "ذاتها", "هذا", "هذه"];

/// Holiday heads followed by one defining word (عيد الفطر, عيد أوبت).
const HOLIDAY_HEADS: [&str; 2] = ["عيد", "اعياد"];

/// Adjectives after an international day (اليوم الدولي للغابات).
const DAY_ADJECTIVES: [&str; 3] = ["الدولي", "العالمي", "الوطني"];

/// Longest run of modifiers read after a head.
const MAX_MODIFIERS: usize = 3;

impl Scanner<'_> {
    /// Whether token `k` is a definite word with no proclitic before it.
    fn definite(&self, k: usize) -> bool {
        self.word(k)
            && self.toks.get(k).is_some_and(|t| t.cut == t.start)
            && self.fw(k).starts_with("ال")
            && self.fw(k).chars().count() > 3
    }

    /// Whether token `k` is an adjective that can close an era name: a
    /// definite word that is not a head, a title or a relative pronoun.
    fn era_modifier(&self, k: usize) -> bool {
        self.definite(k)
            && !NOT_ERA.contains(&self.fw(k))
            && !ERA_HEADS.iter().any(|(h, _)| *h == self.fw(k))
    }

    /// Definite adjectives from `k`, at most [`MAX_MODIFIERS`]: the index after.
    fn modifiers(&self, k: usize) -> usize {
        let mut j = k;
        while j < k + MAX_MODIFIERS && self.era_modifier(j) {
            j += 1;
        }
        j
    }

    /// Whether word `i` can start a named date (the scanner skips words
    /// without senses otherwise).
    pub(super) fn named_head(&self, i: usize) -> bool {
        let w = self.fw(i);
        BEFORE_UNIT.contains(&w)
            || ANAPHORIC_UNITS.contains(&w)
            || ERA_HEADS.iter().any(|(h, _)| *h == w)
            || HOLIDAY_HEADS.contains(&w)
            || matches!(w, "راس" | "يومنا")
    }

    /// The folded word `i` after the proclitic the lexicon stripped (ب in
    /// باليوم).
    fn stem(&self, i: usize) -> &str {
        let w = self.fw(i);
        let n = self
            .toks
            .get(i)
            .map_or(0, |t| self.text[t.start..t.cut].chars().count());
        w.char_indices().nth(n).map_or("", |(b, _)| &w[b..])
    }

    /// A named period, holiday or anaphoric date at `i`.
    pub(super) fn named_date(&self, i: usize) -> Option<Hit> {
        if !self.word(i) {
            return None;
        }
        let w = self.stem(i);
        let date = |next: usize| Some(self.hit(i, next, EntityKind::Date, None));
        // ذلك العام, نفس السنة, هذه الحقبة
        if BEFORE_UNIT.contains(&w) && ANAPHORIC_UNITS.contains(&self.fw(i + 1)) {
            return date(i + 2);
        }
        // العام نفسه, يومنا هذا
        if (ANAPHORIC_UNITS.contains(&w) || w == "يومنا") && AFTER_UNIT.contains(&self.fw(i + 1))
        {
            return date(i + 2);
        }
        // العصور الوسطى, عصر النهضة, العهد العثماني
        if let Some(&(_, definite)) = ERA_HEADS.iter().find(|(h, _)| *h == w) {
            let first = if definite { i + 1 } else { i + 2 };
            if !definite && (!self.definite(i + 1) || NOT_ERA.contains(&self.fw(i + 1))) {
                return None;
            }
            let next = self.modifiers(first);
            if next > i + 1 {
                return date(next);
            }
            return None;
        }
        // عيد الفطر, رأس السنة (القبطية)
        if HOLIDAY_HEADS.contains(&w) && self.word(i + 1) {
            return date(self.modifiers(i + 2));
        }
        if w == "راس" && self.fw(i + 1) == "السنه" {
            return date(self.modifiers(i + 2));
        }
        // اليوم الدولي للغابات, اليوم العالمي للمرأة
        if w == "اليوم" && DAY_ADJECTIVES.contains(&self.fw(i + 1)) {
            let k = i + 2;
            let complement = self.word(k) && self.fw(k).starts_with('ل');
            return date(if complement { k + 1 } else { k });
        }
        None
    }
}
