//! `cxsched calendar FILE… -o OUT.ics [--from DATE] [--days N]`: the windows of valid
//! schedules as one RFC 5545 calendar with a VTIMEZONE per zone, holding exactly the
//! occurrences `cxsched expand` lists for the same span. Invalid documents are reported as
//! `validate` reports them, left out of the calendar, and make the exit status 1.

use std::io::Write;
use std::path::{Path, PathBuf};

use cxsched_calendar::{CalendarOptions, write_calendar_with_summary};
use cxsched_core::Date;
use serde_json::json;

use super::{Globals, Outcome, UsageError, validate};
use crate::input;
use crate::output::{self, OutputMode};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents (.json, .toml, .yaml) or folders of them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Where to write the calendar (`-` for standard output).
    #[arg(short = 'o', long = "out", value_name = "OUT.ics")]
    pub out: PathBuf,
    /// First date of the span (YYYY-MM-DD, campaign-local) [default: today, UTC].
    #[arg(long, value_parser = super::supported_date)]
    pub from: Option<Date>,
    /// Number of dates in the span; events end with it.
    #[arg(long, default_value_t = 366, value_parser = clap::value_parser!(u32).range(1..=7320))]
    pub days: u32,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let now = jiff::Timestamp::now();
    let from = args
        .from
        .unwrap_or_else(|| jiff::tz::Offset::UTC.to_datetime(now).date());
    let mut schedules = Vec::new();
    let mut invalid = 0usize;
    let mut reports = String::new();
    for path in input::document_paths(&args.files)? {
        let loaded = input::load(&path);
        match loaded.validation.schedule {
            Some(ref s) if loaded.validation.is_valid() => {
                schedules.push(cxsched_core::Schedule::clone(s))
            }
            _ => {
                invalid += 1;
                reports.push_str(&validate::render(
                    &loaded.source,
                    None,
                    &loaded.validation,
                    globals.output,
                ));
            }
        }
    }
    let to_stdout = args.out.as_os_str() == "-";
    // Reports go to stderr when the calendar itself goes to stdout.
    if to_stdout {
        std::io::stderr().write_all(reports.as_bytes())?;
    } else {
        std::io::stdout().write_all(reports.as_bytes())?;
    }
    if schedules.is_empty() {
        if invalid == 0 {
            return Err(
                UsageError("no schedule documents found in the given folders".into()).into(),
            );
        }
        return Ok(Outcome::Failed);
    }
    let options = CalendarOptions {
        from,
        days: args.days,
        dtstamp: now,
    };
    let (ics, summary) = write_calendar_with_summary(&schedules, &options);
    if to_stdout {
        std::io::stdout().write_all(ics.as_bytes())?;
    } else {
        write_atomically(&args.out, ics.as_bytes())?;
        match globals.output {
            OutputMode::Json => output::print_json(&json!({
                "file": args.out.display().to_string(),
                "campaigns": schedules.len(),
                "events": summary.events,
                "overrides": summary.overrides,
                "excludedDates": summary.excluded,
                "timeZones": summary.time_zones,
                "from": from.to_string(),
                "days": args.days,
                "invalid": invalid,
            }))?,
            OutputMode::Human => println!(
                "wrote {}: {} weekly events for {} campaign(s) in {} time zone(s), {} DST-day \
                 override(s), {} excluded date(s), from {from} for {} days",
                args.out.display(),
                summary.events,
                schedules.len(),
                summary.time_zones,
                summary.overrides,
                summary.excluded,
                args.days
            ),
        }
    }
    Ok(Outcome::failed_if(invalid > 0))
}

/// Writes through a temporary file in the same folder and renames it into place, so a
/// calendar subscriber never reads a half-written file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(UsageError(format!(
            "{}: cannot write the calendar: {e}",
            path.display()
        ))
        .into());
    }
    Ok(())
}
