//! The engine in-process against the seed emulator over loopback HTTP: a first apply writes
//! every campaign and records each write, a second writes nothing, an out-of-band change is
//! drift (a conflict not overwritten) until overwritten with a reason, and a stop raised
//! before the writes leaves every campaign not started.

mod support;

use std::sync::Arc;

use cxsched_audit::AuditLog;
use cxsched_engine::seed::Seed;
use cxsched_engine::{Document, Ending, Platform, Settings, Sinks, Status, execute};
use serde_json::json;
use support::{control, document, id, plan_all, seed_emulator, seed_platform};

struct Run {
    log: std::path::PathBuf,
}

impl Run {
    async fn plan(&self, p: &Arc<Seed>, docs: Vec<Document>) -> Vec<cxsched_engine::Entry<Seed>> {
        plan_all(p, &self.log, docs).await
    }

    async fn apply(
        &self,
        p: &Arc<Seed>,
        docs: Vec<Document>,
        drift: Option<&str>,
        stop: bool,
    ) -> Vec<cxsched_engine::TargetResult> {
        let entries = self.plan(p, docs).await;
        let sinks = Arc::new(Sinks::new(AuditLog::open(&self.log).unwrap(), None));
        let settings = Arc::new(Settings {
            concurrency: 4,
            overwrite_drift: drift.map(str::to_owned),
            actor: "demo-client".into(),
            rule_pack: "test".into(),
            ..Settings::default()
        });
        let control = control(stop);
        let results = execute(
            Arc::clone(p),
            entries,
            settings,
            Arc::clone(&sinks),
            control,
        )
        .await;
        assert_eq!(sinks.failure(), None);
        results
    }
}

fn endings(results: &[cxsched_engine::TargetResult]) -> Vec<Ending> {
    results.iter().map(|r| r.ending).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_converges_and_drift_is_not_overwritten_without_a_reason() {
    let emu = seed_emulator(5).await;
    let p = seed_platform(&emu);
    let dir = tempfile::tempdir().unwrap();
    let run = Run {
        log: dir.path().join("audit.jsonl"),
    };
    let docs = || (0..5).map(|i| document(i, "17:00:00")).collect::<Vec<_>>();

    let stopped = run.apply(&p, docs(), None, true).await;
    assert_eq!(endings(&stopped), vec![Ending::NotStarted; 5]);

    let first = run.apply(&p, docs(), None, false).await;
    assert_eq!(endings(&first), vec![Ending::Written; 5]);
    let second = run.apply(&p, docs(), None, false).await;
    assert_eq!(endings(&second), vec![Ending::Unchanged; 5]);
    let log = std::fs::read_to_string(&run.log).unwrap();
    assert_eq!(log.matches("\"apply.write\"").count(), 5, "{log}");

    // Another administrator changes campaign 2: drift, refused with both versions.
    let http = reqwest::Client::new();
    let out_of_band = json!({
        "campaignId": id(2), "timezone": "America/New_York", "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 10,
        "timeWindows": [{"dayOfWeek": "FRIDAY", "startTime": "10:00:00", "endTime": "11:00:00"}]
    });
    let answer = http
        .put(format!(
            "{}/_emulator/campaigns/{}/schedule",
            emu.base_url(),
            id(2)
        ))
        .json(&out_of_band)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let planned = run.plan(&p, docs()).await;
    let statuses: Vec<Status> = planned.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Unchanged,
            Status::Unchanged,
            Status::Conflict,
            Status::Unchanged,
            Status::Unchanged
        ]
    );
    let refused = run.apply(&p, docs(), None, false).await;
    assert_eq!(refused[2].ending, Ending::Refused);
    let versions = refused[2].versions.as_ref().expect("both versions");
    assert_eq!(versions.0[0].0, "live");
    assert_eq!(versions.0[0].1["timeWindows"][0]["dayOfWeek"], "FRIDAY");
    assert_eq!(versions.0[1].0, "desired");

    let overwritten = run.apply(&p, docs(), Some("ticket 42"), false).await;
    assert_eq!(overwritten[2].ending, Ending::Written);
    let log = std::fs::read_to_string(&run.log).unwrap();
    assert!(log.contains("\"overrideReason\":\"ticket 42\""), "{log}");
    let after = run.apply(&p, docs(), None, false).await;
    assert_eq!(endings(&after), vec![Ending::Unchanged; 5]);
    assert!(
        cxsched_audit::verify(&run.log).expect("readable").ok,
        "the chain verifies"
    );
    emu.shutdown().await;
}

/// The gate's audit entries name the rule versions its decision rested on: a Connecticut
/// campaign planned on 2023-09-20 (a horizon across Connecticut's 2023-10-01 change from
/// 9 pm to 8 pm) names both versions on the refusal, and once overridden, on the intent and
/// the write; a campaign planned after the change names only the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_entries_name_the_rule_versions_the_gate_applied() {
    let emu = seed_emulator(2).await;
    let p = seed_platform(&emu);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let ct = |i: usize| {
        let text = json!({
            "campaignId": id(i), "timezone": "America/New_York",
            "businessHoursDirective": "STRICT", "maxConcurrentCalls": 10,
            "timeWindows": [{"dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": "20:30:00"}],
            "compliance": {"recipients": {"states": ["CT"]}, "horizonDays": 30}
        })
        .to_string();
        Document {
            source: format!("ct{i}.json"),
            base_dir: ".".into(),
            validation: cxsched_core::parse_document(&text, cxsched_core::Format::Json),
        }
    };
    let apply = |now: &str, doc: Document, reason: Option<&str>| {
        let (p, log) = (Arc::clone(&p), log.clone());
        let now: jiff::Timestamp = now.parse().unwrap();
        let reason = reason.map(str::to_owned);
        async move {
            p.prepare().await.unwrap();
            let history = cxsched_engine::record::History::read(&log).unwrap();
            let input = cxsched_engine::plan::PlanInput {
                concurrency: 2,
                history: &history,
                now,
                gate: true,
            };
            let entries = cxsched_engine::plan(Arc::clone(&p), vec![doc], input).await;
            let sinks = Arc::new(Sinks::new(AuditLog::open(&log).unwrap(), None));
            let settings = Arc::new(Settings {
                concurrency: 2,
                override_reason: reason,
                actor: "demo-client".into(),
                rule_pack: "us".into(),
                ..Settings::default()
            });
            execute(p, entries, settings, sinks, control(false)).await
        }
    };
    let entries = |action: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|e| e["action"] == action)
            .collect()
    };
    let ct_rules = |e: &serde_json::Value| -> Vec<String> {
        e["details"]["rules"]
            .as_array()
            .unwrap_or_else(|| panic!("no rules in {e}"))
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .filter(|r| r.starts_with("US-CT"))
            .collect()
    };

    // 20:30 is past Connecticut's 8 pm from 2023-10-01: refused, both versions named.
    let refused = apply("2023-09-20T12:00:00Z", ct(0), None).await;
    assert_eq!(refused[0].ending, Ending::Refused);
    let r = &entries("apply.refused")[0];
    let rules = ct_rules(r);
    assert_eq!(rules.len(), 2, "{r}");
    assert!(rules.contains(&"US-CT@2023-10-01".to_owned()), "{r}");
    assert!(
        r["details"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().starts_with("US-FED")),
        "{r}"
    );

    // Overridden: the intent and the write name them too.
    let written = apply("2023-09-20T12:00:00Z", ct(0), Some("test")).await;
    assert_eq!(written[0].ending, Ending::Written);
    assert_eq!(ct_rules(&entries("apply.intent")[0]), rules);
    assert_eq!(ct_rules(&entries("apply.write")[0]), rules);

    // After the change only the new version applies.
    apply("2024-01-08T12:00:00Z", ct(1), Some("test")).await;
    assert_eq!(
        ct_rules(&entries("apply.write")[1]),
        ["US-CT@2023-10-01".to_owned()]
    );
    assert!(cxsched_audit::verify(&log).unwrap().ok);
}
