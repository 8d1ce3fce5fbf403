//! Hostile input through the real binary: `validate`, `check`, `plan` (against the seed
//! emulator) and `--jsonl`, over an adversarial corpus generated into a temporary folder
//! (keys written twice at every level in JSON and YAML, 200,000 windows, nesting 100,000
//! deep, a YAML alias bomb, `1e400`, NUL and zero-width characters, invalid UTF-8, a 100 MB
//! line, an empty file, a byte-order mark). Every run must end with a clear error naming a
//! path or position, exit 1 (2 for a usage problem), no panic, at most 64 KB of output, at
//! most 100 MB of memory and a few seconds.
//!
//! Memory is the peak resident set size (`VmHWM`), read by `/usr/bin/time -v` when it is
//! installed, else sampled from `/proc/<pid>/status` while the process runs (both Linux).

use crate::util::CAMPAIGN as ID;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The ceilings of every run.
const MAX_OUTPUT: usize = 64 * 1024;
const MAX_MEMORY_KB: u64 = 100 * 1024;
const MAX_TIME: Duration = Duration::from_secs(30);

/// What a run gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_kb: u64,
    elapsed: Duration,
}

/// Runs `cmd` to its end, measuring its peak memory.
fn measured(mut cmd: Command) -> Run {
    let time = Path::new("/usr/bin/time");
    let report = tempfile::NamedTempFile::new().unwrap();
    let start = Instant::now();
    let with_time = time.exists()
        && Command::new(time)
            .args(["-v", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if with_time {
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(ToOwned::to_owned).collect();
        let mut timed = Command::new(time);
        timed
            .arg("-v")
            .arg("-o")
            .arg(report.path())
            .arg(program)
            .args(args);
        if let Some(dir) = cmd.get_current_dir() {
            timed.current_dir(dir);
        }
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => timed.env(k, v),
                None => timed.env_remove(k),
            };
        }
        cmd = timed;
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    // Sampled while it runs (the fallback when there is no /usr/bin/time).
    let sampler = std::thread::spawn(move || {
        let mut peak = 0u64;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if status.contains("State:\tZ") {
                break;
            }
            peak = peak.max(field_kb(&status, "VmHWM:").unwrap_or(0));
            std::thread::sleep(Duration::from_millis(2));
        }
        peak
    });
    let out = child.wait_with_output().expect("wait");
    let elapsed = start.elapsed();
    let sampled = sampler.join().unwrap();
    let peak_kb = if with_time {
        let text = std::fs::read_to_string(report.path()).unwrap_or_default();
        field_kb(&text, "Maximum resident set size (kbytes):").unwrap_or(sampled)
    } else {
        sampled
    };
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        peak_kb,
        elapsed,
    }
}

fn field_kb(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.trim_start().starts_with(name))?;
    line.trim_start()[name.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// One hostile input and what its report must say.
struct Case {
    name: &'static str,
    /// The file name (its extension picks the format).
    file: &'static str,
    bytes: Vec<u8>,
    /// Fragments the output must hold (a path, a position, the words of the refusal).
    expect: &'static [&'static str],
}

fn doc(windows: &str) -> String {
    format!(
        r#"{{"campaignId":"{ID}","timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,"timeWindows":[{windows}]}}"#
    )
}

const WINDOW: &str = r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}"#;

fn yaml(extra_top: &str, compliance: &str, window: &str) -> Vec<u8> {
    format!(
        "campaignId: {ID}\n{extra_top}timezone: America/New_York\nbusinessHoursDirective: STRICT\n\
         maxConcurrentCalls: 10\ncompliance:\n  purpose: telemarketing\n{compliance}\
         timeWindows:\n  - dayOfWeek: MONDAY\n    startTime: \"09:00:00\"\n    endTime: \"17:00:00\"\n{window}"
    )
    .into_bytes()
}

fn cases() -> Vec<Case> {
    let nested = "[".repeat(100_000) + &"]".repeat(100_000);
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let hundred_mb = {
        let mut b = format!(r#"{{"campaignId":"{ID}","timezone":""#).into_bytes();
        b.resize(100 * 1024 * 1024, b'x');
        b.extend_from_slice(b"\"}");
        b
    };
    vec![
        Case {
            name: "JSON: campaignId twice",
            file: "dup-top.json",
            bytes: doc(WINDOW)
                .replacen(r#""timezone""#, &format!(r#""campaignId":"{ID}","timezone""#), 1)
                .into_bytes(),
            expect: &["campaignId", "the key appears twice (line 1, columns 2 and 54)"],
        },
        Case {
            name: "JSON: compliance.purpose twice",
            file: "dup-compliance.json",
            bytes: doc(WINDOW)
                .replacen(
                    r#""timeWindows""#,
                    r#""compliance":{"purpose":"telemarketing","purpose":"informational"},"timeWindows""#,
                    1,
                )
                .into_bytes(),
            expect: &["compliance.purpose", "the key appears twice", "keep one"],
        },
        Case {
            name: "JSON: recipients.zones twice (once escaped)",
            file: "dup-recipients.json",
            bytes: doc(WINDOW)
                .replacen(
                    r#""timeWindows""#,
                    r#""compliance":{"recipients":{"zones":["America/Chicago"],"zon\u0065s":[]}},"timeWindows""#,
                    1,
                )
                .into_bytes(),
            expect: &["compliance.recipients.zones", "the key appears twice"],
        },
        Case {
            name: "JSON: a window's endTime twice",
            file: "dup-window.json",
            bytes: doc(&WINDOW.replace(
                r#""endTime":"17:00:00""#,
                r#""endTime":"17:00:00","endTime":"23:30:00""#,
            ))
            .into_bytes(),
            expect: &[
                "timeWindows[0].endTime",
                "the key appears twice (line 1, columns 202 and 223); keep one",
            ],
        },
        Case {
            name: "YAML: timezone twice",
            file: "dup-top.yaml",
            bytes: yaml("timezone: UTC\n", "", ""),
            expect: &["timezone", "the key appears twice (line 2, column 1 and line 3, column 1)"],
        },
        Case {
            name: "YAML: compliance.purpose twice",
            file: "dup-compliance.yaml",
            bytes: yaml("", "  purpose: informational\n", ""),
            expect: &["compliance.purpose", "the key appears twice"],
        },
        Case {
            name: "YAML: recipients.zones twice",
            file: "dup-recipients.yaml",
            bytes: yaml("", "  recipients:\n    zones: [UTC]\n    zones: []\n", ""),
            expect: &["compliance.recipients.zones", "the key appears twice"],
        },
        Case {
            name: "YAML: a window's endTime twice",
            file: "dup-window.yaml",
            bytes: yaml("", "", "    endTime: \"23:30:00\"\n"),
            expect: &["timeWindows[0].endTime", "the key appears twice"],
        },
        Case {
            name: "200,000 windows",
            file: "windows-200k.json",
            bytes: doc(&vec!["{}"; 200_000].join(",")).into_bytes(),
            expect: &["timeWindows", "at most 1000 windows", "found 200000"],
        },
        Case {
            name: "200,000 windows on one day (12 MB)",
            file: "windows-200k-monday.json",
            bytes: doc(&vec![WINDOW; 200_000].join(",")).into_bytes(),
            expect: &["more than the limit of 1048576 bytes"],
        },
        Case {
            name: "1,000 overlapping windows on one day",
            file: "windows-1000-overlapping.json",
            bytes: doc(&vec![WINDOW; 1000].join(",")).into_bytes(),
            expect: &["at most 8 windows per day", "… and 990 more", "more errors"],
        },
        Case {
            name: "JSON nested 100,000 deep",
            file: "deep.json",
            bytes: nested.clone().into_bytes(),
            expect: &["nest deeper than the limit of 32 levels (line 1, column 33)"],
        },
        Case {
            name: "YAML nested 100,000 deep",
            file: "deep.yaml",
            bytes: format!("a: {nested}\n").into_bytes(),
            expect: &["nest deeper than the limit of 32 levels (line 1, column"],
        },
        Case {
            name: "TOML nested 100,000 deep",
            file: "deep.toml",
            bytes: format!("a = {nested}\n").into_bytes(),
            expect: &["nest deeper than the limit of 32 levels (line 1, column"],
        },
        Case {
            name: "YAML alias bomb (9^9 strings)",
            file: "bomb.yaml",
            bytes: bomb.into_bytes(),
            expect: &["beyond the limits of a schedule document", "line"],
        },
        Case {
            name: "a number like 1e400",
            file: "number.json",
            bytes: doc(WINDOW).replace(":10,", ":1e400,").into_bytes(),
            expect: &["number out of range at line 1 column"],
        },
        Case {
            name: "an escaped NUL in the zone",
            file: "nul-escaped.json",
            bytes: doc(WINDOW).replace("America/New_York", r"America/New_York\u0000").into_bytes(),
            expect: &["timezone", "unknown time zone"],
        },
        Case {
            name: "a raw NUL in the zone",
            file: "nul-raw.json",
            bytes: doc(WINDOW).replace("America/New_York", "America/New_York\0").into_bytes(),
            expect: &["not valid JSON: control character", "line 1 column"],
        },
        Case {
            name: "a zero-width space in the zone",
            file: "zero-width.json",
            bytes: doc(WINDOW).replace("America/New_York", "America/New\u{200b}_York").into_bytes(),
            expect: &["timezone", "unknown time zone", "\\u{200b}"],
        },
        Case {
            name: "a zero-width joiner in a key",
            file: "zero-width-key.json",
            bytes: doc(WINDOW).replace("\"timezone\"", "\"time\u{200d}zone\"").into_bytes(),
            expect: &["unknown field", "\\u{200d}", "missing required field"],
        },
        Case {
            name: "invalid UTF-8",
            file: "invalid-utf8.json",
            bytes: {
                let mut b = doc(WINDOW).into_bytes();
                b[20] = 0xff;
                b
            },
            expect: &["not UTF-8 text: byte 0xFF at line 1, column 21"],
        },
        Case {
            name: "a 100 MB single line",
            file: "huge.json",
            bytes: hundred_mb,
            expect: &["more than the limit of 1048576 bytes"],
        },
        Case {
            name: "an empty file",
            file: "empty.json",
            bytes: Vec::new(),
            expect: &["not valid JSON: EOF while parsing a value at line 1 column 0"],
        },
        Case {
            name: "a byte-order mark",
            file: "bom.json",
            bytes: format!("\u{feff}{}", doc(WINDOW)).into_bytes(),
            expect: &["byte-order mark (U+FEFF)"],
        },
    ]
}

/// Checks one run against the ceilings and the expected fragments.
fn judge(case: &Case, what: &str, run: &Run, expect: &[&str], problems: &mut Vec<String>) {
    let output = run.stdout.len() + run.stderr.len();
    let both = format!("{}{}", run.stdout, run.stderr);
    eprintln!(
        "{:<44} {:<14} exit {:?}  output {:>6} B  peak {:>6} KB  {:>5} ms",
        case.name,
        what,
        run.code,
        output,
        run.peak_kb,
        run.elapsed.as_millis()
    );
    let mut fail = |m: String| problems.push(format!("{} / {what}: {m}", case.name));
    if !matches!(run.code, Some(1 | 2)) {
        fail(format!("exit {:?}, expected 1 (or 2)\n{both}", run.code));
    }
    if both.contains("panicked") || both.contains("RUST_BACKTRACE") {
        fail(format!("panicked:\n{both}"));
    }
    if output > MAX_OUTPUT {
        fail(format!("{output} bytes of output, over {MAX_OUTPUT}"));
    }
    if run.peak_kb > MAX_MEMORY_KB {
        fail(format!(
            "{} KB of memory, over {MAX_MEMORY_KB}",
            run.peak_kb
        ));
    }
    if run.elapsed > MAX_TIME {
        fail(format!("{:?}, over {MAX_TIME:?}", run.elapsed));
    }
    for fragment in expect {
        if !both.contains(fragment) {
            let shown: String = both.chars().take(2000).collect();
            fail(format!("no {fragment:?} in the output:\n{shown}"));
        }
    }
}

fn write_cases(dir: &Path, cases: &[Case]) -> Vec<PathBuf> {
    cases
        .iter()
        .map(|c| {
            let path = dir.join(c.file);
            std::fs::write(&path, &c.bytes).unwrap();
            path
        })
        .collect()
}

#[test]
fn hostile_documents_are_refused_clearly_within_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = cases();
    let paths = write_cases(tmp.path(), &cases);
    let emu = crate::util::Emulator::start(&["--campaigns", "3"]);
    let mut problems = Vec::new();
    for (case, path) in cases.iter().zip(&paths) {
        for command in ["validate", "check", "plan"] {
            let mut cmd = crate::util::cxsched(tmp.path());
            cmd.args([command, "--output", "json"]).arg(path);
            if command == "plan" {
                cmd.envs(emu.env());
            }
            let run = measured(cmd);
            judge(case, command, &run, case.expect, &mut problems);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The JSON cases as lines of a JSON Lines file, each alone (a line is held to the same
/// limits as a file), through `validate --jsonl` and `check --jsonl`.
#[test]
fn hostile_json_lines_are_refused_clearly_within_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for case in cases().iter().filter(|c| c.file.ends_with(".json")) {
        if case.bytes.is_empty() {
            continue; // a blank line is skipped, not refused
        }
        let path = tmp.path().join("case.jsonl");
        let mut bytes = case.bytes.clone();
        bytes.push(b'\n');
        std::fs::write(&path, bytes).unwrap();
        let expect = case.expect;
        for command in ["validate", "check"] {
            let mut cmd = crate::util::cxsched(tmp.path());
            cmd.args([command, "--output", "json", "--jsonl"])
                .arg(&path);
            let run = measured(cmd);
            judge(
                case,
                &format!("{command} --jsonl"),
                &run,
                expect,
                &mut problems,
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
