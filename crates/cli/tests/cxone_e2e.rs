//! The CXone platform end to end: the real binary against the real CXone emulator process
//! over loopback HTTP, with the issuer and the API on different ports (so `api_endpoint` is
//! followed, not guessed). Discovery, the access key's form encoding and `Accept` on every
//! request; GET flat and PUT wrapped in `HH:mm`; inactive days; every platform limit refused
//! before any write; the business unit's zone; drift between plan and apply; a tenant that
//! rejects inactive days; secrets nowhere.

use std::path::Path;

use serde_json::Value;

use crate::util::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, CAMPAIGN, Cxone, cxsched, json_lines, text};

/// A document for CXone: New York, the given skills, and windows as JSON objects.
fn document(zone: &str, skills: &str, windows: &str) -> String {
    format!(
        r#"{{"campaignId":"{CAMPAIGN}","timezone":"{zone}","businessHoursDirective":"STRICT",
"maxConcurrentCalls":10,"skillIds":[{skills}],"timeWindows":[{windows}]}}"#
    )
}

const WEEKDAYS: &str = r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"},
{"dayOfWeek":"TUESDAY","startTime":"09:00:00","endTime":"17:00:00"},
{"dayOfWeek":"WEDNESDAY","startTime":"09:00:00","endTime":"17:00:00"},
{"dayOfWeek":"THURSDAY","startTime":"09:00:00","endTime":"17:00:00"},
{"dayOfWeek":"FRIDAY","startTime":"09:00:00","endTime":"17:30:00"}"#;

struct Setup {
    dir: tempfile::TempDir,
    emu: Cxone,
}

impl Setup {
    fn new(doc: &str, emulator_args: &[&str]) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("schedules")).unwrap();
        std::fs::write(dir.path().join("schedules/campaign.json"), doc).unwrap();
        let skills = dir.path().join("skills.txt");
        std::fs::write(&skills, "101\n102\n103\n").unwrap();
        let mut args = Vec::new();
        if !emulator_args.contains(&"--skills") {
            args.extend(["--skills", skills.to_str().unwrap()]);
        }
        args.extend_from_slice(emulator_args);
        let emu = Cxone::start(&args);
        Setup { dir, emu }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        crate::util::run_env(self.path(), &self.emu.env(), args)
    }

    fn requests(&self) -> Vec<Value> {
        self.emu.requests()
    }

    fn puts(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| {
                r["method"] == "PUT" && !r["path"].as_str().unwrap_or("").starts_with("/_emulator")
            })
            .count()
    }
}

#[test]
fn apply_writes_each_skill_reads_it_back_and_a_second_apply_writes_nothing() {
    let s = Setup::new(&document("America/New_York", "101, 102", WEEKDAYS), &[]);
    let v = s.run(&["validate", "--platform", "cxone", "schedules"]);
    assert!(v.status.success(), "{}", text(&v));

    let plan = s.run(&["--output", "json", "plan", "schedules"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let lines = json_lines(&plan.stdout);
    assert_eq!(lines.len(), 2, "{}", text(&plan));
    for (line, skill) in lines.iter().zip([101, 102]) {
        assert_eq!(line["skillId"], skill);
        assert_eq!(line["status"], "changed");
        let changes = line["changes"].to_string();
        assert!(changes.contains("MONDAY: off → 09:00–17:00"), "{changes}");
        assert!(changes.contains("FRIDAY: off → 09:00–17:30"), "{changes}");
    }

    let apply = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    let results = json_lines(&apply.stdout);
    assert!(
        results.iter().all(|r| r["status"] == "written"),
        "{}",
        text(&apply)
    );

    // What the skill holds now, through the API as the emulator serves it: flat, HH:mm.
    let get = s.run(&["--output", "json", "get", "101"]);
    assert!(get.status.success(), "{}", text(&get));
    let live: Value = serde_json::from_slice(&get.stdout).unwrap();
    let settings = &live["scheduleSettings"];
    assert_eq!(settings["isScheduled"], true, "{live}");
    assert_eq!(settings["mondayStartTime"], "09:00", "{live}");
    assert_eq!(settings["fridayEndTime"], "17:30", "{live}");
    assert_eq!(settings["saturdayIsActive"], false, "{live}");
    assert_eq!(settings["sundayIsActive"], false, "{live}");

    let requests = s.requests();
    let api: Vec<&Value> = requests
        .iter()
        .filter(|r| !r["path"].as_str().unwrap_or("").starts_with("/_emulator"))
        .collect();
    assert!(
        api.iter()
            .any(|r| r["path"] == "/.well-known/openid-configuration"),
        "discovery: {requests:?}"
    );
    assert!(
        api.iter().any(|r| r["path"]
            .as_str()
            .unwrap()
            .starts_with("/.well-known/cxone-configuration")),
        "api_endpoint discovered: {requests:?}"
    );
    assert!(
        api.iter().any(|r| r["method"] == "PUT"
            && r["path"]
                .as_str()
                .unwrap()
                .ends_with("/skills/101/parameters/schedule-settings")),
        "{requests:?}"
    );
    for r in &api {
        let accept = r.get("acceptJson").or_else(|| r.get("accept_json"));
        assert_ne!(accept, Some(&Value::Bool(false)), "no Accept: {r}");
    }
    // Skill 103 is not in the document: untouched.
    assert!(
        !api.iter()
            .any(|r| r["path"].as_str().unwrap().contains("/skills/103"))
    );

    let again = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        json_lines(&again.stdout)
            .iter()
            .all(|r| r["status"] == "unchanged")
    );

    // Secrets: in no output and not in the audit log.
    let audit = std::fs::read_to_string(s.path().join(cxsched_audit_default())).unwrap();
    assert!(audit.contains("\"skillId\":101"), "{audit}");
    for out in [text(&plan), text(&apply), text(&again), text(&get), audit] {
        for secret in [
            "demo-secret",
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
            "Basic ",
            "Bearer ",
        ] {
            assert!(!out.contains(secret), "{secret} leaked: {out}");
        }
    }
    let verify = s.run(&["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
}

fn cxsched_audit_default() -> &'static str {
    "cxsched-audit.jsonl"
}

#[test]
fn each_platform_limit_is_refused_with_its_path_before_anything_is_written() {
    let windows = r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
{"dayOfWeek":"MONDAY","startTime":"13:00:00","endTime":"17:00:00"},
{"dayOfWeek":"TUESDAY","startTime":"09:00:30","endTime":"17:00:00"}"#;
    let s = Setup::new(&document("America/New_York", "101", windows), &[]);
    let v = s.run(&[
        "--output",
        "json",
        "validate",
        "--platform",
        "cxone",
        "schedules",
    ]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let report = &json_lines(&v.stdout)[0];
    let paths = crate::util::error_paths(report);
    assert_eq!(
        paths,
        ["timeWindows[1]", "timeWindows[2].startTime"],
        "{report}"
    );
    // Valid on the seed platform: the limits are CXone's.
    let seed = s.run(&["validate", "--platform", "seed", "schedules"]);
    assert!(seed.status.success(), "{}", text(&seed));

    let apply = s.run(&["apply", "--yes", "schedules"]);
    assert_eq!(apply.status.code(), Some(1), "{}", text(&apply));
    let out = text(&apply);
    assert!(
        out.contains("timeWindows[1]: a CXone skill holds one window per weekday"),
        "{out}"
    );
    assert!(out.contains("whole minutes"), "{out}");
    assert_eq!(s.puts(), 0, "nothing written");
}

#[test]
fn a_zone_other_than_the_business_units_and_a_document_without_skills_are_refused() {
    let s = Setup::new(&document("America/Chicago", "101", WEEKDAYS), &[]);
    let plan = s.run(&["plan", "schedules"]);
    assert_eq!(plan.status.code(), Some(1), "{}", text(&plan));
    let out = text(&plan);
    assert!(out.contains("Eastern Standard Time"), "{out}");
    assert!(out.contains("America/Chicago"), "{out}");

    let no_skills = document("America/New_York", "", WEEKDAYS).replace(r#""skillIds":[],"#, "");
    std::fs::write(s.path().join("schedules/campaign.json"), no_skills).unwrap();
    let plan = s.run(&["plan", "schedules"]);
    assert_eq!(plan.status.code(), Some(1), "{}", text(&plan));
    assert!(text(&plan).contains("skillIds"), "{}", text(&plan));
    assert_eq!(s.puts(), 0);
}

#[test]
fn a_change_made_outside_cxsched_is_a_conflict_and_is_not_overwritten_without_a_reason() {
    let s = Setup::new(&document("America/New_York", "101", WEEKDAYS), &[]);
    let apply = s.run(&["apply", "--yes", "schedules"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));

    // Another administrator moves Monday.
    let other = r#"{"scheduleSettings":{"isScheduled":true,"mondayStartTime":"10:00","mondayEndTime":"11:00","mondayIsActive":true}}"#;
    let (status, body) = s.emu.request(
        "PUT",
        "/_emulator/skills/101/schedule-settings",
        Some(other),
    );
    assert!((200..300).contains(&status), "{status} {body}");
    let puts_before = s.puts();

    let plan = s.run(&["--output", "json", "plan", "schedules"]);
    assert_eq!(plan.status.code(), Some(1), "{}", text(&plan));
    let line = &json_lines(&plan.stdout)[0];
    assert_eq!(line["status"], "conflict", "{line}");
    assert!(line["live"].to_string().contains("10:00"), "{line}");

    let refused = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let r = &json_lines(&refused.stdout)[0];
    assert_eq!(r["status"], "refused", "{r}");
    assert!(r["conflict"]["live"].to_string().contains("10:00"), "{r}");
    assert!(
        r["conflict"]["desired"].to_string().contains("09:00"),
        "{r}"
    );
    assert_eq!(s.puts(), puts_before, "nothing overwritten");

    let forced = s.run(&[
        "apply",
        "--yes",
        "--overwrite-drift",
        "ticket 7",
        "schedules",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    let audit = std::fs::read_to_string(s.path().join(cxsched_audit_default())).unwrap();
    assert!(audit.contains("ticket 7"), "{audit}");
    let plan = s.run(&["plan", "schedules"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
}

#[test]
fn a_tenant_that_rejects_inactive_days_fails_each_skill_clearly_and_loses_nothing() {
    let s = Setup::new(
        &document("America/New_York", "101, 102", WEEKDAYS),
        &["--reject-inactive-days"],
    );
    let apply = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert_eq!(apply.status.code(), Some(1), "{}", text(&apply));
    let results = json_lines(&apply.stdout);
    assert_eq!(results.len(), 2);
    for r in &results {
        assert_eq!(r["status"], "failed", "{r}");
        let m = r["message"].as_str().unwrap();
        assert!(m.contains("InvalidParameter"), "{m}");
        assert!(m.to_lowercase().contains("inactive"), "the hint: {m}");
    }
    let audit = std::fs::read_to_string(s.path().join(cxsched_audit_default())).unwrap();
    assert_eq!(
        audit.matches("\"outcome\":\"failed\"").count(),
        2,
        "{audit}"
    );

    // All seven days active: the same tenant takes it.
    let all_week = format!(
        "{WEEKDAYS},{}",
        r#"{"dayOfWeek":"SATURDAY","startTime":"10:00:00","endTime":"14:00:00"},
{"dayOfWeek":"SUNDAY","startTime":"12:00:00","endTime":"16:00:00"}"#
    );
    std::fs::write(
        s.path().join("schedules/campaign.json"),
        document("America/New_York", "101, 102", &all_week),
    )
    .unwrap();
    let apply = s.run(&[
        "--output",
        "json",
        "apply",
        "--yes",
        "--override",
        "test",
        "schedules",
    ]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
}

/// A document with a compliance table: `extra` is the JSON members after `timeWindows`.
fn with_compliance(zone: &str, skills: &str, windows: &str, compliance: &str) -> String {
    let doc = document(zone, skills, windows);
    format!(
        "{},\"compliance\":{compliance}}}",
        doc.trim_end().trim_end_matches('}')
    )
}

const LONG_DAYS: &str = r#"{"dayOfWeek":"MONDAY","startTime":"08:00:00","endTime":"20:30:00"},
{"dayOfWeek":"TUESDAY","startTime":"08:00:00","endTime":"20:30:00"}"#;

fn curfew_of<'a>(zones: &'a Value, name: &str) -> &'a Value {
    zones
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["standardName"] == name || z["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {zones}"))
}

#[test]
fn curfews_for_florida_and_texas_are_compiled_into_each_skill_and_hold_on_reapply() {
    // A New York campaign 08:00–20:30 reaching Florida and Texas.
    let doc = with_compliance(
        "America/New_York",
        "101, 102",
        LONG_DAYS,
        r#"{"recipients":{"states":["FL","TX"]}}"#,
    );
    let s = Setup::new(&doc, &[]);
    // As scheduled, the hours are illegal in Central and Mountain time; under the curfews
    // the dialer never calls outside them.
    let scheduled = s.run(&["check", "--platform", "seed", "schedules"]);
    assert_eq!(scheduled.status.code(), Some(1), "{}", text(&scheduled));
    let check = s.run(&["--output", "json", "check", "schedules"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    let curfews = report["curfews"].as_array().unwrap();
    let by_zone = |z: &str| curfews.iter().find(|c| c["recipientZone"] == z).unwrap();
    assert_eq!(
        by_zone("America/Chicago")["windowsZone"],
        "Central Standard Time"
    );
    assert_eq!(by_zone("America/Chicago")["start"], "09:00");
    assert_eq!(by_zone("America/Chicago")["end"], "20:00");
    assert_eq!(by_zone("America/Denver")["start"], "09:00");
    // El Paso: Texas's hours read in Central time too, the stricter reading (US-TX-CENTRAL).
    assert_eq!(by_zone("America/Denver")["end"], "20:00");
    assert_eq!(by_zone("America/New_York")["end"], "20:00");
    let human = s.run(&["check", "schedules"]);
    assert!(
        text(&human).contains("trimmed by 2h of 12h30"),
        "{}",
        text(&human)
    );

    let plan = s.run(&["plan", "schedules"]);
    assert!(
        text(&plan).contains("curfew Central Standard Time"),
        "{}",
        text(&plan)
    );
    let apply = s.run(&["apply", "--yes", "schedules"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    for skill in ["101", "102"] {
        let get = s.run(&["--output", "json", "get", skill]);
        let live: Value = serde_json::from_slice(&get.stdout).unwrap();
        let zones = &live["timeZoneSettings"];
        let central = curfew_of(zones, "Central Standard Time");
        assert_eq!(central["timeZoneActiveToCall"], true, "{zones}");
        assert_eq!(central["startTime"], "09:00", "{zones}");
        assert_eq!(central["endTime"], "20:00", "{zones}");
        let mountain = curfew_of(zones, "Mountain Standard Time");
        assert_eq!(mountain["endTime"], "20:00", "{zones}");
        let eastern = curfew_of(zones, "Eastern Standard Time");
        assert_eq!(eastern["startTime"], "08:00", "{zones}");
        assert_eq!(eastern["endTime"], "20:00", "{zones}");
        // Every other zone the business unit enables is sent inactive.
        let pacific = curfew_of(zones, "Pacific Standard Time");
        assert_eq!(pacific["timeZoneActiveToCall"], false, "{zones}");
    }
    let again = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert!(
        json_lines(&again.stdout)
            .iter()
            .all(|r| r["status"] == "unchanged"),
        "{}",
        text(&again)
    );
}

#[test]
fn worked_cases_navajo_honolulu_debt_collection_and_a_sunday_into_utah() {
    let s = Setup::new(&document("America/New_York", "101", WEEKDAYS), &[]);
    let run_check = |doc: String, extra: &[&str]| {
        std::fs::write(s.path().join("schedules/campaign.json"), doc).unwrap();
        let mut args = vec!["--output", "json", "check", "schedules"];
        args.extend_from_slice(extra);
        let o = s.run(&args);
        let v: Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
        (o.status.code(), v)
    };
    // Arizona's Navajo area code: both Mountain zones, each its own Windows zone.
    std::fs::write(s.path().join("schedules/numbers.txt"), "+19285550100\n").unwrap();
    let (code, v) = run_check(
        with_compliance(
            "America/New_York",
            "101",
            LONG_DAYS,
            r#"{"recipients":{"phoneNumbersFile":"numbers.txt"}}"#,
        ),
        &[],
    );
    assert_eq!(code, Some(0), "{v}");
    let zones: Vec<(&str, &str)> = v["curfews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["recipientZone"].as_str().unwrap(),
                c["windowsZone"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        zones.contains(&("America/Phoenix", "US Mountain Standard Time")),
        "{v}"
    );
    assert!(
        zones.contains(&("America/Denver", "Mountain Standard Time")),
        "{v}"
    );

    // Honolulu: federal hours only, in Hawaii's own time.
    let (code, v) = run_check(
        with_compliance(
            "America/New_York",
            "101",
            LONG_DAYS,
            r#"{"recipients":{"zones":["Pacific/Honolulu"]}}"#,
        ),
        &[],
    );
    assert_eq!(code, Some(0), "{v}");
    let c = &v["curfews"][0];
    assert_eq!(
        (
            c["windowsZone"].as_str(),
            c["start"].as_str(),
            c["end"].as_str()
        ),
        (Some("Hawaiian Standard Time"), Some("08:00"), Some("21:00")),
        "{v}"
    );

    // Debt collection: Regulation F's hours.
    let (code, v) = run_check(
        with_compliance(
            "America/New_York",
            "101",
            LONG_DAYS,
            r#"{"purpose":"debt_collection","recipients":{"states":["TX"]}}"#,
        ),
        &[],
    );
    assert_eq!(code, Some(0), "{v}");
    assert!(
        v["curfews"][0]["rules"].to_string().contains("US-FED-REGF"),
        "{v}"
    );

    // A Sunday window into Utah: a curfew cannot express a banned day, so it is still refused.
    let sunday = format!(
        "{WEEKDAYS},{}",
        r#"{"dayOfWeek":"SUNDAY","startTime":"13:00:00","endTime":"16:00:00"}"#
    );
    let (code, v) = run_check(
        with_compliance(
            "America/New_York",
            "101",
            &sunday,
            r#"{"recipients":{"states":["UT"]}}"#,
        ),
        &[],
    );
    assert_eq!(code, Some(1), "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "PROHIBITED_DAY" && f["state"] == "UT"),
        "{v}"
    );
    let apply = s.run(&["apply", "--yes", "schedules"]);
    assert_eq!(apply.status.code(), Some(1), "{}", text(&apply));
    assert!(
        text(&apply).contains("compliance error"),
        "{}",
        text(&apply)
    );
    assert_eq!(s.puts(), 0, "refused before any write");
}

/// Documents for skills `1..=n`, five skills each, into `schedules/`.
fn many(s: &Setup, n: u64) {
    std::fs::remove_file(s.path().join("schedules/campaign.json")).unwrap();
    for d in 0..n.div_ceil(5) {
        let skills: Vec<String> = (d * 5 + 1..=(d * 5 + 5).min(n))
            .map(|i| i.to_string())
            .collect();
        let doc = document("America/New_York", &skills.join(","), WEEKDAYS)
            .replace(CAMPAIGN, &format!("3f1c2a4e-7b8d-4c9e-a1f2-{d:012}"));
        std::fs::write(s.path().join(format!("schedules/c{d}.json")), doc).unwrap();
    }
}

fn skills_file(dir: &Path, n: u64) -> String {
    let path = dir.join("ids.txt");
    let ids: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    std::fs::write(&path, ids.join("\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn tokens_expiring_and_revoked_and_429_bursts_without_retry_after_still_converge() {
    let scratch = tempfile::tempdir().unwrap();
    let ids = skills_file(scratch.path(), 30);
    let s = Setup::new(
        &document("America/New_York", "1", WEEKDAYS),
        &[
            "--skills",
            &ids,
            "--token-ttl",
            "1",
            "--latency-ms",
            "15",
            "--fault-rate",
            "0.15",
            "--fault-kinds",
            "429,5xx,drop",
        ],
    );
    many(&s, 30);
    // Revoke every token while the run is under way, as an administrator might.
    let issuer = s.emu.url.clone();
    let revoker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(400));
        crate::util::http(&issuer, "POST", "/_emulator/tokens/revoke", None)
    });
    let apply = s.run(&[
        "--output",
        "json",
        "apply",
        "--yes",
        "--concurrency",
        "4",
        "schedules",
    ]);
    let (status, _) = revoker.join().unwrap();
    assert_eq!(status, 200);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    let results = json_lines(&apply.stdout);
    assert_eq!(results.len(), 30);
    assert!(
        results.iter().all(|r| r["status"] == "written"),
        "{}",
        text(&apply)
    );
    let requests = s.requests();
    let tokens = requests
        .iter()
        .filter(|r| r["path"] == "/auth/token")
        .count();
    assert!(tokens >= 2, "the token was renewed mid-run: {tokens}");
    assert!(
        requests.iter().any(|r| r["status"] == 429),
        "the run met 429s: {requests:?}"
    );
    let again = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        json_lines(&again.stdout)
            .iter()
            .all(|r| r["status"] == "unchanged")
    );
}

#[test]
fn an_apply_killed_mid_run_converges_when_run_again() {
    let scratch = tempfile::tempdir().unwrap();
    let ids = skills_file(scratch.path(), 40);
    let s = Setup::new(
        &document("America/New_York", "1", WEEKDAYS),
        &["--skills", &ids, "--latency-ms", "40"],
    );
    many(&s, 40);
    let mut child = cxsched(s.path())
        .envs(s.emu.env())
        .args(["apply", "--yes", "--concurrency", "4", "schedules"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some writes have landed (sequenced on the request log, not on timing).
    let started = std::time::Instant::now();
    while s.puts() < 5 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "no writes seen"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert!(s.puts() < 80, "the kill came before the run ended");

    let rerun = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun));
    let results = json_lines(&rerun.stdout);
    assert_eq!(results.len(), 40);
    assert!(
        results
            .iter()
            .all(|r| r["status"] == "written" || r["status"] == "unchanged"),
        "{}",
        text(&rerun)
    );
    let last = s.run(&["--output", "json", "apply", "--yes", "schedules"]);
    assert!(
        json_lines(&last.stdout)
            .iter()
            .all(|r| r["status"] == "unchanged")
    );
    let verify = s.run(&["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn no_secret_and_no_token_reaches_any_output_or_file() {
    let s = Setup::new(&document("America/New_York", "101", WEEKDAYS), &[]);
    // A webhook receiver that is not there: the events stay in the outbox, on disk.
    let run = |args: &[&str]| {
        cxsched(s.path())
            .envs(s.emu.env())
            .env("WEBHOOK_URL", "http://127.0.0.1:9/hooks")
            .env("WEBHOOK_SECRET", crate::util::WEBHOOK_SECRET)
            .args(args)
            .output()
            .unwrap()
    };
    let mut outputs = vec![
        run(&["apply", "--yes", "--webhook-wait-secs", "1", "schedules"]),
        run(&["--output", "json", "plan", "schedules"]),
        run(&["get", "101"]),
        run(&["webhooks", "status"]),
        run(&["audit", "verify"]),
    ];
    // A failing token request (a wrong access key secret) must not echo what was sent.
    outputs.push(
        cxsched(s.path())
            .envs(s.emu.env())
            .env("CXONE_ACCESS_KEY_SECRET", "wrong+/secret==")
            .args(["plan", "schedules"])
            .output()
            .unwrap(),
    );
    assert_eq!(outputs.last().unwrap().status.code(), Some(3));
    let mut texts: Vec<(String, String)> = outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("output {i}"), text(o)))
        .collect();
    let files = files_under(s.path());
    assert!(
        files.iter().any(|f| f.to_string_lossy().contains("outbox")),
        "events queued on disk: {files:?}"
    );
    for f in files {
        texts.push((
            f.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned(),
        ));
    }
    // The Basic header's value: base64 of id:secret.
    let basic = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode("demo-client:demo-secret")
    };
    for (name, t) in &texts {
        for secret in [
            "demo-secret",
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
            "wrong+/secret==",
            basic.as_str(),
            "eyJ", // any JWT: the access, refresh and id tokens
        ] {
            assert!(!t.contains(secret), "{secret} in {name}: {t}");
        }
    }
}
