//! The year readers of the DATE rules: a year with its era (`year_at`,
//! `cued_year`, `year_after`), a four-digit year standing alone and the
//! count cues that make a number no year, the era markers, and the century
//! after `القرن`. They are methods of the same [`Scanner`] as the rules in
//! `dates`, in their own file because they read one number and what
//! surrounds it, apart from how the rules assemble a whole date.

use super::lexicon::Sense;
use super::scan::Scanner;

/// Era markers written as more than one token (folded; a one-character
/// entry that is not a letter is a punctuation token). One-word markers
/// (م، هـ، ميلادي، للهجرة) are [`Sense::Era`] in the lexicon.
const ERA_PHRASES: [(&[&str], bool); 6] = [
    (&["ق", ".", "م"], false),
    (&["ق", "م"], false),
    (&["قبل", "الميلاد"], false),
    (&["بعد", "الميلاد"], false),
    (&["ب", ".", "م"], false),
    (&["قبل", "الهجره"], true),
];

impl Scanner<'_> {
    /// A year at `j` (3-4 digits) with an optional era: (year, hijri, next).
    pub(super) fn year_at(&self, j: usize) -> Option<(i64, bool, usize)> {
        let d = self.digits(j)?;
        if d.len() < 3 || d.len() > 4 || (self.touch(j) && self.digits(j + 1).is_some()) {
            return None;
        }
        let y: i64 = d.parse().ok()?;
        // م after 4638 or after ارتفاع 143 is the metre (`metre_after`).
        let metre = self.fw(j + 1) == "م" && (y > 2100 || self.length_cue_before(j));
        let (hijri, next) = match self.era(j + 1) {
            Some((h, n)) if !metre => (h, n),
            _ => (false, j + 1),
        };
        Some((y, hijri, next))
    }

    /// A year after a cue word at `j` (عام 84 هجرية, العام 72, سنة 1948م):
    /// one to four digits, with an optional era.
    pub(super) fn cued_year(&self, j: usize) -> Option<(i64, bool, usize)> {
        let d = self.digits(j)?;
        if d.len() > 4 || (self.touch(j) && self.digits(j + 1).is_some()) || self.is_code(j) {
            return None;
        }
        let y: i64 = d.parse().ok()?;
        if y == 0 {
            return None;
        }
        let (hijri, next) = self.era(j + 1).map_or((false, j + 1), |(h, n)| (h, n));
        Some((y, hijri, next))
    }

    /// A four-digit year 1000–2100 standing alone before punctuation or at
    /// the end or before another after a separator, with no cue (هزيمة
    /// ⟦1967⟧، | انتخابات 2010. | (⟦1897⟧ - 1966) | دورتي ⟦2014⟧ و2018).
    /// In the pool's Wikipedia and UN paragraphs (data/entities train and
    /// dev) such a number is a date 67 times for each time it counts
    /// something; a count is followed by its noun (1800 سجين), which this
    /// leaves to the NUMBER rule, or has its cue (`count_cue_before`).
    pub(super) fn year_alone(&self, i: usize, y: i64) -> bool {
        const AFTER: [char; 14] = [
            '،', ',', '.', '؛', ';', ')', '(', '-', '–', '—', ']', '»', '"', '!',
        ];
        let next = i + 1;
        let four = |k: usize| self.digits(k).is_some_and(|d| d.len() == 4);
        // 2014 و2018, 1962 إلى 1965: another such year after a separator.
        let coordinated = || {
            let k = self.after_range_sep(next);
            four(k) && self.year_at(k).is_some_and(|(y2, ..)| (1000..=2100).contains(&y2))
        };
        four(i)
            && (1000..=2100).contains(&y)
            && (next >= self.toks.len()
                || (self.punct(next, &AFTER)
                    && !(self.touch(i) && self.touch(next) && self.digits(next + 1).is_some()))
                || coordinated())
            && !self.count_cue_before(i)
    }

    /// Whether the words before `i` make the number there a count or a
    /// serial number, never a year: القرار 1325, قرار مجلس الأمن 1958, رقم 1500, نحو 1000, أكثر من
    /// 2000 (من alone is a temporal preposition: منذ and من 2010 إلى 2015).
    pub(super) fn count_cue_before(&self, i: usize) -> bool {
        const COUNT_CUES: [&str; 10] = [
            "رقم", "نحو", "حوالي", "قرابه", "زهاء", "لكل", "اي", "عدد", "بلغ", "يبلغ",
        ];
        if i == 0 {
            return false;
        }
        let prev = self.fw(i - 1);
        // قرار مجلس الأمن 1958: the cue up to three words back.
        (i.saturating_sub(3)..i).any(|k| self.fw(k).contains("قرار") || self.fw(k).contains("مرسوم"))
            || COUNT_CUES.contains(&prev)
            || (prev == "من" && i > 1 && matches!(self.fw(i - 2), "اكثر" | "اقل"))
    }

    pub(super) fn era(&self, k: usize) -> Option<(bool, usize)> {
        // ق.م, ق م, قبل الميلاد, بعد الميلاد: two or three tokens.
        for (words, hijri) in ERA_PHRASES {
            let fits = words.iter().enumerate().all(|(n, w)| {
                let t = k + n;
                match w.chars().next() {
                    Some(c) if w.len() == 1 && !c.is_alphabetic() => self.punct(t, &[c]),
                    _ => self.fw(t) == *w && self.toks.get(t).is_some_and(|x| x.cut == x.start),
                }
            });
            if fits {
                return Some((hijri, k + words.len()));
            }
        }
        let h = self.pick(k, |s| match s {
            Sense::Era { hijri } => Some(*hijri),
            _ => None,
        })?;
        self.toks
            .get(k)
            .is_some_and(|t| t.cut == t.start)
            .then_some((h, k + 1))
    }

    /// `القرن` + ordinal at `i`: (century, or None for a relative one; next).
    pub(super) fn century_after(&self, i: usize) -> Option<(Option<u32>, usize)> {
        if !self.has(i, |s| *s == Sense::Century) {
            return None;
        }
        let j = i + 1;
        if self.has(j, |s| matches!(s, Sense::RelMod(_))) {
            return Some((None, j + 1));
        }
        if self.has(j, |s| *s == Sense::Article)
            && let Some(c) = self.int(j + 1, 2)
        {
            return Some((Some(c), j + 2));
        }
        if let Some(c) = self.int(j, 2) {
            return Some((Some(c), j + 1));
        }
        let (mut n, mut next) = self.ordinal_words(j)?;
        if n < 10
            && self.toks.get(next).is_some_and(|t| t.wa)
            && let Some(t) = self.pick(next, |s| match s {
                Sense::Ord { n, .. } if *n >= 20 => Some(*n),
                _ => None,
            })
        {
            n += t;
            next += 1;
        }
        let next = self.era(next).map_or(next, |(_, k)| k);
        Some((Some(n), next))
    }

    /// An optional year after a month at `k`: `،`, `من`, `عام` allowed.
    pub(super) fn year_after(&self, k: usize) -> (Option<i64>, bool, usize) {
        let mut j = k;
        if self.punct(j, &['،', ',']) {
            j += 1;
        }
        if self.fw(j) == "من" {
            j += 1;
        }
        if self.has(j, |s| *s == Sense::YearCue) {
            j += 1;
        }
        if let Some((y, h, next)) = self.year_at(j) {
            return (Some(y), h, next);
        }
        // 23 رمضان 26 للهجرة: a short year with its era.
        if let Some(y) = self.int(j, 2).filter(|y| *y > 0)
            && let Some((h, next)) = self.era(j + 1)
        {
            return (Some(i64::from(y)), h, next);
        }
        (None, false, k)
    }
}
