//! Judging one target: the occurrences of each window read in the target's local time and
//! judged by each applicable rule, run by run of the pair plan (`OUTSIDE_LEGAL_HOURS`,
//! `PROHIBITED_DAY`), and each holiday date of a rule's calendar against the occurrences
//! that could reach it (`HOLIDAY`).

use cxsched_core::Schedule;

use super::campaign::Exact;
use super::horizon::{Horizon, PairPlan};
use super::spans::{Key, Seg, Spans};
use super::{Code, Detail};
use crate::days::{DAY_SECONDS, DayNumber, day_number, next_on_or_after, weekday_index};
use crate::rules::{DayRule, Rule, Severity};

/// An occurrence on a date next to a transition, in the target zone's local time.
pub(super) struct SpecialOccurrence {
    pub(super) day: DayNumber,
    pub(super) window: usize,
    pub(super) local: Local,
}

/// What the check reads of a rule that applies, copied side by side for the hot loops.
pub(super) struct ActiveRule {
    /// Index into the pack's rules.
    pub(super) index: u16,
    pub(super) severity: Severity,
    pub(super) days: [DayRule; 7],
    pub(super) holidays: Option<usize>,
    /// The version's dates `[from, to)` (recipient-local), unbounded ends as the extremes.
    pub(super) from: DayNumber,
    pub(super) to: DayNumber,
}

impl ActiveRule {
    pub(super) fn new(index: u16, rule: &Rule) -> ActiveRule {
        ActiveRule {
            index,
            severity: rule.severity,
            days: rule.days,
            holidays: rule.holidays,
            from: rule.effective_from.map_or(DayNumber::MIN, day_number),
            to: rule.effective_to.map_or(DayNumber::MAX, day_number),
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
    pub(super) by_day: &'a [Vec<usize>; 7],
    pub(super) plan: &'a PairPlan,
    /// Sorted by (date, window).
    pub(super) exact: &'a [((DayNumber, usize), Exact)],
    /// The occurrences on the plan's special dates, in (date, window) order.
    pub(super) special: &'a [SpecialOccurrence],
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
    pub(super) fn special_occurrences(&self) -> Vec<SpecialOccurrence> {
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

    pub(super) fn hours_and_days(&self, h: &Horizon, spans: &mut Spans) {
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
        let sd = l.rs.div_euclid(DAY_SECONDS);
        let ed = (l.re - 1).div_euclid(DAY_SECONDS);
        for rule in self.rules {
            let ri = rule.index;
            // Only the occurrences in the version's dates; a change of version inside a run
            // cuts it like a transition would (the cost stays per run).
            let (first, last, count, moved) =
                if rule.from == DayNumber::MIN && rule.to == DayNumber::MAX {
                    (first, last, count, 0)
                } else {
                    let Some((a, b)) = rule.clip(first, last, sd) else {
                        continue;
                    };
                    (
                        a,
                        b,
                        ((b - a) / 7 + 1) as u32,
                        i64::from(a - first) * DAY_SECONDS,
                    )
                };
            let seg = |severity| Seg {
                severity,
                first,
                last,
                count,
                start_ts: l.start_ts + moved,
                end_ts: l.end_ts + moved,
                start_offset: l.start_offset,
                end_offset: l.end_offset,
            };
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
                    detail: Detail::None,
                    local: (l.rs, l.re),
                };
                spans.push(key, seg(rule.severity));
            }
            if let Some(wd) = prohibited {
                let key = Key {
                    code: Code::ProhibitedDay,
                    rule: ri,
                    window: wi as u16,
                    detail: Detail::Weekday(wd),
                    local: (0, 0),
                };
                spans.push(key, seg(rule.severity));
            }
        }
    }

    /// Blackouts: every occurrence that reaches a blacked-out local date of one of
    /// `blackouts` (sorted by first date), named by the first such blackout in the check's
    /// list, so overlapping blackouts give one finding per occurrence.
    pub(super) fn blackouts(&self, h: &Horizon, blackouts: &[ActiveBlackout], spans: &mut Spans) {
        let mut hits: Vec<(DayNumber, usize, u16, Local)> = Vec::new();
        for b in blackouts {
            let (lo, hi) = ((b.first - 2).max(h.first), (b.last + 2).min(h.last));
            for d in lo..=hi {
                for &wi in &self.by_day[weekday_index(d) as usize] {
                    let Some(l) = self.local(d, wi) else { continue };
                    let s = d + l.rs.div_euclid(DAY_SECONDS) as DayNumber;
                    let e = d + (l.re - 1).div_euclid(DAY_SECONDS) as DayNumber;
                    if s <= b.last && e >= b.first {
                        hits.push((d, wi, b.index, l));
                    }
                }
            }
        }
        hits.sort_unstable_by_key(|h| (h.0, h.1, h.2));
        hits.dedup_by_key(|h| (h.0, h.1));
        for (d, wi, bi, l) in hits {
            spans.push(
                Key {
                    code: Code::Blackout,
                    rule: u16::MAX,
                    window: wi as u16,
                    detail: Detail::Blackout(bi),
                    local: (0, 0),
                },
                Seg {
                    severity: Severity::Error,
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
