//! The audit log on disk: concurrent appenders (threads and processes), torn lines after a
//! crash, and verification of what was written.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use cxsched_audit::{AuditEntry, AuditLog, BreakKind, verify};

/// Set in the child processes spawned by `two_processes_append_concurrently`.
const CHILD_ENV: &str = "CXSCHED_AUDIT_TEST_CHILD_LOG";
const PER_WRITER: usize = 300;

fn entry(writer: &str, i: usize) -> AuditEntry {
    let mut e = AuditEntry::new("apply.write", "ok");
    e.campaign_id = Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301".into());
    e.actor = Some(writer.into());
    e.latency_ms = Some(i as u64);
    e.details = serde_json::json!({ "writer": writer, "i": i, "pad": "x".repeat(i % 300) });
    e
}

fn append_many(path: &Path, writer: &str) {
    let mut log = AuditLog::open(path).unwrap();
    for i in 0..PER_WRITER {
        log.append(&entry(writer, i)).unwrap();
    }
}

/// Every writer's entries are all present, in each writer's own order.
fn assert_all_present(path: &Path, writers: &[&str]) {
    let text = std::fs::read_to_string(path).unwrap();
    for w in writers {
        let seen: Vec<u64> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["details"]["writer"] == *w)
            .map(|v| v["details"]["i"].as_u64().unwrap())
            .collect();
        assert_eq!(
            seen,
            (0..PER_WRITER as u64).collect::<Vec<_>>(),
            "writer {w}"
        );
    }
}

#[test]
fn two_threads_with_their_own_handles_append_without_forking_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    std::thread::scope(|s| {
        for w in ["a", "b"] {
            let path = &path;
            s.spawn(move || append_many(path, w));
        }
    });
    let report = verify(&path).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.entries, 2 * PER_WRITER as u64);
    assert_all_present(&path, &["a", "b"]);
}

/// The body of the child processes (does nothing when run as an ordinary test).
#[test]
fn child_appender() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        let writer = std::env::var("CXSCHED_AUDIT_TEST_WRITER").unwrap();
        append_many(Path::new(&path), &writer);
    }
}

#[test]
fn two_processes_append_concurrently() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["p1", "p2"]
        .iter()
        .map(|w| {
            Command::new(&exe)
                .args(["--exact", "child_appender", "--test-threads=1"])
                .env(CHILD_ENV, &path)
                .env("CXSCHED_AUDIT_TEST_WRITER", w)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let report = verify(&path).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.entries, 2 * PER_WRITER as u64);
    assert_all_present(&path, &["p1", "p2"]);
}

#[test]
fn a_torn_last_line_is_reported_then_sealed_by_the_next_append_without_losing_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut log = AuditLog::open(&path).unwrap();
    for i in 0..3 {
        log.append(&entry("w", i)).unwrap();
    }
    // A crash in the middle of writing a fourth line.
    let torn = b"{\"seq\":4,\"id\":\"0199\",\"ts\":\"2026-03-0";
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(torn)
        .unwrap();
    let report = verify(&path).unwrap();
    assert_eq!(report.kind, Some(BreakKind::TornTail));
    assert_eq!(report.broken_at.as_ref().unwrap().line, 4);
    assert_eq!(report.entries, 3);

    let appended = log.append(&entry("w", 3)).unwrap();
    assert!(appended.sealed_torn_tail);
    let report = verify(&path).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.recovered_torn_lines, vec![4]);
    assert_eq!(
        report.entries, 5,
        "3 entries, the recovery entry, the new entry"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(std::str::from_utf8(torn).unwrap()),
        "the fragment is kept"
    );

    // Editing the sealed fragment is tampering, named at its line.
    let edited = text.replacen("\"ts\":\"2026-03-0\n", "\"ts\":\"2026-03-1\n", 1);
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
    let report = verify(&path).unwrap();
    assert_eq!(report.kind, Some(BreakKind::Tampered));
    assert_eq!(report.broken_at.unwrap().line, 4);
}

#[test]
fn a_line_torn_just_before_its_newline_is_completed_not_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut log = AuditLog::open(&path).unwrap();
    log.append(&entry("w", 0)).unwrap();
    log.append(&entry("w", 1)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 1]).unwrap();
    assert_eq!(verify(&path).unwrap().kind, Some(BreakKind::TornTail));
    let appended = log.append(&entry("w", 2)).unwrap();
    assert_eq!(appended.seq, 3);
    let report = verify(&path).unwrap();
    assert!(report.ok && report.entries == 3 && report.recovered_torn_lines.is_empty());
}

#[test]
fn appending_to_a_log_whose_last_line_was_altered_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut log = AuditLog::open(&path).unwrap();
    log.append(&entry("w", 0)).unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"ok\"", "\"OK\"");
    std::fs::write(&path, text).unwrap();
    let err = log.append(&entry("w", 1)).unwrap_err().to_string();
    assert!(err.contains("audit verify"), "{err}");
}

#[test]
fn an_entry_carrying_a_secret_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut log = AuditLog::open(&path).unwrap();
    let mut e = entry("w", 0);
    e.details = serde_json::json!({ "webhookSecret": "whsec_abc" });
    assert!(log.append(&e).is_err());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
}
