//! The fix: the largest schedule inside a given one that the check passes, apart from what
//! a weekly schedule cannot avoid (holidays and blackouts, returned as dates to pause).
//!
//! Each window is read over every date of the horizon: every occurrence on its weekday is
//! resolved in the campaign zone (a boundary in a gap moves forward, one in a fold takes the
//! earlier instant, as the check and `expand` do), read in each recipient's local time, and
//! every second of it that some applicable rule forbids there (outside the weekday's hours,
//! or on a prohibited weekday) is mapped back to the campaign-local seconds of the window.
//! As in the check, the cost follows changes, not dates: between the dates next to a
//! transition of either zone the offsets are steady (the check's runs of the pair plan), and
//! where no rule version starts or ends either, every week reads the same, so such a stretch
//! is read once with its fixed offsets; only the dates next to a transition are read one by
//! one in the zones' rules.
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
use crate::days::{DAY_SECONDS, DayNumber, date_of, day_number, next_on_or_after};
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
    let plans = target_plans(input);
    for (wi, w) in s.windows.iter().enumerate() {
        let mut bad = Vec::new();
        for (ti, plan) in plans.iter().enumerate() {
            bad_of_target(input, plan, w, ti, &mut bad);
        }
        let (keep, reasons) = keep_and_reasons(input, w, &bad);
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

/// A campaign-local second range `[lo, hi)` some rule forbids on the occurrences from
/// campaign date `first` to `last`, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bad {
    lo: u32,
    hi: u32,
    code: &'static str,
    rule: usize,
    target: usize,
    weekday: Option<Weekday>,
    first: Date,
    last: Date,
}

/// The kept part `[a, b)` of a window (`None`: nothing), and why the rest is illegal.
type Kept = (Option<(u32, u32)>, Vec<Reason>);

/// What is kept of window `w` once every `bad` range is taken out.
fn keep_and_reasons(input: &FixInput<'_>, w: &TimeWindow, bad: &[Bad]) -> Kept {
    let (s, e) = (w.start.seconds(), w.end.seconds());
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
    for b in bad {
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
                r.first = r.first.min(b.first);
                r.last = r.last.max(b.last);
            }
            None => reasons.push(Reason {
                code: b.code,
                rule,
                target: b.target,
                weekday: b.weekday,
                side,
                first: b.first,
                last: b.last,
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

/// A rule that applies to a target (its purpose, state and zone), as the fix reads it.
struct ActiveRule {
    /// Index into the pack's rules.
    index: usize,
    days: [DayRule; 7],
    /// The version's recipient-local dates `[from, to)`, unbounded ends as the extremes.
    from: DayNumber,
    to: DayNumber,
}

/// Stretches of campaign dates `[first, last]`, within each of which every week reads the
/// same for one target: `steady` holds the campaign's and the target's offsets when they
/// hold all through it (and the dates next to it), `None` for a date next to a transition.
struct Stretch {
    first: DayNumber,
    last: DayNumber,
    steady: Option<(i32, i32)>,
}

/// What the fix reads of one target over the horizon.
struct TargetPlan {
    stretches: Vec<Stretch>,
    rules: Vec<ActiveRule>,
}

/// Per target: the rules that apply, and the horizon as stretches in date order. These are
/// the check's steady runs of the pair plan (between them, each date next to a transition
/// alone), each cut where a version of a rule starts or ends on a recipient-local date an
/// occurrence can reach, so that within a stretch neither the offsets nor the versions in
/// force change.
fn target_plans(input: &FixInput<'_>) -> Vec<TargetPlan> {
    // A recipient-local date is within two days of the campaign date (offsets differ by
    // less than 48 hours), so a version boundary on date `f` matters to occurrences from
    // `f - 2` to `f + 2`.
    let mut cuts: Vec<DayNumber> = input
        .pack
        .rules
        .iter()
        .flat_map(|r| [r.effective_from, r.effective_to])
        .flatten()
        .flat_map(|f| {
            let f = day_number(f);
            f - 2..=f + 2
        })
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    input
        .targets
        .iter()
        .map(|t| {
            let plan = input.horizon.plan(&input.schedule.timezone, &t.zone);
            let mut stretches: Vec<Stretch> = plan
                .special
                .iter()
                .map(|&d| Stretch {
                    first: d,
                    last: d,
                    steady: None,
                })
                .collect();
            for &(a, b, campaign, recipient) in &plan.runs {
                let steady = Some((campaign, recipient));
                let mut first = a;
                for &c in cuts.iter().filter(|&&c| a < c && c <= b) {
                    stretches.push(Stretch {
                        first,
                        last: c - 1,
                        steady,
                    });
                    first = c;
                }
                stretches.push(Stretch {
                    first,
                    last: b,
                    steady,
                });
            }
            stretches.sort_unstable_by_key(|s| s.first);
            let rules = input
                .pack
                .applicable(input.purpose, t.state.as_deref())
                .into_iter()
                .filter(|&i| input.pack.rules[i].reaches_zone(t.zone.canonical))
                .map(|index| {
                    let r = &input.pack.rules[index];
                    ActiveRule {
                        index,
                        days: r.days,
                        from: r.effective_from.map_or(DayNumber::MIN, day_number),
                        to: r.effective_to.map_or(DayNumber::MAX, day_number),
                    }
                })
                .collect();
            TargetPlan { stretches, rules }
        })
        .collect()
}

/// Pushes the bad ranges of window `w`'s occurrences over the horizon for target `ti`, in
/// date order: once per steady stretch (every week of it reads the same, so the first
/// occurrence's ranges hold from its first to its last occurrence), and each date next to a
/// transition on its own, read in the zones' rules. Cost follows the changes, not dates.
fn bad_of_target(
    input: &FixInput<'_>,
    plan: &TargetPlan,
    w: &TimeWindow,
    ti: usize,
    out: &mut Vec<Bad>,
) {
    let wd = w.day.to_monday_zero_offset() as u8;
    let exact = Exact {
        campaign: input.schedule.timezone.tz,
        recipient: input.targets[ti].zone.tz,
    };
    for s in &plan.stretches {
        let d0 = next_on_or_after(s.first, wd);
        if d0 > s.last {
            continue;
        }
        let before = out.len();
        match s.steady {
            Some((campaign, recipient)) => {
                bad_on(
                    input,
                    plan,
                    w,
                    d0,
                    ti,
                    &Steady {
                        campaign,
                        recipient,
                    },
                    out,
                );
            }
            None => bad_on(input, plan, w, d0, ti, &exact, out),
        }
        let last = date_of(d0 + (s.last - d0) / 7 * 7);
        for b in &mut out[before..] {
            b.last = last;
        }
    }
}

/// How [`bad_on`] reads instants and local times (campaign dates and recipient-local dates
/// as day numbers, instants as Unix seconds).
trait Clock {
    /// The instant of campaign-local second `secs` of date `d` (a gap moves forward, a fold
    /// takes the earlier instant).
    fn campaign_instant(&self, d: DayNumber, secs: u32) -> i64;
    /// The campaign-local second of instant `ts`, relative to `d`'s midnight.
    fn campaign_secs(&self, d: DayNumber, ts: i64) -> i64;
    /// The recipient-local date of instant `ts`.
    fn recipient_date(&self, ts: i64) -> DayNumber;
    /// The instant of recipient-local second `secs` (0..=86400) of date `ld`.
    fn recipient_instant(&self, ld: DayNumber, secs: u32) -> i64;
}

/// The zones' rules, for the dates next to a transition.
struct Exact<'a> {
    campaign: &'a TimeZone,
    recipient: &'a TimeZone,
}

impl Clock for Exact<'_> {
    fn campaign_instant(&self, d: DayNumber, secs: u32) -> i64 {
        instant(self.campaign, date_of(d), secs)
    }

    fn campaign_secs(&self, d: DayNumber, ts: i64) -> i64 {
        let at = jiff::Timestamp::from_second(ts).expect("inside the calendar");
        let dt = self.campaign.to_datetime(at);
        let days = i64::from(day_number(dt.date()) - d);
        days * 86_400
            + i64::from(dt.hour()) * 3600
            + i64::from(dt.minute()) * 60
            + i64::from(dt.second())
    }

    fn recipient_date(&self, ts: i64) -> DayNumber {
        let at = jiff::Timestamp::from_second(ts).expect("inside the calendar");
        day_number(self.recipient.to_datetime(at).date())
    }

    fn recipient_instant(&self, ld: DayNumber, secs: u32) -> i64 {
        if secs >= 86_400 {
            instant(self.recipient, date_of(ld + 1), 0)
        } else {
            instant(self.recipient, date_of(ld), secs)
        }
    }
}

/// Fixed offsets (seconds east of UTC), for a steady stretch: no transition of either zone
/// comes within a day of an occurrence, so every instant the reading meets has these
/// offsets, as the check reads its runs.
struct Steady {
    campaign: i32,
    recipient: i32,
}

impl Clock for Steady {
    fn campaign_instant(&self, d: DayNumber, secs: u32) -> i64 {
        i64::from(d) * DAY_SECONDS + i64::from(secs) - i64::from(self.campaign)
    }

    fn campaign_secs(&self, d: DayNumber, ts: i64) -> i64 {
        ts + i64::from(self.campaign) - i64::from(d) * DAY_SECONDS
    }

    fn recipient_date(&self, ts: i64) -> DayNumber {
        (ts + i64::from(self.recipient)).div_euclid(DAY_SECONDS) as DayNumber
    }

    fn recipient_instant(&self, ld: DayNumber, secs: u32) -> i64 {
        i64::from(ld) * DAY_SECONDS + i64::from(secs) - i64::from(self.recipient)
    }
}

/// Pushes the bad ranges of the occurrence of window `w` on campaign date `d` for target
/// `ti` (dated `d` to `d`).
fn bad_on(
    input: &FixInput<'_>,
    plan: &TargetPlan,
    w: &TimeWindow,
    d: DayNumber,
    ti: usize,
    clock: &impl Clock,
    out: &mut Vec<Bad>,
) {
    let (s, e) = (w.start.seconds(), w.end.seconds());
    let (ts, te) = (clock.campaign_instant(d, s), clock.campaign_instant(d, e));
    if te <= ts {
        return;
    }
    let date = date_of(d);
    for ld in clock.recipient_date(ts)..=clock.recipient_date(te - 1) {
        let weekday = crate::days::weekday(ld);
        for r in plan.rules.iter().filter(|r| r.from <= ld && ld < r.to) {
            // The illegal recipient-local parts of date `ld`, in seconds.
            let (parts, code, weekday) = match r.days[weekday.to_monday_zero_offset() as usize] {
                DayRule::Prohibited => ([(0, 86_400), (0, 0)], "PROHIBITED_DAY", Some(weekday)),
                DayRule::Allowed { open, close } => {
                    if !input.hours {
                        continue;
                    }
                    ([(0, open), (close, 86_400)], "OUTSIDE_LEGAL_HOURS", None)
                }
            };
            for (a, b) in parts {
                if b <= a {
                    continue;
                }
                let ia = clock.recipient_instant(ld, a).max(ts);
                let ib = clock.recipient_instant(ld, b).min(te);
                if ib <= ia {
                    continue;
                }
                // Back to campaign-local seconds of the window, rounded outward.
                let lo = clock.campaign_secs(d, ia).clamp(i64::from(s), i64::from(e)) as u32;
                let hi = if ib >= te {
                    e
                } else {
                    clock.campaign_secs(d, ib).clamp(i64::from(s), i64::from(e)) as u32
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
                    rule: r.index,
                    target: ti,
                    weekday,
                    first: date,
                    last: date,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AreaCodeTable, RecipientInput};
    use cxsched_core::{Format, parse_document};
    use jiff::civil::date;

    /// The fix of every window with each occurrence read on its own date in the zones'
    /// rules, as it was before the stretches: what they must reproduce.
    fn by_date(input: &FixInput<'_>) -> Vec<Kept> {
        let plans = target_plans(input);
        let (first, last) = (
            day_number(input.horizon.from),
            day_number(input.horizon.last_date()),
        );
        input
            .schedule
            .windows
            .iter()
            .map(|w| {
                let mut bad = Vec::new();
                for (ti, plan) in plans.iter().enumerate() {
                    let exact = Exact {
                        campaign: input.schedule.timezone.tz,
                        recipient: input.targets[ti].zone.tz,
                    };
                    let wd = w.day.to_monday_zero_offset() as u8;
                    let mut d = next_on_or_after(first, wd);
                    while d <= last {
                        bad_on(input, plan, w, d, ti, &exact, &mut bad);
                        d += 7;
                    }
                }
                keep_and_reasons(input, w, &bad)
            })
            .collect()
    }

    /// Stretch by stretch and date by date the fix is the same, across transitions of
    /// either zone (whole-hour, half-hour and odd offsets, a skipped date), versions of rules
    /// starting inside the horizon, and windows near midnight and the transitions' hours.
    #[test]
    fn the_stretches_fix_as_every_date_does() {
        let pack = RulePack::embedded_us();
        let times = [
            ("00:00:00", "01:00:00"),
            ("01:30:00", "03:15:07"),
            ("06:59:59", "21:00:01"),
            ("08:00:00", "20:30:00"),
            ("12:00:00", "23:59:59"),
            ("22:00:00", "23:30:00"),
        ];
        let campaign_zones = [
            "America/New_York",
            "America/Phoenix",
            "Europe/London",
            "Australia/Lord_Howe",
            "Pacific/Apia",
        ];
        let recipients: [(&[&str], &[&str]); 5] = [
            (&["America/Chicago"], &[]),
            (&[], &["TX", "FL"]),
            (&["America/Santiago", "Asia/Kolkata"], &["UT"]),
            (&["America/St_Johns", "Pacific/Kiritimati"], &["CT", "WA"]),
            (&["Pacific/Niue"], &["OK", "MD"]),
        ];
        let horizons = [
            (date(2026, 1, 1), 366),
            (date(2011, 12, 20), 30),
            (date(2021, 5, 1), 500),
            (date(2025, 8, 20), 90),
        ];
        let mut compared = 0;
        for (k, zone) in campaign_zones.iter().enumerate() {
            // Three windows a schedule, on different days, rotating through the times.
            let windows: Vec<String> = (0..3)
                .map(|i| {
                    let (s, e) = times[(k + 2 * i) % times.len()];
                    let d = cxsched_core::model::weekday_name(
                        Weekday::from_monday_zero_offset(((k + 3 * i) % 7) as i8).expect("0..7"),
                    );
                    format!(r#"{{"dayOfWeek":"{d}","startTime":"{s}","endTime":"{e}"}}"#)
                })
                .collect();
            let text = format!(
                r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{zone}","businessHoursDirective":"STRICT","maxConcurrentCalls":5,"timeWindows":[{}]}}"#,
                windows.join(",")
            );
            let schedule = parse_document(&text, Format::Json)
                .schedule
                .expect("a valid document");
            for (zones, states) in recipients {
                let zones: Vec<String> = zones.iter().map(|z| z.to_string()).collect();
                let states: Vec<String> = states.iter().map(|s| s.to_string()).collect();
                let input = RecipientInput {
                    zones: &zones,
                    states: &states,
                    phone_numbers: None,
                };
                let targets =
                    crate::recipients::resolve(&input, &schedule.timezone, AreaCodeTable::embedded)
                        .expect("known zones and states")
                        .targets;
                for &(from, days) in &horizons {
                    let horizon = Horizon::new(&pack, from, days);
                    for (hours, minutes) in [(true, false), (false, true)] {
                        let input = FixInput {
                            pack: &pack,
                            purpose: Purpose::Telemarketing,
                            targets: &targets,
                            schedule: &schedule,
                            horizon: &horizon,
                            blackouts: &[],
                            hours,
                            minutes,
                        };
                        let out = fix(&input);
                        let expected = by_date(&input);
                        for (c, (keep, reasons)) in out.changes.iter().zip(&expected) {
                            let got = match &c.change {
                                Change::Kept => Some((c.original.start, c.original.end)),
                                Change::Cut { to } => Some((to.start, to.end)),
                                Change::Removed => None,
                            }
                            .map(|(a, b)| (a.seconds(), b.seconds()));
                            let what = format!("{zone} {zones:?} {states:?} {from} {days} {hours}");
                            assert_eq!(got, *keep, "{what}");
                            if got != Some((c.original.start.seconds(), c.original.end.seconds())) {
                                assert_eq!(c.reasons, *reasons, "{what}");
                            }
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(compared, 5 * 5 * 4 * 2 * 3);
    }
}
