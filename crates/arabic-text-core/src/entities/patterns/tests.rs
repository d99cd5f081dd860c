//! Unit tests per rule family.

use super::*;
use crate::entities::kinds::EntityKind;
use crate::entities::kinds::EntityKind::{
    Date, Email, Hashtag, Mention, Money, Number, Ordinal, Percent, Quantity, Time, Url,
};

fn all(text: &str) -> Vec<(EntityKind, String, Option<String>)> {
    find(text)
        .into_iter()
        .map(|m| (m.kind, m.span.slice(text).to_string(), m.value))
        .collect()
}

fn one(text: &str, kind: EntityKind) -> (String, Option<String>) {
    let found = all(text);
    let best = found
        .iter()
        .filter(|m| m.0 == kind)
        .max_by_key(|m| m.1.len())
        .unwrap_or_else(|| panic!("no {kind:?} in {text}: {found:?}"));
    (best.1.clone(), best.2.clone())
}

fn is(text: &str, kind: EntityKind, span: &str, value: &str) {
    assert_eq!(
        one(text, kind),
        (span.to_string(), Some(value.to_string())),
        "{text}: {:?}",
        all(text)
    );
}

/// For each case, every mention of the text as (kind, span), in order.
fn check_spans(cases: &[(&str, &[(EntityKind, &str)])]) {
    for &(text, want) in cases {
        let got: Vec<(EntityKind, String)> = all(text).into_iter().map(|m| (m.0, m.1)).collect();
        let want: Vec<(EntityKind, String)> =
            want.iter().map(|&(k, s)| (k, s.to_string())).collect();
        assert_eq!(got, want, "{text}");
    }
}

/// [`is`] for each case: (kind, text, the mention's span, its value).
fn check(cases: &[(EntityKind, &str, &str, &str)]) {
    for &(kind, text, span, value) in cases {
        is(text, kind, span, value);
    }
}

#[test]
fn smoke() {
    is("نشر في 22 يناير 2024، 6:26 م", EntityKind::Date, "22 يناير 2024", "2024-01-22");
}

#[test]
fn dates_in_every_order_and_separator() {
    check(&[
        (Date, "بتاريخ 22/1/2024 صدر", "22/1/2024", "2024-01-22"),
        (Date, "بتاريخ ٢٢/١/٢٠٢٤ صدر", "٢٢/١/٢٠٢٤", "2024-01-22"),
        (Date, "في 2024-01-22 أعلن", "2024-01-22", "2024-01-22"),
        (Date, "في 22-1-2024 أعلن", "22-1-2024", "2024-01-22"),
        (Date, "في 22.01.2024 أعلن", "22.01.2024", "2024-01-22"),
        (Date, "وفي 3 كانون الثاني 2023", "3 كانون الثاني 2023", "2023-01-03"),
        (Date, "منذ منتصف تشرين الأول/أكتوبر، استهدفت", "منتصف تشرين الأول/أكتوبر", "--10"),
        (Date, "في أيلول (سبتمبر) 2020 وقع", "أيلول (سبتمبر) 2020", "2020-09"),
        (Date, "يوم 5 جوان 2019 خرج", "يوم 5 جوان 2019", "2019-06-05"),
    ]);
}

#[test]
fn a_proclitic_keeps_the_whole_value() {
    check(&[
        (Date, "ارتفع الدين و22 يناير 2024 موعد", "22 يناير 2024", "2024-01-22"),
        (Percent, "تراجع 3% و4.5% على التوالي", "4.5%", "4.5%"),
        (Percent, "ارتفع بنسبة و٣٫٥٪ فقط", "٣٫٥٪", "3.5%"),
        (Money, "دفع و١٠٠ ريال", "١٠٠ ريال", "100 SAR"),
        (Money, "وبخمسة آلاف دولار", "خمسة آلاف دولار", "5000 USD"),
    ]);
}

#[test]
fn hijri_dates_with_gregorian_conversion() {
    let (span, v) = one("في 15 رجب 1445 هـ الموافق", EntityKind::Date);
    assert_eq!(span, "15 رجب 1445 هـ");
    let v = v.unwrap_or_default();
    assert!(v.starts_with("1445-07-15 AH 2024-01-2"), "{v}");
    check(&[
        (Date, "خلال شهر رمضان المبارك", "شهر رمضان", "--09 AH"),
        (Date, "في ربيع الأول 1446", "ربيع الأول 1446", "1446-03 AH"),
    ]);
}

#[test]
fn years_ranges_decades_and_centuries() {
    check(&[
        (Date, "في عام ١٩٤٨ هجر", "عام ١٩٤٨", "1948"),
        (Date, "سنة 1948م", "سنة 1948م", "1948"),
        (Date, "منذ 2011 تعيش", "2011", "2011"),
        (Date, "في الخامس عشر من يونيو عام 1946 أعلن", "الخامس عشر من يونيو عام 1946", "1946-06-15"),
        // An age written as a feminine ordinal is a date (a duration); idioms
        // are not ordinals.
        (Date, "توفي وهو في الخامسة عشرة من عمره", "الخامسة عشرة", "P15Y"),
        (Date, "تعلم القراءة في سن السادسة", "السادسة", "P6Y"),
        (Date, "صدر في 24، يناير 2011 في", "24، يناير 2011", "2011-01-24"),
        (Number, "حضر ألف شخص", "ألف", "1000"),
        (Date, "فحاصرهم 6 ليال ثم", "6 ليال", "P6D"),
        // A bare day takes its month from the second end: one mention.
        (Date, "خلال الفترة من 1-6 سبتمبر 1961", "1-6 سبتمبر 1961", "1961-09-01/1961-09-06"),
        // Eras of more than one token, a cue with a short year, a year in brackets.
        (Date, "ولدت سنة 161 ق.م. وماتت", "سنة 161 ق.م", "0161"),
        (Date, "نحو 3500 قبل الميلاد تقدم", "3500 قبل الميلاد", "3500"),
        (Date, "في عام 84 هجرية", "عام 84 هجرية", "0084 AH"),
        (Date, "في قراره 350 (1974)، ومدد", "1974", "1974"),
        (Date, "خلال الفترة 2010-2015 شهدت", "2010-2015", "2010/2015"),
        (Date, "في التسعينيات", "التسعينيات", "199X"),
        (Date, "في ثمانينيات القرن الماضي", "ثمانينيات القرن الماضي", "198X"),
        (Date, "مطلع القرن العشرين", "مطلع القرن العشرين", "19XX"),
        (Date, "في القرن الـ19", "القرن الـ19", "18XX"),
        (Date, "القرن الحادي والعشرين", "القرن الحادي والعشرين", "20XX"),
    ]);
    check_spans(&[
        // Each end of a range is its own mention, the preposition outside.
        ("الفترة من 2010 إلى 2015 شهدت", &[(Date, "2010"), (Date, "2015")]),
        ("في 1912 و1913 وقعت", &[(Date, "1912"), (Date, "1913")]),
        // يوم before a date, a short Hijri year with its era and a definite era
        // adjective belong to the date.
        ("وقعت يوم 20 أكتوبر 2011 في", &[(Date, "يوم 20 أكتوبر 2011")]),
        ("توفي في 23 رمضان 26 للهجرة", &[(Date, "23 رمضان 26 للهجرة")]),
        ("في القرن الرابع الميلادي كان", &[(Date, "القرن الرابع الميلادي")]),
        ("29 يناير أو يوم 29 \\ 1 هو", &[(Date, "29 يناير"), (Date, "يوم 29 \\ 1")]),
        // Idioms are not ordinals; ألف read as a verb and a fraction are not numbers.
        ("يعمل في المقام الأول في أفريقيا", &[]),
        ("يتذبذب مرتين في الدقيقة الواحدة", &[]),
        ("ويقال أنه ألف في علم الكلام", &[]),
        ("كان يحوي ثلاثة أرباع الفرق", &[]),
        // A day counted by an ordinal is a date.
        ("في اليوم الثاني من المعركة", &[(Date, "اليوم الثاني")]),
        (
            "(اليوم التاسع عشر من الشهر السادس) هو اليوم الحادي والسبعون بعد المئة (171)",
            &[
                (Date, "اليوم التاسع عشر من الشهر السادس"),
                (Date, "اليوم الحادي والسبعون بعد المئة"),
                (Ordinal, "171"),
            ],
        ),
        // A four-digit year alone before punctuation is a date; a count has its
        // noun and a resolution number its cue.
        ("بعد هزيمة 1967، عرف", &[(Date, "1967")]),
        ("أبو العلا عفيفي (1897 -1966) عالم", &[(Date, "1897"), (Date, "1966")]),
        ("في تعدادات 1976 و1986 و1996 كان", &[(Date, "1976"), (Date, "1986"), (Date, "1996")]),
        ("المواد 251 و252 من القانون", &[(Number, "251"), (Number, "252")]),
        ("أفرج عن 1800 سجين", &[(Number, "1800")]),
        ("تنفيذ قرار مجلس الأمن 1325 (2000) ورحبوا", &[(Number, "1325"), (Date, "2000")]),
        ("كتب أكثر من 1000.", &[(Number, "1000")]),
        ("بين عامي 1412 - 1413 م حكم", &[(Date, "عامي 1412"), (Date, "1413 م")]),
        // A year inside a date is not a second entity.
        ("22 يناير 2024", &[(Date, "22 يناير 2024")]),
    ]);
}

#[test]
fn relative_dates_without_and_with_a_reference() {
    check(&[
        (Date, "قال أمس إن", "أمس", "P-1D"),
        (Date, "الأسبوع الماضي", "الأسبوع الماضي", "P-1W"),
        (Date, "الشهر المقبل", "الشهر المقبل", "P1M"),
        // The preposition is outside; it still gives the direction.
        (Date, "منذ ثلاثة أيام", "ثلاثة أيام", "P-3D"),
        (Date, "بعد أسبوعين", "أسبوعين", "P2W"),
    ]);
    // A unit alone and a frequency are not dates.
    assert!(all("بعد قرن من الزمن").is_empty());
    assert!(
        all("تعقد كل أربع سنوات")
            .iter()
            .all(|m| m.0 != EntityKind::Date)
    );
    check(&[
        (Date, "يوم الاثنين", "يوم الاثنين", "XXXX-WXX-1"),
        (Date, "استمر ثلاثة أيام", "ثلاثة أيام", "P3D"),
        (Time, "خلال 24 ساعة", "24 ساعة", "PT24H"),
    ]);
    // 2024-01-22 (a Monday) 09:00 at +03:00.
    let r = Reference::at(
        calendar::days_from_civil(2024, 1, 22) * 86_400 + 6 * 3600,
        180,
    );
    let opts = PatternOptions { reference: Some(r) };
    let v = |t: &str| {
        find_with(t, &opts)
            .into_iter()
            .map(|m| m.value.unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(v("أمس"), ["2024-01-21"]);
    assert_eq!(v("غدا"), ["2024-01-23"]);
    assert_eq!(v("العام الماضي"), ["2023"]);
    assert_eq!(v("الشهر المقبل"), ["2024-02"]);
    assert_eq!(v("الأسبوع الماضي"), ["2024-W03"]);
    assert_eq!(v("منذ ثلاثة أيام"), ["2024-01-19"]);
    assert_eq!(v("يوم الخميس الماضي"), ["2024-01-18"]);
    assert_eq!(v("يوم الأربعاء المقبل"), ["2024-01-24"]);
}

#[test]
fn times_with_words_parts_of_day_and_zones() {
    check(&[
        (Time, "22 يناير 2024، 6:26 م", "6:26 م", "18:26"),
        (Time, "الساعة 12:05 ص", "الساعة 12:05 ص", "00:05"),
        (Time, "الساعة العاشرة صباحا", "الساعة العاشرة صباحا", "10:00"),
        (Time, "في الثالثة عصرا", "الثالثة عصرا", "15:00"),
        (Time, "عند منتصف الليل", "منتصف الليل", "00:00"),
        (Time, "الساعة 14:00 بتوقيت غرينتش", "الساعة 14:00 بتوقيت غرينتش", "14:00Z"),
        (Time, "الساعة الثامنة والنصف مساء بتوقيت مكة المكرمة", "الساعة الثامنة والنصف مساء بتوقيت مكة المكرمة", "20:30+03:00"),
        (Time, "الساعة الحادية عشرة ليلا", "الساعة الحادية عشرة ليلا", "23:00"),
    ]);
}

#[test]
fn numbers_in_digits_and_words() {
    check(&[
        (Number, "بلغ ١٬٢٥٠٫٥ نسمة", "١٬٢٥٠٫٥", "1250.5"),
        (Number, "بلغ 1,000,000 نسمة", "1,000,000", "1000000"),
        (Number, "قتل ثلاثة أشخاص", "ثلاثة", "3"),
        (Number, "خمسة عشر لاعبا", "خمسة عشر", "15"),
        (Number, "مئة وعشرون شخصا", "مئة وعشرون", "120"),
        (Number, "ثلاثة آلاف وخمسمائة جندي", "ثلاثة آلاف وخمسمائة", "3500"),
        (Number, "مليونان نسمة", "مليونان", "2000000"),
        (Number, "3 ملايين نسمة", "3 ملايين", "3000000"),
        (Number, "2.5 مليار نسمة", "2.5 مليار", "2500000000"),
        (Number, "نصف مليون لاجئ", "نصف مليون", "500000"),
        (Number, "خمسة وعشرين عاملا", "خمسة وعشرين", "25"),
        (Number, "ثلاث مئة رجل", "ثلاث مئة", "300"),
        (Number, "الدول الثلاث", "الثلاث", "3"),
    ]);
}

#[test]
fn numbers_that_are_codes_are_not_numbers() {
    for t in [
        "طائرة إف-16 أميركية",
        "فيروس كوفيد-19",
        "شبكة 4G",
        "مقاتلة F16",
    ] {
        assert!(
            all(t).iter().all(|m| m.0 != EntityKind::Number),
            "{t}: {:?}",
            all(t)
        );
    }
    assert!(all("في آن واحد").is_empty());
}

#[test]
fn ordinals() {
    check(&[
        (Ordinal, "المركز الأول", "الأول", "1"),
        (Ordinal, "للمرة الثانية", "الثانية", "2"),
        (Ordinal, "الدورة الحادية عشرة", "الحادية عشرة", "11"),
        (Ordinal, "النسخة الـ15 من", "الـ15", "15"),
        (Ordinal, "في الذكرى الخامسة والعشرين", "الخامسة والعشرين", "25"),
    ]);
}

#[test]
fn percents() {
    check(&[
        (Percent, "نمو 5% سنويا", "5%", "5%"),
        (Number, "نمو % 5 سنويا", "5", "5"),
        (Percent, "نمو %5 سنويا", "%5", "5%"),
        (Percent, "نمو 5 في المئة", "5 في المئة", "5%"),
        (Percent, "نمو خمسة بالمائة", "خمسة بالمائة", "5%"),
        (Percent, "نسبة 5 بالمئة", "5 بالمئة", "5%"),
    ]);
}

#[test]
fn money_with_codes() {
    check(&[
        (Money, "بقيمة 3 مليارات دولار أمريكي", "3 مليارات دولار أمريكي", "3000000000 USD"),
        (Money, "دفع $250 فقط", "$250", "250 USD"),
        (Money, "500 ريال سعودي", "500 ريال سعودي", "500 SAR"),
        (Money, "قرض بقيمة مليار دولار", "مليار دولار", "1000000000 USD"),
        (Money, "5 ملايين يورو", "5 ملايين يورو", "5000000 EUR"),
        (Money, "ألفي دينار عراقي", "ألفي دينار عراقي", "2000 IQD"),
        (Money, "100 جنيه مصري", "100 جنيه مصري", "100 EGP"),
        (Money, "بلغ 20 جنيها إسترلينيا", "20 جنيها", "20 EGP"),
    ]);
}

#[test]
fn quantities_with_units() {
    check(&[
        (Quantity, "تبلغ الحرارة 26°م صيفا", "26°م", "26 degC"),
        (Quantity, "نحو 33 °مئوية", "33 °مئوية", "33 degC"),
        (Quantity, "زاوية 40° تقريبا", "40°", "40 deg"),
        (Quantity, "يبلغ طوله 18 قدما", "18 قدما", "18 ft"),
        // م is the metre when it cannot be the era.
        (Quantity, "يرتفع الجبل 4638م عن", "4638م", "4638 m"),
        (Quantity, "بعمق 3.5م لذلك", "3.5م", "3.5 m"),
        (Quantity, "على ارتفاع 143م فوق", "143م", "143 m"),
        (Date, "دخل الإسكندرية في العام 642م في", "العام 642م", "0642"),
        (Quantity, "مسافة 15 كيلومترا", "15 كيلومترا", "15 km"),
        (Quantity, "نقل 3 أطنان", "3 أطنان", "3 t"),
        (Quantity, "إنتاج مليون برميل يوميا", "مليون برميل", "1000000 bbl"),
        (Quantity, "بلغت 40 درجة مئوية", "40 درجة مئوية", "40 degC"),
        (Quantity, "مساحة 500 كيلومتر مربع", "500 كيلومتر مربع", "500 km2"),
    ]);
}

#[test]
fn web_entities_values_drop_their_marks() {
    check(&[
        (Url, "زوروا https://example.com/a?b=1.", "https://example.com/a?b=1", "https://example.com/a?b=1"),
        (Email, "راسلونا info@erem.news اليوم", "info@erem.news", "info@erem.news"),
        (Hashtag, "وسم #غزة الآن", "#غزة", "غزة"),
        (Mention, "غرد @EremNews اليوم", "@EremNews", "EremNews"),
        (Mention, "غرد @إرم_نيوز اليوم", "@إرم_نيوز", "إرم_نيوز"),
    ]);
    assert!(
        all("info@erem.news")
            .iter()
            .all(|m| m.0 != EntityKind::Mention)
    );
    is("اتصل +971 4 123 4567 الآن", EntityKind::Phone, "+971 4 123 4567", "+97141234567");
}

#[test]
fn hostile_input_stays_linear() {
    let digits = "1".repeat(200_000);
    let words = "ثلاثة وعشرون ".repeat(20_000);
    let seps = "1,000".repeat(20_000);
    for t in [digits.as_str(), words.as_str(), seps.as_str()] {
        let start = std::time::Instant::now();
        let _ = find(t);
        assert!(start.elapsed().as_secs() < 5);
    }
}

#[test]
fn eras_holidays_and_anaphoric_dates() {
    let date = |t: &str, span: &str| {
        let found = all(t);
        assert!(
            found.iter().any(|m| m.0 == EntityKind::Date && m.1 == span),
            "{t}: {found:?}"
        );
    };
    date("منذ العصور الوسطى كما", "العصور الوسطى");
    date("تعود إلى العصر الحجري الحديث.", "العصر الحجري الحديث");
    date("في عصر النهضة", "عصر النهضة");
    date("وفي نفس العام، وقع", "نفس العام");
    date("في العام نفسه", "العام نفسه");
    date("حتى يومنا هذا", "يومنا هذا");
    date("خلال هذه الحقبة.", "هذه الحقبة");
    date("أما عيد الفصح فمرتبط", "عيد الفصح");
    date("الاحتفال باليوم الدولي للغابات.", "اليوم الدولي للغابات");
    // A reign is the person's, not an era.
    assert!(all("في عهد الملك فيصل").is_empty());
}

#[test]
fn labels_symbols_and_shared_units() {
    // Paragraph numbers, footnote marks and references are not counts.
    assert!(all("23 - وينبغي للمؤتمر").is_empty());
    assert!(all("الوطني الحر. [37] [38] جنبا").is_empty());
    assert!(all("(مز27:102-28)").is_empty());
    assert!(all("ابن إياس، 1/343").is_empty());
    check(&[
        (Number, "حوالي 15،000 جندي", "15،000", "15000"),
        (Quantity, "تقدر بـ 4.480.000 كم2 أي", "4.480.000 كم2", "4480000 km2"),
        (Percent, "تمثل 51,2% من", "51,2%", "51.2%"),
        // Amounts that share one unit or sign are one mention.
        (Quantity, "بين 830-880 مترا.", "830-880 مترا", "830/880 m"),
        (Percent, "بين 27 و 30٪ من", "27 و 30٪", "27/30%"),
        (Quantity, "تتعدى 35 مئوية", "35 مئوية", "35 degC"),
    ]);
}
