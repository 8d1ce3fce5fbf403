//! Curfew benchmark (prints figures; not a test): N generated schedules (campaign zones and
//! windows varied as in `check_scale`), each reaching every (zone, state) target of the
//! area-code table, and every document's curfews compiled with `compile_for_schedule` over a
//! horizon of D days, on all cores. The compile is timed R times (median, min, max); a
//! sample of the results is checked for sanity (every curfew inside the federal 08:00–21:00,
//! each zone of the targets either a curfew or problems only).
//!
//! `cargo bench -p cxsched-compliance --bench curfews -- [--schedules N] [--days D] [--runs R]`
//! (`bench/curfews.sh` runs it under `/usr/bin/time -v`).

mod common;

use common::{arg, generate};
use std::collections::BTreeSet;
use std::time::Instant;

use cxsched_compliance::curfew::{Curfews, compile_for_schedule};
use cxsched_compliance::recipients::{RecipientInput, resolve};
use cxsched_compliance::{AreaCodeTable, RulePack};
use cxsched_core::{LocalTime, Purpose, Schedule};
use jiff::civil::date;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;

/// A digest (FNV-1a) of everything compiled, to compare builds: zone, bounds, rules,
/// states of each curfew; zone, weekday, rules of each problem.
fn digest(all: &[Curfews]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for c in all {
        for f in &c.curfews {
            eat(f.zone.canonical);
            eat(&f.start.to_string());
            eat(&f.end.to_string());
            eat(&f.rules.join(","));
            eat(&f.start_by.join(","));
            eat(&f.end_by.join(","));
            eat(&f.states.join(","));
        }
        for p in &c.problems {
            eat(&p.zone);
            eat(cxsched_core::model::weekday_name(p.weekday));
            eat(&p.rules.join(","));
            eat(&p.message);
        }
        eat("|");
    }
    h
}

fn main() {
    let n = arg("--schedules", 10_000);
    let days = arg("--days", 366);
    let runs = arg("--runs", 5).max(1);
    let pack = RulePack::embedded_us();
    let table = AreaCodeTable::embedded();
    let purpose = Purpose::Telemarketing;

    let mut rng = StdRng::seed_from_u64(42);
    let t0 = Instant::now();
    let schedules: Vec<Schedule> = (0..n).map(|_| generate(&mut rng)).collect();
    let generated = t0.elapsed();
    let windows: usize = schedules.iter().map(|s| s.windows.len()).sum();

    // Every (zone, state) of the table: each state (and territory) in every zone of its
    // area codes.
    let states = table.states();
    let input = RecipientInput {
        zones: &[],
        states: &states,
        phone_numbers: None,
    };
    let targets = resolve(&input, &schedules[0].timezone, || table)
        .expect("table resolves")
        .targets;
    let target_zones: BTreeSet<&str> = targets.iter().map(|t| t.zone.canonical).collect();

    let from = date(2027, 1, 1);
    let mut times = Vec::new();
    let mut compiled: Vec<Curfews> = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        compiled = schedules
            .par_iter()
            .map(|s| compile_for_schedule(&pack, purpose, &targets, s, from, days))
            .collect();
        times.push(t.elapsed().as_secs_f64());
        // Results are kept (and dropped) outside the timing only on the last run.
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];

    let curfews: usize = compiled.iter().map(|c| c.curfews.len()).sum();
    let problems: usize = compiled.iter().map(|c| c.problems.len()).sum();

    // Sanity, on every 10th document: every curfew inside 08:00–21:00 (the federal rule of
    // the purpose) and non-empty, in a zone of the targets; every zone of the targets has a
    // curfew or problems; curfews and problems sorted by zone.
    let (fed_open, fed_close) = (8 * 3600, 21 * 3600);
    let mut sampled = 0usize;
    for c in compiled.iter().step_by(10) {
        sampled += 1;
        let mut zones_seen = BTreeSet::new();
        for f in &c.curfews {
            let (s, e) = (f.start.seconds(), f.end.seconds());
            assert!(
                fed_open <= s && s < e && e <= fed_close,
                "curfew {} {}–{} outside 08:00–21:00",
                f.zone.canonical,
                f.start,
                f.end
            );
            assert!(e < LocalTime::DAY);
            assert!(target_zones.contains(f.zone.canonical));
            zones_seen.insert(f.zone.canonical);
        }
        for p in &c.problems {
            zones_seen.insert(p.zone.as_str());
        }
        assert_eq!(
            zones_seen, target_zones,
            "every zone has a curfew or problems"
        );
        assert!(
            c.curfews
                .windows(2)
                .all(|w| w[0].zone.canonical < w[1].zone.canonical)
        );
    }

    println!(
        "{{\"schedules\":{n},\"windows\":{windows},\"targets\":{},\"states\":{},\"zones\":{},\"horizonDays\":{days},\
         \"threads\":{},\"runs\":{runs},\"curfews\":{curfews},\"problems\":{problems},\"generateSeconds\":{:.3},\
         \"compileSecondsMedian\":{median:.3},\"compileSecondsMin\":{:.3},\"compileSecondsMax\":{:.3},\
         \"compileSeconds\":[{}],\"documentsPerSecond\":{:.0},\"sanitySampled\":{sampled},\"digest\":\"{:016x}\"}}",
        targets.len(),
        states.len(),
        target_zones.len(),
        rayon::current_num_threads(),
        generated.as_secs_f64(),
        sorted[0],
        sorted[sorted.len() - 1],
        times
            .iter()
            .map(|t| format!("{t:.3}"))
            .collect::<Vec<_>>()
            .join(","),
        f64::from(n) / median,
        digest(&compiled),
    );
}
