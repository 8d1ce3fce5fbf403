//! `cxsched expand FILE --from DATE --days N`: every concrete occurrence of the windows in a
//! date range, DST resolved (gap: moved forward; fold: earlier instant). Occurrences a gap
//! leaves empty do not happen and are omitted.

use std::io::Write;
use std::path::PathBuf;

use cxsched_core::model::weekday_name;
use cxsched_core::{Date, occurrences};
use serde_json::json;

use super::{Globals, Outcome, UsageError, validate};
use crate::input;
use crate::output::OutputMode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The schedule document.
    pub file: PathBuf,
    /// First date (YYYY-MM-DD, campaign-local).
    #[arg(long, value_parser = super::supported_date)]
    pub from: Date,
    /// Number of dates.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=7320))]
    pub days: u32,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if args.file.as_os_str() != "-" && !args.file.is_file() {
        return Err(UsageError(format!("{}: no such file", args.file.display())).into());
    }
    let loaded = input::load(&args.file);
    let Some(schedule) = &loaded.validation.schedule else {
        let text = validate::render(&loaded.source, None, &loaded.validation, globals.output);
        std::io::stdout().write_all(text.as_bytes())?;
        return Ok(Outcome::Failed);
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let occs = occurrences(schedule, args.from, args.days).filter(|o| !o.is_void());
    match globals.output {
        OutputMode::Json => {
            let list: Vec<serde_json::Value> = occs
                .map(|o| {
                    json!({
                        "date": o.date.to_string(),
                        "dayOfWeek": weekday_name(o.weekday()),
                        "window": o.window,
                        "start": o.start.display_with_offset(o.start_offset).to_string(),
                        "end": o.end.display_with_offset(o.end_offset).to_string(),
                        "startUtc": o.start.to_string(),
                        "endUtc": o.end.to_string(),
                        "dst": o.dst.map(|d| d.as_str()),
                    })
                })
                .collect();
            let doc = json!({
                "campaignId": schedule.campaign_id.to_string(),
                "timezone": schedule.timezone.name,
                "occurrences": list,
            });
            serde_json::to_writer(&mut out, &doc)?;
            writeln!(out)?;
        }
        OutputMode::Human => {
            writeln!(
                out,
                "{} in {}",
                schedule.campaign_id, schedule.timezone.name
            )?;
            let mut n = 0;
            for o in occs {
                n += 1;
                let dst = o
                    .dst
                    .map(|d| format!("  [DST {}]", d.as_str()))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{} {:<9} #{:<2} {} → {}{dst}",
                    o.date,
                    weekday_name(o.weekday()),
                    o.window,
                    o.start.display_with_offset(o.start_offset),
                    o.end.display_with_offset(o.end_offset),
                )?;
            }
            writeln!(out, "{n} occurrences")?;
        }
    }
    out.flush()?;
    Ok(Outcome::Ok)
}
