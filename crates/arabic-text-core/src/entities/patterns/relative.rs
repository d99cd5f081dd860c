//! Relative DATE expressions (أمس، الأسبوع الماضي، منذ ثلاثة أيام), weekdays
//! and durations, resolved against the request's reference moment when it
//! has one.

use super::calendar::{Reference, in_year_range, iso_day_in_range, iso_week, weekday};
use super::lexicon::{Card, Sense, TimeUnit};
use super::scan::{Hit, Scanner, Shape};
use crate::entities::kinds::EntityKind;

/// A relative value: resolved against the reference, or `P-1D` style
/// without one, or when the resolved value would name a year outside
/// 0001..9999 (which four ISO 8601 digits cannot write).
pub fn relative(reference: Option<Reference>, unit: TimeUnit, n: i64) -> String {
    reference
        .and_then(|r| resolve(r, unit, n))
        .unwrap_or_else(|| {
            let (d, k) = unit.designator();
            let t = if unit.is_clock() { "T" } else { "" };
            format!("P{t}{}{d}", n.saturating_mul(k as i64))
        })
}

/// The value of `n` `unit`s from the reference, if its year is in 0001..9999.
fn resolve(r: Reference, unit: TimeUnit, n: i64) -> Option<String> {
    let (y, m, _) = r.date();
    let year = |y: i64| in_year_range(y).then_some(y);
    Some(match unit {
        TimeUnit::Day => iso_day_in_range(r.day.checked_add(n)?)?,
        TimeUnit::Week => {
            // The ISO week's year is its Thursday's.
            let day = r.day.checked_add(n.checked_mul(7)?)?;
            iso_day_in_range(day - i64::from(weekday(day)) + 4)?;
            iso_week(day)
        }
        TimeUnit::Month => {
            let total = (y * 12 + i64::from(m) - 1).checked_add(n)?;
            let y = year(total.div_euclid(12))?;
            format!("{y:04}-{:02}", total.rem_euclid(12) + 1)
        }
        TimeUnit::Year => format!("{:04}", year(y.checked_add(n)?)?),
        TimeUnit::Decade => {
            let y = year(y.checked_add(n.checked_mul(10)?)?)?;
            format!("{:03}X", y.div_euclid(10))
        }
        TimeUnit::Century => {
            let y = year(y.checked_add(n.checked_mul(100)?)?)?;
            format!("{:02}XX", y.div_euclid(100))
        }
        TimeUnit::Hour | TimeUnit::Minute | TimeUnit::Second => {
            let secs = match unit {
                TimeUnit::Hour => 3600,
                TimeUnit::Minute => 60,
                _ => 1,
            };
            let t = (r.day * 86_400 + i64::from(r.second)).checked_add(n.checked_mul(secs)?)?;
            let day = t.div_euclid(86_400);
            let s = t.rem_euclid(86_400);
            format!(
                "{}T{:02}:{:02}",
                iso_day_in_range(day)?,
                s / 3600,
                (s % 3600) / 60
            )
        }
    })
}

impl Scanner<'_> {
    /// (يوم) الاثنين (22 يناير 2024 | الماضي | المقبل)
    pub(super) fn weekday_date(&self, i: usize) -> Option<Hit> {
        let j = if self.has(i, |s| *s == Sense::DayNoun) {
            i + 1
        } else {
            i
        };
        let wd = self.pick(j, |s| match s {
            Sense::Weekday(w) => Some(u32::from(*w)),
            _ => None,
        })?;
        // صلاة الجمعة, خطبة الجمعة: a prayer, not a day.
        if j == i && i > 0 && matches!(self.fw(i - 1), "صلاه" | "خطبه" | "سوره") {
            return None;
        }
        let mut k = j + 1;
        if self.punct(k, &['،', ',']) {
            k += 1;
        }
        if self.fw(k) == "الموافق" {
            k += 1;
        }
        if let Some((h, Shape::Day)) = self.date_core(k, false) {
            return Some(self.hit(i, h.next, EntityKind::Date, h.value));
        }
        let rel = self.pick(j + 1, |s| match s {
            Sense::RelMod(n) => Some(*n),
            _ => None,
        });
        let next = if rel.is_some() { j + 2 } else { j + 1 };
        let unresolved = match rel {
            None => format!("XXXX-WXX-{wd}"),
            Some(n) => format!("P{n}W-{wd}"),
        };
        let value = match self.reference {
            None => unresolved,
            Some(r) => {
                let today = i64::from(weekday(r.day));
                let wd = i64::from(wd);
                let day = match rel {
                    Some(n) if n < 0 => r.day - (today - wd - 1).rem_euclid(7) - 1,
                    Some(n) if n > 0 => r.day + (wd - today - 1).rem_euclid(7) + 1,
                    _ => {
                        let back = (today - wd).rem_euclid(7);
                        if back <= 3 {
                            r.day - back
                        } else {
                            r.day + 7 - back
                        }
                    }
                };
                iso_day_in_range(day).unwrap_or(unresolved)
            }
        };
        Some(self.hit(i, next, EntityKind::Date, Some(value)))
    }

    /// اليوم, أمس, غدا, يوم أمس, أول أمس, بعد غد, الأسبوع الماضي, هذا العام.
    pub(super) fn relative_date(&self, i: usize) -> Option<Hit> {
        let day = |k: usize| {
            self.pick(k, |s| match s {
                Sense::RelDay(n) => Some(*n),
                _ => None,
            })
        };
        let w = self.fw(i);
        let (n, next) = if self.has(i, |s| *s == Sense::DayNoun)
            && day(i + 1).is_some_and(|n| n != 0 || w != "يوم")
        {
            (day(i + 1)?, i + 2)
        } else if w == "اول"
            && (self.fw(i + 1) == "امس" || (self.fw(i + 1) == "من" && self.fw(i + 2) == "امس"))
        {
            (
                -2,
                if self.fw(i + 1) == "من" {
                    i + 3
                } else {
                    i + 2
                },
            )
        } else if w == "بعد" && self.fw(i + 1) == "غد" {
            (2, i + 2)
        } else if let Some(n) = day(i) {
            // لليوم الخامس: the fifth day, not today.
            if n == 0 && self.has(i + 1, |s| matches!(s, Sense::Ord { .. })) {
                return None;
            }
            if n == -1 && self.fw(i + 1) == "الاول" {
                (-2, i + 2)
            } else {
                (n, i + 1)
            }
        } else {
            // الأسبوع الماضي / هذا العام
            let (k, this) = if matches!(w, "هذا" | "هذه") {
                (i + 1, true)
            } else {
                (i, false)
            };
            let unit = self.pick(k, |s| match s {
                Sense::Period {
                    unit,
                    definite: true,
                    ..
                } => Some(*unit),
                _ => None,
            })?;
            let (n, next) = if this {
                (0, k + 1)
            } else {
                let n = self.pick(k + 1, |s| match s {
                    Sense::RelMod(n) => Some(*n),
                    _ => None,
                })?;
                (n, k + 2)
            };
            let kind = if unit.is_clock() {
                EntityKind::Time
            } else {
                EntityKind::Date
            };
            return Some(self.hit(
                i,
                next,
                kind,
                Some(relative(self.reference, unit, i64::from(n))),
            ));
        };
        Some(self.hit(
            i,
            next,
            EntityKind::Date,
            Some(relative(self.reference, TimeUnit::Day, i64::from(n))),
        ))
    }

    /// Durations (ثلاثة أيام, 24 ساعة, يومين) and offsets (منذ ثلاثة أيام,
    /// بعد أسبوعين, قبل عام).
    pub(super) fn duration(&self, i: usize) -> Option<Hit> {
        let dir = self.pick(i, |s| match s {
            Sense::Direction(d) => Some(*d),
            _ => None,
        });
        let j = if dir.is_some() { i + 1 } else { i };
        // كل أربع سنوات: a frequency, not a date.
        if j > 0 && self.fw(j - 1) == "كل" {
            return None;
        }
        let period = |k: usize| {
            self.pick(k, |s| match s {
                Sense::Period {
                    unit,
                    count,
                    definite: false,
                } => Some((*unit, *count)),
                _ => None,
            })
            .filter(|_| self.toks.get(k).is_some_and(|t| t.cut == t.start))
        };
        // نصف ساعة, ربع ساعة
        if dir.is_none()
            && let Some(f) = self.pick(j, |s| match s {
                Sense::Card(Card::Fraction(f)) => Some(*f),
                _ => None,
            })
            && self.fw(j + 1) == "ساعه"
        {
            return Some(self.hit(i, j + 2, EntityKind::Time, Some(format!("PT{}M", 60 / f))));
        }
        let (count, unit, next) = if let Some((unit, 2)) = period(j) {
            ("2".to_string(), unit, j + 1)
        } else if let Some(n) = self.number(j)
            && let Some((unit, 0)) = period(n.next)
        {
            (n.value, unit, n.next + 1)
        } else if let Some((unit, 0)) = period(j)
            && matches!(self.fw(j + 1), "واحد" | "واحده")
        {
            ("1".to_string(), unit, j + 2)
        } else {
            return None;
        };
        let whole: Option<i64> = count.parse().ok();
        if whole == Some(0) || count.len() > 12 {
            return None;
        }
        let kind = if unit.is_clock() {
            EntityKind::Time
        } else {
            EntityKind::Date
        };
        let (des, k) = unit.designator();
        let t = if unit.is_clock() { "T" } else { "" };
        // ساعتين ونصف: PT2H30M
        let half = unit == TimeUnit::Hour
            && self.toks.get(next).is_some_and(|t| t.wa)
            && self.has(next, |s| *s == Sense::Card(Card::Fraction(2)));
        // قبل ثلاث ساعات من الإقلاع: before an event, not before now.
        let dir = dir.filter(|_| self.fw(next) != "من");
        // The preposition governs the duration and stays outside (منذ
        // ⟦ثلاثة أيام⟧); it still gives the value its direction.
        let i = j;
        let value = match (dir, whole) {
            (Some(d), Some(c)) if !half => relative(self.reference, unit, i64::from(d) * c),
            (Some(_), _) => return None,
            (None, Some(c)) if half => format!("PT{c}H30M"),
            (None, Some(c)) => format!("P{t}{}{des}", c * k as i64),
            (None, None) if k == 1 => format!("P{t}{count}{des}"),
            (None, None) => return None,
        };
        let next = if half { next + 1 } else { next };
        Some(self.hit(i, next, kind, Some(value)))
    }
}
