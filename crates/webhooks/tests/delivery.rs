//! Signatures checked by the `standardwebhooks` crate (an implementation no one here wrote),
//! and delivery from the durable outbox to a real receiver over loopback HTTP: a receiver
//! that is down, then loses acknowledgements, still ends up with every event exactly once
//! after de-duplication by `webhook-id`.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use cxsched_webhooks::{
    DeliveryState, Event, Outbox, RetryPolicy, WebhookSecret, http_client, sign,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn event(i: usize) -> Event {
    Event {
        campaign_id: format!("00000000-0000-4000-8000-{i:012}"),
        timezone: "Australia/Lord_Howe".into(),
        windows: serde_json::json!([
            {"dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": "17:00:00"}
        ]),
        directive: "STRICT".into(),
        timestamp: "2026-04-05T01:00:00Z".parse().unwrap(),
        etag_after: format!("\"etag-{i}\""),
        skill_id: None,
    }
}

fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(200),
        request_timeout: Duration::from_secs(2),
    }
}

#[test]
fn the_specifications_published_example_matches_the_standardwebhooks_crate() {
    let theirs = standardwebhooks::Webhook::new(SECRET).unwrap();
    let body = br#"{"test": 2432232314}"#;
    let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert_eq!(
        theirs
            .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
            .unwrap(),
        expected
    );
    let ours = WebhookSecret::parse(SECRET).unwrap();
    assert_eq!(
        sign(&ours, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
        expected
    );
}

#[test]
fn our_signatures_verify_with_the_standardwebhooks_crate() {
    let theirs = standardwebhooks::Webhook::new(SECRET).unwrap();
    let ours = WebhookSecret::parse(SECRET).unwrap();
    let now = jiff::Timestamp::now().as_second();
    for i in 0..20 {
        let e = event(i);
        let body = e.body();
        let sig = sign(&ours, &e.id(), now, body.as_bytes());
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", e.id().parse().unwrap());
        headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
        headers.insert("webhook-signature", sig.parse().unwrap());
        theirs.verify(body.as_bytes(), &headers).unwrap();
        // A changed body does not verify.
        assert!(
            theirs
                .verify(body.replace("STRICT", "IGNORE").as_bytes(), &headers)
                .is_err()
        );
    }
    // A raw (non-whsec_) secret is its bytes, as the crate's from_bytes.
    let raw = standardwebhooks::Webhook::from_bytes(b"raw key".to_vec()).unwrap();
    let ours = WebhookSecret::parse("raw key").unwrap();
    assert_eq!(
        raw.sign("msg_1", 5, b"{}").unwrap(),
        sign(&ours, "msg_1", 5, b"{}")
    );
}

/// What the test receiver saw.
#[derive(Default)]
struct Seen {
    /// Every request that verified, by `webhook-id`, in arrival order.
    ids: Vec<String>,
    /// Requests whose signature did not verify.
    bad: usize,
}

#[derive(Clone)]
struct Receiver {
    seen: Arc<Mutex<Seen>>,
    /// Answer 503 *after* recording the first delivery of each id (an acknowledgement lost).
    lose_first_ack: bool,
    /// Answer this status to everything instead.
    fixed_status: Option<u16>,
}

async fn receive(State(rx): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verifier = standardwebhooks::Webhook::new(SECRET).unwrap();
    let mut seen = rx.seen.lock().unwrap();
    if verifier.verify(&body, &headers).is_err() {
        seen.bad += 1;
        return StatusCode::UNAUTHORIZED;
    }
    if let Some(s) = rx.fixed_status {
        return StatusCode::from_u16(s).unwrap();
    }
    let id = headers["webhook-id"].to_str().unwrap().to_string();
    let first = !seen.ids.contains(&id);
    seen.ids.push(id);
    if rx.lose_first_ack && first {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::NO_CONTENT
    }
}

async fn serve(listener: tokio::net::TcpListener, rx: Receiver) {
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(rx);
    axum::serve(listener, app).await.unwrap();
}

#[tokio::test]
async fn a_receiver_down_for_a_while_gets_every_event_exactly_once_after_dedup() {
    let dir = tempfile::tempdir().unwrap();
    // Reserve a port, then leave nothing listening on it: the receiver is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let secret = WebhookSecret::parse(SECRET).unwrap();
    let http = http_client().unwrap();

    let outbox = Outbox::open(dir.path()).unwrap();
    let ids: Vec<String> = (0..8).map(|i| outbox.enqueue(&event(i)).unwrap()).collect();
    // The same activation enqueued again is the same event.
    assert_eq!(outbox.enqueue(&event(3)).unwrap(), ids[3]);
    assert_eq!(outbox.list().unwrap().len(), 8);

    let down = outbox
        .deliver_pending_with(
            &http,
            &url,
            &secret,
            Duration::from_millis(400),
            &fast_policy(),
        )
        .await
        .unwrap();
    assert_eq!(
        (down.delivered, down.failed, down.pending),
        (0, 0, 8),
        "{down:?}"
    );
    let first = &outbox.list().unwrap()[0];
    assert!(first.attempts >= 2, "retried with backoff: {first:?}");
    assert_eq!(
        first.last_error.as_deref(),
        Some("could not connect to the receiver")
    );

    // A later run (a new process would reopen the folder) with the receiver up, losing the
    // first acknowledgement of every event.
    let seen = Arc::new(Mutex::new(Seen::default()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let rx = Receiver {
        seen: seen.clone(),
        lose_first_ack: true,
        fixed_status: None,
    };
    let server = tokio::spawn(serve(listener, rx));
    let outbox = Outbox::open(dir.path()).unwrap();
    let up = outbox
        .deliver_pending_with(
            &http,
            &url,
            &secret,
            Duration::from_secs(20),
            &fast_policy(),
        )
        .await
        .unwrap();
    assert_eq!((up.delivered, up.failed, up.pending), (8, 0, 0), "{up:?}");
    assert!(
        outbox
            .list()
            .unwrap()
            .iter()
            .all(|r| r.state == DeliveryState::Delivered)
    );

    // Nothing is sent again once delivered.
    let again = outbox
        .deliver_pending(&http, &url, &secret, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!((again.delivered, again.attempts, again.pending), (0, 0, 0));

    let seen = seen.lock().unwrap();
    assert_eq!(seen.bad, 0);
    assert_eq!(
        seen.ids.len(),
        16,
        "each event arrived twice (first ack lost)"
    );
    let unique: BTreeSet<&String> = seen.ids.iter().collect();
    assert_eq!(
        unique,
        ids.iter().collect::<BTreeSet<_>>(),
        "every event exactly once by id"
    );
    // In order: the receiver saw events in the order they were enqueued.
    let mut order: Vec<&String> = Vec::new();
    for id in &seen.ids {
        if !order.contains(&id) {
            order.push(id);
        }
    }
    let expected: Vec<&String> = outbox
        .list()
        .unwrap()
        .iter()
        .map(|r| ids.iter().find(|i| **i == r.id).unwrap())
        .collect();
    assert_eq!(order, expected);
    server.abort();
}

#[tokio::test]
async fn a_refusing_receiver_marks_events_failed_and_requeue_puts_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let rx = Receiver {
        seen: seen.clone(),
        lose_first_ack: false,
        fixed_status: Some(410),
    };
    let server = tokio::spawn(serve(listener, rx));
    let secret = WebhookSecret::parse(SECRET).unwrap();
    let http = http_client().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&event(1)).unwrap();
    let r = outbox
        .deliver_pending_with(&http, &url, &secret, Duration::from_secs(5), &fast_policy())
        .await
        .unwrap();
    assert_eq!((r.delivered, r.failed, r.pending, r.attempts), (0, 1, 0, 1));
    let rec = &outbox.list().unwrap()[0];
    assert_eq!(rec.state, DeliveryState::Failed);
    assert_eq!(rec.last_status, Some(410));
    assert_eq!(outbox.requeue_failed().unwrap(), 1);
    assert_eq!(outbox.counts().unwrap().pending, 1);

    // A wrong secret is refused by the receiver's verifier (401), never delivered.
    let wrong = WebhookSecret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
    let r = outbox
        .deliver_pending_with(&http, &url, &wrong, Duration::from_secs(5), &fast_policy())
        .await
        .unwrap();
    assert_eq!(r.failed, 1);
    assert_eq!(seen.lock().unwrap().bad, 1);
    server.abort();
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_waiting() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move || {
            let h = h.clone();
            async move {
                if h.fetch_add(1, Ordering::SeqCst) == 0 {
                    (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response_parts()
                } else {
                    (StatusCode::OK, [("retry-after", "0")]).into_response_parts()
                }
            }
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&event(2)).unwrap();
    let started = std::time::Instant::now();
    let r = outbox
        .deliver_pending_with(
            &http_client().unwrap(),
            &url,
            &WebhookSecret::parse(SECRET).unwrap(),
            Duration::from_secs(10),
            &fast_policy(),
        )
        .await
        .unwrap();
    assert_eq!((r.delivered, r.attempts), (1, 2));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for Retry-After"
    );
    server.abort();
}

trait IntoParts {
    fn into_response_parts(self) -> axum::response::Response;
}

impl<T: axum::response::IntoResponse> IntoParts for T {
    fn into_response_parts(self) -> axum::response::Response {
        self.into_response()
    }
}
