//! `cxsched check FILE…` and `cxsched check --jsonl FILE`: validate, then decide legality
//! per date over a horizon, in the recipients' local time (CONTRACT §2, §3).
//!
//! Each valid document is checked with `cxsched-compliance`: the embedded US rule pack (or
//! `--rules FILE`), recipients from the document's `compliance.recipients` or the flags
//! (which replace them), over `[from, from + horizonDays)` where `from` defaults to today in
//! the campaign's zone. Invalid documents are reported as `validate` reports them. Exit
//! status 1 when any document is invalid or any error finding exists; warnings alone give 0.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use cxsched_compliance::report::Finding;
use cxsched_compliance::{AreaCodeTable, Horizon, RecipientInput, RulePack, check, findings};
use cxsched_core::{Date, Purpose, Schedule, Validation};
use rayon::prelude::*;

use super::{Globals, Outcome, UsageError, validate};
use crate::input;
use crate::output::OutputMode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents (.json, .toml, .yaml) or folders of them; `-` reads JSON from stdin.
    pub files: Vec<PathBuf>,
    /// Read one JSON document per line of this file and report per line.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub jsonl: Option<PathBuf>,
    /// First date to check (YYYY-MM-DD); default: today in each campaign's zone.
    #[arg(long)]
    pub from: Option<Date>,
    /// Number of dates to check (default: the document's horizonDays, else 366).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=7320))]
    pub horizon_days: Option<u32>,
    /// A recipient zone (IANA); repeatable. Recipient flags replace the document's recipients.
    #[arg(long = "recipient-zone", value_name = "ZONE")]
    pub recipient_zones: Vec<String>,
    /// A recipient state (USPS code); repeatable.
    #[arg(long = "recipient-state", value_name = "STATE")]
    pub recipient_states: Vec<String>,
    /// A file of recipient phone numbers, one a line (E.164 or NANP 10-digit).
    #[arg(long, value_name = "FILE")]
    pub phone_numbers: Option<PathBuf>,
    /// Why the campaign calls: telemarketing, debt_collection or informational.
    #[arg(long, value_parser = parse_purpose)]
    pub purpose: Option<Purpose>,
    /// A rule pack (TOML) replacing the embedded US rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

fn parse_purpose(s: &str) -> Result<Purpose, String> {
    Purpose::parse(s).ok_or_else(|| {
        format!("expected telemarketing, debt_collection or informational, found {s:?}")
    })
}

/// What every document of one run shares.
struct Setup {
    pack: RulePack,
    /// True when the pack came from `--rules` (then any `ruleset` name is accepted).
    custom_pack: bool,
    table: &'static AreaCodeTable,
    /// Horizons by (from, days), shared across documents and threads.
    horizons: Mutex<HashMap<(Date, u32), Arc<Horizon>>>,
    /// The flag phone-number file, read once: (name, text).
    flag_numbers: Option<(String, String)>,
}

impl Setup {
    fn horizon(&self, from: Date, days: u32) -> Arc<Horizon> {
        let mut map = self.horizons.lock().expect("not poisoned");
        map.entry((from, days))
            .or_insert_with(|| Arc::new(Horizon::new(&self.pack, from, days)))
            .clone()
    }
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let (pack, custom_pack) = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                UsageError(format!(
                    "{}: cannot read the rule pack: {e}",
                    path.display()
                ))
            })?;
            let pack = RulePack::parse(&text, &path.display().to_string())
                .map_err(|e| UsageError(e.to_string()))?;
            (pack, true)
        }
        None => (RulePack::embedded_us(), false),
    };
    let flag_numbers = match &args.phone_numbers {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|e| {
                UsageError(format!(
                    "{}: cannot read the phone-number file: {e}",
                    path.display()
                ))
            })?,
        )),
        None => None,
    };
    let setup = Setup {
        pack,
        custom_pack,
        table: AreaCodeTable::embedded(),
        horizons: Mutex::new(HashMap::new()),
        flag_numbers,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    let mut total = 0usize;
    if let Some(path) = &args.jsonl {
        let text = input::read_jsonl(path)?;
        let name = path.display().to_string();
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        let cwd = PathBuf::from(".");
        let rendered: Vec<(bool, String)> = lines
            .par_iter()
            .map(|&(i, line)| {
                let v = input::validate_line(line);
                let source = format!("{name}:{}", i + 1);
                one(
                    &setup,
                    &args,
                    &source,
                    Some(i + 1),
                    &cwd,
                    &v,
                    globals.output,
                )
            })
            .collect();
        for (ok, text) in rendered {
            total += 1;
            failed += usize::from(!ok);
            out.write_all(text.as_bytes())?;
        }
    } else {
        if args.files.is_empty() {
            return Err(UsageError("nothing to check: give FILE… or --jsonl FILE".into()).into());
        }
        for path in input::document_paths(&args.files)? {
            let loaded = input::load(&path);
            total += 1;
            let (ok, text) = one(
                &setup,
                &args,
                &loaded.source,
                None,
                &loaded.base_dir,
                &loaded.validation,
                globals.output,
            );
            failed += usize::from(!ok);
            out.write_all(text.as_bytes())?;
        }
    }
    if globals.output == OutputMode::Human && total > 1 {
        writeln!(
            out,
            "{total} documents: {} pass or warn, {failed} fail",
            total - failed
        )?;
    }
    out.flush().context("writing the report")?;
    Ok(Outcome::failed_if(failed > 0))
}

/// Checks one document; returns whether it passed (no errors) and its rendered report.
fn one(
    setup: &Setup,
    args: &Args,
    source: &str,
    line: Option<usize>,
    base_dir: &Path,
    v: &Validation,
    mode: OutputMode,
) -> (bool, String) {
    let Some(schedule) = &v.schedule else {
        return (false, invalid(source, line, v, mode));
    };
    match prepare(setup, args, base_dir, schedule) {
        Err(problems) => {
            let mut v = v.clone();
            v.schedule = None;
            v.errors.extend(
                problems
                    .into_iter()
                    .map(|(path, message)| cxsched_core::Issue { path, message }),
            );
            (false, invalid(source, line, &v, mode))
        }
        Ok(prepared) => {
            let report = check(
                &setup.pack,
                &prepared.horizon,
                schedule,
                prepared.purpose,
                &prepared.resolution.targets,
            );
            let list = findings(&report, &setup.pack, schedule, &prepared.resolution.targets);
            let ok = !report.has_errors();
            (
                ok,
                render(setup, source, line, schedule, v, &prepared, &list, mode),
            )
        }
    }
}

struct Prepared {
    horizon: Arc<Horizon>,
    purpose: Purpose,
    resolution: cxsched_compliance::Resolution,
}

/// Settles purpose, horizon and recipients for one document (flags over the document).
fn prepare(
    setup: &Setup,
    args: &Args,
    base_dir: &Path,
    schedule: &Schedule,
) -> Result<Prepared, Vec<(String, String)>> {
    let c = &schedule.compliance;
    if !setup.custom_pack && c.ruleset != setup.pack.name {
        return Err(vec![(
            "compliance.ruleset".into(),
            format!(
                "unknown rule pack {:?}; this build embeds {:?}: use it, or give the rules with --rules FILE",
                c.ruleset, setup.pack.name
            ),
        )]);
    }
    let purpose = args.purpose.unwrap_or(c.purpose);
    let days = args.horizon_days.unwrap_or(c.horizon_days);
    let from = args.from.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned_datetime(schedule.timezone.tz.clone())
            .date()
    });
    let flags_given = !args.recipient_zones.is_empty()
        || !args.recipient_states.is_empty()
        || setup.flag_numbers.is_some();
    let doc_numbers;
    let (zones, states, numbers): (&[String], &[String], Option<(&str, &str)>) = if flags_given {
        (
            &args.recipient_zones,
            &args.recipient_states,
            setup
                .flag_numbers
                .as_ref()
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
    } else {
        let r = &c.recipients;
        doc_numbers = match &r.phone_numbers_file {
            Some(file) => {
                let path = base_dir.join(file);
                match std::fs::read_to_string(&path) {
                    Ok(text) => Some((path.display().to_string(), text)),
                    Err(e) => {
                        return Err(vec![(
                            "compliance.recipients.phoneNumbersFile".into(),
                            format!("cannot read {}: {e}", path.display()),
                        )]);
                    }
                }
            }
            None => None,
        };
        (
            &r.zones,
            &r.states,
            doc_numbers.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
        )
    };
    let input = RecipientInput {
        zones,
        states,
        phone_numbers: numbers,
    };
    let at = if flags_given {
        "--recipient-*"
    } else {
        "compliance.recipients"
    };
    let resolution =
        cxsched_compliance::recipients::resolve(&input, &schedule.timezone, setup.table).map_err(
            |errs| {
                errs.into_iter()
                    .map(|m| (at.to_string(), m))
                    .collect::<Vec<_>>()
            },
        )?;
    Ok(Prepared {
        horizon: setup.horizon(from, days),
        purpose,
        resolution,
    })
}

/// One document's JSON report (CONTRACT §2 fields first, then context).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    campaign_id: String,
    status: &'a str,
    findings: &'a [Finding],
    timezone: &'a str,
    purpose: &'a str,
    from: String,
    horizon_days: u32,
    ruleset: String,
    tzdb: &'a str,
    recipients: Vec<JsonRecipient<'a>>,
    assumptions: &'a [String],
    warnings: &'a [cxsched_core::Issue],
    disclaimer: &'a str,
}

#[derive(serde::Serialize)]
struct JsonRecipient<'a> {
    zone: &'a str,
    state: Option<&'a str>,
    basis: &'a str,
}

fn invalid(source: &str, line: Option<usize>, v: &Validation, mode: OutputMode) -> String {
    let text = validate::render(source, line, v, mode);
    match mode {
        OutputMode::Human => text,
        OutputMode::Json => {
            // `validate` renders one JSON object and a newline: add the check's fields.
            let body = text
                .trim_end()
                .strip_suffix('}')
                .expect("validate renders a JSON object");
            format!("{body},\"status\":\"fail\",\"findings\":[]}}\n")
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    setup: &Setup,
    source: &str,
    line: Option<usize>,
    schedule: &Schedule,
    v: &Validation,
    prepared: &Prepared,
    list: &[Finding],
    mode: OutputMode,
) -> String {
    let errors = list.iter().filter(|f| f.severity == "error").count();
    let warnings = list.len() - errors;
    let status = if errors > 0 {
        "fail"
    } else if warnings > 0 || !v.warnings.is_empty() {
        "warn"
    } else {
        "pass"
    };
    let h = &prepared.horizon;
    match mode {
        OutputMode::Json => {
            let report = JsonReport {
                file: source,
                line,
                campaign_id: schedule.campaign_id.to_string(),
                status,
                findings: list,
                timezone: &schedule.timezone.name,
                purpose: prepared.purpose.as_str(),
                from: h.from.to_string(),
                horizon_days: h.days,
                ruleset: setup.pack.version_string(),
                tzdb: cxsched_core::tzdb_version(),
                recipients: prepared
                    .resolution
                    .targets
                    .iter()
                    .map(|t| JsonRecipient {
                        zone: &t.zone.canonical,
                        state: t.state.as_deref(),
                        basis: &t.basis,
                    })
                    .collect(),
                assumptions: &prepared.resolution.presumptions,
                warnings: &v.warnings,
                disclaimer: &setup.pack.disclaimer,
            };
            let mut s = serde_json::to_string(&report).expect("a report serializes");
            s.push('\n');
            s
        }
        OutputMode::Human => {
            let mut s = String::new();
            let verdict = match status {
                "fail" => "FAIL",
                "warn" => "WARN",
                _ => "PASS",
            };
            s.push_str(&format!(
                "{source}: {verdict} — campaign {} ({}), {}, {} to {} ({} days), rules {}\n",
                schedule.campaign_id,
                schedule.timezone.name,
                prepared.purpose.as_str(),
                h.from,
                h.last_date(),
                h.days,
                setup.pack.version_string(),
            ));
            let places: Vec<String> = prepared
                .resolution
                .targets
                .iter()
                .map(|t| match &t.state {
                    Some(st) => format!("{} ({st}; {})", t.zone.canonical, t.basis),
                    None => format!("{} ({})", t.zone.canonical, t.basis),
                })
                .collect();
            s.push_str(&format!("  recipients: {}\n", places.join(", ")));
            for w in &v.warnings {
                s.push_str(&format!("  warning: {}: {}\n", w.path, w.message));
            }
            for (label, sev) in [("errors", "error"), ("warnings", "warning")] {
                let group: Vec<&Finding> = list.iter().filter(|f| f.severity == sev).collect();
                if group.is_empty() {
                    continue;
                }
                s.push_str(&format!("  {label} ({}):\n", group.len()));
                for f in group {
                    let conf = f
                        .confidence
                        .map(|c| format!(", confidence {c}"))
                        .unwrap_or_default();
                    let rule = f
                        .rule
                        .as_deref()
                        .map(|r| format!(" [{r}{conf}]"))
                        .unwrap_or_default();
                    s.push_str(&format!(
                        "    {} {} – {}{rule} {}\n",
                        f.code, f.first_date, f.last_date, f.message
                    ));
                }
            }
            if list.is_empty() {
                s.push_str("  no findings: every occurrence is within the allowed hours for every recipient\n");
            }
            for p in &prepared.resolution.presumptions {
                s.push_str(&format!("  presumption: {p}\n"));
            }
            s.push_str(&format!("  {}\n", setup.pack.disclaimer));
            s
        }
    }
}
