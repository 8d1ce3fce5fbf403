//! The campaign side of a check: DST effects of the campaign zone on its own windows
//! (`DST_GAP`, `DST_FOLD`, `DST_VOID_OCCURRENCE`), reported once per schedule, and the exact
//! instants of the occurrences on the dates next to its transitions.

use cxsched_core::expand::resolve;
use cxsched_core::{Dst, Schedule, TimeWindow};

use super::spans::{Key, Seg, Spans};
use super::{ByDay, Code, Detail, RawFinding};
use crate::days::{DAY_SECONDS, DayNumber, date_of, weekday_index};
use crate::rules::Severity;
use crate::timeline::Timeline;

/// An occurrence resolved exactly (on a date next to a campaign-zone transition).
#[derive(Clone, Copy)]
pub(super) struct Exact {
    pub(super) start: i64,
    pub(super) end: i64,
}

/// DST findings of the campaign zone, and the exact occurrences of its special dates.
pub(super) fn campaign_side(
    schedule: &Schedule,
    timeline: &Timeline,
    by_day: &ByDay,
    special: &[DayNumber],
    out: &mut Vec<RawFinding>,
) -> Vec<((DayNumber, usize), Exact)> {
    let mut exact = Vec::new();
    let mut spans = Spans::new(schedule.windows.len(), u16::MAX);
    spans.begin(1);
    for &d in special {
        for &wi in by_day.of(weekday_index(d)) {
            let w = &schedule.windows[wi];
            if let Some(steady) = away_from_transitions(timeline, d, w) {
                // No DST effect: nothing to report, only the instants to remember.
                exact.push(((d, wi), steady));
                continue;
            }
            let occ = resolve(schedule.timezone.tz, date_of(d), wi, w);
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
                0,
                Key {
                    code,
                    rule: u16::MAX,
                    window: wi as u16,
                    detail: Detail::None,
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
    // In (window, code, first date) order, as the spans come out.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::days::day_number;
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
                    zone.tz,
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
                            let occ = resolve(zone.tz, date_of(d), 0, &window);
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
