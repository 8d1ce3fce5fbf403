//! What the engine's in-process tests share: seed documents, the seed emulator on a port-0
//! listener, the platform over its client, a plan with no compliance gate, and run controls.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use cxsched_api::{Client, ClientConfig, Secret};
use cxsched_core::{Format, parse_document};
use cxsched_emulator::{CampaignSource, EmulatorConfig, RunningEmulator};
use cxsched_engine::execute::Control;
use cxsched_engine::plan::PlanInput;
use cxsched_engine::record::History;
use cxsched_engine::{Document, Entry, Platform, plan};
use serde_json::json;

/// The id of test campaign `i`.
pub fn id(i: usize) -> String {
    format!("3f1c2a4e-7b8d-4c9e-a1f2-{i:012}")
}

/// A valid document for campaign `i`: Monday 09:00 to `end`, New York.
pub fn document(i: usize, end: &str) -> Document {
    let text = json!({
        "campaignId": id(i),
        "timezone": "America/New_York",
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 10,
        "timeWindows": [{"dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": end}]
    })
    .to_string();
    let validation = parse_document(&text, Format::Json);
    assert!(validation.is_valid(), "{:?}", validation.errors);
    Document {
        source: format!("doc{i}.json"),
        base_dir: ".".into(),
        validation,
    }
}

/// The seed emulator knowing campaigns `0..n`, each with an empty schedule.
pub async fn seed_emulator(n: usize) -> RunningEmulator {
    let mut config = EmulatorConfig::loopback();
    config.campaigns = CampaignSource::Documents(
        (0..n)
            .map(|i| json!({"campaignId": id(i), "timeWindows": []}))
            .collect(),
    );
    cxsched_emulator::spawn(config)
        .await
        .expect("emulator starts")
}

/// The seed platform against `emu`.
pub fn seed_platform(emu: &RunningEmulator) -> Arc<cxsched_engine::seed::Seed> {
    let config = ClientConfig::new(emu.base_url(), "demo-client", Secret::new("demo-secret"));
    Arc::new(cxsched_engine::seed::Seed::new(
        Client::new(config).expect("client"),
    ))
}

/// A plan of `docs` with what the audit log at `log` knows and no compliance gate.
pub async fn plan_all<P: Platform>(p: &Arc<P>, log: &Path, docs: Vec<Document>) -> Vec<Entry<P>> {
    p.prepare().await.expect("the platform answers");
    let history = History::read(log).expect("audit log readable");
    plan(
        Arc::clone(p),
        docs,
        PlanInput {
            concurrency: 8,
            history: &history,
            now: jiff::Timestamp::now(),
            gate: false,
        },
    )
    .await
}

/// Run controls: stopped from the start or not, no progress shown.
pub fn control(stop: bool) -> Control {
    Control {
        stop: Arc::new(AtomicBool::new(stop)),
        progress: Arc::new(|| {}),
    }
}
