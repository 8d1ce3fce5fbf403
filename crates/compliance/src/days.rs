//! Dates as day numbers (days since 1970-01-01), for the check's hot path.
//!
//! The check walks spans of dates and steps by weeks; doing that with plain integers keeps
//! its cost independent of jiff's calendar arithmetic. Conversions to and from
//! [`jiff::civil::Date`] use the proleptic Gregorian calendar (Howard Hinnant's algorithms).

use jiff::civil::{Date, Weekday};

/// A civil date as days since 1970-01-01.
pub type DayNumber = i32;

/// Seconds in a civil day.
pub const DAY_SECONDS: i64 = 86_400;

/// The day number of `date`.
pub fn day_number(date: Date) -> DayNumber {
    let (y, m, d) = (
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of day number `n` (always within jiff's range for schedule horizons).
pub fn date_of(n: DayNumber) -> Date {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    Date::constant(y as i16, m as i8, d as i8)
}

/// Monday = 0 … Sunday = 6.
pub fn weekday_index(n: DayNumber) -> u8 {
    // 1970-01-01 was a Thursday (index 3).
    (n + 3).rem_euclid(7) as u8
}

/// The weekday of day number `n`.
pub fn weekday(n: DayNumber) -> Weekday {
    Weekday::from_monday_zero_offset(weekday_index(n) as i8).expect("0..7")
}

/// The first day `>= n` that falls on weekday index `wd` (Monday = 0).
pub fn next_on_or_after(n: DayNumber, wd: u8) -> DayNumber {
    n + i32::from((wd + 7 - weekday_index(n)) % 7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn known_days() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(2000, 3, 1)), 11_017);
        assert_eq!(date_of(day_number(date(2028, 2, 29))), date(2028, 2, 29));
        assert_eq!(weekday(day_number(date(2026, 11, 27))), Weekday::Friday);
    }

    proptest! {
        #[test]
        fn round_trips_and_agrees_with_jiff(n in -200_000i32..200_000) {
            let d = date_of(n);
            prop_assert_eq!(day_number(d), n);
            prop_assert_eq!(weekday(n), d.weekday());
            let next = date_of(n + 1);
            prop_assert_eq!(d.tomorrow().unwrap(), next);
        }

        #[test]
        fn next_on_or_after_is_within_a_week(n in -10_000i32..10_000, wd in 0u8..7) {
            let m = next_on_or_after(n, wd);
            prop_assert!(m >= n && m < n + 7);
            prop_assert_eq!(weekday_index(m), wd);
        }
    }
}
