//! The check engine against an independent, naive per-date evaluation: every date of the
//! horizon, every window, every target, every rule, resolved one by one with jiff. The
//! engine's spans must say exactly the same thing.

use std::collections::BTreeSet;

use cxsched_compliance::days::{date_of, day_number};
use cxsched_compliance::recipients::{RecipientInput, resolve};
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{AreaCodeTable, Code, Horizon, RulePack, check_with_blackouts};
use cxsched_core::model::Blackout;
use cxsched_core::{Format, Purpose, Schedule, occurrences, parse_document};
use jiff::civil::{Date, date};
use proptest::prelude::*;

fn schedule(zone: &str, windows: &[(&str, u32, u32)]) -> Schedule {
    let ws: Vec<String> = windows
        .iter()
        .map(|(d, s, e)| {
            format!(
                r#"{{"dayOfWeek":"{d}","startTime":"{:02}:{:02}:00","endTime":"{:02}:{:02}:00"}}"#,
                s / 60,
                s % 60,
                e / 60,
                e % 60
            )
        })
        .collect();
    let text = format!(
        r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{zone}","businessHoursDirective":"STRICT","maxConcurrentCalls":5,"timeWindows":[{}]}}"#,
        ws.join(",")
    );
    let v = parse_document(&text, Format::Json);
    *v.schedule.unwrap_or_else(|| panic!("{:?}", v.errors))
}

/// The rule index of blackout findings in these sets.
const NO_RULE: usize = usize::MAX;

/// True when the blackout covers the target (no states and zones: everyone; else a state or
/// a zone it names), written out again here.
fn covers(b: &Blackout, t: &cxsched_compliance::Target) -> bool {
    (b.states.is_empty() && b.zones.is_empty())
        || t.state.as_ref().is_some_and(|s| b.states.contains(s))
        || b.zones
            .iter()
            .any(|z| cxsched_core::zone::resolve(z).unwrap().zone.canonical == t.zone.canonical)
}

/// (code, rule, window, target, date) for every offending occurrence, the slow way. A rule
/// version judges the occurrences that start (recipient-local) on a date it is in force; a
/// blackout, every occurrence touching one of its local dates.
fn naive(
    pack: &RulePack,
    s: &Schedule,
    purpose: Purpose,
    targets: &[cxsched_compliance::Target],
    from: Date,
    days: u32,
    blackouts: &[Blackout],
) -> BTreeSet<(Code, usize, usize, usize, Date)> {
    let mut out = BTreeSet::new();
    let first = day_number(from);
    let last = first + days as i32 - 1;
    let holidays: Vec<Vec<_>> = pack
        .calendars
        .iter()
        .map(|c| c.between(first - 1, last + 1))
        .collect();
    for o in occurrences(s, from, days) {
        if o.is_void() {
            continue;
        }
        for (ti, t) in targets.iter().enumerate() {
            let ls = t.zone.tz.to_datetime(o.start);
            let le = t.zone.tz.to_datetime(o.end);
            let last_local = if le.time() == jiff::civil::Time::midnight() {
                le.date().yesterday().unwrap()
            } else {
                le.date()
            };
            for b in blackouts {
                if covers(b, t) && ls.date() <= b.to && last_local >= b.from {
                    out.insert((Code::Blackout, NO_RULE, o.window, ti, o.date));
                }
            }
            for ri in pack.applicable(purpose, t.state.as_deref()) {
                let rule = &pack.rules[ri];
                if !rule.in_force(ls.date()) || !rule.reaches_zone(t.zone.canonical) {
                    continue;
                }
                let mut outside = false;
                let mut prohibited = false;
                let mut d = ls.date();
                // Every local date the occurrence touches (end exclusive).
                let end_date = if le.time() == jiff::civil::Time::midnight() {
                    le.date().yesterday().unwrap()
                } else {
                    le.date()
                };
                loop {
                    let lo = if d == ls.date() {
                        ls.time()
                    } else {
                        jiff::civil::Time::midnight()
                    };
                    let lo = i64::from(lo.hour()) * 3600
                        + i64::from(lo.minute()) * 60
                        + i64::from(lo.second());
                    let hi = if d == le.date() {
                        let t = le.time();
                        i64::from(t.hour()) * 3600
                            + i64::from(t.minute()) * 60
                            + i64::from(t.second())
                    } else {
                        86_400
                    };
                    match rule.day(d.weekday()) {
                        DayRule::Prohibited => prohibited = true,
                        DayRule::Allowed { open, close } => {
                            if lo < i64::from(open) || hi > i64::from(close) {
                                outside = true;
                            }
                        }
                    }
                    if let Some(c) = rule.holidays {
                        if holidays[c].iter().any(|h| date_of(h.day) == d) {
                            out.insert((Code::Holiday, ri, o.window, ti, o.date));
                        }
                    }
                    if d >= end_date {
                        break;
                    }
                    d = d.tomorrow().unwrap();
                }
                if outside {
                    out.insert((Code::OutsideLegalHours, ri, o.window, ti, o.date));
                }
                if prohibited {
                    out.insert((Code::ProhibitedDay, ri, o.window, ti, o.date));
                }
            }
        }
    }
    out
}

fn engine(
    pack: &RulePack,
    s: &Schedule,
    purpose: Purpose,
    targets: &[cxsched_compliance::Target],
    from: Date,
    days: u32,
    blackouts: &[Blackout],
) -> BTreeSet<(Code, usize, usize, usize, Date)> {
    let h = Horizon::new(pack, from, days);
    let report = check_with_blackouts(pack, &h, s, purpose, targets, blackouts);
    let mut out = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for f in report.findings() {
        let Some(ti) = f.target else { continue };
        let (ri, wi) = (
            f.rule.map_or(NO_RULE, usize::from),
            f.window.unwrap() as usize,
        );
        let mut d = f.first;
        let mut n = 0;
        while d <= f.last {
            assert!(
                out.insert((f.code, ri, wi, ti as usize, date_of(d))),
                "overlapping findings at {}",
                date_of(d)
            );
            n += 1;
            d += 7;
        }
        assert_eq!(
            n, f.occurrences,
            "a span's occurrences are its weekly dates"
        );
        assert!(seen.insert((f.code, ri, wi, ti, f.first)));
    }
    out
}

fn targets(
    zones: &[&str],
    states: &[&str],
    campaign: &Schedule,
) -> Vec<cxsched_compliance::Target> {
    let zones: Vec<String> = zones.iter().map(|s| s.to_string()).collect();
    let states: Vec<String> = states.iter().map(|s| s.to_string()).collect();
    let input = RecipientInput {
        zones: &zones,
        states: &states,
        phone_numbers: None,
    };
    resolve(&input, &campaign.timezone, AreaCodeTable::embedded)
        .unwrap()
        .targets
}

#[test]
fn engine_agrees_with_naive_on_worked_cases() {
    let pack = RulePack::embedded_us();
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, u32, u32)>,
        Vec<&'a str>,
        Vec<&'a str>,
    );
    let cases: Vec<Case> = vec![
        (
            "America/New_York",
            vec![("MONDAY", 480, 1260)],
            vec!["America/Phoenix"],
            vec![],
        ),
        (
            "Europe/London",
            vec![("TUESDAY", 0, 120)],
            vec!["America/New_York"],
            vec![],
        ),
        (
            "America/Chicago",
            vec![("SUNDAY", 600, 840), ("SATURDAY", 900, 1140)],
            vec![],
            vec!["TX", "RI", "UT", "LA", "AL", "MS", "PA"],
        ),
        (
            "Australia/Sydney",
            vec![("MONDAY", 0, 300), ("FRIDAY", 1200, 1439)],
            vec!["Pacific/Honolulu", "America/Santiago"],
            vec!["FL", "SD"],
        ),
        (
            "America/Santiago",
            vec![("SUNDAY", 0, 60), ("SATURDAY", 1380, 1439)],
            vec!["Europe/London"],
            vec!["AK"],
        ),
    ];
    for (zone, ws, zs, ss) in cases {
        let s = schedule(zone, &ws);
        let t = targets(&zs, &ss, &s);
        for purpose in Purpose::ALL {
            let from = date(2026, 1, 1);
            assert_eq!(
                engine(&pack, &s, purpose, &t, from, 731, &[]),
                naive(&pack, &s, purpose, &t, from, 731, &[]),
                "{zone} {ws:?}"
            );
        }
    }
}

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "America/Santiago",
    "Asia/Kolkata",
    "America/Puerto_Rico",
];
const DAYS: [&str; 7] = cxsched_core::model::WEEKDAY_NAMES;
const STATES: &[&str] = &[
    "TX", "FL", "RI", "PA", "UT", "LA", "AL", "SD", "KY", "MA", "NY", "AZ", "IN", "CT", "OK", "MD",
    "WA",
];

/// Blackouts from generated (start offset, length, states, zones) tuples.
fn blackouts(base: Date, raw: &[(i32, i32, Vec<usize>, Vec<usize>)]) -> Vec<Blackout> {
    raw.iter()
        .enumerate()
        .map(|(i, (start, len, ss, zs))| Blackout {
            name: format!("b{i}"),
            from: date_of(day_number(base) + start),
            to: date_of(day_number(base) + start + len),
            states: ss.iter().map(|&k| STATES[k].to_string()).collect(),
            zones: zs.iter().map(|&k| ZONES[k].to_string()).collect(),
            source: None,
            reason: None,
        })
        .collect()
}

/// The generated windows, one per weekday (the document rules).
fn windows_of(windows: Vec<(usize, u32, u32)>) -> Vec<(&'static str, u32, u32)> {
    let mut used = [false; 7];
    windows
        .into_iter()
        .filter(|(d, _, _)| !std::mem::replace(&mut used[*d], true))
        .map(|(d, s, len)| (DAYS[d], s, (s + len).min(1439)))
        .filter(|(_, s, e)| s < e)
        .collect()
}

/// Each rule change date of the embedded pack, a horizon starting 10 days before and ending
/// 10 days after it: the engine agrees with the reference, with findings of the new version
/// only from the change on and of the old one only before.
#[test]
fn versions_apply_exactly_from_their_dates() {
    let pack = RulePack::embedded_us();
    let s = schedule(
        "America/New_York",
        &DAYS
            .iter()
            .map(|d| (*d, 7 * 60, 22 * 60 + 30))
            .collect::<Vec<_>>(),
    );
    let mut changes: Vec<(usize, Date)> = pack
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.effective_from.map(|d| (i, d)))
        .collect();
    changes.sort_by_key(|c| c.1);
    assert!(changes.len() >= 7, "{changes:?}");
    for (ri, at) in changes {
        let rule = &pack.rules[ri];
        let state = rule.state.clone().unwrap();
        let t = targets(&[], &[state.as_str()], &s);
        let from = at.checked_sub(jiff::Span::new().days(10)).unwrap();
        let got = engine(&pack, &s, Purpose::Telemarketing, &t, from, 21, &[]);
        assert_eq!(
            got,
            naive(&pack, &s, Purpose::Telemarketing, &t, from, 21, &[]),
            "{} {at}",
            rule.id
        );
        let new: Vec<Date> = got.iter().filter(|f| f.1 == ri).map(|f| f.4).collect();
        assert!(!new.is_empty(), "{} from {at}: no finding", rule.id);
        // Campaign dates: a recipient west of New York can start a day earlier locally
        // only for windows past midnight, which this schedule has none of.
        assert!(
            new.iter().all(|d| *d >= at),
            "{} before {at}: {new:?}",
            rule.id
        );
        for other in pack
            .rules
            .iter()
            .enumerate()
            .filter(|(j, r)| *j != ri && r.id == rule.id)
        {
            let old: Vec<Date> = got.iter().filter(|f| f.1 == other.0).map(|f| f.4).collect();
            assert!(
                old.iter().all(|d| *d < at),
                "{} old version after {at}: {old:?}",
                rule.id
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn engine_agrees_with_naive_on_random_schedules(
        zone in 0..ZONES.len(),
        windows in proptest::collection::vec((0..7usize, 0u32..1439, 1u32..600), 1..6),
        rz in proptest::collection::vec(0..ZONES.len(), 0..3),
        rs in proptest::collection::vec(0..STATES.len(), 0..3),
        start in 0i32..800,
        days in 1u32..500,
        purpose in 0..3usize,
    ) {
        let ws = windows_of(windows);
        prop_assume!(!ws.is_empty());
        let s = schedule(ZONES[zone], &ws);
        let zs: Vec<&str> = rz.into_iter().map(|i| ZONES[i]).collect();
        let ss: Vec<&str> = rs.into_iter().map(|i| STATES[i]).collect();
        let t = targets(&zs, &ss, &s);
        let from = date_of(day_number(date(2025, 6, 1)) + start);
        let pack = RulePack::embedded_us();
        let p = Purpose::ALL[purpose];
        prop_assert_eq!(engine(&pack, &s, p, &t, from, days, &[]), naive(&pack, &s, p, &t, from, days, &[]));
    }

    /// With rule changes (2021-2026) and blackouts inside the horizon: the engine agrees
    /// with the reference, and checking `[a, c)` is checking `[a, b)` and `[b, c)`.
    #[test]
    fn split_horizons_agree_with_versions_and_blackouts(
        zone in 0..ZONES.len(),
        windows in proptest::collection::vec((0..7usize, 0u32..1439, 1u32..600), 1..5),
        rz in proptest::collection::vec(0..ZONES.len(), 0..2),
        rs in proptest::collection::vec(0..STATES.len(), 0..3),
        start in 0i32..2000,
        days in 2u32..400,
        cut in 1u32..399,
        raw in proptest::collection::vec(
            (-5i32..405, 0i32..20,
             proptest::collection::vec(0..STATES.len(), 0..2),
             proptest::collection::vec(0..ZONES.len(), 0..2)),
            0..4),
    ) {
        let ws = windows_of(windows);
        prop_assume!(!ws.is_empty());
        let s = schedule(ZONES[zone], &ws);
        let zs: Vec<&str> = rz.into_iter().map(|i| ZONES[i]).collect();
        let ss: Vec<&str> = rs.into_iter().map(|i| STATES[i]).collect();
        let t = targets(&zs, &ss, &s);
        let from = date_of(day_number(date(2021, 1, 1)) + start);
        let b = blackouts(from, &raw);
        let pack = RulePack::embedded_us();
        let p = Purpose::Telemarketing;
        let whole = engine(&pack, &s, p, &t, from, days, &b);
        prop_assert_eq!(&whole, &naive(&pack, &s, p, &t, from, days, &b));
        let cut = cut % days;
        prop_assume!(cut > 0);
        let mid = date_of(day_number(from) + cut as i32);
        let mut parts = engine(&pack, &s, p, &t, from, cut, &b);
        parts.extend(engine(&pack, &s, p, &t, mid, days - cut, &b));
        prop_assert_eq!(whole, parts);
    }
}
