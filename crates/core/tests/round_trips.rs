//! Round trips of the schedule model, as property tests:
//!
//! - `LocalTime`: printing then parsing gives the same time, and whatever `HH:MM:SS` text
//!   parses prints back to the same text;
//! - documents: a generated schedule written as JSON, TOML and YAML reads back as the same
//!   schedule, and its API body (`to_wire`) validates (wire profile) as the same schedule.

use cxsched_core::model::{Compliance, Directive, weekday_name};
use cxsched_core::validate::{Profile, validate_value};
use cxsched_core::{Format, LocalTime, Schedule, TimeWindow, Weekday, parse_document};
use proptest::prelude::*;

proptest! {
    #[test]
    fn local_time_prints_and_parses_back(secs in 0u32..LocalTime::DAY) {
        let t = LocalTime::from_seconds(secs).unwrap();
        let text = t.to_string();
        prop_assert_eq!(text.len(), 8);
        prop_assert_eq!(LocalTime::parse(&text), Ok(t));
        prop_assert_eq!(t.to_civil().to_string(), text);
    }

    #[test]
    fn hh_mm_ss_text_parses_exactly_when_in_range(h in 0u32..100, m in 0u32..100, s in 0u32..100) {
        let text = format!("{h:02}:{m:02}:{s:02}");
        match LocalTime::parse(&text) {
            Ok(t) => {
                prop_assert!(h < 24 && m < 60 && s < 60, "{} accepted", text);
                prop_assert_eq!(t.to_string(), text);
                prop_assert_eq!(t.seconds(), h * 3600 + m * 60 + s);
            }
            Err(message) => {
                prop_assert!(h >= 24 || m >= 60 || s >= 60, "{} refused: {}", text, message);
                prop_assert!(message.contains(&format!("{text:?}")), "{}", message);
            }
        }
    }

    #[test]
    fn any_text_is_parsed_or_refused_without_panicking(text in "\\PC{0,12}") {
        if let Ok(t) = LocalTime::parse(&text) {
            prop_assert_eq!(t.to_string(), text);
        }
    }

    #[test]
    fn a_schedule_reads_back_the_same_from_json_toml_yaml_and_its_wire_body(s in schedule()) {
        let json = s.to_wire().to_string();
        for (format, text) in [(Format::Json, json), (Format::Toml, toml_text(&s)), (Format::Yaml, yaml_text(&s))] {
            let v = parse_document(&text, format);
            prop_assert!(v.errors.is_empty(), "{:?}: {:?}\n{}", format, v.errors, text);
            let back = *v.schedule.unwrap();
            prop_assert_eq!(&back, &s, "{:?}", format);
            prop_assert_eq!(&back.timezone.name, &s.timezone.name);
            prop_assert_eq!(back.windows, s.windows.clone(), "window order is kept");
        }
        let wire = validate_value(&s.to_wire(), Profile::Wire);
        prop_assert!(wire.errors.is_empty(), "{:?}", wire.errors);
        prop_assert_eq!(*wire.schedule.unwrap(), s);
    }
}

fn schedule() -> impl Strategy<Value = Schedule> {
    let zones = prop::sample::select(vec![
        "America/New_York",
        "US/Eastern",
        "Europe/London",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Asia/Calcutta",
        "UTC",
        "Etc/UTC",
        "America/Santiago",
        "Pacific/Chatham",
    ]);
    (
        any::<u128>().prop_filter("not nil", |n| *n != 0),
        prop::option::of(any::<u128>().prop_filter("not nil", |n| *n != 0)),
        zones,
        prop::sample::select(Directive::ALL.to_vec()),
        1u16..=500,
        windows(),
    )
        .prop_map(
            |(campaign, schedule_id, zone, directive, calls, windows)| Schedule {
                campaign_id: uuid::Uuid::from_u128(campaign),
                schedule_id: schedule_id.map(uuid::Uuid::from_u128),
                timezone: cxsched_core::zone::resolve(zone).unwrap().zone,
                directive,
                max_concurrent_calls: calls,
                windows,
                compliance: Compliance::default(),
                skill_ids: Vec::new(),
            },
        )
}

/// Up to 8 non-overlapping windows on each of a few days, in shuffled order.
fn windows() -> impl Strategy<Value = Vec<TimeWindow>> {
    const WEEK: [Weekday; 7] = cxsched_core::model::WEEKDAYS;
    // Day indexes (0 = Monday) mapped to sorted window boundaries.
    prop::collection::btree_map(
        0usize..7,
        prop::collection::btree_set(0u32..LocalTime::DAY, 2..17),
        0..5,
    )
    .prop_map(|days| {
        days.into_iter()
            .flat_map(|(day, points)| {
                let points: Vec<u32> = points.into_iter().collect();
                points
                    .chunks_exact(2)
                    .map(|p| TimeWindow {
                        day: WEEK[day],
                        start: LocalTime::from_seconds(p[0]).unwrap(),
                        end: LocalTime::from_seconds(p[1]).unwrap(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    })
    .prop_shuffle()
}

fn toml_text(s: &Schedule) -> String {
    let mut t = format!("campaignId = \"{}\"\n", s.campaign_id);
    if let Some(id) = s.schedule_id {
        t += &format!("scheduleId = \"{id}\"\n");
    }
    t += &format!(
        "timezone = \"{}\"\nbusinessHoursDirective = \"{}\"\nmaxConcurrentCalls = {}\n",
        s.timezone.name,
        s.directive.as_str(),
        s.max_concurrent_calls
    );
    if s.windows.is_empty() {
        t += "timeWindows = []\n";
    }
    for w in &s.windows {
        t += &format!(
            "\n[[timeWindows]]\ndayOfWeek = \"{}\"\nstartTime = \"{}\"\nendTime = \"{}\"\n",
            weekday_name(w.day),
            w.start,
            w.end
        );
    }
    t
}

fn yaml_text(s: &Schedule) -> String {
    let mut y = format!("campaignId: {}\n", s.campaign_id);
    if let Some(id) = s.schedule_id {
        y += &format!("scheduleId: \"{id}\"\n");
    }
    y += &format!(
        "timezone: {}\nbusinessHoursDirective: {}\nmaxConcurrentCalls: {}\n",
        s.timezone.name,
        s.directive.as_str(),
        s.max_concurrent_calls
    );
    if s.windows.is_empty() {
        y += "timeWindows: []\n";
    } else {
        y += "timeWindows:\n";
    }
    for w in &s.windows {
        y += &format!(
            "  - dayOfWeek: {}\n    startTime: \"{}\"\n    endTime: \"{}\"\n",
            weekday_name(w.day),
            w.start,
            w.end
        );
    }
    y
}
