//! `cxsched check FILE…` and `cxsched check --jsonl FILE`: validate, then decide legality
//! per date over a horizon, in the recipients' local time (CONTRACT §2, §3).
//!
//! Each valid document is checked with `cxsched-compliance`: the embedded US rule pack (or
//! `--rules FILE`), recipients from the document's `compliance.recipients` or the flags
//! (which replace them), over `[from, from + horizonDays)` where `from` defaults to today in
//! the campaign's zone. Invalid documents are reported as `validate` reports them. Exit
//! status 1 when any document is invalid or any error finding exists; warnings alone give 0.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use cxsched_compliance::RulePack;
use cxsched_compliance::service::{Checked, Judgement, Overrides, Prepared, Recipients, Service};
use cxsched_core::{Date, Purpose, Validation};

use super::{Globals, Outcome, UsageError};
use crate::config::{PlatformFlag, PlatformName};
use crate::input;
use crate::output::{self, JsonOut, OutputMode};

mod render;
mod sarif;

use render::{Rendered, finish, invalid, render};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents (.json, .toml, .yaml) or folders of them; `-` reads JSON from stdin.
    pub files: Vec<PathBuf>,
    /// Read one JSON document per line of this file and report per line.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub jsonl: Option<PathBuf>,
    #[command(flatten)]
    pub scope: Scope,
}

/// What a check is about besides the documents: horizon, recipients, purpose, rules,
/// blackouts, platform (shared with `fix`, which judges the same way).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Scope {
    /// First date to check (YYYY-MM-DD); default: today in each campaign's zone.
    #[arg(long, value_parser = super::supported_date)]
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
    /// Blackouts (TOML or JSON: declared emergencies, proclaimed holidays) added to every
    /// document's `compliance.blackouts`.
    #[arg(long, value_name = "FILE")]
    pub blackouts: Option<PathBuf>,
    // On cxone: the platform's limits, and effective dialing — each occurrence cut to its
    // recipients' curfews, which cxsched writes to the skills (CONTRACT §7).
    #[command(flatten)]
    pub platform: PlatformFlag,
}

fn parse_purpose(s: &str) -> Result<Purpose, String> {
    Purpose::parse(s).ok_or_else(|| {
        format!("expected telemarketing, debt_collection or informational, found {s:?}")
    })
}

/// What every document of one run shares: the check service (rule pack, flags over the
/// documents, judgement, horizons) and the report pieces that never change within a run.
pub(crate) struct Setup {
    /// `--platform cxone`: the platform's limits and effective dialing under curfews.
    pub(crate) cxone: bool,
    pub(crate) service: Service,
    /// "Now" for the whole run: horizons without `--from` start today in each campaign's
    /// zone, the same today for every document.
    now: jiff::Timestamp,
    /// The pack's name and version, as reports show it.
    pub(super) ruleset: String,
    /// `"ruleset":…,"tzdb":…,` as JSON, the same for every report of the run.
    ruleset_json: Vec<u8>,
    /// `"disclaimer":…}` and the line end, the same for every report of the run.
    disclaimer_json: Vec<u8>,
}

impl Setup {
    pub(crate) fn pack(&self) -> &RulePack {
        self.service.pack()
    }
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if globals.sarif {
        if args.jsonl.is_some() {
            return Err(UsageError(
                "--output sarif reports files (with their lines and columns); it does not take --jsonl"
                    .into(),
            )
            .into());
        }
        if args.files.is_empty() {
            return Err(UsageError("nothing to check: give FILE…".into()).into());
        }
        let setup = setup(&args.scope)?;
        return sarif::run(&args, &setup);
    }
    if let Some(path) = &args.jsonl {
        return run_jsonl(path, &args.scope, globals);
    }
    let setup = setup(&args.scope)?;
    if args.files.is_empty() {
        return Err(UsageError("nothing to check: give FILE… or --jsonl FILE".into()).into());
    }
    run_files(&args, &setup, globals)
}

/// What every document's check shares: the check service with the flags over the
/// documents (the phone-number and blackout files read once), the report's fixed pieces.
pub(crate) fn setup(args: &Scope) -> anyhow::Result<Setup> {
    let pack = super::rule_pack(args.rules.as_deref())?;
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
    // Recipient flags replace the document's recipients, all of them.
    let recipients = (!args.recipient_zones.is_empty()
        || !args.recipient_states.is_empty()
        || flag_numbers.is_some())
    .then(|| Recipients {
        zones: args.recipient_zones.clone(),
        states: args.recipient_states.clone(),
        phone_numbers: flag_numbers,
        at: "--recipient-*".into(),
    });
    let overrides = Overrides {
        purpose: args.purpose,
        horizon_days: args.horizon_days,
        from: args.from,
        recipients,
        blackouts: match &args.blackouts {
            Some(path) => read_blackouts(path)?,
            None => Vec::new(),
        },
        // A pack given by flag may be named anything in the documents' `ruleset`.
        any_ruleset: args.rules.is_some(),
    };
    let ruleset = pack.version_string();
    let mut ruleset_json = Vec::new();
    JsonOut(&mut ruleset_json)
        .key("ruleset")
        .str(&ruleset)
        .raw(b",")
        .key("tzdb")
        .str(cxsched_core::tzdb_version())
        .raw(b",");
    let mut disclaimer_json = Vec::new();
    JsonOut(&mut disclaimer_json)
        .key("disclaimer")
        .str(&pack.disclaimer)
        .raw(b"}\n");
    let cxone = args.platform.resolve()? == PlatformName::Cxone;
    let judgement = if cxone {
        Judgement::UnderCurfews
    } else {
        Judgement::Scheduled
    };
    Ok(Setup {
        cxone,
        ruleset,
        ruleset_json,
        disclaimer_json,
        service: Service::new(pack, overrides, judgement),
        now: jiff::Timestamp::now(),
    })
}

/// Reads a `--blackouts` file: JSON when it ends in `.json`, else TOML; every problem with
/// its path.
fn read_blackouts(path: &Path) -> anyhow::Result<Vec<cxsched_core::model::Blackout>> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("{name}: cannot read the blackouts file: {e}")))?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let format = if json {
        cxsched_core::Format::Json
    } else {
        cxsched_core::Format::Toml
    };
    cxsched_core::validate::parse_blackouts(&text, format).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| {
                if p.path.is_empty() {
                    format!("{name}: {}", p.message)
                } else {
                    format!("{name}: {}: {}", p.path, p.message)
                }
            })
            .collect();
        UsageError(lines.join("\n")).into()
    })
}

/// Every document given as a file, in order.
fn run_files(args: &Args, setup: &Setup, globals: &Globals) -> anyhow::Result<Outcome> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    let mut total = 0usize;
    for path in input::document_paths(&args.files)? {
        let loaded = input::load(&path);
        total += 1;
        let mut text = Vec::new();
        let ok = one(
            &mut text,
            setup,
            &loaded.source,
            None,
            &loaded.base_dir,
            &loaded.validation,
            globals.output,
        );
        failed += usize::from(!ok);
        out.write_all(&text)?;
    }
    finish(&mut out, globals.output, total, failed)
}

/// `check --jsonl FILE`: every line is a document, reported in line order.
fn run_jsonl(path: &Path, scope: &Scope, globals: &Globals) -> anyhow::Result<Outcome> {
    let mut out = output::raw_stdout()?;
    let cwd = PathBuf::from(".");
    let cwd = cwd.as_path();
    // Each line is independent: checked and rendered in parallel, printed in order. The
    // rule pack is read while the file's first block is.
    let (total, failed) = input::render_lines(path, &mut out, || {
        let setup = setup(scope)?;
        Ok(move |text: &mut Vec<u8>, source: &str, line, doc: &str| {
            let v = input::validate_line(doc);
            one(text, &setup, source, Some(line), cwd, &v, globals.output)
        })
    })?;
    finish(&mut out, globals.output, total, failed)
}

/// A document as `check` judges it: its validation (with the platform's limits and the
/// problems of its recipients), and when it is valid what the check service found: the
/// recipients and horizon, the findings, and (on cxone) the curfews, which take away the
/// findings effective dialing never meets. One judgement for every rendering (human, JSON,
/// SARIF, report, fix).
pub(crate) struct Judged<'v> {
    pub(crate) v: Cow<'v, Validation>,
    pub(crate) checked: Option<Checked>,
}

pub(crate) fn judge<'v>(setup: &Setup, base_dir: &Path, v: &'v Validation) -> Judged<'v> {
    let (v, prepared) = settle(setup, base_dir, v);
    let checked = match (prepared, &v.schedule) {
        (Some(p), Some(schedule)) => Some(setup.service.judge(schedule, p)),
        _ => None,
    };
    Judged { v, checked }
}

/// A document as [`judge`] settles it short of checking it: its validation (with the
/// platform's limits and the problems of its recipients) and, when it is valid, its purpose,
/// horizon and recipients (`fix` checks the fixed schedule, not the given one).
pub(crate) fn settle<'v>(
    setup: &Setup,
    base_dir: &Path,
    v: &'v Validation,
) -> (Cow<'v, Validation>, Option<Prepared>) {
    let mut v = Cow::Borrowed(v);
    if setup.cxone && v.schedule.is_some() {
        cxsched_core::cxone::restrict(v.to_mut());
    }
    let Some(schedule) = &v.schedule else {
        return (v, None);
    };
    let read = |file: &str| input::read_phone_numbers(base_dir, file);
    match setup.service.prepare(schedule, setup.now, read) {
        Ok(prepared) => (v, Some(prepared)),
        Err(problems) => {
            let w = v.to_mut();
            w.schedule = None;
            w.errors.extend(problems);
            (v, None)
        }
    }
}

/// Checks one document and appends its report to `out`; returns whether it passed (no
/// errors).
#[allow(clippy::too_many_arguments)]
fn one(
    out: &mut Vec<u8>,
    setup: &Setup,
    source: &str,
    line: Option<usize>,
    base_dir: &Path,
    v: &Validation,
    mode: OutputMode,
) -> bool {
    let Judged { v, checked } = judge(setup, base_dir, v);
    let (Some(c), Some(schedule)) = (checked, &v.schedule) else {
        invalid(out, source, line, &v, mode);
        return false;
    };
    render(
        out,
        setup,
        Rendered {
            source,
            line,
            schedule,
            v: &v,
            checked: &c,
        },
        mode,
    );
    !c.has_errors()
}
