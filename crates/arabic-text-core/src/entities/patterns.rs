//! Pattern entities found directly on the text (byte spans), with normalized
//! values: DATE (ISO 8601 where resolvable), TIME (24-hour `HH:MM`), NUMBER,
//! PERCENT, MONEY (`amount ISO-4217`), URL, EMAIL, PHONE, HASHTAG, MENTION.
//! Month names are CLDR's (`ar`, `ar_IQ`/`ar_SY`) plus the Hijri months.

use std::sync::OnceLock;

use regex::{Captures, Regex};

use super::EntityKind;
use super::fold::fold;
use crate::chars::digit_value;
use crate::offsets::Span;

/// One pattern match.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternMatch {
    /// Bytes in the text.
    pub span: Span,
    /// The kind.
    pub kind: EntityKind,
    /// The normalized value.
    pub value: Option<String>,
}

/// Any decimal digit.
const D: &str = "[0-9\u{0660}-\u{0669}\u{06F0}-\u{06F9}]";

/// Gregorian and Levantine month names (folded) → month number.
const MONTHS: &[(&str, u32)] = &[
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("ابريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("اغسطس", 8),
    ("سبتمبر", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    ("كانون الثاني", 1),
    ("شباط", 2),
    ("اذار", 3),
    ("نيسان", 4),
    ("ايار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("اب", 8),
    ("ايلول", 9),
    ("تشرين الاول", 10),
    ("تشرين الثاني", 11),
    ("كانون الاول", 12),
    ("جانفي", 1),
    ("فيفري", 2),
    ("افريل", 4),
    ("ماي", 5),
    ("جوان", 6),
    ("جويليه", 7),
    ("اوت", 8),
];

/// Hijri month names (folded) → month number.
const HIJRI: &[(&str, u32)] = &[
    ("محرم", 1),
    ("صفر", 2),
    ("ربيع الاول", 3),
    ("ربيع الاخر", 4),
    ("ربيع الثاني", 4),
    ("جمادي الاولي", 5),
    ("جمادي الاول", 5),
    ("جمادي الاخره", 6),
    ("جمادي الثانيه", 6),
    ("جمادي الاخر", 6),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
    ("ذو القعده", 11),
    ("ذي القعده", 11),
    ("ذو الحجه", 12),
    ("ذي الحجه", 12),
];

/// A regex alternative matching a folded name in any common spelling.
fn spelled(folded: &str) -> String {
    let mut s = String::new();
    for c in folded.chars() {
        match c {
            'ا' => s.push_str("[اأإآ]"),
            'ي' => s.push_str("[يى]"),
            'ه' => s.push_str("[هة]"),
            ' ' => s.push_str(r"\s+"),
            c => s.push(c),
        }
    }
    s
}

fn alternation(names: &[(&str, u32)]) -> String {
    let mut v: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
    v.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    v.iter().map(|n| spelled(n)).collect::<Vec<_>>().join("|")
}

/// The compiled patterns, built once.
struct Patterns {
    list: Vec<(EntityKind, Regex)>,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let months = alternation(MONTHS);
        let hijri = alternation(HIJRI);
        let num = format!(r"{D}+(?:[,٬]{D}{{3}})*(?:[.٫]{D}+)?");
        let scale = r"(?:ألف|الف|آلاف|الاف|مليون|ملايين|مليار|مليارات|بليون|تريليون)";
        let currency = r"(?:دولار(?:ات|ا)?(?:\s+(?:أمريكي|أميركي|امريكي|كندي|أسترالي))?|يورو|جنيه(?:ات|ا)?(?:\s+(?:إسترليني|استرليني|مصري))?|ريال(?:ات|ا)?(?:\s+(?:سعودي|قطري|عماني|يمني|إيراني|ايراني))?|درهم(?:ا)?(?:\s+(?:إماراتي|اماراتي|مغربي))?|دينار(?:ا)?(?:\s+(?:عراقي|كويتي|أردني|اردني|بحريني|ليبي|تونسي|جزائري))?|ليرة(?:\s+(?:لبنانية|سورية|تركية))?|شيكل|شيقل|روبل|ين|يوان|فرنك(?:\s+سويسري)?)";
        let sym = r"(?:US\$|\$|€|£|¥)";
        let b = r"(?:^|[^\p{L}\p{M}\p{N}_])"; // left boundary (consumed, excluded below)
        let e = r"(?:[^\p{L}\p{M}\p{N}_]|$)";
        let spec: Vec<(EntityKind, String)> = vec![
            (EntityKind::Url, r"(?i)(?P<m>\b(?:https?://|www\.)[^\s<>{}\x22'،]+)".to_string()),
            (EntityKind::Email, r"(?P<m>\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})".to_string()),
            (EntityKind::Hashtag, format!(r"{b}(?P<m>#[\p{{L}}\p{{M}}\p{{N}}_]+)")),
            (EntityKind::Mention, format!(r"{b}(?P<m>@[A-Za-z0-9_]{{1,30}})")),
            (EntityKind::Phone, format!(r"{b}(?P<m>(?:\+|00){D}{{1,3}}[\s\-]?(?:\({D}{{1,4}}\)[\s\-]?)?{D}{{1,4}}(?:[\s\-]?{D}{{2,4}}){{1,4}}|\(?0{D}{{1,3}}\)?[\s\-]{D}{{3,4}}[\s\-]{D}{{3,4}}|05{D}{{8}}|01{D}{{9}}){e}")),
            (EntityKind::Time, format!(r"{b}(?P<m>(?P<h>{D}{{1,2}}):(?P<mi>{D}{{2}})(?::{D}{{2}})?(?:\s*(?P<ap>صباحا|صباحًا|صباحاً|مساء|مساءً|مساءا|ظهرا|ظهرًا|ص|م|[aApP]\.?[mM]\.?))?){e}")),
            (EntityKind::Date, format!(r"{b}(?P<m>(?P<d>{D}{{1,2}})[/\-.](?P<mo>{D}{{1,2}})[/\-.](?P<y>{D}{{4}})|(?P<y2>{D}{{4}})-(?P<mo2>{D}{{2}})-(?P<d2>{D}{{2}})){e}")),
            (EntityKind::Date, format!(r"{b}(?P<m>(?:(?P<d>{D}{{1,2}})\s+)?(?:(?P<pre>شهر)\s+)?(?P<mn>{months})(?:\s*/\s*(?P<mn2>{months}))?(?:\s*،?\s*(?:(?:من\s+)?(?:عام|العام|سنة)\s+)?(?P<y>{D}{{4}})(?:\s*م(?:يلادي(?:ة)?)?)?)?){e}")),
            (EntityKind::Date, format!(r"{b}(?P<m>(?:(?P<d>{D}{{1,2}})\s+)?(?:(?P<pre>شهر)\s+)?(?P<hn>{hijri})(?:\s+(?P<y>{D}{{4}})\s*(?:هـ|ه|للهجرة|هجري(?:ة)?))?){e}")),
            (EntityKind::Date, format!(r"{b}(?P<m>(?:عام|العام|سنة|لعام)\s+(?P<y>{D}{{4}})){e}")),
            (EntityKind::Percent, format!(r"{b}(?P<m>(?P<n>{num})\s*(?:%|٪|في\s+المائة|في\s+المئة|بالمائة|بالمئة)){e}")),
            (EntityKind::Money, format!(r"{b}(?P<m>(?P<n>{num})\s*(?P<sc>{scale})?\s*(?P<cur>{currency})){e}")),
            (EntityKind::Money, format!(r"{b}(?P<m>(?P<sym>{sym})\s?(?P<n>{num})(?:\s*(?P<sc>{scale}|million|billion|[mMbBkK]))?){e}")),
            (EntityKind::Number, format!(r"{b}(?P<m>(?P<n>{num})){e}")),
        ];
        let list = spec
            .into_iter()
            .filter_map(|(k, re)| match Regex::new(&re) {
                Ok(r) => Some((k, r)),
                Err(err) => {
                    // A bad pattern is a bug caught by the tests; skip it at runtime.
                    debug_assert!(false, "{k:?}: {err}");
                    None
                }
            })
            .collect();
        Patterns { list }
    })
}

/// ASCII digits of a digit string in any script.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| digit_value(c).map(|d| char::from(b'0' + d as u8)))
        .collect()
}

fn int(s: Option<regex::Match<'_>>) -> Option<u32> {
    ascii_digits(s?.as_str()).parse().ok()
}

/// A number with separators → a plain decimal string (`1,250.5` → `1250.5`).
pub fn number_value(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            out.push(char::from(b'0' + d as u8));
        } else if c == '.' || c == '٫' {
            out.push('.');
        }
    }
    out
}

fn month_number(name: &str, table: &[(&str, u32)]) -> Option<u32> {
    let f = fold(name);
    let f: String = f.split_whitespace().collect::<Vec<_>>().join(" ");
    table.iter().find(|(n, _)| *n == f).map(|&(_, m)| m)
}

fn iso(y: Option<u32>, m: u32, d: Option<u32>) -> Option<String> {
    if !(1..=12).contains(&m) || d.is_some_and(|d| !(1..=31).contains(&d)) {
        return None;
    }
    Some(match (y, d) {
        (Some(y), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        (Some(y), None) => format!("{y:04}-{m:02}"),
        (None, Some(d)) => format!("--{m:02}-{d:02}"),
        (None, None) => format!("--{m:02}"),
    })
}

fn scale_factor(s: &str) -> f64 {
    match s {
        "ألف" | "الف" | "آلاف" | "الاف" | "k" | "K" => 1e3,
        "مليون" | "ملايين" | "million" | "m" | "M" => 1e6,
        "مليار" | "مليارات" | "بليون" | "billion" | "b" | "B" => 1e9,
        "تريليون" => 1e12,
        _ => 1.0,
    }
}

fn currency_code(c: &str) -> &'static str {
    let f = fold(c);
    let pairs: &[(&str, &str)] = &[
        ("استرليني", "GBP"),
        ("مصري", "EGP"),
        ("كندي", "CAD"),
        ("استرالي", "AUD"),
        ("سعودي", "SAR"),
        ("قطري", "QAR"),
        ("عماني", "OMR"),
        ("يمني", "YER"),
        ("ايراني", "IRR"),
        ("اماراتي", "AED"),
        ("مغربي", "MAD"),
        ("عراقي", "IQD"),
        ("كويتي", "KWD"),
        ("اردني", "JOD"),
        ("بحريني", "BHD"),
        ("ليبي", "LYD"),
        ("تونسي", "TND"),
        ("جزائري", "DZD"),
        ("لبنانيه", "LBP"),
        ("سوريه", "SYP"),
        ("تركيه", "TRY"),
        ("سويسري", "CHF"),
        ("دولار", "USD"),
        ("يورو", "EUR"),
        ("شيكل", "ILS"),
        ("شيقل", "ILS"),
        ("روبل", "RUB"),
        ("يوان", "CNY"),
        ("US$", "USD"),
        ("$", "USD"),
        ("€", "EUR"),
        ("£", "GBP"),
        ("¥", "JPY"),
        ("ين", "JPY"),
        ("جنيه", "EGP"),
        ("ريال", "SAR"),
        ("درهم", "AED"),
        ("دينار", "IQD"),
        ("ليره", "TRY"),
        ("فرنك", "CHF"),
    ];
    pairs
        .iter()
        .find(|(k, _)| f.contains(k))
        .map_or("XXX", |&(_, v)| v)
}

fn fmt_amount(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e18 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn value_of(kind: EntityKind, c: &Captures<'_>, text: &str) -> Option<String> {
    let m = c.name("m")?.as_str();
    match kind {
        EntityKind::Url | EntityKind::Email | EntityKind::Hashtag | EntityKind::Mention => {
            Some(m.to_string())
        }
        EntityKind::Phone => {
            let d = ascii_digits(m);
            Some(if m.starts_with('+') {
                format!("+{d}")
            } else {
                d
            })
        }
        EntityKind::Number => Some(number_value(m)),
        EntityKind::Percent => Some(format!("{}%", number_value(c.name("n")?.as_str()))),
        EntityKind::Money => {
            let n: f64 = number_value(c.name("n")?.as_str()).parse().ok()?;
            let sc = c.name("sc").map_or(1.0, |s| scale_factor(s.as_str()));
            let cur = c.name("cur").or(c.name("sym")).map_or("", |s| s.as_str());
            Some(format!("{} {}", fmt_amount(n * sc), currency_code(cur)))
        }
        EntityKind::Time => {
            let (h, mi) = (int(c.name("h"))?, int(c.name("mi"))?);
            let ap = c.name("ap").map(|a| a.as_str().to_lowercase());
            let pm = ap
                .as_deref()
                .is_some_and(|a| a.starts_with('م') || a.starts_with('p') || a.starts_with("ظهر"));
            let am = ap
                .as_deref()
                .is_some_and(|a| a.starts_with('ص') || a.starts_with('a'));
            let h = match (pm, am) {
                (true, _) if h < 12 => h + 12,
                (_, true) if h == 12 => 0,
                _ => h,
            };
            (h < 24 && mi < 60).then(|| format!("{h:02}:{mi:02}"))
        }
        EntityKind::Date => {
            if let Some(hn) = c.name("hn") {
                let mo = month_number(hn.as_str(), HIJRI)?;
                let v = iso(int(c.name("y")), mo, int(c.name("d")))?;
                return Some(format!("{v} AH"));
            }
            if let Some(mn) = c.name("mn") {
                let mo = month_number(mn.as_str(), MONTHS)?;
                return iso(int(c.name("y")), mo, int(c.name("d")));
            }
            if let Some(y) = int(c.name("y2")) {
                return iso(Some(y), int(c.name("mo2"))?, int(c.name("d2")));
            }
            if c.name("mo").is_some() {
                return iso(int(c.name("y")), int(c.name("mo"))?, int(c.name("d")));
            }
            int(c.name("y")).map(|y| format!("{y:04}"))
        }
        _ => {
            let _ = text;
            None
        }
    }
}

/// Whether a date match stands on its own: month names alone are often
/// ordinary words (مارس "practised", صفر "zero", رمضان a name), so they need
/// a day, a year, شهر, a paired form or a two-word Levantine/Hijri name.
fn date_is_specific(c: &Captures<'_>) -> bool {
    if c.name("d").is_some() || c.name("y").is_some() || c.name("pre").is_some() {
        return true;
    }
    if c.name("mn2").is_some() {
        return true;
    }
    c.name("mn")
        .or(c.name("hn"))
        .is_none_or(|m| m.as_str().split_whitespace().count() > 1)
}

/// All pattern matches of `text`, possibly overlapping (resolved by the caller).
pub fn find(text: &str) -> Vec<PatternMatch> {
    let mut out = Vec::new();
    for (kind, re) in &patterns().list {
        let mut at = 0;
        while at <= text.len() {
            let Some(c) = re.captures_at(text, at) else {
                break;
            };
            let Some(m) = c.name("m") else { break };
            let whole = c.get(0).map_or(m.end(), |g| g.end());
            // Continue right after the mention so the consumed right boundary
            // can be the next match's left boundary.
            at = if m.end() > at {
                m.end()
            } else {
                whole.max(at + 1)
            };
            while at < text.len() && !text.is_char_boundary(at) {
                at += 1;
            }
            let mut end = m.end();
            if *kind == EntityKind::Url {
                let trimmed = m
                    .as_str()
                    .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»']);
                end = m.start() + trimmed.len();
            }
            if *kind == EntityKind::Date && !date_is_specific(&c) {
                continue;
            }
            out.push(PatternMatch {
                span: Span::new(m.start(), end),
                kind: *kind,
                value: value_of(*kind, &c, text),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, kind: EntityKind) -> (String, Option<String>) {
        let found: Vec<PatternMatch> = find(text).into_iter().filter(|m| m.kind == kind).collect();
        let best = found
            .iter()
            .max_by_key(|m| m.span.len())
            .unwrap_or_else(|| panic!("no {kind:?} in {text}: {:?}", find(text)));
        (best.span.slice(text).to_string(), best.value.clone())
    }

    #[test]
    fn gregorian_date_with_day_and_year_is_iso() {
        assert_eq!(
            one("نشر في 22 يناير 2024، 6:26 م", EntityKind::Date),
            ("22 يناير 2024".into(), Some("2024-01-22".into()))
        );
    }

    #[test]
    fn levantine_and_paired_months_are_dates() {
        assert_eq!(
            one("في 3 كانون الثاني 2023", EntityKind::Date),
            ("3 كانون الثاني 2023".into(), Some("2023-01-03".into()))
        );
        assert_eq!(
            one("ومنذ منتصف تشرين الأول/أكتوبر، استهدفت", EntityKind::Date),
            ("تشرين الأول/أكتوبر".into(), Some("--10".into()))
        );
    }

    #[test]
    fn hijri_and_numeric_dates() {
        assert_eq!(
            one("في 10 رمضان 1445 هـ", EntityKind::Date).1,
            Some("1445-09-10 AH".into())
        );
        assert_eq!(
            one("بتاريخ 05/03/2024", EntityKind::Date).1,
            Some("2024-03-05".into())
        );
        assert_eq!(
            one("بتاريخ ٢٠٢٤-٠١-٢٢", EntityKind::Date).1,
            Some("2024-01-22".into())
        );
    }

    #[test]
    fn a_bare_ambiguous_month_word_is_not_a_date() {
        assert!(
            find("مارس الضغط على الحكومة")
                .iter()
                .all(|m| m.kind != EntityKind::Date)
        );
    }

    #[test]
    fn time_with_pm_marker_is_24_hour() {
        assert_eq!(
            one("22 يناير 2024، 6:26 م", EntityKind::Time),
            ("6:26 م".into(), Some("18:26".into()))
        );
        assert_eq!(
            one("الساعة 12:05 ص", EntityKind::Time).1,
            Some("00:05".into())
        );
    }

    #[test]
    fn numbers_in_both_digit_scripts_with_separators() {
        assert_eq!(
            one("بلغ ١٬٢٥٠٫٥ طن", EntityKind::Number).1,
            Some("1250.5".into())
        );
        assert_eq!(
            one("عثرت على 6 جثث", EntityKind::Number).1,
            Some("6".into())
        );
        assert_eq!(
            one("بلغ 1,000,000 نسمة", EntityKind::Number).1,
            Some("1000000".into())
        );
    }

    #[test]
    fn percent_and_money_have_values() {
        assert_eq!(
            one("ارتفع 5.5% أمس", EntityKind::Percent).1,
            Some("5.5%".into())
        );
        assert_eq!(
            one("نحو 20 في المئة", EntityKind::Percent).1,
            Some("20%".into())
        );
        assert_eq!(
            one("بقيمة 3 مليارات دولار أمريكي", EntityKind::Money),
            (
                "3 مليارات دولار أمريكي".into(),
                Some("3000000000 USD".into())
            )
        );
        assert_eq!(
            one("دفع $250 فقط", EntityKind::Money).1,
            Some("250 USD".into())
        );
        assert_eq!(
            one("500 ريال سعودي", EntityKind::Money).1,
            Some("500 SAR".into())
        );
    }

    #[test]
    fn web_entities() {
        assert_eq!(
            one("زوروا https://example.com/a?b=1.", EntityKind::Url).0,
            "https://example.com/a?b=1"
        );
        assert_eq!(
            one("راسلونا info@erem.news اليوم", EntityKind::Email).0,
            "info@erem.news"
        );
        assert_eq!(one("وسم #غزة الآن", EntityKind::Hashtag).0, "#غزة");
        assert_eq!(
            one("غرد @EremNews اليوم", EntityKind::Mention).0,
            "@EremNews"
        );
        assert!(
            find("info@erem.news")
                .iter()
                .all(|m| m.kind != EntityKind::Mention)
        );
        assert_eq!(
            one("اتصل +971 4 123 4567 الآن", EntityKind::Phone).1,
            Some("+97141234567".into())
        );
    }
}
