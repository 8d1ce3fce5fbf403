//! End-to-end tests of `rules [STATE]` and `rules holidays` (issue 11): what the rule pack
//! holds, human and JSON, embedded and from `--rules FILE`.

use serde_json::Value;

use crate::util::run as cxsched;

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--output", "json"];
    all.extend_from_slice(args);
    let out = cxsched(&all);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn human(args: &[&str]) -> String {
    let out = cxsched(args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn rules_alone_lists_every_rule_briefly() {
    let v = json(&["rules"]);
    assert!(v["ruleset"].as_str().unwrap().starts_with("us@"));
    let rules = v["rules"].as_array().unwrap();
    assert!(rules.len() > 20, "{}", rules.len());
    assert!(rules.iter().any(|r| r["id"] == "US-FED-TCPA"));
    let text = human(&["rules"]);
    assert!(
        text.contains("US-FED-TCPA     FED Mon-Sun 08:00-21:00 (telemarketing)"),
        "{text}"
    );
    assert!(text.contains("not legal advice"), "{text}");
    // One line per rule, plus the heading and the disclaimer.
    assert_eq!(text.lines().count(), rules.len() + 2);
}

#[test]
fn a_state_in_full_with_versions_zones_and_federal_rules() {
    let v = json(&["rules", "tx"]);
    assert_eq!(v["state"], "TX");
    let tx = v["rules"].as_array().unwrap();
    assert_eq!(tx.len(), 3);
    assert!(tx.iter().all(|r| r["state"] == "TX"));
    assert_eq!(tx[1]["effectiveFrom"], "2025-09-01");
    assert_eq!(tx[0]["effectiveTo"], "2025-09-01");
    assert_eq!(tx[0]["version"], "before 2025-09-01");
    assert_eq!(tx[1]["hours"]["SUNDAY"]["open"], "12:00");
    assert_eq!(tx[1]["hours"]["MONDAY"]["close"], "21:00");
    let central = tx.iter().find(|r| r["id"] == "US-TX-CENTRAL").unwrap();
    assert_eq!(central["zones"][0], "America/Denver");
    assert!(
        central["presumption"]
            .as_str()
            .unwrap()
            .contains("stricter")
    );
    assert_eq!(central["confidence"], "M");
    let federal = v["federal"].as_array().unwrap();
    assert!(federal.iter().all(|r| r["state"].is_null()));
    assert!(federal.iter().any(|r| r["id"] == "US-FED-REGF"));

    let text = human(&["rules", "TX"]);
    assert!(text.contains("US-TX-CENTRAL — "), "{text}");
    assert!(
        text.contains("hours:       Mon-Sat 09:00-21:00; Sun 12:00-21:00"),
        "{text}"
    );
    assert!(text.contains("effective:   from 2025-09-01"), "{text}");
    assert!(text.contains("zones:       America/Denver"), "{text}");
    assert!(
        text.contains("Federal rules (apply in every state):"),
        "{text}"
    );
}

#[test]
fn prohibited_days_and_holiday_calendars() {
    let v = json(&["rules", "PA"]);
    let pa = &v["rules"][0];
    assert_eq!(pa["holidayCalendar"], "PA");
    let all = json(&["rules"]);
    // Some rule bans a weekday (a Sunday ban): it is listed and has no hours that day.
    let banned = all["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| !r["prohibitedDays"].as_array().unwrap().is_empty())
        .expect("a rule with a prohibited day");
    let day = banned["prohibitedDays"][0].as_str().unwrap();
    assert!(banned["hours"][day].is_null());
    let state = banned["state"].as_str().unwrap();
    let text = human(&["rules", state]);
    assert!(text.contains("prohibited:"), "{text}");
    assert!(text.contains("no calls"), "{text}");
}

#[test]
fn a_state_without_rules_gets_the_federal_ones() {
    let v = json(&["rules", "VT"]);
    assert_eq!(v["rules"].as_array().unwrap().len(), 0);
    assert_eq!(v["federal"].as_array().unwrap().len(), 3);
    let text = human(&["rules", "VT"]);
    assert!(text.starts_with("VT: no state rules in us@"), "{text}");
}

#[test]
fn holidays_with_observance() {
    // 2026: Flag Day (June 14) is a Sunday; Pennsylvania observes it on Monday June 15 and
    // does not move Saturday holidays (July 4 2026 is a Saturday).
    let v = json(&["rules", "holidays", "--state", "PA", "--year", "2026"]);
    let days = v["holidays"].as_array().unwrap();
    let on = |d: &str| days.iter().filter(|h| h["date"] == d).collect::<Vec<_>>();
    assert_eq!(on("2026-06-14")[0]["observed"], false);
    let monday = on("2026-06-15");
    assert_eq!(monday[0]["name"], "Flag Day");
    assert_eq!(monday[0]["observed"], true);
    assert_eq!(monday[0]["dayOfWeek"], "MONDAY");
    assert!(
        monday[0]["observance"]
            .as_str()
            .unwrap()
            .contains("falls on Sunday 2026-06-14"),
        "{monday:?}"
    );
    assert_eq!(on("2026-07-04").len(), 1);
    assert!(on("2026-07-03").is_empty());
    assert!(
        days.iter()
            .any(|h| h["name"] == "Good Friday" && h["date"] == "2026-04-03")
    );
    assert!(
        days.iter()
            .any(|h| h["name"] == "Election Day" && h["date"] == "2026-11-03")
    );
    assert_eq!(v["calendars"][0]["rules"][0], "US-PA");
    // Every date is in the year, in order.
    let dates: Vec<&str> = days.iter().map(|h| h["date"].as_str().unwrap()).collect();
    assert!(dates.iter().all(|d| d.starts_with("2026-")));
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));

    let text = human(&["rules", "holidays", "--state", "pa", "--year", "2026"]);
    assert!(text.contains("2026-06-15 Mon  Flag Day"), "{text}");
    assert!(text.contains("observes it on the Monday"), "{text}");
}

#[test]
fn holidays_of_a_state_without_a_calendar() {
    let text = human(&["rules", "holidays", "--state", "FL", "--year", "2026"]);
    assert!(text.starts_with("FL: no rule of us@"), "{text}");
    let v = json(&["rules", "holidays", "--state", "FL", "--year", "2026"]);
    assert_eq!(v["holidays"].as_array().unwrap().len(), 0);
}

#[test]
fn a_custom_pack_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let text = cxsched_compliance::rules::US_RULES_TOML
        .replacen("version = \"", "version = \"custom-", 1)
        .replacen(
            "{ name = \"Flag Day\"",
            "{ name = \"Test Day\", date = \"03-03\" },\n  { name = \"Flag Day\"",
            1,
        );
    let file = dir.path().join("pack.toml");
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let v = json(&["rules", "--rules", f]);
    assert!(
        v["ruleset"].as_str().unwrap().starts_with("us@custom-"),
        "{v}"
    );
    let h = json(&[
        "rules", "holidays", "--state", "PA", "--year", "2026", "--rules", f,
    ]);
    assert!(
        h["holidays"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "Test Day" && d["date"] == "2026-03-03"),
        "{h}"
    );
    // A pack that cannot be read is a usage error naming the file.
    let out = cxsched(&["rules", "--rules", "no-such-pack.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-pack.toml"));
}

#[test]
fn bad_state_and_year_are_usage_errors() {
    let out = cxsched(&["rules", "Texas"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("USPS code"));
    let out = cxsched(&["rules", "holidays", "--state", "PA", "--year", "1800"]);
    assert_eq!(out.status.code(), Some(2));
    // `rules lint` is still there.
    let out = cxsched(&["rules", "lint", "no-such-pack.toml"]);
    assert_eq!(out.status.code(), Some(2));
}
