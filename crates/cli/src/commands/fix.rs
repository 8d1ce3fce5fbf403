//! `cxsched fix FILE [-o OUT | --write]`: the largest schedule inside the given one that
//! `check` passes, apart from holidays and blackouts (listed with the dates to pause)
//! (CONTRACT §8).
//!
//! The document is judged exactly as `check` judges it (the same flags, the same
//! recipients, purpose, horizon and platform limits), then cut with
//! [`cxsched_compliance::fix`]. The fixed document has the input's format: TOML is edited in
//! place with `toml_edit` (only the `timeWindows` entries change; comments and layout stay),
//! JSON and YAML are written by the export writer. Without `-o`/`--write` the document goes
//! to stdout and the changes to stderr; `--write` replaces the file atomically (a temporary
//! file in the same folder, synced, then renamed over it), so an error leaves it as it was.
//!
//! On CXone the curfews already cut the hours (CONTRACT §7): only what a curfew cannot
//! express is fixed (days some recipient state bans), boundaries are whole minutes, and two
//! windows of one day are merged into one only with `--merge-days`.
//!
//! Exit status 0 when the fixed schedule passes (holidays and blackouts aside), 1 when
//! something still blocks (an invalid document, nothing left), 2 for usage errors.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use cxsched_compliance::fix::{Change, Fix, FixInput, Side, fix};
use cxsched_compliance::{RulePack, Target};
use cxsched_core::model::weekday_name;
use cxsched_core::{Format, LocalTime, Schedule, TimeWindow, Validation};

use super::check::{self, Judged, Scope};
use super::{Globals, Outcome, UsageError, validate};
use crate::input;
use crate::output::{JsonOut, OutputMode};
use cxsched_compliance::Prepared;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The schedule document (.json, .toml, .yaml) to fix.
    #[arg(required_unless_present = "jsonl")]
    pub file: Option<PathBuf>,
    /// Fix every line of a JSON Lines file (one document a line): one JSON line out each
    // In order, in parallel: `{"line", "campaignId", "fixed", "changes", "pause"}` (`fixed`
    // is null when nothing is left); an invalid line is reported as `check --jsonl` reports
    // it, with `"fixed": null` and an `"error"`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "out", "write"])]
    pub jsonl: Option<PathBuf>,
    /// Write the fixed document to OUT (default: stdout).
    #[arg(
        short = 'o',
        long = "out",
        value_name = "OUT",
        conflicts_with = "write"
    )]
    pub out: Option<PathBuf>,
    /// Replace FILE with the fixed document (atomically; on error FILE is left as it was).
    #[arg(long)]
    pub write: bool,
    /// On cxone: merge the windows of one day into one (from the first start to the last
    /// end), as the platform holds one window a day.
    #[arg(long)]
    pub merge_days: bool,
    #[command(flatten)]
    pub scope: Scope,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.jsonl {
        return run_jsonl(path, &args);
    }
    let file = args
        .file
        .clone()
        .ok_or_else(|| UsageError("nothing to fix: give FILE or --jsonl FILE".into()))?;
    if file.as_os_str() == "-" {
        return Err(UsageError(
            "fix reads a file (its format comes from the extension), not standard input".into(),
        )
        .into());
    }
    let format = file
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .ok_or_else(|| {
            UsageError(format!(
                "{}: cannot tell the format from the file name; expected a .json, .toml, .yaml or .yml extension",
                file.display()
            ))
        })?;
    if let Some(out) = &args.out {
        let theirs = out
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        if theirs.is_some_and(|f| f != format) {
            return Err(UsageError(format!(
                "{}: the fixed document keeps the input's format ({}); give OUT that extension",
                out.display(),
                cxsched_engine::export::extension(format)
            ))
            .into());
        }
    }
    let setup = check::setup(&args.scope)?;
    let loaded = input::load(&file);
    let mut validation = loaded.validation.clone();
    // What each original window became by merging (cxone, --merge-days): its day's first.
    let mut merged_into: Vec<usize> = Vec::new();
    if let Some(s) = validation.schedule.as_mut() {
        merged_into = (0..s.windows.len()).collect();
        if setup.cxone && args.merge_days {
            merged_into = merge_days(s);
        }
    }
    let Judged { v, checked } = check::judge(&setup, &loaded.base_dir, &validation);
    let (Some(c), Some(schedule)) = (checked, v.schedule.as_ref()) else {
        let mut out = Vec::new();
        invalid_report(&mut out, &loaded.source, &v, globals.output);
        if setup.cxone
            && !args.merge_days
            && v.errors.iter().any(|e| e.message.contains("one window"))
        {
            out.extend_from_slice(
                b"  hint: --merge-days merges the windows of each day into one\n",
            );
        }
        std::io::stderr().write_all(&out)?;
        return Ok(Outcome::Failed);
    };
    let targets = &c.prepared.resolution.targets;
    let result = fix_of(&setup, schedule, &c.prepared);

    let mut report = String::new();
    let h = &c.prepared.horizon;
    report.push_str(&format!(
        "{}: {} — campaign {} ({}), {}, {} to {} ({} days)\n",
        loaded.source,
        if result.blocked {
            "still blocked"
        } else if result.changed() {
            "fixed"
        } else {
            "nothing to fix"
        },
        schedule.campaign_id,
        schedule.timezone.name,
        c.prepared.purpose.as_str(),
        h.from,
        h.last_date(),
        h.days,
    ));
    // The document's index of each merged window (its day's first).
    let mut origin: Vec<usize> = Vec::new();
    for (i, &m) in merged_into.iter().enumerate() {
        if m == origin.len() {
            origin.push(i);
        } else {
            report.push_str(&format!(
                "  window {i} merged into window {} (one window a day on cxone)\n",
                origin[m]
            ));
        }
    }
    report.push_str(&changes_text(&result, setup.pack(), targets, &origin, "  "));
    if result.schedule.windows.is_empty() {
        report.push_str("  nothing is left of the schedule: no document written\n");
    }

    let document = if result.schedule.windows.is_empty() {
        None
    } else {
        Some(document_text(
            &loaded.source,
            format,
            &file,
            &result,
            &merged_into,
        )?)
    };
    let to_stdout = args.out.is_none() && !args.write;
    match globals.output {
        OutputMode::Human => {
            if to_stdout {
                std::io::stderr().write_all(report.as_bytes())?;
            } else {
                std::io::stdout().write_all(report.as_bytes())?;
            }
        }
        OutputMode::Json => {
            let line = changes_json(&loaded.source, &result, targets);
            if to_stdout {
                std::io::stderr().write_all(&line)?;
            } else {
                std::io::stdout().write_all(&line)?;
            }
        }
    }
    let unchanged = !result.changed() && origin.len() == merged_into.len();
    if let Some(doc) = &document {
        if args.write && unchanged {
            // Nothing to write: the file stays byte for byte as it was.
        } else if args.write {
            replace_atomically(&file, doc.as_bytes())?;
        } else if let Some(out) = &args.out {
            replace_atomically(out, doc.as_bytes())?;
        } else {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(doc.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(Outcome::failed_if(result.blocked))
}

/// `fix --jsonl FILE`: every line a document, fixed in parallel block by block (bounded
/// memory), one JSON line out per line in, in line order (as `check --jsonl`).
fn run_jsonl(path: &Path, args: &Args) -> anyhow::Result<Outcome> {
    let mut out = crate::output::raw_stdout()?;
    let cwd = PathBuf::from(".");
    let cwd = cwd.as_path();
    // The rule pack is read while the file's first block is.
    let (_, failed) = input::render_lines(path, &mut out, || {
        let setup = check::setup(&args.scope)?;
        Ok(move |text: &mut Vec<u8>, source: &str, line, doc: &str| {
            let v = input::validate_line(doc);
            fix_line(text, &setup, args, source, line, cwd, v)
        })
    })?;
    out.flush()?;
    Ok(Outcome::failed_if(failed > 0))
}

/// Fixes one line's document and appends its JSON line to `out`; returns whether the fixed
/// schedule passes (holidays and blackouts aside).
#[allow(clippy::too_many_arguments)]
fn fix_line(
    out: &mut Vec<u8>,
    setup: &check::Setup,
    args: &Args,
    source: &str,
    line: usize,
    base_dir: &Path,
    mut validation: Validation,
) -> bool {
    if let Some(s) = validation.schedule.as_mut() {
        if setup.cxone && args.merge_days {
            merge_days(s);
        }
    }
    let (v, prepared) = check::settle(setup, base_dir, &validation);
    let (Some(prepared), Some(schedule)) = (prepared, v.schedule.as_ref()) else {
        validate::json_fields_into(out, source, Some(line), &v);
        out.extend_from_slice(
            b",\"status\":\"fail\",\"fixed\":null,\"changes\":[],\"pause\":[],\"error\":\"invalid document\"}\n",
        );
        return false;
    };
    let targets = &prepared.resolution.targets;
    let result = fix_of(setup, schedule, &prepared);
    JsonOut(out)
        .raw(b"{")
        .key("line")
        .uint(line as u64)
        .raw(b",")
        .key("campaignId")
        .str(&schedule.campaign_id.to_string())
        .raw(b",")
        .key("status")
        .str(status(&result))
        .raw(b",")
        .key("fixed");
    // The export writer's tree, written compactly. `document_bytes` would also read its text
    // back as a document, which costs more than the fix; that guards documents the export
    // writes from any schedule, while this one is a valid line's schedule with windows only
    // narrowed or dropped (each still starts before it ends and overlaps no other).
    if result.schedule.windows.is_empty() {
        out.extend_from_slice(b"null");
    } else {
        let tree = cxsched_engine::export::document_value(&result.schedule);
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &tree);
    }
    JsonOut(out).raw(b",").key("changes");
    changes_into(out, &result, targets);
    JsonOut(out).raw(b",").key("pause");
    pauses_into(out, &result, targets);
    out.extend_from_slice(b"}\n");
    !result.blocked
}

/// The report of an invalid document, as `check` gives it.
fn invalid_report(out: &mut Vec<u8>, source: &str, v: &Validation, mode: OutputMode) {
    match mode {
        OutputMode::Human => validate::render_into(out, source, None, v, mode),
        OutputMode::Json => {
            validate::json_fields_into(out, source, None, v);
            out.extend_from_slice(b",\"status\":\"fail\",\"changes\":[]}\n");
        }
    }
}

/// Merges each day's windows into one (the day's first start to its last end), keeping the
/// first window of the day in place; returns, per original window, the window it became.
fn merge_days(s: &mut Schedule) -> Vec<usize> {
    let mut into: Vec<usize> = (0..s.windows.len()).collect();
    let mut keep = vec![true; s.windows.len()];
    for i in 0..s.windows.len() {
        if !keep[i] {
            continue;
        }
        for j in i + 1..s.windows.len() {
            if keep[j] && s.windows[j].day == s.windows[i].day {
                let (a, b) = (s.windows[i], s.windows[j]);
                s.windows[i].start = a.start.min(b.start);
                s.windows[i].end = a.end.max(b.end);
                keep[j] = false;
                into[j] = i;
            }
        }
    }
    // Renumber: indices into the merged list.
    let mut index = Vec::with_capacity(keep.len());
    let mut n = 0;
    for &k in &keep {
        index.push(n);
        n += usize::from(k);
    }
    let mut k = keep.iter();
    s.windows.retain(|_| *k.next().expect("one flag a window"));
    into.iter().map(|&m| index[m]).collect()
}

/// Who a target is, for people: `America/Chicago (TX)`.
fn who(t: &Target) -> String {
    match &t.state {
        Some(st) => format!("{} ({st})", t.zone.canonical),
        None => t.zone.canonical.to_string(),
    }
}

fn hms(t: LocalTime) -> String {
    t.to_string()
}

fn span_text(
    day: jiff::civil::Weekday,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
) -> String {
    if first == last {
        format!("on {first}")
    } else {
        format!("every {} from {first} to {last}", weekday_name(day))
    }
}

/// Reasons of one window with the same side (and prohibited weekday): the side, the
/// weekday, the recipients, the rules, the first and last dates.
type Group = (
    Side,
    Option<jiff::civil::Weekday>,
    Vec<String>,
    Vec<String>,
    jiff::civil::Date,
    jiff::civil::Date,
);

/// What changed, window by window, and the dates to pause: lines indented by `indent`.
/// The same text leads `check`'s human report.
///
/// Windows are numbered as in the document: `origin[i]` is the document's index of the
/// fixed input's window `i` (they differ after `--merge-days`).
fn changes_text(
    f: &Fix,
    pack: &RulePack,
    targets: &[Target],
    origin: &[usize],
    indent: &str,
) -> String {
    changes_lines(f, pack, targets, origin, indent, false, Paint::NONE)
}

/// Terminal colours for the lines (empty strings: none).
#[derive(Clone, Copy)]
pub(crate) struct Paint {
    pub(crate) head: &'static str,
    pub(crate) todo: &'static str,
    pub(crate) reset: &'static str,
}

impl Paint {
    pub(crate) const NONE: Paint = Paint {
        head: "",
        todo: "",
        reset: "",
    };
    pub(crate) const ANSI: Paint = Paint {
        head: "\x1b[1m",
        todo: "\x1b[33m",
        reset: "\x1b[0m",
    };

    /// Colours when stdout is a terminal and `NO_COLOR` is unset or empty.
    pub(crate) fn for_stdout() -> Paint {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if !no_color && std::io::stdout().is_terminal() {
            Paint::ANSI
        } else {
            Paint::NONE
        }
    }
}

/// [`changes_text`], leaving out the windows kept when `changed_only`, in colours `paint`.
fn changes_lines(
    f: &Fix,
    pack: &RulePack,
    targets: &[Target],
    origin: &[usize],
    indent: &str,
    changed_only: bool,
    paint: Paint,
) -> String {
    let Paint {
        head: bold,
        todo: yellow,
        reset,
    } = paint;
    // The input's index of each window of the fixed schedule.
    let kept: Vec<usize> = f
        .changes
        .iter()
        .filter(|c| c.change != Change::Removed)
        .map(|c| c.window)
        .collect();
    let mut s = String::new();
    for c in &f.changes {
        if changed_only && c.change == Change::Kept {
            continue;
        }
        let o = c.original;
        let head = format!(
            "{indent}window {} ({} {}–{})",
            origin.get(c.window).copied().unwrap_or(c.window),
            weekday_name(o.day),
            o.start,
            o.end
        );
        match &c.change {
            Change::Kept => {
                s.push_str(&format!("{head}: kept\n"));
                continue;
            }
            Change::Cut { to } => {
                s.push_str(&format!(
                    "{bold}{head}: cut to {}–{}{reset}\n",
                    to.start, to.end
                ));
            }
            Change::Removed => s.push_str(&format!("{bold}{head}: removed{reset}\n")),
        }
        // Group the reasons by side (and weekday for prohibitions).
        let mut groups: Vec<Group> = Vec::new();
        for r in &c.reasons {
            let w = who(&targets[r.target]);
            match groups
                .iter_mut()
                .find(|g| g.0 == r.side && g.1 == r.weekday)
            {
                Some(g) => {
                    if !g.2.contains(&w) {
                        g.2.push(w);
                    }
                    if !g.3.contains(&r.rule) {
                        g.3.push(r.rule.clone());
                    }
                    g.4 = g.4.min(r.first);
                    g.5 = g.5.max(r.last);
                }
                None => groups.push((
                    r.side,
                    r.weekday,
                    vec![w],
                    vec![r.rule.clone()],
                    r.first,
                    r.last,
                )),
            }
        }
        for (side, weekday, whom, rules, first, last) in groups {
            let todo = match (side, weekday, &c.change) {
                (Side::Start, _, Change::Cut { to }) => format!("move the start to {}", hms(to.start)),
                (Side::End, _, Change::Cut { to }) => format!("end by {}", hms(to.end)),
                (_, Some(wd), _) => {
                    let states: Vec<&str> = rules
                        .iter()
                        .filter_map(|id| pack.rules.iter().find(|r| &r.id == id))
                        .filter_map(|r| r.state.as_deref())
                        .collect();
                    if states.is_empty() {
                        format!("remove it: {} bans {} calls", rules.join(", "), weekday_name(wd))
                    } else {
                        format!(
                            "remove it, or leave {} out: {} bans {} calls",
                            states.join(", "),
                            states.join(", "),
                            weekday_name(wd)
                        )
                    }
                }
                _ => "remove it: outside their legal hours, and nothing legal for every recipient is left".to_owned(),
            };
            s.push_str(&format!(
                "{indent}  breaks {} {} [{}]: {yellow}{todo}{reset}\n",
                whom.join(", "),
                span_text(c.original.day, first, last),
                rules.join(", ")
            ));
        }
    }
    if !f.pauses.is_empty() {
        s.push_str(&format!(
            "{indent}pause on these dates (holidays and blackouts; a weekly schedule cannot avoid them):\n"
        ));
        for p in &f.pauses {
            let w = &f.schedule.windows[p.window];
            let index = kept.get(p.window).copied().unwrap_or(p.window);
            let index = origin.get(index).copied().unwrap_or(index);
            s.push_str(&format!(
                "{indent}  {yellow}pause on {}{reset} window {} ({} {}–{}) for {}: {} [{}]\n",
                p.date,
                index,
                weekday_name(w.day),
                w.start,
                w.end,
                who(&targets[p.target]),
                p.what,
                p.rule.as_deref().unwrap_or(p.code)
            ));
        }
    }
    s
}

/// The fix of a document as `check` judged it: its recipients and horizon, its blackouts and
/// the flag's; on cxone only what the curfews cannot take, in whole minutes.
fn fix_of(setup: &check::Setup, schedule: &Schedule, prepared: &Prepared) -> Fix {
    fix(&FixInput {
        pack: setup.pack(),
        purpose: prepared.purpose,
        targets: &prepared.resolution.targets,
        schedule,
        horizon: &prepared.horizon,
        blackouts: &setup.service.blackouts(schedule),
        hours: !setup.cxone,
        minutes: setup.cxone,
    })
}

/// The lead of `check`'s human report for a document with errors: per window with errors,
/// whom it breaks, on which dates, and the fix (the same computation as `fix`).
pub(crate) fn what_to_do(
    setup: &check::Setup,
    schedule: &Schedule,
    prepared: &Prepared,
    paint: Paint,
) -> String {
    let targets = &prepared.resolution.targets;
    let f = fix_of(setup, schedule, prepared);
    let origin: Vec<usize> = (0..schedule.windows.len()).collect();
    let body = changes_lines(&f, setup.pack(), targets, &origin, "    ", true, paint);
    if body.is_empty() {
        return body;
    }
    let mut s = format!(
        "  {}what to do{} (`cxsched fix` writes it):\n",
        paint.head, paint.reset
    );
    s.push_str(&body);
    if f.schedule.windows.is_empty() {
        s.push_str("    nothing of the schedule is left once these are removed\n");
    } else if f.blocked {
        s.push_str("    some errors remain after these changes: see the findings\n");
    }
    s
}

/// The changes as one JSON object (`file`, `status`, `changes`, `pauses`), as a line.
fn changes_json(source: &str, f: &Fix, targets: &[Target]) -> Vec<u8> {
    let mut out = Vec::new();
    JsonOut(&mut out)
        .raw(b"{")
        .key("file")
        .str(source)
        .raw(b",")
        .key("status")
        .str(status(f))
        .raw(b",")
        .key("changes");
    changes_into(&mut out, f, targets);
    JsonOut(&mut out).raw(b",").key("pauses");
    pauses_into(&mut out, f, targets);
    out.extend_from_slice(b"}\n");
    out
}

fn status(f: &Fix) -> &'static str {
    if f.blocked { "fail" } else { "pass" }
}

/// `{"dayOfWeek":…,"startTime":…,"endTime":…}`.
fn window_into(out: &mut Vec<u8>, w: &TimeWindow) {
    JsonOut(out)
        .raw(b"{")
        .key("dayOfWeek")
        .str(weekday_name(w.day))
        .raw(b",")
        .key("startTime")
        .str(&w.start.to_string())
        .raw(b",")
        .key("endTime")
        .str(&w.end.to_string())
        .raw(b"}");
}

/// `"recipientZone":…,"state":…` of a target.
fn who_into(out: &mut Vec<u8>, t: &Target) {
    JsonOut(out)
        .key("recipientZone")
        .str(t.zone.canonical)
        .raw(b",")
        .key("state")
        .opt_str(t.state.as_deref());
}

/// The changes per window as a JSON list, written straight into `out` (a `fix --jsonl` line
/// is mostly this; building a JSON tree first cost more than the fix).
fn changes_into(out: &mut Vec<u8>, f: &Fix, targets: &[Target]) {
    out.push(b'[');
    for (i, c) in f.changes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        JsonOut(out)
            .raw(b"{")
            .key("window")
            .uint(c.window as u64)
            .raw(b",")
            .key("original");
        window_into(out, &c.original);
        let (change, to) = match &c.change {
            Change::Kept => ("kept", None),
            Change::Cut { to } => ("cut", Some(to)),
            Change::Removed => ("removed", None),
        };
        JsonOut(out)
            .raw(b",")
            .key("change")
            .str(change)
            .raw(b",")
            .key("to");
        match to {
            Some(w) => window_into(out, w),
            None => out.extend_from_slice(b"null"),
        }
        JsonOut(out).raw(b",").key("reasons").raw(b"[");
        for (k, r) in c.reasons.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            JsonOut(out)
                .raw(b"{")
                .key("code")
                .str(r.code)
                .raw(b",")
                .key("rule")
                .str(&r.rule)
                .raw(b",");
            who_into(out, &targets[r.target]);
            let side = match r.side {
                Side::Start => "start",
                Side::End => "end",
                Side::Whole => "whole",
            };
            JsonOut(out)
                .raw(b",")
                .key("side")
                .str(side)
                .raw(b",")
                .key("firstDate")
                .str(&r.first.to_string())
                .raw(b",")
                .key("lastDate")
                .str(&r.last.to_string())
                .raw(b"}");
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b']');
}

/// The dates to pause as a JSON list, written straight into `out`.
fn pauses_into(out: &mut Vec<u8>, f: &Fix, targets: &[Target]) {
    out.push(b'[');
    for (i, p) in f.pauses.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        JsonOut(out)
            .raw(b"{")
            .key("date")
            .str(&p.date.to_string())
            .raw(b",")
            .key("window")
            .uint(p.window as u64)
            .raw(b",")
            .key("code")
            .str(p.code)
            .raw(b",")
            .key("rule")
            .opt_str(p.rule.as_deref())
            .raw(b",")
            .key("what")
            .str(&p.what)
            .raw(b",");
        who_into(out, &targets[p.target]);
        out.push(b'}');
    }
    out.push(b']');
}

/// The fixed document in `format`: TOML edited in place, JSON and YAML by the export writer.
fn document_text(
    source: &str,
    format: Format,
    path: &Path,
    f: &Fix,
    merged_into: &[usize],
) -> anyhow::Result<String> {
    match format {
        Format::Toml => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{source}: cannot read the file"))?;
            edit_toml(&text, f, merged_into).map_err(|m| anyhow::anyhow!("{source}: {m}"))
        }
        Format::Json | Format::Yaml => cxsched_engine::export::document_bytes(&f.schedule, format)
            .map_err(|m| anyhow::anyhow!("{source}: {m}")),
    }
}

/// What becomes of each window of the original document: its new times, or removed.
fn window_plan(f: &Fix, merged_into: &[usize]) -> Vec<Option<TimeWindow>> {
    merged_into
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            if m != i && merged_into[..i].contains(&m) {
                // Merged into an earlier window of its day.
                return None;
            }
            let c = &f.changes[m];
            match &c.change {
                Change::Kept => Some(c.original),
                Change::Cut { to } => Some(*to),
                Change::Removed => None,
            }
        })
        .collect()
}

/// The TOML document with its `timeWindows` entries cut, merged or removed; everything else
/// (comments, order, layout) as it was.
fn edit_toml(text: &str, f: &Fix, merged_into: &[usize]) -> Result<String, String> {
    let plan = window_plan(f, merged_into);
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("cannot edit the TOML document: {e}"))?;
    let item = doc
        .get_mut("timeWindows")
        .ok_or("the document has no timeWindows")?;
    let set = |t: &mut dyn toml_edit::TableLike, w: &TimeWindow| {
        for (key, value) in [
            ("startTime", w.start.to_string()),
            ("endTime", w.end.to_string()),
        ] {
            let same = t
                .get(key)
                .and_then(|v| v.as_str())
                .is_some_and(|s| s == value);
            if !same {
                match t.get_mut(key).and_then(|v| v.as_value_mut()) {
                    Some(v) => {
                        let decor = v.decor().clone();
                        *v = toml_edit::Value::from(value);
                        *v.decor_mut() = decor;
                    }
                    None => {
                        t.insert(key, toml_edit::value(value));
                    }
                }
            }
        }
    };
    if let Some(tables) = item.as_array_of_tables_mut() {
        if tables.len() != plan.len() {
            return Err("the timeWindows entries do not match the document's windows".into());
        }
        for (i, p) in plan.iter().enumerate() {
            if let Some(w) = p {
                set(tables.get_mut(i).expect("as many entries"), w);
            }
        }
        for i in (0..plan.len()).rev() {
            if plan[i].is_none() {
                tables.remove(i);
            }
        }
    } else if let Some(array) = item.as_array_mut() {
        if array.len() != plan.len() {
            return Err("the timeWindows entries do not match the document's windows".into());
        }
        for (i, p) in plan.iter().enumerate() {
            if let Some(w) = p {
                let t = array
                    .get_mut(i)
                    .and_then(|v| v.as_inline_table_mut())
                    .ok_or("a timeWindows entry is not a table")?;
                set(t, w);
            }
        }
        for i in (0..plan.len()).rev() {
            if plan[i].is_none() {
                array.remove(i);
            }
        }
    } else {
        return Err("timeWindows is not an array of tables".into());
    }
    let out = doc.to_string();
    // The edit must mean the fixed schedule.
    let back = cxsched_core::parse_document(&out, Format::Toml);
    match back.schedule {
        Some(s) if s.windows == f.schedule.windows => Ok(out),
        _ => Err("the edited TOML does not read back as the fixed schedule".into()),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over `path`. On any error the temporary file is removed and `path` is as it was.
fn replace_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    let tmp = dir.join(format!(".{name}.cxsched-fix.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        // Keep the original's permissions.
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        // The rename itself, on disk.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!(
            "{}: cannot write the fixed document: {e} (the file is left as it was)",
            path.display()
        )
    })
}
