//! The emulator's router in-process (`tower::ServiceExt::oneshot`), and once on a real
//! port-0 listener for what only a socket shows (a dropped connection).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use cxsched_emulator::{
    CampaignSource, DropConnection, EmulatorConfig, EmulatorState, FaultKind, Faults,
    RetryAfterStyle, app,
};
use serde_json::{Value, json};
use tower::ServiceExt as _;

const ID: &str = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";

fn doc(start: &str, end: &str) -> Value {
    json!({
        "campaignId": ID, "timezone": "America/Chicago", "businessHoursDirective": "FLEXIBLE",
        "maxConcurrentCalls": 5,
        "timeWindows": [{"dayOfWeek": "MONDAY", "startTime": start, "endTime": end}]
    })
}

fn state(tune: impl FnOnce(&mut EmulatorConfig)) -> EmulatorState {
    let mut c = EmulatorConfig::loopback();
    c.campaigns = CampaignSource::Documents(vec![doc("09:00:00", "17:00:00")]);
    tune(&mut c);
    EmulatorState::new(c).unwrap()
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
    dropped: bool,
}

async fn call(router: &Router, req: Request<Body>) -> Answer {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let dropped = resp.extensions().get::<DropConnection>().is_some();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        dropped,
    }
}

fn token_request(credentials: &str, form: &str) -> Request<Body> {
    let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
    Request::post("/api/v2/oauth/token")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap()
}

async fn token(router: &Router, scope: &str) -> String {
    let a = call(
        router,
        token_request(
            "demo-client:demo-secret",
            &format!("grant_type=client_credentials&scope={scope}"),
        ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["access_token"].as_str().unwrap().to_owned()
}

fn get(token: &str, id: &str) -> Request<Body> {
    Request::get(format!("/api/v2/campaigns/{id}/schedule"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

fn put(token: &str, if_match: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::put(format!("/api/v2/campaigns/{ID}/schedule"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(tag) = if_match {
        b = b.header(header::IF_MATCH, tag);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

fn etag(a: &Answer) -> String {
    a.headers[header::ETAG].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_token_endpoint_checks_credentials_grant_and_scope() {
    let router = app(state(|c| c.token_ttl = Duration::from_secs(120)));
    let ok = call(
        &router,
        token_request(
            "demo-client:demo-secret",
            "grant_type=client_credentials&scope=campaign%3Aread",
        ),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["expires_in"], 120);
    assert_eq!(ok.body["token_type"], "Bearer");
    assert_eq!(ok.body["scope"], "campaign:read");

    let bad = call(
        &router,
        token_request("demo-client:nope", "grant_type=client_credentials"),
    )
    .await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.body["error"], "invalid_client");
    assert!(bad.headers.contains_key(header::WWW_AUTHENTICATE));
    assert!(
        !bad.body.to_string().contains("nope"),
        "never echoes a secret"
    );

    let grant = call(
        &router,
        token_request("demo-client:demo-secret", "grant_type=password"),
    )
    .await;
    assert_eq!(
        (grant.status.as_u16(), grant.body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );

    let scope = call(
        &router,
        token_request(
            "demo-client:demo-secret",
            "grant_type=client_credentials&scope=admin",
        ),
    )
    .await;
    assert_eq!(
        (scope.status.as_u16(), scope.body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn reads_need_a_valid_token_and_a_known_campaign() {
    let s = state(|_| {});
    let router = app(s.clone());
    let t = token(&router, "campaign%3Aread").await;
    let a = call(&router, get(&t, ID)).await;
    assert_eq!(a.status, 200);
    let tag = etag(&a);
    assert!(
        tag.starts_with('"') && tag.ends_with('"') && !tag.starts_with("W/"),
        "strong: {tag}"
    );
    assert_eq!(a.body["timezone"], "America/Chicago");
    assert_eq!(a.body["status"], "ACTIVE");

    assert_eq!(call(&router, get("not-a-token", ID)).await.status, 401);
    assert_eq!(
        call(&router, get(&t, "11111111-2222-4333-8444-555555555555"))
            .await
            .status,
        404
    );
    assert_eq!(call(&router, get(&t, "undefined")).await.status, 404);

    s.revoke_tokens();
    let revoked = call(&router, get(&t, ID)).await;
    assert_eq!(
        (revoked.status.as_u16(), revoked.body["code"].as_str()),
        (401, Some("INVALID_TOKEN"))
    );
}

#[tokio::test]
async fn tokens_expire() {
    let router = app(state(|c| c.token_ttl = Duration::from_millis(300)));
    let t = token(&router, "campaign%3Aread").await;
    assert_eq!(call(&router, get(&t, ID)).await.status, 200);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let a = call(&router, get(&t, ID)).await;
    assert_eq!(
        (a.status.as_u16(), a.body["code"].as_str()),
        (401, Some("TOKEN_EXPIRED"))
    );
}

#[tokio::test]
async fn writes_follow_if_match_and_every_write_changes_the_etag() {
    let router = app(state(|_| {}));
    let t = token(&router, "campaign%3Awrite%20campaign%3Aread").await;
    let first = etag(&call(&router, get(&t, ID)).await);
    let body = doc("10:00:00", "12:00:00").to_string();

    let missing = call(&router, put(&t, None, &body)).await;
    assert_eq!(
        (missing.status.as_u16(), missing.body["code"].as_str()),
        (428, Some("PRECONDITION_REQUIRED"))
    );
    let weak = call(&router, put(&t, Some("W/\"initial\""), &body)).await;
    assert_eq!(weak.status, 412);
    let stale = call(&router, put(&t, Some("\"0000\""), &body)).await;
    assert_eq!(
        (stale.status.as_u16(), stale.body["code"].as_str()),
        (409, Some("ETAG_MISMATCH"))
    );
    assert_eq!(etag(&stale), first, "a mismatch tells the current ETag");

    let ok = call(&router, put(&t, Some(&first), &body)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "ACTIVE");
    let second = etag(&ok);
    assert_ne!(second, first);
    // The same content again still gets a new ETag; `*` matches any version.
    let star = call(&router, put(&t, Some("*"), &body)).await;
    assert_eq!(star.status, 200);
    assert_ne!(etag(&star), second);
    // A list with the current tag in it matches.
    let listed = call(
        &router,
        put(&t, Some(&format!("\"zzz\", {}", etag(&star))), &body),
    )
    .await;
    assert_eq!(listed.status, 200);

    let read = call(&router, get(&t, ID)).await;
    assert_eq!(read.body["timeWindows"][0]["startTime"], "10:00:00");
    assert_eq!(etag(&read), etag(&listed));
}

#[tokio::test]
async fn bodies_are_checked_by_the_core_rules() {
    let router = app(state(|_| {}));
    let t = token(&router, "").await;
    let current = etag(&call(&router, get(&t, ID)).await);

    let malformed = call(&router, put(&t, Some(&current), "{not json")).await;
    assert_eq!(
        (malformed.status.as_u16(), malformed.body["code"].as_str()),
        (400, Some("MALFORMED_JSON"))
    );

    let mut bad = doc("18:00:00", "09:00:00");
    bad["maxConcurrentCalls"] = json!(0);
    bad["compliance"] = json!({});
    let shape = call(&router, put(&t, Some(&current), &bad.to_string())).await;
    assert_eq!(shape.status, 422);
    let paths: Vec<&str> = shape.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["compliance", "maxConcurrentCalls", "timeWindows[0].endTime"],
        "no compliance on the wire"
    );

    let mut other = doc("09:00:00", "10:00:00");
    other["campaignId"] = json!("11111111-2222-4333-8444-555555555555");
    let mismatch = call(&router, put(&t, Some(&current), &other.to_string())).await;
    assert_eq!(mismatch.status, 422);
    assert_eq!(mismatch.body["errors"][0]["path"], "campaignId");

    let mut overlap = doc("09:00:00", "12:00:00");
    overlap["timeWindows"]
        .as_array_mut()
        .unwrap()
        .push(json!({"dayOfWeek":"MONDAY","startTime":"11:59:59","endTime":"13:00:00"}));
    let o = call(&router, put(&t, Some(&current), &overlap.to_string())).await;
    assert_eq!(
        (o.status.as_u16(), o.body["code"].as_str()),
        (409, Some("OVERLAPPING_WINDOWS"))
    );

    // Touching windows are fine.
    let mut touching = doc("09:00:00", "12:00:00");
    touching["timeWindows"]
        .as_array_mut()
        .unwrap()
        .push(json!({"dayOfWeek":"MONDAY","startTime":"12:00:00","endTime":"13:00:00"}));
    assert_eq!(
        call(&router, put(&t, Some(&current), &touching.to_string()))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_read_only_token_gets_403_on_writes() {
    let router = app(state(|_| {}));
    let t = token(&router, "campaign%3Aread").await;
    let a = call(
        &router,
        put(&t, Some("*"), &doc("09:00:00", "10:00:00").to_string()),
    )
    .await;
    assert_eq!(
        (a.status.as_u16(), a.body["code"].as_str()),
        (403, Some("INSUFFICIENT_SCOPE"))
    );
}

#[tokio::test]
async fn accept_any_campaign_serves_every_uuid_with_an_empty_schedule() {
    let router = app(state(|c| {
        c.accept_any_campaign = true;
        c.campaigns = CampaignSource::None;
    }));
    let t = token(&router, "").await;
    let a = call(&router, get(&t, "5d0c6a36-8f5f-4c1e-9d59-3b1b2a7c9e10")).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["status"], "DRAFT");
    assert_eq!(a.body["timeWindows"], json!([]));
    assert_eq!(a.body["timezone"], Value::Null);
    assert_eq!(
        call(&router, get(&t, "00000000-0000-0000-0000-000000000000"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_control_endpoints_steer_the_emulator() {
    let s = state(|_| {});
    let router = app(s.clone());
    let list = call(
        &router,
        Request::get("/_emulator/campaigns")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(list.body, json!({"campaigns": [ID]}));

    let t = token(&router, "").await;
    let before = etag(&call(&router, get(&t, ID)).await);
    // Out of band: no token, no If-Match, the campaign id may be left out.
    let mut theirs = doc("07:00:00", "08:00:00");
    theirs.as_object_mut().unwrap().remove("campaignId");
    let oob = call(
        &router,
        Request::put(format!("/_emulator/campaigns/{ID}/schedule"))
            .body(Body::from(theirs.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(oob.status, 200, "{}", oob.body);
    let after = call(&router, get(&t, ID)).await;
    assert_ne!(etag(&after), before);
    assert_eq!(after.body["timeWindows"][0]["startTime"], "07:00:00");

    let revoke = call(
        &router,
        Request::post("/_emulator/tokens/revoke")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(revoke.body["revoked"], 1);

    let log = call(
        &router,
        Request::get("/_emulator/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let entries = log.body["requests"].as_array().unwrap();
    let summary: Vec<(String, u64)> = entries
        .iter()
        .map(|e| {
            (
                format!(
                    "{} {}",
                    e["method"].as_str().unwrap(),
                    e["path"].as_str().unwrap()
                ),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("POST /api/v2/oauth/token".to_owned(), 200),
            (format!("GET /api/v2/campaigns/{ID}/schedule"), 200),
            (format!("GET /api/v2/campaigns/{ID}/schedule"), 200),
        ],
        "API requests only, control endpoints are not logged"
    );
    assert!(entries[0]["time"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn control_endpoints_refuse_remote_peers() {
    let router = app(state(|_| {}));
    let mut req = Request::get("/_emulator/campaigns")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([192, 168, 1, 9], 5555))));
    assert_eq!(call(&router, req).await.status, 403);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_in_either_form() {
    for style in [RetryAfterStyle::Seconds, RetryAfterStyle::HttpDate] {
        let router = app(state(|c| {
            c.rate_limit = Some(1.0);
            c.retry_after = style;
        }));
        let _ = token(&router, "").await; // takes the one token of the bucket
        let a = call(&router, get("x", ID)).await;
        assert_eq!(a.status, 429);
        let value = a.headers[header::RETRY_AFTER].to_str().unwrap().to_owned();
        match style {
            RetryAfterStyle::Seconds => assert_eq!(value, "1"),
            RetryAfterStyle::HttpDate => {
                let at = httpdate::parse_http_date(&value).expect("an HTTP date");
                assert!(at > std::time::SystemTime::now(), "{value}");
            }
        }
    }
}

#[tokio::test]
async fn faults_are_drawn_from_the_seeded_rng_at_the_configured_rate() {
    let draw = |seed| {
        let router = app(state(|c| {
            c.faults = Faults {
                rate: 0.5,
                kinds: vec![FaultKind::ServerError, FaultKind::Drop],
                ..Faults::default()
            };
            c.seed = seed;
        }));
        async move {
            let mut outcomes = Vec::new();
            for _ in 0..200 {
                let a = call(&router, get("x", ID)).await;
                outcomes.push(if a.dropped { 0 } else { a.status.as_u16() });
            }
            outcomes
        }
    };
    let a = draw(7).await;
    assert_eq!(a, draw(7).await, "same seed, same faults");
    let faulted = a.iter().filter(|s| **s != 401).count();
    assert!((60..=140).contains(&faulted), "about half: {faulted}");
    assert!(a.contains(&0) && a.iter().any(|s| (500..600).contains(s)));
}

#[tokio::test]
async fn state_survives_a_restart_through_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let first = state(|c| c.state_file = Some(file.clone()));
    let router = app(first.clone());
    let t = token(&router, "").await;
    let current = etag(&call(&router, get(&t, ID)).await);
    let ok = call(
        &router,
        put(&t, Some(&current), &doc("06:00:00", "07:00:00").to_string()),
    )
    .await;
    assert_eq!(ok.status, 200);

    let second = app(state(|c| {
        c.state_file = Some(file.clone());
        c.campaigns = CampaignSource::None;
    }));
    let t2 = token(&second, "").await;
    let again = call(&second, get(&t2, ID)).await;
    assert_eq!(etag(&again), etag(&ok));
    assert_eq!(again.body["timeWindows"][0]["startTime"], "06:00:00");
}

#[tokio::test]
async fn campaigns_load_from_a_folder_of_documents_and_id_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        doc("09:00:00", "10:00:00").to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "campaignId: 5d0c6a36-8f5f-4c1e-9d59-3b1b2a7c9e10\ntimezone: EST\nbusinessHoursDirective: STRICT\nmaxConcurrentCalls: 1\ntimeWindows: []\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.jsonl"),
        format!("{}\nnull\n", json!({"campaignId":"6e1d7b47-9a6a-4d2f-8e6a-4c2c3b8d0f21","timezone":"UTC","businessHoursDirective":"IGNORE","maxConcurrentCalls":2,"timeWindows":[]})),
    )
    .unwrap();
    let s = state(|c| c.campaigns = CampaignSource::Path(dir.path().to_owned()));
    let ids: Vec<String> = s.campaign_ids().iter().map(ToString::to_string).collect();
    assert_eq!(
        ids,
        [
            ID,
            "5d0c6a36-8f5f-4c1e-9d59-3b1b2a7c9e10",
            "6e1d7b47-9a6a-4d2f-8e6a-4c2c3b8d0f21"
        ]
    );
    assert!(
        s.notes()
            .iter()
            .any(|n| n.contains("b.yaml") && n.contains("empty schedule")),
        "{:?}",
        s.notes()
    );

    let ids_file = dir.path().join("ids.txt");
    std::fs::write(
        &ids_file,
        "# ids\n5d0c6a36-8f5f-4c1e-9d59-3b1b2a7c9e10\nnot-an-id\n",
    )
    .unwrap();
    let mut c = EmulatorConfig::loopback();
    c.campaigns = CampaignSource::Path(ids_file);
    let err = EmulatorState::new(c).unwrap_err().to_string();
    assert!(err.contains("ids.txt") && err.contains("line 3"), "{err}");

    let mut n = EmulatorConfig::loopback();
    n.campaigns = CampaignSource::Count(25);
    assert_eq!(EmulatorState::new(n).unwrap().campaign_ids().len(), 25);
}

#[tokio::test]
async fn a_dropped_connection_closes_the_socket_without_an_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = EmulatorConfig::loopback();
    config.faults = Faults {
        rate: 1.0,
        kinds: vec![FaultKind::Drop],
        ..Faults::default()
    };
    let emu = cxsched_emulator::spawn(config).await.unwrap();
    let mut socket = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    socket
        .write_all(
            format!("GET /api/v2/campaigns/{ID}/schedule HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "closed with nothing sent: {:?}",
        String::from_utf8_lossy(&buf)
    );
    assert_eq!(emu.state().requests()[0].status, None);
    emu.shutdown().await;
}
