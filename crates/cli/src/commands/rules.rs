//! `cxsched rules`: what a rule pack holds, and work with rule packs.
//!
//! - `rules` lists every rule briefly; `rules XX` shows the state's rules in full with the
//!   federal ones that apply there (hours by weekday, prohibited days, holiday calendar,
//!   citation, confidence, versions, zones, notes).
//! - `rules holidays --state XX --year YYYY`: the dates on which the state's rules prohibit
//!   calls that year, with observance (which day is observed and why).
//! - `rules lint FILE` checks a custom rule pack the way `check --rules FILE` reads it and
//!   reports every problem with its path, as `validate` does for documents (exit status 1
//!   when there is any).
//!
//! `--rules FILE` shows a custom pack instead of the embedded one.

use std::io::Write as _;
use std::path::PathBuf;

use cxsched_compliance::days::{date_of, day_number};
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{Rule, RulePack};
use cxsched_core::Issue;
use serde_json::{Value, json};

use super::{Globals, Outcome, UsageError};
use crate::output::{self, OutputMode};

/// `cxsched rules [STATE]`, or one of its subcommands.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A state (USPS code, `TX`): its rules in full, and the federal ones that apply there.
    /// Without it, every rule of the pack briefly.
    #[arg(value_name = "STATE")]
    pub state: Option<String>,
    /// A rule pack (TOML) to show instead of the embedded US rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

/// The `rules` subcommands (each its own variant, so more can join).
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Check a rule pack (TOML): every problem with its path (`rules[3] (US-CT).hours`).
    Lint {
        /// The rule pack file.
        file: PathBuf,
    },
    /// The dates a state's rules prohibit calls on in a year, with observance.
    Holidays {
        /// The state (USPS code, `PA`).
        #[arg(long, value_name = "STATE")]
        state: String,
        /// The year (1900–2199).
        #[arg(long, value_parser = clap::value_parser!(i16).range(1900..=2199))]
        year: i16,
        /// A rule pack (TOML) to read instead of the embedded US rules.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    match args.command {
        Some(Command::Lint { file }) => lint(&file, globals),
        Some(Command::Holidays { state, year, rules }) => {
            let pack = super::rule_pack(rules.as_deref())?;
            let state = state_code(&state)?;
            print(&holidays(&pack, &state, year, globals.output))
        }
        None => {
            let pack = super::rule_pack(args.rules.as_deref())?;
            let out = match args.state {
                None => list(&pack, globals.output),
                Some(s) => state_rules(&pack, &state_code(&s)?, globals.output),
            };
            print(&out)
        }
    }
}

fn print(out: &[u8]) -> anyhow::Result<Outcome> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out)?;
    stdout.flush()?;
    Ok(Outcome::Ok)
}

/// A USPS code, upper-cased (`tx` → `TX`).
fn state_code(s: &str) -> anyhow::Result<String> {
    let up = s.trim().to_ascii_uppercase();
    if up.len() == 2 && up.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(up)
    } else {
        Err(UsageError(format!(
            "expected a state as a USPS code such as TX, found {s:?}"
        ))
        .into())
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_JSON: [&str; 7] = cxsched_core::model::WEEKDAY_NAMES;

fn day_name(d: jiff::civil::Date) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][d.weekday().to_monday_zero_offset() as usize]
}

/// Seconds since midnight as `HH:MM` (`24:00` for the day's end).
fn hhmm(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

fn day_text(d: DayRule) -> String {
    match d {
        DayRule::Allowed { open, close } => format!("{}-{}", hhmm(open), hhmm(close)),
        DayRule::Prohibited => "no calls".into(),
    }
}

/// The hours by weekday, consecutive days with the same rule joined: `Mon-Sat
/// 08:00-20:00; Sun no calls`.
fn hours_text(rule: &Rule) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        let mut j = i;
        while j + 1 < 7 && rule.days[j + 1] == rule.days[i] {
            j += 1;
        }
        let days = if i == j {
            WEEKDAYS[i].to_owned()
        } else {
            format!("{}-{}", WEEKDAYS[i], WEEKDAYS[j])
        };
        parts.push(format!("{days} {}", day_text(rule.days[i])));
        i = j + 1;
    }
    parts.join("; ")
}

fn purposes(rule: &Rule) -> Vec<&'static str> {
    rule.purposes.iter().map(|p| p.as_str()).collect()
}

/// `2021-07-01 to 2023-10-01` / `since 2021-07-01` / `before 2023-10-01` / `always`.
fn effective_text(rule: &Rule) -> String {
    match (rule.effective_from, rule.effective_to) {
        (Some(f), Some(t)) => format!("from {f} to {t} (exclusive)"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("before {t}"),
        (None, None) => "always (one undated version)".into(),
    }
}

fn rule_json(pack: &RulePack, rule: &Rule) -> Value {
    let hours: serde_json::Map<String, Value> = WEEKDAYS_JSON
        .iter()
        .zip(rule.days)
        .map(|(d, r)| {
            let v = match r {
                DayRule::Allowed { open, close } => {
                    json!({"open": hhmm(open), "close": hhmm(close)})
                }
                DayRule::Prohibited => Value::Null,
            };
            ((*d).to_owned(), v)
        })
        .collect();
    let prohibited: Vec<&str> = WEEKDAYS_JSON
        .iter()
        .zip(rule.days)
        .filter(|(_, r)| *r == DayRule::Prohibited)
        .map(|(d, _)| *d)
        .collect();
    json!({
        "id": rule.id,
        "version": rule.version(),
        "title": rule.title,
        "state": rule.state,
        "purposes": purposes(rule),
        "severity": rule.severity.as_str(),
        "hours": hours,
        "prohibitedDays": prohibited,
        "holidayCalendar": rule.holidays.map(|i| pack.calendars[i].id.clone()),
        "citation": rule.citation,
        "confidence": rule.confidence.as_str(),
        "effectiveFrom": rule.effective_from.map(|d| d.to_string()),
        "effectiveTo": rule.effective_to.map(|d| d.to_string()),
        "zones": rule.zones,
        "presumption": rule.presumption,
        "notes": rule.notes,
    })
}

fn pack_json(pack: &RulePack) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("ruleset".into(), json!(pack.version_string()));
    m.insert("disclaimer".into(), json!(pack.disclaimer));
    m
}

fn json_line(out: &mut Vec<u8>, v: &Value) {
    serde_json::to_writer(&mut *out, v).expect("JSON values serialize");
    out.push(b'\n');
}

/// `rules`: every rule, one line each.
fn list(pack: &RulePack, mode: OutputMode) -> Vec<u8> {
    let mut out = Vec::new();
    match mode {
        OutputMode::Json => {
            let mut m = pack_json(pack);
            m.insert(
                "rules".into(),
                pack.rules.iter().map(|r| rule_json(pack, r)).collect(),
            );
            json_line(&mut out, &Value::Object(m));
        }
        OutputMode::Human => {
            let _ = writeln!(
                out,
                "{}: {} rules for {} states (and federal); `cxsched rules XX` shows a state's in full",
                pack.version_string(),
                pack.rules.len(),
                pack.states().len()
            );
            for r in &pack.rules {
                let version = r.version().map(|v| format!(" [{v}]")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {:<15} {:<3} {} ({}){version}",
                    r.id,
                    r.state.as_deref().unwrap_or("FED"),
                    hours_text(r),
                    purposes(r).join(", "),
                );
            }
            let _ = writeln!(out, "{}", pack.disclaimer);
        }
    }
    out
}

/// `rules XX`: the state's rules and the federal ones, in full.
fn state_rules(pack: &RulePack, state: &str, mode: OutputMode) -> Vec<u8> {
    let federal: Vec<&Rule> = pack.rules.iter().filter(|r| r.state.is_none()).collect();
    let own: Vec<&Rule> = pack
        .rules
        .iter()
        .filter(|r| r.state.as_deref() == Some(state))
        .collect();
    let mut out = Vec::new();
    match mode {
        OutputMode::Json => {
            let mut m = pack_json(pack);
            m.insert("state".into(), json!(state));
            m.insert(
                "rules".into(),
                own.iter().map(|r| rule_json(pack, r)).collect(),
            );
            m.insert(
                "federal".into(),
                federal.iter().map(|r| rule_json(pack, r)).collect(),
            );
            json_line(&mut out, &Value::Object(m));
        }
        OutputMode::Human => {
            if own.is_empty() {
                let _ = writeln!(
                    out,
                    "{state}: no state rules in {}; the federal rules apply",
                    pack.version_string()
                );
            } else {
                let _ = writeln!(
                    out,
                    "{state}: {} rules in {}",
                    own.len(),
                    pack.version_string()
                );
                for r in &own {
                    rule_human(&mut out, pack, r);
                }
            }
            let _ = writeln!(out, "\nFederal rules (apply in every state):");
            for r in &federal {
                rule_human(&mut out, pack, r);
            }
            let _ = writeln!(out, "\n{}", pack.disclaimer);
        }
    }
    out
}

fn rule_human(out: &mut Vec<u8>, pack: &RulePack, r: &Rule) {
    let _ = writeln!(out, "\n{} — {}", r.id, r.title);
    let field = |out: &mut Vec<u8>, name: &str, value: &str| {
        let _ = writeln!(out, "  {:<12} {value}", format!("{name}:"));
    };
    field(out, "purposes", &purposes(r).join(", "));
    field(out, "severity", r.severity.as_str());
    field(out, "hours", &hours_text(r));
    let prohibited: Vec<&str> = WEEKDAYS
        .iter()
        .zip(r.days)
        .filter(|(_, d)| *d == DayRule::Prohibited)
        .map(|(w, _)| *w)
        .collect();
    if !prohibited.is_empty() {
        field(out, "prohibited", &prohibited.join(", "));
    }
    if let Some(i) = r.holidays {
        let c = &pack.calendars[i];
        field(
            out,
            "holidays",
            &format!("{} ({}; {})", c.id, c.title, c.source),
        );
    }
    field(out, "citation", &r.citation);
    field(out, "confidence", r.confidence.as_str());
    field(out, "effective", &effective_text(r));
    if !r.zones.is_empty() {
        field(out, "zones", &r.zones.join(", "));
    }
    if let Some(p) = &r.presumption {
        field(out, "presumption", p);
    }
    if let Some(n) = &r.notes {
        field(out, "notes", n);
    }
}

/// One holiday date of a calendar.
struct HolidayRow {
    date: jiff::civil::Date,
    name: String,
    calendar: String,
    /// Why this date counts: the holiday itself, or its observed day.
    observance: String,
    observed: bool,
}

/// `rules holidays --state XX --year YYYY`.
fn holidays(pack: &RulePack, state: &str, year: i16, mode: OutputMode) -> Vec<u8> {
    // The calendars the state's rules prohibit calls on, each with the rules using it.
    let mut used: Vec<(usize, Vec<String>)> = Vec::new();
    for r in pack
        .rules
        .iter()
        .filter(|r| r.state.is_none() || r.state.as_deref() == Some(state))
    {
        if let Some(i) = r.holidays {
            let label = match r.version() {
                Some(v) => format!("{} [{v}]", r.id),
                None => r.id.clone(),
            };
            match used.iter_mut().find(|(c, _)| *c == i) {
                Some((_, ids)) => ids.push(label),
                None => used.push((i, vec![label])),
            }
        }
    }
    let first = day_number(jiff::civil::Date::constant(year, 1, 1));
    let last = day_number(jiff::civil::Date::constant(year, 12, 31));
    let mut rows = Vec::new();
    for (i, _) in &used {
        let c = &pack.calendars[*i];
        for h in c.between(first, last) {
            let holiday = &c.holidays[h.holiday];
            let date = date_of(h.day);
            let observance = if h.observed {
                let actual = if date.weekday() == jiff::civil::Weekday::Friday {
                    date.tomorrow().expect("in range")
                } else {
                    date.yesterday().expect("in range")
                };
                format!(
                    "observed: {} falls on {} {actual}; {} observes it on the {}",
                    holiday.name,
                    day_name(actual),
                    c.id,
                    day_name(date)
                )
            } else {
                "the holiday itself".to_owned()
            };
            rows.push(HolidayRow {
                date,
                name: holiday.name.clone(),
                calendar: c.id.clone(),
                observance,
                observed: h.observed,
            });
        }
    }
    rows.sort_by(|a, b| (a.date, &a.name).cmp(&(b.date, &b.name)));
    let mut out = Vec::new();
    match mode {
        OutputMode::Json => {
            let mut m = pack_json(pack);
            m.insert("state".into(), json!(state));
            m.insert("year".into(), json!(year));
            m.insert(
                "calendars".into(),
                used.iter()
                    .map(|(i, ids)| {
                        let c = &pack.calendars[*i];
                        json!({
                            "id": c.id,
                            "title": c.title,
                            "source": c.source,
                            "saturdayObservedOnFriday": c.saturday_to_friday,
                            "sundayObservedOnMonday": c.sunday_to_monday,
                            "rules": ids,
                        })
                    })
                    .collect(),
            );
            m.insert(
                "holidays".into(),
                rows.iter()
                    .map(|r| {
                        json!({
                            "date": r.date.to_string(),
                            "dayOfWeek": WEEKDAYS_JSON[r.date.weekday().to_monday_zero_offset() as usize],
                            "name": r.name,
                            "calendar": r.calendar,
                            "observed": r.observed,
                            "observance": r.observance,
                        })
                    })
                    .collect(),
            );
            json_line(&mut out, &Value::Object(m));
        }
        OutputMode::Human => {
            if used.is_empty() {
                let _ = writeln!(
                    out,
                    "{state}: no rule of {} prohibits calls on holidays",
                    pack.version_string()
                );
                return out;
            }
            for (i, ids) in &used {
                let c = &pack.calendars[*i];
                let _ = writeln!(
                    out,
                    "{state} {year}: {} ({}), used by {}",
                    c.title,
                    c.source,
                    ids.join(", ")
                );
                let mut shifts = Vec::new();
                if c.saturday_to_friday {
                    shifts.push("a Saturday holiday is also observed on the Friday before");
                }
                if c.sunday_to_monday {
                    shifts.push("a Sunday holiday is also observed on the Monday after");
                }
                if shifts.is_empty() {
                    shifts.push("weekend holidays are not moved");
                }
                let _ = writeln!(out, "  {}; both days count", shifts.join("; "));
            }
            for r in &rows {
                let _ = writeln!(
                    out,
                    "  {} {}  {:<40} {}",
                    r.date,
                    &WEEKDAYS[r.date.weekday().to_monday_zero_offset() as usize],
                    r.name,
                    r.observance
                );
            }
        }
    }
    out
}

fn lint(file: &std::path::Path, globals: &Globals) -> anyhow::Result<Outcome> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| UsageError(format!("{name}: cannot read the rule pack: {e}")))?;
    let (problems, summary) = match RulePack::parse(&text, &name) {
        Ok(pack) => {
            let versions = pack
                .rules
                .iter()
                .filter(|r| r.effective_from.is_some() || r.effective_to.is_some())
                .count();
            (
                Vec::new(),
                format!(
                    "{} rules ({versions} dated versions), {} calendars",
                    pack.rules.len(),
                    pack.calendars.len()
                ),
            )
        }
        Err(e) if e.problems.is_empty() => (
            vec![Issue {
                path: String::new(),
                message: e.message,
            }],
            String::new(),
        ),
        Err(e) => (
            e.problems
                .into_iter()
                .map(|p| Issue {
                    path: p.path,
                    message: p.message,
                })
                .collect(),
            String::new(),
        ),
    };
    let mut out = Vec::new();
    match globals.output {
        OutputMode::Json => {
            output::JsonOut(&mut out)
                .raw(b"{")
                .key("file")
                .str(&name)
                .raw(b",")
                .key("valid")
                .bool(problems.is_empty())
                .raw(b",")
                .key("errors")
                .issues(&problems)
                .raw(b"}\n");
        }
        OutputMode::Human => {
            if problems.is_empty() {
                let _ = writeln!(out, "{name}: valid rule pack: {summary}");
            } else {
                let _ = writeln!(out, "{name}: invalid rule pack");
                for p in &problems {
                    let at = if p.path.is_empty() { "(file)" } else { &p.path };
                    let _ = writeln!(out, "  error: {at}: {}", p.message);
                }
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(Outcome::failed_if(!problems.is_empty()))
}
