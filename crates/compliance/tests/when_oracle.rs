//! `when` against Python's zoneinfo (`tests/oracle/when_oracle.py`, tzdata pinned in
//! `tests/oracle/requirements.txt`): a few numbers over both 2027 DST changes. The rule
//! pack's reading (per-weekday hours, holiday dates) is handed to the oracle; what it checks
//! independently is the calendar, the DST arithmetic and the intersection over zones. The
//! interpreter is `$CXSCHED_PYTHON`; without it this test fails rather than skips.

mod reference;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use cxsched_compliance::RulePack;
use cxsched_compliance::curfew::{DayHours, day_hours, zone_rules};
use cxsched_compliance::when::when;
use cxsched_core::{Purpose, Weekday};
use jiff::civil::{Date, date};
use reference::{is_holiday, targets};
use serde_json::{Value, json};

fn case(pack: &RulePack, phone: &str, from: Date, days: u32) -> (Value, Value) {
    let t = targets(&[], &[], &[phone]);
    let p = Purpose::Telemarketing;
    let ts: Vec<Value> = t
        .iter()
        .map(|x| {
            let mut rules = zone_rules(pack, p, [x.state.as_deref()]);
            rules.retain(|&i| {
                let r = &pack.rules[i];
                r.reaches_zone(x.zone.canonical) && r.in_force(from)
            });
            let hours: Vec<Value> = (0..7)
                .map(|i| {
                    match day_hours(
                        pack,
                        &rules,
                        Weekday::from_monday_zero_offset(i).unwrap(),
                        |_| false,
                    ) {
                        DayHours::Open { open, close, .. } => json!([open, close]),
                        DayHours::Closed(_) => Value::Null,
                    }
                })
                .collect();
            let mut closed = Vec::new();
            let mut d = from.checked_sub(jiff::Span::new().days(3)).unwrap();
            let end = from
                .checked_add(jiff::Span::new().days(days as i64 + 3))
                .unwrap();
            while d <= end {
                if rules.iter().any(|&ri| is_holiday(pack, ri, d)) {
                    closed.push(d.to_string());
                }
                d = d.tomorrow().unwrap();
            }
            json!({"zone": x.zone.canonical, "hours": hours, "closed": closed})
        })
        .collect();
    let ours: Vec<Value> = when(pack, p, &t, from, days)
        .iter()
        .map(|d| {
            let iv: Vec<Value> = d
                .intervals
                .iter()
                .map(|i| json!([i.start.as_second(), i.end.as_second()]))
                .collect();
            json!({"date": d.date.to_string(), "intervals": iv})
        })
        .collect();
    (
        json!({"from": from.to_string(), "days": days, "targets": ts}),
        Value::Array(ours),
    )
}

#[test]
fn when_agrees_with_zoneinfo_over_both_2027_changes() {
    let python = std::env::var("CXSCHED_PYTHON").unwrap_or_else(|_| {
        panic!(
            "CXSCHED_PYTHON is not set: point it at a Python with tests/oracle/requirements.txt \
             installed (for example .venv/bin/python after `.ci/run`)"
        )
    });
    let pack = RulePack::embedded_us();
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for phone in [
        "+12125550123", // New York
        "+15125550123", // Texas, Central
        "+19155550123", // El Paso, Mountain
        "+19285550123", // Navajo: Denver and Phoenix
        "+18505550123", // Florida: Chicago and New York
        "+18085550123", // Honolulu
        "+18015550123", // Utah (Sundays, holidays)
        "+12155550123", // Pennsylvania (holidays)
    ] {
        for (from, days) in [(date(2027, 3, 8), 14), (date(2027, 10, 30), 14)] {
            let (c, o) = case(&pack, phone, from, days);
            cases.push(c);
            ours.push(o);
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oracle/when_oracle.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .env("PYTHONTZPATH", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run CXSCHED_PYTHON={python}: {e}"));
    let input = serde_json::to_vec(&json!({ "cases": cases })).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs = theirs["cases"].as_array().unwrap();
    assert_eq!(theirs.len(), ours.len());
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(a, b, "case {i}: {}", cases[i]);
    }
}
