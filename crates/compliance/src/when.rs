//! "When may I call this recipient?": the legal calling intervals per date (CONTRACT §7,
//! `cxsched when`).
//!
//! A recipient is given as the [`Target`]s it resolves to: a phone number becomes its area
//! code's state in *every* zone the area code may be in, a state every zone of its area
//! codes, a zone alone no state. In each candidate zone, on each local date, every rule
//! that applies there (the purpose's federal rule and the state's rules) allows its hours of
//! that weekday, unless it prohibits the weekday or the date is one of its holidays (with
//! the calendar's observance shifts). Those local spans are turned into instants on their
//! own dates (DST exact: a bound in a gap moves forward by the gap, one in a fold takes the
//! earlier instant) and intersected over every candidate zone, since the person may be in
//! any of them (Regulation F's "convenient in every possible location").
//!
//! **Which date a [`Day`] is.** The candidate zones' calendars may differ, so a day needs one
//! of them: it is the civil date in the *first* target's zone (the primary zone, the caller's
//! choice of order). A day's intervals are the legal instants between that date's midnight
//! and the next in the primary zone; they are instants, so printing them in every zone is
//! the caller's job. `closed_because` names the rules that close the civil date itself in
//! some candidate zone (a prohibited weekday, a holiday).
//!
//! **Speed.** A batch of numbers has few distinct recipients (one per area code at most), so
//! [`WhenPlanner`] computes the holidays of the horizon once and each distinct
//! [`WhenKey`] (zones and states) once; a caller can also key its own cache with
//! [`WhenKey::of`].
//!
//! Pure: no I/O and no clock.

use std::collections::HashMap;
use std::sync::Arc;

use cxsched_core::Purpose;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::curfew::{DayHours, Interval, day_hours, instant, zone_rules};
use crate::days::{DayNumber, date_of, day_number};
use crate::recipients::Target;
use crate::rules::RulePack;

/// One date of the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    /// The civil date in the primary (first) zone.
    pub date: Date,
    /// The legal intervals, in order, disjoint and not touching.
    pub intervals: Vec<Interval>,
    /// The rules that close this civil date in some candidate zone (prohibited weekday or
    /// holiday), ids in pack order.
    pub closed_because: Vec<String>,
}

/// What a recipient's answer depends on: its candidate zones (canonical names, the primary
/// first) and the state with each.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WhenKey(Vec<(&'static str, Option<String>)>);

impl WhenKey {
    /// The key of a recipient's targets (order kept: the first is the primary zone).
    pub fn of(targets: &[Target]) -> WhenKey {
        WhenKey(
            targets
                .iter()
                .map(|t| (t.zone.canonical, t.state.clone()))
                .collect(),
        )
    }
}

/// Answers "when" for many recipients over one horizon, computing each distinct recipient
/// once.
pub struct WhenPlanner<'p> {
    pack: &'p RulePack,
    purpose: Purpose,
    first: DayNumber,
    last: DayNumber,
    /// Per calendar of the pack: its holiday days near the horizon, sorted.
    holidays: Vec<Vec<DayNumber>>,
    cache: HashMap<WhenKey, Arc<[Day]>>,
}

/// Local dates looked at beyond each end of the horizon, for zones whose calendars differ
/// from the primary zone's (at most a day apart, plus margin).
const MARGIN: i32 = 2;

impl<'p> WhenPlanner<'p> {
    /// A planner for calls for `purpose` on the `days` dates from `from`.
    pub fn new(pack: &'p RulePack, purpose: Purpose, from: Date, days: u32) -> WhenPlanner<'p> {
        let first = day_number(from);
        let last = first + days as i32 - 1;
        let holidays = pack
            .calendars
            .iter()
            .map(|c| {
                let mut v: Vec<DayNumber> = c
                    .between(first - MARGIN - 1, last + MARGIN + 1)
                    .iter()
                    .map(|h| h.day)
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        WhenPlanner {
            pack,
            purpose,
            first,
            last,
            holidays,
            cache: HashMap::new(),
        }
    }

    /// The answer for a recipient's targets, computed the first time its [`WhenKey`] is
    /// asked for and shared after.
    pub fn days(&mut self, targets: &[Target]) -> Arc<[Day]> {
        let key = WhenKey::of(targets);
        if let Some(d) = self.cache.get(&key) {
            return Arc::clone(d);
        }
        let d: Arc<[Day]> = self.compute(targets).into();
        self.cache.insert(key, Arc::clone(&d));
        d
    }

    /// The answer for a recipient's targets, computed now (see [`when`]).
    pub fn compute(&self, targets: &[Target]) -> Vec<Day> {
        let pack = self.pack;
        let Some(primary) = targets.first() else {
            return (self.first..=self.last)
                .map(|n| Day {
                    date: date_of(n),
                    intervals: Vec::new(),
                    closed_because: Vec::new(),
                })
                .collect();
        };
        let per_target: Vec<Vec<usize>> = targets
            .iter()
            .map(|t| {
                let mut rules = zone_rules(pack, self.purpose, [t.state.as_deref()]);
                let (first, last) = (date_of(self.first), date_of(self.last));
                rules.retain(|&i| {
                    let r = &pack.rules[i];
                    r.reaches_zone(t.zone.canonical)
                        && r.effective_from.is_none_or(|f| f <= last)
                        && r.effective_to.is_none_or(|f| first < f)
                });
                rules
            })
            .collect();
        let holiday = |ri: usize, n: DayNumber| {
            pack.rules[ri]
                .holidays
                .is_some_and(|c| self.holidays[c].binary_search(&n).is_ok())
        };
        let mut legal: Option<Vec<Interval>> = None;
        for (t, rules) in targets.iter().zip(&per_target) {
            let mut spans = Vec::new();
            for n in self.first - MARGIN..=self.last + MARGIN {
                let d = date_of(n);
                if let DayHours::Open { open, close, .. } =
                    day_hours(pack, rules, d.weekday(), |ri| holiday(ri, n))
                {
                    if open < close {
                        spans.push(Interval {
                            start: instant(t.zone.tz, d, open),
                            end: instant(t.zone.tz, d, close),
                        });
                    }
                }
            }
            legal = Some(match legal {
                None => spans,
                Some(so_far) => intersect(&so_far, &spans),
            });
        }
        let legal = merge(legal.unwrap_or_default());
        let tz = &primary.zone.tz;
        let mut out = Vec::with_capacity((self.last - self.first + 1) as usize);
        let mut at = 0;
        for n in self.first..=self.last {
            let date = date_of(n);
            let day = Interval {
                start: instant(tz, date, 0),
                end: instant(tz, date, 86_400),
            };
            while at < legal.len() && legal[at].end <= day.start {
                at += 1;
            }
            let intervals: Vec<Interval> = legal[at..]
                .iter()
                .take_while(|i| i.start < day.end)
                .filter_map(|i| i.intersect(&day))
                .collect();
            let mut closed: Vec<usize> = Vec::new();
            for rules in &per_target {
                if let DayHours::Closed(by) =
                    day_hours(pack, rules, date.weekday(), |ri| holiday(ri, n))
                {
                    closed.extend(by);
                }
            }
            closed.sort_unstable();
            closed.dedup();
            out.push(Day {
                date,
                intervals,
                closed_because: closed.iter().map(|&i| pack.rules[i].id.clone()).collect(),
            });
        }
        out
    }
}

/// The legal calling intervals for one recipient (its `targets`: every candidate zone with
/// its state, the primary zone first) on the `days` dates from `from`, in the primary zone's
/// calendar. For many recipients use a [`WhenPlanner`].
///
/// With no targets, nothing is known about where the person is, and no time is given.
///
/// # Example
/// An Arizona area code in the Navajo Nation: America/Phoenix keeps standard time, America/
/// Denver does not, so in summer the common legal hours are 08:00–20:00 Phoenix time.
/// ```
/// use cxsched_compliance::when::when;
/// use cxsched_compliance::{RulePack, Target};
/// use cxsched_core::{Purpose, zone};
/// use jiff::civil::date;
///
/// let target = |z: &str| Target {
///     zone: zone::resolve(z).unwrap().zone,
///     state: Some("AZ".into()),
///     basis: "area code 928".into(),
/// };
/// let targets = [target("America/Phoenix"), target("America/Denver")];
/// let pack = RulePack::embedded_us();
/// let days = when(&pack, Purpose::Telemarketing, &targets, date(2027, 7, 1), 1);
/// let i = days[0].intervals[0];
/// assert_eq!(i.start.to_string(), "2027-07-01T15:00:00Z"); // 08:00 Phoenix, 09:00 Denver
/// assert_eq!(i.end.to_string(), "2027-07-02T03:00:00Z"); // 20:00 Phoenix, 21:00 Denver
/// ```
pub fn when(
    pack: &RulePack,
    purpose: Purpose,
    targets: &[Target],
    from: Date,
    days: u32,
) -> Vec<Day> {
    WhenPlanner::new(pack, purpose, from, days).compute(targets)
}

/// The common part of two sorted lists of disjoint intervals.
fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if let Some(x) = a[i].intersect(&b[j]) {
            out.push(x);
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Joins touching intervals of a sorted list.
fn merge(list: Vec<Interval>) -> Vec<Interval> {
    let mut out: Vec<Interval> = Vec::with_capacity(list.len());
    for i in list {
        match out.last_mut() {
            Some(last) if last.end >= i.start => last.end = last.end.max(i.end),
            _ => out.push(i),
        }
    }
    out
}

/// True when `t` is inside one of `days`' intervals (a convenience for callers and tests).
pub fn is_legal(days: &[Day], t: Timestamp) -> bool {
    days.iter()
        .any(|d| d.intervals.iter().any(|i| i.contains(t)))
}
