//! `cxsched export` end to end (CONTRACT §10): the real binary against the real emulator
//! processes of both platforms. An export is a set of documents that `plan` finds nothing
//! to change in; two exports of the same state are byte-identical in every format; existing
//! files are kept (named, exit 1) unless `--force`; `--all` lists the CXone skills and is a
//! usage error on the seed API; an unknown id fails by name while the others are written.

use std::path::Path;

use serde_json::Value;

use crate::util::{CAMPAIGN as A, Cxone, Emulator, cxsched, json_lines, text};

const B: &str = "9b2d7c1e-4a5f-4e3b-8c9d-abcdef012345";
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000001";
const FORMATS: [&str; 3] = ["json", "toml", "yaml"];

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every entry of a JSON plan is `unchanged`, and there are `n` of them.
fn assert_all_unchanged(plan: &std::process::Output, n: usize) {
    assert_eq!(plan.status.code(), Some(0), "{}", text(plan));
    let lines = json_lines(&plan.stdout);
    assert_eq!(lines.len(), n, "{}", text(plan));
    for l in &lines {
        assert_eq!(l["status"], "unchanged", "{l}");
    }
}

struct Seed {
    dir: tempfile::TempDir,
    emu: Emulator,
}

impl Seed {
    /// The seed emulator knowing campaigns A (two windows on Tuesday, out of order, and a
    /// schedule id) and B, from documents.
    fn new() -> Seed {
        let dir = tempfile::tempdir().unwrap();
        let start = dir.path().join("start");
        std::fs::create_dir(&start).unwrap();
        std::fs::write(
            start.join("a.json"),
            format!(
                r#"{{"campaignId":"{A}","scheduleId":"0f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
"timezone":"America/Chicago","businessHoursDirective":"FLEXIBLE","maxConcurrentCalls":25,
"timeWindows":[{{"dayOfWeek":"TUESDAY","startTime":"13:00:00","endTime":"16:00:00"}},
{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}},
{{"dayOfWeek":"TUESDAY","startTime":"09:00:00","endTime":"12:00:00"}}]}}"#
            ),
        )
        .unwrap();
        std::fs::write(
            start.join("b.json"),
            crate::util::document(
                B,
                "America/New_York",
                r#"{"dayOfWeek":"SATURDAY","startTime":"10:00:00","endTime":"14:00:00"}"#,
            ),
        )
        .unwrap();
        let emu = Emulator::start(&["--campaigns", start.to_str().unwrap()]);
        Seed { dir, emu }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        crate::util::run_env(self.dir.path(), &self.emu.env(), args)
    }
}

#[test]
fn seed_an_export_plans_as_unchanged_and_is_byte_identical_every_time() {
    let s = Seed::new();
    for f in FORMATS {
        let (one, two) = (format!("one-{f}"), format!("two-{f}"));
        for out in [&one, &two] {
            let e = s.run(&["export", A, B, "--out", out, "--format", f]);
            assert_eq!(e.status.code(), Some(0), "{}", text(&e));
            assert!(text(&e).contains(&format!("{A}.{f}")), "{}", text(&e));
        }
        let names = files(&s.dir.path().join(&one));
        assert_eq!(names, vec![format!("{A}.{f}"), format!("{B}.{f}")]);
        for n in &names {
            let a = std::fs::read(s.dir.path().join(&one).join(n)).unwrap();
            let b = std::fs::read(s.dir.path().join(&two).join(n)).unwrap();
            assert_eq!(a, b, "{n}");
            assert!(a.ends_with(b"\n"));
        }
        let plan = s.run(&["--output", "json", "plan", &one]);
        assert_all_unchanged(&plan, 2);
    }
    let a = std::fs::read_to_string(s.dir.path().join(format!("one-json/{A}.json"))).unwrap();
    let order = [
        "campaignId",
        "scheduleId",
        "timezone",
        "businessHoursDirective",
        "maxConcurrentCalls",
        "timeWindows",
    ]
    .map(|k| {
        a.find(&format!("\"{k}\""))
            .unwrap_or_else(|| panic!("{k}: {a}"))
    });
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{a}");
    let windows: Vec<&str> = a.matches("\"startTime\": \"").collect();
    assert_eq!(windows.len(), 3, "{a}");
    let (mon, tue9, tue13) = (
        a.find("MONDAY").unwrap(),
        a.find("\"09:00:00\",\n      \"endTime\": \"12:00:00\"")
            .unwrap(),
        a.find("\"13:00:00\"").unwrap(),
    );
    assert!(mon < tue9 && tue9 < tue13, "sorted by day, then start: {a}");
    let v: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["businessHoursDirective"], "FLEXIBLE");
    assert_eq!(v["maxConcurrentCalls"], 25);
    assert!(
        v.get("skillIds").is_none() && v.get("compliance").is_none(),
        "{v}"
    );
}

#[test]
fn seed_existing_files_are_kept_and_named_unless_forced() {
    let s = Seed::new();
    let first = s.run(&["export", A, B, "--out", "out"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let kept = s.dir.path().join(format!("out/{A}.json"));
    std::fs::write(&kept, "{\"mine\": true}\n").unwrap();

    let again = s.run(&["--output", "json", "export", A, B, "--out", "out"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let rows = json_lines(&again.stdout);
    assert_eq!(rows.len(), 2, "{}", text(&again));
    for r in &rows {
        assert_eq!(r["status"], "skipped", "{r}");
        assert!(r["message"].as_str().unwrap().contains("--force"), "{r}");
    }
    assert_eq!(rows[0]["id"], A);
    assert!(
        rows[0]["file"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{A}.json"))
    );
    assert!(
        rows[0]["message"].as_str().unwrap().contains("differs"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1]["message"]
            .as_str()
            .unwrap()
            .contains("already holds"),
        "{}",
        rows[1]
    );
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "{\"mine\": true}\n"
    );

    let human = s.run(&["export", A, "--out", "out"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        text(&human).contains(&format!("skipped  out/{A}.json")),
        "{}",
        text(&human)
    );

    let forced = s.run(&["export", A, B, "--out", "out", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert!(std::fs::read_to_string(&kept).unwrap().contains(A));
    assert_eq!(
        files(&s.dir.path().join("out")),
        vec![format!("{A}.json"), format!("{B}.json")],
        "no temporary file left behind"
    );
    let plan = s.run(&["--output", "json", "plan", "out"]);
    assert_all_unchanged(&plan, 2);
}

#[test]
fn seed_all_is_a_usage_error_and_an_unknown_campaign_fails_by_name() {
    let s = Seed::new();
    let all = s.run(&["export", "--all", "--out", "out"]);
    assert_eq!(all.status.code(), Some(2), "{}", text(&all));
    assert!(
        text(&all).contains("pass the campaign ids"),
        "{}",
        text(&all)
    );
    assert!(!s.dir.path().join("out").exists(), "nothing created");

    let none = s.run(&["export", "--out", "out"]);
    assert_eq!(none.status.code(), Some(2), "{}", text(&none));
    let bad = s.run(&["export", "101", "--out", "out"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("not a campaign id"), "{}", text(&bad));

    let unknown = s.run(&["--output", "json", "export", A, UNKNOWN, "--out", "out"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", text(&unknown));
    let rows = json_lines(&unknown.stdout);
    assert_eq!(rows[0]["status"], "written", "{}", rows[0]);
    assert_eq!(rows[1]["status"], "failed", "{}", rows[1]);
    assert_eq!(rows[1]["id"], UNKNOWN);
    assert!(
        rows[1]["message"].as_str().unwrap().contains(UNKNOWN),
        "{}",
        rows[1]
    );
    assert_eq!(files(&s.dir.path().join("out")), vec![format!("{A}.json")]);
}

#[test]
fn seed_nothing_readable_for_network_reasons_is_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = cxsched(dir.path())
        .env("CXONE_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("CXONE_CLIENT_ID", "demo-client")
        .env("CXONE_CLIENT_SECRET", "demo-secret")
        .args(["export", A, "--out", "out", "--deadline", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains(A), "{}", text(&out));
}

struct Tenant {
    dir: tempfile::TempDir,
    emu: Cxone,
}

const WEEKDAYS: &str = r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"},
{"dayOfWeek":"WEDNESDAY","startTime":"10:00:00","endTime":"16:30:00"}"#;

impl Tenant {
    /// Skills 101, 102 and 103: 101 and 102 applied from a document, 103 written out of band.
    fn new() -> Tenant {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("skills.txt"), "101\n102\n103\n").unwrap();
        let emu = Cxone::start(&["--skills", dir.path().join("skills.txt").to_str().unwrap()]);
        let t = Tenant { dir, emu };
        std::fs::create_dir(t.dir.path().join("schedules")).unwrap();
        std::fs::write(
            t.dir.path().join("schedules/campaign.json"),
            format!(
                r#"{{"campaignId":"{A}","timezone":"America/New_York","businessHoursDirective":"STRICT",
"maxConcurrentCalls":10,"skillIds":[101, 102],"timeWindows":[{WEEKDAYS}]}}"#
            ),
        )
        .unwrap();
        let apply = t.run(&["apply", "--yes", "schedules"]);
        assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
        let other = r#"{"scheduleSettings":{"isScheduled":true,"sundayStartTime":"11:00","sundayEndTime":"15:00","sundayIsActive":true,"fridayStartTime":"09:30","fridayEndTime":"12:00","fridayIsActive":true}}"#;
        let (status, body) = t.emu.request(
            "PUT",
            "/_emulator/skills/103/schedule-settings",
            Some(other),
        );
        assert!((200..300).contains(&status), "{status} {body}");
        // Its curfews: the federal hours in Eastern and Central time, the rest inactive.
        let zones = r#"{"timeZoneSettings":[
            {"standardName":"Eastern Standard Time","startTime":"08:00","endTime":"21:00","timeZoneActiveToCall":true,"overrideTime":true},
            {"standardName":"Central Standard Time","startTime":"08:00","endTime":"21:00","timeZoneActiveToCall":true,"overrideTime":true}]}"#;
        let (status, body) = t
            .emu
            .request("PUT", "/_emulator/skills/103/time-zones", Some(zones));
        assert!((200..300).contains(&status), "{status} {body}");
        t
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        crate::util::run_env(self.dir.path(), &self.emu.env(), args)
    }
}

#[test]
fn cxone_all_exports_every_skill_plans_as_unchanged_and_is_byte_identical_every_time() {
    let t = Tenant::new();
    let mut campaign_ids: Vec<Value> = Vec::new();
    for f in FORMATS {
        let (one, two) = (format!("one-{f}"), format!("two-{f}"));
        for out in [&one, &two] {
            let e = t.run(&[
                "--output", "json", "export", "--all", "--out", out, "--format", f,
            ]);
            assert_eq!(e.status.code(), Some(0), "{}", text(&e));
            let rows = json_lines(&e.stdout);
            assert_eq!(rows.len(), 3, "{}", text(&e));
            assert!(
                rows.iter().all(|r| r["status"] == "written"),
                "{}",
                text(&e)
            );
            if f == "json" && out == &one {
                campaign_ids = rows.iter().map(|r| r["campaignId"].clone()).collect();
            } else {
                let again: Vec<Value> = rows.iter().map(|r| r["campaignId"].clone()).collect();
                assert_eq!(
                    again, campaign_ids,
                    "campaign ids are stable across exports"
                );
            }
        }
        let names = files(&t.dir.path().join(&one));
        assert_eq!(
            names,
            [101, 102, 103].map(|s| format!("skill-{s}.{f}")).to_vec()
        );
        for n in &names {
            let a = std::fs::read(t.dir.path().join(&one).join(n)).unwrap();
            let b = std::fs::read(t.dir.path().join(&two).join(n)).unwrap();
            assert_eq!(a, b, "{n}");
        }
        let plan = t.run(&["--output", "json", "plan", &one]);
        assert_all_unchanged(&plan, 3);
    }
    assert_eq!(
        campaign_ids
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        3,
        "one campaign per skill"
    );
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(t.dir.path().join("one-json/skill-103.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        doc["timezone"], "America/New_York",
        "the business unit's zone"
    );
    assert_eq!(doc["businessHoursDirective"], "STRICT");
    assert_eq!(doc["maxConcurrentCalls"], 1);
    assert_eq!(doc["skillIds"], serde_json::json!([103]));
    assert_eq!(
        doc["timeWindows"],
        serde_json::json!([
            {"dayOfWeek": "FRIDAY", "startTime": "09:30:00", "endTime": "12:00:00"},
            {"dayOfWeek": "SUNDAY", "startTime": "11:00:00", "endTime": "15:00:00"}
        ])
    );
    let v = t.run(&[
        "validate",
        "--platform",
        "cxone",
        "one-json",
        "one-toml",
        "one-yaml",
    ]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
}

#[test]
fn cxone_ids_kept_files_force_unknown_skills_and_unscheduled_skills() {
    let t = Tenant::new();
    let first = t.run(&["export", "101", "103", "--out", "out", "--format", "yaml"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert_eq!(
        files(&t.dir.path().join("out")),
        vec!["skill-101.yaml", "skill-103.yaml"]
    );
    let before = std::fs::read(t.dir.path().join("out/skill-101.yaml")).unwrap();

    // Someone changes skill 101 out of band: a new export keeps the old file unless forced.
    let other = r#"{"scheduleSettings":{"isScheduled":true,"tuesdayStartTime":"08:00","tuesdayEndTime":"12:00","tuesdayIsActive":true}}"#;
    let (status, _) = t.emu.request(
        "PUT",
        "/_emulator/skills/101/schedule-settings",
        Some(other),
    );
    assert!((200..300).contains(&status));
    let kept = t.run(&["export", "101", "--out", "out", "--format", "yaml"]);
    assert_eq!(kept.status.code(), Some(1), "{}", text(&kept));
    assert!(
        text(&kept).contains("skipped  out/skill-101.yaml"),
        "{}",
        text(&kept)
    );
    assert_eq!(
        std::fs::read(t.dir.path().join("out/skill-101.yaml")).unwrap(),
        before
    );
    let forced = t.run(&[
        "export", "101", "--out", "out", "--format", "yaml", "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    let after = std::fs::read_to_string(t.dir.path().join("out/skill-101.yaml")).unwrap();
    assert!(
        // (The emulator's out-of-band write changes only the fields it is given.)
        after.contains("\"TUESDAY\"\n    startTime: \"08:00:00\""),
        "{after}"
    );
    let plan = t.run(&["--output", "json", "plan", "out"]);
    assert_all_unchanged(&plan, 2);

    // An unknown skill fails by name; the others are still written.
    let unknown = t.run(&["--output", "json", "export", "102", "999", "--out", "more"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", text(&unknown));
    let rows = json_lines(&unknown.stdout);
    assert_eq!(rows[0]["status"], "written", "{}", rows[0]);
    assert_eq!(
        (rows[1]["id"].as_str(), rows[1]["status"].as_str()),
        (Some("999"), Some("failed"))
    );
    assert!(
        rows[1]["message"].as_str().unwrap().contains("skill 999"),
        "{}",
        rows[1]
    );
    assert_eq!(files(&t.dir.path().join("more")), vec!["skill-102.json"]);

    let bad = t.run(&["export", A, "--out", "more"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("not a skill id"), "{}", text(&bad));

    // An unscheduled skill is a valid document without windows.
    let (status, _) = t.emu.request(
        "PUT",
        "/_emulator/skills/102/schedule-settings",
        Some(r#"{"scheduleSettings":{"isScheduled":false}}"#),
    );
    assert!((200..300).contains(&status));
    let off = t.run(&["export", "102", "--out", "off", "--format", "toml"]);
    assert_eq!(off.status.code(), Some(0), "{}", text(&off));
    assert!(text(&off).contains("never dials"), "{}", text(&off));
    let doc = std::fs::read_to_string(t.dir.path().join("off/skill-102.toml")).unwrap();
    assert!(doc.contains("timeWindows = []\n"), "{doc}");
    let v = t.run(&["validate", "--platform", "cxone", "off"]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
}
