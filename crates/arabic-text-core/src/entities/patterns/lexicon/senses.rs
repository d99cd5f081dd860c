//! What a word of the pattern lexicon can mean ([`Sense`]), with the units,
//! number words and day parts the senses carry.

/// A unit of time, for durations and relative expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
    /// Decades.
    Decade,
    /// Centuries.
    Century,
}

impl TimeUnit {
    /// The ISO 8601 duration designator (`PT5M`, `P3D`); decades and
    /// centuries are written in years.
    #[inline]
    pub fn designator(self) -> (&'static str, u64) {
        match self {
            TimeUnit::Second => ("S", 1),
            TimeUnit::Minute => ("M", 1),
            TimeUnit::Hour => ("H", 1),
            TimeUnit::Day => ("D", 1),
            TimeUnit::Week => ("W", 1),
            TimeUnit::Month => ("M", 1),
            TimeUnit::Year => ("Y", 1),
            TimeUnit::Decade => ("Y", 10),
            TimeUnit::Century => ("Y", 100),
        }
    }

    /// Whether the unit is below a day (a TIME rather than a DATE).
    #[inline]
    pub fn is_clock(self) -> bool {
        matches!(self, TimeUnit::Second | TimeUnit::Minute | TimeUnit::Hour)
    }
}

/// What a cardinal number word contributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Card {
    /// 1..10 (value); may start a teen with عشر.
    Unit(u32),
    /// The first word of 11/12 (أحد, إحدى, اثنا, اثني ...): only with عشر.
    TeenHead(u32),
    /// عشر / عشرة after a unit: +10.
    Teen,
    /// 20, 30, ... 90.
    Ten(u32),
    /// 100 .. 900.
    Hundred(u32),
    /// A power of ten (1000, 1e6, 1e9, 1e12) times a count (1, or 2 for a dual).
    Scale { exp: u32, count: u32 },
    /// A plural scale word (آلاف, ملايين): only after a count.
    PluralScale(u32),
    /// A fraction that can only precede a scale word (نصف مليون).
    Fraction(u32),
}

/// What a word can mean to the scanner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    /// A cardinal number word.
    Card(Card),
    /// A definite cardinal (الثلاثة): a number on its own only.
    DefCard(u32),
    /// An ordinal (value); `fem` for the feminine forms used for hours.
    Ord { n: u32, fem: bool },
    /// The first word of an ordinal 11..19 (الحادي, الثاني ... with عشر).
    OrdTeenHead(u32),
    /// A Gregorian month name (CLDR `ar`, Maghreb and Levantine one-word names).
    Month { n: u8, ambiguous: bool },
    /// The first word of a two-word Levantine month (كانون, تشرين).
    LevantHead(u8),
    /// A Hijri month name.
    Hijri { n: u8, ambiguous: bool },
    /// The first word of a two-word Hijri month (ربيع, جمادى, ذو/ذي).
    HijriHead(u8),
    /// The second word of a two-word month: الأول, الثاني, الآخر, القعدة, الحجة.
    MonthTail(u8),
    /// A weekday, ISO numbering (Monday 1 .. Sunday 7).
    Weekday(u8),
    /// A day relative to today (أمس −1, اليوم 0, غدا +1).
    RelDay(i32),
    /// A time unit; `count` is 2 for a dual (يومين), 0 for a plural or
    /// singular that needs a number; `definite` for الأسبوع/الشهر/العام.
    Period {
        unit: TimeUnit,
        count: u32,
        definite: bool,
    },
    /// A modifier of a definite period: الماضي −1, المقبل +1, الحالي 0.
    RelMod(i32),
    /// عام / العام / سنة / السنة before a year.
    YearCue,
    /// An era marker after a year: `hijri` for هـ / هجري / للهجرة.
    Era { hijri: bool },
    /// A decade word (التسعينيات → 1990).
    Decade(u32),
    /// القرن.
    Century,
    /// A boundary modifier before a date (مطلع, أواخر, منتصف, نهاية ...).
    Edge,
    /// A currency word with its default ISO 4217 code.
    Currency(&'static str),
    /// A nationality adjective that fixes the currency code.
    CurrencyAdj(&'static str),
    /// A unit of measure with its code.
    Measure(&'static str),
    /// An adjective that refines the preceding unit (مربع, مكعب, مئوية).
    MeasureAdj(&'static str),
    /// بالمئة / بالمائة (one word) or المئة / المائة after في.
    PercentWord { needs_fi: bool },
    /// الساعة before a clock time.
    Hour,
    /// A part of the day after a clock time: the hour shift it implies.
    DayPart(DayPart),
    /// والنصف / والربع / والثلث after an hour: minutes.
    Minutes(u32),
    /// توقيت / بتوقيت before a zone name.
    ZoneCue,
    /// A place or name whose time zone is known.
    Zone(&'static str),
    /// A temporal preposition that makes a bare year or month a date.
    TemporalPrep,
    /// منذ / قبل (−1) or بعد (+1) before a duration.
    Direction(i32),
    /// من / بين before the first date of a range.
    RangeOpen,
    /// إلى / حتى / و between the two dates of a range.
    RangeSep,
    /// منتصف (midnight/noon with الليل/النهار, and an Edge too).
    Middle,
    /// الليل (with منتصف: 00:00) or النهار (12:00).
    NightOrDay(u32),
    /// The article written apart before digits (الـ15).
    Article,
    /// A part-of-day noun before a day (صباح, مساء, فجر, ليلة).
    DayNoun,
    /// الربع / النصف before an ordinal: a quarter or half of a year.
    YearPart(u32),
    /// هذا / هذه before a definite period (هذا العام).
    This,
    /// A definite plural period (الأيام, الأشهر) before a modifier.
    PluralPeriod(TimeUnit),
}

/// How a part of the day shifts an hour written 1..12.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayPart {
    /// Morning, dawn, AM: 12 → 0.
    Am,
    /// Evening, afternoon, PM: +12 below 12.
    Pm,
    /// Noon (ظهرا): 11 and 12 stay, 1..5 get +12.
    Noon,
    /// Night (ليلا): 6..11 get +12, 12 → 0, early hours stay.
    Night,
}
