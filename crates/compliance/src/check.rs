//! The per-date check: on which dates of a horizon would a schedule call someone outside
//! the hours the law allows where *they* are.
//!
//! For every date of `[from, from + days)`, every window occurring on that date (occurrence
//! semantics of `cxsched_core::expand`: a boundary in a gap moves forward, one in a fold
//! takes the earlier instant) and every recipient [`Target`], the occurrence's real-time span
//! is read in the target's local time and judged by each applicable rule: allowed hours of
//! the local weekday (`OUTSIDE_LEGAL_HOURS`), prohibited weekdays (`PROHIBITED_DAY`) and
//! holidays (`HOLIDAY`). Campaign-side DST effects are reported once per schedule
//! (`DST_GAP`, `DST_FOLD`, and `DST_VOID_OCCURRENCE` for an occurrence a gap leaves empty,
//! which does not happen). `businessHoursDirective = IGNORE` is reported as
//! `DIRECTIVE_IGNORE` (a warning): the dialer does not enforce the windows, so the verdicts
//! hold only for calls placed inside them.
//!
//! The cost does not grow with the number of days. Between transitions of the campaign zone
//! and the target zone the pair of offsets is constant, so a window's verdict is the same
//! every week: each such run is judged once per window and becomes a span of dates. Only
//! the dates next to a transition are resolved one by one, and holidays are looked up by
//! date. Findings are grouped into maximal spans of consecutive occurrences of a window with
//! the same code, rule, target and (for hours) the same local times, so findings with the
//! same code, rule, window, zone and state never overlap in dates.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use cxsched_core::expand::resolve;
use cxsched_core::{Directive, Dst, Purpose, Schedule, Zone};
use jiff::civil::Date;

use crate::days::{DAY_SECONDS, DayNumber, date_of, day_number, next_on_or_after, weekday_index};
use crate::holidays::HolidayDay;
use crate::recipients::Target;
use crate::rules::{DayRule, Rule, RulePack, Severity};
use crate::timeline::Timeline;

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    OutsideLegalHours,
    ProhibitedDay,
    Holiday,
    DstGap,
    DstFold,
    DstVoidOccurrence,
    DirectiveIgnore,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::OutsideLegalHours => "OUTSIDE_LEGAL_HOURS",
            Code::ProhibitedDay => "PROHIBITED_DAY",
            Code::Holiday => "HOLIDAY",
            Code::DstGap => "DST_GAP",
            Code::DstFold => "DST_FOLD",
            Code::DstVoidOccurrence => "DST_VOID_OCCURRENCE",
            Code::DirectiveIgnore => "DIRECTIVE_IGNORE",
        }
    }
}

/// The dates a check decides, and what is shared by every schedule checked over them:
/// holiday dates of each calendar and zone timelines (computed once, used by all threads).
pub struct Horizon {
    pub from: Date,
    pub days: u32,
    first: DayNumber,
    last: DayNumber,
    /// Per calendar of the pack: holiday days in `[first - 1, last + 1]`.
    holidays: Vec<Vec<HolidayDay>>,
    timelines: RwLock<HashMap<String, Arc<Timeline>>>,
    plans: RwLock<HashMap<(String, String), Arc<PairPlan>>>,
}

impl Horizon {
    /// The horizon `[from, from + days)` for checks against `pack`.
    pub fn new(pack: &RulePack, from: Date, days: u32) -> Horizon {
        let first = day_number(from);
        let last = first + days.max(1) as i32 - 1;
        let holidays = pack
            .calendars
            .iter()
            .map(|c| c.between(first - 1, last + 1))
            .collect();
        Horizon {
            from,
            days,
            first,
            last,
            holidays,
            timelines: RwLock::new(HashMap::new()),
            plans: RwLock::new(HashMap::new()),
        }
    }

    /// The last date of the horizon.
    pub fn last_date(&self) -> Date {
        date_of(self.last)
    }

    /// The split of the horizon for a (campaign zone, target zone) pair, computed once.
    fn plan(&self, campaign: &Zone, recipient: &Zone) -> Arc<PairPlan> {
        let key = (campaign.canonical.clone(), recipient.canonical.clone());
        if let Some(p) = self.plans.read().expect("not poisoned").get(&key) {
            return Arc::clone(p);
        }
        let c = self.timeline(campaign);
        let r = self.timeline(recipient);
        let cs = special_days(self, &c, &c);
        let p = Arc::new(PairPlan::new(self, &c, &r, &cs));
        self.plans
            .write()
            .expect("not poisoned")
            .entry(key)
            .or_insert(p)
            .clone()
    }

    fn timeline(&self, zone: &Zone) -> Arc<Timeline> {
        if let Some(t) = self
            .timelines
            .read()
            .expect("not poisoned")
            .get(&zone.canonical)
        {
            return Arc::clone(t);
        }
        let start = i64::from(self.first - 3) * DAY_SECONDS;
        let end = i64::from(self.last + 4) * DAY_SECONDS;
        let t = Arc::new(Timeline::new(&zone.tz, start, end));
        self.timelines
            .write()
            .expect("not poisoned")
            .entry(zone.canonical.clone())
            .or_insert(t)
            .clone()
    }
}

/// One finding in compact form (indices into the schedule, the targets and the pack);
/// [`crate::report`] turns it into the JSON and human forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawFinding {
    pub code: Code,
    pub severity: Severity,
    /// Index into the pack's rules.
    pub rule: Option<u16>,
    /// Index into the schedule's windows.
    pub window: Option<u16>,
    /// Index into the targets.
    pub target: Option<u16>,
    pub first: DayNumber,
    pub last: DayNumber,
    pub occurrences: u32,
    /// The first occurrence of the span: its instants (Unix seconds) and the offsets (of the
    /// target zone, or the campaign zone for campaign-side findings) at them.
    pub start_ts: i64,
    pub end_ts: i64,
    pub start_offset: i32,
    pub end_offset: i32,
    /// Code-specific: the local weekday (Monday = 0) for `PROHIBITED_DAY`, `2 * holiday +
    /// observed` for `HOLIDAY`, the pack calendar for holidays in `extra2`.
    pub extra: u32,
}

/// The result of checking one schedule.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<RawFinding>,
}

impl Report {
    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Checks one schedule against `targets` over `horizon`.
///
/// `purpose` selects the rules (the document's `compliance.purpose` or a flag).
pub fn check(
    pack: &RulePack,
    horizon: &Horizon,
    schedule: &Schedule,
    purpose: Purpose,
    targets: &[Target],
) -> Report {
    let mut findings = Vec::new();
    if schedule.directive == Directive::Ignore {
        findings.push(RawFinding {
            code: Code::DirectiveIgnore,
            severity: Severity::Warning,
            rule: None,
            window: None,
            target: None,
            first: horizon.first,
            last: horizon.last,
            occurrences: 0,
            start_ts: 0,
            end_ts: 0,
            start_offset: 0,
            end_offset: 0,
            extra: 0,
        });
    }
    if schedule.windows.is_empty() {
        return Report { findings };
    }
    let mut by_day: [Vec<usize>; 7] = Default::default();
    for (i, w) in schedule.windows.iter().enumerate() {
        by_day[w.day.to_monday_zero_offset() as usize].push(i);
    }
    let campaign = horizon.timeline(&schedule.timezone);
    let campaign_special = special_days(horizon, &campaign, &campaign);
    let exact = campaign_side(schedule, &by_day, &campaign_special, &mut findings);

    // The federal rules' verdicts do not depend on the state: computed once per target zone
    // (with the pair plan) and copied to each target in that zone.
    let federal: Vec<(u16, &Rule)> = pack
        .applicable(purpose, None)
        .into_iter()
        .map(|i| (i as u16, &pack.rules[i]))
        .collect();
    let mut spans = Spans::new(schedule.windows.len(), 0);
    let mut per_zone: Vec<(&str, Arc<PairPlan>, Vec<RawFinding>)> = Vec::new();
    for target in targets {
        let name = target.zone.canonical.as_str();
        if per_zone.iter().any(|(z, _, _)| *z == name) {
            continue;
        }
        let plan = horizon.plan(&schedule.timezone, &target.zone);
        let mut shared = Vec::new();
        let cx = TargetCx {
            schedule,
            by_day: &by_day,
            plan: &plan,
            exact: &exact,
            rules: &federal,
        };
        cx.hours_and_days(horizon, &mut spans);
        cx.holidays(horizon, &mut spans);
        spans.finish(&mut shared);
        shared.sort_unstable_by_key(|f| (f.rule, f.window, f.code, f.first));
        per_zone.push((name, plan, shared));
    }
    for (ti, target) in targets.iter().enumerate() {
        let (_, plan, shared) = per_zone
            .iter()
            .find(|(z, _, _)| *z == target.zone.canonical)
            .expect("every zone was planned");
        findings.extend(shared.iter().map(|f| RawFinding {
            target: Some(ti as u16),
            ..*f
        }));
        let state_rules: Vec<(u16, &Rule)> = pack
            .applicable(purpose, target.state.as_deref())
            .into_iter()
            .filter(|&i| pack.rules[i].state.is_some())
            .map(|i| (i as u16, &pack.rules[i]))
            .collect();
        if state_rules.is_empty() {
            continue;
        }
        spans.target = ti as u16;
        let cx = TargetCx {
            schedule,
            by_day: &by_day,
            plan,
            exact: &exact,
            rules: &state_rules,
        };
        cx.hours_and_days(horizon, &mut spans);
        cx.holidays(horizon, &mut spans);
        let start = findings.len();
        spans.finish(&mut findings);
        findings[start..].sort_unstable_by_key(|f| (f.rule, f.window, f.code, f.first));
    }
    Report { findings }
}

/// Campaign dates within one day of a transition of `a` or `b` (read in `a`'s local date).
fn special_days(h: &Horizon, a: &Timeline, b: &Timeline) -> Vec<DayNumber> {
    let mut out = Vec::new();
    for &(ts, _) in a.transitions.iter().chain(b.transitions.iter()) {
        let local = ts + i64::from(a.offset_at(ts));
        let d = local.div_euclid(DAY_SECONDS) as DayNumber;
        for n in d - 1..=d + 1 {
            if (h.first..=h.last).contains(&n) {
                out.push(n);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// An occurrence resolved exactly (on a date next to a campaign-zone transition).
#[derive(Clone, Copy)]
struct Exact {
    start: i64,
    end: i64,
}

/// DST findings of the campaign zone, and the exact occurrences of its special dates.
fn campaign_side(
    schedule: &Schedule,
    by_day: &[Vec<usize>; 7],
    special: &[DayNumber],
    out: &mut Vec<RawFinding>,
) -> Vec<((DayNumber, usize), Exact)> {
    let mut exact = Vec::new();
    let mut spans = Spans::new(schedule.windows.len(), u16::MAX);
    for &d in special {
        let date = date_of(d);
        for &wi in &by_day[weekday_index(d) as usize] {
            let occ = resolve(&schedule.timezone.tz, date, wi, &schedule.windows[wi]);
            let (start, end) = (occ.start.as_second(), occ.end.as_second());
            exact.push(((d, wi), Exact { start, end }));
            let code = if occ.is_void() {
                Code::DstVoidOccurrence
            } else {
                match occ.dst {
                    Some(Dst::Gap) => Code::DstGap,
                    Some(Dst::Fold) => Code::DstFold,
                    None => continue,
                }
            };
            spans.push(
                Key {
                    code,
                    rule: u16::MAX,
                    window: wi as u16,
                    extra: 0,
                    local: (0, 0),
                },
                Seg {
                    severity: Severity::Warning,
                    first: d,
                    last: d,
                    count: 1,
                    start_ts: start,
                    end_ts: end,
                    start_offset: occ.start_offset.seconds(),
                    end_offset: occ.end_offset.seconds(),
                },
            );
        }
    }
    let before = out.len();
    spans.finish(out);
    for f in &mut out[before..] {
        f.target = None;
        f.rule = None;
    }
    out[before..].sort_by_key(|f| (f.window, f.code, f.first));
    exact.sort_unstable_by_key(|e| e.0);
    exact
}

/// How one (campaign zone, target zone) pair splits the horizon.
struct PairPlan {
    /// Steady runs `[a, b]` with the campaign and target offsets, in order.
    runs: Vec<(DayNumber, DayNumber, i32, i32)>,
    /// Dates next to a transition of either zone, in order.
    special: Vec<DayNumber>,
    campaign: Arc<Timeline>,
    recipient: Arc<Timeline>,
}

impl PairPlan {
    fn new(
        h: &Horizon,
        campaign: &Arc<Timeline>,
        recipient: &Arc<Timeline>,
        campaign_special: &[DayNumber],
    ) -> PairPlan {
        let mut special = special_days(h, campaign, recipient);
        special.extend_from_slice(campaign_special);
        special.sort_unstable();
        special.dedup();
        let mut runs = Vec::new();
        let mut a = h.first;
        for &s in special.iter().chain(std::iter::once(&(h.last + 1))) {
            if s > a {
                let noon = i64::from(a) * DAY_SECONDS + DAY_SECONDS / 2;
                runs.push((
                    a,
                    s - 1,
                    campaign.offset_at(noon),
                    recipient.offset_at(noon),
                ));
            }
            a = s + 1;
        }
        PairPlan {
            runs,
            special,
            campaign: Arc::clone(campaign),
            recipient: Arc::clone(recipient),
        }
    }
}

/// A target's part of a check.
struct TargetCx<'a> {
    schedule: &'a Schedule,
    by_day: &'a [Vec<usize>; 7],
    plan: &'a PairPlan,
    /// Sorted by (date, window).
    exact: &'a [((DayNumber, usize), Exact)],
    rules: &'a [(u16, &'a Rule)],
}

/// An occurrence in the target's local time: instants, offsets, and local seconds relative
/// to the campaign date's midnight (so `[0, 86400)` is the same local date).
#[derive(Clone, Copy)]
struct Local {
    start_ts: i64,
    end_ts: i64,
    start_offset: i32,
    end_offset: i32,
    rs: i64,
    re: i64,
}

impl TargetCx<'_> {
    /// The occurrence of window `wi` on campaign date `d`, in the target's local time;
    /// `None` when it does not happen.
    fn local(&self, d: DayNumber, wi: usize) -> Option<Local> {
        let w = &self.schedule.windows[wi];
        let base = i64::from(d) * DAY_SECONDS;
        let (start_ts, end_ts) = match self.exact.binary_search_by_key(&(d, wi), |e| e.0) {
            Ok(i) => (self.exact[i].1.start, self.exact[i].1.end),
            Err(_) => {
                let oc = i64::from(self.plan.campaign.offset_at(base + DAY_SECONDS / 2));
                (
                    base + i64::from(w.start.seconds()) - oc,
                    base + i64::from(w.end.seconds()) - oc,
                )
            }
        };
        if end_ts <= start_ts {
            return None;
        }
        let so = self.plan.recipient.offset_at(start_ts);
        let eo = self.plan.recipient.offset_at(end_ts);
        Some(Local {
            start_ts,
            end_ts,
            start_offset: so,
            end_offset: eo,
            rs: start_ts + i64::from(so) - base,
            re: end_ts + i64::from(eo) - base,
        })
    }

    fn hours_and_days(&self, h: &Horizon, spans: &mut Spans) {
        let mut special = self.plan.special.iter().peekable();
        for &(a, b, oc, or) in &self.plan.runs {
            while let Some(&&s) = special.peek() {
                if s > a {
                    break;
                }
                self.special_day(s, spans);
                special.next();
            }
            let delta = i64::from(or - oc);
            for (wi, w) in self.schedule.windows.iter().enumerate() {
                let first = next_on_or_after(a, w.day.to_monday_zero_offset() as u8);
                if first > b {
                    continue;
                }
                let weeks = (b - first) / 7;
                let last = first + weeks * 7;
                let base = i64::from(first) * DAY_SECONDS;
                let (s, e) = (i64::from(w.start.seconds()), i64::from(w.end.seconds()));
                let l = Local {
                    start_ts: base + s - i64::from(oc),
                    end_ts: base + e - i64::from(oc),
                    start_offset: or,
                    end_offset: or,
                    rs: s + delta,
                    re: e + delta,
                };
                self.judge(wi, first, last, weeks as u32 + 1, &l, spans);
            }
        }
        for &s in special {
            if s <= h.last {
                self.special_day(s, spans);
            }
        }
    }

    fn special_day(&self, d: DayNumber, spans: &mut Spans) {
        for &wi in &self.by_day[weekday_index(d) as usize] {
            if let Some(l) = self.local(d, wi) {
                self.judge(wi, d, d, 1, &l, spans);
            }
        }
    }

    /// Judges the occurrences of window `wi` on `first, first + 7, …, last` (all with the
    /// local times `l`) by every rule: hours and prohibited weekdays.
    fn judge(
        &self,
        wi: usize,
        first: DayNumber,
        last: DayNumber,
        count: u32,
        l: &Local,
        spans: &mut Spans,
    ) {
        let seg = |severity| Seg {
            severity,
            first,
            last,
            count,
            start_ts: l.start_ts,
            end_ts: l.end_ts,
            start_offset: l.start_offset,
            end_offset: l.end_offset,
        };
        let sd = l.rs.div_euclid(DAY_SECONDS);
        let ed = (l.re - 1).div_euclid(DAY_SECONDS);
        for &(ri, rule) in self.rules {
            let mut outside = false;
            let mut prohibited = None;
            for k in sd..=ed {
                let wd = weekday_index(first + k as DayNumber);
                let lo = l.rs.max(k * DAY_SECONDS) - k * DAY_SECONDS;
                let hi = l.re.min((k + 1) * DAY_SECONDS) - k * DAY_SECONDS;
                match rule.days[wd as usize] {
                    DayRule::Prohibited => {
                        prohibited.get_or_insert(wd);
                    }
                    DayRule::Allowed { open, close } => {
                        if lo < i64::from(open) || hi > i64::from(close) {
                            outside = true;
                        }
                    }
                }
            }
            if outside {
                let key = Key {
                    code: Code::OutsideLegalHours,
                    rule: ri,
                    window: wi as u16,
                    extra: 0,
                    local: (l.rs, l.re),
                };
                spans.push(key, seg(rule.severity));
            }
            if let Some(wd) = prohibited {
                let key = Key {
                    code: Code::ProhibitedDay,
                    rule: ri,
                    window: wi as u16,
                    extra: u32::from(wd),
                    local: (0, 0),
                };
                spans.push(key, seg(rule.severity));
            }
        }
    }

    /// Holidays: each holiday date of each rule's calendar, against the occurrences that
    /// could reach it (campaign dates one day either side).
    fn holidays(&self, h: &Horizon, spans: &mut Spans) {
        for &(ri, rule) in self.rules {
            let Some(cal) = rule.holidays else { continue };
            let days = &h.holidays[cal];
            // One HOLIDAY finding per occurrence and rule: remember what was reported.
            let mut reported: Vec<(DayNumber, usize)> = Vec::new();
            for hd in days {
                for d in hd.day - 1..=hd.day + 1 {
                    if d < h.first || d > h.last {
                        continue;
                    }
                    for &wi in &self.by_day[weekday_index(d) as usize] {
                        // Holiday days come in date order: only recent entries can repeat.
                        if reported
                            .iter()
                            .rev()
                            .take_while(|r| r.0 >= d - 2)
                            .any(|r| *r == (d, wi))
                        {
                            continue;
                        }
                        let Some(l) = self.local(d, wi) else { continue };
                        let k = i64::from(hd.day - d);
                        if l.rs < (k + 1) * DAY_SECONDS && l.re > k * DAY_SECONDS {
                            reported.push((d, wi));
                            let extra = (hd.holiday as u32) << 1 | u32::from(hd.observed);
                            let key = Key {
                                code: Code::Holiday,
                                rule: ri,
                                window: wi as u16,
                                extra: extra | (cal as u32) << 16,
                                local: (0, 0),
                            };
                            spans.push(
                                key,
                                Seg {
                                    severity: rule.severity,
                                    first: d,
                                    last: d,
                                    count: 1,
                                    start_ts: l.start_ts,
                                    end_ts: l.end_ts,
                                    start_offset: l.start_offset,
                                    end_offset: l.end_offset,
                                },
                            );
                        }
                    }
                }
            }
        }
    }
}

/// What must be equal for two occurrences to join one finding.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    code: Code,
    rule: u16,
    window: u16,
    extra: u32,
    /// Local seconds relative to the campaign date (hours findings only).
    local: (i64, i64),
}

/// Occurrences of one window, weekly from `first` to `last`, with one verdict.
struct Seg {
    severity: Severity,
    first: DayNumber,
    last: DayNumber,
    count: u32,
    start_ts: i64,
    end_ts: i64,
    start_offset: i32,
    end_offset: i32,
}

/// Joins segments into maximal spans of consecutive occurrences, per window.
struct Spans {
    open: Vec<Vec<(Key, RawFinding)>>,
    target: u16,
    done: Vec<RawFinding>,
}

impl Spans {
    fn new(windows: usize, target: u16) -> Spans {
        Spans {
            open: (0..windows).map(|_| Vec::new()).collect(),
            target,
            done: Vec::new(),
        }
    }

    fn push(&mut self, key: Key, seg: Seg) {
        let list = &mut self.open[key.window as usize];
        // Within a pass segments come in date order, so a span whose next occurrence is
        // already behind can never grow again: close it (keeps the open list short).
        let mut i = 0;
        while i < list.len() {
            if list[i].1.last + 7 < seg.first {
                self.done.push(list.swap_remove(i).1);
            } else {
                i += 1;
            }
        }
        if let Some((_, f)) = list.iter_mut().find(|(k, _)| *k == key) {
            if seg.first == f.last + 7 {
                f.last = seg.last;
                f.occurrences += seg.count;
                return;
            }
            self.done.push(*f);
            *f = Self::finding(key, &seg, self.target);
        } else {
            list.push((key, Self::finding(key, &seg, self.target)));
        }
    }

    fn finding(key: Key, seg: &Seg, target: u16) -> RawFinding {
        RawFinding {
            code: key.code,
            severity: seg.severity,
            rule: Some(key.rule),
            window: Some(key.window),
            target: Some(target),
            first: seg.first,
            last: seg.last,
            occurrences: seg.count,
            start_ts: seg.start_ts,
            end_ts: seg.end_ts,
            start_offset: seg.start_offset,
            end_offset: seg.end_offset,
            extra: key.extra,
        }
    }

    /// Moves every span into `out` and leaves `self` empty (its buffers kept for reuse).
    fn finish(&mut self, out: &mut Vec<RawFinding>) {
        out.append(&mut self.done);
        for list in &mut self.open {
            out.extend(list.drain(..).map(|(_, f)| f));
        }
    }
}
