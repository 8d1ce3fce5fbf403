//! What the benchmarks share: the generated schedules (the same for `check_scale` and
//! `curfews`, so their figures describe one workload) and their flags.

use cxsched_core::Schedule;
use cxsched_core::validate::parse_json_document;
use rand::Rng;
use rand::rngs::StdRng;

/// The allocator the `cxsched` binary runs with, so that the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The campaign zones schedules are drawn from.
pub const ZONES: &[&str] = &[
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

/// A random schedule: a campaign zone of [`ZONES`], some days closed, 1–8 non-overlapping
/// windows a day between 07:00 and 22:00 in 15-minute steps.
pub fn generate(rng: &mut StdRng) -> Schedule {
    let zone = ZONES[rng.random_range(0..ZONES.len())];
    let mut windows = Vec::new();
    for day in DAYS {
        if rng.random_range(0..7) == 0 {
            continue; // some days closed
        }
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
    *v.schedule
        .unwrap_or_else(|| panic!("generated an invalid schedule: {:?}\n{text}", v.errors))
}

/// The number after `name` on the command line, else `default`.
pub fn arg(name: &str, default: u32) -> u32 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
