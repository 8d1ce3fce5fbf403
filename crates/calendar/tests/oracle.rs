//! The exported calendar, expanded by Python's `icalendar` + `recurring_ical_events` (code
//! no one here wrote), yields exactly the occurrences of cxsched's own expansion over a year
//! with DST changes, in zones with one-hour and half-hour shifts, on both hemispheres, with
//! windows in gaps and folds. Checked twice: with the zones resolved by zoneinfo (pinned
//! `tzdata`), and with the calendar's own VTIMEZONE definitions.
//!
//! With its own VTIMEZONE-built zones, `icalendar` reads a local time that falls in a
//! spring-forward gap with the offset *after* the gap (NY `02:30` → `06:30Z`), where RFC 5545
//! §3.3.5 says to use the offset before it (`07:30Z`, one hour after 01:30 EST), as zoneinfo
//! with `fold=0` and cxsched do. Occurrences with a boundary in a gap are therefore compared
//! only in the zoneinfo run; in the VTIMEZONE run every other occurrence must match, and
//! the skipped ones are counted so the exclusion cannot grow unnoticed.

use std::path::Path;
use std::process::Command;

use cxsched_calendar::{CalendarOptions, write_calendar};
use cxsched_core::{Date, Format, Schedule, occurrences, parse_document};

const FROM: &str = "2026-01-01";
const DAYS: u32 = 366;

/// Windows around each zone's 2026 transitions (all on Sundays), plus ordinary ones; a
/// zone has several campaigns because windows of one day must not overlap.
/// `(dayOfWeek, startTime, endTime)`.
type Window = (&'static str, &'static str, &'static str);

const CAMPAIGNS: &[(&str, &[Window])] = &[
    (
        "America/New_York",
        &[
            ("SUNDAY", "01:00:00", "03:30:00"),
            ("MONDAY", "09:00:00", "17:00:00"),
        ],
    ),
    (
        "America/New_York",
        &[
            ("SUNDAY", "01:30:00", "02:30:00"),
            ("SUNDAY", "02:30:00", "02:45:00"),
        ],
    ),
    ("America/New_York", &[("SUNDAY", "02:00:00", "02:15:00")]),
    (
        "Europe/London",
        &[
            ("SUNDAY", "00:30:00", "01:30:00"),
            ("FRIDAY", "08:00:00", "21:00:00"),
        ],
    ),
    ("Europe/London", &[("SUNDAY", "01:15:00", "01:45:00")]),
    ("Europe/London", &[("SUNDAY", "01:00:00", "02:00:00")]),
    (
        "Australia/Sydney",
        &[
            ("SUNDAY", "02:00:00", "03:00:00"),
            ("WEDNESDAY", "10:00:00", "16:30:00"),
        ],
    ),
    ("Australia/Sydney", &[("SUNDAY", "02:15:00", "02:45:00")]),
    ("Australia/Sydney", &[("SUNDAY", "01:00:00", "04:00:00")]),
    (
        "Australia/Lord_Howe",
        &[
            ("SUNDAY", "01:45:00", "02:15:00"),
            ("SATURDAY", "23:00:00", "23:59:59"),
        ],
    ),
    ("Australia/Lord_Howe", &[("SUNDAY", "02:00:00", "02:20:00")]),
    ("Australia/Lord_Howe", &[("SUNDAY", "01:00:00", "03:00:00")]),
    ("UTC", &[("TUESDAY", "13:00:00", "14:00:00")]),
];

fn schedule(i: usize, zone: &str, windows: &[(&str, &str, &str)]) -> Schedule {
    let windows: Vec<serde_json::Value> = windows
        .iter()
        .map(|(d, s, e)| serde_json::json!({"dayOfWeek": d, "startTime": s, "endTime": e}))
        .collect();
    let doc = serde_json::json!({
        "campaignId": format!("00000000-0000-4000-8000-{:012}", i + 1),
        "timezone": zone,
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 5,
        "timeWindows": windows,
    });
    let v = parse_document(&doc.to_string(), Format::Json);
    *v.schedule
        .unwrap_or_else(|| panic!("{zone}: {:?}", v.errors))
}

/// `(campaignId, window, startUtc, endUtc)` of every occurrence that happens, sorted.
type Occ = (String, u64, String, String);

/// `(campaignId, window, local date)`: which occurrence.
type Key = (String, u64, String);

fn expected(schedules: &[Schedule], from: Date) -> Vec<(Key, Occ)> {
    let mut v: Vec<(Key, Occ)> = schedules
        .iter()
        .flat_map(|s| {
            occurrences(s, from, DAYS)
                .filter(|o| !o.is_void())
                .map(|o| {
                    let id = s.campaign_id.to_string();
                    (
                        (id.clone(), o.window as u64, o.date.to_string()),
                        (id, o.window as u64, o.start.to_string(), o.end.to_string()),
                    )
                })
        })
        .collect();
    v.sort_by(|a, b| (&a.1.0, &a.1.2, a.1.1).cmp(&(&b.1.0, &b.1.2, b.1.1)));
    v
}

/// Occurrences with a start or end wall time that does not exist (in a gap).
fn gap_keys(schedules: &[Schedule], from: Date) -> Vec<Key> {
    let in_gap = |s: &Schedule, dt: jiff::civil::DateTime| {
        matches!(
            s.timezone.tz.to_ambiguous_timestamp(dt).offset(),
            jiff::tz::AmbiguousOffset::Gap { .. }
        )
    };
    schedules
        .iter()
        .flat_map(|s| {
            occurrences(s, from, DAYS)
                .filter(|o| {
                    let w = &s.windows[o.window];
                    in_gap(s, o.date.to_datetime(w.start.to_civil()))
                        || in_gap(s, o.date.to_datetime(w.end.to_civil()))
                })
                .map(|o| {
                    (
                        s.campaign_id.to_string(),
                        o.window as u64,
                        o.date.to_string(),
                    )
                })
        })
        .collect()
}

/// Runs the Python oracle on `ics`; fails (does not skip) when no interpreter is configured.
fn oracle(ics: &Path, to: Date, use_vtimezone: bool) -> Vec<(Key, Occ)> {
    let python = std::env::var("CXSCHED_PYTHON").unwrap_or_else(|_| {
        panic!(
            "CXSCHED_PYTHON is not set: point it at a Python with tests/oracle/requirements.txt \
             installed (for example .venv/bin/python after `.ci/run`)"
        )
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oracle/ical_oracle.py");
    let mut cmd = Command::new(&python);
    cmd.arg(&script)
        .arg(ics)
        .args(["--from", FROM, "--to", &to.to_string()]);
    if use_vtimezone {
        cmd.arg("--use-vtimezone");
    }
    let out = cmd
        .env("PYTHONTZPATH", "")
        .output()
        .unwrap_or_else(|e| panic!("cannot run CXSCHED_PYTHON={python}: {e}"));
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    list.iter()
        .map(|o| {
            let id = o["campaignId"].as_str().unwrap().to_string();
            let window = o["window"].as_u64().unwrap();
            (
                (id.clone(), window, o["date"].as_str().unwrap().to_string()),
                (
                    id,
                    window,
                    o["startUtc"].as_str().unwrap().to_string(),
                    o["endUtc"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

fn diff(a: &[Occ], b: &[Occ]) -> String {
    let only_a: Vec<&Occ> = a.iter().filter(|x| !b.contains(x)).take(10).collect();
    let only_b: Vec<&Occ> = b.iter().filter(|x| !a.contains(x)).take(10).collect();
    format!("only in cxsched: {only_a:#?}\nonly in the oracle: {only_b:#?}")
}

#[test]
fn python_icalendar_expands_the_calendar_to_exactly_the_expanded_occurrences() {
    let schedules: Vec<Schedule> = CAMPAIGNS
        .iter()
        .enumerate()
        .map(|(i, (z, w))| schedule(i, z, w))
        .collect();
    let from: Date = FROM.parse().unwrap();
    let to = from
        .checked_add(jiff::Span::new().days(i64::from(DAYS)))
        .unwrap();
    let options = CalendarOptions {
        from,
        days: DAYS,
        dtstamp: "2026-01-01T00:00:00Z".parse().unwrap(),
    };
    let ics = write_calendar(&schedules, &options);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("windows.ics");
    std::fs::write(&path, &ics).unwrap();

    let want = expected(&schedules, from);
    assert!(want.len() > 500, "a year of weekly windows");
    // The DST edge cases are really in there.
    let edge = schedules
        .iter()
        .flat_map(|s| occurrences(s, from, DAYS))
        .filter(|o| o.dst.is_some())
        .count();
    assert!(edge >= 20, "{edge} occurrences touch a transition");

    let occs = |list: &[(Key, Occ)]| list.iter().map(|(_, o)| o.clone()).collect::<Vec<Occ>>();
    let got = occs(&oracle(&path, to, false));
    assert!(got == occs(&want), "zoneinfo\n{}", diff(&occs(&want), &got));

    let gaps = gap_keys(&schedules, from);
    let outside_gaps = |list: &[(Key, Occ)]| {
        list.iter()
            .filter(|(k, _)| !gaps.contains(k))
            .map(|(_, o)| o.clone())
            .collect::<Vec<Occ>>()
    };
    let got_all = oracle(&path, to, true);
    let (want_v, got_v) = (outside_gaps(&want), outside_gaps(&got_all));
    assert!(got_v == want_v, "VTIMEZONE\n{}", diff(&want_v, &got_v));
    assert_eq!(
        got_all.len() - got_v.len(),
        8,
        "occurrences with a boundary in a gap: {gaps:?}"
    );
}
