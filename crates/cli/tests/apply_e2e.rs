//! End to end: `plan` and `apply` through the real binary against the real emulator over
//! loopback, with faults, token revocation, a concurrent out-of-band writer, and a SIGKILL
//! in the middle of a run.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::util::{
    APPLY_JSON, Emulator, campaign_id, client, cxsched, document, json_lines, success,
};
use serde_json::Value;

/// Writes `n` documents (`c{i}.json`) with a window shape depending on `i`.
fn write_docs(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let windows = format!(
            r#"{{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"{:02}:00:00"}},
               {{"dayOfWeek":"FRIDAY","startTime":"10:00:00","endTime":"16:00:00"}}"#,
            12 + i % 8
        );
        std::fs::write(
            dir.join(format!("c{i}.json")),
            document(&campaign_id(i), "America/New_York", &windows),
        )
        .unwrap();
    }
}

fn run(emu: &Emulator, dir: &Path, args: &[&str]) -> Output {
    client(dir, &emu.env()).args(args).output().unwrap()
}

/// `apply … --yes --output json` with `extra` arguments.
fn apply(emu: &Emulator, dir: &Path, extra: &[&str]) -> Output {
    let mut args = APPLY_JSON.to_vec();
    args.extend_from_slice(extra);
    run(emu, dir, &args)
}

/// Starts `apply` in the background (stdout piped) and returns once its audit log holds at
/// least `lines` entries: mid-run, whatever the machine's speed.
fn apply_until_audited(emu: &Emulator, dir: &Path, lines: usize) -> std::process::Child {
    let child = client(dir, &emu.env())
        .args(APPLY_JSON)
        .args(["--concurrency", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let audit = dir.join("audit.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&audit).map_or(0, |t| t.lines().count()) < lines {
        assert!(
            std::time::Instant::now() < deadline,
            "no writes were recorded"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// `audit verify --output json` on the run's log; asserts the chain is intact.
fn verify_audit(emu: &Emulator, dir: &Path) -> Value {
    let out = run(
        emu,
        dir,
        &["audit", "verify", "audit.jsonl", "--output", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    report
}

fn statuses(out: &Output) -> Vec<(String, String)> {
    json_lines(&out.stdout)
        .iter()
        .map(|v| {
            (
                v["campaignId"].as_str().unwrap_or("").to_owned(),
                v["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn puts(emu: &Emulator) -> usize {
    api_requests(emu, "PUT")
}

/// How many `/api/` requests with this method the emulator has answered.
fn api_requests(emu: &Emulator, method: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|e| {
            e["method"] == method && e["path"].as_str().is_some_and(|p| p.starts_with("/api/"))
        })
        .count()
}

#[test]
fn apply_writes_then_a_second_apply_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 30);
    let emu = Emulator::start(&["--accept-any-campaign"]);

    let plan = run(&emu, tmp.path(), &["plan", "schedules", "--output", "json"]);
    success(&plan);
    assert!(statuses(&plan).iter().all(|(_, s)| s == "changed"));

    let first = apply(&emu, tmp.path(), &[]);
    success(&first);
    let st = statuses(&first);
    assert_eq!(st.len(), 30);
    assert!(st.iter().all(|(_, s)| s == "written"), "{st:?}");
    assert_eq!(puts(&emu), 30);

    let second = apply(&emu, tmp.path(), &[]);
    success(&second);
    assert!(statuses(&second).iter().all(|(_, s)| s == "unchanged"));
    assert_eq!(puts(&emu), 30, "the second apply must not write");

    let report = verify_audit(&emu, tmp.path());
    assert_eq!(report["entries"], 60, "an intent and an outcome per write");
}

#[test]
fn apply_without_yes_and_without_a_terminal_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 1);
    let emu = Emulator::start(&["--accept-any-campaign"]);
    let out = run(&emu, tmp.path(), &["apply", "schedules"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(puts(&emu), 0);
}

#[test]
fn bad_credentials_exit_3_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 2);
    let emu = Emulator::start(&["--accept-any-campaign"]);
    let out = cxsched(tmp.path())
        .args(["apply", "schedules", "--yes"])
        .env("CXONE_BASE_URL", &emu.url)
        .env("CXONE_CLIENT_ID", "demo-client")
        .env("CXONE_CLIENT_SECRET", "wrong-secret")
        .env("CXSCHED_AUDIT_LOG", tmp.path().join("audit.jsonl"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("wrong-secret"), "the secret leaked: {all}");
    assert_eq!(puts(&emu), 0);
}

/// Faults (5xx, dropped connections, slow answers), token revocations and an out-of-band
/// writer during the run: every campaign ends in its desired state or is reported as a
/// conflict with both versions, and nothing is overwritten blindly.
#[test]
fn apply_under_faults_converges_and_never_overwrites_blindly() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 60;
    write_docs(&tmp.path().join("schedules"), n);
    let emu = Emulator::start(&[
        "--accept-any-campaign",
        "--fault-rate",
        "0.15",
        "--latency-ms",
        "5",
    ]);
    let url = emu.url.clone();
    // Another administrator writes campaigns 0..6 while apply runs; tokens get revoked too.
    let meddler = std::thread::spawn(move || {
        for i in 0..6 {
            std::thread::sleep(Duration::from_millis(40));
            let theirs = document(
                &campaign_id(i),
                "America/Chicago",
                r#"{"dayOfWeek":"SUNDAY","startTime":"13:00:00","endTime":"14:00:00"}"#,
            );
            let path = format!("/_emulator/campaigns/{}/schedule", campaign_id(i));
            let (status, _) = crate::util::http(&url, "PUT", &path, Some(&theirs));
            assert!(
                (200..300).contains(&status),
                "out-of-band write got {status}"
            );
            if i % 2 == 0 {
                crate::util::http(&url, "POST", "/_emulator/tokens/revoke", None);
            }
        }
    });
    let out = apply(&emu, tmp.path(), &["--concurrency", "4"]);
    meddler.join().unwrap();
    let results = json_lines(&out.stdout);
    assert_eq!(results.len(), n, "{}", String::from_utf8_lossy(&out.stderr));
    for r in &results {
        let status = r["status"].as_str().unwrap();
        assert!(
            matches!(status, "written" | "conflict" | "unchanged"),
            "{r}"
        );
        if status == "conflict" {
            assert!(
                r["conflict"]["read"].is_object() && r["conflict"]["live"].is_object(),
                "{r}"
            );
        }
    }
    // Second run: what we wrote stays, conflicts stay reported (refused), nothing is written.
    let puts_before = puts(&emu);
    let again = apply(&emu, tmp.path(), &[]);
    for r in json_lines(&again.stdout) {
        let status = r["status"].as_str().unwrap();
        let campaign = r["campaignId"].as_str().unwrap();
        if (0..6).any(|i| campaign_id(i) == campaign) {
            // Either we wrote after their change (it was there when we read), or the
            // conflict is still reported; never silently overwritten.
            assert!(matches!(status, "unchanged" | "refused"), "{r}");
        } else {
            assert_eq!(status, "unchanged", "{r}");
        }
    }
    assert_eq!(puts(&emu), puts_before, "the second apply must not write");
}

/// A write carried out whose answer never arrives (the connection closes after the server
/// applied it): apply finds on re-reading that the live schedule is the one it meant to
/// write, reports it written once, records it once, and the next apply writes nothing.
#[test]
fn writes_whose_answers_are_lost_count_once_and_converge() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 24;
    write_docs(&tmp.path().join("schedules"), n);
    let emu = Emulator::start(&[
        "--accept-any-campaign",
        "--fault-rate",
        "0.4",
        "--fault-kinds",
        "lost",
        "--seed",
        "7",
    ]);
    let out = apply(&emu, tmp.path(), &[]);
    success(&out);
    let st = statuses(&out);
    assert_eq!(st.len(), n);
    assert!(st.iter().all(|(_, s)| s == "written"), "{st:?}");
    let (_, log) = emu.request("GET", "/_emulator/requests", None);
    let lost_puts = serde_json::from_str::<Value>(&log).unwrap()["requests"]
        .as_array()
        .map_or(0, |l| {
            l.iter()
                .filter(|e| e["method"] == "PUT" && e["fault"] == "lost")
                .count()
        });
    assert!(lost_puts > 0, "the fault never hit a write: {log}");
    let writes = audit_entries(tmp.path())
        .iter()
        .filter(|e| e["action"] == "apply.write" && e["outcome"] == "ok")
        .count();
    assert_eq!(writes, n, "one audited write per campaign");
    let puts_before = puts(&emu);
    let again = apply(&emu, tmp.path(), &[]);
    success(&again);
    assert!(
        statuses(&again).iter().all(|(_, s)| s == "unchanged"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    assert_eq!(puts(&emu), puts_before, "the second apply must not write");
    verify_audit(&emu, tmp.path());
}

/// SIGKILL in the middle of an apply, then apply again: it converges, and every audit entry
/// written before the kill is still there and the chain verifies.
#[test]
fn apply_killed_mid_run_converges_on_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 120);
    let emu = Emulator::start(&["--accept-any-campaign", "--latency-ms", "25"]);
    let mut child = apply_until_audited(&emu, tmp.path(), 5);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let audit_before = std::fs::read_to_string(tmp.path().join("audit.jsonl")).unwrap();
    let complete_before: Vec<&str> = audit_before.lines().filter(|l| l.ends_with('}')).collect();
    assert!(
        complete_before.len() < 120,
        "the run finished before the kill"
    );

    success(&apply(&emu, tmp.path(), &[]));
    let plan = run(&emu, tmp.path(), &["plan", "schedules", "--output", "json"]);
    assert!(
        statuses(&plan).iter().all(|(_, s)| s == "unchanged"),
        "not converged"
    );

    let audit_after = std::fs::read_to_string(tmp.path().join("audit.jsonl")).unwrap();
    for line in &complete_before {
        assert!(
            audit_after.contains(line),
            "an audit entry was lost: {line}"
        );
    }
    verify_audit(&emu, tmp.path());
}

/// Ctrl-C (SIGINT) stops starting new writes, finishes those in flight, reports the rest as
/// not started, and exits 1; running again finishes the job.
#[test]
fn apply_interrupted_reports_and_a_rerun_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 80);
    let emu = Emulator::start(&["--accept-any-campaign", "--latency-ms", "30"]);
    let child = apply_until_audited(&emu, tmp.path(), 3);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let st = statuses(&out);
    assert_eq!(st.len(), 80, "every campaign is reported");
    let not_started = st.iter().filter(|(_, s)| s == "not_started").count();
    let written = st.iter().filter(|(_, s)| s == "written").count();
    assert!(not_started > 0 && written > 0, "{st:?}");
    assert_eq!(written + not_started, 80, "{st:?}");

    let rerun = apply(&emu, tmp.path(), &[]);
    success(&rerun);
    let st = statuses(&rerun);
    assert_eq!(
        st.iter().filter(|(_, s)| s == "written").count(),
        not_started
    );
}

/// A second Ctrl-C stops at once instead of waiting for the writes in flight; nothing that
/// was recorded is lost and the next run converges. Sequenced on what the processes show
/// (the emulator's request log, apply's stderr), not on sleeps: each PUT takes 2 s, so the
/// writes are in flight across both interrupts.
#[test]
fn a_second_interrupt_stops_at_once_and_a_rerun_converges() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 12);
    let emu = Emulator::start(&["--accept-any-campaign", "--latency-ms", "2000"]);
    let mut child = client(tmp.path(), &emu.env())
        .args(APPLY_JSON)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The plan has read all twelve; the writes start right after.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while api_requests(&emu, "GET") < 12 {
        assert!(
            std::time::Instant::now() < deadline,
            "the plan never finished"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id().to_string();
    let interrupt = || {
        assert!(
            std::process::Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        )
    };
    interrupt();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("interrupted:") {
        assert!(stderr.read_line(&mut seen).unwrap() > 0, "{seen}");
    }
    interrupt();
    let out = child.wait_with_output().unwrap();
    std::io::Read::read_to_string(&mut stderr, &mut seen).unwrap();
    assert_eq!(out.status.code(), Some(1), "{seen}");
    assert!(seen.contains("interrupted again: stopping now"), "{seen}");
    assert!(out.stdout.is_empty(), "no report after a hard stop");

    let rerun = apply(&emu, tmp.path(), &[]);
    success(&rerun);
    let st = statuses(&rerun);
    assert_eq!(st.len(), 12);
    assert!(
        st.iter().all(|(_, s)| s == "written" || s == "unchanged"),
        "{st:?}"
    );
    // No campaign written twice: a write cut off by the second interrupt either reached the
    // server (the rerun finds it unchanged) or did not (the rerun writes it).
    let mut writes: Vec<String> = audit_entries(tmp.path())
        .iter()
        .filter(|e| e["action"] == "apply.write" && e["outcome"] == "ok")
        .map(|e| e["campaignId"].as_str().unwrap_or_default().to_owned())
        .collect();
    let total = writes.len();
    writes.sort();
    writes.dedup();
    assert_eq!(writes.len(), total, "a campaign was written twice");
    let again = apply(&emu, tmp.path(), &[]);
    success(&again);
    assert!(statuses(&again).iter().all(|(_, s)| s == "unchanged"));
    verify_audit(&emu, tmp.path());
}

fn audit_entries(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A campaign with compliance errors is not written; `--override REASON` writes it and the
/// reason is in the audit log.
#[test]
fn compliance_errors_block_the_write_unless_overridden_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("schedules");
    std::fs::create_dir_all(&docs).unwrap();
    let sunday = document(
        &campaign_id(1),
        "America/Denver",
        r#"{"dayOfWeek":"SUNDAY","startTime":"12:00:00","endTime":"15:00:00"}"#,
    )
    .replace(
        r#""timeWindows""#,
        r#""compliance":{"recipients":{"states":["UT"]}},"timeWindows""#,
    );
    std::fs::write(docs.join("sunday.json"), sunday).unwrap();
    let emu = Emulator::start(&["--accept-any-campaign"]);

    let refused = apply(&emu, tmp.path(), &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(statuses(&refused), [(campaign_id(1), "refused".to_owned())]);
    assert_eq!(puts(&emu), 0);
    let last = audit_entries(tmp.path()).pop().unwrap();
    assert_eq!(
        (last["action"].as_str(), last["outcome"].as_str()),
        (Some("apply.refused"), Some("refused"))
    );

    let reason = "approved by counsel, ticket 42";
    let forced = apply(&emu, tmp.path(), &["--override", reason]);
    success(&forced);
    assert_eq!(statuses(&forced), [(campaign_id(1), "written".to_owned())]);
    let last = audit_entries(tmp.path()).pop().unwrap();
    assert_eq!(last["action"], "apply.write");
    assert_eq!(last["overrideReason"], reason);
    verify_audit(&emu, tmp.path());
}

/// A schedule changed by someone else since our last write is not overwritten: the plan
/// says conflict, apply refuses, and only `--overwrite-drift REASON` writes it.
#[test]
fn drift_is_refused_until_overwritten_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 1);
    let emu = Emulator::start(&["--accept-any-campaign"]);
    success(&apply(&emu, tmp.path(), &[]));

    let theirs = document(
        &campaign_id(0),
        "America/New_York",
        r#"{"dayOfWeek":"TUESDAY","startTime":"10:00:00","endTime":"11:00:00"}"#,
    );
    let path = format!("/_emulator/campaigns/{}/schedule", campaign_id(0));
    assert_eq!(emu.request("PUT", &path, Some(&theirs)).0, 200);
    let ours = tmp.path().join("schedules/c0.json");
    let text = std::fs::read_to_string(&ours).unwrap();
    std::fs::write(&ours, text.replace("16:00:00", "17:00:00")).unwrap();

    let plan = run(&emu, tmp.path(), &["plan", "schedules", "--output", "json"]);
    assert_eq!(plan.status.code(), Some(1));
    let entry = &json_lines(&plan.stdout)[0];
    assert_eq!(entry["status"], "conflict", "{entry}");
    assert!(
        entry["live"].is_object() && entry["desired"].is_object(),
        "{entry}"
    );

    let puts_before = puts(&emu);
    let refused = apply(&emu, tmp.path(), &[]);
    assert_eq!(refused.status.code(), Some(1));
    let r = &json_lines(&refused.stdout)[0];
    assert_eq!(r["status"], "refused");
    assert!(
        r["conflict"]["live"].is_object() && r["conflict"]["desired"].is_object(),
        "{r}"
    );
    assert_eq!(
        puts(&emu),
        puts_before,
        "their change must not be overwritten"
    );

    let reason = "the UI change was a mistake; confirmed with the floor manager";
    let forced = apply(&emu, tmp.path(), &["--overwrite-drift", reason]);
    success(&forced);
    assert_eq!(statuses(&forced), [(campaign_id(0), "written".to_owned())]);
    assert_eq!(
        audit_entries(tmp.path()).pop().unwrap()["overrideReason"],
        reason
    );
    let again = run(&emu, tmp.path(), &["plan", "schedules", "--output", "json"]);
    assert_eq!(statuses(&again), [(campaign_id(0), "unchanged".to_owned())]);
}

/// A webhook receiver that is down never undoes or hides a write: apply reports the writes,
/// exits 0, and the events wait in the outbox, visible in `webhooks status`.
#[test]
fn a_webhook_receiver_that_is_down_leaves_the_writes_and_queues_the_events() {
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 3);
    let emu = Emulator::start(&["--accept-any-campaign"]);
    // A port nothing listens on: bind, note it, close.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let hooks = format!("http://{closed}/hooks");
    let with_hooks = |args: &[&str]| {
        client(tmp.path(), &emu.env())
            .args(args)
            .env("WEBHOOK_URL", &hooks)
            .env("WEBHOOK_SECRET", crate::util::WEBHOOK_SECRET)
            .output()
            .unwrap()
    };
    let out = with_hooks(&["apply", "schedules", "--yes", "--webhook-wait-secs", "1"]);
    success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 written"), "{text}");
    assert!(text.contains("3 still pending"), "{text}");
    assert!(!text.contains("MfKQ9r8"), "the webhook secret leaked");

    let status = with_hooks(&["webhooks", "status", "--output", "json"]);
    let report: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["pending"], 3, "{report}");
    assert_eq!(puts(&emu), 3);
}

/// Ctrl-C while apply waits for a webhook receiver that never answers cuts the wait short:
/// the writes stand, the events stay in the outbox, and the run ends at once.
#[test]
fn an_interrupt_cuts_the_webhook_wait_short_and_keeps_the_events() {
    use std::io::Read;
    let tmp = tempfile::tempdir().unwrap();
    write_docs(&tmp.path().join("schedules"), 2);
    let emu = Emulator::start(&["--accept-any-campaign"]);
    // A receiver that takes connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hooks = format!("http://{}/hooks", silent.local_addr().unwrap());
    let (reached, connected) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming().flatten() {
            held.push(conn);
            let _ = reached.send(());
        }
    });
    let mut child = client(tmp.path(), &emu.env())
        .args(["apply", "schedules", "--yes", "--webhook-wait-secs", "300"])
        .env("WEBHOOK_URL", &hooks)
        .env("WEBHOOK_SECRET", crate::util::WEBHOOK_SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Delivery has begun once the receiver is reached.
    connected
        .recv_timeout(Duration::from_secs(60))
        .expect("the receiver was never reached");
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    // Well short of the 300 s wait; the bound only keeps a regression from hanging the suite.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "apply kept waiting");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut text = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{text}");
    assert!(text.contains("2 written"), "{text}");
    assert!(text.contains("delivery interrupted"), "{text}");
    let status = cxsched(tmp.path())
        .args(["webhooks", "status", "--output", "json"])
        .env("WEBHOOK_URL", &hooks)
        .env("WEBHOOK_SECRET", crate::util::WEBHOOK_SECRET)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["pending"], 2, "{report}");
}
