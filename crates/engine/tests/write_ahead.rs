//! The write-ahead audit log (CONTRACT §11), in-process against the seed emulator: every
//! write is bracketed by an `apply.intent` and an outcome carrying the same id; an intent a
//! crash left without an outcome is settled `landed` or `not_landed` from the next plan's
//! read; and when the intent cannot be recorded, nothing is sent.

mod support;

use std::path::Path;
use std::sync::Arc;

use cxsched_audit::{AuditLog, payload_sha256};
use cxsched_emulator::RunningEmulator;
use cxsched_engine::record::{self, Action, History, Outcome};
use cxsched_engine::seed::Seed;
use cxsched_engine::{
    Document, Ending, Entry, Platform, Settings, Sinks, Status, TargetResult, execute,
};
use serde_json::Value;
use support::{control, document, id, plan_all, seed_emulator, seed_platform};

fn settings() -> Settings {
    Settings {
        concurrency: 4,
        actor: "demo-client".into(),
        rule_pack: "test".into(),
        ..Settings::default()
    }
}

async fn apply_on(
    p: &Arc<Seed>,
    log: &Path,
    docs: Vec<Document>,
) -> (Vec<TargetResult>, Option<String>) {
    let entries = plan_all(p, log, docs).await;
    let sinks = Arc::new(Sinks::new(AuditLog::open(log).unwrap(), None));
    let control = control(false);
    let results = execute(
        Arc::clone(p),
        entries,
        Arc::new(settings()),
        Arc::clone(&sinks),
        control,
    )
    .await;
    (results, sinks.failure())
}

fn lines(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// How many PUTs the emulator answered.
async fn puts(emu: &RunningEmulator) -> usize {
    let log: Value = reqwest::get(format!("{}/_emulator/requests", emu.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "PUT")
        .count()
}

/// What `write_one` does up to the crash: the intent, appended and synced, then (when
/// `send`) the PUT itself — and no outcome, as if the process died right there.
async fn crash_after_intent(p: &Arc<Seed>, log: &Path, entry: &Entry<Seed>, send: bool) -> String {
    let target = entry.target.unwrap();
    let desired = entry.desired.as_ref().unwrap();
    let intent_id = record::new_intent_id();
    let mut intent = record::entry(Action::Intent, Outcome::Pending, Some(&target));
    intent.etag_before = entry.version.clone();
    intent.payload_sha256 = Some(payload_sha256(
        p.desired_json(desired).to_string().as_bytes(),
    ));
    intent.details = record::with_intent(Value::Null, &intent_id);
    AuditLog::open(log).unwrap().append(&intent).unwrap();
    if send {
        p.client
            .write_schedule(desired, &entry.live.as_ref().unwrap().full())
            .await
            .expect("the PUT lands");
    }
    intent_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_bracketed_by_its_intent_and_an_outcome_with_the_same_id() {
    let emu = seed_emulator(3).await;
    let p = seed_platform(&emu);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let docs = || (0..3).map(|i| document(i, "17:00:00")).collect::<Vec<_>>();
    let (results, failure) = apply_on(&p, &log, docs()).await;
    assert_eq!(failure, None);
    assert!(results.iter().all(|r| r.ending == Ending::Written));

    let entries = lines(&log);
    assert_eq!(entries.len(), 6, "an intent and an outcome per write");
    let intents: Vec<(usize, &Value)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e["action"] == "apply.intent")
        .collect();
    assert_eq!(intents.len(), 3);
    for (at, intent) in intents {
        assert_eq!(intent["outcome"], "pending");
        let intent_id = intent["details"]["intentId"].as_str().unwrap();
        assert_eq!(
            uuid::Uuid::parse_str(intent_id).unwrap().get_version_num(),
            7
        );
        let outcomes: Vec<(usize, &Value)> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e["action"] != "apply.intent" && e["details"]["intentId"] == intent_id)
            .collect();
        assert_eq!(outcomes.len(), 1, "one outcome per intent");
        let (after, outcome) = outcomes[0];
        assert!(after > at, "the intent comes first");
        assert_eq!(outcome["action"], "apply.write");
        assert_eq!(outcome["outcome"], "ok");
        for field in ["campaignId", "payloadSha256", "etagBefore"] {
            assert_eq!(intent[field], outcome[field], "{field}");
        }
        assert!(intent["etagBefore"].is_string());
    }
    assert!(History::read(&log).unwrap().pending().is_empty());
    let report = cxsched_audit::verify(&log).unwrap();
    assert!(report.ok && report.pending.is_empty(), "{report:?}");

    // The second apply writes nothing and so announces nothing.
    let (again, _) = apply_on(&p, &log, docs()).await;
    assert!(again.iter().all(|r| r.ending == Ending::Unchanged));
    assert_eq!(lines(&log).len(), 6);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intent_whose_put_landed_is_settled_landed_and_counts_as_our_write() {
    let emu = seed_emulator(2).await;
    let p = seed_platform(&emu);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let docs = || (0..2).map(|i| document(i, "17:00:00")).collect::<Vec<_>>();
    let planned = plan_all(&p, &log, docs()).await;
    let intent_id = crash_after_intent(&p, &log, &planned[0], true).await;
    assert_eq!(puts(&emu).await, 1);

    let report = cxsched_audit::verify(&log).unwrap();
    assert!(report.ok, "pending is not tampering: {report:?}");
    assert_eq!(report.pending.len(), 1);
    assert_eq!(report.pending[0].intent_id, intent_id);
    assert_eq!(
        report.pending[0].campaign_id.as_deref(),
        Some(id(0).as_str())
    );

    // The plan (read-only) finds it landed, and writes nothing to the log.
    let before = lines(&log).len();
    let planned = plan_all(&p, &log, docs()).await;
    assert_eq!(planned[0].status, Status::Unchanged);
    let s = &planned[0].settlements;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].found, Outcome::Landed);
    assert!(s[0].note().contains(&intent_id), "{}", s[0].note());
    assert!(planned[1].settlements.is_empty());
    assert_eq!(lines(&log).len(), before);

    // Apply records the settlement, then writes only the other campaign.
    let (results, failure) = apply_on(&p, &log, docs()).await;
    assert_eq!(failure, None);
    assert_eq!(results[0].ending, Ending::Unchanged);
    assert_eq!(results[1].ending, Ending::Written);
    assert_eq!(puts(&emu).await, 2, "the landed write is not sent again");
    let entries = lines(&log);
    let settled: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "apply.settled")
        .collect();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0]["outcome"], "landed");
    assert_eq!(settled[0]["details"]["intentId"], intent_id.as_str());
    let live_etag = p.read(planned[0].target.unwrap()).await.unwrap().live.etag;
    assert_eq!(settled[0]["etagAfter"], live_etag.as_str());
    let history = History::read(&log).unwrap();
    assert!(history.pending().is_empty());
    assert_eq!(
        history
            .get(&planned[0].target.unwrap())
            .map(|k| k.version.clone()),
        Some(live_etag),
        "the landed write is what cxsched last wrote"
    );
    let report = cxsched_audit::verify(&log).unwrap();
    assert!(report.ok && report.pending.is_empty(), "{report:?}");

    // Settled once: the next apply records nothing.
    let n = lines(&log).len();
    let (again, _) = apply_on(&p, &log, docs()).await;
    assert!(again.iter().all(|r| r.ending == Ending::Unchanged));
    assert_eq!(lines(&log).len(), n);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intent_whose_put_never_left_is_settled_not_landed_and_written_again() {
    let emu = seed_emulator(2).await;
    let p = seed_platform(&emu);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let planned = plan_all(
        &p,
        &log,
        vec![document(0, "17:00:00"), document(1, "17:00:00")],
    )
    .await;
    let same_doc = crash_after_intent(&p, &log, &planned[0], false).await;
    let doc_changed = crash_after_intent(&p, &log, &planned[1], false).await;

    // Campaign 1's document changes before the rerun: the intended state is no longer at
    // hand, but the live ETag is still the one read before the intent.
    let docs = || vec![document(0, "17:00:00"), document(1, "18:00:00")];
    let planned = plan_all(&p, &log, docs()).await;
    for (e, intent_id) in planned.iter().zip([&same_doc, &doc_changed]) {
        assert_eq!(e.status, Status::Changed);
        assert_eq!(e.settlements.len(), 1);
        assert_eq!(&e.settlements[0].intent.intent_id, intent_id);
        assert_eq!(
            e.settlements[0].found,
            Outcome::NotLanded,
            "{:?}",
            e.settlements
        );
    }
    assert!(planned[1].settlements[0].how.contains("read before"));

    let (results, failure) = apply_on(&p, &log, docs()).await;
    assert_eq!(failure, None);
    assert!(results.iter().all(|r| r.ending == Ending::Written));
    assert_eq!(puts(&emu).await, 2);
    let entries = lines(&log);
    let first_write = entries
        .iter()
        .position(|e| {
            e["action"] == "apply.intent"
                && e["details"]["intentId"] != same_doc.as_str()
                && e["details"]["intentId"] != doc_changed.as_str()
        })
        .unwrap();
    let settled: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e["action"] == "apply.settled")
        .map(|(i, e)| {
            assert_eq!(e["outcome"], "not_landed");
            assert!(e["etagAfter"].is_null());
            i
        })
        .collect();
    assert_eq!(settled.len(), 2);
    assert!(
        settled.iter().all(|&i| i < first_write),
        "settled before any new write"
    );
    let report = cxsched_audit::verify(&log).unwrap();
    assert!(report.ok && report.pending.is_empty(), "{report:?}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_intent_cannot_be_recorded_nothing_is_sent() {
    let emu = seed_emulator(2).await;
    let p = seed_platform(&emu);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    // A last line that is not an entry: the chain cannot be extended.
    std::fs::write(&log, "{\"edited\":true}\n").unwrap();
    let (results, failure) = apply_on(&p, &log, vec![document(0, "17:00:00")]).await;
    assert_eq!(results[0].ending, Ending::Failed);
    let message = results[0].message.as_deref().unwrap();
    assert!(
        message.contains("not written") && message.contains("audit verify"),
        "{message}"
    );
    assert!(failure.is_some(), "the run reports the audit failure");
    assert_eq!(puts(&emu).await, 0, "no PUT without an intent on disk");
    let live = p.read(results[0].target.unwrap()).await.unwrap();
    assert!(p.is_empty(&live));
    emu.shutdown().await;
}
