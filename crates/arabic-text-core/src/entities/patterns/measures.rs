//! PERCENT, MONEY and QUANTITY: a number with a percent sign or word, a
//! currency (word, symbol or ISO code, before or after), or a unit.

use super::lexicon::Sense;
use super::numbers::{Num, shift};
use super::scan::{Hit, Scanner};
use crate::entities::kinds::EntityKind;

/// Currency symbols and their codes.
const SYMBOLS: [(char, &str); 5] = [
    ('$', "USD"),
    ('€', "EUR"),
    ('£', "GBP"),
    ('¥', "JPY"),
    ('₪', "ILS"),
];

/// ISO 4217 codes written in Latin letters that the scanner accepts.
const CODES: [&str; 24] = [
    "usd", "eur", "gbp", "jpy", "cny", "chf", "sar", "aed", "qar", "kwd", "bhd", "omr", "jod",
    "iqd", "egp", "lbp", "syp", "try", "mad", "dzd", "tnd", "lyd", "ils", "rub",
];

/// Latin scale words after a symbol amount ($5 million, $3bn).
fn latin_scale(w: &str) -> Option<u32> {
    match w {
        "k" | "thousand" => Some(3),
        "m" | "mn" | "million" | "millions" => Some(6),
        "b" | "bn" | "billion" | "billions" => Some(9),
        "trillion" | "tn" => Some(12),
        _ => None,
    }
}

impl Scanner<'_> {
    fn symbol(&self, i: usize) -> Option<&'static str> {
        SYMBOLS
            .iter()
            .find(|(c, _)| self.punct(i, &[*c]))
            .map(|(_, code)| *code)
    }

    fn code(&self, i: usize) -> Option<&'static str> {
        if !self.latin(i) {
            return None;
        }
        let w = self.fw(i);
        CODES.iter().find(|c| **c == w).map(|_| match w {
            "usd" => "USD",
            "eur" => "EUR",
            "gbp" => "GBP",
            "jpy" => "JPY",
            "cny" => "CNY",
            "chf" => "CHF",
            "sar" => "SAR",
            "aed" => "AED",
            "qar" => "QAR",
            "kwd" => "KWD",
            "bhd" => "BHD",
            "omr" => "OMR",
            "jod" => "JOD",
            "iqd" => "IQD",
            "egp" => "EGP",
            "lbp" => "LBP",
            "syp" => "SYP",
            "try" => "TRY",
            "mad" => "MAD",
            "dzd" => "DZD",
            "tnd" => "TND",
            "lyd" => "LYD",
            "ils" => "ILS",
            _ => "RUB",
        })
    }

    /// A currency after an amount at `j`: (code, index after).
    fn currency_after(&self, j: usize) -> Option<(&'static str, usize)> {
        if let Some(code) = self.symbol(j).or_else(|| self.code(j)) {
            return Some((code, j + 1));
        }
        let code = self.pick(j, |s| match s {
            Sense::Currency(c) => Some(*c),
            _ => None,
        })?;
        if self.toks.get(j).is_some_and(|t| t.cut != t.start) {
            return None;
        }
        let adj = self.pick(j + 1, |s| match s {
            Sense::CurrencyAdj(c) => Some(*c),
            _ => None,
        });
        // "جنيه إسترليني" is GBP; "دولار أمريكي" USD; the adjective decides.
        Some(match adj {
            Some(a) => (a, j + 2),
            None => (code, j + 1),
        })
    }

    /// A unit after an amount at `j`: (code, index after).
    fn unit_after(&self, j: usize) -> Option<(String, usize)> {
        if self.toks.get(j).is_some_and(|t| t.cut != t.start) {
            return None;
        }
        // 26°م, 33 °مئوية, 100 °C, 40°: degrees written with the sign.
        if self.punct(j, &['°']) {
            let whole = self.toks.get(j + 1).is_some_and(|t| t.cut == t.start);
            return Some(match self.fw(j + 1) {
                "م" | "مئويه" | "c" if whole => ("degC".to_string(), j + 2),
                "ف" | "فهرنهايت" | "f" if whole => ("degF".to_string(), j + 2),
                _ => ("deg".to_string(), j + 1),
            });
        }
        // 35 مئوية: degrees with the scale word alone.
        if self.pick(j, |s| match s {
            Sense::MeasureAdj(c) => Some(*c),
            _ => None,
        }) == Some("C")
            && self.fw(j) == "مئويه"
        {
            return Some(("degC".to_string(), j + 1));
        }
        let unit = self.pick(j, |s| match s {
            Sense::Measure(c) => Some(*c),
            _ => None,
        })?;
        // كم2, كم², م3: the power written on the unit.
        if self.touch(j)
            && (self.digits(j + 1).is_some_and(|d| d == "2" || d == "3")
                || self.punct(j + 1, &['²', '³']))
            && !(self.touch(j + 1) && self.digits(j + 2).is_some())
        {
            let p = if self.punct(j + 1, &['³']) || self.digits(j + 1) == Some("3") {
                "3"
            } else {
                "2"
            };
            return Some((format!("{unit}{p}"), j + 2));
        }
        let adj = self.pick(j + 1, |s| match s {
            Sense::MeasureAdj(c) => Some(*c),
            _ => None,
        });
        Some(match (unit, adj) {
            ("pt", Some("bp")) => ("bp".to_string(), j + 2),
            ("pt", Some("C")) => ("pp".to_string(), j + 2),
            ("pt", _) => return None,
            ("deg", Some("C")) => ("degC".to_string(), j + 2),
            ("deg", Some("F")) => ("degF".to_string(), j + 2),
            (u, Some(p @ ("2" | "3"))) if u != "deg" => (format!("{u}{p}"), j + 2),
            (u, _) => (u.to_string(), j + 1),
        })
    }

    /// Whether the م after the amount at `i` is the metre, not the era (عام
    /// 642م): the amount has decimals (3.5م) or cannot be a year (4638م), or
    /// a length word comes just before it (ارتفاع 143م, بعمق 20 م).
    fn metre_after(&self, i: usize, n: &Num) -> bool {
        let j = n.next;
        self.fw(j) == "م"
            && self.toks.get(j).is_some_and(|t| t.cut == t.start)
            && !n.spelled
            && (n.value.contains('.')
                || n.value.parse::<f64>().is_ok_and(|v| v > 2100.0)
                || self.length_cue_before(i))
    }

    /// Whether a length word stands one or two words before `i` (ارتفاع،
    /// بطول، عمقه ...), which makes a following م the metre.
    pub(super) fn length_cue_before(&self, i: usize) -> bool {
        const LENGTH: [&str; 12] = [
            "ارتفاع", "ارتفاعه", "ارتفاعها", "طول", "طوله", "طولها", "عمق", "عمقه", "عمقها", "عرض",
            "علو", "مسافه",
        ];
        (i.saturating_sub(2)..i).any(|k| {
            let w = self.fw(k);
            LENGTH.contains(&w) || w.strip_prefix('ب').is_some_and(|w| LENGTH.contains(&w))
        })
    }

    /// Whether a percent word or sign follows at `j`: the index after it.
    fn percent_after(&self, j: usize) -> Option<usize> {
        if self.punct(j, &['%', '٪']) {
            return Some(j + 1);
        }
        if self.has(j, |s| *s == Sense::PercentWord { needs_fi: false }) {
            return Some(j + 1);
        }
        (self.fw(j) == "في" && self.has(j + 1, |s| *s == Sense::PercentWord { needs_fi: true }))
            .then_some(j + 2)
    }

    /// PERCENT, MONEY or QUANTITY starting at `i`. Two amounts that share
    /// one unit, sign or currency are one mention (⟦830-880 مترا⟧,
    /// ⟦27 و 30٪⟧, ⟦10.9 و 10.4 نقطة مئوية⟧, ⟦9 إلى 17 درجة⟧).
    pub fn measure(&self, i: usize) -> Option<Hit> {
        if let Some(a) = self.number(i)
            && self.measure_one(i).is_none()
        {
            let sep = a.next;
            let is_sep = self.punct(sep, &['-', '–'])
                || matches!(self.fw(sep), "و" | "الي" | "حتي" | "او");
            if is_sep
                && let Some(b) = self.measure_one(sep + 1)
                && self.number(sep + 1).is_some_and(|n| n.next < b.next)
            {
                let value = b.value.map(|v| match v.split_once(' ') {
                    Some((n, unit)) => format!("{}/{n} {unit}", a.value),
                    None => format!("{}/{v}", a.value),
                });
                return Some(self.hit(i, b.next, b.kind, value));
            }
        }
        self.measure_one(i)
    }

    /// One amount with its unit, sign or currency at `i`.
    fn measure_one(&self, i: usize) -> Option<Hit> {
        // A symbol or code before the amount: $5, US$ 5, USD 5, € 3.5 مليار.
        let pre = self.symbol(i).map(|c| (c, i + 1)).or_else(|| {
            if self.fw(i) == "us" && self.symbol(i + 1) == Some("USD") && self.touch(i) {
                Some(("USD", i + 2))
            } else {
                self.code(i).map(|c| (c, i + 1))
            }
        });
        if let Some((code, j)) = pre {
            let n = self.number(j)?;
            let mut next = n.next;
            let mut value = n.value;
            if let Some(exp) = latin_scale(self.fw(next)).filter(|_| self.latin(next)) {
                value = shift(&value, exp);
                next += 1;
            }
            return Some(self.hit(i, next, EntityKind::Money, Some(format!("{value} {code}"))));
        }
        // %5 (the sign written first, as right-to-left typing often does).
        if self.punct(i, &['%', '٪']) && self.touch(i) {
            let n = self.digit_number(i + 1)?;
            return Some(self.hit(
                i,
                n.next,
                EntityKind::Percent,
                Some(format!("{}%", n.value)),
            ));
        }
        let n: Num = self.number(i)?;
        let j = n.next;
        if let Some(next) = self.percent_after(j) {
            return Some(self.hit(i, next, EntityKind::Percent, Some(format!("{}%", n.value))));
        }
        if let Some((code, next)) = self.currency_after(j) {
            return Some(self.hit(
                i,
                next,
                EntityKind::Money,
                Some(format!("{} {code}", n.value)),
            ));
        }
        // 5 ملايين من الدولارات
        if self.fw(j) == "من"
            && let Some((code, next)) = self.currency_after(j + 1)
            && self.fw(j + 1) == "الدولارات"
        {
            return Some(self.hit(
                i,
                next,
                EntityKind::Money,
                Some(format!("{} {code}", n.value)),
            ));
        }
        if self.metre_after(i, &n) {
            return Some(self.hit(i, j + 1, EntityKind::Quantity, Some(format!("{} m", n.value))));
        }
        if let Some((unit, next)) = self.unit_after(j) {
            return Some(self.hit(
                i,
                next,
                EntityKind::Quantity,
                Some(format!("{} {unit}", n.value)),
            ));
        }
        None
    }
}
