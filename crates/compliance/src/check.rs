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

/// Maps keyed by zone and state names, looked up for every document checked: a fast hash.
type NameMap<V> = HashMap<Arc<str>, V, foldhash::fast::FixedState>;
use std::sync::{Arc, RwLock};

use cxsched_core::expand::resolve;
use cxsched_core::{Directive, Dst, Purpose, Schedule, TimeWindow, Zone};
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
    /// The pack's state rules by state (indices into the pack's rules), for every purpose.
    state_rules: NameMap<Vec<u16>>,
    timelines: RwLock<NameMap<Arc<Timeline>>>,
    /// Per campaign zone: the dates next to its own transitions ([`special_days`]).
    special: RwLock<NameMap<Arc<[DayNumber]>>>,
    /// Pair plans by campaign zone, then target zone (both canonical names).
    plans: RwLock<NameMap<NameMap<Arc<PairPlan>>>>,
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
        let mut state_rules: NameMap<Vec<u16>> = NameMap::default();
        for (i, rule) in pack.rules.iter().enumerate() {
            if let Some(state) = &rule.state {
                state_rules
                    .entry(state.as_str().into())
                    .or_default()
                    .push(i as u16);
            }
        }
        Horizon {
            from,
            days,
            first,
            last,
            holidays,
            state_rules,
            timelines: RwLock::default(),
            special: RwLock::default(),
            plans: RwLock::default(),
        }
    }

    /// The last date of the horizon.
    pub fn last_date(&self) -> Date {
        date_of(self.last)
    }

    /// The split of the horizon for a (campaign zone, target zone) pair, computed once.
    fn plan(&self, campaign: &Zone, recipient: &Zone) -> Arc<PairPlan> {
        if let Some(p) = self
            .plans
            .read()
            .expect("not poisoned")
            .get(&*campaign.canonical)
            .and_then(|of_campaign| of_campaign.get(&*recipient.canonical))
        {
            return Arc::clone(p);
        }
        let c = self.timeline(campaign);
        let r = self.timeline(recipient);
        let cs = self.campaign_special(campaign, &c);
        let p = Arc::new(PairPlan::new(self, &c, &r, &cs));
        self.plans
            .write()
            .expect("not poisoned")
            .entry(campaign.canonical.clone())
            .or_default()
            .entry(recipient.canonical.clone())
            .or_insert(p)
            .clone()
    }

    /// [`special_days`] of a campaign zone with itself, computed once.
    fn campaign_special(&self, zone: &Zone, timeline: &Timeline) -> Arc<[DayNumber]> {
        cached(&self.special, &zone.canonical, || {
            special_days(self, timeline, timeline).into()
        })
    }

    fn timeline(&self, zone: &Zone) -> Arc<Timeline> {
        cached(&self.timelines, &zone.canonical, || {
            let start = i64::from(self.first - 3) * DAY_SECONDS;
            let end = i64::from(self.last + 4) * DAY_SECONDS;
            Arc::new(Timeline::new(&zone.tz, start, end))
        })
    }
}

/// The value under `name`, made by `make` and kept the first time it is asked for.
fn cached<V: Clone>(map: &RwLock<NameMap<V>>, name: &Arc<str>, make: impl FnOnce() -> V) -> V {
    if let Some(v) = map.read().expect("not poisoned").get(name) {
        return v.clone();
    }
    let v = make();
    map.write()
        .expect("not poisoned")
        .entry(Arc::clone(name))
        .or_insert(v)
        .clone()
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
///
/// # Example
/// ```
/// use cxsched_compliance::{AreaCodeTable, Horizon, RecipientInput, RulePack, check, findings};
/// use cxsched_core::{Format, Purpose, parse_document};
///
/// // Sundays into Utah, which bans Sunday telemarketing calls.
/// let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/Denver",
///   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
///   "timeWindows":[{"dayOfWeek":"SUNDAY","startTime":"10:00:00","endTime":"14:00:00"}]}"#;
/// let schedule = parse_document(doc, Format::Json).schedule.expect("a valid document");
/// let pack = RulePack::embedded_us();
/// let states = ["UT".to_owned()];
/// let input = RecipientInput { zones: &[], states: &states, phone_numbers: None };
/// let recipients =
///     cxsched_compliance::recipients::resolve(&input, &schedule.timezone, AreaCodeTable::embedded)
///         .expect("known states");
/// let horizon = Horizon::new(&pack, jiff::civil::date(2026, 3, 1), 28);
/// let report = check(&pack, &horizon, &schedule, Purpose::Telemarketing, &recipients.targets);
/// assert!(report.has_errors());
/// let list = findings(&report, &pack, &schedule, &recipients.targets);
/// let sunday = list.iter().find(|f| f.code == "PROHIBITED_DAY").expect("a finding");
/// assert_eq!(sunday.rule.as_deref(), Some("US-UT"));
/// assert_eq!(sunday.occurrences, 4);
/// ```
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
    let campaign_special = horizon.campaign_special(&schedule.timezone, &campaign);
    let exact = campaign_side(
        schedule,
        &campaign,
        &by_day,
        &campaign_special,
        &mut findings,
    );

    // The federal rules' verdicts do not depend on the state: computed once per target zone
    // (with the pair plan) and copied to each target in that zone.
    let federal: Vec<ActiveRule> = pack
        .applicable(purpose, None)
        .into_iter()
        .map(|i| ActiveRule::new(i as u16, &pack.rules[i]))
        .collect();
    let mut spans = Spans::new(schedule.windows.len(), 0);
    // Per target zone: its pair plan, the occurrences on its special dates read in its local
    // time (the same for every target in the zone, so resolved once), and its federal findings.
    let mut per_zone: Vec<ZonePass<'_>> = Vec::new();
    // Each target's index into `per_zone`.
    let mut zone_of: Vec<usize> = Vec::with_capacity(targets.len());
    let (mut keys, mut moved) = (Vec::new(), Vec::new());
    for target in targets {
        let name = &*target.zone.canonical;
        if let Some(zi) = per_zone.iter().position(|z| z.name == name) {
            zone_of.push(zi);
            continue;
        }
        zone_of.push(per_zone.len());
        let plan = horizon.plan(&schedule.timezone, &target.zone);
        let mut cx = TargetCx {
            schedule,
            by_day: &by_day,
            plan: &plan,
            exact: &exact,
            special: &[],
            rules: &federal,
        };
        let special = cx.special_occurrences();
        cx.special = &special;
        let mut shared = Vec::new();
        cx.hours_and_days(horizon, &mut spans);
        cx.holidays(horizon, &mut spans);
        spans.finish(&mut shared);
        sort_for_report(&mut shared, &mut keys, &mut moved);
        per_zone.push(ZonePass {
            name,
            plan,
            special,
            shared,
        });
    }
    // Every target gets its zone's federal findings; state findings come on top.
    let federal_total: usize = zone_of.iter().map(|&zi| per_zone[zi].shared.len()).sum();
    findings.reserve(federal_total + federal_total / 4);
    let mut state_rules: Vec<ActiveRule> = Vec::new();
    for (ti, target) in targets.iter().enumerate() {
        let zone = &per_zone[zone_of[ti]];
        findings.extend(zone.shared.iter().map(|f| RawFinding {
            target: Some(ti as u16),
            ..*f
        }));
        state_rules.clear();
        if let Some(of_state) = target
            .state
            .as_deref()
            .and_then(|st| horizon.state_rules.get(st))
        {
            state_rules.extend(
                of_state
                    .iter()
                    .filter(|&&i| pack.rules[i as usize].covers(purpose))
                    .map(|&i| ActiveRule::new(i, &pack.rules[i as usize])),
            );
        }
        if state_rules.is_empty() {
            continue;
        }
        spans.target = ti as u16;
        let cx = TargetCx {
            schedule,
            by_day: &by_day,
            plan: &zone.plan,
            exact: &exact,
            special: &zone.special,
            rules: &state_rules,
        };
        cx.hours_and_days(horizon, &mut spans);
        cx.holidays(horizon, &mut spans);
        let start = findings.len();
        spans.finish(&mut findings);
        sort_for_report(&mut findings[start..], &mut keys, &mut moved);
    }
    Report { findings }
}

/// The order of findings within a target's part of a report: by rule, window, code and
/// first date (`None` before any rule or window), as one integer below 2^76.
fn report_order(f: &RawFinding) -> u128 {
    let index = |i: Option<u16>| i.map_or(0, |i| u128::from(i) + 1);
    // `first` flipped at the sign bit sorts as an unsigned number in the same order.
    index(f.rule) << 59
        | index(f.window) << 42
        | (f.code as u128) << 32
        | u128::from((f.first as u32) ^ 0x8000_0000)
}

/// Puts `list` in [`report_order`]. The findings are large, so the sort moves small keys
/// (order and position) and then each finding once; `keys` and `moved` are reused buffers.
fn sort_for_report(list: &mut [RawFinding], keys: &mut Vec<u128>, moved: &mut Vec<RawFinding>) {
    keys.clear();
    keys.extend(
        list.iter()
            .enumerate()
            .map(|(i, f)| report_order(f) << 32 | i as u128),
    );
    keys.sort_unstable();
    moved.clear();
    moved.extend(keys.iter().map(|&k| list[(k & 0xffff_ffff) as usize]));
    list.copy_from_slice(moved);
}

/// One target zone's shared part of a check.
struct ZonePass<'a> {
    name: &'a str,
    plan: Arc<PairPlan>,
    special: Vec<SpecialOccurrence>,
    /// Federal findings (target index still to be set).
    shared: Vec<RawFinding>,
}

/// An occurrence on a date next to a transition, in the target zone's local time.
struct SpecialOccurrence {
    day: DayNumber,
    window: usize,
    local: Local,
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
    timeline: &Timeline,
    by_day: &[Vec<usize>; 7],
    special: &[DayNumber],
    out: &mut Vec<RawFinding>,
) -> Vec<((DayNumber, usize), Exact)> {
    let mut exact = Vec::new();
    let mut spans = Spans::new(schedule.windows.len(), u16::MAX);
    for &d in special {
        for &wi in &by_day[weekday_index(d) as usize] {
            let w = &schedule.windows[wi];
            if let Some(steady) = away_from_transitions(timeline, d, w) {
                // No DST effect: nothing to report, only the instants to remember.
                exact.push(((d, wi), steady));
                continue;
            }
            let occ = resolve(&schedule.timezone.tz, date_of(d), wi, w);
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

/// The occurrence of `window` on date `d` when its whole local span keeps clear of every
/// transition of the zone; `None` when it comes near one (then `expand::resolve` decides).
///
/// A transition from offset `a` to `b` at instant `t` makes the local times between
/// `t + min(a, b)` and `t + max(a, b)` skipped or repeated. When the window's local span,
/// ends included, meets no such range, both ends read unambiguously with one and the same
/// offset, no transition falls inside the real span, and `resolve` would give exactly these
/// instants with no DST mark: this only saves reading the zone's rules again.
fn away_from_transitions(timeline: &Timeline, d: DayNumber, window: &TimeWindow) -> Option<Exact> {
    let base = i64::from(d) * DAY_SECONDS;
    let (local_start, local_end) = (
        base + i64::from(window.start.seconds()),
        base + i64::from(window.end.seconds()),
    );
    let mut before = timeline.initial;
    for &(t, after) in &timeline.transitions {
        let (low, high) = (
            t + i64::from(before.min(after)),
            t + i64::from(before.max(after)),
        );
        if low <= local_end && local_start <= high {
            return None;
        }
        before = after;
    }
    // The offset in force: the one that reads the start back to itself.
    let guess = timeline.offset_at(local_start - i64::from(timeline.offset_at(base)));
    let start = local_start - i64::from(guess);
    let end = local_end - i64::from(guess);
    let settled = timeline.offset_at(start) == guess && timeline.offset_at(end) == guess;
    settled.then_some(Exact { start, end })
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

/// What the check reads of a rule that applies, copied side by side for the hot loops.
struct ActiveRule {
    /// Index into the pack's rules.
    index: u16,
    severity: Severity,
    days: [DayRule; 7],
    holidays: Option<usize>,
}

impl ActiveRule {
    fn new(index: u16, rule: &Rule) -> ActiveRule {
        ActiveRule {
            index,
            severity: rule.severity,
            days: rule.days,
            holidays: rule.holidays,
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
    /// The occurrences on the plan's special dates, in (date, window) order.
    special: &'a [SpecialOccurrence],
    rules: &'a [ActiveRule],
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

    /// The occurrences on the plan's special dates that happen, in (date, window) order.
    fn special_occurrences(&self) -> Vec<SpecialOccurrence> {
        let mut out = Vec::new();
        for &d in &self.plan.special {
            for &wi in &self.by_day[weekday_index(d) as usize] {
                if let Some(local) = self.local(d, wi) {
                    out.push(SpecialOccurrence {
                        day: d,
                        window: wi,
                        local,
                    });
                }
            }
        }
        out
    }

    fn hours_and_days(&self, h: &Horizon, spans: &mut Spans) {
        let mut special = self.special.iter().peekable();
        for &(a, b, oc, or) in &self.plan.runs {
            while let Some(o) = special.next_if(|o| o.day <= a) {
                self.judge(o.window, o.day, o.day, 1, &o.local, spans);
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
        for o in special {
            if o.day <= h.last {
                self.judge(o.window, o.day, o.day, 1, &o.local, spans);
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
        for rule in self.rules {
            let ri = rule.index;
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
        for rule in self.rules {
            let ri = rule.index;
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

#[cfg(test)]
mod tests {
    use super::*;
    use cxsched_core::LocalTime;
    use jiff::civil::{Weekday, date};

    /// Wherever the shortcut answers, it answers what `expand::resolve` does, with no DST
    /// effect; near transitions (gaps, folds, half-hour and odd historic offsets) it declines.
    #[test]
    fn the_steady_shortcut_agrees_with_resolve() {
        let zones = [
            "America/New_York",
            "Europe/London",
            "Australia/Lord_Howe",
            "America/Santiago",
            "Asia/Kolkata",
            "America/St_Johns",
            "Pacific/Apia",
        ];
        let mut times: Vec<u32> = (0..96)
            .map(|q| q * 900)
            .chain([1, 7199, 10_799, 86_399])
            .collect();
        times.sort_unstable();
        times.dedup();
        let mut declined = 0;
        for name in zones {
            let zone = cxsched_core::zone::resolve(name).unwrap().zone;
            for (from, days) in [
                (date(2026, 1, 1), 366),
                (date(2011, 12, 20), 30),
                (date(1994, 1, 1), 366),
            ] {
                let first = day_number(from);
                let timeline = Timeline::new(
                    &zone.tz,
                    i64::from(first - 3) * DAY_SECONDS,
                    i64::from(first + days + 4) * DAY_SECONDS,
                );
                let mut around: Vec<DayNumber> = timeline
                    .transitions
                    .iter()
                    .flat_map(|&(t, _)| {
                        let d = t.div_euclid(DAY_SECONDS) as DayNumber;
                        d - 1..=d + 1
                    })
                    .filter(|d| (first..first + days).contains(d))
                    .collect();
                around.extend([first, first + days / 2]);
                for d in around {
                    for (i, &s) in times.iter().enumerate() {
                        for &e in &times[i + 1..] {
                            let window = TimeWindow {
                                day: Weekday::Monday,
                                start: LocalTime::from_seconds(s).unwrap(),
                                end: LocalTime::from_seconds(e).unwrap(),
                            };
                            let occ = resolve(&zone.tz, date_of(d), 0, &window);
                            match away_from_transitions(&timeline, d, &window) {
                                Some(x) => {
                                    assert_eq!(
                                        (x.start, x.end, occ.dst),
                                        (occ.start.as_second(), occ.end.as_second(), None),
                                        "{name} {} {s}..{e}",
                                        date_of(d)
                                    );
                                }
                                None => declined += 1,
                            }
                        }
                    }
                }
            }
        }
        assert!(declined > 0, "the transitions' own days must be declined");
    }
}
