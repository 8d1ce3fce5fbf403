//! Shared harness of the end-to-end tests: the real `cxsched` binary, a real emulator
//! process on a loopback port, and a minimal HTTP/1.1 client for the emulator's
//! out-of-band endpoints (so tests need no HTTP library of their own).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cxsched")
}

/// A `cxsched` command with a clean environment for configuration (no host `.env` or
/// `CXONE_*` leaking in), running in `dir`.
pub fn cxsched(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("CXONE_") || k.starts_with("WEBHOOK_") || k.starts_with("CXSCHED_") {
            c.env_remove(k);
        }
    }
    c
}

/// A `cxsched emulator` process on `127.0.0.1:0`, killed on drop.
pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Emulator {
    /// Starts the emulator with extra options and waits for its `listening on` line.
    pub fn start(args: &[&str]) -> Emulator {
        let mut child = Command::new(bin())
            .args(["emulator", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        Emulator { child, url }
    }

    /// The environment a client command needs to reach this emulator.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CXONE_BASE_URL", self.url.clone()),
            ("CXONE_CLIENT_ID", "demo-client".into()),
            ("CXONE_CLIENT_SECRET", "demo-secret".into()),
        ]
    }

    /// An HTTP request to the emulator; returns status and body.
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        http(&self.url, method, path, body)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A one-shot HTTP/1.1 request (`Connection: close`).
pub fn http(base: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(host).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let payload = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (status, payload)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A schedule document for campaign `id` (JSON), with `windows` as JSON objects.
pub fn document(id: &str, zone: &str, windows: &str) -> String {
    format!(
        r#"{{"campaignId":"{id}","timezone":"{zone}","businessHoursDirective":"STRICT",
"maxConcurrentCalls":10,"timeWindows":[{windows}]}}"#
    )
}

/// Parses JSON Lines output.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A `cxsched emulator --platform cxone` process with the issuer and the API on two
/// loopback ports (so that the client must follow `api_endpoint`), killed on drop.
pub struct Cxone {
    child: Child,
    /// The issuer's base URL.
    pub url: String,
    /// The API listener's base URL.
    pub api: String,
}

/// The emulator's default access key (it ends in `=` and holds `+` and `/`).
pub const ACCESS_KEY_ID: &str = "DEMOKEY4Kx/9+Zq2=";
pub const ACCESS_KEY_SECRET: &str = "s3cr3t+/Kd8PzQ==";

impl Cxone {
    /// Starts it with extra options and waits for its `listening on` and `api on` lines.
    pub fn start(args: &[&str]) -> Cxone {
        let mut child = Command::new(bin())
            .args(["emulator", "--platform", "cxone", "--listen", "127.0.0.1:0"])
            .args(["--api-listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let mut second = String::new();
        out.read_line(&mut second).unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_owned();
        let api = second
            .trim()
            .strip_prefix("api on ")
            .unwrap_or_else(|| panic!("unexpected second line: {second:?}"))
            .to_owned();
        // Keep reading stdout so the emulator never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = out.read_to_string(&mut sink);
        });
        Cxone { child, url, api }
    }

    /// The environment a client command needs to reach this tenant.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CXSCHED_PLATFORM", "cxone".into()),
            ("CXONE_ISSUER", self.url.clone()),
            ("CXONE_CLIENT_ID", "demo-client".into()),
            ("CXONE_CLIENT_SECRET", "demo-secret".into()),
            ("CXONE_ACCESS_KEY_ID", ACCESS_KEY_ID.into()),
            ("CXONE_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET.into()),
        ]
    }

    /// An HTTP request to the emulator's issuer listener (where `/_emulator/` answers).
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        http(&self.url, method, path, body)
    }

    /// Kills the process at once.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Cxone {
    fn drop(&mut self) {
        self.kill();
    }
}
