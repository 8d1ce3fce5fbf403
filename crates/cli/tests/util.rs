//! The one harness of the binary's integration tests: the real `cxsched` binary with a clean
//! configuration, the documents and readers of its output the tests share, real emulator
//! processes on loopback ports with a minimal HTTP/1.1 client for their out-of-band
//! endpoints (so tests need no HTTP library of their own), and the Python oracles.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// The campaign id of most documents.
pub const CAMPAIGN: &str = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab";

/// A webhook signing secret (the Standard Webhooks specification's example).
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Deterministic campaign ids: `n` → `00000000-0000-4000-8000-{n:012}`.
pub fn campaign_id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cxsched")
}

/// A `cxsched` command with a clean environment for configuration (no `CXONE_*`,
/// `WEBHOOK_*` or `CXSCHED_*` of the host leaking in).
pub fn command() -> Command {
    let mut c = Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("CXONE_") || k.starts_with("WEBHOOK_") || k.starts_with("CXSCHED_") {
            c.env_remove(k);
        }
    }
    c
}

/// [`command`] as an `assert_cmd` command (for `.assert()` and `.write_stdin(…)`).
pub fn asserting() -> assert_cmd::Command {
    assert_cmd::Command::from_std(command())
}

/// [`command`] running in `dir` (so no host `.env` either).
pub fn cxsched(dir: &Path) -> Command {
    let mut c = command();
    c.current_dir(dir);
    c
}

/// Runs `cxsched ARGS…` ([`command`]) to its end.
pub fn run(args: &[&str]) -> Output {
    command().args(args).output().unwrap()
}

/// Runs `cxsched ARGS…` in `dir` ([`cxsched`]) to its end.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    cxsched(dir).args(args).output().unwrap()
}

/// Runs `cxsched ARGS…` in `dir` with `env` (an emulator's, say) to its end.
pub fn run_env(dir: &Path, env: &[(&'static str, String)], args: &[&str]) -> Output {
    cxsched(dir)
        .envs(env.iter().cloned())
        .args(args)
        .output()
        .unwrap()
}

/// `apply` of the `schedules` folder, confirmed, its outcomes as JSON Lines.
pub const APPLY_JSON: [&str; 5] = ["apply", "schedules", "--yes", "--output", "json"];

/// [`cxsched`] in `dir` as a client of an emulator (its `env`), writing its audit log to
/// `dir/audit.jsonl`.
pub fn client(dir: &Path, env: &[(&'static str, String)]) -> Command {
    let mut c = cxsched(dir);
    c.envs(env.iter().cloned())
        .env("CXSCHED_AUDIT_LOG", dir.join("audit.jsonl"));
    c
}

/// A path in the repository (the workspace root).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output then standard error: all a run said, for assertion messages.
pub fn text(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// Asserts that a run exited 0 (showing its standard error otherwise); its standard output.
pub fn success(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// Standard output as one JSON document.
pub fn json(o: &Output) -> Value {
    let out = stdout(o);
    serde_json::from_str(out.trim())
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {out}\nstderr: {}", stderr(o)))
}

/// Parses JSON Lines output.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The `path` of every error of a report, in order.
pub fn error_paths(report: &Value) -> Vec<&str> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect()
}

/// A schedule document for campaign `id` (JSON text), with `windows` as JSON objects.
pub fn document(id: &str, zone: &str, windows: &str) -> String {
    format!(
        r#"{{"campaignId":"{id}","timezone":"{zone}","businessHoursDirective":"STRICT",
"maxConcurrentCalls":10,"timeWindows":[{windows}]}}"#
    )
}

/// A schedule document for [`CAMPAIGN`] in `zone` with `windows` as `(day, start, end)`.
pub fn schedule(zone: &str, windows: &[(&str, &str, &str)]) -> Value {
    json!({
        "campaignId": CAMPAIGN,
        "timezone": zone,
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 10,
        "timeWindows": windows
            .iter()
            .map(|(d, s, e)| json!({"dayOfWeek": d, "startTime": s, "endTime": e}))
            .collect::<Vec<_>>(),
    })
}

/// Writes `document` to `dir/schedule.json` and runs `cxsched --output json check FILE
/// ARGS…` in `dir`.
pub fn check_output(dir: &Path, document: &Value, args: &[&str]) -> Output {
    let file = dir.join("schedule.json");
    std::fs::write(&file, document.to_string()).unwrap();
    cxsched(dir)
        .args(["--output", "json", "check"])
        .arg(&file)
        .args(args)
        .output()
        .unwrap()
}

/// [`check_output`]'s exit status and report.
pub fn check_json(dir: &Path, document: &Value, args: &[&str]) -> (i32, Value) {
    let out = check_output(dir, document, args);
    (out.status.code().unwrap(), json(&out))
}

/// The tz database version the binary bundles, as `--version` names it.
pub fn tzdb_version() -> String {
    let text = success(&command().arg("--version").output().unwrap());
    let at = text
        .find("tzdb ")
        .expect("--version names the tz database version")
        + 5;
    text[at..].trim_end().trim_end_matches(')').to_owned()
}

/// The Python of the oracle tests (`CXSCHED_PYTHON`).
pub fn python() -> String {
    std::env::var("CXSCHED_PYTHON").unwrap_or_else(|_| {
        panic!(
            "CXSCHED_PYTHON is not set: point it at a Python with tests/oracle/requirements.txt \
             installed (for example .venv/bin/python after `.ci/run`)"
        )
    })
}

/// `CXSCHED_PYTHON tests/oracle/SCRIPT`, its zoneinfo from the `tzdata` package only (no
/// system zone files).
pub fn oracle(script: &str) -> Command {
    let mut c = Command::new(python());
    c.arg(repo("tests/oracle").join(script))
        .env("PYTHONTZPATH", "");
    c
}

/// Sends `request` to an oracle script on its standard input and returns its report,
/// failing with what it printed unless it agrees (exits 0).
pub fn oracle_report(script: &str, request: &Value, what: &str) -> Value {
    let mut child = oracle(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run CXSCHED_PYTHON={}: {e}", python()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what} disagrees (exit {:?}):\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap()
}

/// Spawns a server (its standard output piped) and reads one line a prefix, returning what
/// follows each prefix and the rest of its output.
pub fn listening(
    cmd: &mut Command,
    prefixes: &[&str],
) -> (Child, Vec<String>, BufReader<ChildStdout>) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {:?}: {e}", cmd.get_program()));
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let found = prefixes
        .iter()
        .map(|prefix| {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            line.trim()
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("expected {prefix:?}…, got {line:?}"))
                .to_owned()
        })
        .collect();
    (child, found, out)
}

/// A `cxsched emulator` process on `127.0.0.1:0`, killed on drop.
pub struct Emulator {
    pub child: Child,
    pub url: String,
}

impl Emulator {
    /// Starts the emulator with extra options and waits for its `listening on` line.
    pub fn start(args: &[&str]) -> Emulator {
        let (child, urls, _) = listening(
            Command::new(bin())
                .args(["emulator", "--listen", "127.0.0.1:0"])
                .args(args)
                .stderr(Stdio::null()),
            &["listening on "],
        );
        let [url] = <[String; 1]>::try_from(urls).unwrap();
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

    /// The emulator's request log, an object a request answered.
    pub fn requests(&self) -> Vec<Value> {
        request_log(&self.url)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /_emulator/requests` of the emulator at `base`: the logged requests.
fn request_log(base: &str) -> Vec<Value> {
    let (status, body) = http(base, "GET", "/_emulator/requests", None);
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v.as_array()
        .or_else(|| v["requests"].as_array())
        .cloned()
        .unwrap_or_else(|| panic!("no request log in {v}"))
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

/// A `cxsched emulator --platform cxone` process with the issuer and the API on two
/// loopback ports (so that the client must follow `api_endpoint`), killed on drop.
pub struct Cxone {
    child: Child,
    /// The issuer's base URL (the API listens on another port, which only discovery names).
    pub url: String,
}

/// The emulator's default access key (it ends in `=` and holds `+` and `/`).
pub const ACCESS_KEY_ID: &str = "DEMOKEY4Kx/9+Zq2=";
pub const ACCESS_KEY_SECRET: &str = "s3cr3t+/Kd8PzQ==";

impl Cxone {
    /// Starts it with extra options and waits for its `listening on` and `api on` lines.
    pub fn start(args: &[&str]) -> Cxone {
        let (child, urls, mut out) = listening(
            Command::new(bin())
                .args(["emulator", "--platform", "cxone", "--listen", "127.0.0.1:0"])
                .args(["--api-listen", "127.0.0.1:0"])
                .args(args)
                .stderr(Stdio::null()),
            &["listening on ", "api on "],
        );
        let url = urls[0].clone();
        // Keep reading stdout so the emulator never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = out.read_to_string(&mut sink);
        });
        Cxone { child, url }
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

    /// The emulator's request log, an object a request answered.
    pub fn requests(&self) -> Vec<Value> {
        request_log(&self.url)
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
