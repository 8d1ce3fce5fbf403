//! The `cxone` emulator in-process (`tower::ServiceExt::oneshot`), and over two real port-0
//! listeners for the whole discovery → token → cxone-configuration → API path.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use cxsched_emulator::cxone::{
    self, CxoneConfig, CxoneState, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_TENANT_ID,
    SkillSource, TimeFormat, TotalRecords, ZoneItemKey,
};
use cxsched_emulator::{FaultKind, Faults};
use serde_json::{Value, json};
use tower::ServiceExt as _;

const V: &str = "/inContactAPI/services/v34.0";
const SKILL: u64 = 4711;

fn state(tune: impl FnOnce(&mut CxoneConfig)) -> CxoneState {
    let mut c = CxoneConfig::loopback();
    c.skills = SkillSource::Ids(vec![SKILL, 4712, 4713]);
    tune(&mut c);
    CxoneState::new(c).unwrap()
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
    body: Value,
}

async fn call(router: &Router, req: Request<Body>) -> Answer {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        body,
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn token_request(client: &str, form: String) -> Request<Body> {
    let basic = base64::engine::general_purpose::STANDARD.encode(client);
    Request::post("/auth/token")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap()
}

fn password_form(id: &str, secret: &str) -> String {
    format!(
        "grant_type=password&username={}&password={}",
        enc(id),
        enc(secret)
    )
}

async fn token(router: &Router) -> String {
    let a = call(
        router,
        token_request(
            "demo-client:demo-secret",
            password_form(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
        ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["access_token"].as_str().unwrap().to_owned()
}

fn api(method: &str, token: &str, path: &str, body: Option<Value>) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(format!("{V}{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT, "application/json");
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn week(start: &str, end: &str) -> Value {
    let mut s = serde_json::Map::new();
    s.insert("isScheduled".into(), true.into());
    for d in cxone::DAYS {
        s.insert(format!("{d}StartTime"), start.into());
        s.insert(format!("{d}EndTime"), end.into());
        s.insert(format!("{d}IsActive"), true.into());
    }
    Value::Object(s)
}

#[tokio::test]
async fn the_token_endpoint_wants_form_encoded_keys_and_a_registered_client() {
    let router = cxone::app(state(|_| {}));
    let ok = call(
        &router,
        token_request(
            "demo-client:demo-secret",
            password_form(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
        ),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["token_type"], "Bearer");
    assert_eq!(ok.body["expires_in"], 3600);
    assert!(ok.body["refresh_token"].is_string() && ok.body["id_token"].is_string());
    assert_eq!(ok.headers[header::CACHE_CONTROL], "no-store");
    let jwt = ok.body["access_token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3);
    let c = claims(jwt);
    assert_eq!(c["tenantId"], DEMO_TENANT_ID.to_string());
    assert_eq!(c["icBUId"], 4_600_001);
    assert!(c["sub"].as_str().unwrap().starts_with("user:"));
    assert_eq!(
        c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(),
        3600
    );

    // The same key sent without form-encoding: `+` decodes as a space.
    let raw = format!(
        "grant_type=password&username={DEMO_ACCESS_KEY_ID}&password={DEMO_ACCESS_KEY_SECRET}"
    );
    let bad = call(&router, token_request("demo-client:demo-secret", raw)).await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(!bad.text.contains("s3cr3t"), "never echoes a secret");

    let client = call(
        &router,
        token_request(
            "demo-client:nope",
            password_form(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
        ),
    )
    .await;
    assert_eq!(
        (client.status.as_u16(), client.body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let grant = call(
        &router,
        token_request(
            "demo-client:demo-secret",
            "grant_type=client_credentials".into(),
        ),
    )
    .await;
    assert_eq!(grant.body["error"], "unsupported_grant_type");

    // Refresh: client_id required.
    let refresh = ok.body["refresh_token"].as_str().unwrap();
    let no_client = call(
        &router,
        token_request(
            "demo-client:demo-secret",
            format!("grant_type=refresh_token&refresh_token={refresh}"),
        ),
    )
    .await;
    assert_eq!(
        (no_client.status.as_u16(), no_client.body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let refreshed = call(
        &router,
        token_request(
            "demo-client:demo-secret",
            format!("grant_type=refresh_token&refresh_token={refresh}&client_id=demo-client"),
        ),
    )
    .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let t = refreshed.body["access_token"].as_str().unwrap();
    assert_eq!(
        call(&router, api("GET", t, "/skills", None)).await.status,
        200
    );
}

#[tokio::test]
async fn discovery_names_the_token_endpoint_and_the_api() {
    let router = cxone::app(state(|_| {}));
    let get = |path: String| {
        Request::get(path)
            .header(header::HOST, "emu.test:1")
            .body(Body::empty())
            .unwrap()
    };
    let d = call(&router, get("/.well-known/openid-configuration".into())).await;
    assert_eq!(d.body["token_endpoint"], "http://emu.test:1/auth/token");
    assert_eq!(d.body["issuer"], "http://emu.test:1");
    let c = call(
        &router,
        get(format!(
            "/.well-known/cxone-configuration?tenantId={DEMO_TENANT_ID}"
        )),
    )
    .await;
    assert_eq!(c.status, 200);
    assert_eq!(c.body["api_endpoint"], "http://emu.test:1");
    assert_eq!(c.body["private"], false);
    assert_eq!(c.body["area"], "na1");
    let other = call(
        &router,
        get(
            "/.well-known/cxone-configuration?tenantId=00000000-0000-4000-8000-000000000001".into(),
        ),
    )
    .await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn the_api_wants_json_accept_a_version_and_a_valid_token() {
    let router = cxone::app(state(|c| c.token_ttl = Duration::from_millis(300)));
    let t = token(&router).await;
    let mut no_accept = api("GET", &t, "/skills", None);
    no_accept.headers_mut().remove(header::ACCEPT);
    let a = call(&router, no_accept).await;
    assert_eq!(a.status, 406);
    assert_eq!(a.text, "No known way to render data");
    let mut star = api("GET", &t, "/skills", None);
    star.headers_mut()
        .insert(header::ACCEPT, "*/*".parse().unwrap());
    assert_eq!(call(&router, star).await.status, 406);

    let bad_version = Request::get("/inContactAPI/services/34/skills")
        .header(header::ACCEPT, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&router, bad_version).await.status, 404);
    let v13 = Request::get("/inContactAPI/services/v13.0/skills")
        .header(header::ACCEPT, "application/json; charset=utf-8")
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&router, v13).await.status, 200);

    let mut forged = t.clone();
    forged.pop();
    forged.push(if t.ends_with('A') { 'B' } else { 'A' });
    let f = call(&router, api("GET", &forged, "/skills", None)).await;
    assert_eq!(
        (f.status.as_u16(), f.body["error"].as_str()),
        (401, Some("invalid_token"))
    );
    assert!(f.headers.contains_key(header::WWW_AUTHENTICATE));
    let mut none = api("GET", &t, "/skills", None);
    none.headers_mut().remove(header::AUTHORIZATION);
    assert_eq!(call(&router, none).await.status, 401);

    tokio::time::sleep(Duration::from_millis(350)).await;
    let expired = call(&router, api("GET", &t, "/skills", None)).await;
    assert_eq!(expired.status, 401);
    assert!(
        expired.body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn revoked_tokens_get_401() {
    let router = cxone::app(state(|_| {}));
    let t = token(&router).await;
    assert_eq!(
        call(&router, api("GET", &t, "/business-unit", None))
            .await
            .status,
        200
    );
    let r = call(
        &router,
        Request::post("/_emulator/tokens/revoke")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.body["revoked"], 1);
    let a = call(&router, api("GET", &t, "/business-unit", None)).await;
    assert_eq!(
        (a.status.as_u16(), a.body["error"].as_str()),
        (401, Some("invalid_token"))
    );
}

#[tokio::test]
async fn schedule_settings_read_flat_and_write_wrapped() {
    let router = cxone::app(state(|_| {}));
    let t = token(&router).await;
    let path = format!("/skills/{SKILL}/parameters/schedule-settings");
    let fresh = call(&router, api("GET", &t, &path, None)).await;
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.body["isScheduled"], false);
    assert_eq!(fresh.body["mondayIsActive"], false);
    assert_eq!(fresh.body.as_object().unwrap().len(), 22);
    assert!(fresh.headers.get(header::ETAG).is_none());

    let unwrapped = call(&router, api("PUT", &t, &path, Some(week("09:00", "17:00")))).await;
    assert_eq!(
        (unwrapped.status.as_u16(), unwrapped.body["error"].as_str()),
        (400, Some("InvalidParameter"))
    );

    let mut body = week("09:00", "17:00");
    body["sundayIsActive"] = false.into();
    body["saturdayStartTime"] = "10:00:00".into();
    let put = call(
        &router,
        api("PUT", &t, &path, Some(json!({"scheduleSettings": body}))),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert!(put.text.is_empty());
    assert!(put.headers.get(header::ETAG).is_none());
    let read = call(&router, api("GET", &t, &path, None)).await;
    assert_eq!(read.body["isScheduled"], true);
    assert_eq!(read.body["mondayStartTime"], "09:00");
    assert_eq!(read.body["saturdayStartTime"], "10:00");
    assert_eq!(read.body["sundayIsActive"], false);

    for (field, value) in [
        ("mondayStartTime", json!("9:00")),
        ("mondayStartTime", json!("17:00")),
        ("mondayEndTime", json!("24:00")),
        ("mondayEndTime", json!("17:00:30")),
        ("mondayColour", json!("red")),
    ] {
        let mut b = week("09:00", "17:00");
        b[field] = value.clone();
        let a = call(
            &router,
            api("PUT", &t, &path, Some(json!({"scheduleSettings": b}))),
        )
        .await;
        assert_eq!(a.status, 400, "{field}={value}: {}", a.text);
    }
    // Refused writes change nothing.
    let again = call(&router, api("GET", &t, &path, None)).await;
    assert_eq!(again.body, read.body);

    let unknown = call(
        &router,
        api("GET", &t, "/skills/999/parameters/schedule-settings", None),
    )
    .await;
    assert_eq!(
        (
            unknown.status.as_u16(),
            unknown.body["error_description"].as_str()
        ),
        (404, Some("Invalid skillId"))
    );
}

#[tokio::test]
async fn reject_inactive_days_refuses_inactive_and_empty_days_only_when_set() {
    let path = format!("/skills/{SKILL}/parameters/schedule-settings");
    let mut inactive = week("09:00", "17:00");
    inactive["sundayIsActive"] = false.into();
    let mut empty = week("09:00", "17:00");
    empty["sundayIsActive"] = false.into();
    empty["sundayStartTime"] = "00:00".into();
    empty["sundayEndTime"] = "00:00".into();
    for (reject, expect) in [(false, 200), (true, 400)] {
        let router = cxone::app(state(|c| c.reject_inactive_days = reject));
        let t = token(&router).await;
        for b in [&inactive, &empty] {
            let a = call(
                &router,
                api("PUT", &t, &path, Some(json!({"scheduleSettings": b}))),
            )
            .await;
            assert_eq!(a.status, expect, "reject={reject}: {}", a.text);
            if reject {
                assert_eq!(a.body["error"], "InvalidParameter");
            }
        }
        let all = call(
            &router,
            api(
                "PUT",
                &t,
                &path,
                Some(json!({"scheduleSettings": week("08:00", "21:00")})),
            ),
        )
        .await;
        assert_eq!(all.status, 200);
    }
}

#[tokio::test]
async fn time_zones_replace_the_whole_list_and_refuse_zones_the_unit_lacks() {
    let router = cxone::app(state(|_| {}));
    let t = token(&router).await;
    let path = format!("/skills/{SKILL}/parameters/time-zones");
    let fresh = call(&router, api("GET", &t, &path, None)).await;
    let items = fresh.body["timeZoneSettings"].as_array().unwrap().clone();
    assert_eq!(items.len(), 12);
    assert!(items.iter().all(|i| i["timeZoneActiveToCall"] == true));
    assert_eq!(items[0]["name"], "Eastern Standard Time");

    let put = |zones: Value| api("PUT", &t, &path, Some(json!({"timeZoneSettings": zones})));
    let a = call(
        &router,
        put(json!([
            {"standardName": "Eastern Standard Time", "startTime": "09:00", "endTime": "20:00",
             "timeZoneActiveToCall": true, "overrideTime": true},
            {"standardName": "Pacific Standard Time", "startTime": null, "endTime": null,
             "timeZoneActiveToCall": true, "overrideTime": false}
        ])),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let read = call(&router, api("GET", &t, &path, None)).await;
    let items = read.body["timeZoneSettings"].as_array().unwrap();
    let by = |n: &str| items.iter().find(|i| i["name"] == n).unwrap().clone();
    assert_eq!(by("Eastern Standard Time")["startTime"], "09:00");
    assert_eq!(by("Eastern Standard Time")["overrideTime"], true);
    assert_eq!(by("Pacific Standard Time")["timeZoneActiveToCall"], true);
    assert_eq!(by("Central Standard Time")["timeZoneActiveToCall"], false);
    assert_eq!(
        items
            .iter()
            .filter(|i| i["timeZoneActiveToCall"] == true)
            .count(),
        2
    );

    let bad = call(
        &router,
        put(
            json!([{"standardName": "Tokyo Standard Time", "timeZoneActiveToCall": true,
                    "overrideTime": false}]),
        ),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["error_description"]
            .as_str()
            .unwrap()
            .contains("Tokyo Standard Time")
    );
    let unwrapped = call(&router, api("PUT", &t, &path, Some(json!([])))).await;
    assert_eq!(unwrapped.status, 400);
    // The refused writes left the list as it was.
    assert_eq!(
        call(&router, api("GET", &t, &path, None)).await.body,
        read.body
    );
}

#[tokio::test]
async fn quirks_change_the_wire_forms() {
    let router = cxone::app(state(|c| {
        c.quirks.total_records = TotalRecords::String;
        c.quirks.time_format = TimeFormat::WithSeconds;
        c.quirks.zone_item_key = ZoneItemKey::StandardName;
    }));
    let t = token(&router).await;
    let list = call(&router, api("GET", &t, "/skills", None)).await;
    assert_eq!(list.body["totalRecords"], "3");
    let s = call(
        &router,
        api(
            "GET",
            &t,
            &format!("/skills/{SKILL}/parameters/schedule-settings"),
            None,
        ),
    )
    .await;
    assert_eq!(s.body["mondayStartTime"], "00:00:00");
    let z = call(
        &router,
        api(
            "GET",
            &t,
            &format!("/skills/{SKILL}/parameters/time-zones"),
            None,
        ),
    )
    .await;
    assert_eq!(
        z.body["timeZoneSettings"][0]["standardName"],
        "Eastern Standard Time"
    );
    assert!(z.body["timeZoneSettings"][0].get("name").is_none());
}

#[tokio::test]
async fn skills_page_by_skip_and_top() {
    let router = cxone::app(state(|c| c.skills = SkillSource::Count(120)));
    let t = token(&router).await;
    let first = call(&router, api("GET", &t, "/skills", None)).await;
    assert_eq!(first.body["totalRecords"], 120);
    assert_eq!(first.body["skills"].as_array().unwrap().len(), 50);
    assert!(first.body["_links"]["previous"].is_null());
    assert!(
        first.body["_links"]["next"]
            .as_str()
            .unwrap()
            .contains("skip=50&top=50")
    );
    let s0 = &first.body["skills"][0];
    assert_eq!(s0["mediaTypeId"], 4);
    assert_eq!(s0["outboundStrategy"], "Personal Connection");
    assert_eq!(s0["isRunning"], false);

    let mut seen = Vec::new();
    let mut skip = 0;
    loop {
        let p = call(
            &router,
            api("GET", &t, &format!("/skills?skip={skip}&top=1000"), None),
        )
        .await;
        let page = p.body["skills"].as_array().unwrap();
        assert!(page.len() <= 100);
        seen.extend(page.iter().map(|s| s["skillId"].as_u64().unwrap()));
        if p.body["_links"]["next"].is_null() {
            break;
        }
        skip += page.len();
    }
    assert_eq!(seen.len(), 120);
    let mut sorted = seen.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), 120);
    let last = call(&router, api("GET", &t, "/skills?skip=110&top=20", None)).await;
    assert_eq!(last.body["skills"].as_array().unwrap().len(), 10);
    assert_eq!(
        call(&router, api("GET", &t, "/skills?top=0", None))
            .await
            .status,
        400
    );
    assert_eq!(
        call(&router, api("GET", &t, "/skills?skip=x", None))
            .await
            .status,
        400
    );
    let one = call(
        &router,
        api("GET", &t, &format!("/skills/{}", seen[3]), None),
    )
    .await;
    assert_eq!(one.body["skillId"], seen[3]);
}

#[tokio::test]
async fn skills_start_and_stop_with_202_and_409() {
    let router = cxone::app(state(|_| {}));
    let t = token(&router).await;
    let start = || api("POST", &t, &format!("/skills/{SKILL}/start"), None);
    let stop = |q: &str| api("POST", &t, &format!("/skills/{SKILL}/stop{q}"), None);
    assert_eq!(call(&router, start()).await.status, 202);
    assert_eq!(
        call(&router, api("GET", &t, &format!("/skills/{SKILL}"), None))
            .await
            .body["isRunning"],
        true
    );
    let again = call(&router, start()).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["error"], "InvalidState");
    assert_eq!(
        again.body["error_description"],
        "Invalid state. Cannot start skill"
    );
    assert_eq!(call(&router, stop("")).await.status, 202);
    assert_eq!(call(&router, stop("")).await.status, 409);
    assert_eq!(call(&router, stop("?force=true")).await.status, 202);
    assert_eq!(call(&router, stop("?force=maybe")).await.status, 400);
    assert_eq!(
        call(&router, api("POST", &t, "/skills/1/start", None))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn business_unit_and_timezones() {
    let router = cxone::app(state(|c| {
        c.business_unit_timezone = "Central Standard Time".into()
    }));
    let t = token(&router).await;
    let bu = call(&router, api("GET", &t, "/business-unit", None)).await;
    let unit = &bu.body["businessUnits"][0];
    assert_eq!(unit["defaultTimeZone"], "Central Standard Time");
    assert_eq!(unit["tenantId"], DEMO_TENANT_ID.to_string());
    assert_eq!(unit["timeZones"].as_array().unwrap().len(), 12);
    assert!(
        unit["timeZones"][0]["displayName"]
            .as_str()
            .unwrap()
            .starts_with("(UTC")
    );
    let tz = call(&router, api("GET", &t, "/timezones", None)).await;
    let all = tz.body["timeZones"].as_array().unwrap();
    assert!(
        all.iter()
            .any(|z| z["standardName"] == "Tokyo Standard Time" && z["offset"] == "09:00:00")
    );

    let mut bad = CxoneConfig::loopback();
    bad.business_unit_timezone = "Mars Standard Time".into();
    let err = CxoneState::new(bad).unwrap_err().to_string();
    assert!(err.contains("Mars Standard Time"), "{err}");
}

#[tokio::test]
async fn faults_include_429_without_retry_after() {
    let router = cxone::app(state(|c| {
        c.faults = Faults {
            rate: 1.0,
            kinds: vec![FaultKind::TooManyRequests],
            ..Faults::default()
        };
    }));
    let a = call(
        &router,
        Request::get("/.well-known/openid-configuration")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 429);
    assert!(a.headers.get(header::RETRY_AFTER).is_none());
    assert_eq!(a.body["error"], "TooManyRequests");
    // Control endpoints are never faulted.
    let log = call(
        &router,
        Request::get("/_emulator/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(log.status, 200);
    assert_eq!(log.body["requests"][0]["fault"], "429");

    // The seed emulator refuses the kind.
    let mut seed = cxsched_emulator::EmulatorConfig::loopback();
    seed.faults.kinds.push(FaultKind::TooManyRequests);
    assert!(seed.check().unwrap_err().to_string().contains("cxone"));
}

#[tokio::test]
async fn the_rate_limit_answers_429_without_retry_after_by_default() {
    let router = cxone::app(state(|c| c.rate_limit = Some(1.0)));
    let get = || {
        Request::get("/.well-known/openid-configuration")
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(call(&router, get()).await.status, 200);
    let limited = call(&router, get()).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.get(header::RETRY_AFTER).is_none());
}

#[tokio::test]
async fn control_writes_and_the_request_log() {
    let router = cxone::app(state(|_| {}));
    let t = token(&router).await;
    let w = call(
        &router,
        Request::put("/_emulator/skills/777/schedule-settings")
            .body(Body::from(
                json!({"scheduleSettings": week("07:00", "19:00")}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(w.status, 200, "{}", w.text);
    let z = call(
        &router,
        Request::put(format!("/_emulator/skills/{SKILL}/time-zones"))
            .body(Body::from(
                json!({"timeZoneSettings": [
                {"standardName": "Hawaiian Standard Time", "timeZoneActiveToCall": true,
                 "overrideTime": false}]})
                .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(z.status, 200, "{}", z.text);
    let read = call(
        &router,
        api("GET", &t, "/skills/777/parameters/schedule-settings", None),
    )
    .await;
    assert_eq!(read.body["fridayEndTime"], "19:00");
    let zones = call(
        &router,
        api(
            "GET",
            &t,
            &format!("/skills/{SKILL}/parameters/time-zones"),
            None,
        ),
    )
    .await;
    let active: Vec<&Value> = zones.body["timeZoneSettings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["timeZoneActiveToCall"] == true)
        .collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["name"], "Hawaiian Standard Time");

    let list = call(
        &router,
        Request::get("/_emulator/skills")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(list.body["skillIds"], json!([777, SKILL, 4712, 4713]));

    let mut no_accept = api("GET", &t, "/skills", None);
    no_accept.headers_mut().remove(header::ACCEPT);
    call(&router, no_accept).await;
    let log = call(
        &router,
        Request::get("/_emulator/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let entries = log.body["requests"].as_array().unwrap();
    let text = log.body.to_string();
    assert!(!text.contains(&t) && !text.contains("demo-secret") && !text.contains("s3cr3t"));
    let summary: Vec<(String, String, u64, bool)> = entries
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_owned(),
                e["path"].as_str().unwrap().to_owned(),
                e["status"].as_u64().unwrap(),
                e["accept_json"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("POST".into(), "/auth/token".into(), 200, false),
            (
                "GET".into(),
                format!("{V}/skills/777/parameters/schedule-settings"),
                200,
                true
            ),
            (
                "GET".into(),
                format!("{V}/skills/{SKILL}/parameters/time-zones"),
                200,
                true
            ),
            ("GET".into(), format!("{V}/skills"), 406, false),
        ]
    );
    assert_eq!(
        entries[0]["content_type"],
        "application/x-www-form-urlencoded"
    );
    let cleared = call(
        &router,
        Request::delete("/_emulator/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(cleared.status, 204);
    let empty = call(
        &router,
        Request::get("/_emulator/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(empty.body["requests"], json!([]));
}

#[tokio::test]
async fn skills_come_from_documents_skill_ids_and_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.json"),
        r#"{"campaignId": "c-a", "skillIds": [11, 12]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        "campaignId = \"c-b\"\nskillIds = [13]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "campaignId: c-c\nskillIds: [14, 11]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("d.jsonl"),
        "{\"skillIds\": [15]}\n\n{\"skillIds\": [16]}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("e.json"), r#"{"campaignId": "no-skills"}"#).unwrap();
    let state_file = dir.path().join("state.out");
    let config = |path: std::path::PathBuf| {
        let mut c = CxoneConfig::loopback();
        c.skills = SkillSource::Path(path);
        c.state_file = Some(state_file.clone());
        c
    };
    let s = CxoneState::new(config(dir.path().to_owned())).unwrap();
    assert_eq!(s.skill_ids(), vec![11, 12, 13, 14, 15, 16]);
    assert_eq!(s.skill(13).unwrap().campaign_name, "c-b");
    assert!(s.notes().iter().any(|n| n.contains("e.json")));

    let router = cxone::app(s);
    let t = token(&router).await;
    let put = call(
        &router,
        api(
            "PUT",
            &t,
            "/skills/12/parameters/schedule-settings",
            Some(json!({"scheduleSettings": week("10:00", "12:00")})),
        ),
    )
    .await;
    assert_eq!(put.status, 200);
    drop(router);
    let again = CxoneState::new(config(dir.path().join("a.json"))).unwrap();
    let kept = again.skill(12).unwrap();
    assert!(kept.schedule.is_scheduled);
    assert_eq!(kept.schedule.days[1].start, 600);
    assert_eq!(again.skill_ids(), vec![11, 12, 13, 14, 15, 16]);

    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "skillIds: [1, -2]\n").unwrap();
    let err = CxoneState::new(config(bad)).unwrap_err().to_string();
    assert!(
        err.contains("bad.yaml") && err.contains("skillIds"),
        "{err}"
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{").unwrap();
    let err = CxoneState::new(config(broken)).unwrap_err().to_string();
    assert!(
        err.contains("broken.json") && err.contains("not JSON"),
        "{err}"
    );
}

/// One HTTP/1.1 request over a fresh connection: the status and the body.
async fn http(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = url.strip_prefix("http://").unwrap();
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    socket.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text[9..12].parse().unwrap();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        // Small answers come in one chunk: drop its size line and the terminator.
        let mut out = String::new();
        let mut lines = rest.split("\r\n");
        while let Some(size) = lines.next() {
            if usize::from_str_radix(size.trim(), 16).unwrap_or(0) == 0 {
                break;
            }
            out.push_str(lines.next().unwrap_or(""));
        }
        out
    } else {
        rest.to_owned()
    };
    (status, body)
}

#[tokio::test]
async fn over_two_real_listeners_discovery_leads_to_the_api() {
    let emu = cxone::spawn({
        let mut c = CxoneConfig::loopback_two_listeners();
        c.skills = SkillSource::Ids(vec![SKILL]);
        c
    })
    .await
    .unwrap();
    assert_ne!(emu.addr(), emu.api_addr());
    let issuer = emu.issuer_url();

    let (s, d) = http(&issuer, "GET", "/.well-known/openid-configuration", &[], "").await;
    assert_eq!(s, 200);
    let d: Value = serde_json::from_str(&d).unwrap();
    let token_endpoint = d["token_endpoint"].as_str().unwrap().to_owned();
    assert_eq!(token_endpoint, format!("{issuer}/auth/token"));

    let basic = base64::engine::general_purpose::STANDARD.encode("demo-client:demo-secret");
    let auth = format!("Basic {basic}");
    let form_headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let token_path = token_endpoint.strip_prefix(&issuer).unwrap();
    let (s, unencoded) = http(
        &issuer,
        "POST",
        token_path,
        &form_headers,
        &format!(
            "grant_type=password&username={DEMO_ACCESS_KEY_ID}&password={DEMO_ACCESS_KEY_SECRET}"
        ),
    )
    .await;
    assert_eq!(s, 400, "{unencoded}");
    let (s, tok) = http(
        &issuer,
        "POST",
        token_path,
        &form_headers,
        &password_form(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
    )
    .await;
    assert_eq!(s, 200, "{tok}");
    let tok: Value = serde_json::from_str(&tok).unwrap();
    let access = tok["access_token"].as_str().unwrap().to_owned();
    let tenant = claims(&access)["tenantId"].as_str().unwrap().to_owned();
    assert_eq!(claims(&access)["iss"], issuer);

    let (s, conf) = http(
        &issuer,
        "GET",
        &format!("/.well-known/cxone-configuration?tenantId={tenant}"),
        &[],
        "",
    )
    .await;
    assert_eq!(s, 200);
    let conf: Value = serde_json::from_str(&conf).unwrap();
    let api_endpoint = conf["api_endpoint"].as_str().unwrap().to_owned();
    assert_eq!(api_endpoint, emu.api_url());
    assert_ne!(api_endpoint, issuer);

    let bearer = format!("Bearer {access}");
    let api_headers = [
        ("Authorization", bearer.as_str()),
        ("Accept", "application/json"),
    ];
    let (s, skills) = http(
        &api_endpoint,
        "GET",
        &format!("{V}/skills"),
        &api_headers,
        "",
    )
    .await;
    assert_eq!(s, 200, "{skills}");
    let skills: Value = serde_json::from_str(&skills).unwrap();
    assert_eq!(skills["skills"][0]["skillId"], SKILL);
    assert!(
        skills["_links"]["self"]
            .as_str()
            .unwrap()
            .starts_with(&api_endpoint)
    );
    // The issuer's listener does not serve the API.
    let (s, _) = http(&issuer, "GET", &format!("{V}/skills"), &api_headers, "").await;
    assert_eq!(s, 404);

    let put_headers = [
        ("Authorization", bearer.as_str()),
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
    ];
    let body = json!({"scheduleSettings": week("09:00", "18:00")}).to_string();
    let path = format!("{V}/skills/{SKILL}/parameters/schedule-settings");
    let (s, _) = http(&api_endpoint, "PUT", &path, &put_headers, &body).await;
    assert_eq!(s, 200);
    let (s, flat) = http(&api_endpoint, "GET", &path, &api_headers, "").await;
    assert_eq!(s, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&flat).unwrap()["tuesdayEndTime"],
        "18:00"
    );

    // One log over both listeners; every API request carried Accept: application/json.
    let (_, log) = http(&api_endpoint, "GET", "/_emulator/requests", &[], "").await;
    let log: Value = serde_json::from_str(&log).unwrap();
    let api_entries: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"].as_str().unwrap().starts_with("/inContactAPI/"))
        .collect();
    assert_eq!(api_entries.len(), 4);
    assert!(api_entries.iter().all(|e| e["accept_json"] == true));
    assert_eq!(emu.state().requests().len(), 8);
    emu.shutdown().await;
}
