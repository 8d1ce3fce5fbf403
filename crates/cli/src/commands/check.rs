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

use anyhow::Context;
use cxsched_compliance::RulePack;
use cxsched_compliance::effective::{Effective, duration_text};
use cxsched_compliance::report::Finding;
use cxsched_compliance::service::{Checked, Judgement, Overrides, Prepared, Recipients, Service};
use cxsched_core::{Date, Purpose, Schedule, Validation};

use super::{Globals, Outcome, UsageError, validate};
use crate::config::{PlatformFlag, PlatformName};
use crate::input;
use crate::output::{self, JsonOut, OutputMode};

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
        // The rule pack is read while the file's first block is.
        let (setup, first) = rayon::join(
            || setup(&args.scope),
            || {
                let mut blocks = input::JsonlBlocks::open(path)?;
                let first = blocks.next_block()?;
                anyhow::Ok((blocks, first))
            },
        );
        let setup = setup?;
        let (blocks, first) = first?;
        return run_jsonl(path, blocks, first, &setup, globals);
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
fn run_jsonl(
    path: &Path,
    mut blocks: input::JsonlBlocks,
    mut block: Option<(usize, Vec<u8>)>,
    setup: &Setup,
    globals: &Globals,
) -> anyhow::Result<Outcome> {
    let name = path.display().to_string();
    let mut out = output::raw_stdout()?;
    let (mut total, mut failed) = (0, 0);
    // Block by block, so that memory does not grow with the file.
    while let Some((first_line, text)) = block {
        let pieces = input::jsonl_pieces(path, &text, first_line)?;
        let (t, f) = check_pieces(&pieces, &mut out, &name, setup, globals)?;
        total += t;
        failed += f;
        block = blocks.next_block()?;
    }
    finish(&mut out, globals.output, total, failed)
}

/// Checks the lines of a block's pieces in parallel, printing the reports in order.
fn check_pieces(
    pieces: &[input::Piece<'_>],
    out: &mut (impl Write + Send),
    name: &str,
    setup: &Setup,
    globals: &Globals,
) -> std::io::Result<(usize, usize)> {
    let cwd = PathBuf::from(".");
    // Each line is independent: checked and rendered in parallel, printed in order.
    output::render_in_order(pieces, out, |text, piece| {
        let mut source = String::new();
        let (mut documents, mut failed) = (0, 0);
        for (line, doc) in piece.lines() {
            let v = input::validate_line(doc);
            documents += 1;
            input::set_line_source(&mut source, name, line);
            let ok = one(text, setup, &source, Some(line), &cwd, &v, globals.output);
            failed += usize::from(!ok);
        }
        (documents, failed)
    })
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
    let mut v = Cow::Borrowed(v);
    if setup.cxone && v.schedule.is_some() {
        cxsched_core::cxone::restrict(v.to_mut());
    }
    let Some(schedule) = &v.schedule else {
        return Judged { v, checked: None };
    };
    let read = |file: &str| input::read_phone_numbers(base_dir, file);
    match setup.service.check(schedule, jiff::Timestamp::now(), read) {
        Ok(checked) => Judged {
            v,
            checked: Some(checked),
        },
        Err(problems) => {
            let w = v.to_mut();
            w.schedule = None;
            w.errors.extend(problems);
            Judged { v, checked: None }
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
            prepared: &c.prepared,
            list: &c.findings,
            effective: c.effective.as_ref(),
        },
        mode,
    );
    !c.has_errors()
}

/// The report of an invalid document: as `validate` reports it, plus the check's fields.
fn invalid(out: &mut Vec<u8>, source: &str, line: Option<usize>, v: &Validation, mode: OutputMode) {
    match mode {
        OutputMode::Human => validate::render_into(out, source, line, v, mode),
        OutputMode::Json => {
            validate::json_fields_into(out, source, line, v);
            out.extend_from_slice(b",\"status\":\"fail\",\"findings\":[]}\n");
        }
    }
}

/// One finding as a JSON object (CONTRACT §2 names; every field, `null` when absent).
pub(super) fn finding_json(json: &mut JsonOut<'_>, f: &Finding) {
    json.raw(b"{")
        .key("severity")
        .str(f.severity)
        .raw(b",")
        .key("code")
        .str(f.code)
        .raw(b",")
        .key("rule")
        .opt_str(f.rule.as_deref())
        .raw(b",")
        .key("ruleVersion")
        .opt_str(f.rule_version.as_deref())
        .raw(b",")
        .key("window")
        .opt_uint(f.window.map(|w| w as u64))
        .raw(b",")
        .key("dayOfWeek")
        .opt_str(f.day_of_week)
        .raw(b",")
        .key("recipientZone")
        .opt_str(f.recipient_zone.as_deref())
        .raw(b",")
        .key("state")
        .opt_str(f.state.as_deref())
        .raw(b",")
        .key("firstDate")
        .str(&f.first_date)
        .raw(b",")
        .key("lastDate")
        .str(&f.last_date)
        .raw(b",")
        .key("occurrences")
        .uint(u64::from(f.occurrences))
        .raw(b",")
        .key("localStart")
        .opt_str(f.local_start.as_deref())
        .raw(b",")
        .key("localEnd")
        .opt_str(f.local_end.as_deref())
        .raw(b",")
        .key("message")
        .str(&f.message)
        .raw(b",")
        .key("citation")
        .opt_str(f.citation.as_deref())
        .raw(b",")
        .key("confidence")
        .opt_str(f.confidence)
        .raw(b",")
        .key("presumption")
        .opt_str(f.presumption.as_deref())
        .raw(b"}");
}

/// What one checked document's report is made of.
struct Rendered<'a> {
    source: &'a str,
    line: Option<usize>,
    schedule: &'a Schedule,
    v: &'a Validation,
    prepared: &'a Prepared,
    list: &'a [Finding],
    /// On cxone: the curfews and what they trim.
    effective: Option<&'a Effective>,
}

/// The curfews as JSON (CONTRACT §7): `[{"recipientZone","windowsZone","start","end","rules"}]`.
fn curfews_json(json: &mut JsonOut<'_>, e: &Effective) {
    json.raw(b"[");
    for (i, c) in e.curfews.curfews.iter().enumerate() {
        if i > 0 {
            json.raw(b",");
        }
        json.raw(b"{")
            .key("recipientZone")
            .str(&c.zone.canonical)
            .raw(b",")
            .key("windowsZone")
            .opt_str(cxsched_core::windows_zone::windows_name(&c.zone.canonical))
            .raw(b",")
            .key("start")
            .str(&c.start.to_string()[..5])
            .raw(b",")
            .key("end")
            .str(&c.end.to_string()[..5])
            .raw(b",")
            .key("rules")
            .str_list(&c.rules)
            .raw(b"}");
    }
    json.raw(b"]");
}

/// The curfews for people: each zone's window and how much it trims each window.
fn curfews_human(s: &mut String, schedule: &Schedule, e: &Effective) {
    if e.curfews.curfews.is_empty() {
        s.push_str("  curfews: none (no recipient zone has a legal window on the dialing days)\n");
        return;
    }
    s.push_str("  curfews written to each skill (recipient local time; the dialer keeps them):\n");
    for (c, trims) in e.curfews.curfews.iter().zip(&e.trims) {
        let windows = cxsched_core::windows_zone::windows_name(&c.zone.canonical)
            .map_or_else(String::new, |w| format!(" ({w})"));
        s.push_str(&format!(
            "    {}{windows}: {}–{} [{}]\n",
            c.zone.canonical,
            &c.start.to_string()[..5],
            &c.end.to_string()[..5],
            c.rules.join(", ")
        ));
        for t in trims {
            let w = &schedule.windows[t.window];
            let what = if t.removed_secs == 0 {
                "untouched".to_owned()
            } else if t.removed_secs >= t.of_secs {
                "not dialled there at all".to_owned()
            } else {
                format!(
                    "trimmed by {} of {}",
                    duration_text(t.removed_secs),
                    duration_text(t.of_secs)
                )
            };
            s.push_str(&format!(
                "      window {} ({} {}–{}): {what} (on {})\n",
                t.window,
                cxsched_core::model::weekday_name(w.day),
                w.start,
                w.end,
                t.date
            ));
        }
    }
}

/// Appends the report of a checked document: JSON (CONTRACT §2 fields first, then context)
/// or human.
fn render(out: &mut Vec<u8>, setup: &Setup, r: Rendered<'_>, mode: OutputMode) {
    let Rendered {
        source,
        line,
        schedule,
        v,
        prepared,
        list,
        effective,
    } = r;
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
            let mut json = JsonOut(out);
            json.raw(b"{").key("file").str(source);
            if let Some(line) = line {
                json.raw(b",").key("line").uint(line as u64);
            }
            let mut id = uuid::Uuid::encode_buffer();
            json.raw(b",")
                .key("campaignId")
                .str(schedule.campaign_id.hyphenated().encode_lower(&mut id))
                .raw(b",")
                .key("status")
                .str(status)
                .raw(b",")
                .key("findings")
                .raw(b"[");
            for (i, f) in list.iter().enumerate() {
                if i > 0 {
                    json.raw(b",");
                }
                finding_json(&mut json, f);
            }
            json.raw(b"],");
            if let Some(e) = effective {
                json.key("curfews");
                curfews_json(&mut json, e);
                json.raw(b",");
            }
            json.key("timezone")
                .str(&schedule.timezone.name)
                .raw(b",")
                .key("purpose")
                .str(prepared.purpose.as_str())
                .raw(b",")
                .key("from");
            let _ = write!(json.0, "\"{}\"", h.from);
            json.raw(b",")
                .key("horizonDays")
                .uint(u64::from(h.days))
                .raw(b",")
                .raw(&setup.ruleset_json)
                .key("recipients")
                .raw(b"[");
            for (i, t) in prepared.resolution.targets.iter().enumerate() {
                if i > 0 {
                    json.raw(b",");
                }
                json.raw(b"{")
                    .key("zone")
                    .str(&t.zone.canonical)
                    .raw(b",")
                    .key("state")
                    .opt_str(t.state.as_deref())
                    .raw(b",")
                    .key("basis")
                    .str(&t.basis)
                    .raw(b"}");
            }
            json.raw(b"],")
                .key("assumptions")
                .str_list(&prepared.resolution.presumptions)
                .raw(b",")
                .key("warnings")
                .issues(&v.warnings)
                .raw(b",")
                .raw(&setup.disclaimer_json);
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
                setup.ruleset,
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
            if errors > 0 {
                s.push_str(&super::fix::what_to_do(
                    setup,
                    schedule,
                    prepared,
                    super::fix::Paint::for_stdout(),
                ));
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
                    let version = f
                        .rule_version
                        .as_deref()
                        .map(|v| format!(" version {v}"))
                        .unwrap_or_default();
                    let rule = f
                        .rule
                        .as_deref()
                        .map(|r| format!(" [{r}{version}{conf}]"))
                        .unwrap_or_default();
                    s.push_str(&format!(
                        "    {} {} – {}{rule} {}\n",
                        f.code, f.first_date, f.last_date, f.message
                    ));
                }
            }
            if let Some(e) = effective {
                curfews_human(&mut s, schedule, e);
            }
            if list.is_empty() {
                s.push_str(if effective.is_some() {
                    "  no findings: cut to the curfews, every occurrence is within the allowed hours for every recipient\n"
                } else {
                    "  no findings: every occurrence is within the allowed hours for every recipient\n"
                });
            }
            for p in &prepared.resolution.presumptions {
                s.push_str(&format!("  presumption: {p}\n"));
            }
            s.push_str(&format!("  {}\n", setup.pack().disclaimer));
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// The closing summary line (human output), then everything flushed; exit status 1 when
/// any document failed.
fn finish(
    out: &mut impl Write,
    mode: OutputMode,
    total: usize,
    failed: usize,
) -> anyhow::Result<Outcome> {
    output::summary(out, mode, total, failed, ("pass or warn", "fail"))?;
    out.flush().context("writing the report")?;
    Ok(Outcome::failed_if(failed > 0))
}

/// `check --output sarif`: one SARIF 2.1.0 log (one run, one result per finding and per
/// validation issue) for code scanning, with each result at the line and column of what it
/// is about in the document: the window of a finding, the field of a validation issue (its
/// nearest present parent when the field is missing), else the file.
///
/// Locations come from the parsers' own positions, not from searching the text: the JSON
/// text is scanned by a small parser that records where each value starts, TOML documents
/// are read with `toml`'s spanned tables (`toml::de::DeTable`), YAML ones with
/// `serde_saphyr::Spanned`. So a window written inline (`- { dayOfWeek: … }`, `timeWindows =
/// [{ … }]`), on several lines, or after comments is found the same way as any other, and
/// the Nth window is the Nth element of `timeWindows` exactly as the validator counts it.
/// Columns are 1-based Unicode code points (`columnKind: unicodeCodePoints`).
mod sarif {
    use std::collections::BTreeMap;
    use std::io::Write;
    use std::path::Path;

    use cxsched_compliance::report::Finding;
    use cxsched_core::{Format, Validation};
    use serde_json::{Value, json};

    use super::{Args, Outcome, Setup};
    use crate::input;

    pub(super) fn run(args: &Args, setup: &Setup) -> anyhow::Result<Outcome> {
        let mut rules = Rules::default();
        let mut results = Vec::new();
        let mut failed = false;
        for path in input::document_paths(&args.files)? {
            let (loaded, text) = load(&path);
            let tree = text.as_ref().and_then(|(t, f)| locate::tree(t, *f));
            let uri = uri_of(&loaded.source);
            let at = |json_path: &str| location(&uri, tree.as_ref(), json_path);
            let (v, list) = assess(setup, &loaded);
            failed |= v.schedule.is_none() || list.iter().any(|f| f.severity == "error");
            for issue in &v.errors {
                results.push(result(
                    rules.validation("INVALID_DOCUMENT"),
                    "error",
                    &issue_text(issue),
                    at(&issue.path),
                    json!({ "path": issue.path }),
                ));
            }
            for issue in &v.warnings {
                results.push(result(
                    rules.validation("DOCUMENT_WARNING"),
                    "warning",
                    &issue_text(issue),
                    at(&issue.path),
                    json!({ "path": issue.path }),
                ));
            }
            for f in &list {
                let path = f
                    .window
                    .map_or_else(String::new, |w| format!("timeWindows[{w}]"));
                results.push(result(
                    rules.finding(setup, f),
                    if f.severity == "error" {
                        "error"
                    } else {
                        "warning"
                    },
                    &f.message,
                    at(&path),
                    json!({
                        "code": f.code,
                        "window": f.window,
                        "dayOfWeek": f.day_of_week,
                        "recipientZone": f.recipient_zone,
                        "state": f.state,
                        "firstDate": f.first_date,
                        "lastDate": f.last_date,
                        "occurrences": f.occurrences,
                        "localStart": f.local_start,
                        "localEnd": f.local_end,
                        "confidence": f.confidence,
                        "presumption": f.presumption,
                    }),
                ));
            }
        }
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "cxsched",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": format!("{} (tzdb {}, rules {})", env!("CARGO_PKG_VERSION"),
                        cxsched_core::tzdb_version(), setup.ruleset),
                    "informationUri": "https://example.invalid/cxsched",
                    "rules": rules.list,
                }},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": { "ruleset": setup.ruleset, "tzdb": cxsched_core::tzdb_version(),
                    "disclaimer": setup.pack().disclaimer },
            }],
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &log)?;
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(Outcome::failed_if(failed))
    }

    /// Reads a document and keeps its text (for the locations) and format.
    fn load(path: &Path) -> (input::Loaded, Option<(String, Format)>) {
        let format = if path.as_os_str() == "-" {
            Some(Format::Json)
        } else {
            path.extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
        };
        let text = match format {
            Some(_) if path.as_os_str() == "-" => {
                let mut t = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
                    .ok()
                    .map(|_| t)
            }
            Some(_) => std::fs::read_to_string(path).ok(),
            None => None,
        };
        match (text, format) {
            (Some(text), Some(format)) => {
                let loaded = input::Loaded {
                    source: path.display().to_string(),
                    base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                    validation: cxsched_core::parse_document(&text, format),
                };
                (loaded, Some((text, format)))
            }
            // Unreadable, or of no known format: reported as `validate` reports it.
            _ => (input::load(path), None),
        }
    }

    /// Validation as `check` sees it, then the findings (the same steps as `check`'s
    /// reports, without the rendering).
    fn assess(setup: &Setup, loaded: &input::Loaded) -> (Validation, Vec<Finding>) {
        let super::Judged { v, checked } =
            super::judge(setup, &loaded.base_dir, &loaded.validation);
        (
            v.into_owned(),
            checked.map(|c| c.findings).unwrap_or_default(),
        )
    }

    fn issue_text(issue: &cxsched_core::Issue) -> String {
        if issue.path.is_empty() {
            issue.message.clone()
        } else {
            format!("{}: {}", issue.path, issue.message)
        }
    }

    fn result(
        (rule_id, rule_index): (String, usize),
        level: &str,
        message: &str,
        location: Value,
        properties: Value,
    ) -> Value {
        json!({
            "ruleId": rule_id,
            "ruleIndex": rule_index,
            "level": level,
            "message": { "text": message },
            "locations": [location],
            "properties": properties,
        })
    }

    /// A file path as a URI reference: relative paths stay relative (to the folder the
    /// check ran in, as code scanning expects), absolute ones become `file://` URIs.
    fn uri_of(source: &str) -> String {
        let mut out = String::new();
        if source.starts_with('/') {
            out.push_str("file://");
        }
        for b in source.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    fn location(uri: &str, tree: Option<&locate::Node>, json_path: &str) -> Value {
        let mut physical = json!({ "artifactLocation": { "uri": uri } });
        if let Some((line, column)) = tree.and_then(|t| locate::find(t, json_path)) {
            physical["region"] = json!({ "startLine": line, "startColumn": column });
        }
        json!({ "physicalLocation": physical })
    }

    /// The run's rules, each once, in the order first used.
    #[derive(Default)]
    struct Rules {
        list: Vec<Value>,
        index: BTreeMap<String, usize>,
    }

    impl Rules {
        fn add(&mut self, id: &str, make: impl FnOnce() -> Value) -> (String, usize) {
            if let Some(&i) = self.index.get(id) {
                return (id.to_owned(), i);
            }
            let i = self.list.len();
            self.list.push(make());
            self.index.insert(id.to_owned(), i);
            (id.to_owned(), i)
        }

        fn validation(&mut self, id: &str) -> (String, usize) {
            self.add(id, || {
                let (level, short, help) = if id == "INVALID_DOCUMENT" {
                    (
                        "error",
                        "The document breaks the structure or field rules",
                        "The document does not meet the schedule document's structure and field rules (CONTRACT §1); `cxsched validate FILE` lists every error with its field path. Nothing is checked or written until it does.",
                    )
                } else {
                    (
                        "warning",
                        "The document is valid but has something worth a look",
                        "The document is valid, with a warning on a field (for example a deprecated zone name); `cxsched validate FILE` shows it.",
                    )
                };
                json!({
                    "id": id,
                    "name": id,
                    "shortDescription": { "text": short },
                    "fullDescription": { "text": help },
                    "help": { "text": help },
                    "defaultConfiguration": { "level": level },
                })
            })
        }

        /// A regulatory finding's rule is the pack's rule (`US-TX`), with its title,
        /// citation and notes; other findings (DST, directive) are rules of their code.
        fn finding(&mut self, setup: &Setup, f: &Finding) -> (String, usize) {
            let level = if f.severity == "error" {
                "error"
            } else {
                "warning"
            };
            match f.rule.as_deref() {
                Some(id) => self.add(id, || {
                    let rule = setup.pack().rules.iter().find(|r| r.id == id);
                    let title = rule.map_or_else(|| id.to_owned(), |r| r.title.clone());
                    let citation = rule
                        .map(|r| r.citation.clone())
                        .or_else(|| f.citation.clone())
                        .unwrap_or_default();
                    let mut help = format!("{title}. Citation: {citation}.");
                    if let Some(c) = f.confidence {
                        help.push_str(&format!(" Confidence: {c}."));
                    }
                    if let Some(notes) = rule.and_then(|r| r.notes.as_deref()) {
                        help.push(' ');
                        help.push_str(notes.trim());
                    }
                    help.push(' ');
                    help.push_str(&setup.pack().disclaimer);
                    json!({
                        "id": id,
                        "name": id,
                        "shortDescription": { "text": title },
                        "fullDescription": { "text": format!("{title} ({citation})") },
                        "help": { "text": help },
                        "defaultConfiguration": { "level": level },
                        "properties": {
                            "citation": citation,
                            "state": rule.and_then(|r| r.state.clone()),
                            "ruleset": setup.ruleset,
                            "tags": ["compliance"],
                        },
                    })
                }),
                None => self.add(f.code, || {
                    let help = match f.code {
                        "DST_GAP" => "A window's start or end falls in a daylight-saving gap on some date: that local time does not exist, and the occurrence moves forward. Choose times outside 02:00–03:00 local, or accept the move.",
                        "DST_FOLD" => "A window's start or end falls in a daylight-saving fold on some date: that local time happens twice, and the earlier instant is used.",
                        "DST_VOID_OCCURRENCE" => "On some date a window's whole occurrence falls in a daylight-saving gap: nothing is dialled that day.",
                        "DIRECTIVE_IGNORE" => "businessHoursDirective IGNORE lets the dialer call outside the windows: the windows checked here are not enforced.",
                        _ => "A finding of cxsched check.",
                    };
                    json!({
                        "id": f.code,
                        "name": f.code,
                        "shortDescription": { "text": help.split(':').next().unwrap_or(help) },
                        "fullDescription": { "text": help },
                        "help": { "text": help },
                        "defaultConfiguration": { "level": level },
                        "properties": { "tags": ["schedule"] },
                    })
                }),
            }
        }
    }

    /// Where each value of a document starts, whatever its format.
    pub(super) mod locate {
        use cxsched_core::Format;

        /// A value of the document and where it starts (1-based line and column).
        pub struct Node {
            pub line: usize,
            pub column: usize,
            pub kind: Kind,
        }

        pub enum Kind {
            Map(Vec<(String, Node)>),
            Seq(Vec<Node>),
            Leaf,
        }

        /// The document's tree of positions; `None` when it does not parse.
        pub fn tree(text: &str, format: Format) -> Option<Node> {
            match format {
                Format::Json => json(text),
                Format::Toml => toml(text),
                Format::Yaml => yaml(text),
            }
        }

        /// The line and column of a field path (`timeWindows[3].endTime`,
        /// `compliance.recipients`): of the value itself, else of its nearest present
        /// parent; `None` for the document itself and for paths that are not fields
        /// (`--recipient-*`).
        pub fn find(root: &Node, path: &str) -> Option<(usize, usize)> {
            if path.is_empty() || path.starts_with('-') {
                return None;
            }
            let mut node = root;
            let mut found = None;
            for part in path.split('.') {
                let (key, indices) = match part.find('[') {
                    Some(i) => (&part[..i], &part[i..]),
                    None => (part, ""),
                };
                if !key.is_empty() {
                    let Kind::Map(entries) = &node.kind else {
                        break;
                    };
                    let Some((_, n)) = entries.iter().find(|(k, _)| k == key) else {
                        break;
                    };
                    node = n;
                    found = Some((node.line, node.column));
                }
                for index in indices.split('[').skip(1) {
                    let Some(i) = index
                        .strip_suffix(']')
                        .and_then(|i| i.parse::<usize>().ok())
                    else {
                        return found;
                    };
                    let Kind::Seq(items) = &node.kind else {
                        return found;
                    };
                    let Some(n) = items.get(i) else { return found };
                    node = n;
                    found = Some((node.line, node.column));
                }
            }
            found
        }

        /// Line starts of a text, to turn byte offsets into lines and columns.
        struct Lines<'t> {
            text: &'t str,
            starts: Vec<usize>,
        }

        impl<'t> Lines<'t> {
            fn new(text: &'t str) -> Lines<'t> {
                let mut starts = vec![0];
                starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
                Lines { text, starts }
            }

            fn at(&self, offset: usize) -> (usize, usize) {
                let line = self.starts.partition_point(|&s| s <= offset) - 1;
                let start = self.starts[line];
                let column = self
                    .text
                    .get(start..offset)
                    .map_or(1, |s| s.chars().count() + 1);
                (line + 1, column)
            }
        }

        /// JSON: a small recursive-descent scan recording each value's first byte.
        fn json(text: &str) -> Option<Node> {
            let lines = Lines::new(text);
            let mut p = JsonScan {
                b: text.as_bytes(),
                i: 0,
                lines: &lines,
                depth: 0,
            };
            p.ws();
            if p.b.get(p.i) == Some(&0xEF) {
                p.i += 3; // a byte order mark
                p.ws();
            }
            p.value()
        }

        struct JsonScan<'a> {
            b: &'a [u8],
            i: usize,
            lines: &'a Lines<'a>,
            depth: usize,
        }

        impl JsonScan<'_> {
            fn ws(&mut self) {
                while self.b.get(self.i).is_some_and(|c| b" \t\r\n".contains(c)) {
                    self.i += 1;
                }
            }

            fn value(&mut self) -> Option<Node> {
                self.depth += 1;
                if self.depth > 128 {
                    return None;
                }
                let (line, column) = self.lines.at(self.i);
                let kind = match *self.b.get(self.i)? {
                    b'{' => {
                        self.i += 1;
                        let mut entries = Vec::new();
                        self.ws();
                        if self.b.get(self.i) == Some(&b'}') {
                            self.i += 1;
                        } else {
                            loop {
                                self.ws();
                                let key = self.string()?;
                                self.ws();
                                (self.b.get(self.i) == Some(&b':')).then_some(())?;
                                self.i += 1;
                                self.ws();
                                entries.push((key, self.value()?));
                                self.ws();
                                match self.b.get(self.i)? {
                                    b',' => self.i += 1,
                                    b'}' => {
                                        self.i += 1;
                                        break;
                                    }
                                    _ => return None,
                                }
                            }
                        }
                        Kind::Map(entries)
                    }
                    b'[' => {
                        self.i += 1;
                        let mut items = Vec::new();
                        self.ws();
                        if self.b.get(self.i) == Some(&b']') {
                            self.i += 1;
                        } else {
                            loop {
                                self.ws();
                                items.push(self.value()?);
                                self.ws();
                                match self.b.get(self.i)? {
                                    b',' => self.i += 1,
                                    b']' => {
                                        self.i += 1;
                                        break;
                                    }
                                    _ => return None,
                                }
                            }
                        }
                        Kind::Seq(items)
                    }
                    b'"' => {
                        self.string()?;
                        Kind::Leaf
                    }
                    _ => {
                        let start = self.i;
                        while self
                            .b
                            .get(self.i)
                            .is_some_and(|c| !b" \t\r\n,]}".contains(c))
                        {
                            self.i += 1;
                        }
                        (self.i > start).then_some(())?;
                        Kind::Leaf
                    }
                };
                self.depth -= 1;
                Some(Node { line, column, kind })
            }

            /// A string at the cursor, decoded.
            fn string(&mut self) -> Option<String> {
                (self.b.get(self.i) == Some(&b'"')).then_some(())?;
                let start = self.i;
                self.i += 1;
                let mut escaped = false;
                loop {
                    match *self.b.get(self.i)? {
                        b'\\' => {
                            escaped = true;
                            self.i += 2;
                        }
                        b'"' => break,
                        _ => self.i += 1,
                    }
                }
                self.i += 1;
                let raw = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                if escaped {
                    serde_json::from_str(raw).ok()
                } else {
                    Some(raw[1..raw.len() - 1].to_owned())
                }
            }
        }

        /// TOML: `toml`'s spanned tables (byte ranges of every key and value).
        fn toml(text: &str) -> Option<Node> {
            use toml::de::{DeTable, DeValue};
            fn node(v: &toml::Spanned<DeValue<'_>>, lines: &Lines<'_>) -> Node {
                let (line, column) = lines.at(v.span().start);
                let kind = match v.get_ref() {
                    DeValue::Table(t) => table(t, lines),
                    DeValue::Array(a) => Kind::Seq(a.iter().map(|v| node(v, lines)).collect()),
                    _ => Kind::Leaf,
                };
                Node { line, column, kind }
            }
            fn table(t: &DeTable<'_>, lines: &Lines<'_>) -> Kind {
                Kind::Map(
                    t.iter()
                        .map(|(k, v)| (k.get_ref().to_string(), node(v, lines)))
                        .collect(),
                )
            }
            let lines = Lines::new(text);
            let root = DeTable::parse(text).ok()?;
            Some(Node {
                line: 1,
                column: 1,
                kind: table(root.get_ref(), &lines),
            })
        }

        /// YAML: `serde_saphyr::Spanned` on every node.
        fn yaml(text: &str) -> Option<Node> {
            let root: serde_saphyr::Spanned<Yaml> = serde_saphyr::from_str(text).ok()?;
            Some(root.into())
        }

        enum Yaml {
            Map(Vec<(String, serde_saphyr::Spanned<Yaml>)>),
            Seq(Vec<serde_saphyr::Spanned<Yaml>>),
            Leaf,
        }

        impl From<serde_saphyr::Spanned<Yaml>> for Node {
            fn from(s: serde_saphyr::Spanned<Yaml>) -> Node {
                let kind = match s.value {
                    Yaml::Map(entries) => {
                        Kind::Map(entries.into_iter().map(|(k, v)| (k, v.into())).collect())
                    }
                    Yaml::Seq(items) => Kind::Seq(items.into_iter().map(Node::from).collect()),
                    Yaml::Leaf => Kind::Leaf,
                };
                Node {
                    line: usize::try_from(s.referenced.line()).unwrap_or(0),
                    column: usize::try_from(s.referenced.column()).unwrap_or(0),
                    kind,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for Yaml {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Yaml, D::Error> {
                d.deserialize_any(YamlVisitor)
            }
        }

        /// A mapping key: any scalar, as text.
        struct Key(String);

        impl<'de> serde::Deserialize<'de> for Key {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = Key;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a scalar key")
                    }
                    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                        Ok(Key(v.to_owned()))
                    }
                    fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                        Ok(Key(v.to_string()))
                    }
                    fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                        Ok(Key(v.to_string()))
                    }
                    fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                        Ok(Key(v.to_string()))
                    }
                    fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                        Ok(Key(v.to_string()))
                    }
                    fn visit_unit<E>(self) -> Result<Key, E> {
                        Ok(Key(String::new()))
                    }
                }
                d.deserialize_any(V)
            }
        }

        struct YamlVisitor;

        macro_rules! leaf {
            ($($name:ident: $t:ty),*) => {
                $(fn $name<E>(self, _: $t) -> Result<Yaml, E> { Ok(Yaml::Leaf) })*
            };
        }

        impl<'de> serde::de::Visitor<'de> for YamlVisitor {
            type Value = Yaml;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
                visit_str: &str, visit_i128: i128, visit_u128: u128, visit_bytes: &[u8]);
            fn visit_unit<E>(self) -> Result<Yaml, E> {
                Ok(Yaml::Leaf)
            }
            fn visit_none<E>(self) -> Result<Yaml, E> {
                Ok(Yaml::Leaf)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
                serde::Deserialize::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Yaml, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Yaml::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Yaml, A::Error> {
                let mut entries = Vec::new();
                while let Some(Key(k)) = a.next_key()? {
                    entries.push((k, a.next_value()?));
                }
                Ok(Yaml::Map(entries))
            }
        }
    }
}
