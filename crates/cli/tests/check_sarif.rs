//! `check --output sarif`: the log validates against the published SARIF 2.1.0 schema (the
//! `jsonschema` Python package, `tests/oracle/sarif_oracle.py`, interpreter from
//! `CXSCHED_PYTHON`), and every result points at the line and column of its window (or of
//! the field of a validation error) in JSON, TOML and YAML documents whose windows sit on
//! known lines, written in block and inline styles alike.

use std::path::Path;

use serde_json::Value;

use crate::util::run_in as cxsched;

const ID: &str = "a7e3c9d1-2b4f-4a6e-8c0d-1f3e5a7b9c2d";

/// Utah bans Sunday calls: window 2 (a Sunday) is an error wherever it is written.
fn json_doc() -> String {
    format!(
        r#"{{
  "campaignId": "{ID}",
  "timezone": "America/Denver",
  "businessHoursDirective": "STRICT",
  "maxConcurrentCalls": 15,
  "timeWindows": [
    {{ "dayOfWeek": "MONDAY", "startTime": "10:00:00", "endTime": "18:00:00" }},
    {{ "dayOfWeek": "TUESDAY", "startTime": "10:00:00", "endTime": "18:00:00" }},

    {{
      "dayOfWeek": "SUNDAY",
      "startTime": "10:00:00",
      "endTime": "14:00:00"
    }}
  ],
  "compliance": {{ "purpose": "telemarketing", "recipients": {{ "states": ["UT"] }} }}
}}
"#
    )
}

/// Where windows 0, 1, 2 start in [`json_doc`].
const JSON_WINDOWS: [(u64, u64); 3] = [(7, 5), (8, 5), (10, 5)];

fn toml_doc() -> String {
    format!(
        r#"# Utah bans Sunday calls.
campaignId = "{ID}"
timezone = "America/Denver"
businessHoursDirective = "STRICT"
maxConcurrentCalls = 15

[[timeWindows]]
dayOfWeek = "MONDAY"
startTime = "10:00:00"
endTime = "18:00:00"

[[timeWindows]]
dayOfWeek = "TUESDAY"
startTime = "10:00:00"
endTime = "18:00:00"

# the Sunday
[[timeWindows]]
dayOfWeek = "SUNDAY"
startTime = "10:00:00"
endTime = "14:00:00"

[compliance]
purpose = "telemarketing"
recipients = {{ states = ["UT"] }}
"#
    )
}

const TOML_WINDOWS: [(u64, u64); 3] = [(7, 1), (12, 1), (18, 1)];

fn yaml_doc() -> String {
    format!(
        r#"# Utah bans Sunday calls.
campaignId: "{ID}"
timezone: "America/Denver"
businessHoursDirective: "STRICT"
maxConcurrentCalls: 15
timeWindows:
  - dayOfWeek: "MONDAY"
    startTime: "10:00:00"
    endTime: "18:00:00"
  # an inline one
  - {{ dayOfWeek: "TUESDAY", startTime: "10:00:00", endTime: "18:00:00" }}
  -   dayOfWeek: "SUNDAY"
      startTime: "10:00:00"
      endTime: "14:00:00"
compliance:
  purpose: "telemarketing"
  recipients:
    states: ["UT"]
"#
    )
}

const YAML_WINDOWS: [(u64, u64); 3] = [(7, 5), (11, 5), (12, 7)];

/// Validates a SARIF log with the schema oracle; panics with its errors.
fn assert_schema_valid(log: &Path) {
    let out = crate::util::oracle("sarif_oracle.py")
        .arg(log)
        .output()
        .expect("run CXSCHED_PYTHON");
    assert!(
        out.status.success(),
        "the SARIF log does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `check --output sarif` on files of a folder; returns the exit code and the log,
/// after validating the log against the schema.
fn sarif(dir: &Path, files: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["check", "--output", "sarif", "--from", "2026-03-01"];
    args.extend_from_slice(files);
    let out = cxsched(dir, &args);
    let log_path = dir.join("out.sarif");
    std::fs::write(&log_path, &out.stdout).unwrap();
    assert_schema_valid(&log_path);
    (out.status.code(), crate::util::json(&out))
}

fn region(result: &Value) -> (u64, u64) {
    let r = &result["locations"][0]["physicalLocation"]["region"];
    (
        r["startLine"].as_u64().unwrap_or(0),
        r["startColumn"].as_u64().unwrap_or(0),
    )
}

fn uri(result: &Value) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
}

#[test]
fn findings_point_at_their_windows_in_json_toml_and_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("utah.json"), json_doc()).unwrap();
    std::fs::write(tmp.path().join("utah.toml"), toml_doc()).unwrap();
    std::fs::write(tmp.path().join("utah.yaml"), yaml_doc()).unwrap();
    let (code, log) = sarif(tmp.path(), &["utah.json", "utah.toml", "utah.yaml"]);
    assert_eq!(code, Some(1), "errors are exit status 1");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["tool"]["driver"]["name"], "cxsched");
    let results = run["results"].as_array().unwrap();
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();

    for (file, windows) in [
        ("utah.json", JSON_WINDOWS),
        ("utah.toml", TOML_WINDOWS),
        ("utah.yaml", YAML_WINDOWS),
    ] {
        let mine: Vec<&Value> = results.iter().filter(|r| uri(r) == file).collect();
        assert!(!mine.is_empty(), "no results for {file}");
        let sunday: Vec<&&Value> = mine
            .iter()
            .filter(|r| {
                r["properties"]["code"] == "PROHIBITED_DAY" && r["properties"]["window"] == 2
            })
            .collect();
        assert!(!sunday.is_empty(), "{file}: no Sunday finding: {mine:#?}");
        for r in &sunday {
            assert_eq!(r["level"], "error");
            assert_eq!(r["ruleId"], "US-UT");
        }
        for r in &mine {
            let w = r["properties"]["window"]
                .as_u64()
                .expect("a window finding") as usize;
            assert_eq!(region(r), windows[w], "{file}, window {w}: {r:#}");
            // The result's rule is in the run, by id and by index.
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        }
    }
    // Rules carry their citation and help text.
    let ut = rules.iter().find(|r| r["id"] == "US-UT").unwrap();
    let citation = ut["properties"]["citation"].as_str().unwrap();
    assert!(!citation.is_empty(), "{ut:#}");
    assert!(
        ut["help"]["text"].as_str().unwrap().contains(citation),
        "{ut:#}"
    );
    assert!(!ut["shortDescription"]["text"].as_str().unwrap().is_empty());
}

#[test]
fn validation_errors_are_results_at_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    // endTime of window 2 is out of range: line 10 (JSON), 20 (TOML), 14 (YAML).
    let json = json_doc().replace("\"endTime\": \"14:00:00\"", "\"endTime\": \"25:00:00\"");
    let toml = toml_doc().replace("endTime = \"14:00:00\"", "endTime = \"25:00:00\"");
    let yaml = yaml_doc().replace("endTime: \"14:00:00\"", "endTime: \"25:00:00\"");
    // A missing field is reported at its window: the TUESDAY window loses its endTime.
    let missing = json_doc().replace(
        r#""TUESDAY", "startTime": "10:00:00", "endTime": "18:00:00" "#,
        r#""TUESDAY", "startTime": "10:00:00" "#,
    );
    std::fs::write(tmp.path().join("bad.json"), json).unwrap();
    std::fs::write(tmp.path().join("bad.toml"), toml).unwrap();
    std::fs::write(tmp.path().join("bad.yaml"), yaml).unwrap();
    std::fs::write(tmp.path().join("missing.json"), missing).unwrap();
    std::fs::write(tmp.path().join("broken.json"), "{ not json").unwrap();
    let (code, log) = sarif(
        tmp.path(),
        &[
            "bad.json",
            "bad.toml",
            "bad.yaml",
            "missing.json",
            "broken.json",
        ],
    );
    assert_eq!(code, Some(1));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let of = |file: &str| -> Vec<&Value> {
        results
            .iter()
            .filter(|r| uri(r) == file && r["ruleId"] == "INVALID_DOCUMENT")
            .collect()
    };
    for (file, at) in [
        ("bad.json", (13, 18)),
        ("bad.toml", (21, 11)),
        ("bad.yaml", (14, 16)),
    ] {
        let r = of(file);
        assert_eq!(r.len(), 1, "{file}: {r:#?}");
        assert_eq!(r[0]["level"], "error");
        assert_eq!(r[0]["properties"]["path"], "timeWindows[2].endTime");
        assert_eq!(region(r[0]), at, "{file}: {:#}", r[0]);
    }
    let r = of("missing.json");
    assert_eq!(r.len(), 1, "{r:#?}");
    assert_eq!(r[0]["properties"]["path"], "timeWindows[1].endTime");
    assert_eq!(region(r[0]), JSON_WINDOWS[1]);
    // A document that does not parse: the file, without a region.
    let r = of("broken.json");
    assert_eq!(r.len(), 1, "{r:#?}");
    assert!(r[0]["locations"][0]["physicalLocation"]["region"].is_null());
}

#[test]
fn a_clean_document_is_an_empty_run_and_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = json_doc()
        .replace(
            r#"{
      "dayOfWeek": "SUNDAY",
      "startTime": "10:00:00",
      "endTime": "14:00:00"
    }"#,
            r#"{ "dayOfWeek": "WEDNESDAY", "startTime": "10:00:00", "endTime": "14:00:00" }"#,
        )
        .replace("\"UT\"", "\"CO\"");
    std::fs::write(tmp.path().join("clean.json"), clean).unwrap();
    let (code, log) = sarif(tmp.path(), &["clean.json"]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().all(|r| r["level"] != "error"),
        "{results:#?}"
    );
    assert_eq!(code, Some(0), "{results:#?}");
}

#[test]
fn sarif_is_refused_with_jsonl_and_on_other_commands() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("d.jsonl"), "{}\n").unwrap();
    std::fs::write(tmp.path().join("d.json"), json_doc()).unwrap();
    let out = cxsched(
        tmp.path(),
        &["check", "--output", "sarif", "--jsonl", "d.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--jsonl"));
    let out = cxsched(tmp.path(), &["validate", "--output", "sarif", "d.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only for check"));
}
