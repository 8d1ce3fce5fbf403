//! The CXone client against a small mock of the platform over loopback: the issuer (OpenID
//! discovery, the token endpoint, cxone-configuration) on one port and the API on another,
//! so that `api_endpoint` is followed, not guessed. Covers the key's form encoding, Basic
//! auth, `Accept` on every request, flat GET / wrapped PUT, paging, single flight, a 401
//! mid-run, 429 without `Retry-After`, a 400 on PUT, the URL rule, and secrets in errors.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cxsched_api::cxone::{CxoneClient, CxoneConfig, SkillSchedule, ZoneWindow};
use cxsched_api::{Backoff, ErrorKind, Secret};
use serde_json::{Value, json};

const CLIENT_ID: &str = "app-id";
const CLIENT_SECRET: &str = "app-secret-Zq9";
const KEY_ID: &str = "KEYid+a/b==";
const KEY_SECRET: &str = "keySECRET/x+y=";
const TENANT: &str = "11111111-2222-3333-4444-555555555555";
const SKILLS: usize = 250;
const PREFIX: &str = "/inContactAPI/services/v34.0";

#[derive(Clone, Debug)]
struct Seen {
    host: &'static str,
    method: String,
    path: String,
    query: String,
    accept: Option<String>,
    authorization: Option<String>,
    content_type: Option<String>,
    body: String,
}

#[derive(Default)]
struct Mock {
    seen: Mutex<Vec<Seen>>,
    valid: Mutex<HashSet<String>>,
    issued: Mutex<Vec<String>>,
    refresh_issued: Mutex<Vec<String>>,
    api_url: Mutex<String>,
    issuer_url: Mutex<String>,
    /// What cxone-configuration names as the API endpoint (default: the API listener).
    api_endpoint_override: Mutex<Option<String>>,
    schedule: Mutex<Value>,
    zones: Mutex<Value>,
    too_many: AtomicU32,
    reject_puts: AtomicBool,
    tokens: AtomicU32,
}

fn jwt(n: u32) -> String {
    let b = |v: &[u8]| URL_SAFE_NO_PAD.encode(v);
    let claims = json!({"tenantId": TENANT, "sub": "user:4f7e", "icBUId": 4600123, "iat": 1, "exp": 4_000_000_000u64, "n": n});
    format!(
        "{}.{}.{}",
        b(br#"{"alg":"RS256"}"#),
        b(claims.to_string().as_bytes()),
        b(format!("sig{n}").as_bytes())
    )
}

fn reply(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn form(body: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn record(mock: &Mock, host: &'static str, req: Request) -> Seen {
    let (parts, body) = req.into_parts();
    let header = |n: &str| {
        parts
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let body = to_bytes(body, 1 << 20).await.unwrap();
    let seen = Seen {
        host,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        accept: header("accept"),
        authorization: header("authorization"),
        content_type: header("content-type"),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    mock.seen.lock().unwrap().push(seen.clone());
    seen
}

async fn issuer(State(mock): State<Arc<Mock>>, req: Request) -> Response {
    let r = record(&mock, "issuer", req).await;
    match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/.well-known/openid-configuration") => {
            let base = mock.issuer_url.lock().unwrap().clone();
            reply(
                200,
                json!({"issuer": base, "token_endpoint": format!("{base}/auth/token")}),
            )
        }
        ("GET", "/.well-known/cxone-configuration") => {
            if r.query != format!("tenantId={TENANT}") {
                return reply(404, json!({"error": "unknown tenant"}));
            }
            let endpoint = mock
                .api_endpoint_override
                .lock()
                .unwrap()
                .clone()
                .unwrap_or_else(|| mock.api_url.lock().unwrap().clone());
            reply(
                200,
                json!({"area": "na1", "api_endpoint": endpoint, "tenantId": TENANT}),
            )
        }
        ("POST", "/auth/token") => {
            let basic = format!(
                "Basic {}",
                STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
            );
            if r.authorization.as_deref() != Some(basic.as_str()) {
                return reply(
                    401,
                    json!({"error": "invalid_client", "error_description": "Unknown client"}),
                );
            }
            let f = form(&r.body);
            let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            let ok = match get("grant_type") {
                Some("password") => {
                    get("username") == Some(KEY_ID) && get("password") == Some(KEY_SECRET)
                }
                Some("refresh_token") => {
                    get("client_id") == Some(CLIENT_ID)
                        && get("refresh_token").is_some_and(|t| {
                            mock.refresh_issued.lock().unwrap().iter().any(|r| r == t)
                        })
                }
                _ => false,
            };
            if !ok {
                return reply(
                    400,
                    json!({"error": "invalid_grant", "error_description": "Invalid access key"}),
                );
            }
            let n = mock.tokens.fetch_add(1, Ordering::SeqCst);
            let token = jwt(n);
            let refresh = format!("refresh-{n}-secret");
            mock.valid.lock().unwrap().insert(token.clone());
            mock.issued.lock().unwrap().push(token.clone());
            mock.refresh_issued.lock().unwrap().push(refresh.clone());
            reply(
                200,
                json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": refresh, "id_token": "id", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}),
            )
        }
        _ => reply(404, json!({"error": "NotFound"})),
    }
}

async fn api(State(mock): State<Arc<Mock>>, req: Request) -> Response {
    let r = record(&mock, "api", req).await;
    let token = r
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or("");
    if !mock.valid.lock().unwrap().contains(token) {
        return reply(401, json!({"error": "invalid_token"}));
    }
    if r.accept.as_deref() != Some("application/json") {
        return (
            StatusCode::NOT_ACCEPTABLE,
            Body::from("No known way to render data"),
        )
            .into_response();
    }
    if mock
        .too_many
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (StatusCode::TOO_MANY_REQUESTS, Body::empty()).into_response();
    }
    let Some(path) = r.path.strip_prefix(PREFIX) else {
        return reply(404, json!({"error": "NotFound"}));
    };
    match (r.method.as_str(), path) {
        ("GET", "/skills") => {
            let q = form(&r.query);
            let num = |k: &str| {
                q.iter()
                    .find(|(n, _)| n == k)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            let (skip, top) = (num("skip").unwrap_or(0), num("top").unwrap_or(50));
            let skills: Vec<Value> = (skip..(skip + top).min(SKILLS))
                .map(|i| json!({"skillId": 1000 + i, "skillName": format!("PC {i}"), "isActive": true, "outboundStrategy": "Personal Connection"}))
                .collect();
            reply(
                200,
                json!({"businessUnitId": 4600123, "totalRecords": SKILLS.to_string(), "skills": skills}),
            )
        }
        ("GET", "/skills/1000") => reply(
            200,
            json!({"skillId": 1000, "skillName": "PC 0", "isActive": true, "campaignId": 7, "campaignName": "Renewals"}),
        ),
        ("GET", "/skills/1000/parameters/schedule-settings") => {
            reply(200, mock.schedule.lock().unwrap().clone())
        }
        ("PUT", "/skills/1000/parameters/schedule-settings") => {
            if mock.reject_puts.load(Ordering::SeqCst) {
                // A platform that echoes what it got would put the token in its words.
                return reply(
                    400,
                    json!({"error": "InvalidParameter", "error_description": format!("bad request from {}", r.authorization.unwrap_or_default())}),
                );
            }
            let body: Value = serde_json::from_str(&r.body).unwrap();
            match body.get("scheduleSettings") {
                Some(fields) if r.content_type.as_deref() == Some("application/json") => {
                    *mock.schedule.lock().unwrap() = fields.clone();
                    (StatusCode::OK, Body::empty()).into_response()
                }
                _ => reply(
                    400,
                    json!({"error": "InvalidParameter", "error_description": "scheduleSettings is required"}),
                ),
            }
        }
        ("GET", "/skills/1000/parameters/time-zones") => {
            reply(200, mock.zones.lock().unwrap().clone())
        }
        ("PUT", "/skills/1000/parameters/time-zones") => {
            *mock.zones.lock().unwrap() = serde_json::from_str(&r.body).unwrap();
            (StatusCode::OK, Body::empty()).into_response()
        }
        ("GET", "/business-unit") => reply(
            200,
            json!({"businessUnits": [{"businessUnitId": 4600123, "businessUnitName": "Acme",
            "defaultTimeZone": "Eastern Standard Time", "timeZones": [{"displayName": "(UTC-05:00) Eastern Time", "standardName": "Eastern Standard Time"}]}]}),
        ),
        ("GET", "/timezones") => reply(
            200,
            json!({"timeZones": [{"displayName": "(UTC-08:00) Pacific Time", "standardName": "Pacific Standard Time", "offset": "-08:00"}]}),
        ),
        _ => reply(404, json!({"error": "Invalid skillId"})),
    }
}

async fn listen(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

async fn mock() -> (Arc<Mock>, String) {
    let mock = Arc::new(Mock::default());
    *mock.schedule.lock().unwrap() = json!({
        "isScheduled": true,
        "mondayStartTime": "09:00:00", "mondayEndTime": "19:00:00", "mondayIsActive": true,
        "tuesdayStartTime": "09:00", "tuesdayEndTime": "19:00", "tuesdayIsActive": true,
        "sundayStartTime": "10:00", "sundayEndTime": "16:00", "sundayIsActive": false
    });
    *mock.zones.lock().unwrap() = json!({"timeZoneSettings": []});
    let issuer_url = listen(Router::new().fallback(issuer).with_state(mock.clone())).await;
    let api_url = listen(Router::new().fallback(api).with_state(mock.clone())).await;
    *mock.issuer_url.lock().unwrap() = issuer_url.clone();
    *mock.api_url.lock().unwrap() = api_url;
    (mock, issuer_url)
}

fn config(issuer: &str) -> CxoneConfig {
    let mut c = CxoneConfig::new(
        issuer.to_owned(),
        CLIENT_ID.into(),
        Secret::new(CLIENT_SECRET),
        Secret::new(KEY_ID),
        Secret::new(KEY_SECRET),
    );
    c.request_timeout = Duration::from_secs(2);
    c.deadline = Duration::from_secs(10);
    c.backoff = Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(200),
    };
    c
}

fn seen(mock: &Mock) -> Vec<Seen> {
    mock.seen.lock().unwrap().clone()
}

#[tokio::test]
async fn discovery_is_followed_and_the_key_is_form_encoded_with_basic_auth() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    assert_eq!(c.actor(), None);
    c.connect().await.unwrap();
    let api_url = mock.api_url.lock().unwrap().clone();
    assert_ne!(api_url, issuer, "the API is on its own port");
    assert_eq!(c.api_base(), Some(format!("{api_url}{PREFIX}")));
    assert_eq!(c.tenant_id().as_deref(), Some(TENANT));
    assert_eq!(c.actor().as_deref(), Some("user:4f7e"));
    c.business_unit().await.unwrap();
    let log = seen(&mock);
    let paths: Vec<&str> = log.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/.well-known/openid-configuration",
            "/auth/token",
            "/.well-known/cxone-configuration",
            &format!("{PREFIX}/business-unit")[..]
        ]
    );
    let token = &log[1];
    assert_eq!(
        token.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.body,
        "grant_type=password&username=KEYid%2Ba%2Fb%3D%3D&password=keySECRET%2Fx%2By%3D"
    );
    assert!(
        token
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))
    );
    assert_eq!(log[2].query, format!("tenantId={TENANT}"));
    assert_eq!(log[3].host, "api");
    assert!(
        log.iter()
            .all(|s| s.accept.as_deref() == Some("application/json")),
        "Accept on every request: {log:?}"
    );
    assert_eq!(c.token_requests(), 1);
}

#[tokio::test]
async fn a_configured_api_endpoint_skips_discovery() {
    let (mock, issuer) = mock().await;
    let mut cfg = config(&issuer);
    cfg.api_endpoint = Some(mock.api_url.lock().unwrap().clone());
    let c = CxoneClient::new(cfg).unwrap();
    assert!(c.api_base().is_some());
    assert_eq!(
        c.timezones().await.unwrap()[0].standard_name,
        "Pacific Standard Time"
    );
    assert!(
        !seen(&mock)
            .iter()
            .any(|s| s.path.contains("cxone-configuration"))
    );
}

#[tokio::test]
async fn schedule_settings_are_read_flat_and_written_wrapped() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    let read = c.get_schedule_settings(1000).await.unwrap();
    assert!(read.value.days[0].active && !read.value.days[6].active);
    assert_eq!(read.attempts, 1);
    let mut desired = read.value.clone();
    desired.days[2] = desired.days[0];
    let sent = c.put_schedule_settings(1000, &desired).await.unwrap();
    assert!(!sent.unanswered);
    let stored = mock.schedule.lock().unwrap().clone();
    assert_eq!(stored.as_object().unwrap().len(), 22);
    assert_eq!(stored["wednesdayStartTime"], "09:00");
    let back = c.get_schedule_settings(1000).await.unwrap();
    assert!(back.value.same_meaning(&desired));
    assert_eq!(
        SkillSchedule::from_get_body(&back.body).unwrap(),
        back.value
    );

    let zones = vec![ZoneWindow {
        standard_name: "Eastern Standard Time".into(),
        active: true,
        override_time: true,
        start: cxsched_core::LocalTime::from_hms(8, 0, 0),
        end: cxsched_core::LocalTime::from_hms(21, 0, 0),
    }];
    c.put_time_zones(1000, &zones).await.unwrap();
    let live = c.get_time_zones(1000).await.unwrap();
    assert!(ZoneWindow::same_list(&live.value, &zones));
    let skill = c.skill(1000).await.unwrap();
    assert_eq!(
        (skill.campaign_id, skill.campaign_name.as_deref()),
        (Some(7), Some("Renewals"))
    );
    assert!(c.skill(99).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn every_page_of_skills_is_read() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    let skills = c.skills().await.unwrap();
    assert_eq!(skills.len(), SKILLS);
    assert_eq!(skills[SKILLS - 1].id, 1000 + SKILLS as u64 - 1);
    let pages: Vec<String> = seen(&mock)
        .iter()
        .filter(|s| s.path.ends_with("/skills"))
        .map(|s| s.query.clone())
        .collect();
    assert_eq!(
        pages,
        ["skip=0&top=100", "skip=100&top=100", "skip=200&top=100"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_request_serves_50_concurrent_reads() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.get_schedule_settings(1000).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(c.token_requests(), 1);
    let log = seen(&mock);
    assert_eq!(log.iter().filter(|s| s.path == "/auth/token").count(), 1);
    assert_eq!(log.iter().filter(|s| s.path.contains("openid")).count(), 1);
    assert_eq!(
        log.iter()
            .filter(|s| s.path.contains("cxone-configuration"))
            .count(),
        1
    );
}

#[tokio::test]
async fn a_401_mid_run_refreshes_once_and_retries() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    c.get_schedule_settings(1000).await.unwrap();
    mock.valid.lock().unwrap().clear();
    let read = c.get_schedule_settings(1000).await.unwrap();
    assert_eq!(read.attempts, 2, "the 401, then the retry");
    assert_eq!(c.token_requests(), 2);
    let grants: Vec<String> = seen(&mock)
        .iter()
        .filter(|s| s.path == "/auth/token")
        .map(|s| s.body.split('&').next().unwrap().to_owned())
        .collect();
    assert_eq!(grants, ["grant_type=password", "grant_type=refresh_token"]);
}

#[tokio::test]
async fn a_failed_refresh_falls_back_to_the_access_key() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    c.get_schedule_settings(1000).await.unwrap();
    mock.valid.lock().unwrap().clear();
    mock.refresh_issued.lock().unwrap().clear();
    c.get_schedule_settings(1000).await.unwrap();
    let grants: Vec<String> = seen(&mock)
        .iter()
        .filter(|s| s.path == "/auth/token")
        .map(|s| s.body.split('&').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        grants,
        [
            "grant_type=password",
            "grant_type=refresh_token",
            "grant_type=password"
        ]
    );
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried_with_backoff() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    c.connect().await.unwrap();
    mock.too_many.store(2, Ordering::SeqCst);
    let read = c.get_time_zones(1000).await.unwrap();
    assert_eq!(read.attempts, 3);
}

#[tokio::test]
async fn a_400_on_put_is_rejected_with_the_platforms_words_the_hint_and_no_token() {
    let (mock, issuer) = mock().await;
    let c = CxoneClient::new(config(&issuer)).unwrap();
    let read = c.get_schedule_settings(1000).await.unwrap();
    mock.reject_puts.store(true, Ordering::SeqCst);
    let err = c
        .put_schedule_settings(1000, &read.value)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.status(), Some(400));
    let text = err.to_string();
    assert!(text.contains("InvalidParameter"), "{text}");
    assert!(text.contains("inactive day"), "{text}");
    assert_no_secret(&mock, &err);
}

#[tokio::test]
async fn bad_access_keys_name_what_to_check_and_never_show_a_secret() {
    let (mock, issuer) = mock().await;
    let mut cfg = config(&issuer);
    cfg.access_key_secret = Secret::new("wrong-KEY-secret=");
    let c = CxoneClient::new(cfg.clone()).unwrap();
    let err = c.skills().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(
        err.to_string()
            .contains("CXONE_ACCESS_KEY_ID / CXONE_ACCESS_KEY_SECRET"),
        "{err}"
    );
    assert!(
        err.to_string().contains("Invalid access key"),
        "the platform's words: {err}"
    );
    assert_no_secret(&mock, &err);
    for text in [
        format!("{cfg:?}"),
        format!("{c:?}"),
        err.body().unwrap_or("").to_owned(),
    ] {
        assert!(!text.contains("wrong-KEY-secret"), "{text}");
    }

    let mut cfg = config(&issuer);
    cfg.client_secret = Secret::new("wrong-app-secret");
    let err = CxoneClient::new(cfg).unwrap().connect().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("CXONE_CLIENT_ID / CXONE_CLIENT_SECRET"),
        "{err}"
    );
    assert_no_secret(&mock, &err);
    assert!(!format!("{err} {err:?}").contains("wrong-app-secret"));
}

fn assert_no_secret(mock: &Mock, err: &cxsched_api::ApiError) {
    let basic = STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let mut secrets = vec![
        CLIENT_SECRET.to_owned(),
        KEY_ID.to_owned(),
        KEY_SECRET.to_owned(),
        basic,
    ];
    secrets.push("KEYid%2Ba%2Fb%3D%3D".into());
    secrets.extend(mock.issued.lock().unwrap().iter().cloned());
    secrets.extend(mock.refresh_issued.lock().unwrap().iter().cloned());
    secrets.push("refresh-".into());
    for text in [
        err.to_string(),
        format!("{err:?}"),
        err.body().unwrap_or("").to_owned(),
    ] {
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{s:?} leaked in {text}");
        }
    }
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_for_the_issuer_and_the_api_endpoint() {
    let err = CxoneClient::new(config("http://cxone.niceincontact.com")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("https"), "{err}");
    let mut cfg = config("https://cxone.niceincontact.com");
    cfg.api_endpoint = Some("http://api-na1.niceincontact.com".into());
    assert_eq!(CxoneClient::new(cfg).unwrap_err().kind(), ErrorKind::Config);

    let (mock, issuer) = mock().await;
    *mock.api_endpoint_override.lock().unwrap() = Some("http://api-na1.niceincontact.com".into());
    let err = CxoneClient::new(config(&issuer))
        .unwrap()
        .connect()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("api_endpoint"), "{err}");
    assert!(
        !seen(&mock).iter().any(|s| s.host == "api"),
        "nothing sent to it"
    );
}

#[tokio::test]
async fn empty_credentials_are_refused() {
    let mut cfg = config("https://cxone.niceincontact.com");
    cfg.access_key_id = Secret::new("");
    let err = CxoneClient::new(cfg).unwrap_err();
    assert!(err.to_string().contains("CXONE_ACCESS_KEY_ID"), "{err}");
}
