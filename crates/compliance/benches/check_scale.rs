//! Scale benchmark (prints figures; not a test): N generated schedules (up to 8 windows a
//! day) checked against every US state and every zone the area-code table can name, over a
//! horizon of D days, on all cores.
//!
//! `cargo bench -p cxsched-compliance --bench check_scale -- [--schedules N] [--days D]`
//! (`bench/check_scale.sh` runs it at 366 and 3,660 days under `/usr/bin/time -v`).

use std::time::Instant;

use cxsched_compliance::recipients::{RecipientInput, resolve};
use cxsched_compliance::{AreaCodeTable, Horizon, RulePack, check};
use cxsched_core::validate::parse_json_document;
use cxsched_core::{Purpose, Schedule};
use jiff::civil::date;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Europe/London",
    "America/Puerto_Rico",
    "Asia/Kolkata",
];
const DAYS: [&str; 7] = cxsched_core::model::WEEKDAY_NAMES;

fn generate(rng: &mut StdRng) -> Schedule {
    let zone = ZONES[rng.random_range(0..ZONES.len())];
    let mut windows = Vec::new();
    for day in DAYS {
        if rng.random_range(0..7) == 0 {
            continue; // some days closed
        }
        // k non-overlapping windows between 07:00 and 22:00, in 15-minute steps.
        let k = 1 + rng.random_range(0..8) as u32;
        let slot = (15 * 60) / k; // minutes per slot
        for i in 0..k {
            let base = 7 * 60 + i * slot;
            let start = base + (rng.random_range(0..u64::from(slot / 3).max(1)) as u32 / 15) * 15;
            let end = (base + slot
                - (rng.random_range(0..u64::from(slot / 3).max(1)) as u32 / 15) * 15)
                .max(start + 15);
            windows.push(format!(
                r#"{{"dayOfWeek":"{day}","startTime":"{:02}:{:02}:00","endTime":"{:02}:{:02}:00"}}"#,
                start / 60,
                start % 60,
                end.min(base + slot) / 60,
                end.min(base + slot) % 60
            ));
        }
    }
    let text = format!(
        r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-{:012x}","timezone":"{zone}","businessHoursDirective":"STRICT","maxConcurrentCalls":10,"timeWindows":[{}]}}"#,
        rng.random_range(0..1u64 << 40) + 1,
        windows.join(",")
    );
    let v = parse_json_document(&text);
    v.schedule
        .unwrap_or_else(|| panic!("generated an invalid schedule: {:?}\n{text}", v.errors))
}

fn arg(name: &str, default: u32) -> u32 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n = arg("--schedules", 10_000);
    let days = arg("--days", 366);
    let pack = RulePack::embedded_us();
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

    let t1 = Instant::now();
    let horizon = Horizon::new(&pack, date(2026, 1, 1), days);
    let (findings, errors) = schedules
        .par_iter()
        .map(|s| {
            let r = check(&pack, &horizon, s, Purpose::Telemarketing, &targets);
            (r.findings.len(), usize::from(r.has_errors()))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let checked = t1.elapsed();

    // Rendering every finding's message and JSON for a sample, to show that cost too.
    let sample = (arg("--render-sample", 100) as usize).min(schedules.len());
    let t2 = Instant::now();
    let mut bytes = 0usize;
    // A digest of the rendered findings (FNV-1a), to compare runs of different builds.
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    for s in &schedules[..sample] {
        let r = check(&pack, &horizon, s, Purpose::Telemarketing, &targets);
        let list = cxsched_compliance::findings(&r, &pack, s, &targets);
        let text = serde_json::to_string(&list).expect("serializes");
        bytes += text.len();
        for b in text.bytes() {
            digest = (digest ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let rendered = t2.elapsed();

    println!(
        "{{\"schedules\":{n},\"windows\":{windows},\"targets\":{},\"states\":{},\"zones\":{},\"horizonDays\":{days},\
         \"threads\":{},\"findings\":{findings},\"failingSchedules\":{errors},\"generateSeconds\":{:.3},\
         \"checkSeconds\":{:.3},\"schedulesPerSecond\":{:.0},\"renderSample\":{sample},\"renderSampleSeconds\":{:.3},\"renderSampleBytes\":{bytes},\"renderSampleDigest\":\"{digest:016x}\"}}",
        targets.len(),
        states.len(),
        zones.len(),
        rayon::current_num_threads(),
        generated.as_secs_f64(),
        checked.as_secs_f64(),
        f64::from(n) / checked.as_secs_f64(),
        rendered.as_secs_f64(),
    );
}
