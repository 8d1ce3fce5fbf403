//! End-to-end tests of rules over time and blackouts (issue 12), through the binary: a
//! change of the embedded pack inside a horizon that starts before and ends after it (each
//! change date is a table of the compliance crate, `tests/state_rules_table.rs`), blackouts
//! from documents and from `--blackouts FILE`, and `rules lint`.

use crate::util::{CAMPAIGN, check_json as check, check_output as run};
use serde_json::{Value, json};

/// Every day 10:00–20:30 in `zone`: past an 8 p.m. close, inside a 9 p.m. one.
fn doc(zone: &str, compliance: Value) -> Value {
    let days = [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ];
    json!({
        "campaignId": CAMPAIGN,
        "timezone": zone,
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 10,
        "timeWindows": days.iter().map(|d| json!({"dayOfWeek": d, "startTime": "10:00:00", "endTime": "20:30:00"})).collect::<Vec<_>>(),
        "compliance": compliance,
    })
}

fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// (rule, ruleVersion, zone, firstDate, lastDate) of the hours findings of state rules.
fn versions(report: &Value) -> Vec<(String, String, String, String, String)> {
    let mut v: Vec<_> = findings(report, "OUTSIDE_LEGAL_HOURS")
        .into_iter()
        .filter(|f| !f["rule"].as_str().unwrap().starts_with("US-FED"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["ruleVersion"].as_str().unwrap_or("null").to_owned(),
                f["recipientZone"].as_str().unwrap().to_owned(),
                f["firstDate"].as_str().unwrap().to_owned(),
                f["lastDate"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The dates of every finding with `rule` and `version`, as (first, last) pairs.
fn dates_of(
    v: &[(String, String, String, String, String)],
    rule: &str,
    version: &str,
) -> (String, String) {
    let of: Vec<_> = v.iter().filter(|f| f.0 == rule && f.1 == version).collect();
    assert!(!of.is_empty(), "no {rule} {version} finding in {v:?}");
    (
        of.iter().map(|f| f.3.clone()).min().unwrap(),
        of.iter().map(|f| f.4.clone()).max().unwrap(),
    )
}

/// A change that keeps the hours: the findings continue, each version on its own dates.
#[test]
fn washington_versions_split_at_eshb_1497() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/Los_Angeles",
        json!({"recipients": {"states": ["WA"]}}),
    );
    let (_, r) = check(
        dir.path(),
        &d,
        &["--from", "2022-05-26", "--horizon-days", "28"],
    );
    let v = versions(&r);
    assert_eq!(
        dates_of(&v, "US-WA", "before 2022-06-09"),
        ("2022-05-26".to_string(), "2022-06-08".to_string())
    );
    assert_eq!(
        dates_of(&v, "US-WA", "2022-06-09"),
        ("2022-06-09".to_string(), "2022-06-22".to_string())
    );
}

/// (zone, state, firstDate, lastDate, blackout name in the message) of BLACKOUT findings.
fn blackouts(report: &Value) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = findings(report, "BLACKOUT")
        .into_iter()
        .map(|f| {
            assert_eq!(f["severity"], "error");
            assert!(f["rule"].is_null());
            (
                f["recipientZone"].as_str().unwrap().to_owned(),
                f["state"].as_str().unwrap_or("-").to_owned(),
                f["firstDate"].as_str().unwrap().to_owned(),
                f["lastDate"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// No two BLACKOUT findings of one window, zone and state share a date.
fn no_overlap(report: &Value) {
    let mut seen = std::collections::BTreeSet::new();
    for f in findings(report, "BLACKOUT") {
        let first =
            jiff::civil::Date::strptime("%Y-%m-%d", f["firstDate"].as_str().unwrap()).unwrap();
        let last =
            jiff::civil::Date::strptime("%Y-%m-%d", f["lastDate"].as_str().unwrap()).unwrap();
        let mut d = first;
        while d <= last {
            assert!(
                seen.insert((
                    f["window"].to_string(),
                    f["recipientZone"].to_string(),
                    f["state"].to_string(),
                    d
                )),
                "overlapping BLACKOUT findings on {d}"
            );
            d = d.checked_add(jiff::Span::new().days(7)).unwrap();
        }
    }
}

#[test]
fn document_blackouts_per_state_and_for_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/New_York",
        json!({
            "recipients": {"states": ["NY", "LA"]},
            "blackouts": [
                {"name": "Company holiday", "from": "2026-12-24", "to": "2026-12-25"},
                {"name": "Hurricane emergency", "from": "2026-12-28", "to": "2026-12-29", "states": ["LA"]},
                // Overlaps the first for LA only.
                {"name": "LA pause", "from": "2026-12-25", "to": "2026-12-26", "states": ["la"]},
                // Before and after the horizon: nothing.
                {"name": "Past", "from": "2026-01-01", "to": "2026-12-20"},
                {"name": "Future", "from": "2027-01-05", "to": "2027-01-09"},
            ]
        }),
    );
    let (code, r) = check(
        dir.path(),
        &d,
        &["--from", "2026-12-21", "--horizon-days", "14"],
    );
    assert_eq!(code, 1);
    no_overlap(&r);
    let b = blackouts(&r);
    let ny: Vec<_> = b
        .iter()
        .filter(|f| f.1 == "NY")
        .map(|f| f.2.as_str())
        .collect();
    assert_eq!(ny, ["2026-12-24", "2026-12-25"], "{b:?}");
    let la: Vec<_> = b
        .iter()
        .filter(|f| f.1 == "LA")
        .map(|f| f.2.as_str())
        .collect();
    assert_eq!(
        la,
        [
            "2026-12-24",
            "2026-12-25",
            "2026-12-26",
            "2026-12-28",
            "2026-12-29"
        ],
        "{b:?}"
    );
    let msg = findings(&r, "BLACKOUT")
        .into_iter()
        .find(|f| f["firstDate"] == "2026-12-28")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.contains("Hurricane emergency"), "{msg}");
    // Outside every blackout's dates, nothing.
    let (_, r) = check(
        dir.path(),
        &d,
        &["--from", "2027-01-10", "--horizon-days", "30"],
    );
    assert!(blackouts(&r).is_empty());
}

#[test]
fn blackouts_file_in_toml_and_json_by_zone() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("emergencies.toml");
    std::fs::write(
        &toml,
        r#"
[[blackouts]]
name = "Declared emergency"
from = 2026-12-22
to = 2026-12-23
zones = ["America/Chicago"]
source = "Governor's proclamation JBE 2026-1"
reason = "hurricane"
"#,
    )
    .unwrap();
    let json_file = dir.path().join("holidays.json");
    std::fs::write(
        &json_file,
        json!({"blackouts": [{"name": "Proclaimed holiday", "from": "2026-12-23", "to": "2026-12-23", "source": "proclamation", "reason": "day of mourning"}]}).to_string(),
    )
    .unwrap();
    let d = doc(
        "America/New_York",
        json!({"recipients": {"zones": ["America/Chicago", "America/New_York"]}}),
    );
    let (code, r) = check(
        dir.path(),
        &d,
        &[
            "--from",
            "2026-12-21",
            "--horizon-days",
            "7",
            "--blackouts",
            toml.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    let b = blackouts(&r);
    assert_eq!(
        b.iter()
            .map(|f| (f.0.as_str(), f.2.as_str()))
            .collect::<Vec<_>>(),
        [
            ("America/Chicago", "2026-12-22"),
            ("America/Chicago", "2026-12-23")
        ]
    );
    let f = findings(&r, "BLACKOUT")[0];
    assert_eq!(f["citation"], "Governor's proclamation JBE 2026-1");
    assert!(f["message"].as_str().unwrap().contains("hurricane"), "{f}");
    let (_, r) = check(
        dir.path(),
        &d,
        &[
            "--from",
            "2026-12-21",
            "--horizon-days",
            "7",
            "--blackouts",
            json_file.to_str().unwrap(),
        ],
    );
    no_overlap(&r);
    let b = blackouts(&r);
    assert_eq!(b.len(), 2, "{b:?}");
    assert!(b.iter().all(|f| f.2 == "2026-12-23"), "{b:?}");
}

#[test]
fn bad_blackouts_are_errors_with_paths() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/New_York",
        json!({"blackouts": [
            {"name": "backwards", "from": "2026-12-24", "to": "2026-12-20"},
            {"name": "nowhere", "from": "2026-12-24", "to": "2026-12-24", "states": ["XX"]},
            {"name": "bad date", "from": "2026-13-01", "to": "2026-12-24"},
            {"from": "2026-12-24", "to": "2026-12-24", "zones": ["Mars/Olympus"]},
        ]}),
    );
    let (code, r) = check(dir.path(), &d, &["--from", "2026-12-21"]);
    assert_eq!(code, 1);
    let paths = crate::util::error_paths(&r);
    assert_eq!(
        paths,
        [
            "compliance.blackouts[0].to",
            "compliance.blackouts[1].states[0]",
            "compliance.blackouts[2].from",
            "compliance.blackouts[3].name",
            "compliance.blackouts[3].zones[0]",
        ],
        "{r}"
    );
    // A file: exit status 2, every problem with the file and its path.
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[[blackouts]]\nname = \"x\"\nfrom = 2026-12-24\nto = 2026-12-01\nstates = [\"ZZ\"]\nextra = 1\n").unwrap();
    let out = run(
        dir.path(),
        &doc("America/New_York", json!({})),
        &["--blackouts", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for path in [
        "blackouts[0].extra",
        "blackouts[0].to",
        "blackouts[0].states[0]",
    ] {
        assert!(err.contains(path), "{path}: {err}");
    }
}

#[test]
fn rules_lint_reports_every_problem_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    std::fs::write(
        &pack,
        r#"
[pack]
name = "custom"
version = "1"
disclaimer = "x"

[[rules]]
id = "US-FED-TCPA"
title = "federal"
purposes = ["telemarketing"]
citation = "c"
confidence = "H"
hours = "08:00-21:00"

[[rules]]
id = "US-CT"
title = "old"
state = "CT"
purposes = ["telemarketing"]
citation = "c"
confidence = "M"
hours = "09:00-21:00"
effective_to = 2023-10-02

[[rules]]
id = "US-CT"
title = "new"
state = "CT"
purposes = ["telemarketing"]
citation = "c"
confidence = "Q"
hours = "09:00-20:00"
effective_from = 2023-10-01

[[rules]]
id = "US-OK"
title = "bad"
state = "OK"
purposes = ["telemarketing"]
citation = "c"
confidence = "M"
hours = "8pm"
zones = ["Nowhere/City"]
"#,
    )
    .unwrap();
    let lint = |args: &[&str]| crate::util::command().args(args).output().unwrap();
    let out = lint(&["--output", "json", "rules", "lint", pack.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["valid"], false);
    let paths = crate::util::error_paths(&r);
    assert_eq!(
        paths,
        [
            "rules[2] (US-CT).confidence",
            "rules[3] (US-OK).hours",
            "rules[3] (US-OK).zones[0]",
        ],
        "{r}"
    );
    // Once the confidence is fixed, the overlap shows.
    let text = std::fs::read_to_string(&pack)
        .unwrap()
        .replace("\"Q\"", "\"M\"")
        .replace("8pm", "08:00-20:00")
        .replace("zones = [\"Nowhere/City\"]\n", "");
    std::fs::write(&pack, text).unwrap();
    let out = lint(&["rules", "lint", pack.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("error: rules[2] (US-CT).effective_from: versions of \"US-CT\" overlap"),
        "{human}"
    );
    // The embedded pack's own text lints clean.
    let embedded = dir.path().join("us.toml");
    std::fs::write(
        &embedded,
        include_str!("../../compliance/data/rules/us.toml"),
    )
    .unwrap();
    let out = lint(&["rules", "lint", embedded.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
