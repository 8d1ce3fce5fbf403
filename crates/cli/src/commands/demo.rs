//! `cxsched demo`: the whole workflow end to end with nothing configured. It starts the
//! bundled emulator and a webhook receiver in-process, writes three example schedules (a
//! clean one, one with a compliance problem, one that another administrator will change
//! out of band), then walks through validate → check → plan → apply → webhooks → a conflict
//! that is not overwritten → audit verify, running the real commands.
//!
//! `cxsched demo --platform cxone` does the same against the embedded emulator of NICE
//! CXone's real API (issuer and API on two ports): documents naming Personal Connection
//! skills, the platform's limits, curfews compiled from the law into each skill, writes
//! read back, and a change made in CXone itself that is not overwritten.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use cxsched_emulator::{CampaignSource, EmulatorConfig};
use cxsched_webhooks::WebhookSecret;

use super::{Globals, Outcome};
use crate::config::{PlatformFlag, PlatformName};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder for the example schedules, audit log and outbox (default: a new temporary one).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub platform: PlatformFlag,
}

const CLEAN: &str = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";
const PROBLEM: &str = "9b2d6c1e-5a4f-4e3b-8c7d-6e5f4a3b2c1d";
const SHARED: &str = "c4e8a2b6-1d3f-4a5b-9c7e-2f4d6b8a0c1e";
const DEMO_WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the webhook receiver saw: (webhook-id, verified, body).
type Received = Arc<Mutex<Vec<(String, bool, String)>>>;

pub fn run(args: Args, _globals: &Globals) -> anyhow::Result<Outcome> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("cxsched-demo-{}", std::process::id())),
    };
    if args.platform.resolve()? == PlatformName::Cxone {
        return run_cxone(&dir);
    }
    std::fs::create_dir_all(dir.join("schedules"))
        .with_context(|| format!("creating {}", dir.display()))?;
    let received: Received = Arc::default();

    // The emulator and the receiver run on their own runtime, in the background.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let emulator = runtime.block_on(cxsched_emulator::spawn(EmulatorConfig {
        campaigns: CampaignSource::Documents(
            [CLEAN, PROBLEM, SHARED]
                .iter()
                .map(|id| serde_json::json!({ "campaignId": id }))
                .collect(),
        ),
        ..EmulatorConfig::loopback()
    }))?;
    let base_url = emulator.base_url();
    let hook_url = runtime.block_on(start_receiver(Arc::clone(&received)))?;

    // Everything the commands need, as the environment would give it.
    let audit = dir.join("audit.jsonl");
    let outbox = dir.join("outbox");
    let env = [
        ("CXONE_BASE_URL", base_url.as_str()),
        ("CXONE_CLIENT_ID", "demo-client"),
        ("CXONE_CLIENT_SECRET", "demo-secret"),
        ("WEBHOOK_URL", hook_url.as_str()),
        ("WEBHOOK_SECRET", DEMO_WEBHOOK_SECRET),
        ("CXSCHED_AUDIT_LOG", path_str(&audit)),
        ("CXSCHED_OUTBOX", path_str(&outbox)),
    ];
    configure(&env);

    let schedules = dir.join("schedules");
    write_examples(&schedules)?;
    let s = path_str(&schedules);
    let clean = schedules.join("clean.json");
    let problem = schedules.join("sunday-calls.toml");
    let shared = schedules.join("shared.yaml");

    println!("cxsched demo — emulator at {base_url}, webhook receiver at {hook_url}");
    println!("files in {}\n", dir.display());

    step(
        1,
        "validate",
        &[
            "Three schedules as code: a clean one (JSON), one that calls on Sundays into states that ban",
            "it (TOML), and one another administrator also edits (YAML). Structure and field rules first.",
        ],
    );
    show(&["validate", s])?;

    step(
        2,
        "check",
        &[
            "Legality per date over the next year, in the called person's local time, per state rule.",
            "The Sunday campaign reaches Utah, Louisiana, Alabama and Mississippi: an error.",
        ],
    );
    show(&[
        "check",
        path_str(&clean),
        path_str(&problem),
        path_str(&shared),
    ])?;

    step(
        3,
        "plan",
        &["Desired against live, by meaning. All three campaigns are empty on the emulator."],
    );
    show(&["plan", s])?;

    step(
        4,
        "apply",
        &[
            "Writes run concurrently with ETag/If-Match; the non-compliant campaign is refused",
            "(an override would need a stated reason, kept in the audit log).",
        ],
    );
    show(&["apply", s, "--yes"])?;

    step(
        5,
        "webhooks",
        &["Each write queued a signed SCHEDULE_ACTIVATED event in the durable outbox."],
    );
    show_received(&received);

    step(
        6,
        "a change made elsewhere is not overwritten",
        &[
            "Another administrator edits the shared campaign in the CXone UI; we edit our file too.",
            "The plan shows the conflict with both versions, and apply refuses to overwrite it.",
        ],
    );
    runtime.block_on(out_of_band_edit(&base_url, SHARED))?;
    let text = std::fs::read_to_string(&shared)?;
    std::fs::write(
        &shared,
        text.replace("endTime: \"16:00:00\"", "endTime: \"17:00:00\""),
    )?;
    show(&["plan", path_str(&shared)])?;
    show(&["apply", path_str(&shared), "--yes"])?;

    step(
        7,
        "audit verify",
        &["Every attempt went to the hash-chained audit log; verify the chain."],
    );
    let verified = show(&["audit", "verify", path_str(&audit)])?;

    runtime.block_on(emulator.shutdown());
    let outcome = conclude(verified, &received);
    println!(
        "the same workflow against NICE CXone's real API (Personal Connection skills, curfews \
         compiled from the law): cxsched demo --platform cxone"
    );
    Ok(outcome)
}

const NY_SKILLS: &str = "5c2e7a10-4b3d-4e8f-9a1b-2c3d4e5f6a7b";
const SHIFTS: &str = "8d4f2b6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d";
const UTAH: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

/// The CXone demo: the same steps against the embedded CXone emulator.
fn run_cxone(dir: &Path) -> anyhow::Result<Outcome> {
    use cxsched_emulator::cxone::{CxoneConfig, SkillSource};
    std::fs::create_dir_all(dir.join("schedules"))
        .with_context(|| format!("creating {}", dir.display()))?;
    let received: Received = Arc::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let emulator = runtime.block_on(cxsched_emulator::cxone::spawn(CxoneConfig {
        skills: SkillSource::Ids(vec![101, 102, 201, 301]),
        ..CxoneConfig::loopback_two_listeners()
    }))?;
    let issuer = emulator.issuer_url();
    let hook_url = runtime.block_on(start_receiver(Arc::clone(&received)))?;
    let audit = dir.join("audit.jsonl");
    let outbox = dir.join("outbox");
    let env = [
        ("CXSCHED_PLATFORM", "cxone"),
        ("CXONE_ISSUER", issuer.as_str()),
        ("CXONE_CLIENT_ID", "demo-client"),
        ("CXONE_CLIENT_SECRET", "demo-secret"),
        (
            "CXONE_ACCESS_KEY_ID",
            cxsched_emulator::cxone::DEMO_ACCESS_KEY_ID,
        ),
        (
            "CXONE_ACCESS_KEY_SECRET",
            cxsched_emulator::cxone::DEMO_ACCESS_KEY_SECRET,
        ),
        ("WEBHOOK_URL", hook_url.as_str()),
        ("WEBHOOK_SECRET", DEMO_WEBHOOK_SECRET),
        ("CXSCHED_AUDIT_LOG", path_str(&audit)),
        ("CXSCHED_OUTBOX", path_str(&outbox)),
    ];
    configure(&env);
    let schedules = dir.join("schedules");
    write_cxone_examples(&schedules)?;
    let s = path_str(&schedules);
    let shifts = schedules.join("two-shifts.yaml");
    println!(
        "cxsched demo --platform cxone — CXone issuer at {issuer}, API at {}, webhook receiver at {hook_url}",
        emulator.api_url()
    );
    println!("files in {}\n", dir.display());

    step(
        1,
        "validate --platform cxone",
        &[
            "Three campaigns, each naming the Personal Connection skills that dial it (skillIds).",
            "A skill holds one window per weekday in whole minutes: the two-shift Monday is refused",
            "with its path and a way out — before anything is read or written.",
        ],
    );
    show(&["validate", "--platform", "cxone", s])?;
    println!("\n   We take the way out: the two Monday shifts become one window 09:00–17:00.");
    let text = std::fs::read_to_string(&shifts)?;
    std::fs::write(
        &shifts,
        text.replace(
            "  - dayOfWeek: \"MONDAY\"\n    startTime: \"13:00:00\"\n    endTime: \"17:00:00\"\n",
            "",
        )
        .replace("endTime: \"12:00:00\"", "endTime: \"17:00:00\""),
    )?;
    show(&["validate", "--platform", "cxone", path_str(&shifts)])?;

    step(
        2,
        "check --platform cxone",
        &[
            "The law compiled into the dialer: one curfew per recipient zone (the latest opening and",
            "earliest closing of every rule that may apply there), written to each skill. A New York",
            "08:00–20:30 window into Florida and Texas is illegal as scheduled (`check --platform",
            "seed` finds its hours outside the law in Central and Mountain time), legal as dialled.",
            "What a curfew cannot express — Utah's ban on Sunday calls — is still refused.",
        ],
    );
    show(&["check", s])?;

    step(
        3,
        "plan",
        &["Each skill's schedule and curfews against what CXone holds, by meaning."],
    );
    show(&["plan", s])?;

    step(
        4,
        "apply",
        &[
            "No ETags on CXone: each skill is read again right before the write and read back after.",
            "The Utah campaign is refused by the compliance gate.",
        ],
    );
    show(&["apply", s, "--yes"])?;
    show(&["get", "101"])?;

    step(
        5,
        "webhooks",
        &["Each skill written queued a signed SCHEDULE_ACTIVATED event in the outbox."],
    );
    show_received(&received);

    step(
        6,
        "a change made in CXone is not overwritten",
        &[
            "An administrator moves skill 201's Monday in the CXone UI; we edit our file too.",
            "The plan shows the conflict with both versions; apply refuses to overwrite it.",
        ],
    );
    runtime.block_on(cxone_out_of_band(&issuer, 201))?;
    let text = std::fs::read_to_string(&shifts)?;
    std::fs::write(&shifts, text.replace("\"17:00:00\"", "\"16:00:00\""))?;
    show(&["plan", path_str(&shifts)])?;
    show(&["apply", path_str(&shifts), "--yes"])?;

    step(
        7,
        "audit verify",
        &["Every attempt, skill by skill, went to the hash-chained audit log."],
    );
    let verified = show(&["audit", "verify", path_str(&audit)])?;
    runtime.block_on(emulator.shutdown());
    Ok(conclude(verified, &received))
}

fn write_cxone_examples(dir: &Path) -> anyhow::Result<()> {
    let weekdays = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .map(|d| {
            format!(
                r#"    {{ "dayOfWeek": "{d}", "startTime": "08:00:00", "endTime": "20:30:00" }}"#
            )
        })
        .join(",\n");
    let florida_texas = format!(
        r#"{{
  "campaignId": "{NY_SKILLS}",
  "timezone": "America/New_York",
  "businessHoursDirective": "STRICT",
  "maxConcurrentCalls": 25,
  "skillIds": [101, 102],
  "timeWindows": [
{weekdays}
  ],
  "compliance": {{ "purpose": "telemarketing", "recipients": {{ "states": ["FL", "TX"] }} }}
}}
"#
    );
    let shifts = format!(
        r#"campaignId: "{SHIFTS}"
timezone: "America/New_York"
businessHoursDirective: "STRICT"
maxConcurrentCalls: 10
skillIds: [201]
timeWindows:
  - dayOfWeek: "MONDAY"
    startTime: "09:00:00"
    endTime: "12:00:00"
  - dayOfWeek: "MONDAY"
    startTime: "13:00:00"
    endTime: "17:00:00"
  - dayOfWeek: "WEDNESDAY"
    startTime: "09:00:00"
    endTime: "17:00:00"
compliance:
  recipients:
    zones: ["America/New_York"]
"#
    );
    let utah = format!(
        r#"campaignId = "{UTAH}"
timezone = "America/New_York"
businessHoursDirective = "STRICT"
maxConcurrentCalls = 10
skillIds = [301]

[[timeWindows]]
dayOfWeek = "SATURDAY"
startTime = "12:00:00"
endTime = "16:00:00"

[[timeWindows]]
dayOfWeek = "SUNDAY"
startTime = "15:00:00"
endTime = "18:00:00"

[compliance]
recipients = {{ states = ["UT"] }}
"#
    );
    for (name, text) in [
        ("florida-texas.json", florida_texas),
        ("two-shifts.yaml", shifts),
        ("utah-sunday.toml", utah),
    ] {
        std::fs::write(dir.join(name), text).with_context(|| format!("writing {name}"))?;
    }
    Ok(())
}

/// Another administrator's write to a skill, through the CXone emulator's out-of-band
/// endpoint.
async fn cxone_out_of_band(issuer: &str, skill: u64) -> anyhow::Result<()> {
    let body = serde_json::json!({ "scheduleSettings": {
        "isScheduled": true,
        "mondayStartTime": "10:00", "mondayEndTime": "15:00", "mondayIsActive": true,
    }});
    put_out_of_band(
        format!("{issuer}/_emulator/skills/{skill}/schedule-settings"),
        &body,
    )
    .await
}

/// A PUT to an emulator's `/_emulator/` endpoint, as another administrator's write.
async fn put_out_of_band(url: String, body: &serde_json::Value) -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let status = reqwest::Client::new()
        .put(url)
        .json(body)
        .send()
        .await?
        .status();
    anyhow::ensure!(
        status.is_success(),
        "the emulator refused the out-of-band write: {status}"
    );
    Ok(())
}

/// Gives the commands the demo runs their configuration (injected, as the environment
/// would give it; the process environment itself is left alone).
fn configure(env: &[(&str, &str)]) {
    crate::config::inject(env);
}

/// What the webhook receiver got.
fn show_received(received: &Received) {
    for (id, verified, body) in received.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        println!(
            "received {id} signature {}: {body}",
            if *verified { "verified" } else { "INVALID" }
        );
    }
}

/// The last line: all as expected when the log verified and every webhook came signed.
fn conclude(verified: Outcome, received: &Received) -> Outcome {
    let all_received = received
        .lock()
        .map(|r| !r.is_empty() && r.iter().all(|(_, ok, _)| *ok))
        .unwrap_or(false);
    let ok = verified == Outcome::Ok && all_received;
    println!(
        "\ndemo finished: {}",
        if ok {
            "all as expected"
        } else {
            "something went wrong (see above)"
        }
    );
    Outcome::failed_if(!ok)
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or("(non-UTF-8 path)")
}

fn step(n: u32, title: &str, lines: &[&str]) {
    println!("\n── step {n}: {title} ──");
    for l in lines {
        println!("   {l}");
    }
}

/// Runs a command as the user would type it, and shows it.
fn show(words: &[&str]) -> anyhow::Result<Outcome> {
    println!("$ cxsched {}", words.join(" "));
    let outcome = crate::run_words(words)?;
    println!("(exit {})", outcome.code());
    Ok(outcome)
}

fn write_examples(dir: &Path) -> anyhow::Result<()> {
    let clean = format!(
        r#"{{
  "campaignId": "{CLEAN}",
  "timezone": "America/New_York",
  "businessHoursDirective": "STRICT",
  "maxConcurrentCalls": 25,
  "timeWindows": [
    {{ "dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": "12:30:00" }},
    {{ "dayOfWeek": "MONDAY", "startTime": "13:30:00", "endTime": "17:00:00" }},
    {{ "dayOfWeek": "WEDNESDAY", "startTime": "10:00:00", "endTime": "18:00:00" }}
  ],
  "compliance": {{ "purpose": "telemarketing", "recipients": {{ "states": ["NY", "NJ"] }} }}
}}
"#
    );
    let problem = format!(
        r#"campaignId = "{PROBLEM}"
timezone = "America/Chicago"
businessHoursDirective = "STRICT"
maxConcurrentCalls = 10

[[timeWindows]]
dayOfWeek = "SATURDAY"
startTime = "10:00:00"
endTime = "16:00:00"

[[timeWindows]]
dayOfWeek = "SUNDAY"
startTime = "13:00:00"
endTime = "17:00:00"

[compliance]
purpose = "telemarketing"
recipients = {{ states = ["UT", "LA", "AL", "MS"] }}
"#
    );
    let shared = format!(
        r#"campaignId: "{SHARED}"
timezone: "America/Los_Angeles"
businessHoursDirective: "FLEXIBLE"
maxConcurrentCalls: 40
timeWindows:
  - dayOfWeek: "TUESDAY"
    startTime: "09:00:00"
    endTime: "16:00:00"
  - dayOfWeek: "THURSDAY"
    startTime: "09:00:00"
    endTime: "16:00:00"
compliance:
  recipients:
    zones: ["America/Los_Angeles"]
"#
    );
    for (name, text) in [
        ("clean.json", clean),
        ("sunday-calls.toml", problem),
        ("shared.yaml", shared),
    ] {
        std::fs::write(dir.join(name), text).with_context(|| format!("writing {name}"))?;
    }
    Ok(())
}

/// The receiver: verifies each delivery's Standard Webhooks signature and keeps it.
async fn start_receiver(received: Received) -> anyhow::Result<String> {
    let secret = Arc::new(WebhookSecret::parse(DEMO_WEBHOOK_SECRET)?);
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let (received, secret) = (Arc::clone(&received), Arc::clone(&secret));
            async move {
                let h = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                };
                let (id, ts, sig) = (
                    h("webhook-id"),
                    h("webhook-timestamp"),
                    h("webhook-signature"),
                );
                let verified = ts
                    .parse::<i64>()
                    .is_ok_and(|t| cxsched_webhooks::verify(&secret, &id, t, &body, &sig));
                let mut seen = received.lock().unwrap_or_else(|p| p.into_inner());
                if !seen.iter().any(|(known, _, _)| *known == id) {
                    seen.push((id, verified, String::from_utf8_lossy(&body).into_owned()));
                }
                if verified {
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::UNAUTHORIZED
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/hooks"))
}

/// Another administrator's write, through the emulator's out-of-band endpoint.
async fn out_of_band_edit(base_url: &str, campaign: &str) -> anyhow::Result<()> {
    let body = serde_json::json!({
        "campaignId": campaign,
        "timezone": "America/Los_Angeles",
        "businessHoursDirective": "FLEXIBLE",
        "maxConcurrentCalls": 40,
        "timeWindows": [
            { "dayOfWeek": "TUESDAY", "startTime": "08:30:00", "endTime": "16:00:00" },
            { "dayOfWeek": "THURSDAY", "startTime": "09:00:00", "endTime": "16:00:00" }
        ]
    });
    put_out_of_band(
        format!("{base_url}/_emulator/campaigns/{campaign}/schedule"),
        &body,
    )
    .await
}
