//! Scale benchmark (prints figures; not a test): N generated schedules (up to 8 windows a
//! day) checked against every US state and every zone the area-code table can name, over a
//! horizon of D days, on all cores.
//!
//! `cargo bench -p cxsched-compliance --bench check_scale -- [--schedules N] [--days D]
//! [--versions 1] [--blackouts B]` (`bench/check_scale.sh` runs it at 366 and 3,660 days
//! under `/usr/bin/time -v`, and at 366 days with versions and 50 blackouts).
//!
//! `--versions 1` splits every rule of the pack into two versions at the horizon's middle
//! with the same hours (a new citation: the cost of versions alone), `--versions 2` with the
//! second closing an hour earlier (more findings too); `--blackouts B` adds B blackouts of
//! one to three days spread over the horizon: every tenth for everyone (a company holiday),
//! the others for one state or one zone (declared emergencies, local holidays).
//!
//! `--digest` adds a hash of every raw finding of every schedule (all fields, in report
//! order) to the JSON line, so that two builds can be shown to report the same thing; it
//! costs check time, so leave it off when timing.

mod common;

use common::{ZONES, arg, generate};
use std::hash::{Hash, Hasher};
use std::time::Instant;

use cxsched_compliance::recipients::{RecipientInput, resolve};
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{AreaCodeTable, Horizon, RulePack, check_with_blackouts};
use cxsched_core::model::Blackout;
use cxsched_core::{Purpose, Schedule};
use jiff::civil::date;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;

fn main() {
    let n = arg("--schedules", 10_000);
    let days = arg("--days", 366);
    let from = date(2026, 1, 1);
    let mut pack = RulePack::embedded_us();
    let change = from
        .checked_add(jiff::Span::new().days(i64::from(days / 2)))
        .expect("in range");
    let versions = arg("--versions", 0);
    let versioned = versions > 0;
    if versioned {
        let mut rules = Vec::new();
        for r in &pack.rules {
            let mut old = r.clone();
            old.effective_to = Some(change);
            old.effective_from = None;
            let mut new = r.clone();
            new.effective_from = Some(change);
            new.effective_to = None;
            for d in new.days.iter_mut().filter(|_| versions == 2) {
                if let DayRule::Allowed { open, close } = d {
                    *close = (*close - 3600).max(*open + 3600);
                }
            }
            rules.push(old);
            rules.push(new);
        }
        pack.rules = rules;
    }
    let table = AreaCodeTable::embedded();

    let mut rng = StdRng::seed_from_u64(42);
    let t0 = Instant::now();
    let schedules: Vec<Schedule> = (0..n).map(|_| generate(&mut rng)).collect();
    let generated = t0.elapsed();
    let windows: usize = schedules.iter().map(|s| s.windows.len()).sum();

    // Every state (and territory) and every zone the table can name.
    let states = table.states();
    let zones = table.zones();
    let input = RecipientInput {
        zones: &zones,
        states: &states,
        phone_numbers: None,
    };
    let targets = resolve(&input, &schedules[0].timezone, || table)
        .expect("table resolves")
        .targets;

    let blackouts: Vec<Blackout> = (0..arg("--blackouts", 0))
        .map(|i| {
            let start = from
                .checked_add(jiff::Span::new().days(i64::from(i * 37 % days.max(1))))
                .expect("in range");
            Blackout {
                name: format!("blackout {i}"),
                from: start,
                to: start
                    .checked_add(jiff::Span::new().days(i64::from(i % 3)))
                    .expect("in range"),
                states: if i % 10 != 0 && i % 2 == 1 {
                    vec![states[i as usize % states.len()].clone()]
                } else {
                    Vec::new()
                },
                zones: if i % 10 != 0 && i % 2 == 0 {
                    vec![ZONES[i as usize % ZONES.len()].to_string()]
                } else {
                    Vec::new()
                },
                source: None,
                reason: None,
            }
        })
        .collect();

    let with_digest = std::env::args().any(|a| a == "--digest");
    let t1 = Instant::now();
    let horizon = Horizon::new(&pack, from, days);
    let per_schedule: Vec<(usize, usize, u64)> = schedules
        .par_iter()
        .map(|s| {
            let r = check_with_blackouts(
                &pack,
                &horizon,
                s,
                Purpose::Telemarketing,
                &targets,
                &blackouts,
            );
            // Per schedule, combined in schedule order below, so threads do not matter.
            let digest = with_digest.then(|| {
                let mut h = std::hash::DefaultHasher::new();
                // As the slice of every finding would hash: its length, then each.
                r.len().hash(&mut h);
                r.findings().for_each(|f| f.hash(&mut h));
                r.blackouts.len().hash(&mut h);
                h.finish()
            });
            (r.len(), usize::from(r.has_errors()), digest.unwrap_or(0))
        })
        .collect();
    let checked = t1.elapsed();
    let (findings, errors) = per_schedule
        .iter()
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let check_digest = with_digest.then(|| {
        let mut h = std::hash::DefaultHasher::new();
        for (_, _, d) in &per_schedule {
            d.hash(&mut h);
        }
        format!(",\"checkDigest\":\"{:016x}\"", h.finish())
    });

    // Rendering every finding's message and JSON for a sample, to show that cost too.
    let sample = (arg("--render-sample", 100) as usize).min(schedules.len());
    let t2 = Instant::now();
    let mut bytes = 0usize;
    // A digest of the rendered findings (FNV-1a), to compare runs of different builds.
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    for s in &schedules[..sample] {
        let r = check_with_blackouts(
            &pack,
            &horizon,
            s,
            Purpose::Telemarketing,
            &targets,
            &blackouts,
        );
        let list = cxsched_compliance::findings(&r, &pack, s, &targets);
        let text = serde_json::to_string(&list).expect("serializes");
        bytes += text.len();
        for b in text.bytes() {
            digest = (digest ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let rendered = t2.elapsed();

    println!(
        "{{\"schedules\":{n},\"windows\":{windows},\"targets\":{},\"states\":{},\"zones\":{},\"horizonDays\":{days},\"versions\":{versions},\"blackouts\":{},\
         \"threads\":{},\"findings\":{findings},\"failingSchedules\":{errors},\"generateSeconds\":{:.3},\
         \"checkSeconds\":{:.3},\"schedulesPerSecond\":{:.0},\"renderSample\":{sample},\"renderSampleSeconds\":{:.3},\"renderSampleBytes\":{bytes},\"renderSampleDigest\":\"{digest:016x}\"{}}}",
        targets.len(),
        states.len(),
        zones.len(),
        blackouts.len(),
        rayon::current_num_threads(),
        generated.as_secs_f64(),
        checked.as_secs_f64(),
        f64::from(n) / checked.as_secs_f64(),
        rendered.as_secs_f64(),
        check_digest.unwrap_or_default(),
    );
}
