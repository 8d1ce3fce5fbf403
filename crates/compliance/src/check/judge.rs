//! Judging one target: the occurrences of each window read in the target's local time and
//! judged by each applicable rule, run by run of the pair plan (`OUTSIDE_LEGAL_HOURS`,
//! `PROHIBITED_DAY`), and each holiday date of a rule's calendar against the occurrences
//! that could reach it (`HOLIDAY`).

use cxsched_core::{Schedule, TimeWindow};

use super::campaign::Exact;
use super::horizon::{Horizon, PairPlan};
use super::spans::{Key, Seg, Spans};
use super::{ByDay, Code, Detail, RawFinding};
use crate::days::{DAY_SECONDS, DayNumber, day_number, next_on_or_after, weekday_index};
use crate::rules::{DayRule, Rule, Severity};

/// An occurrence on a date next to a transition, in the target zone's local time.
pub(super) struct SpecialOccurrence {
    pub(super) day: DayNumber,
    pub(super) window: usize,
    pub(super) local: Local,
}

/// Weekly occurrences of one window, `first, first + 7, …, last`, all with the same local
/// times relative to their campaign dates: a steady stretch of the window in a target zone.
/// Their verdicts are the same for every rule (a version's dates aside), so a stretch is
/// judged once per rule: a zone's stretches are found once per schedule and read by every
/// pass over the zone.
#[derive(Clone, Copy)]
pub(super) struct Stretch {
    pub(super) window: u16,
    pub(super) first: DayNumber,
    pub(super) last: DayNumber,
    pub(super) count: u32,
    /// The first occurrence.
    pub(super) local: Local,
    /// The local dates an occurrence touches, as days from its campaign date: the first,
    /// and each one's weekday and part `[lo, hi)` (local seconds of that date). An
    /// occurrence is shorter than a day plus an offset change, so it touches at most three.
    shift: DayNumber,
    pieces: [(u8, i32, i32); 3],
    touched: u8,
}

impl Stretch {
    fn new(window: usize, first: DayNumber, last: DayNumber, count: u32, local: Local) -> Stretch {
        let sd = local.rs.div_euclid(DAY_SECONDS);
        let ed = (local.re - 1).div_euclid(DAY_SECONDS);
        debug_assert!(
            ed - sd < 3,
            "an occurrence touches at most three local dates"
        );
        let mut pieces = [(0, 0, 0); 3];
        let mut wd = weekday_index(first + sd as DayNumber);
        for (n, k) in (sd..=ed.min(sd + 2)).enumerate() {
            let lo = local.rs.max(k * DAY_SECONDS) - k * DAY_SECONDS;
            let hi = local.re.min((k + 1) * DAY_SECONDS) - k * DAY_SECONDS;
            pieces[n] = (wd, lo as i32, hi as i32);
            wd = if wd == 6 { 0 } else { wd + 1 };
        }
        Stretch {
            window: window as u16,
            first,
            last,
            count,
            local,
            shift: sd as DayNumber,
            pieces,
            touched: (ed.min(sd + 2) - sd + 1) as u8,
        }
    }
}

/// What the check reads of a rule that applies, copied side by side for the hot loops.
#[derive(Clone)]
pub(super) struct ActiveRule {
    /// Index into the pack's rules.
    pub(super) index: u16,
    /// Its place among the rules of its pass, in pack order (the report's order).
    pub(super) rank: u16,
    pub(super) severity: Severity,
    pub(super) days: [DayRule; 7],
    pub(super) holidays: Option<usize>,
    /// The version's dates `[from, to)` (recipient-local), unbounded ends as the extremes.
    pub(super) from: DayNumber,
    pub(super) to: DayNumber,
    /// Campaign dates `[a, b)` outside of which no occurrence can fall in the version's
    /// dates, and `[c, d)` inside of which every occurrence does: an occurrence starts
    /// within two days of its campaign date (window and offsets), and a week of margin
    /// keeps this plain.
    reach: (DayNumber, DayNumber),
    hold: (DayNumber, DayNumber),
}

impl ActiveRule {
    pub(super) fn new(index: u16, rule: &Rule) -> ActiveRule {
        let from = rule.effective_from.map_or(DayNumber::MIN, day_number);
        let to = rule.effective_to.map_or(DayNumber::MAX, day_number);
        ActiveRule {
            index,
            rank: 0,
            severity: rule.severity,
            days: rule.days,
            holidays: rule.holidays,
            from,
            to,
            reach: (from.saturating_sub(7), to.saturating_add(7)),
            hold: (from.saturating_add(7), to.saturating_sub(7)),
        }
    }

    /// The occurrences of `first, first + 7, …, last` whose local start date (campaign date
    /// plus `shift`) is in the version's dates: the first, the last and how many, or `None`.
    fn clip(
        &self,
        first: DayNumber,
        last: DayNumber,
        shift: i64,
    ) -> Option<(DayNumber, DayNumber)> {
        let shift = shift as DayNumber;
        let lo = self.from.saturating_sub(shift);
        let hi = self.to.saturating_sub(shift).saturating_sub(1);
        let a = if first >= lo {
            first
        } else {
            first + (lo - first + 6) / 7 * 7
        };
        let b = if last <= hi {
            last
        } else {
            last - (last - hi + 6) / 7 * 7
        };
        (a <= b).then_some((a, b))
    }
}

/// One blackout as the check reads it: recipient-local dates `[first, last]` and its index
/// in the check's list.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct ActiveBlackout {
    pub(super) first: DayNumber,
    pub(super) last: DayNumber,
    pub(super) index: u16,
}

/// A target's part of a check.
pub(super) struct TargetCx<'a> {
    pub(super) schedule: &'a Schedule,
    pub(super) by_day: &'a ByDay,
    pub(super) plan: &'a PairPlan,
    /// Sorted by (date, window).
    pub(super) exact: &'a [((DayNumber, usize), Exact)],
    /// The dates `exact` covers (the campaign zone's special dates), sorted: a few, so
    /// looking a date up here first spares most lookups in `exact`.
    pub(super) exact_days: &'a [DayNumber],
    /// The occurrences on the plan's special dates, in (date, window) order.
    pub(super) special: &'a [SpecialOccurrence],
    /// The zone's stretches ([`TargetCx::stretches`]); each window's in date order.
    pub(super) stretches: &'a [Stretch],
    pub(super) rules: &'a [ActiveRule],
}

/// An occurrence in the target's local time: instants, offsets, and local seconds relative
/// to the campaign date's midnight (so `[0, 86400)` is the same local date).
#[derive(Clone, Copy)]
pub(super) struct Local {
    pub(super) start_ts: i64,
    pub(super) end_ts: i64,
    pub(super) start_offset: i32,
    pub(super) end_offset: i32,
    pub(super) rs: i64,
    pub(super) re: i64,
}

impl Local {
    /// The occurrence of `w` on campaign date `d` of a steady run, with the campaign offset
    /// `oc` and the target offset `or` throughout.
    fn steady(d: DayNumber, w: &TimeWindow, oc: i32, or: i32) -> Local {
        let base = i64::from(d) * DAY_SECONDS;
        let (s, e) = (i64::from(w.start.seconds()), i64::from(w.end.seconds()));
        let delta = i64::from(or - oc);
        Local {
            start_ts: base + s - i64::from(oc),
            end_ts: base + e - i64::from(oc),
            start_offset: or,
            end_offset: or,
            rs: s + delta,
            re: e + delta,
        }
    }
}

impl TargetCx<'_> {
    /// The occurrence of window `wi` on campaign date `d`, in the target's local time;
    /// `None` when it does not happen.
    fn local(&self, d: DayNumber, wi: usize) -> Option<Local> {
        let w = &self.schedule.windows[wi];
        let base = i64::from(d) * DAY_SECONDS;
        // On a date of a steady run the run's offsets hold for every occurrence (what the
        // stretches read); only the special dates are looked up.
        let runs = &self.plan.runs;
        if let Some(&(a, _, oc, or)) = runs.get(runs.partition_point(|r| r.1 < d))
            && a <= d
        {
            return Some(Local::steady(d, w, oc, or));
        }
        let found = match self.exact_days.binary_search(&d) {
            Ok(_) => self.exact.binary_search_by_key(&(d, wi), |e| e.0).ok(),
            Err(_) => None,
        };
        let (start_ts, end_ts) = match found {
            Some(i) => (self.exact[i].1.start, self.exact[i].1.end),
            None => {
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
    pub(super) fn special_occurrences(&self) -> Vec<SpecialOccurrence> {
        let mut out = Vec::new();
        for &d in &self.plan.special {
            for &wi in self.by_day.of(weekday_index(d)) {
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

    /// Every occurrence of the horizon in the target zone, as stretches: the runs of the
    /// pair plan (where both offsets are fixed) and the occurrences on its special dates,
    /// joined where a window's local times stay the same from one week to the next (on
    /// both sides of a transition when the two zones move together, say). A void
    /// occurrence ends a stretch.
    pub(super) fn stretches(&self, h: &Horizon) -> Vec<Stretch> {
        // About a stretch per window and transition.
        let mut out = Vec::with_capacity(self.schedule.windows.len() * self.plan.runs.len());
        let mut open: Vec<Option<Stretch>> = vec![None; self.schedule.windows.len()];
        let mut add = |wi: usize, first: DayNumber, last: DayNumber, count: u32, l: Local| {
            let at = &mut open[wi];
            match at {
                Some(o) if o.last + 7 == first && (o.local.rs, o.local.re) == (l.rs, l.re) => {
                    o.last = last;
                    o.count += count;
                }
                _ => out.extend(at.replace(Stretch::new(wi, first, last, count, l))),
            }
        };
        let mut special = self.special.iter().peekable();
        for &(a, b, oc, or) in &self.plan.runs {
            while let Some(o) = special.next_if(|o| o.day <= a) {
                add(o.window, o.day, o.day, 1, o.local);
            }
            for (wi, w) in self.schedule.windows.iter().enumerate() {
                let first = next_on_or_after(a, w.day.to_monday_zero_offset() as u8);
                if first > b {
                    continue;
                }
                let weeks = (b - first) / 7;
                let l = Local::steady(first, w, oc, or);
                add(wi, first, first + weeks * 7, weeks as u32 + 1, l);
            }
        }
        for o in special.filter(|o| o.day <= h.last) {
            add(o.window, o.day, o.day, 1, o.local);
        }
        out.extend(open.into_iter().flatten());
        out
    }

    /// Hours and prohibited weekdays: each stretch judged by the rules whose versions can
    /// reach it.
    pub(super) fn hours_and_days(&self, spans: &mut Spans) {
        for st in self.stretches {
            for rule in self.rules {
                let (a, b) = (st.first, st.last);
                if b < rule.reach.0 || a >= rule.reach.1 {
                    continue; // most stretches lie in one version's dates: not this one's
                }
                self.judge(rule, st, spans);
            }
        }
    }

    /// Judges the stretch `st` by `rule`: hours and prohibited weekdays.
    fn judge(&self, rule: &ActiveRule, st: &Stretch, spans: &mut Spans) {
        let (first, last, count) = if st.first >= rule.hold.0 && st.last < rule.hold.1 {
            (st.first, st.last, st.count)
        } else {
            // Only the occurrences in the version's dates; a change of version inside a
            // stretch cuts it like a transition would (the cost stays per stretch).
            let Some((a, b)) = rule.clip(st.first, st.last, i64::from(st.shift)) else {
                return;
            };
            (a, b, ((b - a) / 7 + 1) as u32)
        };
        // A version's part of the stretch starts a whole number of weeks in: the weekdays
        // are the stretch's.
        let mut outside = false;
        let mut prohibited = None;
        for &(wd, lo, hi) in &st.pieces[..usize::from(st.touched)] {
            match rule.days[wd as usize] {
                DayRule::Prohibited => {
                    prohibited.get_or_insert(wd);
                }
                DayRule::Allowed { open, close } => {
                    if lo < open as i32 || hi > close as i32 {
                        outside = true;
                    }
                }
            }
        }
        if !outside && prohibited.is_none() {
            return;
        }
        // The first occurrence judged: the stretch's, or one inside it where a version
        // starts (the same local times; its own instants and offsets).
        let wi = usize::from(st.window);
        let at = if first == st.first {
            st.local
        } else {
            self.local(first, wi)
                .expect("an occurrence inside a stretch happens")
        };
        let seg = || Seg {
            severity: rule.severity,
            first,
            last,
            count,
            start_ts: at.start_ts,
            end_ts: at.end_ts,
            start_offset: at.start_offset,
            end_offset: at.end_offset,
        };
        if outside {
            let key = Key {
                code: Code::OutsideLegalHours,
                rule: rule.index,
                window: st.window,
                detail: Detail::None,
                local: (st.local.rs, st.local.re),
            };
            spans.push(rule.rank, key, seg());
        }
        if let Some(wd) = prohibited {
            let key = Key {
                code: Code::ProhibitedDay,
                rule: rule.index,
                window: st.window,
                detail: Detail::Weekday(wd),
                local: (0, 0),
            };
            spans.push(rule.rank, key, seg());
        }
    }

    /// Bounds `(lo, hi)` on the local dates of every occurrence of the check, as days from
    /// its campaign date: each starts on its date plus at least `lo` and ends on its date
    /// plus at most `hi`. Away from the campaign zone's special dates an occurrence's local
    /// times are its window's plus a recipient offset minus a campaign offset, so the
    /// extremes of both zones' offsets bound them; on those dates (where a gap can move an
    /// occurrence) the occurrences are taken as resolved.
    pub(super) fn local_date_shifts(&self) -> (DayNumber, DayNumber) {
        let range = |t: &crate::timeline::Timeline| {
            let all = std::iter::once(t.initial).chain(t.transitions.iter().map(|x| x.1));
            all.fold((i32::MAX, i32::MIN), |(a, b), o| (a.min(o), b.max(o)))
        };
        let (cmin, cmax) = range(&self.plan.campaign);
        let (rmin, rmax) = range(&self.plan.recipient);
        let windows = &self.schedule.windows;
        let start = windows.iter().map(|w| w.start.seconds()).min().unwrap_or(0);
        let end = windows.iter().map(|w| w.end.seconds()).max().unwrap_or(0);
        let mut lo = (i64::from(start) + i64::from(rmin) - i64::from(cmax)).div_euclid(DAY_SECONDS);
        let mut hi =
            (i64::from(end) - 1 + i64::from(rmax) - i64::from(cmin)).div_euclid(DAY_SECONDS);
        for o in self.special {
            lo = lo.min(o.local.rs.div_euclid(DAY_SECONDS));
            hi = hi.max((o.local.re - 1).div_euclid(DAY_SECONDS));
        }
        (lo as DayNumber, hi as DayNumber)
    }

    /// The occurrences that reach a blacked-out local date of any of `blackouts` (each with
    /// its position among the check's active ones, in order of first date), sorted by
    /// (window, date, blackout index). They depend only on the target zone, so a check
    /// finds them once per zone, and [`blackout_findings`] picks from them for each set of
    /// blackouts a target is under.
    ///
    /// `shifts` are [`TargetCx::local_date_shifts`]: only the campaign dates they allow are
    /// looked at. Each occurrence is resolved once however many blackouts it is near, and
    /// comes out in (date, window, index) order, so a stable pass by window sorts them.
    pub(super) fn blackout_hits(
        &self,
        h: &Horizon,
        blackouts: impl Iterator<Item = (u16, ActiveBlackout)>,
        shifts: (DayNumber, DayNumber),
    ) -> Vec<BlackoutHit> {
        // Each blackout's campaign dates: in order of `lo`, since the blackouts come in
        // order of first date.
        let near: Vec<(DayNumber, DayNumber, u16, ActiveBlackout)> = blackouts
            .map(|(p, b)| {
                let lo = (b.first - 2).max(b.first - shifts.1).max(h.first);
                let hi = (b.last + 2).min(b.last - shifts.0).min(h.last);
                (lo, hi, p, b)
            })
            .filter(|n| n.0 <= n.1)
            .collect();
        let mut by_date = Vec::new();
        // The blackouts whose dates include `d`, by index.
        let mut active: Vec<(DayNumber, DayNumber, u16, ActiveBlackout)> = Vec::new();
        let mut next = 0;
        let mut d = near.first().map_or(DayNumber::MAX, |n| n.0);
        while d != DayNumber::MAX {
            active.retain(|n| n.1 >= d);
            while let Some(&n) = near.get(next).filter(|n| n.0 <= d) {
                let at = active.partition_point(|a| a.3.index < n.3.index);
                active.insert(at, n);
                next += 1;
            }
            for &wi in self.by_day.of(weekday_index(d)) {
                let Some(local) = self.local(d, wi) else {
                    continue;
                };
                let s = d + local.rs.div_euclid(DAY_SECONDS) as DayNumber;
                let e = d + (local.re - 1).div_euclid(DAY_SECONDS) as DayNumber;
                for &(_, _, position, b) in &active {
                    if s <= b.last && e >= b.first {
                        by_date.push(BlackoutHit {
                            window: wi as u16,
                            day: d,
                            index: b.index,
                            position,
                            local,
                        });
                    }
                }
            }
            // The next date some blackout is near.
            let upcoming = near.get(next).map_or(DayNumber::MAX, |n| n.0);
            d = if active.iter().any(|n| n.1 > d) {
                d + 1
            } else {
                upcoming
            };
        }
        // Stable by window: a window occurs on one weekday, so its hits stay in date order.
        let mut starts = vec![0usize; self.schedule.windows.len() + 1];
        for hit in &by_date {
            starts[usize::from(hit.window) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut out = by_date.clone();
        for hit in by_date {
            let at = &mut starts[usize::from(hit.window)];
            out[*at] = hit;
            *at += 1;
        }
        out
    }

    /// Holidays: each holiday date of each rule's calendar, against the occurrences that
    /// could reach it (campaign dates one day either side).
    pub(super) fn holidays(&self, h: &Horizon, spans: &mut Spans) {
        for rule in self.rules {
            let ri = rule.index;
            let Some(cal) = rule.holidays else { continue };
            let days = &h.holidays[cal];
            // One HOLIDAY finding per occurrence and rule: remember what was reported.
            let mut reported: Vec<(DayNumber, usize)> = Vec::new();
            for hd in days {
                // An occurrence reaching the holiday starts (local date) within a few days
                // of it (a day either side, offsets, a gap as long as Samoa's whole day):
                // holidays a week outside the version's dates need no look.
                if hd.day < rule.reach.0 || hd.day >= rule.reach.1 {
                    continue;
                }
                for d in hd.day - 1..=hd.day + 1 {
                    if d < h.first || d > h.last {
                        continue;
                    }
                    for &wi in self.by_day.of(weekday_index(d)) {
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
                        let start = d + l.rs.div_euclid(DAY_SECONDS) as DayNumber;
                        if start < rule.from || start >= rule.to {
                            continue;
                        }
                        let k = i64::from(hd.day - d);
                        if l.rs < (k + 1) * DAY_SECONDS && l.re > k * DAY_SECONDS {
                            reported.push((d, wi));
                            let key = Key {
                                code: Code::Holiday,
                                rule: ri,
                                window: wi as u16,
                                detail: Detail::Holiday {
                                    calendar: cal as u16,
                                    holiday: hd.holiday as u16,
                                    observed: hd.observed,
                                },
                                local: (0, 0),
                            };
                            spans.push(
                                rule.rank,
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

/// An occurrence reaching a blacked-out local date.
#[derive(Clone, Copy)]
pub(super) struct BlackoutHit {
    pub(super) window: u16,
    pub(super) day: DayNumber,
    /// The blackout's index in the check's list, and its position among the active ones.
    pub(super) index: u16,
    pub(super) position: u16,
    pub(super) local: Local,
}

/// `BLACKOUT` findings (target and rule unset) for a target under the blackouts whose
/// positions `under` marks (a bit set), from a zone's `hits` sorted by (window, date, index): every
/// occurrence that reaches a blacked-out local date, named by the first such blackout in
/// the check's list (so overlapping blackouts give one finding per occurrence), weekly
/// occurrences of a window under the same blackout joined into one span; in (window, first
/// date) order. One pass, no sort: the zone's sort serves every target in it.
pub(super) fn blackout_findings(hits: &[BlackoutHit], under: &[u64], out: &mut Vec<RawFinding>) {
    let start = out.len();
    let mut named: Option<(u16, DayNumber)> = None;
    let marked = |p: u16| under[usize::from(p / 64)] >> (p % 64) & 1 == 1;
    for h in hits.iter().filter(|h| marked(h.position)) {
        if named == Some((h.window, h.day)) {
            continue; // an earlier blackout of the list names this occurrence
        }
        named = Some((h.window, h.day));
        // A window occurs once a week, so the span to grow can only be the last one made,
        // when it is the same window under the same blackout a week before.
        if let Some(f) = out[start..].last_mut()
            && f.window == Some(h.window)
            && f.detail == Detail::Blackout(h.index)
            && f.last + 7 == h.day
        {
            f.last = h.day;
            f.occurrences += 1;
            continue;
        }
        let l = &h.local;
        out.push(RawFinding {
            code: Code::Blackout,
            severity: Severity::Error,
            rule: None,
            window: Some(h.window),
            target: None,
            first: h.day,
            last: h.day,
            occurrences: 1,
            start_ts: l.start_ts,
            end_ts: l.end_ts,
            start_offset: l.start_offset,
            end_offset: l.end_offset,
            detail: Detail::Blackout(h.index),
        });
    }
}
