//! The client against the bundled emulator over loopback HTTP: tokens (one fetch for many
//! tasks, refresh before expiry, revocation), 429 with both `Retry-After` forms, 5xx and
//! dropped connections within and past the deadline, slow answers, the stale-ETag rule
//! (conflict, already in place, retry), 422 field errors, 428, 412, 409 overlaps and scopes.

use std::time::{Duration, Instant};

use cxsched_api::{ApiError, Backoff, Client, ClientConfig, ErrorKind, Secret, WriteOutcome};
use cxsched_emulator::{
    CampaignSource, EmulatorConfig, FaultKind, Faults, RetryAfterStyle, RunningEmulator,
};
use serde_json::{Value, json};
use uuid::Uuid;

const CAMPAIGN: &str = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
const SECRET: &str = "demo-secret";

fn campaign() -> Uuid {
    Uuid::parse_str(CAMPAIGN).unwrap()
}

fn document(start: &str, end: &str) -> Value {
    json!({
        "campaignId": CAMPAIGN,
        "timezone": "America/New_York",
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 10,
        "timeWindows": [
            {"dayOfWeek": "MONDAY", "startTime": start, "endTime": end},
            {"dayOfWeek": "TUESDAY", "startTime": "09:00:00", "endTime": "17:00:00"}
        ]
    })
}

fn schedule(doc: &Value) -> cxsched_core::Schedule {
    let v = cxsched_core::validate_value(doc, cxsched_core::validate::Profile::Document);
    *v.schedule
        .unwrap_or_else(|| panic!("test document invalid: {:?}", v.errors))
}

async fn emulator(tune: impl FnOnce(&mut EmulatorConfig)) -> RunningEmulator {
    let mut config = EmulatorConfig::loopback();
    config.campaigns = CampaignSource::Documents(vec![document("09:00:00", "12:00:00")]);
    tune(&mut config);
    cxsched_emulator::spawn(config)
        .await
        .expect("emulator starts")
}

/// Short timeouts and backoffs so failing paths stay quick.
fn config(emu: &RunningEmulator) -> ClientConfig {
    let mut c = ClientConfig::new(emu.base_url(), "demo-client", Secret::new(SECRET));
    c.request_timeout = Duration::from_secs(2);
    c.deadline = Duration::from_secs(10);
    c.max_attempts = 30;
    c.backoff = Backoff {
        base: Duration::from_millis(10),
        cap: Duration::from_millis(100),
    };
    c
}

fn client(emu: &RunningEmulator) -> Client {
    Client::new(config(emu)).expect("client builds")
}

fn count(emu: &RunningEmulator, method: &str, path_end: &str, status: Option<u16>) -> usize {
    emu.state()
        .requests()
        .iter()
        .filter(|r| {
            r.method == method
                && r.path.ends_with(path_end)
                && (status.is_none() || r.status == status)
        })
        .count()
}

async fn out_of_band(emu: &RunningEmulator, doc: &Value) {
    let resp = reqwest::Client::new()
        .put(format!(
            "{}/_emulator/campaigns/{CAMPAIGN}/schedule",
            emu.base_url()
        ))
        .json(doc)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_request_serves_100_concurrent_reads() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.get_schedule(campaign()).await })
        })
        .collect();
    for t in tasks {
        let live = t.await.unwrap().expect("read succeeds");
        assert!(live.schedule.is_some());
        assert!(live.etag.starts_with('"'));
    }
    assert_eq!(
        count(&emu, "POST", "/oauth/token", None),
        1,
        "one token request on the wire"
    );
    assert_eq!(c.token_requests(), 1);
    assert_eq!(count(&emu, "GET", "/schedule", Some(200)), 100);
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let emu = emulator(|c| c.token_ttl = Duration::from_secs(2)).await;
    let c = client(&emu);
    c.get_schedule(campaign()).await.unwrap();
    // Inside the refresh margin (a fifth of the lifetime) but before expiry.
    tokio::time::sleep(Duration::from_millis(1700)).await;
    c.get_schedule(campaign()).await.unwrap();
    assert_eq!(count(&emu, "POST", "/oauth/token", Some(200)), 2);
    assert_eq!(
        count(&emu, "GET", "/schedule", Some(401)),
        0,
        "no request went out with a dying token"
    );
}

#[tokio::test]
async fn tokens_expiring_mid_run_are_replaced_without_failures() {
    let emu = emulator(|c| c.token_ttl = Duration::from_secs(1)).await;
    let c = client(&emu);
    let started = Instant::now();
    let mut reads = 0;
    while started.elapsed() < Duration::from_millis(2600) {
        c.get_schedule(campaign())
            .await
            .expect("every read succeeds");
        reads += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reads > 20);
    assert!(
        c.token_requests() >= 3,
        "a new token per lifetime: {}",
        c.token_requests()
    );
    assert_eq!(count(&emu, "GET", "/schedule", Some(200)), reads);
}

#[tokio::test]
async fn a_revoked_token_is_refreshed_once_and_the_read_retried() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    c.get_schedule(campaign()).await.unwrap();
    let revoked = reqwest::Client::new()
        .post(format!("{}/_emulator/tokens/revoke", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let live = c
        .get_schedule(campaign())
        .await
        .expect("recovers from the 401");
    assert_eq!(live.attempts, 2, "one 401, then the retry");
    let statuses: Vec<Option<u16>> = emu.state().requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Some(200), Some(200), Some(401), Some(200), Some(200)],
        "token, GET, 401, token, GET"
    );
    assert_eq!(c.token_requests(), 2);
}

#[tokio::test]
async fn bad_credentials_are_an_auth_error_that_never_shows_the_secret() {
    let emu = emulator(|_| {}).await;
    let mut cfg = config(&emu);
    cfg.client_secret = Secret::new("s3cr3t-wrong-value");
    let c = Client::new(cfg.clone()).unwrap();
    let err = c.get_schedule(campaign()).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(err.status(), Some(401));
    assert!(
        err.to_string().contains("CXONE_CLIENT_SECRET"),
        "says what to check: {err}"
    );
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{cfg:?}"),
        format!("{c:?}"),
    ] {
        assert!(
            !text.contains("s3cr3t-wrong-value"),
            "secret leaked: {text}"
        );
    }
}

async fn rate_limited_reads(style: RetryAfterStyle) {
    let emu = emulator(|c| {
        c.rate_limit = Some(2.0);
        c.retry_after = style;
    })
    .await;
    let c = client(&emu);
    let started = Instant::now();
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.get_schedule(campaign()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("every read succeeds in the end");
    }
    let limited = emu
        .state()
        .requests()
        .iter()
        .filter(|r| r.status == Some(429))
        .count();
    assert!(limited > 0, "the server did answer 429");
    // The Retry-After (at least 1 s) was waited, not spent in milliseconds.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_in_seconds_is_honoured() {
    rate_limited_reads(RetryAfterStyle::Seconds).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_as_an_http_date_is_honoured() {
    rate_limited_reads(RetryAfterStyle::HttpDate).await;
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_is_reported_as_rate_limited() {
    let emu = emulator(|c| c.rate_limit = Some(0.2)).await;
    let mut cfg = config(&emu);
    cfg.deadline = Duration::from_secs(2);
    let c = Client::new(cfg).unwrap();
    // The bucket holds one request: the token takes it, the read is told to wait 5 s.
    let err = c.get_schedule(campaign()).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert!(err.to_string().contains("deadline"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_dropped_connections_are_recovered_within_the_deadline() {
    let emu = emulator(|c| {
        c.faults = Faults {
            rate: 0.4,
            kinds: vec![FaultKind::ServerError, FaultKind::Drop],
            ..Faults::default()
        };
        c.seed = 42;
    })
    .await;
    let c = client(&emu);
    for _ in 0..20 {
        c.get_schedule(campaign()).await.expect("recovered");
    }
    let log = emu.state().requests();
    assert!(
        log.iter().any(|r| r.fault == Some("5xx")),
        "some 5xx were injected"
    );
    assert!(
        log.iter()
            .any(|r| r.fault == Some("drop") && r.status.is_none()),
        "some connections were dropped"
    );
    assert_eq!(count(&emu, "GET", "/schedule", Some(200)), 20);
}

fn assert_clear_give_up(err: &ApiError, kind: ErrorKind, started: Instant, deadline: Duration) {
    assert_eq!(err.kind(), kind, "{err:?}");
    assert!(err.is_transient());
    let text = err.to_string();
    assert!(
        text.contains("gave up after") && text.contains("last failure"),
        "{text}"
    );
    assert!(
        started.elapsed() < deadline + Duration::from_secs(1),
        "bounded by the deadline: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn past_the_deadline_server_errors_are_reported_clearly() {
    let emu = emulator(|c| {
        c.faults = Faults {
            rate: 1.0,
            kinds: vec![FaultKind::ServerError],
            ..Faults::default()
        };
    })
    .await;
    let mut cfg = config(&emu);
    cfg.deadline = Duration::from_secs(1);
    let c = Client::new(cfg).unwrap();
    let started = Instant::now();
    let err = c.get_schedule(campaign()).await.unwrap_err();
    assert_clear_give_up(
        &err,
        ErrorKind::Unavailable,
        started,
        Duration::from_secs(1),
    );
    assert!(
        matches!(err.status(), Some(500 | 502 | 503)),
        "keeps the last status: {err:?}"
    );
    assert!(
        err.body().is_some_and(|b| b.contains("INJECTED_FAULT")),
        "keeps the server's body"
    );
    assert!(err.attempts() > 1);
}

#[tokio::test]
async fn past_the_deadline_dropped_connections_are_reported_clearly() {
    let emu = emulator(|c| {
        c.faults = Faults {
            rate: 1.0,
            kinds: vec![FaultKind::Drop],
            ..Faults::default()
        };
    })
    .await;
    let mut cfg = config(&emu);
    cfg.deadline = Duration::from_secs(1);
    let c = Client::new(cfg).unwrap();
    let started = Instant::now();
    let err = c.get_schedule(campaign()).await.unwrap_err();
    assert_clear_give_up(
        &err,
        ErrorKind::Unavailable,
        started,
        Duration::from_secs(1),
    );
    assert!(err.to_string().contains("connection"), "{err}");
}

#[tokio::test]
async fn slow_answers_time_out_and_are_reported_as_timeouts() {
    let emu = emulator(|c| {
        c.faults = Faults {
            rate: 1.0,
            kinds: vec![FaultKind::Slow],
            slow: Duration::from_secs(2),
        };
    })
    .await;
    let mut cfg = config(&emu);
    cfg.request_timeout = Duration::from_millis(200);
    cfg.deadline = Duration::from_secs(1);
    let c = Client::new(cfg).unwrap();
    let started = Instant::now();
    let err = c.get_schedule(campaign()).await.unwrap_err();
    assert_clear_give_up(&err, ErrorKind::Timeout, started, Duration::from_secs(1));
    assert!(err.is_timeout());
}

#[tokio::test]
async fn an_out_of_band_change_between_read_and_write_is_a_conflict_and_not_overwritten() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let read = c.get_schedule(campaign()).await.unwrap();
    // Another administrator changes the schedule.
    let theirs = document("08:00:00", "11:00:00");
    out_of_band(&emu, &theirs).await;
    let desired = schedule(&document("10:00:00", "16:00:00"));
    let err = c.write_schedule(&desired, &read).await.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let conflict = err.conflict().expect("both versions");
    assert_eq!(conflict.read.etag, read.etag);
    assert_ne!(conflict.live.etag, read.etag);
    assert_eq!(
        conflict.live.schedule.as_ref().unwrap().windows[0]
            .start
            .to_string(),
        "08:00:00"
    );
    assert_eq!(
        conflict.read.schedule.as_ref().unwrap().windows[0]
            .start
            .to_string(),
        "09:00:00"
    );
    assert!(err.to_string().contains("not overwritten"), "{err}");
    // Their change stands.
    let after = c.get_schedule(campaign()).await.unwrap();
    assert!(cxsched_core::compare::same_schedule(
        after.schedule.as_ref().unwrap(),
        &schedule(&theirs)
    ));
    assert_eq!(
        count(&emu, "PUT", "/schedule", Some(200)),
        0,
        "no write went through"
    );
}

#[tokio::test]
async fn a_stale_etag_with_the_desired_schedule_live_is_already_in_place() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let read = c.get_schedule(campaign()).await.unwrap();
    let wanted = document("10:00:00", "16:00:00");
    out_of_band(&emu, &wanted).await;
    let outcome = c.write_schedule(&schedule(&wanted), &read).await.unwrap();
    assert!(
        matches!(outcome, WriteOutcome::AlreadyInPlace { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_stale_etag_without_a_change_in_meaning_is_retried_with_the_new_etag() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let read = c.get_schedule(campaign()).await.unwrap();
    // Rewritten with the same meaning (windows in another order): only the ETag moves.
    let mut same = document("09:00:00", "12:00:00");
    same["timeWindows"].as_array_mut().unwrap().reverse();
    out_of_band(&emu, &same).await;
    let desired = schedule(&document("10:00:00", "16:00:00"));
    let outcome = c.write_schedule(&desired, &read).await.unwrap();
    let WriteOutcome::Written {
        etag_before,
        etag_after,
        attempts,
        ..
    } = outcome
    else {
        panic!("expected a write, got {outcome:?}");
    };
    assert_ne!(etag_before, read.etag, "the second PUT used the new ETag");
    assert_ne!(etag_after, etag_before);
    assert_eq!(attempts, 3, "PUT (409), GET, PUT");
    let after = c.get_schedule(campaign()).await.unwrap();
    assert_eq!(after.etag, etag_after);
    assert!(cxsched_core::compare::same_schedule(
        after.schedule.as_ref().unwrap(),
        &desired
    ));
}

#[tokio::test]
async fn a_plain_write_reports_both_etags() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let read = c.get_schedule(campaign()).await.unwrap();
    let desired = schedule(&document("10:00:00", "16:00:00"));
    match c.write_schedule(&desired, &read).await.unwrap() {
        WriteOutcome::Written {
            etag_before,
            etag_after,
            attempts,
            schedule_id,
            ..
        } => {
            assert_eq!(etag_before, read.etag);
            assert_ne!(etag_after, read.etag);
            assert_eq!(attempts, 1);
            assert!(schedule_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    // Writing it again is a no-op.
    let again = c.get_schedule(campaign()).await.unwrap();
    assert!(matches!(
        c.write_schedule(&desired, &again).await.unwrap(),
        WriteOutcome::AlreadyInPlace { .. }
    ));
}

#[tokio::test]
async fn field_errors_of_a_422_are_surfaced_with_their_paths() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let read = c.get_schedule(campaign()).await.unwrap();
    let mut bad = document("12:00:00", "09:00:00");
    bad["timezone"] = json!("CST");
    let err = c
        .put_schedule(campaign(), &bad, &read.etag)
        .await
        .unwrap_err();
    assert!(err.is_rejected(), "{err:?}");
    assert_eq!(err.status(), Some(422));
    let paths: Vec<&str> = err.field_errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["timezone", "timeWindows[0].endTime"]);
    assert!(err.to_string().contains("timeWindows[0].endTime"), "{err}");
}

#[tokio::test]
async fn a_put_without_if_match_gets_428() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let err = c
        .put_schedule(campaign(), &document("09:00:00", "10:00:00"), "")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PreconditionRequired, "{err:?}");
    assert_eq!(err.status(), Some(428));
}

#[tokio::test]
async fn a_weak_etag_gets_412_which_counts_as_stale() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let err = c
        .put_schedule(
            campaign(),
            &document("09:00:00", "10:00:00"),
            "W/\"initial\"",
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StaleEtag, "{err:?}");
    assert_eq!(err.status(), Some(412));
}

#[tokio::test]
async fn overlapping_windows_get_409_and_are_rejected_not_stale() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let read = c.get_schedule(campaign()).await.unwrap();
    let mut doc = document("09:00:00", "12:00:00");
    doc["timeWindows"]
        .as_array_mut()
        .unwrap()
        .push(json!({"dayOfWeek":"MONDAY","startTime":"11:00:00","endTime":"13:00:00"}));
    let err = c
        .put_schedule(campaign(), &doc, &read.etag)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected, "{err:?}");
    assert_eq!(err.status(), Some(409));
    assert!(err.body().unwrap().contains("OVERLAPPING_WINDOWS"));
}

#[tokio::test]
async fn a_read_only_token_can_read_but_not_write() {
    let emu = emulator(|_| {}).await;
    let mut cfg = config(&emu);
    cfg.scope = "campaign:read".into();
    let c = Client::new(cfg).unwrap();
    let read = c.get_schedule(campaign()).await.unwrap();
    let err = c
        .put_schedule(campaign(), &document("09:00:00", "10:00:00"), &read.etag)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err:?}");
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn an_unknown_campaign_is_not_found() {
    let emu = emulator(|_| {}).await;
    let c = client(&emu);
    let err = c
        .get_schedule(Uuid::parse_str("11111111-2222-4333-8444-555555555555").unwrap())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(
        err.to_string()
            .contains("GET schedule of campaign 11111111-2222-4333-8444-555555555555"),
        "{err}"
    );
}

#[test]
fn plain_http_is_refused_unless_the_host_is_loopback() {
    let make = |url: &str| Client::new(ClientConfig::new(url, "id", Secret::new("x")));
    for ok in [
        "https://na1.my.cxone.com",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        assert!(make(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://na1.my.cxone.com",
        "http://10.0.0.1",
        "ftp://localhost",
        "https://user:pw@host",
        "nonsense",
    ] {
        let err = make(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
}
