//! Curfews: the calling-hour law compiled into per-destination-zone windows (CONTRACT §7).
//!
//! A CXone Personal Connection skill has, besides its weekly schedule, one window per
//! recipient time zone (`startTime`–`endTime`, recipient-local, applied to every day). The
//! dialer calls a number only inside both the schedule's window and the curfew of the
//! number's zone, so a curfew compiled from the law keeps every call inside legal hours in
//! the called person's local time whatever the DST offsets between the zones.
//!
//! [`compile`] groups the recipient [`Target`]s by zone. For each zone, the rules that may
//! apply to someone there are the federal rule of the purpose and the rules of every state
//! whose targets are in that zone. On every weekday the campaign dials, the day's legal span
//! is the latest opening and the earliest closing of those rules; the zone's curfew is the
//! intersection of those spans over the dialing weekdays (one window serves every day).
//!
//! Decisions this module takes:
//! - **A day a curfew cannot serve is a [`CurfewProblem`]**, never a silent empty window: a
//!   weekday some rule prohibits (Utah's Sundays), or one where the rules leave no time. Such
//!   a weekday does not narrow the other days' window: the schedule itself must stop dialing
//!   that zone on that day, and `check` reports it.
//! - **Warning rules narrow the curfew too.** A rule of low confidence (severity `warning`,
//!   such as the vendor-chart states, or the informational baseline) is followed: calling
//!   less is the safe side, and a curfew has no way to "warn". A problem carries the
//!   strongest severity of the rules that cause it, so a gate can tell the two apart.
//! - **Whole minutes.** The platform takes `HH:mm`: an opening is rounded up and a closing
//!   down to the minute, so rounding never widens the legal span. A closing at 24:00 becomes
//!   23:59 (a [`LocalTime`] is a time of day), which loses the day's last minute.
//! - **What a curfew cannot express** — holidays, blackouts, rule versions by date — is left
//!   to the check; this module looks at weekdays only.
//! - Output is deterministic: curfews and problems by zone name, then weekday (Monday first).
//!
//! The dialing weekdays are the weekdays *in the recipient's zone* on which the campaign can
//! call. Usually they are the weekdays of the schedule's windows; a window near midnight in a
//! zone far from the recipient's can reach the neighbouring day there (a New York Monday
//! 00:30 is Sunday evening in Honolulu). [`compile_for_schedule`] finds them from the
//! schedule's occurrences, zone by zone ([`dialing_weekdays`]); [`compile`] takes them given.
//!
//! [`cut`] is what the dialer really does with a curfew: the parts of an occurrence (a
//! concrete window, in instants) inside the curfew of the recipient's local dates, each
//! boundary resolved on its date in the recipient's zone (a boundary in a DST gap moves
//! forward by the gap, one in a fold takes the earlier instant, as the core does).
//!
//! Pure: no I/O and no clock.

use std::collections::BTreeMap;

use cxsched_core::model::weekday_name;
use cxsched_core::{LocalTime, Occurrence, Purpose, Schedule, Zone, occurrences};
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{Offset, TimeZone};

use crate::days::{DAY_SECONDS, DayNumber, date_of, day_number};
use crate::recipients::Target;
use crate::rules::{DayRule, RulePack, Severity};

/// A span of real time, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Interval {
    /// True when the span holds no instant.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// True when `t` is in `[start, end)`.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }

    /// The common part of two spans, if any.
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        let i = Interval {
            start: self.start.max(other.start),
            end: self.end.min(other.end),
        };
        (!i.is_empty()).then_some(i)
    }
}

/// One recipient zone's window, recipient-local, `[start, end)` on every day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Curfew {
    pub zone: Zone,
    pub start: LocalTime,
    pub end: LocalTime,
    /// Every rule that applies to someone who may be in the zone (ids, pack order).
    pub rules: Vec<String>,
    /// The rules whose opening is `start` on some dialing weekday.
    pub start_by: Vec<String>,
    /// The rules whose closing is `end` on some dialing weekday.
    pub end_by: Vec<String>,
    /// The states whose recipients may be in the zone, sorted (empty: federal rules only).
    pub states: Vec<String>,
}

impl Curfew {
    /// The curfew's span on the recipient-local `date`, as instants (DST exact).
    ///
    /// # Example
    /// ```
    /// use cxsched_compliance::curfew::{compile, Curfew};
    /// use cxsched_compliance::{RulePack, Target};
    /// use cxsched_core::{Purpose, Weekday, zone};
    /// use jiff::civil::date;
    ///
    /// let target = Target {
    ///     zone: zone::resolve("America/New_York").unwrap().zone,
    ///     state: Some("FL".into()),
    ///     basis: "state FL".into(),
    /// };
    /// let pack = RulePack::embedded_us();
    /// let c = &compile(&pack, Purpose::Telemarketing, &[target], &[Weekday::Monday]).curfews[0];
    /// let span = c.on(date(2027, 3, 15));
    /// assert_eq!(span.start.to_string(), "2027-03-15T12:00:00Z"); // 08:00 EDT
    /// assert_eq!(span.end.to_string(), "2027-03-16T00:00:00Z"); // 20:00 EDT
    /// ```
    pub fn on(&self, date: Date) -> Interval {
        Interval {
            start: instant(self.zone.tz, date, self.start.seconds()),
            end: instant(self.zone.tz, date, self.end.seconds()),
        }
    }
}

/// A recipient zone and weekday where a curfew cannot keep calls legal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurfewProblem {
    /// The zone's canonical name.
    pub zone: String,
    pub weekday: Weekday,
    /// The rules that close the day or leave it without time (ids).
    pub rules: Vec<String>,
    /// `Error` when any of those rules is an error rule.
    pub severity: Severity,
    /// A full sentence: what, where, and what to do.
    pub message: String,
}

/// What [`compile`] makes: one curfew per zone that has legal time, and the problems.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Curfews {
    /// By zone name.
    pub curfews: Vec<Curfew>,
    /// By zone name, then weekday (Monday first).
    pub problems: Vec<CurfewProblem>,
}

/// What the rules allow on one local day.
pub enum DayHours {
    /// Some rules close the day (indices into the pack's rules).
    Closed(Vec<usize>),
    /// `[open, close)` seconds since local midnight (empty when `open >= close`), and the
    /// rules that set each bound.
    Open {
        open: u32,
        close: u32,
        open_by: Vec<usize>,
        close_by: Vec<usize>,
    },
}

/// The intersection of `rules`' hours on `weekday`; `closed(rule)` says whether a rule
/// closes the whole day for another reason (a holiday).
pub fn day_hours(
    pack: &RulePack,
    rules: &[usize],
    weekday: Weekday,
    closed: impl Fn(usize) -> bool,
) -> DayHours {
    let mut shut = Vec::new();
    let (mut open, mut close) = (0, LocalTime::DAY);
    let (mut open_by, mut close_by) = (Vec::new(), Vec::new());
    for &ri in rules {
        match pack.rules[ri].day(weekday) {
            DayRule::Prohibited => shut.push(ri),
            _ if closed(ri) => shut.push(ri),
            DayRule::Allowed { open: o, close: c } => {
                if o > open {
                    open = o;
                    open_by.clear();
                }
                if o == open {
                    open_by.push(ri);
                }
                if c < close {
                    close = c;
                    close_by.clear();
                }
                if c == close {
                    close_by.push(ri);
                }
            }
        }
    }
    if shut.is_empty() {
        DayHours::Open {
            open,
            close,
            open_by,
            close_by,
        }
    } else {
        DayHours::Closed(shut)
    }
}

/// The rules that may apply to a recipient in a zone where `states` may be (pack order).
pub fn zone_rules<'s>(
    pack: &RulePack,
    purpose: Purpose,
    states: impl IntoIterator<Item = Option<&'s str>>,
) -> Vec<usize> {
    let mut rules = pack.applicable(purpose, None);
    for s in states {
        rules.extend(pack.applicable(purpose, s));
    }
    rules.sort_unstable();
    rules.dedup();
    rules
}

/// `secs` (0..=86400) after local midnight of `date` in `tz`, resolved as the core does
/// (a gap moves forward by its length, a fold takes the earlier instant).
pub(crate) fn instant(tz: &TimeZone, date: Date, secs: u32) -> Timestamp {
    let (date, secs) = if secs >= LocalTime::DAY {
        (
            date.tomorrow().expect("a horizon date"),
            secs - LocalTime::DAY,
        )
    } else {
        (date, secs)
    };
    let time = Time::constant(
        (secs / 3600) as i8,
        ((secs / 60) % 60) as i8,
        (secs % 60) as i8,
        0,
    );
    tz.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .expect("a horizon date and time are within jiff's range")
}

const ALL_WEEKDAYS: [Weekday; 7] = cxsched_core::model::WEEKDAYS;

fn ids(pack: &RulePack, rules: &[usize]) -> Vec<String> {
    rules.iter().map(|&i| pack.rules[i].id.clone()).collect()
}

fn severity(pack: &RulePack, rules: &[usize]) -> Severity {
    rules
        .iter()
        .map(|&i| pack.rules[i].severity)
        .max()
        .unwrap_or(Severity::Error)
}

fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, (secs / 60) % 60)
}

/// The weekdays in `days`, deduplicated, Monday first.
fn normalise(days: &[Weekday]) -> Vec<Weekday> {
    let mut seen = [false; 7];
    for d in days {
        seen[d.to_monday_zero_offset() as usize] = true;
    }
    (0..7)
        .filter(|&i| seen[i])
        .map(|i| Weekday::from_monday_zero_offset(i as i8).expect("0..7"))
        .collect()
}

/// Compiles the curfews of the recipients' zones for calls on `dialing_days` (recipient-local
/// weekdays, the same for every zone; see [`compile_for_schedule`] to find them per zone).
///
/// A zone every dialing weekday of which is a problem gets no curfew, only problems. With no
/// dialing weekday at all (the schedule never reaches the zone in hours a curfew could
/// open), the zone still gets a curfew, compiled as if every weekday the rules allow were
/// dialed, and no problem for the others: the dialer must not fall back to a wider default.
///
/// # Example
/// A New York campaign reaching Texas: Central time gets Texas's 09:00–21:00 on weekdays;
/// with Sunday dialed too, Texas's Sunday noon opening narrows the window of every day.
/// ```
/// use cxsched_compliance::curfew::compile;
/// use cxsched_compliance::{RulePack, Target};
/// use cxsched_core::{Purpose, Weekday, zone};
///
/// let target = Target {
///     zone: zone::resolve("America/Chicago").unwrap().zone,
///     state: Some("TX".into()),
///     basis: "state TX".into(),
/// };
/// let pack = RulePack::embedded_us();
/// let weekdays = [Weekday::Monday, Weekday::Friday];
/// let c = compile(&pack, Purpose::Telemarketing, &[target.clone()], &weekdays);
/// assert_eq!(c.curfews[0].start.to_string(), "09:00:00");
/// assert_eq!(c.curfews[0].end.to_string(), "21:00:00");
/// assert_eq!(c.curfews[0].start_by, ["US-TX"]);
/// assert!(c.problems.is_empty());
///
/// let c = compile(&pack, Purpose::Telemarketing, &[target], &[Weekday::Monday, Weekday::Sunday]);
/// assert_eq!(c.curfews[0].start.to_string(), "12:00:00");
/// ```
pub fn compile(
    pack: &RulePack,
    purpose: Purpose,
    targets: &[Target],
    dialing_days: &[Weekday],
) -> Curfews {
    compile_with(pack, purpose, targets, None, |_| dialing_days.to_vec())
}

/// Compiles the curfews for a schedule over `[from, from + days)`: each zone's dialing
/// weekdays are those on which an occurrence reaches the zone inside the federal rule's
/// hours ([`dialing_weekdays`]), so a window that crosses midnight in a recipient's zone
/// is judged by the weekday it lands on there.
///
/// # Example
/// ```
/// use cxsched_compliance::curfew::compile_for_schedule;
/// use cxsched_compliance::{RulePack, Target};
/// use cxsched_core::{Format, Purpose, parse_document, zone};
/// use jiff::civil::date;
///
/// let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
///   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
///   "timeWindows":[{"dayOfWeek":"SUNDAY","startTime":"10:00:00","endTime":"18:00:00"}]}"#;
/// let schedule = parse_document(doc, Format::Json).schedule.unwrap();
/// let target = Target {
///     zone: zone::resolve("America/Denver").unwrap().zone,
///     state: Some("UT".into()),
///     basis: "state UT".into(),
/// };
/// let pack = RulePack::embedded_us();
/// let c = compile_for_schedule(&pack, Purpose::Telemarketing, &[target], &schedule, date(2027, 1, 1), 120);
/// assert!(c.curfews.is_empty());
/// assert_eq!(c.problems[0].zone, "America/Denver");
/// assert_eq!(c.problems[0].rules, ["US-UT"]);
/// ```
pub fn compile_for_schedule(
    pack: &RulePack,
    purpose: Purpose,
    targets: &[Target],
    schedule: &Schedule,
    from: Date,
    days: u32,
) -> Curfews {
    let zones: Vec<&Zone> = targets.iter().map(|t| &t.zone).collect();
    let occs = Occs::of(schedule, from, days, &zones);
    let hull = federal_hull(pack, purpose);
    let last = from
        .checked_add(jiff::Span::new().days(i64::from(days.max(1)) - 1))
        .unwrap_or(from);
    // Zones that keep the same offsets over the horizon (New York, Detroit and
    // Indianapolis; Denver and Boise) reach the same weekdays: each is found once.
    let mut done: Vec<(&Changes, Vec<Weekday>)> = Vec::new();
    compile_with(pack, purpose, targets, Some((from, last)), |zone| {
        let changes = occs.changes(zone);
        if let Some((_, days)) = done.iter().find(|(c, _)| *c == changes) {
            return days.clone();
        }
        let days = occs.reached(zone.tz, hull, changes);
        done.push((changes, days.clone()));
        days
    })
}

/// The recipient-local weekdays on which `schedule`'s occurrences in `[from, from + days)`
/// reach `zone` inside the federal rule's hours (the only hours a curfew can open), Monday
/// first.
///
/// # Example
/// A New York Monday 00:00–02:00 is Sunday evening in Anchorage.
/// ```
/// use cxsched_compliance::curfew::dialing_weekdays;
/// use cxsched_compliance::RulePack;
/// use cxsched_core::{Format, Purpose, Weekday, parse_document, zone};
/// use jiff::civil::date;
///
/// let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
///   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
///   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"00:00:00","endTime":"02:00:00"}]}"#;
/// let schedule = parse_document(doc, Format::Json).schedule.unwrap();
/// let pack = RulePack::embedded_us();
/// let anchorage = zone::resolve("America/Anchorage").unwrap().zone;
/// let days = dialing_weekdays(&pack, Purpose::Telemarketing, &schedule, &anchorage, date(2027, 1, 1), 60);
/// assert_eq!(days, [Weekday::Sunday]);
/// let chicago = zone::resolve("America/Chicago").unwrap().zone;
/// assert!(dialing_weekdays(&pack, Purpose::Telemarketing, &schedule, &chicago, date(2027, 1, 1), 60).is_empty());
/// ```
pub fn dialing_weekdays(
    pack: &RulePack,
    purpose: Purpose,
    schedule: &Schedule,
    zone: &Zone,
    from: Date,
    days: u32,
) -> Vec<Weekday> {
    let occs = Occs::of(schedule, from, days, &[zone]);
    occs.reached(zone.tz, federal_hull(pack, purpose), occs.changes(zone))
}

/// From the earliest opening to the latest closing of the purpose's federal rules over the
/// week: every curfew lies inside it (the whole day when the pack has no federal rule).
fn federal_hull(pack: &RulePack, purpose: Purpose) -> (u32, u32) {
    let mut hull: Option<(u32, u32)> = None;
    for ri in pack.applicable(purpose, None) {
        for d in pack.rules[ri].days {
            if let DayRule::Allowed { open, close } = d {
                let (o, c) = hull.unwrap_or((open, close));
                hull = Some((o.min(open), c.max(close)));
            }
        }
    }
    hull.unwrap_or((0, LocalTime::DAY))
}

/// A week, and the margin around an occurrence within which a recipient zone's offset
/// decides the occurrence's local dates and their hours (a local date is within a day of
/// the instants it holds), in seconds.
const WEEK: i64 = 7 * 86_400;
const MARGIN: i64 = 2 * 86_400;

/// The changes of a zone's offset: the offset at the start of a span, then each change to
/// its end.
type Changes = Vec<(Timestamp, Offset)>;

/// A schedule's occurrences over a horizon, for finding the weekdays they reach in a set of
/// recipient zones.
///
/// Only the occurrences of the horizon's first week and of the dates near a change of
/// offset (of the campaign zone or of any of the recipient zones) are made: on any other
/// date, every occurrence is exactly a week after its window's occurrence of a week before
/// (the campaign zone's offset is the same from one to the other), and no recipient zone
/// changes offset from a margin before that one to a margin after this one, so it meets
/// every recipient zone's hours on the same weekdays as that one ([`Occs::reached`]); by
/// induction, on the same weekdays as an occurrence that is made.
struct Occs {
    list: Vec<Occurrence>,
    /// Per occurrence: from (a margin before) its window's previous occurrence to (a margin
    /// after) itself, in Unix seconds, when that one is exactly one week before, start and
    /// end (the campaign zone's offsets did not change between).
    week_after: Vec<Option<(i64, i64)>>,
    /// Per recipient zone (canonical name): its changes of offset over the horizon, with
    /// margins.
    zones: Vec<(&'static str, Changes)>,
}

impl Occs {
    fn of(schedule: &Schedule, from: Date, days: u32, zones: &[&Zone]) -> Occs {
        let first = day_number(from);
        let end = first + days as i32; // exclusive
        // Every instant an occurrence, its local dates in any zone and their hours can
        // reach (an offset is within a day and a few hours of UTC).
        let at = |n: DayNumber| {
            Timestamp::from_second(i64::from(n) * DAY_SECONDS).expect("a horizon date")
        };
        let (lo, hi) = (at(first - 5), at(end + 5));
        let changes = |tz: &TimeZone| -> Changes {
            let mut v = vec![(lo, tz.to_offset(lo))];
            v.extend(
                tz.following(lo)
                    .take_while(|t| t.timestamp() <= hi)
                    .map(|t| (t.timestamp(), t.offset())),
            );
            v
        };
        let mut per_zone: Vec<(&'static str, Changes)> = Vec::new();
        for z in zones {
            if !per_zone.iter().any(|(name, _)| *name == z.canonical) {
                per_zone.push((z.canonical, changes(z.tz)));
            }
        }
        // The UTC days of every change of offset.
        let mut change_days: Vec<i64> = changes(schedule.timezone.tz)
            .iter()
            .skip(1)
            .chain(per_zone.iter().flat_map(|(_, c)| c.iter().skip(1)))
            .map(|(t, _)| t.as_second().div_euclid(DAY_SECONDS))
            .collect();
        change_days.sort_unstable();
        change_days.dedup();
        // A date's occurrences (within a day of it in UTC) and their week-before ones, with
        // the margins of `reached`, lie within UTC days [n - 11, n + 4].
        let needed = |n: DayNumber| {
            let n64 = i64::from(n);
            let i = change_days.partition_point(|&d| d < n64 - 11);
            n < first + 7 || change_days.get(i).is_some_and(|&d| d <= n64 + 4)
        };
        let mut list: Vec<Occurrence> = Vec::new();
        let mut n = first;
        while n < end {
            if !needed(n) {
                n += 1;
                continue;
            }
            let run = n;
            while n < end && needed(n) {
                n += 1;
            }
            list.extend(
                occurrences(schedule, date_of(run), (n - run) as u32).filter(|o| !o.is_void()),
            );
        }
        let mut last: Vec<Option<(Timestamp, Timestamp)>> = vec![None; schedule.windows.len()];
        let mut week_after = Vec::with_capacity(list.len());
        for o in &list {
            let prev = last[o.window].replace((o.start, o.end));
            week_after.push(prev.and_then(|(s, e)| {
                let same = |a: Timestamp, b: Timestamp| {
                    a.subsec_nanosecond() == b.subsec_nanosecond()
                        && a.as_second() + WEEK == b.as_second()
                };
                (same(s, o.start) && same(e, o.end))
                    .then(|| (s.as_second() - MARGIN, o.end.as_second() + MARGIN))
            }));
        }
        Occs {
            list,
            week_after,
            zones: per_zone,
        }
    }

    /// The changes of offset of one of the recipient zones [`Occs::of`] was given.
    fn changes(&self, zone: &Zone) -> &Changes {
        &self
            .zones
            .iter()
            .find(|(name, _)| *name == zone.canonical)
            .expect("a zone given to Occs::of")
            .1
    }

    /// The recipient-local weekdays (in `tz`, whose offsets are `changes`) on which an
    /// occurrence meets the hours `[open, close)`.
    ///
    /// An occurrence exactly a week after its window's previous one, with no change of
    /// `tz`'s offset from (a margin before) that one to (a margin after) this one, meets the
    /// hours on the same weekdays as that one (its local dates and their hours are a week
    /// later, instant for instant), so it is not looked at.
    fn reached(
        &self,
        tz: &TimeZone,
        (open, close): (u32, u32),
        changes: &[(Timestamp, Offset)],
    ) -> Vec<Weekday> {
        // The changes of offset, in Unix seconds (whole seconds in the tz database).
        let transitions: Vec<i64> = changes.iter().skip(1).map(|(t, _)| t.as_second()).collect();
        // True when `tz`'s offset does not change within [lo, hi].
        let steady = |(lo, hi): (i64, i64)| {
            let i = transitions.partition_point(|&t| t < lo);
            transitions.get(i).is_none_or(|&t| t > hi)
        };
        let mut seen = Vec::new();
        // The hours of the last few local dates looked at (a date's windows come together).
        let mut recent: [Option<(Date, Interval)>; 4] = [None; 4];
        let mut next = 0;
        for (o, after) in self.list.iter().zip(&self.week_after) {
            if after.is_some_and(steady) {
                continue;
            }
            let span = Interval {
                start: o.start,
                end: o.end,
            };
            let last = tz.to_datetime(o.end).date();
            let mut d = tz.to_datetime(o.start).date();
            while d <= last {
                let part = match recent.iter().flatten().find(|(r, _)| *r == d) {
                    Some((_, part)) => *part,
                    None => {
                        let part = Interval {
                            start: instant(tz, d, open),
                            end: instant(tz, d, close),
                        };
                        recent[next] = Some((d, part));
                        next = (next + 1) % recent.len();
                        part
                    }
                };
                if span.intersect(&part).is_some() && !seen.contains(&d.weekday()) {
                    seen.push(d.weekday());
                }
                d = d.tomorrow().expect("a horizon date");
            }
            if seen.len() == 7 {
                break;
            }
        }
        normalise(&seen)
    }
}

/// A curfew holds for a whole horizon: it applies every version in force on some date of
/// `dates` (first, last), the strictest winning; with no dates, the versions in force now
/// (no `effective_to`).
fn compile_with(
    pack: &RulePack,
    purpose: Purpose,
    targets: &[Target],
    dates: Option<(Date, Date)>,
    mut dialing_days: impl FnMut(&Zone) -> Vec<Weekday>,
) -> Curfews {
    let mut zones: BTreeMap<&str, (&Zone, Vec<String>)> = BTreeMap::new();
    for t in targets {
        let e = zones
            .entry(t.zone.canonical)
            .or_insert_with(|| (&t.zone, Vec::new()));
        if let Some(s) = &t.state {
            if !e.1.contains(s) {
                e.1.push(s.clone());
            }
        }
    }
    let mut out = Curfews::default();
    for (name, (zone, mut states)) in zones {
        states.sort();
        let mut rules = zone_rules(pack, purpose, states.iter().map(|s| Some(s.as_str())));
        rules.retain(|&i| {
            let r = &pack.rules[i];
            let in_force = match dates {
                Some((first, last)) => {
                    r.effective_from.is_none_or(|f| f <= last)
                        && r.effective_to.is_none_or(|t| first < t)
                }
                None => r.effective_to.is_none(),
            };
            in_force && r.reaches_zone(name)
        });
        let whose = if states.is_empty() {
            "recipients with no known state".to_string()
        } else {
            format!("recipients in {}", states.join(", "))
        };
        // The window so far: bound, the rules setting it, and the weekday that set it.
        let mut lo: Option<(u32, Vec<usize>, Weekday)> = None;
        let mut hi: Option<(u32, Vec<usize>, Weekday)> = None;
        // A zone the schedule never reaches in hours a curfew could open still gets one
        // (else the dialer would use the business unit's default there): as if every day
        // were dialed, without problems for days it is not.
        let mut days = normalise(&dialing_days(zone));
        let report = !days.is_empty();
        if !report {
            days = normalise(&ALL_WEEKDAYS);
        }
        for wd in days {
            match day_hours(pack, &rules, wd, |_| false) {
                DayHours::Closed(_) if !report => {}
                DayHours::Closed(by) => out.problems.push(CurfewProblem {
                    zone: name.to_owned(),
                    weekday: wd,
                    message: format!(
                        "{name}: {} prohibit{} calls on {} ({whose}), which a curfew cannot \
                         express; stop dialing these recipients on {}",
                        ids(pack, &by).join(", "),
                        if by.len() == 1 { "s" } else { "" },
                        weekday_name(wd),
                        weekday_name(wd),
                    ),
                    rules: ids(pack, &by),
                    severity: severity(pack, &by),
                }),
                DayHours::Open {
                    open,
                    close,
                    open_by,
                    close_by,
                } => {
                    // Whole minutes, never wider than the law.
                    let (open, close) = (open.div_ceil(60) * 60, close / 60 * 60);
                    if open >= close && !report {
                        continue;
                    }
                    if open >= close {
                        let mut by = open_by.clone();
                        by.extend(&close_by);
                        by.sort_unstable();
                        by.dedup();
                        out.problems.push(CurfewProblem {
                            zone: name.to_owned(),
                            weekday: wd,
                            message: format!(
                                "{name}: no legal time on {} ({whose}): {} open{} at {} and {} \
                                 close{} at {}; stop dialing these recipients on {}",
                                weekday_name(wd),
                                ids(pack, &open_by).join(", "),
                                if open_by.len() == 1 { "s" } else { "" },
                                hhmm(open),
                                ids(pack, &close_by).join(", "),
                                if close_by.len() == 1 { "s" } else { "" },
                                hhmm(close),
                                weekday_name(wd),
                            ),
                            rules: ids(pack, &by),
                            severity: severity(pack, &by),
                        });
                        continue;
                    }
                    narrow(&mut lo, open, open_by, wd, |new, old| new > old);
                    narrow(&mut hi, close, close_by, wd, |new, old| new < old);
                }
            }
        }
        let (Some((start, start_by, lo_day)), Some((end, end_by, hi_day))) = (lo, hi) else {
            continue;
        };
        // A closing at 24:00 is the last minute a time of day can name.
        let end = end.min(LocalTime::DAY - 60);
        if start >= end {
            // Each day has time, but no one window fits them all.
            let mut by = start_by.clone();
            by.extend(&end_by);
            by.sort_unstable();
            by.dedup();
            for wd in normalise(&[lo_day, hi_day]) {
                out.problems.push(CurfewProblem {
                    zone: name.to_owned(),
                    weekday: wd,
                    message: format!(
                        "{name}: no one window fits every dialing day ({whose}): {} opens at {} \
                         ({}) and {} closes at {} ({}); dial these recipients on {} or {}, not \
                         both",
                        weekday_name(lo_day),
                        hhmm(start),
                        ids(pack, &start_by).join(", "),
                        weekday_name(hi_day),
                        hhmm(end),
                        ids(pack, &end_by).join(", "),
                        weekday_name(lo_day),
                        weekday_name(hi_day),
                    ),
                    rules: ids(pack, &by),
                    severity: severity(pack, &by),
                });
            }
            continue;
        }
        out.curfews.push(Curfew {
            zone: *zone,
            start: LocalTime::from_seconds(start).expect("below a day"),
            end: LocalTime::from_seconds(end).expect("below a day"),
            rules: ids(pack, &rules),
            start_by: ids(pack, &start_by),
            end_by: ids(pack, &end_by),
            states,
        });
    }
    out.problems.sort_by(|a, b| {
        (&a.zone, a.weekday.to_monday_zero_offset())
            .cmp(&(&b.zone, b.weekday.to_monday_zero_offset()))
    });
    out
}

/// Moves a bound when `better(new, old)`, keeping the rules that set it (united on a tie).
fn narrow(
    bound: &mut Option<(u32, Vec<usize>, Weekday)>,
    value: u32,
    by: Vec<usize>,
    wd: Weekday,
    better: impl Fn(u32, u32) -> bool,
) {
    match bound {
        Some((old, old_by, _)) if *old == value => {
            old_by.extend(by);
            old_by.sort_unstable();
            old_by.dedup();
        }
        Some((old, _, _)) if !better(value, *old) => {}
        _ => *bound = Some((value, by, wd)),
    }
}

/// The parts of `occurrence` that the dialer really dials in `curfew`'s zone: its span cut to
/// the curfew of each recipient-local date it touches (none, one, or for a long window two).
///
/// # Example
/// A New York 08:00–20:30 window reaching Central time, whose curfew is 09:00–20:00, is dialed
/// there from 10:00 to 20:30 Eastern.
/// ```
/// use cxsched_compliance::curfew::{compile, cut};
/// use cxsched_compliance::{RulePack, Target};
/// use cxsched_core::{LocalTime, TimeWindow, Purpose, Weekday, expand, zone};
/// use jiff::civil::date;
///
/// let ny = zone::resolve("America/New_York").unwrap().zone;
/// let window = TimeWindow {
///     day: Weekday::Monday,
///     start: LocalTime::parse("08:00:00").unwrap(),
///     end: LocalTime::parse("20:30:00").unwrap(),
/// };
/// let occ = expand::resolve(&ny.tz, date(2027, 3, 15), 0, &window);
/// let target = Target {
///     zone: zone::resolve("America/Chicago").unwrap().zone,
///     state: Some("TX".into()),
///     basis: "state TX".into(),
/// };
/// let pack = RulePack::embedded_us();
/// let curfew = &compile(&pack, Purpose::Telemarketing, &[target], &[Weekday::Monday]).curfews[0];
/// let parts = cut(&occ, curfew);
/// assert_eq!(parts.len(), 1);
/// assert_eq!(parts[0].start.to_string(), "2027-03-15T14:00:00Z"); // 09:00 CDT
/// assert_eq!(parts[0].end.to_string(), "2027-03-16T00:30:00Z"); // 20:30 EDT
/// ```
pub fn cut(occurrence: &Occurrence, curfew: &Curfew) -> Vec<Interval> {
    let tz = &curfew.zone.tz;
    let span = Interval {
        start: occurrence.start,
        end: occurrence.end,
    };
    let mut out = Vec::new();
    if span.is_empty() {
        return out;
    }
    let last = tz.to_datetime(occurrence.end).date();
    let mut d = tz.to_datetime(occurrence.start).date();
    while d <= last {
        if let Some(part) = span.intersect(&curfew.on(d)) {
            out.push(part);
        }
        d = d.tomorrow().expect("a horizon date");
    }
    out
}
