//! End to end over loopback: the real `cxsched emulator --listen 127.0.0.1:0` as the server
//! and the real `cxsched get` as the client, configured through the environment or `.env`
//! as a user would. Exit statuses: 0 read, 2 configuration, 3 the API refused or the
//! network failed.

use std::process::Command;

use serde_json::{Value, json};

use crate::util::{CAMPAIGN, cxsched, stderr, stdout};

const SECRET: &str = "e2e-secret-value-9f8e";

/// A running `cxsched emulator` knowing one campaign and the client `e2e-client`, stopped
/// when dropped.
struct Emulator {
    emu: crate::util::Emulator,
    _dir: tempfile::TempDir,
}

impl Emulator {
    fn start(extra: &[&str]) -> Emulator {
        let dir = tempfile::tempdir().unwrap();
        let doc = json!({
            "campaignId": CAMPAIGN, "timezone": "America/New_York", "businessHoursDirective": "STRICT",
            "maxConcurrentCalls": 10,
            "timeWindows": [
                {"dayOfWeek": "TUESDAY", "startTime": "13:00:00", "endTime": "17:00:00"},
                {"dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": "12:00:00"}
            ]
        });
        let file = dir.path().join("campaign.json");
        std::fs::write(&file, doc.to_string()).unwrap();
        let client = format!("e2e-client:{SECRET}");
        let mut args = vec!["--client", &client];
        if !extra.contains(&"--campaigns") {
            args.extend(["--campaigns", file.to_str().unwrap()]);
        }
        args.extend_from_slice(extra);
        Emulator {
            emu: crate::util::Emulator::start(&args),
            _dir: dir,
        }
    }

    fn base(&self) -> &str {
        &self.emu.url
    }

    /// `cxsched get` configured through the environment, run in an empty folder.
    fn get(&self, args: &[&str]) -> std::process::Output {
        let dir = tempfile::tempdir().unwrap();
        cxsched(dir.path())
            .env("CXONE_BASE_URL", self.base())
            .env("CXONE_CLIENT_ID", "e2e-client")
            .env("CXONE_CLIENT_SECRET", SECRET)
            .arg("get")
            .args(args)
            .output()
            .unwrap()
    }

    /// A plain HTTP/1.1 request to the emulator (for its `/_emulator/` endpoints).
    fn http(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let (status, body) = self.emu.request(method, path, Some(body));
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }
}

#[test]
fn get_shows_the_live_schedule_and_its_etag() {
    let emu = Emulator::start(&[]);
    let out = emu.get(&[CAMPAIGN]);
    let stdout = stdout(&out);
    assert!(out.status.success(), "{stdout}{}", stderr(&out));
    assert!(stdout.contains(&format!("campaign {CAMPAIGN}")), "{stdout}");
    assert!(stdout.contains("ETag: \""), "{stdout}");
    assert!(stdout.contains("timezone: America/New_York"), "{stdout}");
    let monday = stdout
        .find("MONDAY    09:00:00–12:00:00")
        .expect("windows listed");
    let tuesday = stdout
        .find("TUESDAY   13:00:00–17:00:00")
        .expect("windows listed");
    assert!(monday < tuesday, "in weekday order: {stdout}");
}

#[test]
fn get_json_gives_the_campaign_the_etag_and_the_schedule() {
    let emu = Emulator::start(&[]);
    let out = emu.get(&["--output", "json", CAMPAIGN]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["campaignId"], CAMPAIGN);
    assert!(v["etag"].as_str().unwrap().starts_with('"'));
    assert_eq!(v["schedule"]["timeWindows"].as_array().unwrap().len(), 2);
    assert_eq!(v["schedule"]["businessHoursDirective"], "STRICT");
}

#[test]
fn get_sees_an_out_of_band_change_under_a_new_etag() {
    let emu = Emulator::start(&[]);
    let before: Value =
        serde_json::from_slice(&emu.get(&["--output", "json", CAMPAIGN]).stdout).unwrap();
    let theirs = json!({"timezone": "America/Chicago", "businessHoursDirective": "FLEXIBLE", "maxConcurrentCalls": 3,
        "timeWindows": [{"dayOfWeek": "FRIDAY", "startTime": "10:00:00", "endTime": "11:00:00"}]});
    let (status, _) = emu.http(
        "PUT",
        &format!("/_emulator/campaigns/{CAMPAIGN}/schedule"),
        &theirs.to_string(),
    );
    assert_eq!(status, 200);
    let after: Value =
        serde_json::from_slice(&emu.get(&["--output", "json", CAMPAIGN]).stdout).unwrap();
    assert_ne!(after["etag"], before["etag"]);
    assert_eq!(after["schedule"]["timezone"], "America/Chicago");
}

#[test]
fn a_wrong_secret_exits_3_and_the_secret_never_shows() {
    let emu = Emulator::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cxsched(dir.path());
    let wrong = "wrong-secret-4c1e9d59";
    let out = cmd
        .env("CXONE_BASE_URL", emu.base())
        .env("CXONE_CLIENT_ID", "e2e-client")
        .env("CXONE_CLIENT_SECRET", wrong)
        .args(["get", CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        all.contains("401") && all.contains("CXONE_CLIENT_SECRET"),
        "{all}"
    );
    assert!(!all.contains(wrong) && !all.contains(SECRET), "{all}");
}

#[test]
fn missing_configuration_exits_2_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cxsched(dir.path());
    let out = cmd.args(["get", CAMPAIGN]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("CXONE_BASE_URL"), "{}", stderr(&out));

    let mut cmd = cxsched(dir.path());
    let out = cmd
        .env("CXONE_ENV", "na1")
        .env("CXONE_CLIENT_ID", "x")
        .args(["get", CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("CXONE_CLIENT_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cxsched(dir.path());
    let out = cmd
        .env("CXONE_BASE_URL", "http://api.example.com")
        .env("CXONE_CLIENT_ID", "x")
        .env("CXONE_CLIENT_SECRET", "y")
        .args(["get", CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
}

#[test]
fn settings_come_from_a_dotenv_file_without_overriding_the_environment() {
    let emu = Emulator::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "CXONE_BASE_URL={}\nCXONE_CLIENT_ID=e2e-client\nCXONE_CLIENT_SECRET={SECRET}\n",
            emu.base()
        ),
    )
    .unwrap();
    let mut cmd = cxsched(dir.path());
    let out = cmd.args(["get", CAMPAIGN]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    // The environment wins over .env: a wrong id there is used, and refused.
    let mut cmd = cxsched(dir.path());
    let out = cmd
        .env("CXONE_CLIENT_ID", "someone-else")
        .args(["get", CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn an_unknown_campaign_exits_3_and_a_malformed_id_exits_2() {
    let emu = Emulator::start(&[]);
    let out = emu.get(&["11111111-2222-4333-8444-555555555555"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("unknown to the server"),
        "{}",
        stderr(&out)
    );
    let out = emu.get(&["campaign-7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("UUID"), "{}", stderr(&out));
}

#[test]
fn a_network_failure_exits_3_within_the_deadline() {
    let emu = Emulator::start(&["--fault-rate", "1", "--fault-kinds", "drop"]);
    let started = std::time::Instant::now();
    let out = emu.get(&["--deadline", "1", CAMPAIGN]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("gave up after") && err.contains("connection"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn faults_short_of_the_deadline_are_invisible_to_the_user() {
    let emu = Emulator::start(&[
        "--fault-rate",
        "0.5",
        "--fault-kinds",
        "5xx,drop",
        "--seed",
        "3",
    ]);
    for _ in 0..3 {
        let out = emu.get(&["--output", "json", CAMPAIGN]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let (_, log) = emu.http("GET", "/_emulator/requests", "");
    let faults = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("fault").is_some())
        .count();
    assert!(faults > 0, "faults were injected: {log}");
}

#[test]
fn the_emulator_serves_generated_campaigns_with_empty_schedules() {
    let emu = Emulator::start(&["--campaigns", "3"]);
    let (status, list) = emu.http("GET", "/_emulator/campaigns", "");
    assert_eq!(status, 200);
    let ids = list["campaigns"].as_array().unwrap();
    assert_eq!(ids.len(), 3);
    let out = emu.get(&[ids[0].as_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = stdout(&out);
    assert!(
        stdout.contains("status: DRAFT") && stdout.contains("no valid schedule"),
        "{stdout}"
    );
}

#[test]
fn the_emulator_refuses_bad_options_with_exit_2() {
    let out = crate::util::command()
        .args(["emulator", "--listen", "127.0.0.1:0", "--fault-rate", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("fault-rate"), "{}", stderr(&out));
    let out = crate::util::command()
        .args(["emulator", "--client", "no-colon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = crate::util::command()
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--campaigns",
            "/no/such/folder",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/no/such/folder"), "{}", stderr(&out));
}

#[test]
fn the_emulator_stops_on_sigterm() {
    let mut emu = Emulator::start(&[]);
    let pid = emu.emu.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = emu.emu.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
