//! `cxsched audit verify` through the real binary: an intact log, and logs whose entries
//! were edited, deleted, reordered or truncated, each named at the right line and entry.

use std::path::{Path, PathBuf};

use cxsched_audit::{AuditEntry, AuditLog};
use serde_json::Value;

use crate::util::{asserting as cxsched, campaign_id};

const ENTRIES: usize = 10;

/// A log of ten entries; returns its path and each entry's id, in order.
fn build_log(dir: &Path) -> (PathBuf, Vec<String>) {
    let path = dir.join("audit.jsonl");
    let mut log = AuditLog::open(&path).unwrap();
    let ids = (0..ENTRIES)
        .map(|i| {
            let mut e = AuditEntry::new("apply.write", "ok");
            e.campaign_id = Some(campaign_id(i));
            e.actor = Some("demo-client".into());
            e.etag_before = Some(format!("\"v{i}\""));
            e.etag_after = Some(format!("\"v{}\"", i + 1));
            e.tzdb = Some("2026f".into());
            log.append(&e).unwrap().id
        })
        .collect();
    (path, ids)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

/// Runs `cxsched --output json audit verify PATH`: exit code and the JSON report.
fn verify(path: &Path) -> (i32, Value) {
    let out = cxsched()
        .args(["--output", "json", "audit", "verify"])
        .arg(path)
        .output()
        .unwrap();
    (out.status.code().unwrap(), crate::util::json(&out))
}

fn assert_broken(path: &Path, line: u64, id: Option<&str>, kind: &str) {
    let (code, r) = verify(path);
    assert_eq!(code, 1, "{r}");
    assert_eq!(r["ok"], false);
    assert_eq!(r["kind"], kind, "{r}");
    assert_eq!(r["brokenAt"]["line"], line, "{r}");
    assert_eq!(
        r["brokenAt"]["id"],
        id.map_or(Value::Null, Value::from),
        "{r}"
    );
}

#[test]
fn an_intact_log_verifies_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_log(dir.path());
    let (code, r) = verify(&path);
    assert_eq!(code, 0);
    assert_eq!(r["ok"], true);
    assert_eq!(r["entries"], ENTRIES);
    assert_eq!(r["brokenAt"], Value::Null);
    assert_eq!(r["kind"], Value::Null);
}

#[test]
fn an_edited_entry_is_named_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = build_log(dir.path());
    let mut l = lines(&path);
    l[4] = l[4].replace("\"outcome\":\"ok\"", "\"outcome\":\"failed\"");
    write_lines(&path, &l);
    assert_broken(&path, 5, Some(&ids[4]), "tampered");
}

#[test]
fn an_entry_edited_into_invalid_json_is_named_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_log(dir.path());
    let mut l = lines(&path);
    l[2].truncate(40);
    write_lines(&path, &l);
    assert_broken(&path, 3, None, "tampered");
}

#[test]
fn after_a_deleted_entry_the_next_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = build_log(dir.path());
    let mut l = lines(&path);
    l.remove(3);
    write_lines(&path, &l);
    assert_broken(&path, 4, Some(&ids[4]), "tampered");
}

#[test]
fn a_deleted_first_entry_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = build_log(dir.path());
    let mut l = lines(&path);
    l.remove(0);
    write_lines(&path, &l);
    assert_broken(&path, 1, Some(&ids[1]), "tampered");
}

#[test]
fn after_reordered_entries_the_first_out_of_place_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = build_log(dir.path());
    let mut l = lines(&path);
    l.swap(5, 6);
    write_lines(&path, &l);
    assert_broken(&path, 6, Some(&ids[6]), "tampered");
}

#[test]
fn a_truncated_last_line_is_a_torn_tail_not_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_log(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 30]).unwrap();
    assert_broken(&path, ENTRIES as u64, None, "torn_tail");
    // Human output says it is a crash, not tampering.
    let out = cxsched()
        .args(["--output", "human", "audit", "verify"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("crash") && text.contains("line 10"), "{text}");
}

#[test]
fn truncation_inside_an_earlier_line_is_tampering_at_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_log(dir.path());
    let mut l = lines(&path);
    l.truncate(7);
    l[6].truncate(50);
    l.push(lines(&path)[7].clone());
    write_lines(&path, &l);
    assert_broken(&path, 7, None, "tampered");
}

#[test]
fn the_log_defaults_to_cxsched_audit_log_and_a_missing_log_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_log(dir.path());
    cxsched()
        .args(["audit", "verify"])
        .env("CXSCHED_AUDIT_LOG", &path)
        .current_dir(dir.path())
        .assert()
        .code(0);
    let out = cxsched()
        .args(["audit", "verify", "nowhere.jsonl"])
        .env_remove("CXSCHED_AUDIT_LOG")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CXSCHED_AUDIT_LOG"));
}

/// An intent with neither an outcome nor a settlement (a run killed between the two) is
/// reported pending, not as tampering: exit 0, `ok` true, and the human output says the next
/// `apply` settles it. A paired intent, and one settled `unknown`, are told apart.
#[test]
fn an_intent_without_an_outcome_is_pending_and_the_chain_stays_ok() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_log(dir.path());
    let mut log = AuditLog::open(&path).unwrap();
    let campaign = "00000000-0000-4000-8000-000000000042";
    let mut append = |action: &str, outcome: &str, intent: &str, skill: Option<u64>| {
        let mut e = AuditEntry::new(action, outcome);
        e.campaign_id = Some(campaign.into());
        e.skill_id = skill;
        e.details = serde_json::json!({ "intentId": intent });
        log.append(&e).unwrap().id
    };
    append("apply.intent", "pending", "i-paired", None);
    append("apply.write", "ok", "i-paired", None);
    let open = append("apply.intent", "pending", "i-open", Some(7));
    append("apply.intent", "pending", "i-unknown", None);
    append("apply.settled", "unknown", "i-unknown", None);
    append("apply.intent", "pending", "i-landed", None);
    append("apply.settled", "landed", "i-landed", None);

    let (code, r) = verify(&path);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["ok"], true);
    assert_eq!(r["kind"], Value::Null);
    let pending = r["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 2, "{r}");
    assert_eq!(
        pending[0],
        serde_json::json!({
            "line": ENTRIES + 3, "id": open, "intentId": "i-open",
            "campaignId": campaign, "skillId": 7
        })
    );
    assert_eq!(pending[1]["intentId"], "i-unknown");
    assert_eq!(pending[1]["skillId"], Value::Null);

    let out = cxsched()
        .args(["--output", "human", "audit", "verify"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("intact")
            && text.contains("2 intent(s) pending")
            && text.contains("next `apply`")
            && text.contains(&format!("{campaign} skill 7")),
        "{text}"
    );
}
