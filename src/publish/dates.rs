//! Dates for the feed: front matter dates (`2026-03-14`, `2026-03-14T09:30:00+02:00`,
//! `2026-03-14 09:30`) and file modification times as seconds since 1970 (UTC), and back to
//! RFC 3339 (`2026-03-14T07:30:00Z`), which Atom requires. No calendar crate: the civil-date
//! conversions are Howard Hinnant's.

/// Seconds since 1970-01-01T00:00:00Z of a date as notes write it; a date alone is midnight
/// UTC, a time without a zone is taken as UTC. `None` when it is not such a date.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let mut rest = &text[10..];
    if rest.is_empty() {
        return Some(seconds);
    }
    rest = rest.strip_prefix(['T', 't', ' '])?;
    let t = rest.as_bytes();
    let (hour, minute) = (num(t, 0)?, num(t, 3)?);
    if t.get(2) != Some(&b':') || hour > 23 || minute > 59 {
        return None;
    }
    seconds += hour * 3600 + minute * 60;
    let mut i = 5;
    if t.get(i) == Some(&b':') {
        let second = num(t, i + 1)?;
        if second > 60 {
            return None;
        }
        seconds += second;
        i += 3;
        if t.get(i) == Some(&b'.') {
            i += 1;
            while t.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let zone = rest[i..].trim_start();
    match zone.as_bytes().first() {
        None | Some(b'Z' | b'z') if zone.len() <= 1 => Some(seconds),
        Some(sign @ (b'+' | b'-')) => {
            let z = zone.as_bytes();
            let (h, m) = (num(z, 1)?, num(z, 4)?);
            if z.get(3) != Some(&b':') || z.len() != 6 || h > 23 || m > 59 {
                return None;
            }
            let offset = h * 3600 + m * 60;
            Some(if *sign == b'+' {
                seconds - offset
            } else {
                seconds + offset
            })
        }
        _ => None,
    }
}

/// Two ASCII digits at `at`.
fn num(b: &[u8], at: usize) -> Option<i64> {
    let part = b.get(at..at + 2)?;
    part.iter()
        .all(u8::is_ascii_digit)
        .then(|| i64::from(part[0] - b'0') * 10 + i64::from(part[1] - b'0'))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 in UTC: `2026-03-14T07:30:00Z`.
pub fn rfc3339(seconds: i64) -> String {
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A file modification time as seconds since 1970 (`None` before 1970 or when unknown).
pub fn of_system_time(time: std::time::SystemTime) -> Option<i64> {
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_secs()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_notes_write_them_are_read() {
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(
            rfc3339(parse("2026-03-14").unwrap()),
            "2026-03-14T00:00:00Z"
        );
        assert_eq!(
            rfc3339(parse("2026-03-14T09:30:00+02:00").unwrap()),
            "2026-03-14T07:30:00Z"
        );
        assert_eq!(
            rfc3339(parse("2026-03-14 09:30").unwrap()),
            "2026-03-14T09:30:00Z"
        );
        assert_eq!(
            rfc3339(parse("2024-02-29T23:59:59.250Z").unwrap()),
            "2024-02-29T23:59:59Z"
        );
        assert_eq!(
            rfc3339(parse("2026-01-01T00:30:00-01:00").unwrap()),
            "2026-01-01T01:30:00Z"
        );
    }

    #[test]
    fn what_is_not_a_date_is_not_guessed() {
        for text in [
            "March 2026",
            "2026",
            "2026-13-01",
            "2025-02-29",
            "2026-03-14T25:00",
            "2026-03-14 noon",
            "2026-03-14T09:30+2",
            "２０２６-03-14",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn days_round_trip() {
        for days in [-800_000, -1, 0, 1, 11_016, 20_526, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
