//! TIME: clock times in digits (`6:26 م`, `14:00`), hours in words
//! (`الساعة العاشرة صباحا`, `الثالثة عصرا`, `الساعة الخامسة والنصف`),
//! midnight and noon, each with an optional zone (`بتوقيت غرينتش`, `GMT`).

use super::lexicon::{Card, DayPart, Sense};
use super::scan::{Hit, Scanner};
use crate::entities::kinds::EntityKind;

/// The 24-hour hour of `h` (as written) in part of day `dp`.
pub fn shift_hour(h: u32, dp: Option<DayPart>) -> u32 {
    match dp {
        Some(DayPart::Am) if h == 12 => 0,
        Some(DayPart::Pm) if h < 12 => h + 12,
        Some(DayPart::Noon) if (1..=5).contains(&h) => h + 12,
        Some(DayPart::Night) if (6..12).contains(&h) => h + 12,
        Some(DayPart::Night) if h == 12 => 0,
        _ => h,
    }
}

impl Scanner<'_> {
    fn day_part(&self, k: usize, letters_ok: bool) -> Option<DayPart> {
        let w = self.fw(k);
        if !letters_ok && (w == "م" || w == "ص") {
            return None;
        }
        if self.latin(k) {
            return match w {
                "am" => Some(DayPart::Am),
                "pm" => Some(DayPart::Pm),
                _ => None,
            };
        }
        if self.toks.get(k).is_some_and(|t| t.cut != t.start) {
            return None;
        }
        self.pick(k, |s| match s {
            Sense::DayPart(d) => Some(*d),
            _ => None,
        })
    }

    /// A zone after a time at `k`: (suffix, index after).
    fn zone(&self, k: usize) -> Option<(String, usize)> {
        let z = |i: usize| {
            self.pick(i, |s| match s {
                Sense::Zone(z) => Some(*z),
                _ => None,
            })
        };
        if self.latin(k)
            && let Some(z) = z(k)
        {
            return Some((z.to_string(), k + 1));
        }
        // ت.غ / ت غ (توقيت غرينتش).
        if self.fw(k) == "ت" {
            let j = if self.punct(k + 1, &['.']) {
                k + 2
            } else {
                k + 1
            };
            if self.fw(j) == "غ" {
                return Some(("Z".to_string(), j + 1));
            }
        }
        if !self.has(k, |s| *s == Sense::ZoneCue) {
            return None;
        }
        let zone = z(k + 1)?;
        let mut next = k + 2;
        if matches!(self.fw(next), "المكرمه" | "المحلي") {
            next += 1;
        }
        let suffix = if zone.contains('/') {
            format!(" {zone}")
        } else {
            zone.to_string()
        };
        Some((suffix, next))
    }

    /// A TIME starting at `i`.
    pub fn time(&self, i: usize) -> Option<Hit> {
        // منتصف الليل / منتصف النهار
        if self.has(i, |s| *s == Sense::Middle)
            && let Some(h) = self.pick(i + 1, |s| match s {
                Sense::NightOrDay(h) => Some(*h),
                _ => None,
            })
        {
            return Some(self.hit(i, i + 2, EntityKind::Time, Some(format!("{h:02}:00"))));
        }
        let hour_word = self.has(i, |s| *s == Sense::Hour);
        let j = if hour_word { i + 1 } else { i };
        let (h, m, s, mut k, colon) = if let Some(h) = self.int(j, 2)
            && self.punct(j + 1, &[':'])
            && self.touch(j)
            && self.touch(j + 1)
            && let Some(mi) = self.digits(j + 2).filter(|d| d.len() == 2)
        {
            let mi: u32 = mi.parse().ok()?;
            let mut k = j + 3;
            let mut sec = None;
            if self.punct(k, &[':'])
                && self.touch(k - 1)
                && let Some(s) = self.digits(k + 1).filter(|d| d.len() == 2)
            {
                sec = s.parse::<u32>().ok();
                k += 2;
            }
            // 3:16 inside a verse reference or a score is not a time unless
            // it is marked: keep it only with a cue or an hour below 24.
            (h, mi, sec, k, true)
        } else if let Some((h, k)) = self.hour_words(j) {
            (h, 0, None, k, false)
        } else if let Some(h) = self.int(j, 2).filter(|h| *h <= 24) {
            if !hour_word && self.day_part(j + 1, false).is_none() {
                return None;
            }
            if self.touch(j) && !self.punct(j + 1, &['،', ',', '.']) {
                return None;
            }
            (h, 0, None, j + 1, false)
        } else {
            return None;
        };
        let mut m = m;
        let mut h = h;
        if !colon {
            if let Some(add) = self.pick(k, |s| match s {
                Sense::Minutes(v) => Some(*v),
                _ => None,
            }) {
                m = add;
                k += 1;
            } else if self.fw(k) == "الا" && matches!(self.fw(k + 1), "ربعا" | "ربع") {
                h = if h == 0 { 23 } else { h - 1 };
                m = 45;
                k += 2;
            }
        }
        let dp = self.day_part(k, colon);
        if dp.is_some() {
            k += 1;
        }
        if !hour_word && !colon && dp.is_none() {
            return None;
        }
        let h24 = shift_hour(h, dp);
        if h24 > 24 || m >= 60 || s.is_some_and(|s| s >= 60) {
            return None;
        }
        let h24 = if h24 == 24 { 0 } else { h24 };
        let mut value = match s {
            Some(s) => format!("{h24:02}:{m:02}:{s:02}"),
            None => format!("{h24:02}:{m:02}"),
        };
        if let Some((z, next)) = self.zone(k) {
            value.push_str(&z);
            k = next;
        }
        Some(self.hit(i, k, EntityKind::Time, Some(value)))
    }

    /// An hour in words at `j` (الواحدة .. الثانية عشرة): (hour, index after).
    fn hour_words(&self, j: usize) -> Option<(u32, usize)> {
        if let Some(v) = self.pick(j, |s| match s {
            Sense::OrdTeenHead(v) if *v <= 12 => Some(*v),
            _ => None,
        }) && self.bare_senses(j + 1).contains(&Sense::Card(Card::Teen))
        {
            return Some((v, j + 2));
        }
        self.pick(j, |s| match s {
            Sense::Ord { n, fem: true } if *n <= 10 => Some(*n),
            _ => None,
        })
        .map(|n| (n, j + 1))
    }
}
