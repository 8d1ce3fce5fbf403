//! `cxsched calendar` through the real binary: the written calendar, expanded by Python's
//! `icalendar` + `recurring_ical_events`, yields exactly what `cxsched expand --output json`
//! gives for the same schedules and span (a year with DST changes in New York, London,
//! Sydney and Lord Howe, windows in gaps and folds); re-export keeps UIDs; invalid
//! documents are reported like `validate` and left out.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{asserting as cxsched, oracle as run_oracle, success};
use serde_json::{Value, json};

const FROM: &str = "2026-01-01";
const DAYS: &str = "366";
const TO: &str = "2027-01-02";

/// One document per zone, with windows at the zone's 2026 transitions (Sundays).
fn documents(dir: &Path) -> Vec<PathBuf> {
    let docs = [
        (
            "ny.json",
            "America/New_York",
            json!([
                {"dayOfWeek": "SUNDAY", "startTime": "01:00:00", "endTime": "02:15:00"},
                {"dayOfWeek": "SUNDAY", "startTime": "02:30:00", "endTime": "03:00:00"},
                {"dayOfWeek": "SUNDAY", "startTime": "03:00:00", "endTime": "04:00:00"},
                {"dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": "17:00:00"}
            ]),
        ),
        (
            "london.json",
            "Europe/London",
            json!([
                {"dayOfWeek": "SUNDAY", "startTime": "00:30:00", "endTime": "01:30:00"},
                {"dayOfWeek": "SUNDAY", "startTime": "01:30:00", "endTime": "02:30:00"},
                {"dayOfWeek": "FRIDAY", "startTime": "08:00:00", "endTime": "21:00:00"}
            ]),
        ),
        (
            "sydney.json",
            "Australia/Sydney",
            json!([
                {"dayOfWeek": "SUNDAY", "startTime": "01:00:00", "endTime": "04:00:00"},
                {"dayOfWeek": "WEDNESDAY", "startTime": "10:00:00", "endTime": "16:30:00"}
            ]),
        ),
        (
            "lord_howe.json",
            "Australia/Lord_Howe",
            json!([
                {"dayOfWeek": "SUNDAY", "startTime": "01:45:00", "endTime": "02:15:00"},
                {"dayOfWeek": "SUNDAY", "startTime": "02:15:00", "endTime": "03:00:00"},
                {"dayOfWeek": "SATURDAY", "startTime": "23:00:00", "endTime": "23:59:59"}
            ]),
        ),
    ];
    docs.iter()
        .enumerate()
        .map(|(i, (name, zone, windows))| {
            let path = dir.join(name);
            let doc = json!({
                "campaignId": crate::util::campaign_id(i + 1),
                "timezone": zone,
                "businessHoursDirective": "STRICT",
                "maxConcurrentCalls": 10,
                "timeWindows": windows,
            });
            std::fs::write(&path, doc.to_string()).unwrap();
            path
        })
        .collect()
}

type Occ = (String, u64, String, String);

fn expand(doc: &Path) -> Vec<Occ> {
    let out = cxsched()
        .args(["--output", "json", "expand"])
        .arg(doc)
        .args(["--from", FROM, "--days", DAYS])
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&success(&out)).unwrap();
    let id = v["campaignId"].as_str().unwrap().to_string();
    v["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                id.clone(),
                o["window"].as_u64().unwrap(),
                o["startUtc"].as_str().unwrap().to_string(),
                o["endUtc"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn oracle(ics: &Path) -> Vec<Occ> {
    let out = run_oracle("ical_oracle.py")
        .arg(ics)
        .args(["--from", FROM, "--to", TO])
        .output()
        .expect("run CXSCHED_PYTHON");
    assert!(
        out.status.success(),
        "oracle: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    list.iter()
        .map(|o| {
            (
                o["campaignId"].as_str().unwrap().to_string(),
                o["window"].as_u64().unwrap(),
                o["startUtc"].as_str().unwrap().to_string(),
                o["endUtc"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn sorted(mut v: Vec<Occ>) -> Vec<Occ> {
    v.sort_by(|a, b| (&a.0, &a.2, a.1).cmp(&(&b.0, &b.2, b.1)));
    v
}

#[test]
fn the_calendar_expanded_by_python_icalendar_equals_cxsched_expand() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(dir.path());
    let ics = dir.path().join("windows.ics");
    cxsched()
        .arg("calendar")
        .args(&docs)
        .arg("-o")
        .arg(&ics)
        .args(["--from", FROM, "--days", DAYS])
        .assert()
        .code(0);
    let want = sorted(docs.iter().flat_map(|d| expand(d)).collect());
    assert!(want.len() > 600, "{} occurrences", want.len());
    let got = oracle(&ics);
    let only_want: Vec<&Occ> = want.iter().filter(|o| !got.contains(o)).take(10).collect();
    let only_got: Vec<&Occ> = got.iter().filter(|o| !want.contains(o)).take(10).collect();
    assert!(
        got == want,
        "only in expand: {only_want:#?}\nonly in the calendar: {only_got:#?}"
    );

    let text = std::fs::read_to_string(&ics).unwrap();
    for zone in [
        "America/New_York",
        "Europe/London",
        "Australia/Sydney",
        "Australia/Lord_Howe",
    ] {
        assert!(
            text.contains(&format!("TZID:{zone}\r\n")),
            "VTIMEZONE for {zone}"
        );
    }
    // The empty NY 02:30-03:00 of the spring day is excluded, not listed.
    assert!(
        text.contains("EXDATE;TZID=America/New_York:20260308T023000\r\n"),
        "{text}"
    );
}

#[test]
fn exporting_again_keeps_the_same_uids() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(dir.path());
    let uids = |name: &str| -> BTreeSet<String> {
        let out = dir.path().join(name);
        cxsched()
            .arg("calendar")
            .args(&docs)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(0);
        std::fs::read_to_string(out)
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix("UID:").map(str::to_string))
            .collect()
    };
    let first = uids("a.ics");
    assert_eq!(first.len(), 12, "one UID per window");
    assert_eq!(first, uids("b.ics"));
}

#[test]
fn invalid_documents_are_reported_like_validate_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(dir.path());
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"campaignId":"00000000-0000-4000-8000-000000000099","timezone":"EST","businessHoursDirective":"STRICT","maxConcurrentCalls":1,"timeWindows":[]}"#,
    )
    .unwrap();
    let ics = dir.path().join("out.ics");
    let out = cxsched()
        .args(["--output", "json", "calendar"])
        .arg(&docs[0])
        .arg(&bad)
        .arg("-o")
        .arg(&ics)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"][0]["path"], "timezone");
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.contains("00000000-0000-4000-8000-000000000001"));
    assert!(!text.contains("00000000-0000-4000-8000-000000000099"));

    // Only invalid documents: nothing is written.
    let none = dir.path().join("none.ics");
    cxsched()
        .arg("calendar")
        .arg(&bad)
        .arg("-o")
        .arg(&none)
        .assert()
        .code(1);
    assert!(!none.exists());
}
