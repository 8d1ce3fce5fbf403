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
use cxsched_compliance::effective::{Effective, duration_text};
use cxsched_compliance::report::Finding;
use cxsched_compliance::{
    AreaCodeTable, Horizon, RecipientInput, RulePack, check, check_with_blackouts, findings,
};
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

/// What every document of one run shares.
struct Setup {
    /// `--platform cxone`: the platform's limits and effective dialing under curfews.
    cxone: bool,
    pack: RulePack,
    /// The pack's name and version, as reports show it.
    ruleset: String,
    /// True when the pack came from `--rules` (then any `ruleset` name is accepted).
    custom_pack: bool,
    /// Horizons by (from, days), shared across documents and threads.
    horizons: Mutex<HashMap<(Date, u32), Arc<Horizon>>>,
    /// The flag phone-number file, read once: (name, text).
    flag_numbers: Option<(String, String)>,
    /// The `--blackouts` file's blackouts.
    flag_blackouts: Vec<cxsched_core::model::Blackout>,
    /// `"ruleset":…,"tzdb":…,` as JSON, the same for every report of the run.
    ruleset_json: Vec<u8>,
    /// `"disclaimer":…}` and the line end, the same for every report of the run.
    disclaimer_json: Vec<u8>,
}

impl Setup {
    fn horizon(&self, from: Date, days: u32) -> Arc<Horizon> {
        let mut map = self.horizons.lock().expect("not poisoned");
        map.entry((from, days))
            .or_insert_with(|| Arc::new(Horizon::new(&self.pack, from, days)))
            .clone()
    }
}

/// The horizons one thread has used: documents sharing one reach it without a lock.
#[derive(Default)]
struct Horizons(HashMap<(Date, u32), Arc<Horizon>>);

impl Horizons {
    fn get(&mut self, setup: &Setup, from: Date, days: u32) -> &Horizon {
        self.0
            .entry((from, days))
            .or_insert_with(|| setup.horizon(from, days))
    }
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.jsonl {
        // The rule pack is read while the file is.
        let (setup, text) = rayon::join(|| setup(&args), || input::read_jsonl(path));
        let setup = setup?;
        return run_jsonl(path, &text?, &args, &setup, globals);
    }
    let setup = setup(&args)?;
    if args.files.is_empty() {
        return Err(UsageError("nothing to check: give FILE… or --jsonl FILE".into()).into());
    }
    run_files(&args, &setup, globals)
}

/// What every document's check shares: the rule pack, its JSON pieces, the horizons, the
/// phone numbers given by flag.
fn setup(args: &Args) -> anyhow::Result<Setup> {
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
    let flag_blackouts = match &args.blackouts {
        Some(path) => read_blackouts(path)?,
        None => Vec::new(),
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
    Ok(Setup {
        cxone: args.platform.resolve()? == PlatformName::Cxone,
        ruleset,
        ruleset_json,
        disclaimer_json,
        pack,
        custom_pack,
        horizons: Mutex::new(HashMap::new()),
        flag_numbers,
        flag_blackouts,
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
    let mut horizons = Horizons::default();
    for path in input::document_paths(&args.files)? {
        let loaded = input::load(&path);
        total += 1;
        let mut text = Vec::new();
        let ok = one(
            &mut text,
            &mut horizons,
            setup,
            args,
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
    text: &[u8],
    args: &Args,
    setup: &Setup,
    globals: &Globals,
) -> anyhow::Result<Outcome> {
    let pieces = input::jsonl_pieces(path, text)?;
    let name = path.display().to_string();
    let cwd = PathBuf::from(".");
    let mut out = output::raw_stdout()?;
    // Each line is independent: checked and rendered in parallel, printed in order.
    let (total, failed) = output::render_in_order(&pieces, &mut out, |text, piece| {
        let mut source = String::new();
        let mut horizons = Horizons::default();
        let (mut documents, mut failed) = (0, 0);
        for (line, doc) in piece.lines() {
            let v = input::validate_line(doc);
            documents += 1;
            input::set_line_source(&mut source, &name, line);
            let ok = one(
                text,
                &mut horizons,
                setup,
                args,
                &source,
                Some(line),
                &cwd,
                &v,
                globals.output,
            );
            failed += usize::from(!ok);
        }
        (documents, failed)
    })?;
    finish(&mut out, globals.output, total, failed)
}

/// Checks one document and appends its report to `out`; returns whether it passed (no
/// errors).
#[allow(clippy::too_many_arguments)]
fn one(
    out: &mut Vec<u8>,
    horizons: &mut Horizons,
    setup: &Setup,
    args: &Args,
    source: &str,
    line: Option<usize>,
    base_dir: &Path,
    v: &Validation,
    mode: OutputMode,
) -> bool {
    let cxone = setup.cxone;
    let restricted;
    let v = if cxone && v.schedule.is_some() {
        let mut r = v.clone();
        cxsched_core::cxone::restrict(&mut r);
        restricted = r;
        &restricted
    } else {
        v
    };
    let Some(schedule) = &v.schedule else {
        invalid(out, source, line, v, mode);
        return false;
    };
    match prepare(setup, horizons, args, base_dir, schedule) {
        Err(problems) => {
            let mut v = v.clone();
            v.schedule = None;
            v.errors.extend(
                problems
                    .into_iter()
                    .map(|(path, message)| cxsched_core::Issue { path, message }),
            );
            invalid(out, source, line, &v, mode);
            false
        }
        Ok(prepared) => {
            let report = if setup.flag_blackouts.is_empty() {
                check(
                    &setup.pack,
                    prepared.horizon,
                    schedule,
                    prepared.purpose,
                    &prepared.resolution.targets,
                )
            } else {
                let mut all = schedule.compliance.blackouts.clone();
                all.extend(setup.flag_blackouts.iter().cloned());
                check_with_blackouts(
                    &setup.pack,
                    prepared.horizon,
                    schedule,
                    prepared.purpose,
                    &prepared.resolution.targets,
                    &all,
                )
            };
            let mut list = findings(&report, &setup.pack, schedule, &prepared.resolution.targets);
            let mut effective = None;
            if cxone {
                let (e, kept) = cxsched_compliance::effective::judge(
                    &setup.pack,
                    prepared.purpose,
                    &prepared.resolution.targets,
                    schedule,
                    prepared.horizon.from,
                    prepared.horizon.days,
                    list,
                );
                list = kept;
                effective = Some(e);
            }
            render(
                out,
                setup,
                Rendered {
                    source,
                    line,
                    schedule,
                    v,
                    prepared: &prepared,
                    list: &list,
                    effective: effective.as_ref(),
                },
                mode,
            );
            !list.iter().any(|f| f.severity == "error")
        }
    }
}

struct Prepared<'h> {
    horizon: &'h Horizon,
    purpose: Purpose,
    resolution: cxsched_compliance::Resolution,
}

/// Settles purpose, horizon and recipients for one document (flags over the document).
fn prepare<'h>(
    setup: &Setup,
    horizons: &'h mut Horizons,
    args: &Args,
    base_dir: &Path,
    schedule: &Schedule,
) -> Result<Prepared<'h>, Vec<(String, String)>> {
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
        doc_numbers = input::phone_numbers(base_dir, r.phone_numbers_file.as_deref())
            .map_err(|m| vec![("compliance.recipients.phoneNumbersFile".to_owned(), m)])?;
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
    let resolution = cxsched_compliance::recipients::resolve(
        &input,
        &schedule.timezone,
        AreaCodeTable::embedded,
    )
    .map_err(|errs| {
        errs.into_iter()
            .map(|m| (at.to_string(), m))
            .collect::<Vec<_>>()
    })?;
    Ok(Prepared {
        horizon: horizons.get(setup, from, days),
        purpose,
        resolution,
    })
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
fn finding_json(json: &mut JsonOut<'_>, f: &Finding) {
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
    prepared: &'a Prepared<'a>,
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
    let h = prepared.horizon;
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
            s.push_str(&format!("  {}\n", setup.pack.disclaimer));
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
