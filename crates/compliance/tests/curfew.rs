//! The curfew compiler: worked cases, and against the naive reference (`reference/mod.rs`):
//! every effective occurrence (an occurrence cut to its recipient zone's curfew) is legal
//! on every date for every recipient there, and every curfew is as wide as the rules allow.

mod reference;

use cxsched_compliance::curfew::{Curfews, compile, compile_for_schedule, cut, dialing_weekdays};
use cxsched_compliance::days::{date_of, day_number};
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{AreaCodeTable, RulePack, Severity};
use cxsched_core::{Purpose, Weekday, occurrences};
use jiff::civil::date;
use proptest::prelude::*;
use reference::{Verdict, local_parts, outside_hours, rules_for, schedule, targets, verdict};

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

/// (zone, start, end, states, rules) of a curfew.
type Summary = (String, String, String, Vec<String>, Vec<String>);

fn summary(c: &Curfews) -> Vec<Summary> {
    c.curfews
        .iter()
        .map(|c| {
            (
                c.zone.canonical.to_string(),
                c.start.to_string()[..5].to_string(),
                c.end.to_string()[..5].to_string(),
                c.states.clone(),
                c.rules.clone(),
            )
        })
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn new_york_campaign_reaching_florida_and_texas() {
    let pack = RulePack::embedded_us();
    let t = targets(&[], &["FL", "TX"], &[]);
    let c = compile(&pack, Purpose::Telemarketing, &t, &WEEKDAYS);
    assert_eq!(
        summary(&c),
        [
            // The Florida panhandle and Texas share Central time: Texas opens, Florida closes.
            (
                "America/Chicago".into(),
                "09:00".into(),
                "20:00".into(),
                s(&["FL", "TX"]),
                s(&["US-FED-TCPA", "US-FL", "US-TX"])
            ),
            // El Paso: the stricter reading of 301.051 (hours also in Central time) closes
            // at 20:00 Mountain.
            (
                "America/Denver".into(),
                "09:00".into(),
                "20:00".into(),
                s(&["TX"]),
                s(&["US-FED-TCPA", "US-TX", "US-TX-CENTRAL"])
            ),
            (
                "America/New_York".into(),
                "08:00".into(),
                "20:00".into(),
                s(&["FL"]),
                s(&["US-FED-TCPA", "US-FL"])
            ),
        ]
    );
    assert!(c.problems.is_empty());
    assert_eq!(c.curfews[0].start_by, ["US-TX"]);
    assert_eq!(c.curfews[0].end_by, ["US-FL"]);
    assert_eq!(c.curfews[2].start_by, ["US-FED-TCPA", "US-FL"]);

    // The 08:00–20:30 Eastern window as the dialer really dials it, on a summer Monday.
    let sch = schedule("America/New_York", &[("MONDAY", 480, 1230)]);
    let occ = occurrences(&sch, date(2027, 7, 5), 1).next().unwrap();
    let at = |c: usize| -> Vec<String> {
        cut(&occ, &c_ref(&c_all(&pack, &t), c))
            .iter()
            .map(|i| format!("{}-{}", i.start, i.end))
            .collect()
    };
    // Chicago 09:00 CDT = 14:00Z; the window ends 20:30 EDT = 00:30Z (19:30 Central).
    assert_eq!(at(0), ["2027-07-05T14:00:00Z-2027-07-06T00:30:00Z"]);
    // Denver 09:00 MDT = 15:00Z.
    assert_eq!(at(1), ["2027-07-05T15:00:00Z-2027-07-06T00:30:00Z"]);
    // New York: Florida closes at 20:00 EDT = 00:00Z.
    assert_eq!(at(2), ["2027-07-05T12:00:00Z-2027-07-06T00:00:00Z"]);

    // Dialing Sunday as well: Texas's noon opening narrows every day's window.
    let mut days = WEEKDAYS.to_vec();
    days.push(Weekday::Sunday);
    let c = compile(&pack, Purpose::Telemarketing, &t, &days);
    assert_eq!(c.curfews[0].start.to_string(), "12:00:00");
    assert_eq!(c.curfews[1].start.to_string(), "12:00:00");
    assert_eq!(c.curfews[2].start.to_string(), "08:00:00");
}

fn c_all(pack: &RulePack, t: &[cxsched_compliance::Target]) -> Curfews {
    compile(pack, Purpose::Telemarketing, t, &WEEKDAYS)
}

fn c_ref(c: &Curfews, i: usize) -> cxsched_compliance::Curfew {
    c.curfews[i].clone()
}

#[test]
fn navajo_area_codes_honolulu_and_debt_collection() {
    let pack = RulePack::embedded_us();
    // 928: Arizona, America/Phoenix or (the Navajo Nation) America/Denver; no state rule.
    let t = targets(&[], &[], &["+19285550123"]);
    let c = compile(&pack, Purpose::Telemarketing, &t, &WEEKDAYS);
    let fed = s(&["US-FED-TCPA"]);
    assert_eq!(
        summary(&c),
        [
            (
                "America/Denver".into(),
                "08:00".into(),
                "21:00".into(),
                s(&["AZ"]),
                fed.clone()
            ),
            (
                "America/Phoenix".into(),
                "08:00".into(),
                "21:00".into(),
                s(&["AZ"]),
                fed.clone()
            ),
        ]
    );
    let t = targets(&["Pacific/Honolulu"], &[], &[]);
    let c = compile(&pack, Purpose::Telemarketing, &t, &[Weekday::Saturday]);
    assert_eq!(
        summary(&c),
        [(
            "Pacific/Honolulu".into(),
            "08:00".into(),
            "21:00".into(),
            vec![],
            fed
        )]
    );
    // Regulation F, and Massachusetts's debt rule; Florida's telemarketing rule does not apply.
    let t = targets(&[], &["MA", "FL"], &[]);
    let c = compile(&pack, Purpose::DebtCollection, &t, &WEEKDAYS);
    let ny = c
        .curfews
        .iter()
        .find(|c| c.zone.canonical == "America/New_York")
        .unwrap();
    assert_eq!(
        (ny.start.to_string(), ny.end.to_string()),
        ("08:00:00".into(), "21:00:00".into())
    );
    assert_eq!(ny.rules, ["US-FED-REGF", "US-MA-DEBT"]);
    // Informational calls: the warning baseline still bounds the curfew.
    let c = compile(&pack, Purpose::Informational, &t, &WEEKDAYS);
    assert!(
        c.curfews
            .iter()
            .all(|c| c.rules == ["US-FED-INFO"] && c.start.to_string() == "08:00:00")
    );
}

#[test]
fn a_sunday_window_into_utah_and_mississippi_is_a_problem_not_an_empty_window() {
    let pack = RulePack::embedded_us();
    let sch = schedule(
        "America/New_York",
        &[("MONDAY", 600, 1200), ("SUNDAY", 600, 1080)],
    );
    let t = targets(&[], &["UT", "MS"], &[]);
    let c = compile_for_schedule(
        &pack,
        Purpose::Telemarketing,
        &t,
        &sch,
        date(2027, 1, 4),
        120,
    );
    let problems: Vec<(String, Weekday, Vec<String>, Severity)> = c
        .problems
        .iter()
        .map(|p| (p.zone.clone(), p.weekday, p.rules.clone(), p.severity))
        .collect();
    assert_eq!(
        problems,
        [
            (
                "America/Chicago".into(),
                Weekday::Sunday,
                s(&["US-MS"]),
                Severity::Error
            ),
            (
                "America/Denver".into(),
                Weekday::Sunday,
                s(&["US-UT"]),
                Severity::Error
            ),
        ]
    );
    assert!(c.problems[1].message.contains("America/Denver"));
    assert!(c.problems[1].message.contains("SUNDAY"));
    assert!(c.problems[1].message.contains("UT"));
    // Monday still gets its curfew, not narrowed by the banned Sunday.
    assert_eq!(
        summary(&c)
            .into_iter()
            .map(|(z, a, b, ..)| (z, a, b))
            .collect::<Vec<_>>(),
        [
            ("America/Chicago".into(), "08:00".into(), "20:00".into()),
            ("America/Denver".into(), "08:00".into(), "21:00".into()),
        ]
    );
    // Sunday alone leaves no curfew at all.
    let sunday = compile(&pack, Purpose::Telemarketing, &t, &[Weekday::Sunday]);
    assert!(sunday.curfews.is_empty());
    assert_eq!(sunday.problems.len(), 2);
}

#[test]
fn saturday_hours_and_warning_rules_narrow_the_window() {
    let pack = RulePack::embedded_us();
    let ri = targets(&[], &["RI"], &[]);
    let c = compile(
        &pack,
        Purpose::Telemarketing,
        &ri,
        &[Weekday::Monday, Weekday::Saturday],
    );
    assert_eq!(
        (c.curfews[0].start.to_string(), c.curfews[0].end.to_string()),
        ("10:00:00".into(), "17:00:00".into())
    );
    // Kentucky's vendor-chart 10:00 opening (a warning rule) is followed.
    let ky = targets(&[], &["KY"], &[]);
    let c = compile(&pack, Purpose::Telemarketing, &ky, &WEEKDAYS);
    assert!(!c.curfews.is_empty());
    for curfew in &c.curfews {
        assert_eq!(curfew.start.to_string(), "10:00:00");
        assert_eq!(curfew.start_by, ["US-KY"]);
    }
    // South Dakota bans weekends for autodialed solicitation.
    let sd = targets(&[], &["SD"], &[]);
    let c = compile(&pack, Purpose::Telemarketing, &sd, &[Weekday::Saturday]);
    assert!(c.curfews.is_empty());
    assert!(c.problems.iter().all(|p| p.rules == ["US-SD"]));
}

#[test]
fn bounds_are_rounded_inward_to_whole_minutes_and_conflicts_are_problems() {
    let mut pack = RulePack::embedded_us();
    // The version of US-TX in force now.
    let tx = pack
        .rules
        .iter()
        .position(|r| r.id == "US-TX" && r.effective_to.is_none())
        .unwrap();
    pack.rules[tx].days[0] = DayRule::Allowed {
        open: 9 * 3600 + 1,
        close: 20 * 3600 + 59,
    };
    pack.rules[tx].days[1] = DayRule::Allowed {
        open: 9 * 3600 + 30,
        close: 9 * 3600 + 50,
    };
    pack.rules[tx].days[2] = DayRule::Allowed {
        open: 0,
        close: 86_400,
    };
    let fed = pack
        .rules
        .iter()
        .position(|r| r.id == "US-FED-TCPA")
        .unwrap();
    pack.rules[fed].days[2] = DayRule::Allowed {
        open: 0,
        close: 86_400,
    };
    let t = targets(&["America/Chicago"], &[], &[]);
    let t: Vec<_> = t
        .into_iter()
        .map(|mut t| {
            t.state = Some("TX".into());
            t
        })
        .collect();
    let c = compile(&pack, Purpose::Telemarketing, &t, &[Weekday::Monday]);
    assert_eq!(
        (c.curfews[0].start.to_string(), c.curfews[0].end.to_string()),
        ("09:01:00".into(), "20:00:00".into())
    );
    // 09:30–09:50 seconds-wise still has whole minutes; 09:30:30–09:30:50 would not.
    pack.rules[tx].days[1] = DayRule::Allowed {
        open: 9 * 3600 + 30 * 60 + 30,
        close: 9 * 3600 + 30 * 60 + 50,
    };
    let c = compile(&pack, Purpose::Telemarketing, &t, &[Weekday::Tuesday]);
    assert!(c.curfews.is_empty());
    assert_eq!(c.problems[0].weekday, Weekday::Tuesday);
    assert!(
        c.problems[0].message.contains("no legal time"),
        "{}",
        c.problems[0].message
    );
    // A rule open until 24:00 ends the curfew at 23:59.
    let c = compile(&pack, Purpose::Telemarketing, &t, &[Weekday::Wednesday]);
    assert_eq!(
        (c.curfews[0].start.to_string(), c.curfews[0].end.to_string()),
        ("00:00:00".into(), "23:59:00".into())
    );
    // Monday 09:00–12:00 and Thursday 13:00–20:00: each day has time, one window cannot.
    pack.rules[tx].days[0] = DayRule::Allowed {
        open: 9 * 3600,
        close: 12 * 3600,
    };
    pack.rules[tx].days[3] = DayRule::Allowed {
        open: 13 * 3600,
        close: 20 * 3600,
    };
    let c = compile(
        &pack,
        Purpose::Telemarketing,
        &t,
        &[Weekday::Thursday, Weekday::Monday],
    );
    assert!(c.curfews.is_empty());
    let days: Vec<Weekday> = c.problems.iter().map(|p| p.weekday).collect();
    assert_eq!(days, [Weekday::Monday, Weekday::Thursday]);
    assert!(c.problems[0].message.contains("no one window"));
}

#[test]
fn a_window_near_midnight_is_judged_by_the_weekday_it_lands_on() {
    // Sydney Monday 10:00–12:00 is Sunday 17:00–19:00 (Central, in winter): a Texas Sunday.
    let pack = RulePack::embedded_us();
    let sch = schedule("Australia/Sydney", &[("MONDAY", 600, 720)]);
    let t = targets(&[], &["TX"], &[]);
    let from = date(2027, 1, 4);
    let days = dialing_weekdays(&pack, Purpose::Telemarketing, &sch, &t[0].zone, from, 60);
    assert_eq!(days, [Weekday::Sunday]);
    let c = compile_for_schedule(&pack, Purpose::Telemarketing, &t, &sch, from, 60);
    assert_eq!(c.curfews[0].start.to_string(), "12:00:00");
}

const CAMPAIGN_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "America/Anchorage",
];
const DAYS: [&str; 7] = cxsched_core::model::WEEKDAY_NAMES;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn effective_occurrences_are_legal_and_curfews_are_maximal(
        zone in 0..CAMPAIGN_ZONES.len(),
        windows in proptest::collection::vec((0..7usize, 0u32..1439, 1u32..900), 1..6),
        rz in proptest::collection::vec(0..CAMPAIGN_ZONES.len(), 0..2),
        rs in proptest::collection::vec(0usize..60, 0..4),
        start in prop_oneof![0i32..60, 180..300],
        purpose in 0..3usize,
    ) {
        let mut used = [false; 7];
        let ws: Vec<(&str, u32, u32)> = windows
            .into_iter()
            .filter(|(d, _, _)| !std::mem::replace(&mut used[*d], true))
            .map(|(d, s, len)| (DAYS[d], s, (s + len).min(1439)))
            .filter(|(_, s, e)| s < e)
            .collect();
        prop_assume!(!ws.is_empty());
        let sch = schedule(CAMPAIGN_ZONES[zone], &ws);
        let pack = RulePack::embedded_us();
        let all_states = AreaCodeTable::embedded().states();
        // Half the draws from the states the pack has rules for.
        let pack_states = pack.states();
        let ss: Vec<&str> = rs
            .iter()
            .map(|&i| if i % 2 == 0 { pack_states[i / 2 % pack_states.len()] } else { all_states[i % all_states.len()].as_str() })
            .collect();
        let zs: Vec<&str> = rz.iter().map(|&i| CAMPAIGN_ZONES[i]).collect();
        let t = if zs.is_empty() && ss.is_empty() {
            targets(&[CAMPAIGN_ZONES[zone]], &[], &[])
        } else {
            targets(&zs, &ss, &[])
        };
        // 2027-02-01 + start, 120 days: across the March or the November change.
        let from = date_of(day_number(date(2027, 2, 1)) + start);
        let p = Purpose::ALL[purpose];
        let c = compile_for_schedule(&pack, p, &t, &sch, from, 120);

        let has_problem = |zone: &str, wd: Weekday| c.problems.iter().any(|q| q.zone == zone && q.weekday == wd);
        // Every effective occurrence is legal everywhere it lands.
        for o in occurrences(&sch, from, 120).filter(|o| !o.is_void()) {
            for target in &t {
                let Some(curfew) = c.curfews.iter().find(|c| c.zone == target.zone) else {
                    // No curfew: the zone cannot be dialed legally on any dialing day.
                    prop_assert!(c.problems.iter().any(|q| *q.zone == *target.zone.canonical));
                    continue;
                };
                for part in cut(&o, curfew) {
                    prop_assert!(o.start <= part.start && part.end <= o.end && part.start < part.end);
                    for (d, lo, hi) in local_parts(target, part.start, part.end) {
                        for secs in [lo, hi - 1] {
                            match verdict(&pack, p, target.state.as_deref(), target.zone.canonical, d, secs) {
                                Verdict::Legal | Verdict::Holiday(_) => {}
                                Verdict::Prohibited(rule, wd) => prop_assert!(
                                    has_problem(target.zone.canonical, wd),
                                    "{rule} bans {wd:?} in {} and no problem says so", target.zone.canonical
                                ),
                                // A day some recipient of the zone may not be called on at
                                // all is a problem for the whole zone ("stop dialing these
                                // recipients on …", an error the gate keeps): the curfew
                                // does not serve it, for the others in the zone either.
                                Verdict::Outside(rule) => prop_assert!(
                                    has_problem(target.zone.canonical, d.weekday()),
                                    "{d} {lo}..{hi} outside {rule} in {} ({:?}), curfew {}-{}",
                                    target.zone.canonical, target.state, curfew.start, curfew.end
                                ),
                            }
                        }
                    }
                }
            }
        }
        // Every curfew is maximal: a minute wider on either side is illegal somewhere.
        for curfew in &c.curfews {
            let days = dialing_weekdays(&pack, p, &sch, &curfew.zone, from, 120);
            let in_zone: Vec<_> = t.iter().filter(|x| x.zone == curfew.zone).collect();
            // The dialing weekdays the curfew serves (not the problem days).
            let days = if days.is_empty() {
                // Never reached: compiled over every weekday its rules allow.
                (0..7)
                    .map(|i| Weekday::from_monday_zero_offset(i).unwrap())
                    .filter(|wd| {
                        in_zone.iter().all(|x| {
                            rules_for(&pack, p, x.state.as_deref(), x.zone.canonical, None)
                                .iter()
                                .all(|&ri| pack.rules[ri].day(*wd) != DayRule::Prohibited)
                        })
                    })
                    .collect()
            } else {
                days
            };
            let judged: Vec<Weekday> = days
                .into_iter()
                .filter(|wd| !has_problem(curfew.zone.canonical, *wd))
                .collect();
            prop_assert!(!judged.is_empty());
            let illegal = |secs: u32| {
                judged.iter().any(|&wd| {
                    in_zone
                        .iter()
                        .any(|x| outside_hours(&pack, p, x.state.as_deref(), x.zone.canonical, wd, secs).is_some())
                })
            };
            let (a, b) = (curfew.start.seconds(), curfew.end.seconds());
            prop_assert!(a == 0 || illegal(a - 60), "{} could open earlier than {}", curfew.zone.canonical, curfew.start);
            prop_assert!(b == 86_340 || illegal(b + 59), "{} could close later than {}", curfew.zone.canonical, curfew.end);
            prop_assert!(!illegal(a) && !illegal(b - 1));
        }
    }
}

/// Alabama bans Sunday calls, Texas opens them at noon. A New York Sunday 00:00–10:01 reaches
/// Chicago's Sunday morning: for a zone holding both, Sunday is a problem naming Alabama (the
/// curfew, 09:00–20:00 for the weekdays it serves, cannot keep the Texans out on Sunday
/// either), while Denver, with only El Paso's Texans, gets Sunday's noon opening.
#[test]
fn a_banned_day_in_a_mixed_zone_is_a_problem_for_the_whole_zone() {
    let pack = RulePack::embedded_us();
    let sch = schedule(
        "America/New_York",
        &[("MONDAY", 502, 541), ("SUNDAY", 0, 601)],
    );
    let t = targets(&[], &["TX", "AL"], &[]);
    let c = compile_for_schedule(
        &pack,
        Purpose::Telemarketing,
        &t,
        &sch,
        date(2027, 2, 1),
        120,
    );
    let chicago: Vec<_> = c
        .problems
        .iter()
        .filter(|p| p.zone == "America/Chicago")
        .collect();
    assert_eq!(chicago.len(), 1, "{:?}", c.problems);
    assert_eq!(chicago[0].weekday, Weekday::Sunday);
    assert_eq!(chicago[0].rules, ["US-AL"]);
    assert!(
        chicago[0].message.contains("AL, TX"),
        "{}",
        chicago[0].message
    );
    let at = |zone: &str| {
        let cf = c.curfews.iter().find(|c| c.zone.canonical == zone).unwrap();
        (cf.start.to_string(), cf.end.to_string())
    };
    assert_eq!(
        at("America/Chicago"),
        ("09:00:00".into(), "20:00:00".into())
    );
    assert_eq!(at("America/Denver"), ("12:00:00".into(), "20:00:00".into()));
}
