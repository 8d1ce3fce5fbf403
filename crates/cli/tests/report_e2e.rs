//! End-to-end tests of `cxsched report FILE… -o OUT.html` (issue 11): the page's findings
//! equal `check --output json`'s, and the page loads in a real headless browser (Chromium
//! from the distribution's packages, which `.ci/run` installs) with no console error, its
//! findings rows in the DOM, and a screenshot per campaign (kept under Cargo's test temp
//! folder, `target/tmp/report_e2e/`, to look at).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::util::run_in as cxsched;

fn examples() -> PathBuf {
    crate::util::repo("examples")
}

const FROM: &str = "2026-12-01";

/// Campaign documents (name, text): the examples, a two-shift week into Florida and Texas
/// with a Sunday into Alabama (a prohibited day), a blackout and a holiday state, and an
/// invalid document.
fn campaigns(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for name in ["clean.json", "collections.yaml", "two-shifts.toml"] {
        let to = dir.join(name);
        std::fs::copy(examples().join(name), &to).unwrap();
        if name == "collections.yaml" {
            std::fs::copy(
                examples().join("collections-numbers.txt"),
                dir.join("collections-numbers.txt"),
            )
            .unwrap();
        }
        files.push(to);
    }
    let window = |d: &str, s: &str, e: &str| json!({"dayOfWeek": d, "startTime": s, "endTime": e});
    let fl_tx = json!({
        "campaignId": "0b8e7d6c-5a4b-4c3d-9e2f-1a0b9c8d7e6f",
        "timezone": "America/New_York",
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 20,
        "timeWindows": [
            window("MONDAY", "08:00:00", "12:00:00"),
            window("MONDAY", "13:00:00", "21:30:00"),
            window("WEDNESDAY", "08:00:00", "12:00:00"),
            window("WEDNESDAY", "13:00:00", "21:30:00"),
            window("SUNDAY", "11:00:00", "15:00:00"),
        ],
        "compliance": {
            "purpose": "telemarketing",
            "recipients": {"states": ["FL", "TX", "AL", "PA"]},
            "blackouts": [{"name": "Company holiday", "from": "2026-12-28", "to": "2026-12-30"}],
        },
    });
    let f = dir.join("fl-tx.json");
    std::fs::write(&f, fl_tx.to_string()).unwrap();
    files.push(f);
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"campaignId": "nope", "timezone": "Mars/Olympus", "timeWindows": []}"#,
    )
    .unwrap();
    files.push(bad);
    files
}

/// `check --output json FILE`'s findings (its first line).
fn check_findings(dir: &Path, file: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "--output",
        "json",
        "check",
        file.to_str().unwrap(),
        "--from",
        FROM,
    ];
    args.extend_from_slice(extra);
    let out = cxsched(dir, &args);
    let line = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    v["findings"].clone()
}

fn report(dir: &Path, files: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["report".to_owned()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_owned()));
    args.extend(["--from", FROM, "-o"].map(String::from));
    args.push(out.to_str().unwrap().to_owned());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cxsched(dir, &args)
}

/// The findings table of each campaign section of a page: (data-source, rows), a row the
/// text of its cells (tags stripped, entities left as they are).
fn tables(html: &str) -> Vec<(String, Vec<Vec<String>>)> {
    html.split("<section class=\"campaign\"")
        .skip(1)
        .map(|sec| {
            let src_at = sec.find("data-source=\"").unwrap() + "data-source=\"".len();
            let src = &sec[src_at..src_at + sec[src_at..].find('"').unwrap()];
            let rows = sec
                .split("<tr class=\"finding ")
                .skip(1)
                .map(|row| {
                    let row = &row[..row.find("\n").unwrap_or(row.len())];
                    row.split("<td>").skip(1).map(strip_tags).collect()
                })
                .collect();
            (src.to_owned(), rows)
        })
        .collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// A table row as the fields of `check --output json` it shows (message, citation and
/// confidence are compared by `assert_row_shows`).
fn row_fields(cells: &[String]) -> Value {
    let opt = |s: &str| {
        if s.is_empty() {
            Value::Null
        } else {
            Value::String(s.to_owned())
        }
    };
    let (rule, version) = match cells[2].split_once(" [") {
        Some((r, v)) => (opt(r), opt(v.trim_end_matches(']'))),
        None => (opt(&cells[2]), Value::Null),
    };
    let (start, end) = match cells[10].split_once('–') {
        Some((a, b)) => (opt(a), opt(b)),
        None => (opt(&cells[10]), Value::Null),
    };
    serde_json::json!({
        "severity": cells[0], "code": cells[1], "rule": rule, "ruleVersion": version,
        "window": cells[3].parse::<u64>().ok(), "dayOfWeek": opt(&cells[4]),
        "recipientZone": opt(&cells[5]), "state": opt(&cells[6]),
        "firstDate": cells[7], "lastDate": cells[8],
        "occurrences": cells[9].parse::<u64>().unwrap(),
        "localStart": start, "localEnd": end,
    })
}

/// `check`'s finding `f` less the texts the last cell shows, which are checked there.
fn shown_fields(f: &Value, last_cell: &str) -> Value {
    let mut f = f.as_object().unwrap().clone();
    for long in ["message", "citation", "confidence"] {
        if let Some(text) = f.remove(long).unwrap().as_str() {
            assert!(
                last_cell.contains(&escaped(text)),
                "{long} {text:?} in {last_cell:?}"
            );
        }
    }
    f.remove("presumption");
    Value::Object(f)
}

/// `text` as askama escapes it in HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The sections of a page, one a campaign, each with its count of findings rows.
fn rows_per_section(html: &str) -> Vec<usize> {
    html.split("<section class=\"campaign\"")
        .skip(1)
        .map(|s| s.matches("<tr class=\"finding ").count())
        .collect()
}

#[test]
fn findings_equal_check_output_json() {
    let dir = tempfile::tempdir().unwrap();
    let files = campaigns(dir.path());
    for extra in [
        &[][..],
        &["--recipient-state", "FL", "--recipient-state", "TX"][..],
        &["--platform", "cxone", "--horizon-days", "60"][..],
        &["--purpose", "debt_collection"][..],
    ] {
        let out = dir.path().join("report.html");
        let r = report(dir.path(), &files, &out, extra);
        assert_eq!(r.status.code(), Some(1), "{r:?}");
        let html = std::fs::read_to_string(&out).unwrap();
        let blocks = tables(&html);
        assert_eq!(blocks.len(), files.len(), "{extra:?}");
        let rows = rows_per_section(&html);
        let mut total = 0;
        for ((file, (source, table)), rows) in files.iter().zip(&blocks).zip(&rows) {
            assert_eq!(source, file.to_str().unwrap());
            let expected = check_findings(dir.path(), file, extra);
            let expected = expected.as_array().unwrap();
            // Every row shows its finding's fields (codes, rules, dates, counts, zones…),
            // in check's order.
            assert_eq!(table.len(), expected.len(), "{source} {extra:?}");
            for (cells, f) in table.iter().zip(expected) {
                assert_eq!(cells.len(), 12, "{cells:?}");
                assert_eq!(
                    row_fields(cells),
                    shown_fields(f, &cells[11]),
                    "{source} {extra:?}"
                );
            }
            assert_eq!(*rows, expected.len(), "{source}");
            total += rows;
        }
        assert!(
            html.contains(&format!("<span id=\"total-findings\">{total}</span>")),
            "{extra:?}"
        );
        if extra.is_empty() {
            // The Florida/Texas week has errors of several codes, each shown.
            let codes: Vec<&str> = blocks[3].1.iter().map(|r| r[1].as_str()).collect();
            for code in [
                "OUTSIDE_LEGAL_HOURS",
                "PROHIBITED_DAY",
                "HOLIDAY",
                "BLACKOUT",
            ] {
                assert!(codes.contains(&code), "{code} in {codes:?}");
                assert!(html.contains(&format!("data-code=\"{code}\"")), "{code}");
            }
        }
    }
}

#[test]
fn the_page_shows_zones_dates_and_versions() {
    let dir = tempfile::tempdir().unwrap();
    let files = campaigns(dir.path());
    let out = dir.path().join("r.html");
    let r = report(dir.path(), &files[3..4], &out, &[]);
    assert_eq!(r.status.code(), Some(1), "{r:?}");
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(stdout.starts_with("wrote "), "{stdout}");
    let html = std::fs::read_to_string(&out).unwrap();
    // Self-contained: no external resource of any kind.
    for bad in ["<link", "src=", "http://", "https://", "@import", "url("] {
        assert!(!html.contains(bad), "{bad}");
    }
    // A week grid per recipient zone (Texas reaches Central and Mountain time).
    for zone in ["America/New_York", "America/Chicago", "America/Denver"] {
        assert!(html.contains(&format!("<strong>{zone}</strong>")), "{zone}");
    }
    assert_eq!(
        html.matches("<svg class=\"week\"").count(),
        html.matches("<strong>America/").count()
    );
    // Illegal parts are marked, with their reason.
    assert!(html.contains("<rect class=\"bad\""));
    assert!(html.contains("illegal: window"));
    // The strip: 366 dates, the holiday, prohibited day, blackout and DST dates with reasons.
    let strip = &html[html.find("<svg class=\"strip\"").unwrap()..];
    let strip = &strip[..strip.find("</svg>").unwrap()];
    // Marked dates are rectangles; a dashed line a weekday row draws every date of it (a
    // 11-px square every 13 px), and the marked ones are drawn over it.
    let attr = |el: &str, name: &str| -> f64 {
        let at = el.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        el[at..at + el[at..].find('"').unwrap()].parse().unwrap()
    };
    let dates: f64 = strip
        .split("<line class=\"days\"")
        .skip(1)
        .map(|l| (attr(l, "x2") - attr(l, "x1") + 2.0) / 13.0)
        .sum();
    assert_eq!(dates, 366.0);
    assert!(strip.matches("<rect ").count() < 366 / 2);
    assert!(
        strip.contains("holiday: Christmas Day, PA calendar; US-PA bans calls"),
        "PA"
    );
    assert!(strip.contains("prohibited day: US-AL bans calls on Sundays"));
    assert!(strip.contains("blackout: Company holiday (2026-12-28 to 2026-12-30)"));
    let march_14 = &strip[strip.find("<title>2027-03-14 Sunday").unwrap()..];
    let march_14 = &march_14[..march_14.find("</title>").unwrap()];
    assert!(
        march_14.contains("\nDST: America/New_York changes from UTC-05 to UTC-04"),
        "{march_14}"
    );
    assert!(march_14.contains("\nprohibited day: US-AL"), "{march_14}");
    // Versions and the disclaimer.
    assert!(html.contains("rule pack <code>us@"));
    assert!(html.contains("tzdb <code>"));
    assert!(html.contains("not legal advice"));
    assert!(html.contains("@media print"));
    assert!(html.contains("max-width: 720px"));
}

#[test]
fn bad_arguments_and_unwritable_output() {
    let dir = tempfile::tempdir().unwrap();
    let files = campaigns(dir.path());
    let out = dir.path().join("no-such-dir").join("r.html");
    let r = report(dir.path(), &files[..1], &out, &[]);
    assert_eq!(r.status.code(), Some(2), "{r:?}");
    assert!(String::from_utf8_lossy(&r.stderr).contains("cannot write the report"));
    assert!(!out.exists());
    let r = cxsched(dir.path(), &["report", "-o", "x.html"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("nothing to report"));
    let r = cxsched(
        dir.path(),
        &["report", "--jsonl", "x.jsonl", "-o", "x.html"],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(!dir.path().join("x.html").exists());
    // A passing campaign: exit 0; the JSON summary.
    let out = dir.path().join("ok.html");
    let mut args = vec!["--output", "json"];
    let f = files[0].to_str().unwrap();
    args.extend(["report", f, "--from", FROM, "-o", out.to_str().unwrap()]);
    let r = cxsched(dir.path(), &args);
    assert_eq!(r.status.code(), Some(0), "{r:?}");
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["campaigns"], 1);
    assert_eq!(v["findings"], 0);
    // A campaign without findings over a year stays small (the issue's budget: 60 KB).
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size < 60_000, "{size} bytes");
}

/// Chromium from the distribution (`chromium`), or a clear failure.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("chromium"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "the report browser test needs Chromium on PATH as `chromium`: install it with \
             `apt-get install -y --no-install-recommends chromium` (.ci/run does)"
        )
    })
}

fn headless(browser: &Path, profile: &Path, page: &Path, mode: &[String]) -> Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(mode)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

fn console_errors(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| {
            l.contains("Uncaught")
                || l.contains("Refused to load")
                || l.contains("CONSOLE") && l.contains("ERROR")
                || l.contains("ERR_FILE_NOT_FOUND")
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_page_in_a_headless_browser() {
    let browser = chromium();
    let dir = tempfile::tempdir().unwrap();
    let files = campaigns(dir.path());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_e2e");
    std::fs::create_dir_all(&shots).unwrap();
    let profile = dir.path().join("profile");

    // Every campaign on one page: the DOM after the scripts ran holds every findings row.
    let all = dir.path().join("all.html");
    report(dir.path(), &files, &all, &[]);
    let html = std::fs::read_to_string(&all).unwrap();
    let expected: usize = tables(&html).iter().map(|(_, rows)| rows.len()).sum();
    assert!(expected > 5);
    let out = headless(&browser, &profile, &all, &["--dump-dom".into()]);
    assert!(out.status.success(), "{out:?}");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert_eq!(dom.matches("<tr class=\"finding ").count(), expected);
    assert_eq!(
        dom.matches("<section class=\"campaign\"").count(),
        files.len()
    );
    assert!(
        dom.contains("data-sortable=\"ready\""),
        "the inline script ran"
    );
    let errors = console_errors(&out.stderr);
    assert!(errors.is_empty(), "{errors:#?}");

    // A page and a screenshot per campaign.
    for file in &files {
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let page = dir.path().join(format!("{stem}.html"));
        report(dir.path(), std::slice::from_ref(file), &page, &[]);
        let png = shots.join(format!("{stem}.png"));
        let _ = std::fs::remove_file(&png);
        let out = headless(
            &browser,
            &profile,
            &page,
            &[format!("--screenshot={}", png.display())],
        );
        assert!(out.status.success(), "{stem}: {out:?}");
        let errors = console_errors(&out.stderr);
        assert!(errors.is_empty(), "{stem}: {errors:#?}");
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{stem}: no screenshot: {e}"));
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{stem}"
        );
    }
}
