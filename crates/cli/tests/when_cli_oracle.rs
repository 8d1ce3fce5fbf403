//! Oracle test of `cxsched when --output json` against Python (`tests/oracle/when_cli_oracle.py`):
//! libphonenumber's zone data for each area code's candidate zones, `zoneinfo` (tzdata
//! pinned in `tests/oracle/requirements.txt`) for the local times, and the calling hours
//! written out below by hand from the statutes (not read from the rule pack). Numbers with
//! one zone and with two (Navajo 928: Denver and Phoenix; Florida 850: Chicago and New
//! York), over both 2027 DST changes, through the real binary, in both its forms (`--phone`
//! and `--phone-numbers`). The interpreter comes from `CXSCHED_PYTHON` (set up by
//! `.ci/run`); without it the test fails, it does not skip.

use crate::util::{oracle_report, tzdb_version};
use serde_json::{Value, json};

/// The numbers, each with the rules that apply to a telemarketing call to it: the federal
/// hours and its state's (TCPA 47 CFR 64.1200(c)(1); Tex. Bus. & Com. Code 301.051; Fla.
/// Stat. 501.616(6)(a); Utah Code 13-25a-103(3)).
fn numbers() -> Vec<(&'static str, Vec<Value>)> {
    let federal = json!({"id": "US-FED-TCPA", "hours": "08:00-21:00"});
    let texas = json!({"id": "US-TX", "hours": "09:00-21:00", "days": {"sunday": "12:00-21:00"}});
    let texas_central =
        json!({"id": "US-TX-CENTRAL", "hours": "09:00-20:00", "days": {"sunday": "12:00-20:00"}});
    let florida = json!({"id": "US-FL", "hours": "08:00-20:00"});
    let utah = json!({"id": "US-UT", "hours": "08:00-21:00", "prohibited": ["sunday"]});
    vec![
        ("+15125550100", vec![federal.clone(), texas.clone()]), // Austin: Chicago
        // El Paso: Denver, where Texas's hours are also read in Central time (the stricter
        // reading of SB 140, US-TX-CENTRAL).
        ("9155550100", vec![federal.clone(), texas, texas_central]),
        ("+19285550100", vec![federal.clone()]), // Navajo: Denver and Phoenix
        ("+18505550100", vec![federal.clone(), florida]), // Panhandle: Chicago and New York
        ("+12125550100", vec![federal.clone()]), // New York
        ("+18085550100", vec![federal.clone()]), // Honolulu: no DST
        ("+18015550100", vec![federal, utah]),   // Salt Lake City: Sundays
    ]
}

/// Two weeks around the March change, ten days around the November one (stopping before
/// Veterans Day, a Utah holiday the oracle does not model).
const HORIZONS: [(&str, u32); 2] = [("2027-03-08", 14), ("2027-10-31", 10)];

fn cxsched(args: &[&str]) -> Vec<u8> {
    let out = crate::util::command()
        .args(["--output", "json", "when"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cxsched when {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn when_agrees_with_zoneinfo_and_libphonenumber_over_both_2027_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("numbers.txt");
    let list = numbers();
    let text: String = list.iter().map(|(n, _)| format!("{n}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();

    let mut cases = Vec::new();
    for (from, days) in HORIZONS {
        let days_s = days.to_string();
        let batch = cxsched(&["--phone-numbers", file, "--from", from, "--days", &days_s]);
        let lines: Vec<Value> = String::from_utf8(batch)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), list.len());
        for ((number, rules), mut line) in list.iter().zip(lines) {
            assert_eq!(line["recipient"], *number);
            // One recipient by --phone is the same answer without the line number.
            let single: Value = serde_json::from_slice(&cxsched(&[
                "--phone", number, "--from", from, "--days", &days_s,
            ]))
            .unwrap();
            line.as_object_mut().unwrap().remove("line");
            assert_eq!(single, line, "--phone {number} and --phone-numbers differ");
            cases.push(json!({
                "number": number, "from": from, "days": days, "rules": rules, "answer": line,
            }));
        }
    }

    let request = json!({"tzdb": tzdb_version(), "cases": cases});
    let report = oracle_report("when_cli_oracle.py", &request, "the oracle");
    println!("oracle: {report}");
    // It compared what it claims: every case, multi-zone numbers, days whose offset changes
    // (each horizon holds a change), Utah's closed Sundays, and a real number of intervals.
    assert_eq!(report["cases"], cases.len());
    assert_eq!(report["multiZone"], 2 * HORIZONS.len(), "{report}");
    assert!(report["offsetChanges"].as_u64().unwrap() >= 8, "{report}");
    assert!(report["closedDays"].as_u64().unwrap() >= 3, "{report}");
    assert!(report["intervals"].as_u64().unwrap() > 100, "{report}");
}
