//! Calendar arithmetic without a time-zone database: proleptic Gregorian
//! day numbers, the tabular (arithmetic) Islamic calendar, ISO weeks, and a
//! small table of time zones (UTC, fixed offsets, and the common Arab-world
//! zones with their current rules).

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
        let local = utc_seconds.saturating_add(i64::from(offset_minutes) * 60);
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

/// Parses an RFC 3339 timestamp (`2024-01-22T09:00:00Z`,
/// `2024-01-22T12:00:00.5+03:00`, `t`/space separator accepted): the Unix
/// seconds and the offset it was written with (`None` for `Z`).
pub fn parse_rfc3339(s: &str) -> Option<(i64, Option<i32>)> {
    let b = s.trim().as_bytes();
    if b.len() < 20 || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = b.get(r)?;
        if !t.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(t).ok()?.parse().ok()
    };
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !valid_date(i64::from(y), mo, d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut k = 19;
    if b.get(k) == Some(&b'.') {
        k += 1;
        let start = k;
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k == start || k - start > 9 {
            return None;
        }
    }
    let rest = std::str::from_utf8(&b[k..]).ok()?;
    let offset = match rest {
        "Z" | "z" => None,
        r if r.len() == 6 && r.as_bytes()[3] == b':' => Some(parse_fixed(r)?),
        _ => return None,
    };
    let local =
        days_from_civil(i64::from(y), mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + sec.min(59));
    Some((local - i64::from(offset.unwrap_or(0)) * 60, offset))
}

/// Why a time-zone name was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError(pub String);

impl std::fmt::Display for ZoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown or unsupported time zone {:?}: use UTC, a fixed offset such as +03:00, Etc/GMT-3, or one of the zones listed in docs/patterns.md",
            self.0
        )
    }
}

impl std::error::Error for ZoneError {}

/// A daylight-saving rule: from the last `start_wd` of `start_month` to the
/// last `end_wd` of `end_month` (ISO weekdays), switching at `hour` local
/// standard time; `end_shift` moves the end by whole days (Egypt ends on the
/// last Thursday at 24:00).
#[derive(Clone, Copy)]
struct Dst {
    start_month: u32,
    start_wd: u32,
    end_month: u32,
    end_wd: u32,
    hour: u32,
    end_shift: i64,
}

const EU: Dst = Dst {
    start_month: 3,
    start_wd: 7,
    end_month: 10,
    end_wd: 7,
    hour: 1,
    end_shift: 0,
};

/// The supported named zones: (IANA name, standard offset in minutes, DST).
const ZONES: &[(&str, i32, Option<Dst>)] = &[
    ("UTC", 0, None),
    ("Etc/UTC", 0, None),
    ("GMT", 0, None),
    ("Etc/GMT", 0, None),
    ("Asia/Riyadh", 180, None),
    ("Asia/Baghdad", 180, None),
    ("Asia/Kuwait", 180, None),
    ("Asia/Qatar", 180, None),
    ("Asia/Bahrain", 180, None),
    ("Asia/Aden", 180, None),
    ("Asia/Amman", 180, None),
    ("Asia/Damascus", 180, None),
    ("Africa/Djibouti", 180, None),
    ("Africa/Mogadishu", 180, None),
    ("Indian/Comoro", 180, None),
    ("Europe/Istanbul", 180, None),
    ("Europe/Moscow", 180, None),
    ("Asia/Dubai", 240, None),
    ("Asia/Muscat", 240, None),
    ("Asia/Tehran", 210, None),
    ("Africa/Algiers", 60, None),
    ("Africa/Tunis", 60, None),
    ("Africa/Tripoli", 120, None),
    ("Africa/Khartoum", 120, None),
    ("Africa/Nouakchott", 0, None),
    (
        "Africa/Cairo",
        120,
        Some(Dst {
            start_month: 4,
            start_wd: 5,
            end_month: 10,
            end_wd: 4,
            hour: 0,
            end_shift: 1,
        }),
    ),
    (
        "Asia/Beirut",
        120,
        Some(Dst {
            start_month: 3,
            start_wd: 7,
            end_month: 10,
            end_wd: 7,
            hour: 0,
            end_shift: 0,
        }),
    ),
    ("Europe/London", 0, Some(EU)),
    ("Europe/Paris", 60, Some(EU)),
    ("Europe/Berlin", 60, Some(EU)),
];

/// The names [`zone_offset_minutes`] accepts besides UTC and fixed offsets.
pub fn supported_zones() -> impl Iterator<Item = &'static str> {
    ZONES.iter().map(|(n, _, _)| *n)
}

fn last_weekday(y: i64, m: u32, wd: u32) -> i64 {
    let last = days_from_civil(y, m, month_len(y, m));
    last - i64::from((weekday(last) + 7 - wd) % 7)
}

fn parse_fixed(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(rest.len() == 2 || digits.len() == 4) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// The offset east of UTC, in minutes, of zone `name` at `utc_seconds`:
/// `UTC`/`Z`/`GMT`, a fixed offset (`+03:00`, `-0530`, `+03`), `Etc/GMT±N`
/// (POSIX sign: `Etc/GMT-3` is +03:00), or a zone of the embedded table.
pub fn zone_offset_minutes(name: &str, utc_seconds: i64) -> Result<i32, ZoneError> {
    let n = name.trim();
    if n.is_empty() || n == "Z" {
        return Ok(0);
    }
    if let Some(off) = parse_fixed(n) {
        return Ok(off);
    }
    if let Some(rest) = n.strip_prefix("Etc/GMT")
        && let Some(h) = rest
            .strip_prefix('-')
            .map(|h| (h, 60))
            .or_else(|| rest.strip_prefix('+').map(|h| (h, -60)))
        && let Ok(v) = h.0.parse::<i32>()
        && (0..=14).contains(&v)
    {
        return Ok(v * h.1);
    }
    let Some(&(_, std, dst)) = ZONES.iter().find(|(z, _, _)| z.eq_ignore_ascii_case(n)) else {
        return Err(ZoneError(name.chars().take(64).collect()));
    };
    let Some(r) = dst else { return Ok(std) };
    let local = Reference::at(utc_seconds, std);
    let (y, _, _) = local.date();
    let at = |day: i64| day * 86_400 + i64::from(r.hour) * 3600;
    let start = at(last_weekday(y, r.start_month, r.start_wd));
    let end = at(last_weekday(y, r.end_month, r.end_wd) + r.end_shift);
    let now = local.day * 86_400 + i64::from(local.second);
    Ok(if now >= start && now < end {
        std + 60
    } else {
        std
    })
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

    #[test]
    fn rfc3339_timestamps() {
        let day = days_from_civil(2024, 1, 22) * 86_400;
        assert_eq!(
            parse_rfc3339("2024-01-22T09:00:00Z"),
            Some((day + 9 * 3600, None))
        );
        assert_eq!(
            parse_rfc3339("2024-01-22T12:00:00.250+03:00"),
            Some((day + 9 * 3600, Some(180)))
        );
        for bad in [
            "2024-01-22",
            "2024-13-01T00:00:00Z",
            "2024-01-22T09:00:00",
            "x".repeat(30).as_str(),
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn zones_fixed_named_and_with_dst() {
        let jan = days_from_civil(2024, 1, 22) * 86_400;
        let jul = days_from_civil(2024, 7, 22) * 86_400;
        assert_eq!(zone_offset_minutes("UTC", jan), Ok(0));
        assert_eq!(zone_offset_minutes("+03:00", jan), Ok(180));
        assert_eq!(zone_offset_minutes("-0530", jan), Ok(-330));
        assert_eq!(zone_offset_minutes("Etc/GMT-3", jan), Ok(180));
        assert_eq!(zone_offset_minutes("Asia/Riyadh", jan), Ok(180));
        assert_eq!(zone_offset_minutes("Africa/Cairo", jan), Ok(120));
        assert_eq!(zone_offset_minutes("Africa/Cairo", jul), Ok(180));
        assert_eq!(zone_offset_minutes("Europe/London", jul), Ok(60));
        assert!(zone_offset_minutes("Mars/Olympus", jan).is_err());
        assert!(zone_offset_minutes("+99:00", jan).is_err());
    }
}
