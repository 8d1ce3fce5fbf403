//! Properties of the fix: its output passes the check (holidays and blackouts aside), lies
//! inside the input, is maximal (one minute more at either end of a kept window breaks some
//! rule on some date), and fixing it again changes nothing.

mod reference;

use cxsched_compliance::fix::{Change, Fix, FixInput, fix};
use cxsched_compliance::{Code, Horizon, RulePack, Target, check};
use cxsched_core::{LocalTime, Purpose, Schedule, TimeWindow};
use proptest::prelude::*;

const ZONES: [&str; 8] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "America/Phoenix",
    "Europe/London",
    "Asia/Kolkata",
];
const STATES: [&str; 6] = ["FL", "TX", "UT", "NY", "CA", "MA"];
const DAYS: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];

fn run(pack: &RulePack, h: &Horizon, s: &Schedule, targets: &[Target]) -> Fix {
    fix(&FixInput {
        pack,
        purpose: Purpose::Telemarketing,
        targets,
        schedule: s,
        horizon: h,
        blackouts: &[],
        hours: true,
        minutes: false,
    })
}

/// True when the check finds an hours or prohibited-day error.
fn breaks(pack: &RulePack, h: &Horizon, s: &Schedule, targets: &[Target]) -> bool {
    check(pack, h, s, Purpose::Telemarketing, targets)
        .findings()
        .any(|f| {
            f.severity == cxsched_compliance::Severity::Error
                && !matches!(f.code, Code::Holiday | Code::Blackout)
        })
}

fn with_window(s: &Schedule, w: TimeWindow) -> Schedule {
    let mut one = s.clone();
    one.windows = vec![w];
    one
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn fix_passes_lies_inside_is_maximal_and_idempotent(
        zone in 0usize..ZONES.len(),
        windows in proptest::collection::btree_map(0usize..7, (0u32..1380, 1u32..1440), 1..4),
        recipient_zones in proptest::collection::vec(0usize..ZONES.len(), 0..2),
        states in proptest::collection::vec(0usize..STATES.len(), 0..3),
        start_day in 0i64..365,
    ) {
        let pack = RulePack::embedded_us();
        let ws: Vec<(&str, u32, u32)> = windows
            .iter()
            .map(|(&d, &(s, len))| (DAYS[d], s, (s + len).min(1439).max(s + 1)))
            .collect();
        let schedule = reference::schedule(ZONES[zone], &ws);
        let zs: Vec<&str> = recipient_zones.iter().map(|&i| ZONES[i]).collect();
        let sts: Vec<&str> = states.iter().map(|&i| STATES[i]).collect();
        let targets = if zs.is_empty() && sts.is_empty() {
            reference::targets(&[ZONES[zone]], &[], &[])
        } else {
            reference::targets(&zs, &sts, &[])
        };
        let from = jiff::civil::date(2026, 1, 1)
            .checked_add(jiff::Span::new().days(start_day))
            .unwrap();
        let h = Horizon::new(&pack, from, 120);
        let out = run(&pack, &h, &schedule, &targets);

        // Passes.
        prop_assert!(!breaks(&pack, &h, &out.schedule, &targets), "{:?}", out.schedule.windows);
        prop_assert!(!out.blocked || out.schedule.windows.is_empty());

        // Inside the input, and maximal.
        for c in &out.changes {
            let o = c.original;
            let kept = match &c.change {
                Change::Kept => o,
                Change::Cut { to } => *to,
                Change::Removed => continue,
            };
            prop_assert_eq!(kept.day, o.day);
            prop_assert!(kept.start >= o.start && kept.end <= o.end && kept.start < kept.end);
            let (s, e) = (kept.start.seconds(), kept.end.seconds());
            if s > o.start.seconds() {
                let earlier = TimeWindow {
                    start: LocalTime::from_seconds(s.saturating_sub(60).max(o.start.seconds())).unwrap(),
                    ..kept
                };
                prop_assert!(
                    breaks(&pack, &h, &with_window(&schedule, earlier), &targets),
                    "window {} could start earlier than {}", c.window, kept.start
                );
            }
            if e < o.end.seconds() {
                let later = TimeWindow {
                    end: LocalTime::from_seconds((e + 60).min(o.end.seconds())).unwrap(),
                    ..kept
                };
                prop_assert!(
                    breaks(&pack, &h, &with_window(&schedule, later), &targets),
                    "window {} could end later than {}", c.window, kept.end
                );
            }
        }

        // Idempotent.
        let again = run(&pack, &h, &out.schedule, &targets);
        prop_assert_eq!(&again.schedule.windows, &out.schedule.windows);
        prop_assert!(again.changes.iter().all(|c| c.change == Change::Kept));
    }
}

#[test]
fn sunday_into_utah_is_removed_and_new_york_into_florida_and_texas_is_cut() {
    let pack = RulePack::embedded_us();
    let schedule = reference::schedule(
        "America/New_York",
        &[
            ("MONDAY", 8 * 60, 20 * 60 + 30),
            ("SUNDAY", 10 * 60, 14 * 60),
        ],
    );
    let targets = reference::targets(&[], &["FL", "TX", "UT"], &[]);
    let h = Horizon::new(&pack, jiff::civil::date(2027, 1, 4), 90);
    let out = run(&pack, &h, &schedule, &targets);
    let Change::Cut { to } = out.changes[0].change else {
        panic!("{:?}", out.changes[0]);
    };
    // Texas opens at 09:00 (El Paso: Mountain time, 11:00 New York); Florida closes at 20:00.
    assert_eq!(
        to.start.to_string(),
        "11:00:00",
        "{:?}",
        out.changes[0].reasons
    );
    assert_eq!(to.end.to_string(), "20:00:00");
    assert_eq!(out.changes[1].change, Change::Removed);
    assert!(out.changes[1].reasons.iter().any(|r| r.rule == "US-UT"));
}

#[test]
fn london_into_new_york_across_both_spring_changes_is_cut_for_every_week() {
    let pack = RulePack::embedded_us();
    // London 12:00 is 07:00 in New York while both are on standard (or both on summer)
    // time, and 08:00 in the two weeks between the US (2027-03-14) and EU (2027-03-28)
    // changes: the start must be 13:00 London for the weeks outside that gap.
    let schedule = reference::schedule("Europe/London", &[("MONDAY", 12 * 60, 16 * 60)]);
    let targets = reference::targets(&["America/New_York"], &[], &[]);
    let h = Horizon::new(&pack, jiff::civil::date(2027, 3, 1), 42);
    let out = run(&pack, &h, &schedule, &targets);
    let Change::Cut { to } = out.changes[0].change else {
        panic!("{:?}", out.changes[0]);
    };
    assert_eq!(to.start.to_string(), "13:00:00");
    assert_eq!(to.end.to_string(), "16:00:00");
    let r = &out.changes[0].reasons[0];
    assert_eq!(r.rule, "US-FED-TCPA");
    assert_eq!(r.first, jiff::civil::date(2027, 3, 1));
    assert_eq!(r.last, jiff::civil::date(2027, 4, 5));
    // Only the gap weeks could start at 12:00: the fix passes and is as large as it can be.
    assert!(!breaks(&pack, &h, &out.schedule, &targets));
    let earlier = TimeWindow {
        start: LocalTime::from_seconds(to.start.seconds() - 60).unwrap(),
        ..to
    };
    assert!(breaks(
        &pack,
        &h,
        &with_window(&schedule, earlier),
        &targets
    ));
}
