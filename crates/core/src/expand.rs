//! Expansion of weekly windows into concrete occurrences in real time.
//!
//! For each date of a range and each window on that date's weekday, the window's wall-clock
//! start and end are resolved in the campaign's zone. A boundary that falls in a
//! spring-forward gap moves forward by the gap's length; one that falls in a fall-back fold
//! takes the earlier instant (RFC 5545, jiff's `compatible`). An occurrence whose local span
//! touches or contains a transition is marked ([`Dst`]); one the gap leaves empty is yielded
//! with [`Occurrence::is_void`] so callers can omit it (`expand`) or report it (`check`).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

use crate::model::{Schedule, TimeWindow};

/// How a daylight-saving transition affects an occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dst {
    /// Clocks jumped forward inside (or at a boundary of) the occurrence.
    Gap,
    /// Clocks went back inside (or at a boundary of) the occurrence.
    Fold,
}

impl Dst {
    pub fn as_str(self) -> &'static str {
        match self {
            Dst::Gap => "gap",
            Dst::Fold => "fold",
        }
    }
}

/// One concrete occurrence of a window on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The campaign-local date of the window's weekday (kept even when resolution moves an
    /// instant past midnight).
    pub date: Date,
    /// Index into the schedule's `timeWindows`.
    pub window: usize,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The campaign zone's offsets at `start` and `end`.
    pub start_offset: Offset,
    pub end_offset: Offset,
    pub dst: Option<Dst>,
}

impl Occurrence {
    /// True when a gap leaves nothing of the occurrence (it does not happen).
    pub fn is_void(&self) -> bool {
        self.end <= self.start
    }

    pub fn weekday(&self) -> Weekday {
        self.date.weekday()
    }

    /// The start as campaign-local date and time.
    pub fn local_start(&self) -> DateTime {
        self.start_offset.to_datetime(self.start)
    }

    /// The end as campaign-local date and time.
    pub fn local_end(&self) -> DateTime {
        self.end_offset.to_datetime(self.end)
    }

    /// Real (elapsed) length in seconds; zero or less for a void occurrence.
    pub fn seconds(&self) -> i64 {
        self.end.as_second() - self.start.as_second()
    }
}

/// Resolves one window on one date in `tz`.
pub fn resolve(tz: &TimeZone, date: Date, index: usize, window: &TimeWindow) -> Occurrence {
    let start_local = date.to_datetime(window.start.to_civil());
    let end_local = date.to_datetime(window.end.to_civil());
    let (start, start_offset, start_kind) = instant(tz, start_local);
    let (end, end_offset, end_kind) = instant(tz, end_local);
    let mut dst = start_kind.or(end_kind);
    if dst.is_none() && start < end {
        // A transition inside the real span, or at its end (New York 01:00–03:00 on the
        // spring day ends where the gap ends), that changes the offset (some transitions only
        // rename it, such as US war time becoming peace time in 1945).
        let before = tz.to_offset(start);
        dst = tz
            .following(start)
            .take_while(|t| t.timestamp() <= end)
            .find(|t| t.offset() != before)
            .map(|t| {
                if t.offset() > before {
                    Dst::Gap
                } else {
                    Dst::Fold
                }
            });
    }
    Occurrence {
        date,
        window: index,
        start,
        end,
        start_offset,
        end_offset,
        dst,
    }
}

fn instant(tz: &TimeZone, local: DateTime) -> (Timestamp, Offset, Option<Dst>) {
    let amb = tz.to_ambiguous_timestamp(local);
    let (offset, kind) = match amb.offset() {
        AmbiguousOffset::Unambiguous { offset } => (offset, None),
        // In a gap, the instant is the wall time read with the offset before the gap: the
        // same as moving it forward by the gap's length.
        AmbiguousOffset::Gap { before, .. } => (before, Some(Dst::Gap)),
        AmbiguousOffset::Fold { before, .. } => (before, Some(Dst::Fold)),
    };
    let ts = offset
        .to_timestamp(local)
        .expect("a schedule date and time are always within jiff's range");
    // The zone's actual offset at the resolved instant (after the gap for gap times).
    (ts, tz.to_offset(ts), kind)
}

/// Every occurrence of `schedule` on the `days` dates starting at `from`, in date order and,
/// within a date, by local start time. Void occurrences are included (see module docs).
///
/// # Example
/// ```
/// use cxsched_core::{Dst, Format, parse_document, occurrences};
///
/// // A Sunday 02:30 window in New York, over the week of the 2026 spring-forward change.
/// let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
///   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
///   "timeWindows":[{"dayOfWeek":"SUNDAY","startTime":"02:30:00","endTime":"04:00:00"}]}"#;
/// let schedule = parse_document(doc, Format::Json).schedule.expect("a valid document");
/// let all: Vec<_> = occurrences(&schedule, jiff::civil::date(2026, 3, 2), 14).collect();
/// assert_eq!(all.len(), 2);
/// assert_eq!(all[0].dst, Some(Dst::Gap)); // 02:30 does not exist on 2026-03-08
/// // Moved forward by the gap: 03:30 EDT.
/// assert_eq!(all[0].start.to_string(), "2026-03-08T07:30:00Z");
/// assert_eq!(all[1].dst, None);
/// ```
pub fn occurrences(schedule: &Schedule, from: Date, days: u32) -> Occurrences<'_> {
    let mut by_day: [Vec<usize>; 7] = Default::default();
    for (i, w) in schedule.windows.iter().enumerate() {
        by_day[w.day.to_monday_zero_offset() as usize].push(i);
    }
    for list in &mut by_day {
        list.sort_by_key(|&i| (schedule.windows[i].start, i));
    }
    Occurrences {
        schedule,
        by_day,
        date: Some(from),
        days_left: days,
        pos: 0,
    }
}

/// Iterator returned by [`occurrences`].
pub struct Occurrences<'s> {
    schedule: &'s Schedule,
    by_day: [Vec<usize>; 7],
    date: Option<Date>,
    days_left: u32,
    pos: usize,
}

impl Iterator for Occurrences<'_> {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        loop {
            if self.days_left == 0 {
                return None;
            }
            let date = self.date?;
            let list = &self.by_day[date.weekday().to_monday_zero_offset() as usize];
            if let Some(&i) = list.get(self.pos) {
                self.pos += 1;
                let w = &self.schedule.windows[i];
                return Some(resolve(self.schedule.timezone.tz, date, i, w));
            }
            self.pos = 0;
            self.days_left -= 1;
            self.date = date.tomorrow().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::LocalTime;
    use crate::zone;
    use jiff::civil::date;

    fn occ(zone_name: &str, d: Date, start: &str, end: &str) -> Occurrence {
        let tz = zone::resolve(zone_name).unwrap().zone.tz;
        let w = TimeWindow {
            day: d.weekday(),
            start: LocalTime::parse(start).unwrap(),
            end: LocalTime::parse(end).unwrap(),
        };
        resolve(tz, d, 0, &w)
    }

    #[test]
    fn spring_forward_in_new_york() {
        let d = date(2026, 3, 8);
        let o = occ("America/New_York", d, "01:00:00", "03:30:00");
        assert_eq!(o.dst, Some(Dst::Gap));
        assert_eq!(o.seconds(), 3600 + 1800);
        let void = occ("America/New_York", d, "02:30:00", "03:00:00");
        assert!(void.is_void());
        let moved = occ("America/New_York", d, "02:00:00", "02:30:00");
        assert_eq!(moved.start.to_string(), "2026-03-08T07:00:00Z");
        assert_eq!(moved.seconds(), 1800);
        let to_gap_end = occ("America/New_York", d, "01:00:00", "03:00:00");
        assert_eq!(
            (to_gap_end.dst, to_gap_end.seconds()),
            (Some(Dst::Gap), 3600)
        );
        let from_gap_end = occ("America/New_York", d, "03:00:00", "04:00:00");
        assert_eq!((from_gap_end.dst, from_gap_end.seconds()), (None, 3600));
        let plain = occ("America/New_York", d, "09:00:00", "17:00:00");
        assert_eq!(plain.dst, None);
    }

    #[test]
    fn fall_back_in_new_york_takes_the_earlier_instant() {
        let d = date(2026, 11, 1);
        let o = occ("America/New_York", d, "01:30:00", "02:30:00");
        assert_eq!(o.dst, Some(Dst::Fold));
        assert_eq!(o.start.to_string(), "2026-11-01T05:30:00Z");
        assert_eq!(o.seconds(), 2 * 3600);
    }

    #[test]
    fn santiago_midnight_gap() {
        // Chile moves clocks forward at 24:00 on the first Saturday of September.
        let d = date(2026, 9, 6);
        let o = occ("America/Santiago", d, "00:00:00", "01:00:00");
        assert!(o.is_void(), "{o:?}");
    }
}
