//! `cxsched expand` end to end, through the real binary: the JSON and human outputs of
//! CONTRACT §2, DST resolution as CONTRACT §3 describes it (New York's spring forward: gap
//! times moved forward, the void occurrence omitted), and exit statuses. The other DST
//! cases (a fold's earlier instant, half-hour shifts, a midnight gap keeping the weekday's
//! date) are a table of the core crate, `tests/dst_table.rs`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::util::{CAMPAIGN, command as cxsched, schedule, success};

/// Writes a schedule document with `windows` in `zone` and returns its path.
fn document(dir: &Path, zone: &str, windows: &[(&str, &str, &str)]) -> PathBuf {
    let path = dir.join(format!("{}.json", zone.replace('/', "_")));
    std::fs::write(&path, schedule(zone, windows).to_string()).unwrap();
    path
}

fn expand_json(path: &Path, from: &str, days: u32) -> Value {
    let out = cxsched()
        .args([
            "expand",
            "--output",
            "json",
            "--from",
            from,
            "--days",
            &days.to_string(),
        ])
        .arg(path)
        .output()
        .unwrap();
    serde_json::from_str(&success(&out)).unwrap()
}

/// (date, window, startUtc, endUtc, dst) of every occurrence.
fn summary(v: &Value) -> Vec<(String, u64, String, String, Value)> {
    v["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["date"].as_str().unwrap().to_owned(),
                o["window"].as_u64().unwrap(),
                o["startUtc"].as_str().unwrap().to_owned(),
                o["endUtc"].as_str().unwrap().to_owned(),
                o["dst"].clone(),
            )
        })
        .collect()
}

#[test]
fn json_output_has_the_contract_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let path = document(
        tmp.path(),
        "America/New_York",
        &[("MONDAY", "09:00:00", "17:00:00")],
    );
    let v = expand_json(&path, "2026-06-01", 7);
    assert_eq!(v["campaignId"], CAMPAIGN);
    assert_eq!(v["timezone"], "America/New_York");
    assert_eq!(
        v["occurrences"],
        json!([{
            "date": "2026-06-01", "dayOfWeek": "MONDAY", "window": 0,
            "start": "2026-06-01T09:00:00-04:00", "end": "2026-06-01T17:00:00-04:00",
            "startUtc": "2026-06-01T13:00:00Z", "endUtc": "2026-06-01T21:00:00Z", "dst": null
        }])
    );
}

#[test]
fn new_york_spring_forward_moves_gap_times_and_omits_the_void_window() {
    let tmp = tempfile::tempdir().unwrap();
    let path = document(
        tmp.path(),
        "America/New_York",
        &[
            ("SUNDAY", "01:00:00", "02:00:00"), // ends where the gap starts
            ("SUNDAY", "02:00:00", "02:30:00"), // inside the gap: moved forward
            ("SUNDAY", "02:30:00", "03:00:00"), // left empty by the gap: void
            ("SUNDAY", "03:00:00", "04:00:00"), // after the gap: plain
            ("SUNDAY", "00:30:00", "01:00:00"), // before the gap: plain
        ],
    );
    let v = expand_json(&path, "2026-03-08", 1);
    assert_eq!(
        summary(&v),
        vec![
            (
                "2026-03-08".into(),
                4,
                "2026-03-08T05:30:00Z".into(),
                "2026-03-08T06:00:00Z".into(),
                Value::Null
            ),
            (
                "2026-03-08".into(),
                0,
                "2026-03-08T06:00:00Z".into(),
                "2026-03-08T07:00:00Z".into(),
                json!("gap")
            ),
            (
                "2026-03-08".into(),
                1,
                "2026-03-08T07:00:00Z".into(),
                "2026-03-08T07:30:00Z".into(),
                json!("gap")
            ),
            (
                "2026-03-08".into(),
                3,
                "2026-03-08T07:00:00Z".into(),
                "2026-03-08T08:00:00Z".into(),
                Value::Null
            ),
        ]
    );
    // The moved start is shown in the offset in force at that instant.
    assert_eq!(v["occurrences"][2]["start"], "2026-03-08T03:00:00-04:00");
}

#[test]
fn human_output_lists_occurrences_with_their_dst_mark() {
    let tmp = tempfile::tempdir().unwrap();
    let path = document(
        tmp.path(),
        "America/New_York",
        &[("SUNDAY", "01:30:00", "02:30:00")],
    );
    let out = cxsched()
        .args([
            "expand",
            "--output",
            "human",
            "--from",
            "2026-11-01",
            "--days",
            "8",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{CAMPAIGN} in America/New_York\n")),
        "{text}"
    );
    assert!(text.contains("2026-11-01 SUNDAY"), "{text}");
    assert!(text.contains("[DST fold]"), "{text}");
    assert!(text.trim_end().ends_with("2 occurrences"), "{text}");
}

#[test]
fn an_invalid_document_is_reported_not_expanded() {
    let tmp = tempfile::tempdir().unwrap();
    let path = document(tmp.path(), "EST", &[("MONDAY", "09:00:00", "17:00:00")]);
    let out = cxsched()
        .args([
            "expand",
            "--output",
            "json",
            "--from",
            "2026-06-01",
            "--days",
            "7",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"][0]["path"], "timezone");
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let path = document(tmp.path(), "UTC", &[("MONDAY", "09:00:00", "17:00:00")]);
    for args in [
        vec!["expand", "--from", "2026-06-01"], // no --days
        vec!["expand", "--days", "7"],          // no --from
        vec!["expand", "--from", "2026-02-30", "--days", "7"], // no such date
        vec!["expand", "--from", "2026-06-01", "--days", "0"], // empty range
        vec!["expand", "--from", "9999-12-27", "--days", "7"], // past the supported dates
        vec!["expand", "--from", "1000-01-01", "--days", "7"], // before them
    ] {
        let out = cxsched().args(&args).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            !out.stderr.is_empty(),
            "{args:?}: a usage error says what is wrong"
        );
    }
    let missing = tmp.path().join("missing.json");
    let out = cxsched()
        .args(["expand", "--from", "2026-06-01", "--days", "7"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a file that does not exist is a usage error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

#[test]
fn version_names_the_bundled_tz_database() {
    let out = cxsched().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("cxsched "), "{text}");
    assert!(
        text.contains(&format!("(tzdb {})", cxsched_core::tzdb_version())),
        "{text}"
    );
}
