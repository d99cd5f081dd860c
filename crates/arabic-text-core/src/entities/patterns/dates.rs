//! DATE: numeric dates, day-month-year with Gregorian, Levantine, Maghreb
//! and Hijri month names (and paired forms), month + year, years with a cue
//! or an era, ranges, decades, centuries, weekdays, relative days and
//! periods, and durations (which are TIME below a day). The year readers
//! (a year with its era, a year alone, centuries) are in `years`.

use super::calendar::{days_from_hijri, in_year_range, iso_day_in_range, valid_date};
use super::lexicon::{Sense, TimeUnit};
use super::relative::relative;
use super::scan::{Hit, Scanner, Shape};
use crate::entities::kinds::EntityKind;

/// A month name read at some token.
pub(super) struct MonthName {
    n: u32,
    hijri: bool,
    next: usize,
    ambiguous: bool,
}

/// The ISO 8601 spelling of a date with an optional year and day:
/// `2024-01-22`, `2024-01`, `--01-22` or `--01`.
fn iso(y: Option<i64>, m: u32, d: Option<u32>) -> String {
    match (y, d) {
        (Some(y), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        (Some(y), None) => format!("{y:04}-{m:02}"),
        (None, Some(d)) => format!("--{m:02}-{d:02}"),
        (None, None) => format!("--{m:02}"),
    }
}

/// The value of a Gregorian date ([`iso`]), or `None` when the month, the
/// day or the whole date does not exist.
fn ymd(y: Option<i64>, m: u32, d: Option<u32>) -> Option<String> {
    if !(1..=12).contains(&m) || d.is_some_and(|d| !(1..=31).contains(&d)) {
        return None;
    }
    if let (Some(y), Some(d)) = (y, d)
        && !valid_date(y, m, d)
    {
        return None;
    }
    Some(iso(y, m, d))
}

/// The value of a Hijri date: [`iso`] with ` AH`, and the Gregorian day
/// after it when the date is complete; `None` when the month or day does
/// not exist.
fn hijri_value(y: Option<i64>, m: u32, d: Option<u32>) -> Option<String> {
    if !(1..=12).contains(&m) || d.is_some_and(|d| !(1..=30).contains(&d)) {
        return None;
    }
    let base = iso(y, m, d);
    Some(match (y, d) {
        // The Gregorian date, when it has a four-digit year.
        (Some(y), Some(d)) => match iso_day_in_range(days_from_hijri(y, m, d)) {
            Some(g) => format!("{base} AH {g}"),
            None => format!("{base} AH"),
        },
        _ => format!("{base} AH"),
    })
}

/// The value of a date read with a month name: Hijri ([`hijri_value`]) when
/// the month or the year's era is Hijri, Gregorian ([`ymd`]) otherwise.
fn calendar_value(hijri: bool, y: Option<i64>, m: u32, d: Option<u32>) -> Option<String> {
    if hijri {
        hijri_value(y, m, d)
    } else {
        ymd(y, m, d)
    }
}

/// The two-word month names: (Hijri, first word's [`Sense::LevantHead`] or
/// [`Sense::HijriHead`], second word's [`Sense::MonthTail`], month).
const TWO_WORD_MONTHS: [(bool, u8, u8, u32); 10] = [
    // كانون الأول/الثاني, تشرين الأول/الثاني
    (false, 0, 1, 12),
    (false, 0, 2, 1),
    (false, 1, 1, 10),
    (false, 1, 2, 11),
    // ربيع الأول/الآخر, جمادى الأولى/الآخرة, ذو القعدة/الحجة
    (true, 3, 1, 3),
    (true, 3, 2, 4),
    (true, 5, 1, 5),
    (true, 5, 2, 6),
    (true, 11, 11, 11),
    (true, 11, 12, 12),
];

impl Scanner<'_> {
    pub(super) fn is_prep_before(&self, i: usize) -> bool {
        i > 0 && self.has(i - 1, |s| *s == Sense::TemporalPrep)
    }

    /// A month name at `j` (one or two words, with a paired form).
    pub(super) fn month_name(&self, j: usize) -> Option<MonthName> {
        let one = self.month_once(j)?;
        // كانون الثاني/يناير, يناير (كانون الثاني)
        let mut next = one.next;
        let mut ambiguous = one.ambiguous;
        let open = self.punct(next, &['/', '(', '-']);
        if open
            && let Some(two) = self.month_once(next + 1)
            && two.n == one.n
            && two.hijri == one.hijri
        {
            next = two.next;
            ambiguous = false;
            if self.punct(next, &[')']) {
                next += 1;
            }
        }
        Some(MonthName {
            next,
            ambiguous,
            ..one
        })
    }

    pub(super) fn month_once(&self, j: usize) -> Option<MonthName> {
        let tail = |k: usize| {
            self.pick(k, |s| match s {
                Sense::MonthTail(t) => Some(*t),
                _ => None,
            })
            .filter(|_| self.toks.get(k).is_some_and(|t| t.cut == t.start))
        };
        for s in self.senses(j) {
            match *s {
                Sense::Month { n, ambiguous } | Sense::Hijri { n, ambiguous } => {
                    return Some(MonthName {
                        n: u32::from(n),
                        hijri: matches!(s, Sense::Hijri { .. }),
                        next: j + 1,
                        ambiguous,
                    });
                }
                Sense::LevantHead(h) | Sense::HijriHead(h) => {
                    let hijri = matches!(s, Sense::HijriHead(_));
                    let t = tail(j + 1)?;
                    let &(.., n) = TWO_WORD_MONTHS
                        .iter()
                        .find(|m| (m.0, m.1, m.2) == (hijri, h, t))?;
                    return Some(MonthName {
                        n,
                        hijri,
                        next: j + 2,
                        ambiguous: false,
                    });
                }
                _ => {}
            }
        }
        None
    }

    /// Whether a word of age stands before `i` (سن، عمر، يناهز، بلغ ...).
    fn age_cue_before(&self, i: usize) -> bool {
        i > 0
            && matches!(
                self.fw(i - 1),
                "سن" | "عمر" | "يناهز" | "ناهز" | "بلغ" | "بلغت" | "يبلغ" | "تبلغ"
            )
    }

    /// A day counted by an ordinal is a date (TIMEX3's "the second day"):
    /// ⟦اليوم الثاني⟧ من المعركة, ⟦اليوم التاسع عشر من الشهر السادس⟧,
    /// ⟦اليوم السبعون بعد المئة⟧ (170) as the calendar pages write it.
    pub(super) fn ordinal_day(&self, i: usize) -> Option<Hit> {
        if !matches!(self.fw(i), "اليوم" | "يوم") {
            return None;
        }
        let o = self.ordinal(i + 1).filter(|o| o.kind == EntityKind::Ordinal && self.word(i + 1))?;
        let mut next = o.next;
        let hundreds = |k: usize| self.has(k, |s| matches!(s, Sense::Ord { n, .. } if *n >= 100));
        if self.fw(next) == "بعد" && hundreds(next + 1) {
            next += 2;
        }
        if self.fw(next) == "من"
            && self.fw(next + 1) == "الشهر"
            && let Some(m) = self.ordinal(next + 2).filter(|m| m.kind == EntityKind::Ordinal)
        {
            next = m.next;
        }
        Some(self.hit(i, next, EntityKind::Date, None))
    }

    /// A date core at `i`; `licensed` when a range or cue makes bare months
    /// and years dates.
    pub(super) fn date_core(&self, i: usize, licensed: bool) -> Option<(Hit, Shape)> {
        // The second end of a range, or the first when a second follows
        // (من 661 إلى 750): years of three digits count too.
        let counted = self.count_cue_before(i);
        let opens = i > 0 && self.has(i - 1, |s| *s == Sense::RangeOpen) && !counted;
        let in_range = self.range_next.get() == i
            || (opens && self.year_at(self.after_range_sep(i + 1)).is_some());
        let licensed = licensed || in_range || opens || (self.is_prep_before(i) && !counted);
        let min_year = if in_range { 100 } else { 1000 };
        // Numeric: 22/1/2024, 22-01-2024, 22.1.2024, 2024-01-22, 2024/1/22.
        if let Some(a) = self.digits(i)
            && let Some(sep) = ['/', '-', '.']
                .into_iter()
                .find(|c| self.punct(i + 1, &[*c]))
            && self.touch(i)
            && self.touch(i + 1)
            && let Some(b) = self.int(i + 2, 2)
            && self.punct(i + 3, &[sep])
            && self.touch(i + 2)
            && self.touch(i + 3)
            && let Some(c) = self.digits(i + 4)
            && !(self.touch(i + 4) && self.digits(i + 5).is_some())
        {
            let v = if a.len() == 4 && c.len() <= 2 {
                ymd(a.parse().ok(), b, c.parse().ok())
            } else if a.len() <= 2 && c.len() == 4 {
                let (d, m): (u32, u32) = (a.parse().ok()?, b);
                // Day first, as Arabic writes; month first only when the
                // second field cannot be a month.
                let (d, m) = if m > 12 && d <= 12 { (m, d) } else { (d, m) };
                ymd(c.parse().ok(), m, Some(d))
            } else {
                None
            };
            if let Some(v) = v {
                return Some((self.hit(i, i + 5, EntityKind::Date, Some(v)), Shape::Day));
            }
        }
        // Day + month (+ year): 22 يناير 2024, 15 رجب 1445 هـ, 3 من أيار
        if let Some(d) = self.int(i, 2).filter(|d| (1..=31).contains(d)) {
            // 3 من أيار; 24، يناير 2011 (a comma typed after the day).
            let k = if self.fw(i + 1) == "من" || self.punct(i + 1, &['،', ',']) {
                i + 2
            } else {
                i + 1
            };
            if let Some(mn) = self.month_name(k) {
                let (y, era_hijri, mut next) = self.year_after(mn.next);
                // 15 أكتوبر المقبل
                if y.is_none() && self.has(next, |s| matches!(s, Sense::RelMod(_))) {
                    next += 1;
                }
                let value = calendar_value(mn.hijri || era_hijri, y, mn.n, Some(d));
                if let Some(v) = value {
                    return Some((self.hit(i, next, EntityKind::Date, Some(v)), Shape::Day));
                }
            }
        }
        // (شهر) month (+ year)
        let (k, cue) = if self.fw(i) == "شهر" {
            (i + 1, true)
        } else {
            (i, false)
        };
        if let Some(mn) = self.month_name(k) {
            let (y, era_hijri, next) = self.year_after(mn.next);
            if y.is_some() || cue || !mn.ambiguous || (licensed && mn.next == k + 1) {
                let value = calendar_value(mn.hijri || era_hijri, y, mn.n, None);
                let shape = if y.is_some() {
                    Shape::Month
                } else {
                    Shape::Other
                };
                return Some((self.hit(i, next, EntityKind::Date, value), shape));
            }
        }
        // عام 2024, سنة 1948م, العام 1445 هـ
        if self.has(i, |s| *s == Sense::YearCue)
            && let Some((y, hijri, mut next)) = self.cued_year(i + 1)
        {
            // موسم 2004-2005, عام 2012-2013: one written token.
            if self.punct(next, &['-', '–', '/'])
                && self.touch(next - 1)
                && self.touch(next)
                && self.digits(next + 1).is_some_and(|d| d.len() == 4 || d.len() == 2)
                && !(self.touch(next + 1) && self.punct(next + 2, &['-', '/']))
            {
                next += 2;
            }
            let v = if hijri {
                format!("{y:04} AH")
            } else {
                format!("{y:04}")
            };
            return Some((self.hit(i, next, EntityKind::Date, Some(v)), Shape::Year));
        }
        // A bare year after في/منذ/حتى..., or with an era, or in a range.
        // (1974): a year alone in brackets, as the UN cites resolutions
        // and Wikipedia gives the Gregorian year beside the Hijri.
        let bracketed = |next: usize| i > 0 && self.punct(i - 1, &['(']) && self.punct(next, &[')', '=']);
        if let Some((y, hijri, next)) = self.year_at(i)
            && (next > i + 1
                || ((licensed || bracketed(next)) && (min_year..=2100).contains(&y))
                || self.year_alone(i, y))
            && !self.is_code(i)
        {
            let v = if hijri {
                format!("{y:04} AH")
            } else {
                format!("{y:04}")
            };
            return Some((self.hit(i, next, EntityKind::Date, Some(v)), Shape::Year));
        }
        // التسعينيات (القرن الماضي)
        if let Some(dec) = self.pick(i, |s| match s {
            Sense::Decade(y) => Some(*y),
            _ => None,
        }) {
            let mut next = i + 1;
            let mut century = dec / 100 + 1;
            let at = if self.fw(i + 1) == "من" {
                i + 2
            } else {
                i + 1
            };
            if let Some((c, n)) = self.century_after(at) {
                next = n;
                if let Some(c) = c {
                    century = c;
                }
            }
            let y = (century - 1) * 100 + dec % 100;
            return Some((
                self.hit(i, next, EntityKind::Date, Some(format!("{:03}X", y / 10))),
                Shape::Other,
            ));
        }
        // القرن العشرين, القرن الـ19, القرن الحادي والعشرين
        if let Some((c, next)) = self.century_after(i) {
            let v = match c {
                Some(c) => format!("{:02}XX", c.saturating_sub(1)),
                None => {
                    let n = self
                        .pick(next - 1, |s| match s {
                            Sense::RelMod(n) => Some(*n),
                            _ => None,
                        })
                        .unwrap_or(0);
                    relative(self.reference, TimeUnit::Century, i64::from(n))
                }
            };
            return Some((self.hit(i, next, EntityKind::Date, Some(v)), Shape::Other));
        }
        None
    }

    /// A DATE (or a clock duration, which is a TIME) starting at `i`.
    pub fn date(&self, i: usize) -> Option<Hit> {
        if let Some(h) = self.ordinal_day(i) {
            return Some(h);
        }
        // يوم 29 \ 1 (day \ month, as the calendar pages write it).
        if self.fw(i) == "يوم"
            && let Some(d) = self.int(i + 1, 2)
            && self.punct(i + 2, &['\\', '/'])
            && let Some(m) = self.int(i + 3, 2)
            && !self.punct(i + 4, &['\\', '/'])
            && let Some(v) = ymd(None, m, Some(d))
        {
            return Some(self.hit(i, i + 4, EntityKind::Date, Some(v)));
        }
        // في الخامسة عشرة من عمره, سن السادسة: an age, a duration (P15Y).
        if let Some(o) = self.ordinal(i).filter(|o| o.kind == EntityKind::Ordinal && self.word(i))
            && self.has(i, |s| matches!(s, Sense::Ord { fem: true, .. }))
            && (self.age_cue_before(i)
                || (self.fw(o.next) == "من"
                    && matches!(self.fw(o.next + 1), "عمره" | "عمرها" | "العمر" | "عمره،")))
        {
            let value = o.value.as_deref().map(|n| format!("P{n}Y"));
            return Some(self.hit(i, o.next, EntityKind::Date, value));
        }
        // الخامس عشر من يونيو (عام 1946): a day written as an ordinal.
        if let Some(o) = self.ordinal(i).filter(|o| o.kind == EntityKind::Ordinal && self.word(i))
            && self.fw(o.next) == "من"
            && let Some(mn) = self.month_name(o.next + 1)
            && let Some(d) = o.value.as_deref().and_then(|v| v.parse::<u32>().ok())
        {
            let (y, era_hijri, next) = self.year_after(mn.next);
            let value = calendar_value(mn.hijri || era_hijri, y, mn.n, Some(d));
            if value.is_some() {
                return Some(self.hit(i, next, EntityKind::Date, value));
            }
        }
        // يوم 20 أكتوبر 2011, يوم 29 \ 1: the cue is inside the date.
        if self.fw(i) == "يوم"
            && let Some(mut h) = self
                .weekday_date(i + 1)
                .or_else(|| self.range_or_core(i + 1))
        {
            h.start = self.cut(i);
            return Some(h);
        }
        if let Some(h) = self.named_date(i) {
            return Some(h);
        }
        if let Some(h) = self.weekday_date(i) {
            return Some(h);
        }
        if let Some(h) = self.relative_date(i) {
            return Some(h);
        }
        if let Some(h) = self.duration(i) {
            return Some(h);
        }
        // أول مارس: the first day of the month.
        if self.fw(i) == "اول"
            && let Some(mn) = self.month_name(i + 1)
            && !mn.hijri
        {
            let (y, _, next) = self.year_after(mn.next);
            return Some(self.hit(i, next, EntityKind::Date, ymd(y, mn.n, Some(1))));
        }
        if let Some(h) = self.year_part(i) {
            return Some(h);
        }
        if let Some(h) = self.plural_period(i) {
            return Some(h);
        }
        // مطلع العام: the current year, month, week.
        if self.has(i, |s| *s == Sense::Edge)
            && self.date_core(i + 1, true).is_none()
            && self.relative_date(i + 1).is_none()
            && let Some(unit) = self.pick(i + 1, |s| match s {
                Sense::Period {
                    unit,
                    definite: true,
                    ..
                } => Some(*unit),
                _ => None,
            })
        {
            return Some(self.hit(
                i,
                i + 2,
                EntityKind::Date,
                Some(relative(self.reference, unit, 0)),
            ));
        }
        // مطلع العام المقبل, أواخر 2023, منتصف يناير
        if self.has(i, |s| *s == Sense::Edge)
            && let Some(mut h) = self
                .date_core(i + 1, true)
                .map(|x| x.0)
                .or_else(|| self.relative_date(i + 1))
        {
            h.start = self.cut(i);
            return Some(h);
        }
        self.range_or_core(i)
    }

    pub(super) fn range_or_core(&self, i: usize) -> Option<Hit> {
        // Each end of a range is its own mention and the preposition is
        // outside (من ⟦2010⟧ إلى ⟦2015⟧); one written token is one mention
        // (⟦2010-2015⟧), and so is a range whose first end is a bare day
        // that takes its month from the second (⟦10 - 15 مارس 2024⟧).
        let open = self.has(i, |s| *s == Sense::RangeOpen);
        if open && self.toks.get(i).is_some_and(|t| t.cut == t.start) {
            return None;
        }
        if let Some(h) = self.day_range(i) {
            return Some(h);
        }
        let dashed = self.year_at(i).is_some()
            && self.punct(i + 1, &['-', '–', '—'])
            && self.touch(i)
            && self.touch(i + 1)
            && self.year_at(i + 2).is_some();
        let (a, shape_a) = self.date_core(i, dashed)?;
        if dashed
            && a.next == i + 1
            && let Some((b, _)) = self.date_core(i + 2, true)
            && shape_a == Shape::Year
        {
            let value = match (&a.value, &b.value) {
                (Some(x), Some(y)) => Some(format!("{x}/{y}")),
                _ => None,
            };
            return Some(self.hit(i, b.next, EntityKind::Date, value));
        }
        Some(a)
    }

    /// A bare day, a separator and a day-month date: ⟦1-6 سبتمبر 1961⟧.
    fn day_range(&self, i: usize) -> Option<Hit> {
        let d = self.int(i, 2).filter(|d| (1..=31).contains(d))?;
        let sep = i + 1;
        let is_sep = self.punct(sep, &['-', '–', '—'])
            || matches!(self.fw(sep), "الي" | "حتي" | "و");
        if !is_sep || self.month_name(i + 1).is_some() {
            return None;
        }
        let (b, shape) = self.date_core(sep + 1, true)?;
        if shape != Shape::Day || self.digits(sep + 1).is_none() {
            return None;
        }
        let value = b.value.map(|v| {
            let cut = v.len().saturating_sub(2);
            format!("{}{d:02}/{v}", &v[..cut])
        });
        Some(self.hit(i, b.next, EntityKind::Date, value))
    }

    /// الأيام المقبلة, الأشهر الستة الماضية, الساعات الـ24 الماضية: a
    /// stretch before or after the reference (no value).
    pub(super) fn plural_period(&self, i: usize) -> Option<Hit> {
        let unit = self.pick(i, |s| match s {
            Sense::PluralPeriod(u) => Some(*u),
            _ => None,
        })?;
        let mut k = i + 1;
        // An optional count: الستة, الأربع والعشرين, الـ24, 24.
        if self.has(k, |s| matches!(s, Sense::DefCard(_))) {
            k += 1;
        } else if self.has(k, |s| *s == Sense::Article) && self.digits(k + 1).is_some() {
            k += 2;
        } else if self.digits(k).is_some() {
            k += 1;
        }
        if k > i + 1
            && self.toks.get(k).is_some_and(|t| t.wa)
            && self.has(k, |s| matches!(s, Sense::Ord { n, .. } if *n >= 20))
        {
            k += 1;
        }
        if !self.has(k, |s| matches!(s, Sense::RelMod(_)))
            && !matches!(self.fw(k), "الاخيره" | "الاولي")
        {
            return None;
        }
        let kind = if unit.is_clock() {
            EntityKind::Time
        } else {
            EntityKind::Date
        };
        Some(self.hit(i, k + 1, kind, None))
    }

    /// الربع الأول (من 2023), النصف الثاني من العام: `2023-Q1`, `XXXX-H2`.
    pub(super) fn year_part(&self, i: usize) -> Option<Hit> {
        let parts = self.pick(i, |s| match s {
            Sense::YearPart(p) => Some(*p),
            _ => None,
        })?;
        let n = if self.fw(i + 1) == "الاخير" {
            parts
        } else {
            self.pick(i + 1, |s| match s {
                Sense::Ord { n, .. } => Some(*n),
                _ => None,
            })?
        };
        if n == 0 || n > parts {
            return None;
        }
        let mut next = i + 2;
        let mut year = "XXXX".to_string();
        if self.fw(next) == "من" {
            let k = next + 1;
            if let Some((y, _, after)) = self.year_at(k) {
                year = format!("{y:04}");
                next = after;
            } else if self.has(k, |s| *s == Sense::YearCue) {
                if let Some((y, _, after)) = self.year_at(k + 1) {
                    year = format!("{y:04}");
                    next = after;
                } else if let Some(m) = self.pick(k + 1, |s| match s {
                    Sense::RelMod(m) => Some(*m),
                    _ => None,
                }) {
                    if let Some(y) = self.reference.map(|r| r.date().0 + i64::from(m))
                        && in_year_range(y)
                    {
                        year = format!("{y:04}");
                    }
                    next = k + 2;
                } else {
                    next = k + 1;
                }
            }
        }
        let letter = if parts == 4 { 'Q' } else { 'H' };
        Some(self.hit(
            i,
            next,
            EntityKind::Date,
            Some(format!("{year}-{letter}{n}")),
        ))
    }

}
