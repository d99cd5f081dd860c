//! The small word tables the scanner looks words up in: every entry is a
//! folded form (see [`crate::entities::fold::fold`]: أ/إ/آ → ا, ى → ي,
//! ة → ه, no diacritics or tatweel), mapped to what the word can mean.

use std::collections::HashMap;
use std::sync::OnceLock;

mod senses;
mod tables;

pub use senses::{Card, DayPart, Sense, TimeUnit};
use tables::{
    CURRENCIES, CURRENCY_ADJS, HIJRI, HUNDREDS, MEASURE_ADJS, MEASURES, MONTHS, ORDINALS, TENS, UNITS,
};

fn add(map: &mut HashMap<&'static str, Vec<Sense>>, words: &[&'static str], sense: Sense) {
    for w in words {
        let v = map.entry(*w).or_default();
        if !v.contains(&sense) {
            v.push(sense);
        }
    }
}

/// The word table, built once.
pub fn lexicon() -> &'static HashMap<&'static str, Vec<Sense>> {
    static L: OnceLock<HashMap<&'static str, Vec<Sense>>> = OnceLock::new();
    L.get_or_init(build)
}

/// The senses of a folded word (empty when unknown).
pub fn senses(folded: &str) -> &'static [Sense] {
    lexicon().get(folded).map_or(&[], Vec::as_slice)
}

fn build() -> HashMap<&'static str, Vec<Sense>> {
    let mut m: HashMap<&'static str, Vec<Sense>> = HashMap::with_capacity(700);
    for (words, v) in UNITS {
        add(&mut m, words, Sense::Card(Card::Unit(v)));
    }
    add(&mut m, &["عشر", "عشره"], Sense::Card(Card::Teen));
    add(&mut m, &["احد", "احدي"], Sense::Card(Card::TeenHead(1)));
    add(
        &mut m,
        &["اثنا", "اثني", "اثنتا", "اثنتي"],
        Sense::Card(Card::TeenHead(2)),
    );
    for (words, v) in TENS {
        add(&mut m, words, Sense::Card(Card::Ten(v)));
    }
    for (words, v) in HUNDREDS {
        add(&mut m, words, Sense::Card(Card::Hundred(v)));
    }
    let scales: [(&[&'static str], u32, u32); 12] = [
        (&["الف", "الفا"], 3, 1),
        (&["الفان", "الفين", "الفي", "الفا"], 3, 2),
        (&["مليون", "مليونا"], 6, 1),
        (&["مليونان", "مليونين", "مليوني"], 6, 2),
        (&["مليار", "مليارا", "بليون"], 9, 1),
        (&["ملياران", "مليارين", "ملياري"], 9, 2),
        (&["تريليون", "تريليونا"], 12, 1),
        (&["تريليونان", "تريليونين", "تريليوني"], 12, 2),
        (&[], 0, 0),
        (&[], 0, 0),
        (&[], 0, 0),
        (&[], 0, 0),
    ];
    for (words, exp, count) in scales {
        add(&mut m, words, Sense::Card(Card::Scale { exp, count }));
    }
    // "ألفا" is both 1000 (accusative) and the construct dual; the scanner
    // reads it as 1000 (the dual is rare in news).
    if let Some(v) = m.get_mut("الفا") {
        v.retain(|s| *s != Sense::Card(Card::Scale { exp: 3, count: 2 }));
    }
    add(&mut m, &["الاف"], Sense::Card(Card::PluralScale(3)));
    add(&mut m, &["ملايين"], Sense::Card(Card::PluralScale(6)));
    add(&mut m, &["مليارات"], Sense::Card(Card::PluralScale(9)));
    add(&mut m, &["تريليونات"], Sense::Card(Card::PluralScale(12)));
    add(&mut m, &["نصف"], Sense::Card(Card::Fraction(2)));
    add(&mut m, &["ربع"], Sense::Card(Card::Fraction(4)));
    let def: [(&[&'static str], u32); 8] = [
        (&["الثلاث", "الثلاثه"], 3),
        (&["الاربع", "الاربعه"], 4),
        (&["الخمس", "الخمسه"], 5),
        (&["الست", "السته"], 6),
        (&["السبع", "السبعه"], 7),
        (&["الثماني", "الثمانيه"], 8),
        (&["التسع", "التسعه"], 9),
        (&["العشر", "العشره"], 10),
    ];
    for (words, v) in def {
        add(&mut m, words, Sense::DefCard(v));
    }
    for (masc, fem, n) in ORDINALS {
        add(&mut m, masc, Sense::Ord { n, fem: false });
        add(&mut m, fem, Sense::Ord { n, fem: true });
    }
    add(&mut m, &["الواحده"], Sense::Ord { n: 1, fem: true });
    let bare_fem: [(&'static str, u32); 9] = [
        ("ثانيه", 2),
        ("ثالثه", 3),
        ("رابعه", 4),
        ("خامسه", 5),
        ("سادسه", 6),
        ("سابعه", 7),
        ("ثامنه", 8),
        ("تاسعه", 9),
        ("عاشره", 10),
    ];
    for (w, n) in bare_fem {
        add(&mut m, &[w], Sense::Ord { n, fem: true });
    }
    add(&mut m, &["الحادي"], Sense::OrdTeenHead(11));
    add(&mut m, &["الحاديه"], Sense::OrdTeenHead(11));
    for (masc, fem, n) in ORDINALS.iter().skip(1).take(8) {
        add(&mut m, &masc[..1], Sense::OrdTeenHead(10 + n));
        add(&mut m, fem, Sense::OrdTeenHead(10 + n));
    }
    let def_tens: [(&[&'static str], u32); 8] = [
        (&["العشرين", "العشرون"], 20),
        (&["الثلاثين", "الثلاثون"], 30),
        (&["الاربعين", "الاربعون"], 40),
        (&["الخمسين", "الخمسون"], 50),
        (&["الستين", "الستون"], 60),
        (&["السبعين", "السبعون"], 70),
        (&["الثمانين", "الثمانون"], 80),
        (&["التسعين", "التسعون"], 90),
    ];
    for (w, n) in def_tens {
        add(&mut m, w, Sense::Ord { n, fem: false });
    }
    add(
        &mut m,
        &["المئه", "المائه"],
        Sense::Ord { n: 100, fem: false },
    );
    for (w, n, amb) in MONTHS {
        add(&mut m, &[w], Sense::Month { n, ambiguous: amb });
    }
    add(&mut m, &["كانون"], Sense::LevantHead(0));
    add(&mut m, &["تشرين"], Sense::LevantHead(1));
    add(&mut m, &["الاول", "الاولي"], Sense::MonthTail(1));
    add(
        &mut m,
        &["الثاني", "الثانيه", "الاخر", "الاخره"],
        Sense::MonthTail(2),
    );
    add(&mut m, &["القعده"], Sense::MonthTail(11));
    add(&mut m, &["الحجه"], Sense::MonthTail(12));
    for (w, n, amb) in HIJRI {
        add(&mut m, &[w], Sense::Hijri { n, ambiguous: amb });
    }
    add(&mut m, &["ربيع"], Sense::HijriHead(3));
    add(&mut m, &["جمادي"], Sense::HijriHead(5));
    add(&mut m, &["ذو", "ذي", "ذا"], Sense::HijriHead(11));
    let weekdays: [(&[&'static str], u8); 7] = [
        (&["الاثنين"], 1),
        (&["الثلاثاء"], 2),
        (&["الاربعاء"], 3),
        (&["الخميس"], 4),
        (&["الجمعه"], 5),
        (&["السبت"], 6),
        (&["الاحد"], 7),
    ];
    for (w, n) in weekdays {
        add(&mut m, w, Sense::Weekday(n));
    }
    add(&mut m, &["اليوم"], Sense::RelDay(0));
    add(&mut m, &["امس", "البارحه"], Sense::RelDay(-1));
    add(&mut m, &["غدا", "الغد"], Sense::RelDay(1));
    let periods: [(&[&'static str], TimeUnit, u32, bool); 24] = [
        (&["يوم", "يوما", "ايام"], TimeUnit::Day, 0, false),
        (&["يومين", "يومان"], TimeUnit::Day, 2, false),
        (&["اسبوع", "اسبوعا", "اسابيع"], TimeUnit::Week, 0, false),
        (&["اسبوعين", "اسبوعان"], TimeUnit::Week, 2, false),
        (&["الاسبوع"], TimeUnit::Week, 0, true),
        (&["شهر", "شهرا", "اشهر", "شهور"], TimeUnit::Month, 0, false),
        (&["شهرين", "شهران"], TimeUnit::Month, 2, false),
        (&["الشهر"], TimeUnit::Month, 0, true),
        (
            &["عام", "عاما", "اعوام", "سنه", "سنوات", "سنين"],
            TimeUnit::Year,
            0,
            false,
        ),
        (
            &["عامين", "عامان", "سنتين", "سنتان"],
            TimeUnit::Year,
            2,
            false,
        ),
        (&["العام", "السنه"], TimeUnit::Year, 0, true),
        (&["عقد", "عقود"], TimeUnit::Decade, 0, false),
        (&["عقدين", "عقدان"], TimeUnit::Decade, 2, false),
        (&["قرن", "قرون"], TimeUnit::Century, 0, false),
        (&["قرنين", "قرنان"], TimeUnit::Century, 2, false),
        (&["ساعه", "ساعات"], TimeUnit::Hour, 0, false),
        (&["ساعتين", "ساعتان"], TimeUnit::Hour, 2, false),
        (&["دقيقه", "دقائق"], TimeUnit::Minute, 0, false),
        (&["دقيقتين", "دقيقتان"], TimeUnit::Minute, 2, false),
        (&["ثانيه", "ثوان", "ثواني"], TimeUnit::Second, 0, false),
        (&["ثانيتين"], TimeUnit::Second, 2, false),
        // Nights count days (ثلاث ليال, 6 ليال).
        (&["ليال", "ليالي"], TimeUnit::Day, 0, false),
        (&[], TimeUnit::Day, 0, false),
        (&[], TimeUnit::Day, 0, false),
    ];
    for (w, unit, count, definite) in periods {
        add(
            &mut m,
            w,
            Sense::Period {
                unit,
                count,
                definite,
            },
        );
    }
    add(
        &mut m,
        &[
            "الماضي",
            "الماضيه",
            "المنصرم",
            "المنصرمه",
            "الفائت",
            "الفائته",
            "المنقضي",
            "السابق",
            "السابقه",
        ],
        Sense::RelMod(-1),
    );
    add(
        &mut m,
        &["المقبل", "المقبله", "القادم", "القادمه", "التالي"],
        Sense::RelMod(1),
    );
    add(
        &mut m,
        &["الحالي", "الحاليه", "الجاري", "الجاريه"],
        Sense::RelMod(0),
    );
    add(
        &mut m,
        &[
            "عام", "العام", "سنه", "السنه", "عامي", "العامين", "سنتي", "الاعوام", "اعوام",
            "موسم", "الموسم",
        ],
        Sense::YearCue,
    );
    add(
        &mut m,
        &["م", "ميلادي", "ميلاديه", "للميلاد", "الميلادي", "الميلاديه"],
        Sense::Era { hijri: false },
    );
    add(
        &mut m,
        &["ه", "هجري", "هجريه", "للهجره", "الهجري", "الهجريه"],
        Sense::Era { hijri: true },
    );
    let decades: [(&[&'static str], u32); 8] = [
        (&["العشرينيات", "العشرينات", "عشرينيات", "عشرينات"], 1920),
        (&["الثلاثينيات", "الثلاثينات", "ثلاثينيات", "ثلاثينات"], 1930),
        (&["الاربعينيات", "الاربعينات", "اربعينيات", "اربعينات"], 1940),
        (&["الخمسينيات", "الخمسينات", "خمسينيات", "خمسينات"], 1950),
        (&["الستينيات", "الستينات", "ستينيات", "ستينات"], 1960),
        (&["السبعينيات", "السبعينات", "سبعينيات", "سبعينات"], 1970),
        (
            &["الثمانينيات", "الثمانينات", "ثمانينيات", "ثمانينات"],
            1980,
        ),
        (&["التسعينيات", "التسعينات", "تسعينيات", "تسعينات"], 1990),
    ];
    for (w, y) in decades {
        add(&mut m, w, Sense::Decade(y));
    }
    add(&mut m, &["القرن"], Sense::Century);
    add(&mut m, &["ال", "لل"], Sense::Article);
    add(
        &mut m,
        &[
            "صباح",
            "مساء",
            "ظهر",
            "عصر",
            "فجر",
            "ليله",
            "ليل",
            "صبيحه",
            "ظهيره",
            "يوم",
        ],
        Sense::DayNoun,
    );
    add(&mut m, &["الربع"], Sense::YearPart(4));
    add(&mut m, &["هذا", "هذه"], Sense::This);
    let plurals: [(&[&'static str], TimeUnit); 7] = [
        (&["الايام"], TimeUnit::Day),
        (&["الاسابيع"], TimeUnit::Week),
        (&["الاشهر", "الشهور"], TimeUnit::Month),
        (&["السنوات", "الاعوام", "السنين"], TimeUnit::Year),
        (&["العقود"], TimeUnit::Decade),
        (&["الساعات"], TimeUnit::Hour),
        (&["الدقائق"], TimeUnit::Minute),
    ];
    for (w, u) in plurals {
        add(&mut m, w, Sense::PluralPeriod(u));
    }
    add(&mut m, &["النصف"], Sense::YearPart(2));
    add(&mut m, &["م"], Sense::DayPart(DayPart::Pm));
    add(
        &mut m,
        &[
            "مطلع",
            "اوائل",
            "اواخر",
            "اواسط",
            "نهايه",
            "بدايه",
            "اخر",
            "اول",
            "منتصف",
            "اوسط",
            "ختام",
            "مستهل",
        ],
        Sense::Edge,
    );
    add(&mut m, &["منتصف"], Sense::Middle);
    add(&mut m, &["الليل"], Sense::NightOrDay(0));
    add(&mut m, &["النهار"], Sense::NightOrDay(12));
    for (w, code) in CURRENCIES {
        add(&mut m, w, Sense::Currency(code));
    }
    for (w, code) in CURRENCY_ADJS {
        add(&mut m, w, Sense::CurrencyAdj(code));
    }
    for (w, code) in MEASURES {
        add(&mut m, w, Sense::Measure(code));
    }
    for (w, code) in MEASURE_ADJS {
        add(&mut m, w, Sense::MeasureAdj(code));
    }
    add(
        &mut m,
        &["بالمئه", "بالمائه", "بالميه"],
        Sense::PercentWord { needs_fi: false },
    );
    add(
        &mut m,
        &["المئه", "المائه"],
        Sense::PercentWord { needs_fi: true },
    );
    add(&mut m, &["الساعه"], Sense::Hour);
    add(
        &mut m,
        &["صباحا", "صباح", "ص", "فجرا", "الفجر", "صباحي"],
        Sense::DayPart(DayPart::Am),
    );
    add(
        &mut m,
        &["مساء", "مساءا", "مسائي", "عصرا", "العصر", "ظهرا"],
        Sense::DayPart(DayPart::Pm),
    );
    add(&mut m, &["ظهرا", "الظهر"], Sense::DayPart(DayPart::Noon));
    add(&mut m, &["ليلا", "الليل"], Sense::DayPart(DayPart::Night));
    if let Some(v) = m.get_mut("ظهرا") {
        v.retain(|s| *s != Sense::DayPart(DayPart::Pm));
    }
    add(&mut m, &["والنصف"], Sense::Minutes(30));
    add(&mut m, &["والربع"], Sense::Minutes(15));
    add(&mut m, &["والثلث"], Sense::Minutes(20));
    add(
        &mut m,
        &["توقيت", "بتوقيت", "التوقيت", "بالتوقيت"],
        Sense::ZoneCue,
    );
    let zones: [(&[&'static str], &'static str); 20] = [
        (
            &[
                "غرينتش",
                "غرينيتش",
                "جرينتش",
                "جرينيتش",
                "gmt",
                "utc",
                "العالمي",
            ],
            "Z",
        ),
        (&["مكه", "الرياض", "السعوديه"], "+03:00"),
        (&["بغداد", "العراق"], "+03:00"),
        (&["الكويت", "الدوحه", "قطر", "البحرين", "المنامه"], "+03:00"),
        (&["دمشق", "سوريا"], "+03:00"),
        (&["عمان", "الاردن"], "+03:00"),
        (&["صنعاء", "اليمن", "عدن"], "+03:00"),
        (&["موسكو", "اسطنبول", "انقره", "تركيا"], "+03:00"),
        (&["ابوظبي", "دبي", "الامارات", "مسقط"], "+04:00"),
        (&["طهران", "ايران"], "+03:30"),
        (&["الجزائر", "تونس"], "+01:00"),
        (&["طرابلس", "ليبيا", "الخرطوم", "السودان"], "+02:00"),
        (&["القاهره", "مصر"], "Africa/Cairo"),
        (&["بيروت", "لبنان"], "Asia/Beirut"),
        (&["القدس", "فلسطين", "غزه"], "Asia/Jerusalem"),
        (&["المغرب", "الرباط"], "Africa/Casablanca"),
        (&["لندن"], "Europe/London"),
        (&["باريس"], "Europe/Paris"),
        (&["واشنطن", "نيويورك"], "America/New_York"),
        (&["المحلي"], ""),
    ];
    for (w, zone) in zones {
        add(&mut m, w, Sense::Zone(zone));
    }
    add(
        &mut m,
        &[
            "في",
            "خلال",
            "حتي",
            "منذ",
            "مطلع",
            "اواخر",
            "اوائل",
            "اواسط",
            "منتصف",
            "نهايه",
            "بدايه",
            "قبل",
            "بعد",
            "عام",
            "العام",
            "سنه",
            "موسم",
            "حلول",
            "لغايه",
            "انتخابات",
            "الانتخابات",
            "مونديال",
            "كاس",
            "بطوله",
            "موازنه",
            "ميزانيه",
            "رؤيه",
            "دستور",
            "ثوره",
            "حرب",
            "نكبه",
            "نكسه",
            "احداث",
            "اولمبياد",
            "دوره",
            "خطه",
            "تعداد",
            "احصاء",
            "صيف",
            "شتاء",
            "خريف",
            "ربيع",
            "مواليد",
            "انتفاضه",
            "ازمه",
        ],
        Sense::TemporalPrep,
    );
    add(&mut m, &["منذ", "قبل"], Sense::Direction(-1));
    add(&mut m, &["بعد"], Sense::Direction(1));
    add(&mut m, &["من", "بين"], Sense::RangeOpen);
    add(&mut m, &["الي", "حتي", "لغايه"], Sense::RangeSep);
    m
}
