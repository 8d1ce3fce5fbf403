//! Oracle test of `cxsched expand` against Python's `zoneinfo` (`tests/oracle/zoneinfo_oracle.py`).
//!
//! Schedules are generated (deterministically; `CXSCHED_ORACLE_SEED` picks another seed) in 16
//! zones chosen for their transitions: 30-minute DST (Lord Howe), changes at midnight
//! (Santiago, Havana), 45-minute offsets (Chatham), Ramadan DST (Casablanca), negative DST
//! (Dublin), no DST (Phoenix, Kolkata). Windows cluster on the hours where clocks change. Each
//! schedule is expanded over two years by the real binary, and every `startUtc`/`endUtc` must
//! equal what zoneinfo gives with `fold=0`, with the same set of (date, window) pairs (void
//! occurrences absent on both sides). The interpreter comes from `CXSCHED_PYTHON` (set up by
//! `.ci/run`); without it the test fails, it does not skip.

use crate::util::{oracle_report, tzdb_version};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const ZONES: [&str; 16] = [
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Phoenix",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "America/St_Johns",
    "Europe/Dublin",
    "Pacific/Auckland",
    "America/Havana",
    "Asia/Tehran",
    "Africa/Casablanca",
    "America/Sao_Paulo",
    "UTC",
];
const SCHEDULES_PER_ZONE: usize = 4;
const FROM: &str = "2026-01-01";
const DAYS: u32 = 730;
const DAY_NAMES: [&str; 7] = cxsched_core::model::WEEKDAY_NAMES;

/// A time of day in seconds, mostly on the hours where clocks change.
fn boundary(rng: &mut StdRng) -> u64 {
    match rng.random_range(0..10) {
        // 00:00–04:00 on quarter hours (Lord Howe 01:30/02:00/02:30, Chatham 02:45/03:45).
        0..=5 => rng.random_range(0..16) * 900 + if rng.random_range(0..8) == 0 { 1 } else { 0 },
        // Late evening: Santiago and Havana fold back from midnight to 23:00.
        6 | 7 => 22 * 3600 + rng.random_range(0..8) * 900,
        _ => rng.random_range(0..86_400),
    }
}

fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A schedule document: on each day, up to 4 non-overlapping (possibly touching) windows.
fn document(rng: &mut StdRng, zone: &str, n: usize) -> Value {
    let mut windows = Vec::new();
    for day in DAY_NAMES {
        let mut points: Vec<u64> = (0..rng.random_range(0..8)).map(|_| boundary(rng)).collect();
        points.sort_unstable();
        points.dedup();
        for pair in points.windows(2) {
            if rng.random_range(0..3) != 0 {
                windows.push(
                    json!({"dayOfWeek": day, "startTime": hms(pair[0]), "endTime": hms(pair[1])}),
                );
            }
        }
    }
    // Shuffle, so window indexes are not in day order.
    for i in (1..windows.len()).rev() {
        windows.swap(i, rng.random_range(0..i + 1));
    }
    json!({
        "campaignId": format!("3f1c2a4e-7b8d-4c9e-a1f2-{:012x}", n + 1),
        "timezone": zone,
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 10,
        "timeWindows": windows,
    })
}

/// Schedules whose windows start and end exactly at, just around and inside every distinct
/// gap and fold of `zone` in the range (found with the bundled tz database; only the window
/// placement comes from it, the expected instants come from zoneinfo). Windows of one day
/// are packed into as many schedules as it takes to keep them from overlapping.
fn edge_documents(zone: &str, first_id: usize) -> Vec<Value> {
    let tz = cxsched_core::zone::resolve(zone).unwrap().zone.tz;
    let from: jiff::Timestamp = format!("{FROM}T00:00:00Z").parse().unwrap();
    let until = from + jiff::SignedDuration::from_hours(24 * (i64::from(DAYS) + 2));
    let second = jiff::SignedDuration::from_secs(1);
    let secs = |t: jiff::civil::Time| {
        u64::from(t.hour() as u8) * 3600
            + u64::from(t.minute() as u8) * 60
            + u64::from(t.second() as u8)
    };
    let mut wanted = std::collections::BTreeSet::new();
    for t in tz
        .following(from - jiff::SignedDuration::from_hours(48))
        .take_while(|t| t.timestamp() < until)
    {
        let (before, after) = (tz.to_offset(t.timestamp() - second), t.offset());
        if before == after {
            continue;
        }
        let (wb, wa) = (
            before.to_datetime(t.timestamp()),
            after.to_datetime(t.timestamp()),
        );
        let (lo, hi) = if wb < wa { (wb, wa) } else { (wa, wb) };
        let lo_s = secs(lo.time());
        let hi_s = if hi.date() == lo.date() {
            secs(hi.time())
        } else {
            86_399
        };
        let mut points = vec![
            lo_s.saturating_sub(1800),
            lo_s,
            (lo_s + hi_s) / 2,
            hi_s,
            (hi_s + 1800).min(86_399),
        ];
        points.sort_unstable();
        points.dedup();
        let day = lo.date().weekday().to_monday_zero_offset() as usize;
        for (i, &x) in points.iter().enumerate() {
            for &y in &points[i + 1..] {
                wanted.insert((day, x, y));
            }
        }
    }
    // Greedy packing: each window goes to the first schedule where its day has room.
    let mut packed: Vec<Vec<(usize, u64, u64)>> = Vec::new();
    for w in wanted {
        let fits = |s: &Vec<(usize, u64, u64)>| {
            let same_day = s.iter().filter(|o| o.0 == w.0);
            same_day.clone().count() < 8 && same_day.clone().all(|o| w.2 <= o.1 || o.2 <= w.1)
        };
        match packed.iter_mut().find(|s| fits(s)) {
            Some(s) => s.push(w),
            None => packed.push(vec![w]),
        }
    }
    packed
        .into_iter()
        .enumerate()
        .map(|(k, windows)| {
            let windows: Vec<Value> = windows
                .into_iter()
                .map(|(d, x, y)| json!({"dayOfWeek": DAY_NAMES[d], "startTime": hms(x), "endTime": hms(y)}))
                .collect();
            json!({
                "campaignId": format!("3f1c2a4e-7b8d-4c9e-a1f3-{:012x}", first_id + k + 1),
                "timezone": zone,
                "businessHoursDirective": "STRICT",
                "maxConcurrentCalls": 10,
                "timeWindows": windows,
            })
        })
        .collect()
}

#[test]
fn expand_agrees_with_python_zoneinfo_over_two_years_in_16_zones() {
    let seed = std::env::var("CXSCHED_ORACLE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    let mut rng = StdRng::seed_from_u64(seed);
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for (z, zone) in ZONES.iter().enumerate() {
        let random =
            (0..SCHEDULES_PER_ZONE).map(|k| document(&mut rng, zone, z * SCHEDULES_PER_ZONE + k));
        let docs: Vec<Value> = random.chain(edge_documents(zone, z * 100)).collect();
        for (k, doc) in docs.into_iter().enumerate() {
            let path = tmp.path().join(format!("{z:02}-{k}.json"));
            std::fs::write(&path, doc.to_string()).unwrap();
            let out = crate::util::command()
                .args([
                    "expand",
                    "--output",
                    "json",
                    "--from",
                    FROM,
                    "--days",
                    &DAYS.to_string(),
                ])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "expand failed for {zone}: {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
            let expand: Value = serde_json::from_slice(&out.stdout).unwrap();
            cases.push(json!({"document": doc, "expand": expand}));
        }
    }
    let request = json!({"from": FROM, "days": DAYS, "tzdb": tzdb_version(), "cases": &cases});

    let report = oracle_report("zoneinfo_oracle.py", &request, "the zoneinfo oracle");
    println!(
        "zoneinfo (tz {}) agrees on {} occurrences in {} schedules: {} shortened by a gap, {} \
         lengthened by a fold, {} void",
        report["tzdata"],
        report["occurrences"],
        report["cases"],
        report["gap"],
        report["fold"],
        report["void"]
    );

    // The comparison must have covered what it claims: many occurrences, in every zone, and
    // occurrences shortened by gaps and lengthened by folds.
    assert_eq!(report["cases"], cases.len());
    assert!(
        cases.len() > ZONES.len() * SCHEDULES_PER_ZONE,
        "no edge schedules were made"
    );
    assert!(report["occurrences"].as_u64().unwrap() > 10_000, "{report}");
    for zone in ZONES {
        let n = report["zones"][zone]["occurrences"].as_u64().unwrap_or(0);
        assert!(n > 100, "only {n} occurrences compared in {zone}");
    }
    assert!(
        report["gap"].as_u64().unwrap() > 0,
        "no gap occurrence was compared: {report}"
    );
    assert!(
        report["fold"].as_u64().unwrap() > 0,
        "no fold occurrence was compared: {report}"
    );
    assert!(
        report["void"].as_u64().unwrap() > 0,
        "no void occurrence was compared: {report}"
    );
    for zone in [
        "Australia/Lord_Howe",
        "America/Santiago",
        "America/Havana",
        "Pacific/Chatham",
    ] {
        let shifted = report["zones"][zone]["shifted"].as_u64().unwrap_or(0);
        assert!(
            shifted > 0,
            "no occurrence touched a transition in {zone}: {report}"
        );
    }
}
