//! End-to-end tests of `cxsched check`: representatives of the worked cases of issue 3
//! through the real binary (a New York window into Phoenix across DST, a Sunday into the
//! states that ban it, Pennsylvania's holidays), asserting the exact zone, state, rule and
//! date span of every finding; recipients from a phone-number file; the report's shape,
//! human and JSON Lines; usage errors. The rest of the worked cases (state rules, holiday
//! observance, DST) are a table of the compliance crate, `tests/state_rules_table.rs`.

use crate::util::{check_json as check, schedule as doc};
use serde_json::{Value, json};

/// The findings with `code`, as (rule, window, zone, state, firstDate, lastDate, occurrences).
fn spans(report: &Value, code: &str) -> Vec<(String, u64, String, String, String, String, u64)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["window"].as_u64().unwrap(),
                f["recipientZone"].as_str().unwrap().to_owned(),
                f["state"].as_str().unwrap_or("null").to_owned(),
                f["firstDate"].as_str().unwrap().to_owned(),
                f["lastDate"].as_str().unwrap().to_owned(),
                f["occurrences"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn find<'a>(report: &'a Value, code: &str, first: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["firstDate"] == first)
        .unwrap_or_else(|| panic!("no {code} from {first} in {report:#}"))
}

fn s(x: &str) -> String {
    x.to_owned()
}

#[test]
fn new_york_window_reaches_phoenix_before_eight_all_year_by_season() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc("America/New_York", &[("MONDAY", "08:00:00", "21:00:00")]);
    let args = [
        "--from",
        "2026-01-01",
        "--horizon-days",
        "365",
        "--recipient-zone",
        "America/Phoenix",
    ];
    let (code, r) = check(dir.path(), &d, &args);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(r["status"], "fail");
    assert_eq!(
        spans(&r, "OUTSIDE_LEGAL_HOURS"),
        [
            (
                s("US-FED-TCPA"),
                0,
                s("America/Phoenix"),
                s("null"),
                s("2026-01-05"),
                s("2026-03-02"),
                9
            ),
            (
                s("US-FED-TCPA"),
                0,
                s("America/Phoenix"),
                s("null"),
                s("2026-03-09"),
                s("2026-10-26"),
                34
            ),
            (
                s("US-FED-TCPA"),
                0,
                s("America/Phoenix"),
                s("null"),
                s("2026-11-02"),
                s("2026-12-28"),
                9
            ),
        ]
    );
    // Winter: 06:00-19:00 in Phoenix, 2 h early; summer: 05:00-18:00, 3 h early.
    let winter = find(&r, "OUTSIDE_LEGAL_HOURS", "2026-01-05");
    assert_eq!(winter["localStart"], "2026-01-05T06:00:00-07:00");
    assert_eq!(winter["localEnd"], "2026-01-05T19:00:00-07:00");
    assert!(
        winter["message"]
            .as_str()
            .unwrap()
            .contains("2 h before the 08:00 opening"),
        "{winter}"
    );
    assert!(
        winter["message"]
            .as_str()
            .unwrap()
            .contains("move the start to 10:00:00 or later"),
        "{winter}"
    );
    let summer = find(&r, "OUTSIDE_LEGAL_HOURS", "2026-03-09");
    assert_eq!(summer["localStart"], "2026-03-09T05:00:00-07:00");
    assert!(
        summer["message"]
            .as_str()
            .unwrap()
            .contains("3 h before the 08:00 opening"),
        "{summer}"
    );
    assert_eq!(summer["citation"], "47 CFR 64.1200(c)(1); 16 CFR 310.4(c)");
    assert_eq!(summer["confidence"], "H");
    assert_eq!(summer["severity"], "error");
    assert!(
        r["disclaimer"]
            .as_str()
            .unwrap()
            .contains("not legal advice")
    );
}

#[test]
fn sunday_window_reaches_utah_louisiana_alabama_mississippi() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc("America/Chicago", &[("SUNDAY", "13:00:00", "17:00:00")]);
    let args = [
        "--from",
        "2026-01-01",
        "--horizon-days",
        "365",
        "--recipient-state",
        "UT",
        "--recipient-state",
        "LA",
        "--recipient-state",
        "AL",
        "--recipient-state",
        "MS",
    ];
    let (code, r) = check(dir.path(), &d, &args);
    assert_eq!(code, 1);
    let all = |rule: &str, zone: &str, st: &str| {
        (
            s(rule),
            0,
            s(zone),
            s(st),
            s("2026-01-04"),
            s("2026-12-27"),
            52,
        )
    };
    assert_eq!(
        spans(&r, "PROHIBITED_DAY"),
        [
            all("US-AL", "America/Chicago", "AL"),
            all("US-LA", "America/Chicago", "LA"),
            all("US-MS", "America/Chicago", "MS"),
            all("US-UT", "America/Denver", "UT"),
        ]
    );
    assert!(spans(&r, "OUTSIDE_LEGAL_HOURS").is_empty());
    let ut = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "US-UT")
        .unwrap();
    assert!(
        ut["message"].as_str().unwrap().contains("on a sunday"),
        "{ut}"
    );
    assert_eq!(ut["citation"], "Utah Code 13-25a-103(3)");
}

#[test]
fn pennsylvania_good_friday_and_election_day() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(
        "America/New_York",
        &[
            ("FRIDAY", "10:00:00", "16:00:00"),
            ("TUESDAY", "10:00:00", "16:00:00"),
        ],
    );
    let args = [
        "--from",
        "2026-01-01",
        "--horizon-days",
        "365",
        "--recipient-state",
        "PA",
    ];
    let (code, r) = check(dir.path(), &d, &args);
    assert_eq!(code, 1);
    let pa = |w, first: &str| {
        (
            s("US-PA"),
            w,
            s("America/New_York"),
            s("PA"),
            s(first),
            s(first),
            1,
        )
    };
    // Good Friday Apr 3, Christmas (Friday) Dec 25, Election Day Tuesday Nov 3.
    assert_eq!(
        spans(&r, "HOLIDAY"),
        [
            pa(0, "2026-04-03"),
            pa(0, "2026-12-25"),
            pa(1, "2026-11-03")
        ]
    );
    assert!(
        find(&r, "HOLIDAY", "2026-04-03")["message"]
            .as_str()
            .unwrap()
            .contains("Good Friday")
    );
    assert!(
        find(&r, "HOLIDAY", "2026-11-03")["message"]
            .as_str()
            .unwrap()
            .contains("Election Day")
    );
    assert!(spans(&r, "OUTSIDE_LEGAL_HOURS").is_empty());
}

#[test]
fn an_850_number_is_checked_in_eastern_and_central_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("numbers.txt"),
        "# recipients\n+1 850 555 0123\n",
    )
    .unwrap();
    let mut d = doc("America/New_York", &[("MONDAY", "08:00:00", "17:00:00")]);
    d["compliance"] = json!({"recipients": {"phoneNumbersFile": "numbers.txt"}});
    let (code, r) = check(
        dir.path(),
        &d,
        &["--from", "2026-01-01", "--horizon-days", "365"],
    );
    assert_eq!(code, 1);
    let chi = |rule: &str| {
        (
            s(rule),
            0,
            s("America/Chicago"),
            s("FL"),
            s("2026-01-05"),
            s("2026-12-28"),
            52,
        )
    };
    assert_eq!(
        spans(&r, "OUTSIDE_LEGAL_HOURS"),
        [chi("US-FED-TCPA"), chi("US-FL")]
    );
    let zones: Vec<&Value> = r["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["zone"])
        .collect();
    assert_eq!(zones, ["America/Chicago", "America/New_York"]);
    assert_eq!(
        find(&r, "OUTSIDE_LEGAL_HOURS", "2026-01-05")["presumption"],
        "area code 850 (1 number)"
    );
    assert!(
        r["assumptions"][0]
            .as_str()
            .unwrap()
            .contains("area code 850 presumed to reach FL")
    );
}

#[test]
fn a_legal_schedule_passes_and_states_its_presumption() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc("America/New_York", &[("MONDAY", "09:00:00", "17:00:00")]);
    let (code, r) = check(dir.path(), &d, &["--from", "2026-01-01"]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["status"], "pass");
    assert_eq!(r["findings"], json!([]));
    assert!(
        r["assumptions"][0]
            .as_str()
            .unwrap()
            .contains("campaign's zone, America/New_York")
    );
    assert_eq!(r["horizonDays"], 366);
}

#[test]
fn bad_phone_lines_and_invalid_documents_fail_with_where_and_what() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.txt"), "+18505550123\n555-0123\n").unwrap();
    let d = doc("America/New_York", &[("MONDAY", "09:00:00", "17:00:00")]);
    let (code, r) = check(dir.path(), &d, &["--phone-numbers", "n.txt"]);
    assert_eq!(code, 1);
    assert_eq!(r["status"], "fail");
    let msg = r["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("n.txt:2: expected a 10-digit NANP number"),
        "{msg}"
    );

    let bad = doc("CST", &[("MONDAY", "09:00:00", "17:00:00")]);
    let (code, r) = check(dir.path(), &bad, &[]);
    assert_eq!(code, 1);
    assert_eq!(r["valid"], false);
    assert_eq!(r["errors"][0]["path"], "timezone");
}

#[test]
fn human_report_says_what_where_and_that_it_is_not_legal_advice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.json");
    std::fs::write(
        &file,
        doc("America/New_York", &[("MONDAY", "08:00:00", "21:00:00")]).to_string(),
    )
    .unwrap();
    let out = crate::util::command()
        .args(["--output", "human", "check"])
        .arg(&file)
        .args(["--from", "2026-01-01", "--recipient-state", "FL"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(": FAIL"), "{text}");
    assert!(text.contains("US-FL"), "{text}");
    assert!(text.contains("end it by 20:00:00"), "{text}");
    assert!(text.contains("not legal advice"), "{text}");
    assert!(text.contains("presumption:"), "{text}");
}

#[test]
fn jsonl_reports_each_line_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let good = doc("America/New_York", &[("MONDAY", "09:00:00", "17:00:00")]);
    let early = doc("America/New_York", &[("MONDAY", "07:00:00", "17:00:00")]);
    let file = dir.path().join("p.jsonl");
    std::fs::write(&file, format!("{good}\nnull\n{early}\n")).unwrap();
    let out = crate::util::command()
        .args([
            "--output",
            "json",
            "check",
            "--from",
            "2026-01-01",
            "--jsonl",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let status: Vec<(&Value, &Value)> = lines.iter().map(|l| (&l["line"], &l["status"])).collect();
    assert_eq!(
        status,
        [
            (&json!(1), &json!("pass")),
            (&json!(2), &json!("fail")),
            (&json!(3), &json!("fail"))
        ]
    );
}

#[test]
fn a_from_date_outside_the_supported_range_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedule.json");
    let document = doc("America/New_York", &[("MONDAY", "09:00:00", "17:00:00")]);
    std::fs::write(&file, document.to_string()).unwrap();
    for from in ["9999-12-01", "0001-01-01", "2026-02-30"] {
        let out = crate::util::command()
            .args(["check", "--from", from])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{from}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--from"),
            "{from}"
        );
    }
}
