//! `when`: worked cases, and against the naive reference (`reference/mod.rs`): every
//! instant inside an interval is legal in every candidate zone, every instant just outside
//! one is not, and random instants of the horizon agree.

mod reference;

use cxsched_compliance::days::{date_of, day_number};
use cxsched_compliance::when::{WhenPlanner, is_legal, when};
use cxsched_compliance::{AreaCodeTable, Interval, RulePack, Target};
use cxsched_core::Purpose;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use reference::{Verdict, targets, verdict_at, z};

fn spans(i: &[Interval]) -> Vec<String> {
    i.iter().map(|i| format!("{}-{}", i.start, i.end)).collect()
}

#[test]
fn a_texas_number_on_a_sunday_and_a_monday() {
    let pack = RulePack::embedded_us();
    let t = targets(&[], &[], &["+15125550123"]);
    // 2027-01-03 is a Sunday: Texas allows noon to 21:00 (CST = UTC-6).
    let days = when(&pack, Purpose::Telemarketing, &t, date(2027, 1, 3), 2);
    assert_eq!(days[0].date, date(2027, 1, 3));
    assert_eq!(
        spans(&days[0].intervals),
        ["2027-01-03T18:00:00Z-2027-01-04T03:00:00Z"]
    );
    assert_eq!(
        spans(&days[1].intervals),
        ["2027-01-04T15:00:00Z-2027-01-05T03:00:00Z"]
    );
    assert!(days[0].closed_because.is_empty());
}

#[test]
fn a_navajo_area_code_intersects_both_zones() {
    let pack = RulePack::embedded_us();
    // 928: America/Denver first (the table's order), America/Phoenix.
    let t = targets(&[], &[], &["928-555-0123"]);
    assert_eq!(t[0].zone.canonical, "America/Denver");
    // Winter: both on UTC-7, 08:00–21:00.
    let winter = when(&pack, Purpose::Telemarketing, &t, date(2027, 1, 5), 1);
    assert_eq!(
        spans(&winter[0].intervals),
        ["2027-01-05T15:00:00Z-2027-01-06T04:00:00Z"]
    );
    // Summer: Denver is UTC-6, so 08:00 Phoenix (09:00 Denver) to 21:00 Denver (20:00 Phoenix).
    let summer = when(&pack, Purpose::Telemarketing, &t, date(2027, 7, 6), 1);
    assert_eq!(
        spans(&summer[0].intervals),
        ["2027-07-06T15:00:00Z-2027-07-07T03:00:00Z"]
    );
    // The spring change (2027-03-14, 02:00 in Denver): Denver 08:00 MDT is 14:00Z, Phoenix
    // 08:00 is 15:00Z; Denver 21:00 MDT is 03:00Z, Phoenix 21:00 04:00Z.
    let spring = when(&pack, Purpose::Telemarketing, &t, date(2027, 3, 14), 1);
    assert_eq!(
        spans(&spring[0].intervals),
        ["2027-03-14T15:00:00Z-2027-03-15T03:00:00Z"]
    );
}

#[test]
fn holidays_and_banned_days_close_the_date() {
    let pack = RulePack::embedded_us();
    let pa = targets(&[], &[], &["+12155550123"]);
    // July 4 2027 is a Sunday: Pennsylvania observes it on Monday July 5.
    let days = when(&pack, Purpose::Telemarketing, &pa, date(2027, 7, 3), 4);
    let closed: Vec<(String, bool, Vec<String>)> = days
        .iter()
        .map(|d| {
            (
                d.date.to_string(),
                d.intervals.is_empty(),
                d.closed_because.clone(),
            )
        })
        .collect();
    assert_eq!(
        closed,
        [
            ("2027-07-03".into(), false, vec![]),
            ("2027-07-04".into(), true, vec!["US-PA".to_string()]),
            ("2027-07-05".into(), true, vec!["US-PA".to_string()]),
            ("2027-07-06".into(), false, vec![]),
        ]
    );
    // Utah: Pioneer Day (Saturday July 24 2027, observed Friday July 23) and Sundays.
    let ut = targets(&[], &[], &["+18015550123"]);
    let days = when(&pack, Purpose::Telemarketing, &ut, date(2027, 7, 22), 4);
    let open: Vec<bool> = days.iter().map(|d| !d.intervals.is_empty()).collect();
    assert_eq!(open, [true, false, false, false]);
    assert!(days[3].closed_because == ["US-UT"]);
    // Debt collection: Utah's telemarketing rule does not apply.
    let days = when(&pack, Purpose::DebtCollection, &ut, date(2027, 7, 22), 4);
    assert!(days.iter().all(|d| d.intervals.len() == 1));
}

#[test]
fn the_planner_shares_answers_by_key_and_the_primary_zone_sets_the_date() {
    let pack = RulePack::embedded_us();
    let mut planner = WhenPlanner::new(&pack, Purpose::Telemarketing, date(2027, 3, 10), 7);
    let a = planner.days(&targets(&[], &[], &["+19285550123"]));
    let b = planner.days(&targets(&[], &[], &["+19285559999"]));
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    // Honolulu and New York together: in New York's calendar each date is 08:00–21:00 New
    // York intersected with 08:00–21:00 Honolulu (13:00–16:00 New York in winter).
    let mut hny = targets(&["America/New_York", "Pacific/Honolulu"], &[], &[]);
    let ny_first = when(&pack, Purpose::Telemarketing, &hny, date(2027, 1, 5), 1);
    assert_eq!(
        spans(&ny_first[0].intervals),
        ["2027-01-05T18:00:00Z-2027-01-06T02:00:00Z"]
    );
    hny.reverse();
    let hnl_first = when(&pack, Purpose::Telemarketing, &hny, date(2027, 1, 5), 1);
    assert_eq!(hnl_first, ny_first);
    assert_eq!(hny[0].zone.canonical, "Pacific/Honolulu");
}

#[test]
fn a_hundred_thousand_numbers_over_a_week_are_fast() {
    let pack = RulePack::embedded_us();
    let table = AreaCodeTable::embedded();
    let npas: Vec<u16> = table
        .iter()
        .filter(|a| a.state.is_some() && !a.zones.is_empty())
        .map(|a| a.npa)
        .collect();
    let started = std::time::Instant::now();
    let mut planner = WhenPlanner::new(&pack, Purpose::Telemarketing, date(2027, 3, 10), 7);
    let mut total = 0;
    for i in 0..100_000usize {
        let a = table.get(npas[i % npas.len()]).unwrap();
        let t: Vec<Target> = a
            .zones
            .iter()
            .map(|zn| Target {
                zone: z(zn),
                state: a.state.clone(),
                basis: String::new(),
            })
            .collect();
        total += planner.days(&t).len();
    }
    assert_eq!(total, 700_000);
    // Generous for a debug build on a shared machine; the release CLI has its own benchmark.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

fn legal_everywhere(pack: &RulePack, p: Purpose, t: &[Target], at: Timestamp) -> bool {
    t.iter()
        .all(|x| verdict_at(pack, p, x, at) == Verdict::Legal)
}

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Puerto_Rico",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn intervals_are_exactly_the_legal_instants(
        kind in 0..3usize,
        pick in 0usize..1000,
        extra_zone in proptest::option::of(0..ZONES.len()),
        start in prop_oneof![0i32..25, 235..260],
        days in 1u32..15,
        purpose in 0..3usize,
        probes in proptest::collection::vec(0i64..(15 * 86_400), 40),
    ) {
        let pack = RulePack::embedded_us();
        let table = AreaCodeTable::embedded();
        let mut t = match kind {
            0 => {
                let a: Vec<_> = table.iter().filter(|a| a.state.is_some() && !a.zones.is_empty()).collect();
                let a = a[pick % a.len()];
                targets(&[], &[], &[&format!("{}5550123", a.npa)])
            }
            1 => {
                let s = pack.states();
                targets(&[], &[s[pick % s.len()]], &[])
            }
            _ => targets(&[ZONES[pick % ZONES.len()]], &[], &[]),
        };
        if let Some(zi) = extra_zone {
            t.extend(targets(&[ZONES[zi]], &[], &[]));
        }
        // From 2027-03-01 + 0..25 or + 235..260: across the spring or the autumn change.
        let from = date_of(day_number(date(2027, 3, 1)) + start);
        let p = Purpose::ALL[purpose];
        let out = when(&pack, p, &t, from, days);
        prop_assert_eq!(out.len(), days as usize);
        let tz = &t[0].zone.tz;
        let midnight = |n: i32| tz.to_ambiguous_timestamp(date_of(n).to_datetime(jiff::civil::Time::midnight())).compatible().unwrap();
        let (h0, h1) = (midnight(day_number(from)), midnight(day_number(from) + days as i32));
        let second = SignedDuration::from_secs(1);
        let mut all: Vec<Interval> = Vec::new();
        for (k, d) in out.iter().enumerate() {
            prop_assert_eq!(d.date, date_of(day_number(from) + k as i32));
            let (d0, d1) = (midnight(day_number(d.date)), midnight(day_number(d.date) + 1));
            for i in &d.intervals {
                prop_assert!(d0 <= i.start && i.start < i.end && i.end <= d1);
                for at in [i.start, i.end - second, i.start + (i.end.duration_since(i.start) / 2)] {
                    prop_assert!(legal_everywhere(&pack, p, &t, at), "{at} in {}-{}", i.start, i.end);
                }
                match all.last_mut() {
                    Some(last) if last.end == i.start => last.end = i.end,
                    _ => all.push(*i),
                }
            }
        }
        for i in &all {
            prop_assert!(i.start == h0 || !legal_everywhere(&pack, p, &t, i.start - second), "{} just before {}", i.start - second, i.start);
            prop_assert!(i.end == h1 || !legal_everywhere(&pack, p, &t, i.end), "{} just after", i.end);
        }
        for off in probes {
            let at = h0 + SignedDuration::from_secs(off);
            if at >= h1 {
                continue;
            }
            prop_assert_eq!(is_legal(&out, at), legal_everywhere(&pack, p, &t, at), "at {}", at);
        }
    }
}
