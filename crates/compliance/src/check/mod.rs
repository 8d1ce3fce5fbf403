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
//!
//! By concept: [`horizon`] (the dates decided and the caches shared by every schedule),
//! [`campaign`] (campaign-side DST), [`judge`] (per target and rule), [`spans`] (grouping
//! into date spans); this module holds the public [`check`], [`Report`] and [`RawFinding`].

mod campaign;
mod horizon;
mod judge;
mod spans;

use std::sync::Arc;

use cxsched_core::model::Blackout;
use cxsched_core::{Directive, Purpose, Schedule};

pub use horizon::Horizon;

use crate::days::{DayNumber, day_number};
use crate::recipients::Target;
use crate::rules::{RulePack, Severity};
use campaign::campaign_side;
use horizon::PairPlan;
use judge::{
    ActiveBlackout, ActiveRule, BlackoutHit, SpecialOccurrence, Stretch, TargetCx,
    blackout_findings,
};
use spans::Spans;

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
    Blackout,
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
            Code::Blackout => "BLACKOUT",
        }
    }
}

/// One finding in compact form (indices into the schedule, the targets and the pack);
/// [`crate::report`] turns it into the JSON and human forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// What the code needs besides: the weekday or the holiday.
    pub detail: Detail,
}

/// The code-specific part of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detail {
    None,
    /// `PROHIBITED_DAY`: the prohibited local weekday (Monday = 0).
    Weekday(u8),
    /// `HOLIDAY`: the pack calendar and the holiday (indices), and whether the date is the
    /// holiday's observed day rather than the holiday itself.
    Holiday {
        calendar: u16,
        holiday: u16,
        observed: bool,
    },
    /// `BLACKOUT`: the blackout (index into [`Report::blackouts`]).
    Blackout(u16),
}

/// The result of checking one schedule.
///
/// A zone's federal findings and a set of blackouts' findings are the same for every target
/// that shares them, so they are kept once and read for each target (the report can hold a
/// hundred million findings over a few hundred thousand stored): [`Report::findings`] gives
/// them in report order with each one's target.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Findings stored once; those of a shared part with their target unset.
    store: Vec<RawFinding>,
    /// The report in order: ranges of `store`, each read for a target (`None`: as stored).
    pieces: Vec<Piece>,
    /// Findings over all pieces.
    len: usize,
    /// The blackouts the check was given, which `BLACKOUT` findings refer to.
    pub blackouts: Vec<Blackout>,
}

/// A range of [`Report::store`] and the target its findings are read for.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: usize,
    end: usize,
    target: Option<u16>,
}

impl Report {
    /// The findings in report order: campaign-side ones first, then target by target.
    pub fn findings(&self) -> impl Iterator<Item = RawFinding> + '_ {
        self.pieces.iter().flat_map(move |p| {
            let list = &self.store[p.start..p.end];
            list.iter().map(move |f| match p.target {
                Some(t) => RawFinding {
                    target: Some(t),
                    ..*f
                },
                None => *f,
            })
        })
    }

    /// How many findings [`Report::findings`] gives.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.pieces.iter().any(|p| {
            self.store[p.start..p.end]
                .iter()
                .any(|f| f.severity == Severity::Error)
        })
    }

    /// Appends `store[start..end]` to the report, read for `target`.
    fn piece(&mut self, (start, end): (usize, usize), target: Option<u16>) {
        if end > start {
            self.pieces.push(Piece { start, end, target });
            self.len += end - start;
        }
    }
}

/// Checks one schedule against `targets` over `horizon`, with the document's blackouts.
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
    check_with_blackouts(
        pack,
        horizon,
        schedule,
        purpose,
        targets,
        &schedule.compliance.blackouts,
    )
}

/// [`check`] with `blackouts` in place of the document's (the document's and a
/// `--blackouts` file's together, for instance).
pub fn check_with_blackouts(
    pack: &RulePack,
    horizon: &Horizon,
    schedule: &Schedule,
    purpose: Purpose,
    targets: &[Target],
    blackouts: &[Blackout],
) -> Report {
    let mut report = check_inner(pack, horizon, schedule, purpose, targets, blackouts);
    if !blackouts.is_empty() {
        report.blackouts = blackouts.to_vec();
    }
    report
}

fn check_inner(
    pack: &RulePack,
    horizon: &Horizon,
    schedule: &Schedule,
    purpose: Purpose,
    targets: &[Target],
    blackouts: &[Blackout],
) -> Report {
    let mut report = Report::default();
    // About two stored findings per window for each target and each zone pass, so that a
    // large report is not copied over and over as it grows.
    report
        .store
        .reserve(schedule.windows.len() * (targets.len() * 2 + 2).min(1 << 12));
    let findings = &mut report.store;
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
            detail: Detail::None,
        });
    }
    if schedule.windows.is_empty() {
        report.piece((0, report.store.len()), None);
        return report;
    }
    let by_day = ByDay::new(schedule);
    let campaign = horizon.timeline(&schedule.timezone);
    let campaign_special = horizon.campaign_special(&schedule.timezone, &campaign);
    let exact = campaign_side(schedule, &campaign, &by_day, &campaign_special, findings);
    report.piece((0, report.store.len()), None);

    // The federal rules' verdicts do not depend on the state: computed once per target zone
    // (with the pair plan) and copied to each target in that zone.
    let common = Common {
        schedule,
        by_day: &by_day,
        exact: &exact,
        exact_days: &campaign_special,
    };
    // The blackouts in the horizon (recipient-local dates can be one day either side).
    let blackouts = active_blackouts(horizon, blackouts);
    let mut spans = Spans::new(schedule.windows.len(), 0);
    // Per target zone: its pair plan, the occurrences on its special dates read in its local
    // time (the same for every target in the zone, so resolved once), and its federal findings.
    let mut per_zone: Vec<ZonePass<'_>> = Vec::new();
    // Each target's index into `per_zone`.
    let mut zone_of: Vec<usize> = Vec::with_capacity(targets.len());
    for target in targets {
        let name = target.zone.canonical;
        if let Some(zi) = per_zone.iter().position(|z| z.name == name) {
            zone_of.push(zi);
            continue;
        }
        zone_of.push(per_zone.len());
        let plan = horizon.plan(&schedule.timezone, &target.zone);
        let federal = horizon.federal(pack, purpose, target.zone.canonical);
        let mut cx = common.cx(&plan, &[], &[], &federal);
        let special = cx.special_occurrences();
        cx.special = &special;
        let stretches = cx.stretches(horizon);
        cx.stretches = &stretches;
        spans.begin(federal.len());
        cx.hours_and_days(&mut spans);
        cx.holidays(horizon, &mut spans);
        let start = report.store.len();
        spans.finish(&mut report.store);
        per_zone.push(ZonePass {
            name,
            plan,
            special,
            stretches,
            shared: (start, report.store.len()),
        });
    }
    // Blackout findings are stored once per set of blackouts, after the zones'.
    let blackout_ranges = blackout_parts(
        horizon,
        &blackouts,
        targets,
        &zone_of,
        &per_zone,
        |zone| common.cx(&zone.plan, &zone.special, &[], &[]),
        &mut report.store,
    );
    let mut state_rules: Vec<ActiveRule> = Vec::new();
    for (ti, target) in targets.iter().enumerate() {
        let zone = &per_zone[zone_of[ti]];
        // Every target reads its zone's federal findings; state findings and blackouts come
        // after them.
        report.piece(zone.shared, Some(ti as u16));
        state_rules.clear();
        if let Some(of_state) = target
            .state
            .as_deref()
            .and_then(|st| horizon.state_rules.get(st))
        {
            state_rules.extend(
                of_state
                    .iter()
                    .filter(|&&i| {
                        let r = &pack.rules[i as usize];
                        r.covers(purpose) && r.reaches_zone(zone.name)
                    })
                    .map(|&i| ActiveRule::new(i, &pack.rules[i as usize])),
            );
            rank(&mut state_rules);
        }
        spans.target = ti as u16;
        let cx = common.cx(&zone.plan, &zone.special, &zone.stretches, &state_rules);
        if !state_rules.is_empty() {
            spans.begin(state_rules.len());
            cx.hours_and_days(&mut spans);
            cx.holidays(horizon, &mut spans);
            let start = report.store.len();
            spans.finish(&mut report.store);
            report.piece((start, report.store.len()), None);
        }
        report.piece(blackout_ranges[ti], Some(ti as u16));
    }
    report
}

/// The `BLACKOUT` findings of every target (target unset), appended to `store`; each
/// target's range of it. The occurrences a blackout reaches depend only
/// on the target zone: they are found once per zone, in order, and
/// each set of blackouts a target of the zone is under picks from them once, shared by the
/// zone's targets under the same set.
fn blackout_parts<'a>(
    horizon: &Horizon,
    blackouts: &[(ActiveBlackout, BlackoutScope<'_>)],
    targets: &[Target],
    zone_of: &[usize],
    per_zone: &'a [ZonePass<'_>],
    cx_of: impl Fn(&'a ZonePass<'_>) -> TargetCx<'a>,
    store: &mut Vec<RawFinding>,
) -> Vec<(usize, usize)> {
    let mut of_target = vec![(0, 0); targets.len()];
    if blackouts.is_empty() {
        return of_target;
    }
    // The blackouts reaching each target, as bit sets of positions in `blackouts`.
    let words = blackouts.len().div_ceil(64);
    let mut reach = vec![0u64; targets.len() * words];
    for (ti, t) in targets.iter().enumerate() {
        for (p, (_, b)) in blackouts.iter().enumerate() {
            if b.reaches(t) {
                reach[ti * words + p / 64] |= 1 << (p % 64);
            }
        }
    }
    let set = |ti: usize| &reach[ti * words..(ti + 1) * words];
    // Per zone: the hits of every blackout reaching one of its targets.
    let mut zone_hits: Vec<Option<Vec<BlackoutHit>>> = vec![None; per_zone.len()];
    // (zone, a target with the set, its findings' range) for each set made.
    let mut made: Vec<(usize, usize, (usize, usize))> = Vec::new();
    let mut wanted = vec![0u64; words];
    for ti in 0..targets.len() {
        if set(ti).iter().all(|&w| w == 0) {
            continue;
        }
        let zi = zone_of[ti];
        if let Some(&(_, _, range)) = made
            .iter()
            .find(|&&(z, tj, _)| z == zi && set(tj) == set(ti))
        {
            of_target[ti] = range;
            continue;
        }
        let hits = zone_hits[zi].get_or_insert_with(|| {
            wanted.fill(0);
            for tj in (0..targets.len()).filter(|&tj| zone_of[tj] == zi) {
                wanted.iter_mut().zip(set(tj)).for_each(|(w, s)| *w |= s);
            }
            let cx = cx_of(&per_zone[zi]);
            let shifts = cx.local_date_shifts();
            let under = blackouts
                .iter()
                .enumerate()
                .filter(|&(p, _)| wanted[p / 64] >> (p % 64) & 1 == 1)
                .map(|(p, (b, _))| (p as u16, *b));
            cx.blackout_hits(horizon, under, shifts)
        });
        let start = store.len();
        blackout_findings(hits, set(ti), store);
        let range = (start, store.len());
        made.push((zi, ti, range));
        of_target[ti] = range;
    }
    of_target
}

/// A blackout of the check, with the zones it names in canonical form.
struct BlackoutScope<'a> {
    blackout: &'a Blackout,
    zones: Vec<&'static str>,
}

impl BlackoutScope<'_> {
    /// True when the blackout covers `target`: every recipient when it names no state and
    /// no zone, else a recipient in one of its states or one of its zones.
    fn reaches(&self, target: &Target) -> bool {
        let b = self.blackout;
        (b.states.is_empty() && b.zones.is_empty())
            || target
                .state
                .as_deref()
                .is_some_and(|s| b.states.iter().any(|x| x == s))
            || self.zones.contains(&target.zone.canonical)
    }
}

/// The blackouts that reach into the horizon (their dates one day either side of it), in
/// order of their first date.
fn active_blackouts<'a>(
    horizon: &Horizon,
    blackouts: &'a [Blackout],
) -> Vec<(ActiveBlackout, BlackoutScope<'a>)> {
    let mut out: Vec<(ActiveBlackout, BlackoutScope<'a>)> = blackouts
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let (first, last) = (day_number(b.from), day_number(b.to));
            if last < horizon.first - 1 || first > horizon.last + 1 || last < first {
                return None;
            }
            let zones = b
                .zones
                .iter()
                .filter_map(|z| cxsched_core::zone::resolve(z).ok())
                .map(|r| r.zone.canonical)
                .collect();
            Some((
                ActiveBlackout {
                    first,
                    last,
                    index: i as u16,
                },
                BlackoutScope { blackout: b, zones },
            ))
        })
        .collect();
    out.sort_by_key(|(a, _)| (a.first, a.index));
    out
}

/// Puts a pass's rules in pack order and numbers them: the order of their findings within
/// a target's part of a report (by rule, then window, code and first date).
fn rank(rules: &mut [ActiveRule]) {
    rules.sort_by_key(|r| r.index);
    for (i, r) in rules.iter_mut().enumerate() {
        r.rank = i as u16;
    }
}

/// What every target's part of a check of one schedule shares.
struct Common<'a> {
    schedule: &'a Schedule,
    by_day: &'a ByDay,
    exact: &'a [((DayNumber, usize), campaign::Exact)],
    exact_days: &'a [DayNumber],
}

impl<'a> Common<'a> {
    /// The part of a target with the pair plan `plan`, the occurrences on its special dates
    /// `special`, its zone's stretches and the rules `rules`.
    fn cx<'b>(
        &self,
        plan: &'b PairPlan,
        special: &'b [SpecialOccurrence],
        stretches: &'b [Stretch],
        rules: &'b [ActiveRule],
    ) -> TargetCx<'b>
    where
        'a: 'b,
    {
        TargetCx {
            schedule: self.schedule,
            by_day: self.by_day,
            plan,
            exact: self.exact,
            exact_days: self.exact_days,
            special,
            stretches,
            rules,
        }
    }
}

/// The windows of a schedule by campaign weekday, each day's in index order: one list cut
/// by day (a schedule is checked per document, so this is made for every document).
pub(super) struct ByDay {
    order: Vec<usize>,
    /// Where each weekday's windows start in `order` (Monday = 0), and the end.
    starts: [usize; 8],
}

impl ByDay {
    fn new(schedule: &Schedule) -> ByDay {
        let day = |w: &cxsched_core::TimeWindow| w.day.to_monday_zero_offset() as usize;
        let mut starts = [0usize; 8];
        for w in &schedule.windows {
            starts[day(w) + 1] += 1;
        }
        for d in 1..8 {
            starts[d] += starts[d - 1];
        }
        let mut next = starts;
        let mut order = vec![0; schedule.windows.len()];
        for (i, w) in schedule.windows.iter().enumerate() {
            order[next[day(w)]] = i;
            next[day(w)] += 1;
        }
        ByDay { order, starts }
    }

    /// The windows on weekday `wd` (Monday = 0).
    pub(super) fn of(&self, wd: u8) -> &[usize] {
        let wd = usize::from(wd);
        &self.order[self.starts[wd]..self.starts[wd + 1]]
    }
}

/// One target zone's shared part of a check.
struct ZonePass<'a> {
    name: &'a str,
    plan: Arc<PairPlan>,
    special: Vec<SpecialOccurrence>,
    stretches: Vec<Stretch>,
    /// Its federal findings' range of the report's store (target unset).
    shared: (usize, usize),
}
