//! End-to-end tests of `cxsched when` through the real binary: one recipient given by phone,
//! zone or state (JSON and human), a file of numbers with bad lines, and usage errors.

use serde_json::Value;

use crate::util::asserting as cxsched;

/// Runs `cxsched --output json when ARGS…`; returns the exit status and the one object.
fn when_json(args: &[&str]) -> (i32, Value) {
    let out = cxsched()
        .args(["--output", "json", "when"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), crate::util::json(&out))
}

/// The day with `date` as (start, end, startUtc, endUtc) per interval.
fn intervals(v: &Value, date: &str) -> Vec<(String, String, String, String)> {
    let day = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("no {date} in {v:#}"));
    day["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_owned();
            (s("start"), s("end"), s("startUtc"), s("endUtc"))
        })
        .collect()
}

fn iv(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
    (a.into(), b.into(), c.into(), d.into())
}

fn closed_because(v: &Value, date: &str) -> Vec<String> {
    let day = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap();
    day["closedBecause"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_texas_number_on_a_sunday_opens_at_noon_local() {
    let (code, v) = when_json(&["--phone", "+15125550100", "--from", "2027-03-14"]);
    assert_eq!(code, 0);
    assert_eq!(v["recipient"], "+15125550100");
    assert_eq!(v["zones"], serde_json::json!(["America/Chicago"]));
    assert_eq!(v["states"], serde_json::json!(["TX"]));
    assert_eq!(v["purpose"], "telemarketing");
    assert_eq!(
        v["days"].as_array().unwrap().len(),
        7,
        "--days defaults to 7"
    );
    // Sunday 2027-03-14 is also the spring-forward day: noon is CDT.
    assert_eq!(
        intervals(&v, "2027-03-14"),
        [iv(
            "2027-03-14T12:00:00-05:00",
            "2027-03-14T21:00:00-05:00",
            "2027-03-14T17:00:00Z",
            "2027-03-15T02:00:00Z"
        )]
    );
    // Monday: Texas' weekday 09:00.
    assert_eq!(
        intervals(&v, "2027-03-15"),
        [iv(
            "2027-03-15T09:00:00-05:00",
            "2027-03-15T21:00:00-05:00",
            "2027-03-15T14:00:00Z",
            "2027-03-16T02:00:00Z"
        )]
    );

    // The human form: header (zones, states, purpose, not legal advice), one line a date.
    let out = cxsched()
        .args(["when", "--phone", "+15125550100", "--from", "2027-03-14"])
        .args(["--days", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "America/Chicago",
        "states: TX",
        "telemarketing",
        "Not legal advice",
        "2027-03-14 Sun  12:00–21:00 CDT  (17:00Z–02:00Z)",
        "2027-03-15 Mon  09:00–21:00 CDT  (14:00Z–02:00Z)",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn a_navajo_area_code_intersects_denver_and_phoenix_across_the_march_change() {
    let (code, v) = when_json(&[
        "--phone",
        "+19285550100",
        "--from",
        "2027-03-13",
        "--days",
        "2",
    ]);
    assert_eq!(code, 0);
    // Phoenix first: most Arizona area codes are there.
    assert_eq!(
        v["zones"],
        serde_json::json!(["America/Phoenix", "America/Denver"])
    );
    assert_eq!(v["states"], serde_json::json!(["AZ"]));
    // Saturday: both zones on UTC-7, 08:00-21:00 everywhere.
    assert_eq!(
        intervals(&v, "2027-03-13"),
        [iv(
            "2027-03-13T08:00:00-07:00",
            "2027-03-13T21:00:00-07:00",
            "2027-03-13T15:00:00Z",
            "2027-03-14T04:00:00Z"
        )]
    );
    // Sunday: Denver springs forward, Phoenix does not. The latest opening is Phoenix's
    // 08:00 (Denver 09:00), the earliest closing Denver's 21:00 (Phoenix 20:00).
    assert_eq!(
        intervals(&v, "2027-03-14"),
        [iv(
            "2027-03-14T08:00:00-07:00",
            "2027-03-14T20:00:00-07:00",
            "2027-03-14T15:00:00Z",
            "2027-03-15T03:00:00Z"
        )]
    );
}

#[test]
fn utah_on_a_sunday_is_closed_and_the_rule_is_named() {
    let (code, v) = when_json(&["--state", "UT", "--from", "2027-03-14", "--days", "2"]);
    assert_eq!(code, 0);
    assert_eq!(v["recipient"], "UT");
    assert_eq!(v["zones"], serde_json::json!(["America/Denver"]));
    assert!(intervals(&v, "2027-03-14").is_empty());
    assert_eq!(closed_because(&v, "2027-03-14"), ["US-UT"]);
    assert_eq!(intervals(&v, "2027-03-15").len(), 1);
    assert!(closed_because(&v, "2027-03-15").is_empty());

    let out = cxsched()
        .args([
            "when",
            "--state",
            "ut",
            "--from",
            "2027-03-14",
            "--days",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2027-03-14 Sun  closed (US-UT Sunday)"),
        "{text}"
    );
}

#[test]
fn honolulu_alone_is_federal_hours_without_dst() {
    let (code, v) = when_json(&[
        "--zone",
        "Pacific/Honolulu",
        "--from",
        "2027-03-13",
        "--days",
        "3",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["states"], serde_json::json!([]));
    for (date, next) in [
        ("2027-03-13", "2027-03-14"),
        ("2027-03-14", "2027-03-15"),
        ("2027-03-15", "2027-03-16"),
    ] {
        assert_eq!(
            intervals(&v, date),
            [iv(
                &format!("{date}T08:00:00-10:00"),
                &format!("{date}T21:00:00-10:00"),
                &format!("{date}T18:00:00Z"),
                &format!("{next}T07:00:00Z")
            )]
        );
    }
}

#[test]
fn debt_collection_drops_the_state_telemarketing_rules() {
    // A Texas Sunday: telemarketing opens at 12:00 (US-TX), debt collection at 08:00.
    let (code, v) = when_json(&[
        "--phone",
        "5125550100",
        "--purpose",
        "debt_collection",
        "--from",
        "2027-03-14",
        "--days",
        "1",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["purpose"], "debt_collection");
    assert_eq!(
        intervals(&v, "2027-03-14"),
        [iv(
            "2027-03-14T08:00:00-05:00",
            "2027-03-14T21:00:00-05:00",
            "2027-03-14T13:00:00Z",
            "2027-03-15T02:00:00Z"
        )]
    );
    // Utah's Sunday ban is a telemarketing rule too.
    let (_, v) = when_json(&[
        "--state",
        "UT",
        "--purpose",
        "debt_collection",
        "--from",
        "2027-03-14",
        "--days",
        "1",
    ]);
    assert_eq!(intervals(&v, "2027-03-14").len(), 1);
    assert!(closed_because(&v, "2027-03-14").is_empty());
}

#[test]
fn everything_given_together_is_one_recipient() {
    // A Texas number and Honolulu: only the hours legal in both.
    let (code, v) = when_json(&[
        "--phone",
        "+15125550100",
        "--zone",
        "Pacific/Honolulu",
        "--from",
        "2027-03-15",
        "--days",
        "1",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        v["zones"],
        serde_json::json!(["Pacific/Honolulu", "America/Chicago"])
    );
    // Honolulu opens 18:00Z; Chicago closes 02:00Z.
    assert_eq!(
        intervals(&v, "2027-03-15"),
        [iv(
            "2027-03-15T08:00:00-10:00",
            "2027-03-15T16:00:00-10:00",
            "2027-03-15T18:00:00Z",
            "2027-03-16T02:00:00Z"
        )]
    );
}

#[test]
fn a_file_of_numbers_answers_each_line_and_names_the_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("numbers.txt");
    std::fs::write(
        &file,
        "# dialer export\n+15125550100\n\n8005550100\n(928) 555-0100  # Flagstaff\nnot a number\n+447700900123\n2125550100\n",
    )
    .unwrap();
    let out = cxsched()
        .args(["when", "--jsonl", "--from", "2027-03-14", "--days", "2"])
        .arg("--phone-numbers")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(u64, &str, bool)> = lines
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["recipient"].as_str().unwrap(),
                l.get("error").is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "+15125550100", false),
            (4, "8005550100", true),
            (5, "(928) 555-0100", false),
            (6, "not a number", true),
            (7, "+447700900123", true),
            (8, "2125550100", false),
        ]
    );
    // The good lines carry the whole answer.
    assert_eq!(
        intervals(&lines[0], "2027-03-14")[0].0,
        "2027-03-14T12:00:00-05:00"
    );
    assert_eq!(
        lines[2]["zones"],
        serde_json::json!(["America/Phoenix", "America/Denver"])
    );
    assert_eq!(
        intervals(&lines[5], "2027-03-15")[0].0,
        "2027-03-15T08:00:00-04:00"
    );
    // Each error says which line, what is wrong and what to do.
    let err = |i: usize| lines[i]["error"].as_str().unwrap().to_owned();
    assert!(err(1).contains("numbers.txt:4:"), "{}", err(1));
    assert!(err(1).contains("toll-free"), "{}", err(1));
    assert!(err(1).contains("give the recipient's state or zone"));
    assert!(err(3).contains("numbers.txt:6:"), "{}", err(3));
    assert!(err(4).contains("numbers.txt:7:"), "{}", err(4));
    assert!(err(4).contains("country code 1"), "{}", err(4));
    assert!(lines[1].get("days").is_none());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 of 6 numbers"), "{stderr}");

    // All good lines: exit 0; stdin with `-` works the same.
    let out = cxsched()
        .args(["--output", "json", "when", "--phone-numbers", "-"])
        .args(["--from", "2027-03-14", "--days", "1"])
        .write_stdin("+15125550100\n8015550100\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(r#""closedBecause":["US-UT"]"#), "{text}");
}

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    let cases: [(&[&str], &str); 8] = [
        (&[], "give --phone NUMBER, --zone ZONE or --state XX"),
        (&["--state", "ZZ"], "USPS code"),
        (&["--zone", "America/Nowhere"], "IANA"),
        (&["--zone", "EST"], "America/New_York"),
        (&["--phone", "8005550100"], "toll-free"),
        (&["--phone", "+447700900123"], "country code 1"),
        (&["--zone", "UTC", "--days", "0"], "--days"),
        (&["--zone", "UTC", "--purpose", "sales"], "debt_collection"),
    ];
    for (args, needle) in cases {
        let out = cxsched().arg("when").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: {needle:?} not in {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A file of numbers excludes the single-recipient flags; a missing file is usage too.
    for args in [
        &["--phone-numbers", "n.txt", "--phone", "5125550100"][..],
        &["--phone-numbers", "does-not-exist.txt"],
        &["--jsonl", "--zone", "UTC"],
    ] {
        let out = cxsched().arg("when").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
