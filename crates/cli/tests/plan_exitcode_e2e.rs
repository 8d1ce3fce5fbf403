//! `plan --detailed-exitcode` through the real binary against the emulators: 0 nothing to
//! change, 2 changes pending, 1 errors or conflicts (and usage errors), 3 API failures;
//! without the flag, the plain codes (0 good, 1 errors or conflicts, 3 API failures).

use std::path::Path;
use std::process::Output;

use crate::util::{CAMPAIGN, Cxone, Emulator, client, document, text};

const ID: &str = "00000000-0000-4000-8000-000000000001";

const WINDOWS: &str = r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
{"dayOfWeek":"FRIDAY","startTime":"10:00:00","endTime":"16:00:00"}"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir.join("schedules")).unwrap();
    std::fs::write(dir.join("schedules").join(name), text).unwrap();
}

fn run(env: &[(&'static str, String)], dir: &Path, args: &[&str]) -> Output {
    client(dir, env).args(args).output().unwrap()
}

fn plan(env: &[(&'static str, String)], dir: &Path, detailed: bool) -> Output {
    let mut args = vec!["plan", "schedules"];
    if detailed {
        args.push("--detailed-exitcode");
    }
    run(env, dir, &args)
}

#[test]
fn changes_pending_is_2_then_nothing_to_change_is_0() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "c.json",
        &document(ID, "America/New_York", WINDOWS),
    );
    let emu = Emulator::start(&["--accept-any-campaign"]);
    let env = emu.env();

    let pending = plan(&env, tmp.path(), true);
    assert_eq!(pending.status.code(), Some(2), "{}", text(&pending));
    assert!(text(&pending).contains("changed"), "{}", text(&pending));
    // Without the flag, pending changes are a good plan: 0.
    let plain = plan(&env, tmp.path(), false);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain));

    let apply = run(&env, tmp.path(), &["apply", "schedules", "--yes"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));

    let nothing = plan(&env, tmp.path(), true);
    assert_eq!(nothing.status.code(), Some(0), "{}", text(&nothing));
    assert!(text(&nothing).contains("unchanged"), "{}", text(&nothing));
}

#[test]
fn an_invalid_document_is_1_even_beside_changes() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "good.json",
        &document(ID, "America/New_York", WINDOWS),
    );
    write(
        tmp.path(),
        "bad.json",
        &document(
            "00000000-0000-4000-8000-000000000002",
            "America/New_York",
            r#"{"dayOfWeek":"MONDAY","startTime":"17:00:00","endTime":"09:00:00"}"#,
        ),
    );
    let emu = Emulator::start(&["--accept-any-campaign"]);
    for detailed in [true, false] {
        let out = plan(&emu.env(), tmp.path(), detailed);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    }
}

#[test]
fn a_conflict_is_1() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "c.json",
        &document(ID, "America/New_York", WINDOWS),
    );
    let emu = Emulator::start(&["--accept-any-campaign"]);
    let env = emu.env();
    let apply = run(&env, tmp.path(), &["apply", "schedules", "--yes"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    // Someone else changes the live schedule, and we change ours: a conflict.
    let theirs = document(
        ID,
        "America/New_York",
        r#"{"dayOfWeek":"TUESDAY","startTime":"10:00:00","endTime":"11:00:00"}"#,
    );
    let path = format!("/_emulator/campaigns/{ID}/schedule");
    assert_eq!(emu.request("PUT", &path, Some(&theirs)).0, 200);
    write(
        tmp.path(),
        "c.json",
        &document(
            ID,
            "America/New_York",
            &WINDOWS.replace("16:00:00", "17:00:00"),
        ),
    );
    let out = plan(&env, tmp.path(), true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("conflict"), "{}", text(&out));
}

#[test]
fn api_failures_are_3() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "c.json",
        &document(ID, "America/New_York", WINDOWS),
    );
    let emu = Emulator::start(&["--accept-any-campaign"]);
    let mut env = emu.env();
    env.retain(|(k, _)| *k != "CXONE_CLIENT_SECRET");
    env.push(("CXONE_CLIENT_SECRET", "wrong-secret".into()));
    for detailed in [true, false] {
        let out = plan(&env, tmp.path(), detailed);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    }
    // The network failing: the emulator drops every connection.
    let dropping = Emulator::start(&[
        "--accept-any-campaign",
        "--fault-rate",
        "1",
        "--fault-kinds",
        "drop",
    ]);
    let out = run(
        &dropping.env(),
        tmp.path(),
        &[
            "plan",
            "schedules",
            "--detailed-exitcode",
            "--deadline",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

#[test]
fn usage_errors_are_1_with_the_flag_and_2_without() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = run(&[], tmp.path(), &["plan", "nowhere", "--detailed-exitcode"]);
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    let missing = run(&[], tmp.path(), &["plan", "nowhere"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    let bad_flag = run(
        &[],
        tmp.path(),
        &["plan", "x", "--detailed-exitcode", "--no-such-flag"],
    );
    assert_eq!(bad_flag.status.code(), Some(1), "{}", text(&bad_flag));
}

#[test]
fn cxone_pending_is_2_then_0() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = format!(
        r#"{{"campaignId":"{CAMPAIGN}","timezone":"America/New_York",
"businessHoursDirective":"STRICT","maxConcurrentCalls":10,"skillIds":[101],
"timeWindows":[{WINDOWS}]}}"#
    );
    write(tmp.path(), "campaign.json", &doc);
    let skills = tmp.path().join("skills.txt");
    std::fs::write(&skills, "101\n").unwrap();
    let emu = Cxone::start(&["--skills", skills.to_str().unwrap()]);
    let env = emu.env();
    let pending = plan(&env, tmp.path(), true);
    assert_eq!(pending.status.code(), Some(2), "{}", text(&pending));
    let apply = run(&env, tmp.path(), &["apply", "schedules", "--yes"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    let nothing = plan(&env, tmp.path(), true);
    assert_eq!(nothing.status.code(), Some(0), "{}", text(&nothing));
}
