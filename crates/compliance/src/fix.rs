//! The fix: the largest schedule inside a given one that the check passes, apart from what
//! a weekly schedule cannot avoid (holidays and blackouts, returned as dates to pause).
//!
//! Each window is read date by date over the horizon: every occurrence on its weekday is
//! resolved in the campaign zone (a boundary in a gap moves forward, one in a fold takes the
//! earlier instant, as the check and `expand` do), read in each recipient's local time, and
//! every second of it that some applicable rule forbids there (outside the weekday's hours,
//! or on a prohibited weekday) is mapped back to the campaign-local seconds of the window.
//! What no date and no recipient forbids is the window's legal part; the window keeps the
//! longest run of it (the earliest on a tie), is cut to it, or is removed when nothing is
//! left. Holidays and blackouts fall on dates, not weekdays: they are not cut but listed,
//! per recipient, from a check of the fixed schedule.
//!
//! With `hours: false` (CXone, where curfews already cut the hours, CONTRACT §7) only
//! prohibited weekdays count. With `minutes: true` the boundaries are rounded inward to
//! whole minutes (the platform's resolution); otherwise whole seconds are kept.
//!
//! # Example
//! ```
//! use cxsched_compliance::fix::{Change, FixInput, fix};
//! use cxsched_compliance::{AreaCodeTable, Horizon, RecipientInput, RulePack};
//! use cxsched_core::{Format, Purpose, parse_document};
//!
//! // New York 08:00–20:30 on Mondays, called in Texas (Central time): 08:00 New York is
//! // 07:00 in Texas, so the start moves to 09:00.
//! let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
//!   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
//!   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"08:00:00","endTime":"20:30:00"}]}"#;
//! let schedule = parse_document(doc, Format::Json).schedule.expect("a valid document");
//! let pack = RulePack::embedded_us();
//! let zones = ["America/Chicago".to_owned()];
//! let input = RecipientInput { zones: &zones, states: &[], phone_numbers: None };
//! let targets = cxsched_compliance::recipients::resolve(&input, &schedule.timezone, AreaCodeTable::embedded)
//!     .expect("a known zone")
//!     .targets;
//! let horizon = Horizon::new(&pack, jiff::civil::date(2027, 1, 4), 28);
//! let out = fix(&FixInput {
//!     pack: &pack, purpose: Purpose::Telemarketing, targets: &targets, schedule: &schedule,
//!     horizon: &horizon, blackouts: &[], hours: true, minutes: false,
//! });
//! assert_eq!(out.schedule.windows[0].start.to_string(), "09:00:00");
//! assert!(matches!(out.changes[0].change, Change::Cut { .. }));
//! ```

use cxsched_core::model::Blackout;
use cxsched_core::{LocalTime, Purpose, Schedule, TimeWindow};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

use crate::check::{Code, Detail, Horizon, check_with_blackouts};
use crate::recipients::Target;
use crate::report::findings;
use crate::rules::{DayRule, RulePack, Severity};

/// What the fix is given.
pub struct FixInput<'a> {
    pub pack: &'a RulePack,
    pub purpose: Purpose,
    pub targets: &'a [Target],
    pub schedule: &'a Schedule,
    pub horizon: &'a Horizon,
    /// The blackouts the check takes (the document's and any others).
    pub blackouts: &'a [Blackout],
    /// Cut to the hours of the rules (false on CXone: only prohibited weekdays count).
    pub hours: bool,
    /// Round the boundaries inward to whole minutes.
    pub minutes: bool,
}

/// What became of one window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Kept,
    /// Cut to `to` (the original is [`WindowFix::original`]).
    Cut {
        to: TimeWindow,
    },
    Removed,
}

/// Why a part of a window is illegal: the kind, the rule, the recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// `OUTSIDE_LEGAL_HOURS` or `PROHIBITED_DAY`.
    pub code: &'static str,
    pub rule: String,
    /// Index into the targets.
    pub target: usize,
    /// For `PROHIBITED_DAY`: the prohibited recipient-local weekday.
    pub weekday: Option<Weekday>,
    /// Which part of the window breaks the rule.
    pub side: Side,
    /// The first and last campaign-local dates on which the removed part breaks this rule.
    pub first: Date,
    pub last: Date,
}

/// Where in a window an illegal part is, relative to what the fix keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// Before the kept part: the start moves later.
    Start,
    /// After the kept part: the end moves earlier.
    End,
    /// The window is removed.
    Whole,
}

/// One window's fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowFix {
    /// Index into the input's `timeWindows`.
    pub window: usize,
    pub original: TimeWindow,
    pub change: Change,
    /// Why the removed parts are illegal (empty when kept), sorted.
    pub reasons: Vec<Reason>,
}

/// A date a window must be paused on (a holiday or a blackout of a recipient).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause {
    /// The campaign-local date of the occurrence.
    pub date: Date,
    /// Index into the fixed schedule's windows.
    pub window: usize,
    /// Index into the targets.
    pub target: usize,
    /// `HOLIDAY` or `BLACKOUT`.
    pub code: &'static str,
    pub rule: Option<String>,
    /// The holiday's name (`(observed)` on an observed day) or the blackout's name.
    pub what: String,
}

/// The result of [`fix`].
#[derive(Clone, Debug)]
pub struct Fix {
    /// The input with its windows cut or removed.
    pub schedule: Schedule,
    /// Per input window, in order.
    pub changes: Vec<WindowFix>,
    /// Per recipient and date, what to pause, in date order.
    pub pauses: Vec<Pause>,
    /// True when the fixed schedule still has an error finding other than holidays and
    /// blackouts (or has no window left).
    pub blocked: bool,
}

impl Fix {
    /// True when some window changed.
    pub fn changed(&self) -> bool {
        self.changes.iter().any(|c| c.change != Change::Kept)
    }
}

/// Computes the fix of `input.schedule`.
pub fn fix(input: &FixInput<'_>) -> Fix {
    let s = input.schedule;
    let mut windows = Vec::new();
    let mut changes = Vec::new();
    for (wi, w) in s.windows.iter().enumerate() {
        let (keep, reasons) = fix_window(input, w);
        let change = match keep {
            Some((a, b)) if a == w.start.seconds() && b == w.end.seconds() => Change::Kept,
            Some((a, b)) => Change::Cut {
                to: TimeWindow {
                    day: w.day,
                    start: LocalTime::from_seconds(a).expect("inside the day"),
                    end: LocalTime::from_seconds(b).expect("inside the day"),
                },
            },
            None => Change::Removed,
        };
        match &change {
            Change::Kept => windows.push(*w),
            Change::Cut { to } => windows.push(*to),
            Change::Removed => {}
        }
        changes.push(WindowFix {
            window: wi,
            original: *w,
            change,
            reasons: if keep == Some((w.start.seconds(), w.end.seconds())) {
                Vec::new()
            } else {
                reasons
            },
        });
    }
    let mut schedule = s.clone();
    schedule.windows = windows;
    let report = check_with_blackouts(
        input.pack,
        input.horizon,
        &schedule,
        input.purpose,
        input.targets,
        input.blackouts,
    );
    let mut blocked = schedule.windows.is_empty() && !s.windows.is_empty();
    // What still blocks: an error other than a holiday or a blackout (on CXone, the hours
    // are the curfews' to cut, so those findings are not the fix's).
    blocked |= report.findings().any(|f| {
        f.severity == Severity::Error
            && !matches!(f.code, Code::Holiday | Code::Blackout)
            && (input.hours || f.code != Code::OutsideLegalHours)
    });
    let mut pauses = Vec::new();
    let list = findings(&report, input.pack, &schedule, input.targets);
    for (raw, f) in report.findings().zip(&list) {
        if !matches!(raw.code, Code::Holiday | Code::Blackout) || raw.severity != Severity::Error {
            continue;
        }
        let what = match raw.detail {
            Detail::Holiday {
                calendar,
                holiday,
                observed,
            } => {
                let name = &input.pack.calendars[usize::from(calendar)].holidays
                    [usize::from(holiday)]
                .name;
                if observed {
                    format!("{name} (observed)")
                } else {
                    name.clone()
                }
            }
            Detail::Blackout(b) => report.blackouts[usize::from(b)].name.clone(),
            _ => f.message.clone(),
        };
        let first = crate::days::date_of(raw.first);
        for k in 0..raw.occurrences.max(1) {
            let date = first
                .checked_add(jiff::Span::new().days(i64::from(k) * 7))
                .expect("inside the calendar");
            pauses.push(Pause {
                date,
                window: f.window.unwrap_or(0),
                target: raw.target.map_or(0, usize::from),
                code: f.code,
                rule: f.rule.clone(),
                what: what.clone(),
            });
        }
    }
    pauses.sort_by_key(|p| (p.date, p.target, p.window));
    pauses.dedup_by(|a, b| {
        (a.date, a.target, a.window, a.code) == (b.date, b.target, b.window, b.code)
    });
    Fix {
        schedule,
        changes,
        pauses,
        blocked,
    }
}

/// A campaign-local second range `[lo, hi)` some rule forbids, and why.
struct Bad {
    lo: u32,
    hi: u32,
    code: &'static str,
    rule: usize,
    target: usize,
    weekday: Option<Weekday>,
    date: Date,
}

/// The kept part `[a, b)` of one window (`None`: nothing), and why the rest is illegal.
fn fix_window(input: &FixInput<'_>, w: &TimeWindow) -> (Option<(u32, u32)>, Vec<Reason>) {
    let (s, e) = (w.start.seconds(), w.end.seconds());
    let tz = &input.schedule.timezone.tz;
    let mut bad: Vec<Bad> = Vec::new();
    let h = input.horizon;
    let mut d = h.from;
    while d.weekday() != w.day {
        d = d.tomorrow().expect("inside the calendar");
    }
    let last = h.last_date();
    while d <= last {
        bad_on(input, tz, d, s, e, &mut bad);
        d = d
            .checked_add(jiff::Span::new().days(7))
            .expect("inside the calendar");
    }
    // The legal parts: [s, e) less every bad range.
    let mut ranges: Vec<(u32, u32)> = bad.iter().map(|b| (b.lo, b.hi)).collect();
    ranges.sort_unstable();
    let mut best: Option<(u32, u32)> = None;
    let mut at = s;
    let consider = |a: u32, b: u32, best: &mut Option<(u32, u32)>| {
        let (a, b) = if input.minutes {
            (a.div_ceil(60) * 60, b / 60 * 60)
        } else {
            (a, b)
        };
        if b > a && best.is_none_or(|(x, y)| b - a > y - x) {
            *best = Some((a, b));
        }
    };
    for &(lo, hi) in &ranges {
        if lo > at {
            consider(at, lo.min(e), &mut best);
        }
        at = at.max(hi);
        if at >= e {
            break;
        }
    }
    if at < e {
        consider(at, e, &mut best);
    }
    // Reasons: the bad ranges that reach outside what is kept.
    let mut reasons: Vec<Reason> = Vec::new();
    for b in &bad {
        if let Some((a, z)) = best
            && b.lo >= a
            && b.hi <= z
        {
            continue;
        }
        let side = match best {
            None => Side::Whole,
            Some((a, _)) if b.hi <= a => Side::Start,
            Some(_) => Side::End,
        };
        let rule = input.pack.rules[b.rule].id.clone();
        match reasons.iter_mut().find(|r| {
            r.code == b.code
                && r.rule == rule
                && r.target == b.target
                && r.weekday == b.weekday
                && r.side == side
        }) {
            Some(r) => {
                r.first = r.first.min(b.date);
                r.last = r.last.max(b.date);
            }
            None => reasons.push(Reason {
                code: b.code,
                rule,
                target: b.target,
                weekday: b.weekday,
                side,
                first: b.date,
                last: b.date,
            }),
        }
    }
    reasons.sort_by(|a, b| {
        (a.side, a.target, &a.rule, a.code, a.first)
            .cmp(&(b.side, b.target, &b.rule, b.code, b.first))
    });
    (best, reasons)
}

/// The instant (Unix seconds) of campaign-local second `secs` of date `d` (compatible
/// disambiguation: forward over a gap, the earlier instant in a fold).
fn instant(tz: &TimeZone, d: Date, secs: u32) -> i64 {
    let t = jiff::civil::Time::new(
        (secs / 3600) as i8,
        (secs / 60 % 60) as i8,
        (secs % 60) as i8,
        0,
    )
    .expect("inside the day");
    tz.to_ambiguous_timestamp(d.to_datetime(t))
        .compatible()
        .map_or(i64::MIN, |ts| ts.as_second())
}

/// The campaign-local second (relative to `d`'s midnight) of instant `ts`.
fn campaign_secs(tz: &TimeZone, d: Date, ts: i64) -> i64 {
    let at = jiff::Timestamp::from_second(ts).expect("inside the calendar");
    let dt = tz.to_datetime(at);
    let days = (dt.date() - d).get_days() as i64;
    days * 86_400
        + i64::from(dt.hour()) * 3600
        + i64::from(dt.minute()) * 60
        + i64::from(dt.second())
}

/// Pushes the bad ranges of the occurrence of `[s, e)` on campaign date `d`.
fn bad_on(input: &FixInput<'_>, tz: &TimeZone, d: Date, s: u32, e: u32, out: &mut Vec<Bad>) {
    let (ts, te) = (instant(tz, d, s), instant(tz, d, e));
    if te <= ts {
        return;
    }
    for (ti, t) in input.targets.iter().enumerate() {
        let rtz = &t.zone.tz;
        let from = jiff::Timestamp::from_second(ts).expect("inside the calendar");
        let to = jiff::Timestamp::from_second(te - 1).expect("inside the calendar");
        let (ld0, ld1) = (rtz.to_datetime(from).date(), rtz.to_datetime(to).date());
        let mut ld = ld0;
        loop {
            let rules = input.pack.applicable(input.purpose, t.state.as_deref());
            for ri in rules {
                let r = &input.pack.rules[ri];
                if !r.reaches_zone(&t.zone.canonical) || !r.in_force(ld) {
                    continue;
                }
                // The illegal recipient-local parts of date `ld`, in seconds.
                let (parts, code, weekday): (Vec<(u32, u32)>, _, _) = match r.day(ld.weekday()) {
                    DayRule::Prohibited => {
                        (vec![(0, 86_400)], "PROHIBITED_DAY", Some(ld.weekday()))
                    }
                    DayRule::Allowed { open, close } => {
                        if !input.hours {
                            continue;
                        }
                        (
                            vec![(0, open), (close, 86_400)],
                            "OUTSIDE_LEGAL_HOURS",
                            None,
                        )
                    }
                };
                for (a, b) in parts {
                    if b <= a {
                        continue;
                    }
                    let ia = local_instant(rtz, ld, a);
                    let ib = local_instant(rtz, ld, b);
                    let (ia, ib) = (ia.max(ts), ib.min(te));
                    if ib <= ia {
                        continue;
                    }
                    // Back to campaign-local seconds of the window, rounded outward.
                    let lo = campaign_secs(tz, d, ia).clamp(i64::from(s), i64::from(e)) as u32;
                    let hi = if ib >= te {
                        e
                    } else {
                        campaign_secs(tz, d, ib).clamp(i64::from(s), i64::from(e)) as u32
                    };
                    let (lo, hi) = if hi <= lo {
                        // A fold or gap folded the range: forbid the whole occurrence's
                        // part around it, one second at least.
                        (lo.min(hi), lo.max(hi).max(lo.min(hi) + 1).min(e))
                    } else {
                        (lo, hi)
                    };
                    out.push(Bad {
                        lo,
                        hi,
                        code,
                        rule: ri,
                        target: ti,
                        weekday,
                        date: d,
                    });
                }
            }
            if ld >= ld1 {
                break;
            }
            ld = ld.tomorrow().expect("inside the calendar");
        }
    }
}

/// The instant of recipient-local second `secs` (0..=86400) of date `ld`.
fn local_instant(tz: &TimeZone, ld: Date, secs: u32) -> i64 {
    if secs >= 86_400 {
        instant(tz, ld.tomorrow().expect("inside the calendar"), 0)
    } else {
        instant(tz, ld, secs)
    }
}
