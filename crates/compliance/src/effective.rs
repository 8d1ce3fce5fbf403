//! Effective dialing where the dialer keeps per-zone curfews (CXone, CONTRACT §7): one
//! judgement for `check --platform cxone` and the apply gate.
//!
//! A Personal Connection skill dials a number only inside both its weekly window and the
//! curfew of the number's zone. Hours a curfew removes are therefore never dialled, and the
//! check's `OUTSIDE_LEGAL_HOURS` findings in a zone that has a curfew are not findings of
//! what will really happen: [`meets`] leaves them out. That is sound because a curfew is the
//! latest opening and earliest closing of every rule that may apply in its zone on every
//! dialing weekday (see [`crate::curfew`]; its property test holds every cut occurrence
//! legal on every date). What a curfew cannot express stays: a weekday a state bans
//! (`PROHIBITED_DAY`), holidays, DST findings — and every finding in a zone left without a
//! curfew (no single window fits its dialing days).

use cxsched_core::{Date, Purpose, Schedule, occurrences};

use crate::check::{Code, RawFinding};
use crate::curfew::{Curfews, compile_for_schedule, cut};
use crate::recipients::Target;
use crate::rules::RulePack;

/// How much a curfew trims one window, on the window's first occurrence in the horizon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trim {
    /// Index into `timeWindows`.
    pub window: usize,
    /// The campaign-local date of the occurrence measured.
    pub date: Date,
    /// Seconds of the occurrence the curfew removes, of its length.
    pub removed_secs: i64,
    pub of_secs: i64,
}

/// The curfews of a schedule's recipients and what each does to each window.
#[derive(Clone, Debug)]
pub struct Effective {
    pub curfews: Curfews,
    /// Per curfew (same order as `curfews.curfews`), the trim of every window it reaches.
    pub trims: Vec<Vec<Trim>>,
}

impl Effective {
    /// Per target (by index): whether a curfew covers its zone, so that effective dialing
    /// never meets its hours findings.
    pub fn curfewed(&self, targets: &[Target]) -> Vec<bool> {
        targets
            .iter()
            .map(|t| self.curfews.curfews.iter().any(|c| c.zone == t.zone))
            .collect()
    }
}

/// Whether effective dialing still meets `f`, a finding of the check for the same targets
/// and horizon (`curfewed` from [`Effective::curfewed`]): all but the hours findings in a
/// zone with a curfew.
pub fn meets(f: &RawFinding, curfewed: &[bool]) -> bool {
    f.code != Code::OutsideLegalHours
        || !f
            .target
            .is_some_and(|t| curfewed.get(usize::from(t)).copied().unwrap_or(false))
}

/// Compiles the curfews of `targets` for `schedule` and what each does to each window.
pub fn judge(
    pack: &RulePack,
    purpose: Purpose,
    targets: &[Target],
    schedule: &Schedule,
    from: Date,
    days: u32,
) -> Effective {
    let curfews = compile_for_schedule(pack, purpose, targets, schedule, from, days);
    let mut firsts: Vec<Option<cxsched_core::Occurrence>> = vec![None; schedule.windows.len()];
    for o in occurrences(schedule, from, days) {
        if !o.is_void() && firsts[o.window].is_none() {
            firsts[o.window] = Some(o);
        }
        if firsts.iter().all(Option::is_some) {
            break;
        }
    }
    let trims = curfews
        .curfews
        .iter()
        .map(|c| {
            firsts
                .iter()
                .flatten()
                .map(|o| {
                    let of = o.end.as_second() - o.start.as_second();
                    let kept: i64 = cut(o, c)
                        .iter()
                        .map(|i| i.end.as_second() - i.start.as_second())
                        .sum();
                    Trim {
                        window: o.window,
                        date: o.date,
                        removed_secs: of - kept,
                        of_secs: of,
                    }
                })
                .collect()
        })
        .collect();
    Effective { curfews, trims }
}

/// `1h30`, `45m`, `0m`: a duration for reports.
pub fn duration_text(secs: i64) -> String {
    let m = secs.max(0) / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipients::{AreaCodeTable, RecipientInput, resolve};
    use crate::report::{Context, finding};
    use crate::{Horizon, check};
    use cxsched_core::{Format, parse_document};
    use jiff::civil::date;

    #[test]
    fn curfews_take_away_the_hours_findings_in_their_zones_and_keep_banned_days() {
        let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
          "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
          "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"08:00:00","endTime":"20:30:00"},
                         {"dayOfWeek":"SUNDAY","startTime":"13:00:00","endTime":"16:00:00"}]}"#;
        let schedule = parse_document(doc, Format::Json).schedule.unwrap();
        let pack = RulePack::embedded_us();
        let states = ["TX".to_owned(), "UT".to_owned()];
        let input = RecipientInput {
            states: &states,
            ..RecipientInput::default()
        };
        let targets = resolve(&input, &schedule.timezone, AreaCodeTable::embedded)
            .unwrap()
            .targets;
        let (from, days) = (date(2027, 1, 4), 60);
        let horizon = Horizon::new(&pack, from, days);
        let report = check(&pack, &horizon, &schedule, Purpose::Telemarketing, &targets);
        assert!(report.findings().any(|f| f.code == Code::OutsideLegalHours));
        let effective = judge(
            &pack,
            Purpose::Telemarketing,
            &targets,
            &schedule,
            from,
            days,
        );
        let curfewed = effective.curfewed(&targets);
        let cx = Context::of(&report, &pack, &schedule, &targets);
        let kept: Vec<_> = report
            .findings()
            .filter(|f| meets(f, &curfewed))
            .map(|f| finding(&f, cx))
            .collect();
        assert!(!effective.curfews.curfews.is_empty());
        assert!(
            kept.iter().all(|f| f.code != "OUTSIDE_LEGAL_HOURS"),
            "{kept:?}"
        );
        assert!(
            kept.iter()
                .any(|f| f.code == "PROHIBITED_DAY" && f.state.as_deref() == Some("UT")),
            "Utah's Sunday ban stays: {kept:?}"
        );
        let chicago = effective
            .curfews
            .curfews
            .iter()
            .position(|c| c.zone.canonical == "America/Chicago")
            .unwrap();
        let monday = &effective.trims[chicago][0];
        assert_eq!(monday.window, 0);
        assert!(monday.removed_secs > 0, "{monday:?}");
        assert_eq!(duration_text(5400), "1h30");
        assert_eq!(duration_text(2700), "45m");
    }
}
