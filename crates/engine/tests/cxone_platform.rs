//! The engine in-process against the CXone emulator over loopback HTTP: writes land with
//! their curfews and a second run writes nothing; a change made between plan and apply is a
//! conflict and nothing is written over it; a write whose read-back differs (someone wrote
//! in between) is a conflict with both versions.

mod support;

use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::Next;
use cxsched_api::Secret;
use cxsched_api::cxone::{CxoneClient, CxoneConfig};
use cxsched_audit::AuditLog;
use cxsched_core::{Format, parse_document};
use cxsched_emulator::cxone::{
    CxoneConfig as EmulatorConfig, CxoneState, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET,
    SkillSource, app,
};
use cxsched_engine::cxone::Cxone;
use cxsched_engine::{
    Document, Ending, Entry, Platform, Settings, Sinks, Status, TargetResult, execute,
};
use support::{control, plan_all};

const OTHER: &str = r#"{"scheduleSettings":{"isScheduled":true,"mondayStartTime":"10:00","mondayEndTime":"11:00","mondayIsActive":true}}"#;

fn document() -> Document {
    let text = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
      "businessHoursDirective":"STRICT","maxConcurrentCalls":10,"skillIds":[7, 8],
      "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"},
                     {"dayOfWeek":"THURSDAY","startTime":"09:00:00","endTime":"17:00:00"}],
      "compliance":{"recipients":{"states":["TX"]}}}"#;
    let validation = parse_document(text, Format::Json);
    assert!(validation.is_valid(), "{:?}", validation.errors);
    Document {
        source: "doc.json".into(),
        base_dir: ".".into(),
        validation,
    }
}

/// The emulator on one loopback listener; `after_put` runs after every API PUT of a skill's
/// schedule-settings (with the issuer URL), as another administrator racing us would.
async fn emulator(after_put: Option<fn(String, String)>) -> String {
    let state = CxoneState::new(EmulatorConfig {
        skills: SkillSource::Ids(vec![7, 8]),
        ..EmulatorConfig::loopback()
    })
    .expect("emulator state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    state.set_urls(base.clone(), None);
    let hook_base = base.clone();
    let router = app(state).layer(axum::middleware::from_fn(
        move |req: Request, next: Next| {
            let base = hook_base.clone();
            async move {
                let path = req.uri().path().to_owned();
                let is_put = req.method() == "PUT" && !path.starts_with("/_emulator");
                let answer = next.run(req).await;
                if let (true, Some(hook)) =
                    (is_put && path.ends_with("/schedule-settings"), after_put)
                {
                    let _ = tokio::task::spawn_blocking(move || hook(base, path)).await;
                }
                answer
            }
        },
    ));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    base
}

/// An out-of-band write to skill 7, through the control endpoint (blocking HTTP/1.1).
fn out_of_band(base: &str) {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "PUT /_emulator/skills/7/schedule-settings HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{OTHER}",
        OTHER.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{answer}");
}

fn platform(base: &str) -> Arc<Cxone> {
    let config = CxoneConfig::new(
        base.to_owned(),
        "demo-client".into(),
        Secret::new("demo-secret"),
        Secret::new(DEMO_ACCESS_KEY_ID),
        Secret::new(DEMO_ACCESS_KEY_SECRET),
    );
    Arc::new(Cxone::new(CxoneClient::new(config).expect("client")))
}

async fn plan_of(p: &Arc<Cxone>, log: &std::path::Path) -> Vec<Entry<Cxone>> {
    plan_all(p, log, vec![document()]).await
}

async fn execute_all(
    p: &Arc<Cxone>,
    entries: Vec<Entry<Cxone>>,
    log: &std::path::Path,
) -> Vec<TargetResult> {
    let sinks = Arc::new(Sinks::new(AuditLog::open(log).unwrap(), None));
    let settings = Arc::new(Settings {
        concurrency: 2,
        actor: p.actor(),
        rule_pack: "test".into(),
        ..Settings::default()
    });
    execute(Arc::clone(p), entries, settings, sinks, control(false)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skills_are_written_with_their_curfews_and_a_second_run_writes_nothing() {
    let base = emulator(None).await;
    let p = platform(&base);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let entries = plan_of(&p, &log).await;
    assert_eq!(entries.len(), 2);
    let changes = entries[0].changes(&p);
    assert!(
        changes.iter().any(|c| c == "MONDAY: off → 09:00–17:00"),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("curfew Central Standard Time:") && c.ends_with("→ 09:00–21:00")),
        "Texas's opening in Central time: {changes:?}"
    );
    let results = execute_all(&p, entries, &log).await;
    let endings: Vec<Ending> = results.iter().map(|r| r.ending).collect();
    assert_eq!(endings, [Ending::Written, Ending::Written]);
    assert!(
        results[0]
            .version_after
            .as_deref()
            .is_some_and(|v| v.starts_with("skill7-"))
    );
    let again = plan_of(&p, &log).await;
    assert!(again.iter().all(|e| e.status == Status::Unchanged));
    let text = std::fs::read_to_string(&log).unwrap();
    let writes_of_7 = text
        .lines()
        .filter(|l| l.contains("\"action\":\"apply.write\"") && l.contains("\"skillId\":7,"))
        .count();
    assert_eq!(writes_of_7, 1, "{text}");
    assert!(
        text.contains("\"actor\":\"user:"),
        "the token's user acts: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_between_plan_and_apply_is_a_conflict_and_is_not_written_over() {
    let base = emulator(None).await;
    let p = platform(&base);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let entries = plan_of(&p, &log).await;
    let b = base.clone();
    tokio::task::spawn_blocking(move || out_of_band(&b))
        .await
        .unwrap();
    let results = execute_all(&p, entries, &log).await;
    assert_eq!(
        results[0].ending,
        Ending::Conflict,
        "{:?}",
        results[0].message
    );
    let versions = results[0].versions.as_ref().expect("both versions");
    assert_eq!(versions.0[0].0, "read");
    assert_eq!(versions.0[1].0, "live");
    assert_eq!(
        versions.0[1].1["scheduleSettings"]["mondayStartTime"], "10:00",
        "{:?}",
        versions.0[1].1
    );
    assert_eq!(
        results[1].ending,
        Ending::Written,
        "the other skill is unaffected"
    );
    // The other administrator's schedule is still there.
    let live = p.read(results[0].target.unwrap()).await.unwrap();
    assert_eq!(live.schedule.body["mondayStartTime"], "10:00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_back_that_differs_from_what_was_written_is_a_conflict() {
    fn race(base: String, path: String) {
        if path.contains("/skills/7/") {
            out_of_band(&base);
        }
    }
    let base = emulator(Some(race)).await;
    let p = platform(&base);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let entries = plan_of(&p, &log).await;
    let results = execute_all(&p, entries, &log).await;
    assert_eq!(
        results[0].ending,
        Ending::Conflict,
        "{:?}",
        results[0].message
    );
    assert!(
        results[0]
            .message
            .as_deref()
            .unwrap()
            .contains("reads back differently"),
        "{:?}",
        results[0].message
    );
    let versions = results[0].versions.as_ref().unwrap();
    assert_eq!((versions.0[0].0, versions.0[1].0), ("written", "read back"));
    assert_eq!(results[1].ending, Ending::Written);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("\"apply.conflict\""), "{text}");
}
