//! `cxsched fix` end to end through the binary: the worked cases (a New York week into
//! Florida and Texas, a Sunday into Utah, a holiday to pause), TOML comments kept by
//! `--write`, a write that fails leaving the file as it was, JSON and YAML out in their
//! own format, and the cxone variant.

use std::path::Path;

use crate::util::{CAMPAIGN as ID, schedule};
use serde_json::{Value, json};

fn doc(zone: &str, windows: &[(&str, &str, &str)], states: &[&str]) -> Value {
    let mut d = schedule(zone, windows);
    d["maxConcurrentCalls"] = json!(5);
    d["compliance"] = json!({"recipients": {"states": states}});
    d
}

/// Runs `cxsched ARGS` in `dir`: (status, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = crate::util::cxsched(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn windows(v: &Value) -> Vec<(String, String, String)> {
    v["timeWindows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["dayOfWeek"].as_str().unwrap().to_owned(),
                w["startTime"].as_str().unwrap().to_owned(),
                w["endTime"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn w(d: &str, s: &str, e: &str) -> (String, String, String) {
    (d.into(), s.into(), e.into())
}

const WEEK: [&str; 5] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];

#[test]
fn a_new_york_week_into_florida_and_texas_is_cut_and_then_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let ws: Vec<(&str, &str, &str)> = WEEK.iter().map(|d| (*d, "08:00:00", "20:30:00")).collect();
    let path = dir.path().join("week.json");
    std::fs::write(
        &path,
        doc("America/New_York", &ws, &["FL", "TX"]).to_string(),
    )
    .unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "week.json",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let fixed: Value = serde_json::from_str(&stdout).unwrap();
    // Florida's Central panhandle opens at 09:00 New York, El Paso (Mountain) at 11:00 for
    // Texas's 09:00; Florida closes at 20:00.
    let want: Vec<_> = WEEK.iter().map(|d| w(d, "11:00:00", "20:00:00")).collect();
    assert_eq!(windows(&fixed), want);
    assert!(
        stderr.contains("window 0 (MONDAY 08:00:00–20:30:00): cut to 11:00:00–20:00:00"),
        "{stderr}"
    );
    assert!(stderr.contains("move the start to 11:00:00"), "{stderr}");
    assert!(stderr.contains("end by 20:00:00"), "{stderr}");
    assert!(stderr.contains("America/Denver (TX)"), "{stderr}");

    // The fix passes check, and fixing it again changes nothing.
    std::fs::write(dir.path().join("fixed.json"), &stdout).unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "check",
            "fixed.json",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let (code, again, stderr) = run(
        dir.path(),
        &[
            "fix",
            "fixed.json",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(again, stdout);
    assert!(stderr.contains("nothing to fix"), "{stderr}");
}

#[test]
fn a_sunday_into_utah_is_removed_and_a_holiday_is_listed_with_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/Denver",
        &[
            ("MONDAY", "10:00:00", "16:00:00"),
            ("SUNDAY", "10:00:00", "14:00:00"),
        ],
        &["UT"],
    );
    std::fs::write(dir.path().join("ut.json"), d.to_string()).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "ut.json",
            "--from",
            "2027-06-28",
            "--horizon-days",
            "21",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let fixed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(windows(&fixed), vec![w("MONDAY", "10:00:00", "16:00:00")]);
    assert!(
        stderr.contains("window 1 (SUNDAY 10:00:00–14:00:00): removed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("remove it, or leave UT out: UT bans SUNDAY calls"),
        "{stderr}"
    );
    // Independence Day 2027 is a Sunday, observed on Monday 2027-07-05 in Utah.
    assert!(
        stderr.contains("pause on 2027-07-05 window 0 (MONDAY"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Independence Day (observed) [US-UT]"),
        "{stderr}"
    );

    // JSON changes with --output json.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "fix",
            "ut.json",
            "--from",
            "2027-06-28",
            "--horizon-days",
            "21",
            "--output",
            "json",
        ],
    );
    assert_eq!(code, 0);
    let changes: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(changes["changes"][1]["change"], "removed");
    assert_eq!(changes["changes"][1]["reasons"][0]["rule"], "US-UT");
    assert_eq!(changes["pauses"][0]["date"], "2027-07-05");
}

fn two_shifts() -> String {
    let root = crate::util::repo("examples/two-shifts.toml");
    std::fs::read_to_string(root).unwrap()
}

#[test]
fn toml_comments_survive_write() {
    let dir = tempfile::tempdir().unwrap();
    let original = two_shifts();
    let path = dir.path().join("two-shifts.toml");
    std::fs::write(&path, &original).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["fix", "two-shifts.toml", "--write", "--from", "2027-01-04"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("cut to 10:00:00–12:00:00"), "{stdout}");
    let written = std::fs::read_to_string(&path).unwrap();
    // Only the two morning starts change: every other line, comments included, stays.
    let expected = original.replace("startTime = \"09:00:00\"", "startTime = \"10:00:00\"");
    assert_eq!(written, expected);
    assert!(written.starts_with("# Two shifts on Mondays and Thursdays"));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // Fixing the written file again leaves it byte for byte.
    let (code, _, _) = run(
        dir.path(),
        &["fix", "two-shifts.toml", "--write", "--from", "2027-01-04"],
    );
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}

#[test]
fn toml_inline_windows_are_edited_and_removed_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "# keep me\ncampaignId = \"{ID}\"\ntimezone = \"America/Denver\" # Mountain\nbusinessHoursDirective = \"STRICT\"\nmaxConcurrentCalls = 5\ntimeWindows = [\n  {{ dayOfWeek = \"MONDAY\", startTime = \"07:00:00\", endTime = \"12:00:00\" }}, # morning\n  {{ dayOfWeek = \"SUNDAY\", startTime = \"10:00:00\", endTime = \"14:00:00\" }},\n]\n\n[compliance]\nrecipients = {{ states = [\"UT\"] }}\n"
    );
    std::fs::write(dir.path().join("inline.toml"), &text).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "inline.toml",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("# keep me\n"), "{stdout}");
    assert!(stdout.contains("# Mountain"), "{stdout}");
    assert!(stdout.contains("startTime = \"08:00:00\""), "{stdout}");
    assert!(!stdout.contains("SUNDAY"), "{stdout}");
}

#[test]
fn a_write_that_fails_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let original = two_shifts();
    let sub = dir.path().join("ro");
    std::fs::create_dir(&sub).unwrap();
    let path = sub.join("two-shifts.toml");
    std::fs::write(&path, &original).unwrap();

    // -o into a folder that does not exist: an error, the input untouched.
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "fix",
            "ro/two-shifts.toml",
            "-o",
            "missing/out.toml",
            "--from",
            "2027-01-04",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot write the fixed document"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    // --write in a read-only folder. Root ignores the mode bits: then the folder is made
    // immutable (`chattr +i`, which binds root too) where the file system allows it.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = sub.join(".probe");
    let privileged = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    let _immutable = privileged.then(|| Immutable::new(&sub)).flatten();
    if privileged && _immutable.is_none() {
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!(
            "cannot make a read-only folder for this user here: the --write failure is not exercised"
        );
        return;
    }
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "fix",
            "ro/two-shifts.toml",
            "--write",
            "--from",
            "2027-01-04",
        ],
    );
    drop(_immutable);
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot write the fixed document"),
        "{stderr}"
    );
    assert!(stderr.contains("left as it was"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    assert_eq!(std::fs::read_dir(&sub).unwrap().count(), 1);
}

/// A folder made immutable with `chattr +i` (so even root cannot create files in it), made
/// mutable again on drop.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn new(dir: &Path) -> Option<Immutable> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        // Immutable, and it shows: a file cannot be created.
        let probe = dir.join(".probe");
        let guard = ok.then(|| Immutable(dir.to_path_buf()));
        if std::fs::write(&probe, b"").is_ok() {
            let _ = std::fs::remove_file(&probe);
            return None;
        }
        guard
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn nothing_left_exits_one_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/Denver",
        &[("SUNDAY", "10:00:00", "14:00:00")],
        &["UT"],
    );
    let text = d.to_string();
    std::fs::write(dir.path().join("sun.json"), &text).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "sun.json",
            "--write",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("nothing is left of the schedule"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sun.json")).unwrap(),
        text
    );
}

#[test]
fn json_and_yaml_come_out_in_their_own_format() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = format!(
        "campaignId: \"{ID}\"\ntimezone: \"America/New_York\"\nbusinessHoursDirective: \"STRICT\"\nmaxConcurrentCalls: 5\ntimeWindows:\n  - {{ dayOfWeek: \"MONDAY\", startTime: \"08:00:00\", endTime: \"20:30:00\" }}\ncompliance:\n  recipients:\n    states: [\"FL\"]\n"
    );
    std::fs::write(dir.path().join("in.yaml"), yaml).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "in.yaml",
            "-o",
            "out.yaml",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("cut to 09:00:00–20:00:00"), "{stdout}");
    let out = std::fs::read_to_string(dir.path().join("out.yaml")).unwrap();
    assert!(out.contains("startTime: \"09:00:00\""), "{out}");
    assert!(out.contains("endTime: \"20:00:00\""), "{out}");
    let (code, _, _) = run(dir.path(), &["validate", "out.yaml"]);
    assert_eq!(code, 0);

    let d = doc(
        "America/New_York",
        &[("MONDAY", "08:00:00", "20:30:00")],
        &["FL"],
    );
    std::fs::write(dir.path().join("in.json"), d.to_string()).unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "fix",
            "in.json",
            "-o",
            "out.json",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let out: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap())
            .unwrap();
    assert_eq!(windows(&out), vec![w("MONDAY", "09:00:00", "20:00:00")]);
    assert_eq!(out["compliance"]["recipients"]["states"], json!(["FL"]));
}

#[test]
fn on_cxone_only_banned_days_are_fixed_and_days_merge_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = doc(
        "America/New_York",
        &[
            ("MONDAY", "08:00:00", "12:00:00"),
            ("MONDAY", "13:00:00", "20:30:00"),
            ("SUNDAY", "10:00:00", "14:00:00"),
        ],
        &["FL", "UT"],
    );
    d["skillIds"] = json!([4711]);
    std::fs::write(dir.path().join("cx.json"), d.to_string()).unwrap();
    let args = [
        "fix",
        "cx.json",
        "--platform",
        "cxone",
        "--from",
        "2027-06-28",
        "--horizon-days",
        "21",
    ];
    // Two windows on Monday: the platform holds one; merging only when asked.
    let (code, stdout, stderr) = run(dir.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("--merge-days"), "{stderr}");

    let mut merged = args.to_vec();
    merged.push("--merge-days");
    let (code, stdout, stderr) = run(dir.path(), &merged);
    assert_eq!(code, 0, "{stderr}");
    let fixed: Value = serde_json::from_str(&stdout).unwrap();
    // The hours are the curfews' to cut: the merged Monday keeps 08:00–20:30; Utah's Sunday
    // ban is what a curfew cannot express, so Sunday goes.
    assert_eq!(windows(&fixed), vec![w("MONDAY", "08:00:00", "20:30:00")]);
    assert!(stderr.contains("window 1 merged into window 0"), "{stderr}");
    assert!(
        stderr.contains("window 2 (SUNDAY 10:00:00–14:00:00): removed"),
        "{stderr}"
    );
    std::fs::write(dir.path().join("fixed.json"), &stdout).unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "check",
            "fixed.json",
            "--platform",
            "cxone",
            "--from",
            "2027-06-28",
            "--horizon-days",
            "21",
        ],
    );
    // Only the holiday (Independence Day observed in Utah) is left, which the fix lists.
    assert!(out.contains("HOLIDAY"), "{out}");
    assert!(!out.contains("PROHIBITED_DAY"), "{out}");
    assert!(!out.contains("OUTSIDE_LEGAL_HOURS"), "{out}");
    assert_eq!(code, 1);
}

#[test]
fn bad_input_gets_check_s_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"timezone\":\"Mars/Olympus\"}",
    )
    .unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["fix", "bad.json"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("bad.json: invalid"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["fix", "bad.txt"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = run(dir.path(), &["fix", "bad.json", "-o", "x.json", "--write"]);
    assert_eq!(code, 2);
    // Same format out as in.
    let (code, _, stderr) = run(dir.path(), &["fix", "bad.json", "-o", "x.toml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("keeps the input's format (json)"),
        "{stderr}"
    );
}

#[test]
fn a_blackout_is_listed_with_its_dates_to_pause() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/Chicago",
        &[("TUESDAY", "10:00:00", "16:00:00")],
        &["TX"],
    );
    std::fs::write(dir.path().join("tx.json"), d.to_string()).unwrap();
    std::fs::write(
        dir.path().join("blackouts.toml"),
        "[[blackouts]]\nname = \"Declared emergency\"\nfrom = 2027-01-11\nto = 2027-01-20\nstates = [\"TX\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "fix",
            "tx.json",
            "--blackouts",
            "blackouts.toml",
            "--from",
            "2027-01-04",
            "--horizon-days",
            "28",
        ],
    );
    // Nothing to cut: the window is legal every week but blacked out on two dates.
    assert_eq!(code, 0, "{stderr}");
    let fixed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(windows(&fixed), vec![w("TUESDAY", "10:00:00", "16:00:00")]);
    assert!(stderr.contains("nothing to fix"), "{stderr}");
    for date in ["2027-01-12", "2027-01-19"] {
        assert!(
            stderr.contains(&format!("pause on {date} window 0 (TUESDAY 10:00:00–16:00:00) for America/Chicago (TX): Declared emergency")),
            "{stderr}"
        );
    }
    assert!(!stderr.contains("pause on 2027-01-05"), "{stderr}");
}

#[test]
fn jsonl_fixes_every_line_in_order_and_reports_invalid_lines_as_check_does() {
    let dir = tempfile::tempdir().unwrap();
    let ws: Vec<(&str, &str, &str)> = WEEK.iter().map(|d| (*d, "08:00:00", "20:30:00")).collect();
    let week = doc("America/New_York", &ws, &["FL", "TX"]).to_string();
    let clean = doc(
        "America/New_York",
        &[("MONDAY", "12:00:00", "17:00:00")],
        &["NY"],
    )
    .to_string();
    let sunday = doc(
        "America/Denver",
        &[("SUNDAY", "12:00:00", "17:00:00")],
        &["UT"],
    )
    .to_string();
    let lines = format!("{week}\nnot json\n{clean}\n{sunday}\n");
    std::fs::write(dir.path().join("all.jsonl"), lines).unwrap();
    let args = ["--from", "2027-01-04", "--horizon-days", "28"];
    let mut fix_args = vec!["fix", "--jsonl", "all.jsonl"];
    fix_args.extend(args);
    let (code, stdout, stderr) = run(dir.path(), &fix_args);
    assert_eq!(code, 1, "{stderr}");
    let out: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 4, "{stdout}");
    let lines: Vec<u64> = out.iter().map(|v| v["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 3, 4]);

    // The week is cut as `fix FILE` cuts it, window by window.
    let want: Vec<_> = WEEK.iter().map(|d| w(d, "11:00:00", "20:00:00")).collect();
    assert_eq!(windows(&out[0]["fixed"]), want);
    assert_eq!(out[0]["campaignId"], ID);
    assert_eq!(out[0]["changes"].as_array().unwrap().len(), 5);
    assert_eq!(out[0]["changes"][0]["change"], "cut");

    // The invalid line: check --jsonl's report of it, nothing fixed.
    let mut check_args = vec!["check", "--jsonl", "all.jsonl", "--output", "json"];
    check_args.extend(args);
    let (_, checked, _) = run(dir.path(), &check_args);
    let bad: Value = serde_json::from_str(checked.lines().nth(1).unwrap()).unwrap();
    assert_eq!(out[1]["valid"], false);
    assert_eq!(out[1]["errors"], bad["errors"]);
    assert_eq!(out[1]["line"], bad["line"]);
    assert_eq!(out[1]["fixed"], Value::Null);
    assert!(out[1]["error"].is_string());

    // A clean line is kept as it is; the Sunday into Utah leaves nothing.
    assert_eq!(
        windows(&out[2]["fixed"]),
        [w("MONDAY", "12:00:00", "17:00:00")]
    );
    assert!(
        out[2]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["change"] == "kept")
    );
    assert_eq!(out[3]["fixed"], Value::Null);
    assert_eq!(out[3]["changes"][0]["change"], "removed");
}
