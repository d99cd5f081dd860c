//! Numbers in digits (any script, with thousands and decimal separators and
//! an optional scale word) and spelled out (compounds with و, teens, scale
//! words, duals, fractions of a scale), and ordinals.

use super::lexicon::{Card, Sense};
use super::scan::{Class, Hit, MAX_RUN, Scanner};
use crate::entities::kinds::EntityKind;

/// A number read at some token.
#[derive(Clone, Debug, PartialEq)]
pub struct Num {
    /// Index after its last token.
    pub next: usize,
    /// Its value as a plain decimal with ASCII digits.
    pub value: String,
    /// Whether it was spelled out (no digits).
    pub spelled: bool,
    /// The integer in the first digit token (for years, days, hours).
    pub first_int: Option<u64>,
    /// Whether it is a single digit run with no separators or scale.
    pub plain: bool,
}

/// `s` (a plain decimal) times 10^exp, without floating point.
pub fn shift(s: &str, exp: u32) -> String {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut digits = String::with_capacity(int.len() + exp as usize + 1);
    digits.push_str(int);
    let e = exp as usize;
    let (moved, rest) = if frac.len() > e {
        (&frac[..e], &frac[e..])
    } else {
        (frac, "")
    };
    digits.push_str(moved);
    for _ in moved.len()..e {
        digits.push('0');
    }
    let trimmed = digits.trim_start_matches('0');
    let int = if trimmed.is_empty() { "0" } else { trimmed };
    let rest = rest.trim_end_matches('0');
    if rest.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{rest}")
    }
}

fn scale_of(s: &Sense) -> Option<(u32, u32, bool)> {
    match s {
        Sense::Card(Card::Scale { exp, count }) => Some((*exp, *count, false)),
        Sense::Card(Card::PluralScale(exp)) => Some((*exp, 0, true)),
        _ => None,
    }
}

impl Scanner<'_> {
    /// Whether digit token `i` is part of a code (F16, كوفيد-19, 4G).
    pub fn is_code(&self, i: usize) -> bool {
        let before_latin = i > 0 && self.touch(i - 1) && self.latin(i - 1);
        let after_latin = self.touch(i) && self.latin(i + 1);
        let dash_code = i > 1
            && self.punct(i - 1, &['-', '_'])
            && self.touch(i - 1)
            && self.touch(i - 2)
            && self.word(i - 2);
        // iPhone 15, Windows 11: a model number after a Latin name.
        let after_name =
            i > 0 && !self.touch(i - 1) && self.latin(i - 1) && self.fw(i - 1).len() > 1;
        before_latin || after_latin || dash_code || after_name
    }

    /// A number in digits at `i`: separators, decimals and a scale word.
    pub fn digit_number(&self, i: usize) -> Option<Num> {
        let d = self.digits(i)?;
        if self.is_code(i) {
            return None;
        }
        let mut value = d.to_string();
        let mut j = i + 1;
        let mut plain = true;
        let mut groups = 0;
        // Thousands: 1,000,000, 15،000, 24٬140, and 4.480.000 (dots only
        // with two groups or more: 4.480 is a decimal).
        let dotted = self.punct(j, &['.'])
            && self.punct(j + 2, &['.'])
            && (0..2).all(|g| {
                let k = j + 2 * g;
                self.touch(k - 1) && self.touch(k) && self.digits(k + 1).is_some_and(|d| d.len() == 3)
            });
        let seps: &[char] = if dotted { &['.'] } else { &[',', '٬', '،'] };
        while groups < MAX_RUN
            && self.punct(j, seps)
            && self.touch(j - 1)
            && self.touch(j)
            && self.digits(j + 1).is_some_and(|g| g.len() == 3)
            && !(self.touch(j + 1) && self.digits(j + 2).is_some())
        {
            value.push_str(self.digits(j + 1).unwrap_or(""));
            j += 2;
            groups += 1;
            plain = false;
        }
        // A decimal comma (51,2%, 81،9): one or two digits after it.
        if !dotted
            && self.punct(j, &[',', '،'])
            && self.touch(j - 1)
            && self.touch(j)
            && let Some(f) = self.digits(j + 1).filter(|f| f.len() <= 2)
            && !(self.touch(j + 1) && self.punct(j + 2, &[',', '،']))
        {
            value.push('.');
            value.push_str(f);
            j += 2;
            plain = false;
        }
        if !dotted && self.punct(j, &['.', '٫'])
            && self.touch(j - 1)
            && self.touch(j)
            && let Some(f) = self.digits(j + 1)
        {
            // 22.1.2024 is a date, not 22.1 and 2024.
            if !(self.punct(j + 2, &['.']) && self.touch(j + 1) && self.digits(j + 3).is_some()) {
                value.push('.');
                value.push_str(f);
                j += 2;
                plain = false;
            }
        }
        let first_int = d.parse::<u64>().ok();
        let mut n = Num {
            next: j,
            value,
            spelled: false,
            first_int,
            plain,
        };
        if let Some((exp, count, _)) = self.pick(j, scale_of)
            && count <= 1
            && self.bare_senses(j).iter().any(|s| scale_of(s).is_some())
        {
            n.value = shift(&n.value, exp);
            n.next = j + 1;
            n.plain = false;
        }
        if n.value.len() > 60 {
            return None;
        }
        Some(n)
    }

    /// A spelled-out cardinal at `i` (at most [`MAX_RUN`] words).
    pub fn spelled_number(&self, i: usize) -> Option<Num> {
        let mut total: u128 = 0;
        let mut cur: u128 = 0;
        // 0 empty group, 1 hundreds, 2 unit, 3 ten/teen.
        let mut stage = 0;
        let mut last_exp = u32::MAX;
        let mut j = i;
        let mut fraction: Option<u32> = None;
        let mut words = 0;
        while j < self.toks.len() && words < MAX_RUN {
            let first = j == i;
            let t = &self.toks[j];
            if t.class != Class::Word || t.blocked {
                break;
            }
            let wa = !first && t.wa && t.cut > t.start;
            let joined = !first && t.cut == t.start;
            if !first && !wa && !joined {
                break;
            }
            let cards: Vec<Card> = t
                .senses
                .iter()
                .filter_map(|s| match s {
                    Sense::Card(c) => Some(*c),
                    _ => None,
                })
                .collect();
            if cards.is_empty() {
                break;
            }
            let mut took = false;
            for c in &cards {
                match *c {
                    // مليون ونصف: half of the last scale.
                    Card::Fraction(f) if wa && stage == 0 && last_exp != u32::MAX => {
                        total += 10u128.pow(last_exp) / u128::from(f);
                        last_exp = 0;
                        took = true;
                    }
                    Card::Fraction(f) if first => {
                        let next_scale = self.pick(j + 1, scale_of);
                        if matches!(next_scale, Some((_, 1, false))) {
                            fraction = Some(f);
                            took = true;
                        }
                    }
                    Card::Teen if joined && stage == 2 && cur % 100 < 10 => {
                        cur += 10;
                        stage = 3;
                        took = true;
                    }
                    Card::TeenHead(v) if (first || wa) && stage <= 1 => {
                        let teen = self.bare_senses(j + 1).contains(&Sense::Card(Card::Teen));
                        if teen {
                            cur += u128::from(v) + 10;
                            stage = 3;
                            j += 1;
                            took = true;
                        }
                    }
                    Card::Hundred(v) if stage == 0 && (first || wa) => {
                        cur += u128::from(v);
                        stage = 1;
                        took = true;
                    }
                    Card::Hundred(100) if joined && stage == 2 && (3..=9).contains(&cur) => {
                        cur *= 100;
                        stage = 1;
                        took = true;
                    }
                    Card::Unit(v) if (first || wa) && stage <= 1 => {
                        cur += u128::from(v);
                        stage = if v == 10 { 3 } else { 2 };
                        took = true;
                    }
                    Card::Ten(v) if (first || wa) && stage <= 2 => {
                        cur += u128::from(v);
                        stage = 3;
                        took = true;
                    }
                    Card::Scale { exp, count } if exp < last_exp => {
                        if stage > 0 && joined && count == 1 {
                            total += cur * 10u128.pow(exp);
                        } else if stage == 0 && (first || wa || (joined && fraction.is_some())) {
                            let f = fraction.take();
                            let base = u128::from(count.max(1)) * 10u128.pow(exp);
                            total += f.map_or(base, |f| base / u128::from(f));
                        } else {
                            continue;
                        }
                        cur = 0;
                        stage = 0;
                        last_exp = exp;
                        took = true;
                    }
                    Card::PluralScale(exp) if exp < last_exp && stage > 0 && joined => {
                        if !(3..=10).contains(&cur) {
                            continue;
                        }
                        total += cur * 10u128.pow(exp);
                        cur = 0;
                        stage = 0;
                        last_exp = exp;
                        took = true;
                    }
                    _ => {}
                }
                if took {
                    break;
                }
            }
            if !took {
                break;
            }
            if fraction.is_some() && first {
                j += 1;
                words += 1;
                continue;
            }
            j += 1;
            words += 1;
        }
        if j == i || fraction.is_some() {
            return None;
        }
        let value = total + cur;
        if value == 0 {
            return None;
        }
        Some(Num {
            next: j,
            value: value.to_string(),
            spelled: true,
            first_int: None,
            plain: false,
        })
    }

    /// A number at `i`, in digits or spelled out.
    pub fn number(&self, i: usize) -> Option<Num> {
        match self.toks.get(i)?.class {
            Class::Digits => self.digit_number(i),
            Class::Word => self.spelled_number(i),
            Class::Punct(_) => None,
        }
    }

    /// Whether digit token `i` is one side of a score (3-1) or a verse
    /// reference ([البقرة: 255]).
    fn score_or_verse(&self, i: usize) -> bool {
        let short = |k: usize| self.digits(k).is_some_and(|d| d.len() <= 2);
        let dash = ['-', '–'];
        let score = short(i)
            && ((self.punct(i + 1, &dash) && self.touch(i) && self.touch(i + 1) && short(i + 2))
                || (i >= 2
                    && self.punct(i - 1, &dash)
                    && self.touch(i - 1)
                    && self.touch(i - 2)
                    && short(i - 2)));
        let verse = i > 0 && self.punct(i - 1, &[':']) && self.punct(i + 1, &[']', ')']);
        score || verse
    }

    /// Whether digit token `i` is a label rather than a count: a paragraph
    /// or list number opening a line (`23 -`, `1.`, `2)`) or a footnote
    /// mark (`[41]`).
    fn is_label(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        let line_start = self.text[..t.start]
            .trim_end_matches([' ', '\t', '\u{200f}', '\u{200e}'])
            .ends_with('\n')
            || self.text[..t.start].trim().is_empty();
        let footnote = i > 0 && self.punct(i - 1, &['[']) && self.punct(i + 1, &[']']);
        let decimal = self.touch(i + 1) && self.digits(i + 2).is_some();
        footnote || (line_start && !decimal && self.punct(i + 1, &['-', '–', '.', ')']))
    }

    /// Whether digit token `i` is part of a symbol or reference written
    /// with a slash or a colon (A/70/1, 4/ 740, مز27:102-28, p.265/3).
    fn in_symbol(&self, i: usize) -> bool {
        let marks = ['/', ':', '\\'];
        let opens = |k: usize| {
            self.touch(k)
                && self.punct(k + 1, &marks)
                && (self.digits(k + 2).is_some() || self.latin(k + 2))
        };
        let closes = |k: usize| {
            k >= 2
                && self.punct(k - 1, &marks)
                && self.touch(k - 2)
                && (self.digits(k - 2).is_some() || self.latin(k - 2))
        };
        let chained = i >= 2
            && self.punct(i - 1, &['-', '–'])
            && self.touch(i - 1)
            && self.touch(i - 2)
            && closes(i - 2);
        opens(i) || closes(i) || chained
    }

    /// A NUMBER on its own.
    pub fn plain_number(&self, i: usize) -> Option<Hit> {
        if self.digits(i).is_some()
            && (self.score_or_verse(i) || self.is_label(i) || self.in_symbol(i))
        {
            return None;
        }
        if let Some(n) = self.number(i) {
            // واحد alone is mostly "single"/"same" (في آن واحد).
            if n.spelled && n.value == "1" && n.next == i + 1 {
                return None;
            }
            // ألّف (wrote) is spelled as ألف (thousand): أنه ألف في علم الكلام,
            // كما ألف عدة كتب, ألف حوالي 250 قطعة.
            if n.spelled && n.value == "1000" && n.next == i + 1 && self.wrote(i) {
                return None;
            }
            // ثلاثة أرباع: a fraction, not a count.
            if n.spelled && matches!(self.fw(n.next), "ارباع" | "اخماس" | "اثلاث" | "اعشار") {
                return None;
            }
            return Some(self.hit(i, n.next, EntityKind::Number, Some(n.value)));
        }
        let v = self.pick(i, |s| match s {
            Sense::DefCard(v) => Some(*v),
            _ => None,
        })?;
        // مجموعة السبع, مجموعة الدول الثماني (G7, G8) are names.
        if (1..=2).any(|b| i >= b && self.fw(i - b) == "مجموعه") {
            return None;
        }
        Some(self.hit(i, i + 1, EntityKind::Number, Some(v.to_string())))
    }

    /// Whether ألف at `i` reads as the verb ألّف (he wrote): after a subject
    /// word or before what is written.
    fn wrote(&self, i: usize) -> bool {
        let prev = if i > 0 { self.fw(i - 1) } else { "" };
        matches!(prev, "انه" | "كما" | "قد" | "وقد" | "الذي" | "حيث")
            || matches!(
                self.fw(i + 1),
                "في" | "عده" | "حوالي" | "اكثر" | "هذه" | "هذا" | "العديد" | "كتابا" | "كتبا" | "الكثير"
            )
    }

    /// An ordinal at `i`: الأول, الثانية, الحادي عشر, الخامس والعشرون,
    /// الـ15.
    pub fn ordinal(&self, i: usize) -> Option<Hit> {
        // الـ15 / ال 15 / بالـ15
        if self.has(i, |s| *s == Sense::Article) {
            let j = i + 1;
            let d = self.int(j, 4)?;
            if self.is_code(j) && !self.touch(i) {
                return None;
            }
            let gap_ok = self.touch(i) || self.fw(i) == "ال";
            return gap_ok.then(|| self.hit(i, j + 1, EntityKind::Ordinal, Some(d.to_string())));
        }
        // اليوم السبعون بعد المئة (170): the ordinal restated in digits.
        if i >= 2
            && self.punct(i - 1, &['('])
            && self.punct(i + 1, &[')'])
            && self.has(i - 2, |s| matches!(s, Sense::Ord { .. }))
            && let Some(d) = self.int(i, 4)
        {
            return Some(self.hit(i, i + 1, EntityKind::Ordinal, Some(d.to_string())));
        }
        let (unit, mut next) = self.ordinal_words(i)?;
        // مجموعة العشرين (G20) is a name; في المقام الأول (mainly) and
        // الدقيقة الواحدة (one minute) are not ranks.
        if i > 0 && matches!(self.fw(i - 1), "مجموعه" | "المقام") {
            return None;
        }
        if self.fw(i) == "الواحده" {
            return None;
        }
        if self.fw(i) == "ثاني" && self.fw(i + 1) == "اكسيد" {
            return None;
        }
        let mut n = unit;
        if n < 10
            && let Some(tens) = self.pick(next, |s| match s {
                Sense::Ord { n, .. } if *n >= 20 => Some(*n),
                _ => None,
            })
            && self.toks.get(next).is_some_and(|t| t.wa)
        {
            n += tens;
            next += 1;
        }
        Some(self.hit(i, next, EntityKind::Ordinal, Some(n.to_string())))
    }

    /// The value and end of ordinal words at `i` (1..19, 20..90 alone).
    pub fn ordinal_words(&self, i: usize) -> Option<(u32, usize)> {
        if let Some(v) = self.pick(i, |s| match s {
            Sense::OrdTeenHead(v) => Some(*v),
            _ => None,
        }) {
            if self.bare_senses(i + 1).contains(&Sense::Card(Card::Teen)) {
                return Some((v, i + 2));
            }
            if v == 11 {
                // الحادي والعشرون
                return Some((1, i + 1)).filter(|_| {
                    self.toks.get(i + 1).is_some_and(|t| t.wa)
                        && self.has(i + 1, |s| matches!(s, Sense::Ord { n, .. } if *n >= 20))
                });
            }
        }
        self.pick(i, |s| match s {
            Sense::Ord { n, .. } => Some(*n),
            _ => None,
        })
        .map(|n| (n, i + 1))
    }
}
