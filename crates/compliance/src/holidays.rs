//! Holiday calendars: which dates are holidays, computed from rules, with observance shifts.
//!
//! A calendar (data in the rule pack, one per jurisdiction) lists holidays as a fixed date
//! (`Jul 4`), the nth or last weekday of a month (`3rd Monday of January`, `last Monday of
//! May`), optionally moved by a number of days (`Election Day` = the day after the first
//! Monday of November), or a number of days from Easter Sunday (`Good Friday` = -2).
//! A holiday falling on a Saturday can also be observed on the Friday before and one on a
//! Sunday on the Monday after, as each calendar says. Both the day itself and the observed
//! day count as holidays: a call on July 4 is a call on a legal holiday whichever day the
//! offices close. Observance crosses years: Jan 1 on a Saturday is observed on Dec 31 of the
//! year before, so [`HolidayCalendar::between`] looks one year beyond each end.

use jiff::civil::{Date, Weekday};

use crate::days::{DayNumber, date_of, day_number};

/// How a holiday's date is found in a given year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HolidayDate {
    /// The same month and day every year.
    Fixed { month: i8, day: i8 },
    /// The `nth` (1..=5) or, with `nth == -1`, the last `weekday` of `month`, then moved by
    /// `offset` days.
    NthWeekday {
        month: i8,
        weekday: Weekday,
        nth: i8,
        offset: i16,
    },
    /// `offset` days from Easter Sunday (Gregorian computus).
    Easter { offset: i16 },
}

/// One named holiday of a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub when: HolidayDate,
}

/// A jurisdiction's list of holidays and how weekend holidays are observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidayCalendar {
    /// The id rules refer to (`federal`, `PA`, …).
    pub id: String,
    pub title: String,
    /// Where the list comes from.
    pub source: String,
    /// A Saturday holiday is also observed on the Friday before.
    pub saturday_to_friday: bool,
    /// A Sunday holiday is also observed on the Monday after.
    pub sunday_to_monday: bool,
    pub holidays: Vec<Holiday>,
}

/// A holiday on a given date (an index into the calendar's `holidays`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HolidayDay {
    pub day: DayNumber,
    pub holiday: usize,
    /// True when this is the observed day of a holiday that falls on a weekend.
    pub observed: bool,
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::constant(year, month as i8, day as i8)
}

impl HolidayDate {
    /// The date in `year`, or `None` when it does not exist (a 5th weekday that is missing,
    /// Feb 29 in a common year).
    pub fn in_year(&self, year: i16) -> Option<Date> {
        match *self {
            HolidayDate::Fixed { month, day } => Date::new(year, month, day).ok(),
            HolidayDate::NthWeekday {
                month,
                weekday,
                nth,
                offset,
            } => {
                let first = Date::new(year, month, 1).ok()?;
                let base = if nth < 0 {
                    first
                        .last_of_month()
                        .nth_weekday_of_month(-1, weekday)
                        .ok()?
                } else {
                    first.nth_weekday_of_month(nth, weekday).ok()?
                };
                Some(date_of(day_number(base) + i32::from(offset)))
            }
            HolidayDate::Easter { offset } => {
                Some(date_of(day_number(easter_sunday(year)) + i32::from(offset)))
            }
        }
    }
}

impl HolidayCalendar {
    /// Every holiday day (actual and observed) in `year`'s rules, which may include an
    /// observed day in the year before (Jan 1 on a Saturday → Dec 31).
    pub fn days_of_year(&self, year: i16) -> Vec<HolidayDay> {
        let mut out = Vec::with_capacity(self.holidays.len() + 4);
        for (i, h) in self.holidays.iter().enumerate() {
            let Some(date) = h.when.in_year(year) else {
                continue;
            };
            let n = day_number(date);
            out.push(HolidayDay {
                day: n,
                holiday: i,
                observed: false,
            });
            match date.weekday() {
                Weekday::Saturday if self.saturday_to_friday => {
                    out.push(HolidayDay {
                        day: n - 1,
                        holiday: i,
                        observed: true,
                    });
                }
                Weekday::Sunday if self.sunday_to_monday => {
                    out.push(HolidayDay {
                        day: n + 1,
                        holiday: i,
                        observed: true,
                    });
                }
                _ => {}
            }
        }
        out
    }

    /// Every holiday day in `[first, last]` (day numbers), sorted by day.
    pub fn between(&self, first: DayNumber, last: DayNumber) -> Vec<HolidayDay> {
        let (y0, y1) = (date_of(first).year(), date_of(last).year());
        let mut out: Vec<HolidayDay> = (y0 - 1..=y1 + 1)
            .flat_map(|y| self.days_of_year(y))
            .filter(|h| (first..=last).contains(&h.day))
            .collect();
        out.sort();
        out.dedup_by_key(|h| (h.day, h.holiday));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn calendar(sat: bool, sun: bool, holidays: Vec<Holiday>) -> HolidayCalendar {
        HolidayCalendar {
            id: "t".into(),
            title: "test".into(),
            source: "test".into(),
            saturday_to_friday: sat,
            sunday_to_monday: sun,
            holidays,
        }
    }

    fn fixed(name: &str, month: i8, day: i8) -> Holiday {
        Holiday {
            name: name.into(),
            when: HolidayDate::Fixed { month, day },
        }
    }

    #[test]
    fn easter_dates_match_published_tables() {
        for (y, m, d) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
        }
    }

    #[test]
    fn good_friday_and_election_day() {
        let gf = HolidayDate::Easter { offset: -2 };
        assert_eq!(gf.in_year(2026), Some(date(2026, 4, 3)));
        let election = HolidayDate::NthWeekday {
            month: 11,
            weekday: Weekday::Monday,
            nth: 1,
            offset: 1,
        };
        // Nov 1 2026 is a Sunday: first Monday Nov 2, Election Day Nov 3.
        assert_eq!(election.in_year(2026), Some(date(2026, 11, 3)));
        // Nov 1 2027 is a Monday: Election Day is Nov 2 (never Nov 1).
        assert_eq!(election.in_year(2027), Some(date(2027, 11, 2)));
        // 2022: Nov 1 is a Tuesday, so Election Day is Nov 8.
        assert_eq!(election.in_year(2022), Some(date(2022, 11, 8)));
    }

    #[test]
    fn nth_and_last_weekdays() {
        let memorial = HolidayDate::NthWeekday {
            month: 5,
            weekday: Weekday::Monday,
            nth: -1,
            offset: 0,
        };
        assert_eq!(memorial.in_year(2026), Some(date(2026, 5, 25)));
        assert_eq!(memorial.in_year(2027), Some(date(2027, 5, 31)));
        let thanksgiving = HolidayDate::NthWeekday {
            month: 11,
            weekday: Weekday::Thursday,
            nth: 4,
            offset: 0,
        };
        assert_eq!(thanksgiving.in_year(2026), Some(date(2026, 11, 26)));
    }

    #[test]
    fn saturday_holiday_is_observed_on_friday_even_across_the_year() {
        let cal = calendar(
            true,
            true,
            vec![
                fixed("New Year's Day", 1, 1),
                fixed("Independence Day", 7, 4),
            ],
        );
        // Jan 1 2028 is a Saturday: observed Friday Dec 31 2027.
        let days = cal.between(
            day_number(date(2027, 12, 1)),
            day_number(date(2027, 12, 31)),
        );
        assert_eq!(days.len(), 1);
        assert_eq!(date_of(days[0].day), date(2027, 12, 31));
        assert!(days[0].observed);
        // July 4 2027 is a Sunday: observed Monday July 5, and the Sunday itself stays.
        let july = cal.between(day_number(date(2027, 7, 1)), day_number(date(2027, 7, 31)));
        let dates: Vec<Date> = july.iter().map(|h| date_of(h.day)).collect();
        assert_eq!(dates, [date(2027, 7, 4), date(2027, 7, 5)]);
    }

    #[test]
    fn without_observance_rules_the_day_stays_put() {
        let cal = calendar(false, true, vec![fixed("New Year's Day", 1, 1)]);
        let days = cal.between(day_number(date(2027, 12, 1)), day_number(date(2028, 1, 31)));
        let dates: Vec<Date> = days.iter().map(|h| date_of(h.day)).collect();
        assert_eq!(dates, [date(2028, 1, 1)]);
    }
}
