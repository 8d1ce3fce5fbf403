//! Property tests of occurrence expansion (`cxsched_core::occurrences`) over generated
//! schedules in every place-named zone of the bundled tz database, with windows placed on the
//! hours where clocks change and date ranges placed around real transitions:
//!
//! - every occurrence is on its window's weekday, and starts on that campaign-local date;
//! - occurrences never overlap, except where a gap moved a boundary forward onto a later
//!   window's time, and then the moved occurrence is marked `gap`;
//! - an unmarked occurrence lasts exactly its local length and is never void; a `gap`
//!   occurrence is shorter by 0 or the gap's size, a `fold` one longer by 0 or the fold's size;
//! - the marks name the kind of transition that is there.

use std::sync::OnceLock;

use cxsched_core::model::{Compliance, Directive};
use cxsched_core::{
    Date, Dst, LocalTime, Occurrence, Schedule, TimeWindow, Weekday, Zone, occurrences,
};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// Every zone a document may name without error (links included, resolved to their target).
fn zones() -> &'static [String] {
    static ZONES: OnceLock<Vec<String>> = OnceLock::new();
    ZONES.get_or_init(|| {
        let mut names: Vec<String> = cxsched_core::zone::database()
            .available()
            .map(|n| n.as_str().to_owned())
            .filter(|n| cxsched_core::zone::resolve(n).is_ok())
            .collect();
        names.sort();
        names
    })
}

/// Zones with unusual transitions, drawn more often than the rest.
const TRICKY: [&str; 12] = [
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Pacific/Chatham",
    "America/St_Johns",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Europe/Dublin",
    "Antarctica/Troll",
];

fn resolve_zone(name: &str) -> Zone {
    cxsched_core::zone::resolve(name)
        .expect("generated zones are valid")
        .zone
}

const WEEK: [Weekday; 7] = cxsched_core::model::WEEKDAYS;

/// A time of day, mostly near midnight and the small hours where clocks change.
fn boundary() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => (0u32..4, prop::sample::select(vec![0u32, 15, 30, 45]), 0u32..2)
            .prop_map(|(h, m, s)| h * 3600 + m * 60 + s * 59),
        1 => (22u32..24, prop::sample::select(vec![0u32, 30, 59]))
            .prop_map(|(h, m)| h * 3600 + m * 60),
        2 => 0u32..LocalTime::DAY,
    ]
}

/// Windows of one day: sorted distinct boundaries, consecutive pairs chosen, so windows never
/// overlap but may touch.
fn day_windows(day: Weekday) -> impl Strategy<Value = Vec<TimeWindow>> {
    (
        prop::collection::btree_set(boundary(), 0..6),
        prop::collection::vec(any::<bool>(), 6),
    )
        .prop_map(move |(points, keep)| {
            let points: Vec<u32> = points.into_iter().collect();
            points
                .windows(2)
                .zip(keep)
                .filter(|(_, keep)| *keep)
                .map(|(p, _)| TimeWindow {
                    day,
                    start: LocalTime::from_seconds(p[0]).unwrap(),
                    end: LocalTime::from_seconds(p[1]).unwrap(),
                })
                .collect()
        })
}

fn schedule_windows() -> impl Strategy<Value = Vec<TimeWindow>> {
    WEEK.map(day_windows)
        .prop_map(|days| days.into_iter().flatten().collect::<Vec<_>>())
        .prop_shuffle()
}

fn zone_name() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => prop::sample::select(TRICKY.map(String::from).to_vec()),
        1 => prop::sample::select(zones().to_vec()),
    ]
}

/// A zone and a first date: a few days before one of the zone's transitions (1950–2060),
/// or any date in that span.
fn zone_and_start() -> impl Strategy<Value = (String, Date)> {
    (
        zone_name(),
        1950i16..2060,
        0u32..366,
        0u32..8,
        any::<bool>(),
    )
        .prop_map(|(zone, year, day_of_year, lead, near_transition)| {
            let tz = resolve_zone(&zone).tz;
            let start = Date::new(year, 1, 1)
                .unwrap()
                .checked_add(jiff::Span::new().days(day_of_year))
                .unwrap();
            let from = if near_transition {
                let at = start
                    .to_datetime(jiff::civil::Time::midnight())
                    .to_zoned_datetime(tz.clone())
                    .unwrap();
                tz.following(at.timestamp())
                    .find(|t| {
                        tz.to_offset(t.timestamp() - SignedDuration::from_secs(1)) != t.offset()
                    })
                    .map(|t| t.timestamp().to_zoned_datetime(tz.clone()).date())
                    .unwrap_or(start)
            } else {
                start
            };
            (
                zone,
                from.checked_sub(jiff::Span::new().days(lead)).unwrap(),
            )
        })
}

fn schedule(zone: &str, windows: Vec<TimeWindow>) -> Schedule {
    Schedule {
        campaign_id: uuid::Uuid::from_u128(0x3f1c2a4e_7b8d_4c9e_a1f2_0123456789ab),
        schedule_id: None,
        timezone: resolve_zone(zone),
        directive: Directive::Strict,
        max_concurrent_calls: 10,
        windows,
        compliance: Compliance::default(),
        skill_ids: Vec::new(),
    }
}

/// The offset changes (after − before, seconds) of the zone within two days of an instant.
fn transitions_near(zone: &Zone, at: Timestamp) -> Vec<i32> {
    let from = at - SignedDuration::from_hours(48);
    zone.tz
        .following(from)
        .take_while(|t| t.timestamp() <= at + SignedDuration::from_hours(48))
        .map(|t| {
            let before = zone
                .tz
                .to_offset(t.timestamp() - SignedDuration::from_secs(1));
            t.offset().seconds() - before.seconds()
        })
        .filter(|change| *change != 0)
        .collect()
}

fn local_seconds(s: &Schedule, o: &Occurrence) -> i64 {
    let w = &s.windows[o.window];
    i64::from(w.end.seconds()) - i64::from(w.start.seconds())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn occurrences_lie_on_their_weekday_and_local_date(
        (zone, from) in zone_and_start(),
        windows in schedule_windows(),
        days in 1u32..30,
    ) {
        let s = schedule(&zone, windows);
        let occs: Vec<Occurrence> = occurrences(&s, from, days).collect();
        let expected: usize = (0..days)
            .map(|d| from.checked_add(jiff::Span::new().days(d)).unwrap().weekday())
            .map(|wd| s.windows.iter().filter(|w| w.day == wd).count())
            .sum();
        prop_assert_eq!(occs.len(), expected, "one occurrence per window per matching date");
        for o in occs.iter().filter(|o| !o.is_void()) {
            let w = &s.windows[o.window];
            prop_assert_eq!(o.date.weekday(), w.day, "{:?}", o);
            prop_assert!(o.date >= from);
            // The instant as the campaign zone shows it.
            let local = o.start.to_zoned_datetime(s.timezone.tz.clone()).datetime();
            prop_assert_eq!(local, o.local_start());
            if o.dst.is_none() {
                prop_assert_eq!(local, o.date.to_datetime(w.start.to_civil()), "{:?}", o);
            } else {
                // A start moved forward by a gap may pass midnight, never by more than a day.
                prop_assert!(local.date() == o.date || local.date() == o.date.tomorrow().unwrap(), "{:?}", o);
            }
        }
    }

    #[test]
    fn occurrences_never_overlap_unless_a_gap_moved_a_boundary(
        (zone, from) in zone_and_start(),
        windows in schedule_windows(),
        days in 1u32..30,
    ) {
        let s = schedule(&zone, windows);
        let mut occs: Vec<Occurrence> = occurrences(&s, from, days).filter(|o| !o.is_void()).collect();
        occs.sort_by_key(|o| (o.start, o.end));
        for pair in occs.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.end > b.start {
                prop_assert!(
                    a.dst == Some(Dst::Gap) || b.dst == Some(Dst::Gap),
                    "overlap without a gap mark: {:?} and {:?}", a, b
                );
                let overlap = (a.end.min(b.end) - b.start).as_secs();
                let gaps = transitions_near(&s.timezone, b.start);
                prop_assert!(
                    gaps.iter().any(|g| *g > 0 && overlap <= i64::from(*g)),
                    "overlap of {}s is more than any gap near {:?}: {:?}", overlap, b, gaps
                );
            }
        }
    }

    #[test]
    fn real_length_equals_local_length_except_by_a_transition(
        (zone, from) in zone_and_start(),
        windows in schedule_windows(),
        days in 1u32..30,
    ) {
        let s = schedule(&zone, windows);
        for o in occurrences(&s, from, days) {
            let local = local_seconds(&s, &o);
            let real = o.seconds();
            let changes = transitions_near(&s.timezone, o.start);
            match o.dst {
                None => {
                    prop_assert_eq!(real, local, "unmarked {:?}", o);
                    prop_assert!(!o.is_void(), "an unmarked occurrence is void: {:?}", o);
                }
                Some(Dst::Gap) => {
                    let short = local - real;
                    prop_assert!(
                        short == 0 || changes.iter().any(|g| *g > 0 && short == i64::from(*g)),
                        "gap occurrence shorter by {}s, transitions near: {:?}; {:?}", short, changes, o
                    );
                    prop_assert!(changes.iter().any(|g| *g > 0), "marked gap with no gap near: {:?}", o);
                }
                Some(Dst::Fold) => {
                    let long = real - local;
                    prop_assert!(
                        long == 0 || changes.iter().any(|f| *f < 0 && long == -i64::from(*f)),
                        "fold occurrence longer by {}s, transitions near: {:?}; {:?}", long, changes, o
                    );
                    prop_assert!(changes.iter().any(|f| *f < 0), "marked fold with no fold near: {:?}", o);
                    prop_assert!(!o.is_void());
                }
            }
        }
    }
}

#[test]
fn a_window_spanning_a_same_offset_transition_is_not_marked() {
    // Find zones with a transition that changes only the name or DST flag, not the offset,
    // and check an occurrence around one of them is left unmarked.
    let mut checked = 0;
    for name in zones() {
        let zone = resolve_zone(name);
        let start: Timestamp = "1900-01-01T00:00:00Z".parse().unwrap();
        let end: Timestamp = "2060-01-01T00:00:00Z".parse().unwrap();
        let Some(t) = zone
            .tz
            .following(start)
            .take_while(|t| t.timestamp() < end)
            .find(|t| {
                zone.tz
                    .to_offset(t.timestamp() - SignedDuration::from_secs(1))
                    == t.offset()
            })
        else {
            continue;
        };
        let local = t.timestamp().to_zoned_datetime(zone.tz.clone()).datetime();
        if local.hour() == 0 || local.hour() == 23 {
            continue;
        }
        let window = TimeWindow {
            day: local.date().weekday(),
            start: LocalTime::from_hms(local.hour() as u32 - 1, 0, 0).unwrap(),
            end: LocalTime::from_hms(local.hour() as u32 + 1, 0, 0).unwrap(),
        };
        let o = cxsched_core::expand::resolve(zone.tz, local.date(), 0, &window);
        assert_eq!(o.seconds(), 7200, "{name} at {local}");
        assert_eq!(
            o.dst, None,
            "{name}: no offset change at {local}, yet marked {:?}",
            o.dst
        );
        checked += 1;
    }
    assert!(
        checked > 0,
        "no zone with a same-offset transition was found"
    );
}
