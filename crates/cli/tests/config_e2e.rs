//! One source of configuration: a `.env` in a clean directory sets every variable, and each
//! one takes effect for every command that uses it (flags, then the environment, then
//! `.env`).

use crate::util::{
    CAMPAIGN, Cxone, Emulator, WEBHOOK_SECRET as SECRET, cxsched, document, json_lines, text,
};

#[test]
fn every_variable_in_dotenv_reaches_every_command_that_uses_it() {
    let emu = Emulator::start(&["--accept-any-campaign"]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("c.json"),
        document(
            CAMPAIGN,
            "America/New_York",
            r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}"#,
        ),
    )
    .unwrap();
    // A receiver that is not there: the event stays in the outbox.
    let dotenv = format!(
        "CXSCHED_PLATFORM=seed\nCXONE_BASE_URL={}\nCXONE_CLIENT_ID=demo-client\n\
         CXONE_CLIENT_SECRET=demo-secret\nCXSCHED_AUDIT_LOG=logs/audit.jsonl\n\
         CXSCHED_OUTBOX=box\nWEBHOOK_URL=http://127.0.0.1:9/hooks\nWEBHOOK_SECRET={SECRET}\n\
         CXSCHED_RATE_LIMIT=50\n",
        emu.url
    );
    std::fs::create_dir(d.join("logs")).unwrap();
    std::fs::write(d.join(".env"), &dotenv).unwrap();

    let apply = cxsched(d)
        .args(["apply", "--yes", "--webhook-wait-secs", "1", "c.json"])
        .output()
        .unwrap();
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    assert!(d.join("logs/audit.jsonl").is_file(), "CXSCHED_AUDIT_LOG");
    assert!(!d.join("cxsched-audit.jsonl").exists());
    let queued = std::fs::read_dir(d.join("box"))
        .map(|r| r.count())
        .unwrap_or(0);
    assert!(queued > 0, "CXSCHED_OUTBOX: the event is in box/");
    assert!(
        !d.join("cxsched-outbox").exists(),
        "nothing in the default outbox"
    );

    let status = cxsched(d)
        .args(["--output", "json", "webhooks", "status"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", text(&status));
    assert!(text(&status).contains("pending"), "{}", text(&status));
    let verify = cxsched(d).args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(
        text(&verify).contains("logs/audit.jsonl"),
        "{}",
        text(&verify)
    );
    let get = cxsched(d).args(["get", CAMPAIGN]).output().unwrap();
    assert!(get.status.success(), "{}", text(&get));

    // A bad value is read, and named.
    std::fs::write(
        d.join(".env"),
        dotenv.replace("CXSCHED_RATE_LIMIT=50", "CXSCHED_RATE_LIMIT=fast"),
    )
    .unwrap();
    let plan = cxsched(d).args(["plan", "c.json"]).output().unwrap();
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    assert!(
        text(&plan).contains("CXSCHED_RATE_LIMIT"),
        "{}",
        text(&plan)
    );
    std::fs::write(
        d.join(".env"),
        dotenv.replace("CXSCHED_PLATFORM=seed", "CXSCHED_PLATFORM=mainframe"),
    )
    .unwrap();
    let v = cxsched(d).args(["validate", "c.json"]).output().unwrap();
    assert_eq!(v.status.code(), Some(2), "{}", text(&v));
    assert!(text(&v).contains("CXSCHED_PLATFORM"), "{}", text(&v));
    // The environment beats .env; a flag beats both.
    let env_wins = cxsched(d)
        .env("CXSCHED_PLATFORM", "seed")
        .args(["validate", "c.json"])
        .output()
        .unwrap();
    assert!(env_wins.status.success(), "{}", text(&env_wins));
    let flag_wins = cxsched(d)
        .env("CXSCHED_PLATFORM", "mainframe")
        .args(["validate", "--platform", "seed", "c.json"])
        .output()
        .unwrap();
    assert!(flag_wins.status.success(), "{}", text(&flag_wins));
}

#[test]
fn the_cxone_variables_in_dotenv_reach_plan_get_and_validate() {
    let emu = Cxone::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let doc = document(
        CAMPAIGN,
        "America/New_York",
        r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"},
           {"dayOfWeek":"MONDAY","startTime":"18:00:00","endTime":"19:00:00"}"#,
    );
    std::fs::write(d.join("c.json"), &doc).unwrap();
    let dotenv: String = emu
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    std::fs::write(d.join(".env"), dotenv).unwrap();
    // CXSCHED_PLATFORM=cxone from .env: the platform's limits apply.
    let v = cxsched(d)
        .args(["--output", "json", "validate", "c.json"])
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("one window per weekday"), "{}", text(&v));
    let plan = cxsched(d)
        .args(["--output", "json", "plan", "c.json"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(1), "{}", text(&plan));
    assert!(
        json_lines(&plan.stdout)[0]["detail"]
            .as_str()
            .unwrap()
            .contains("skillIds")
    );
    let get = cxsched(d).args(["get", "1"]).output().unwrap();
    // The emulator knows no skill 1: the CXone API was reached (404), not the seed's.
    assert_eq!(get.status.code(), Some(3), "{}", text(&get));
    assert!(text(&get).contains("skill"), "{}", text(&get));
}
