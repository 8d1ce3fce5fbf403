//! `cxsched webhooks flush|status` through the real binary, delivering to a receiver written
//! with Python's `standardwebhooks` package (tests/oracle/webhook_oracle.py), which verifies
//! every signature; and cxsched's signatures (with the specification's published example)
//! recomputed and verified by that package.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;
use cxsched_webhooks::{Event, Outbox, WebhookSecret, sign};
use serde_json::Value;

use crate::util::{WEBHOOK_SECRET as SECRET, asserting, campaign_id, json, listening, oracle};

fn event(i: usize) -> Event {
    Event {
        campaign_id: campaign_id(i),
        timezone: "America/New_York".into(),
        windows: serde_json::json!([
            {"dayOfWeek": "MONDAY", "startTime": "09:00:00", "endTime": "17:00:00"},
            {"dayOfWeek": "TUESDAY", "startTime": "09:00:00", "endTime": "12:30:00"}
        ]),
        directive: "FLEXIBLE".into(),
        timestamp: "2026-11-02T14:00:00Z".parse().unwrap(),
        etag_after: format!("\"{i}-ü\""),
        skill_id: None,
    }
}

#[test]
fn python_standardwebhooks_computes_and_verifies_the_same_signatures() {
    let secret = WebhookSecret::parse(SECRET).unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mut cases = vec![(
        "msg_p5jXN8AQM9LWM0D4loKWxJek".to_string(),
        1614265330,
        r#"{"test": 2432232314}"#.to_string(),
        false,
    )];
    for i in 0..10 {
        let e = event(i);
        cases.push((e.id(), now, e.body(), true));
    }
    let input: String = cases
        .iter()
        .map(|(id, ts, body, verify)| {
            let signature = sign(&secret, id, *ts, body.as_bytes());
            serde_json::json!({"id": id, "timestamp": ts, "body": body, "signature": signature, "verify": verify})
                .to_string()
                + "\n"
        })
        .collect();
    let mut child = oracle("webhook_oracle.py")
        .arg("check")
        .env("WEBHOOK_SECRET", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run CXSCHED_PYTHON");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let results: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(results.len(), cases.len());
    // The specification's published example.
    assert_eq!(
        results[0]["signature"],
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    assert_eq!(
        sign(&secret, &cases[0].0, cases[0].1, cases[0].2.as_bytes()),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    for ((id, ts, body, _), r) in cases.iter().zip(&results).skip(1) {
        assert_eq!(r["signature"], sign(&secret, id, *ts, body.as_bytes()));
        assert_eq!(r["verified"], true);
    }
}

/// The Python receiver: its URL, and a channel of the `webhook-id`s it verified.
struct Receiver {
    child: Child,
    url: String,
    lines: mpsc::Receiver<Value>,
}

impl Receiver {
    fn start(port: u16) -> Receiver {
        let (child, urls, stdout) = listening(
            oracle("webhook_oracle.py")
                .args(["serve", "--port", &port.to_string()])
                .env("WEBHOOK_SECRET", SECRET),
            &["listening on "],
        );
        let url = format!("{}/hook", urls[0]);
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(serde_json::from_str(&line).unwrap());
            }
        });
        Receiver { child, url, lines }
    }

    fn received(&self) -> Vec<Value> {
        std::thread::sleep(Duration::from_millis(200));
        self.lines.try_iter().collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cxsched(outbox: &Path, url: &str) -> Command {
    let mut c = asserting();
    c.env("CXSCHED_OUTBOX", outbox)
        .env("WEBHOOK_URL", url)
        .env("WEBHOOK_SECRET", SECRET)
        .current_dir(outbox.parent().unwrap());
    c
}

#[test]
fn flush_delivers_after_the_receiver_comes_back_every_event_once_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let outbox_dir = dir.path().join("outbox");
    let outbox = Outbox::open(&outbox_dir).unwrap();
    let ids: BTreeSet<String> = (0..5).map(|i| outbox.enqueue(&event(i)).unwrap()).collect();

    // The receiver is down: nothing is delivered, everything stays pending, exit 1.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let out = cxsched(&outbox_dir, &url)
        .args(["--output", "json", "webhooks", "flush", "--wait", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert_eq!(
        (r["delivered"].as_u64(), r["pending"].as_u64()),
        (Some(0), Some(5)),
        "{r}"
    );

    let status = cxsched(&outbox_dir, &url)
        .args(["--output", "json", "webhooks", "status"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    let s = json(&status);
    assert_eq!(s["pending"], 5);
    assert!(s["events"][0]["attempts"].as_u64().unwrap() >= 1);
    assert_eq!(
        s["events"][0]["lastError"],
        "could not connect to the receiver"
    );

    // The receiver is up: everything is delivered and verified by the Python package.
    let rx = Receiver::start(port);
    let out = cxsched(&outbox_dir, &rx.url)
        .args(["--output", "json", "webhooks", "flush", "--wait", "20"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    assert_eq!(
        (r["delivered"].as_u64(), r["pending"].as_u64()),
        (Some(5), Some(0)),
        "{r}"
    );

    // Enqueuing the same activations again adds nothing; a second flush sends nothing.
    for i in 0..5 {
        outbox.enqueue(&event(i)).unwrap();
    }
    cxsched(&outbox_dir, &rx.url)
        .args(["webhooks", "flush"])
        .assert()
        .code(0);

    let seen = rx.received();
    assert!(seen.iter().all(|v| v["verified"] == true), "{seen:?}");
    let unique: BTreeSet<String> = seen
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        unique, ids,
        "every event exactly once after de-duplication by id"
    );

    let human = cxsched(&outbox_dir, &rx.url)
        .args(["webhooks", "status"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("0 pending, 5 delivered, 0 failed"), "{text}");
    for output in [&out, &status, &human] {
        assert!(
            !crate::util::text(output).contains("MfKQ9r8G"),
            "the secret never reaches output"
        );
    }
}

#[test]
fn flush_without_configuration_is_a_usage_error_naming_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let outbox_dir = dir.path().join("outbox");
    Outbox::open(&outbox_dir)
        .unwrap()
        .enqueue(&event(1))
        .unwrap();
    let out = asserting()
        .args(["webhooks", "flush"])
        .env("CXSCHED_OUTBOX", &outbox_dir)
        .env_remove("WEBHOOK_URL")
        .env_remove("WEBHOOK_SECRET")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("WEBHOOK_URL"));

    let out = asserting()
        .args(["webhooks", "flush", "--url", "http://hooks.example.com/x"])
        .env("CXSCHED_OUTBOX", &outbox_dir)
        .env("WEBHOOK_SECRET", SECRET)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("https://") && !err.contains("MfKQ9r8G"),
        "{err}"
    );
}
