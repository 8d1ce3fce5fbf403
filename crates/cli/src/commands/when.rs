//! `cxsched when`: the legal calling intervals per date for one recipient, or for every
//! number of a file (CONTRACT §7, last paragraph).
//!
//! - `cxsched when (--phone NUMBER | --zone ZONE | --state XX)…`: everything given describes
//!   *one* person. A number stands for its area code's state in every zone the area code may
//!   be in, a state for every zone of its area codes, a zone alone for no state (federal
//!   rules only); the answer is what is legal in all of them at once (Regulation F's
//!   "convenient in every possible location"), computed by `cxsched_compliance::when`.
//! - `cxsched when --phone-numbers FILE`: one answer per number (one a line, E.164 or NANP
//!   10-digit, blank lines and `#` comments skipped; `-` reads stdin), for a dialer to
//!   consume: JSON Lines with `--jsonl` or `--output json`. A line that cannot be answered
//!   (outside the NANP, a non-geographic area code, garbage) gets an object with `"error"`
//!   and makes the exit status 1; the other lines are still answered.
//!
//! **The primary zone.** A day is a civil date in one zone, and local times are printed in
//! it (the library's decision, see its module docs); this command picks that zone: the
//! first `--zone` given; else the first number's, else the first state's candidate zone
//! where most of that state's area codes are (Arizona's 928 → America/Phoenix before
//! America/Denver, Texas → America/Chicago before America/Denver). `--from` defaults to
//! today in the primary zone, so with `--phone-numbers` it may differ between numbers.
//!
//! **Speed.** A file of numbers has at most a few hundred distinct area codes: each is
//! resolved, computed (through one [`WhenPlanner`] per start date) and rendered once, and
//! each line costs an area-code parse and a copy of the rendered answer into one buffered
//! writer.
//!
//! Exit status: 0 answered, 1 some numbers could not be answered, 2 usage (nothing given,
//! an unknown zone or state or a number that cannot be placed on the command line, a rule
//! pack or file that cannot be read).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cxsched_compliance::days::day_number;
use cxsched_compliance::recipients::area_code_of;
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{AreaCodeTable, Day, Interval, RulePack, Target, WhenPlanner};
use cxsched_core::{Date, Purpose, zone};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Globals, Outcome, UsageError};
use crate::output::{self, JsonOut, OutputMode};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A phone number of the recipient (E.164 or NANP 10-digit): its area code's state, in
    /// every zone the area code may be in. Repeatable.
    #[arg(long, value_name = "NUMBER")]
    pub phone: Vec<String>,
    /// A zone (IANA) the recipient may be in; no state implied. Repeatable.
    #[arg(long, value_name = "ZONE")]
    pub zone: Vec<String>,
    /// A state (USPS code) the recipient may be in, in every zone of its area codes.
    /// Repeatable.
    #[arg(long, value_name = "XX")]
    pub state: Vec<String>,
    /// One answer per number of this file (one a line, E.164 or NANP 10-digit; blank lines
    /// and `#` comments skipped; `-` reads stdin) instead of one recipient.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["phone", "zone", "state"])]
    pub phone_numbers: Option<PathBuf>,
    /// With --phone-numbers: JSON Lines, one object per number (as --output json).
    #[arg(long)]
    pub jsonl: bool,
    /// Why the call is made: telemarketing, debt_collection or informational.
    #[arg(long, value_parser = parse_purpose, default_value = "telemarketing")]
    pub purpose: Purpose,
    /// First date (YYYY-MM-DD, in the primary zone); default: today there.
    #[arg(long, value_parser = super::supported_date)]
    pub from: Option<Date>,
    /// Number of dates.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    pub days: u32,
    /// A rule pack (TOML) replacing the embedded US rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

fn parse_purpose(s: &str) -> Result<Purpose, String> {
    Purpose::parse(s).ok_or_else(|| {
        format!("expected telemarketing, debt_collection or informational, found {s:?}")
    })
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    // The clock is read here only; everything below is given "now".
    let now = Timestamp::now();
    let nothing_given = args.phone.is_empty() && args.zone.is_empty() && args.state.is_empty();
    if args.phone_numbers.is_none() && nothing_given {
        return Err(UsageError(
            "nothing to answer for: give --phone NUMBER, --zone ZONE or --state XX (repeatable; \
             together they describe one recipient), or --phone-numbers FILE for one answer per \
             number"
                .into(),
        )
        .into());
    }
    if args.jsonl && args.phone_numbers.is_none() {
        return Err(UsageError(
            "--jsonl is for --phone-numbers FILE (one line per number); for one recipient use \
             --output json"
                .into(),
        )
        .into());
    }
    let pack = super::rule_pack(args.rules.as_deref())?;
    let mode = if args.jsonl {
        OutputMode::Json
    } else {
        globals.output
    };
    let mut ctx = Ctx {
        pack: &pack,
        purpose: args.purpose,
        from: args.from,
        days: args.days,
        now,
        mode,
        weights: None,
        planners: HashMap::new(),
    };
    match &args.phone_numbers {
        Some(path) => batch(path, &mut ctx),
        None => single(&args, &mut ctx),
    }
}

/// What one run shares: the rules, the horizon, the planners and the area-code weights.
struct Ctx<'p> {
    pack: &'p RulePack,
    purpose: Purpose,
    from: Option<Date>,
    days: u32,
    now: Timestamp,
    mode: OutputMode,
    /// (state, zone) → how many of the state's area codes may be in the zone; built the
    /// first time a number or state is placed.
    weights: Option<HashMap<(String, String), usize>>,
    /// One planner per first date (dates differ only when `--from` is not given).
    planners: HashMap<Date, WhenPlanner<'p>>,
}

impl<'p> Ctx<'p> {
    fn table(&self) -> &'static AreaCodeTable {
        AreaCodeTable::embedded()
    }

    /// `zones` of `state` ordered for the primary zone: most of the state's area codes
    /// first, then by name.
    fn ranked(&mut self, state: &str, zones: &[String]) -> Vec<String> {
        let table = self.table();
        let weights = self.weights.get_or_insert_with(|| {
            let mut w = HashMap::new();
            for a in table.iter() {
                if let Some(s) = &a.state {
                    for z in &a.zones {
                        *w.entry((s.clone(), z.clone())).or_insert(0usize) += 1;
                    }
                }
            }
            w
        });
        let mut ranked: Vec<(usize, &String)> = zones
            .iter()
            .map(|z| {
                let n = weights
                    .get(&(state.to_owned(), z.clone()))
                    .copied()
                    .unwrap_or(0);
                (n, z)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        ranked.into_iter().map(|(_, z)| z.clone()).collect()
    }

    /// The targets of an area code: its state in each of its zones, primary first.
    fn area_code_targets(&mut self, npa: u16) -> Result<Vec<Target>, NpaProblem> {
        let table = self.table();
        let Some(a) = table.get(npa) else {
            return Err(NpaProblem::NotInService);
        };
        let (Some(state), false) = (&a.state, a.zones.is_empty()) else {
            return Err(NpaProblem::NonGeographic);
        };
        let zones = self.ranked(state, &a.zones);
        zones
            .iter()
            .map(|z| {
                let zone = zone::resolve(z)
                    .map_err(|e| NpaProblem::BadZone(z.clone(), e.message))?
                    .zone;
                Ok(Target {
                    zone,
                    state: Some(state.clone()),
                    basis: format!("area code {npa}"),
                })
            })
            .collect()
    }

    /// The targets of a state: it, in every zone of its area codes, primary first.
    fn state_targets(&mut self, given: &str) -> Result<Vec<Target>, String> {
        let code = given.trim().to_ascii_uppercase();
        let zones = self.table().zones_of_state(&code);
        if zones.is_empty() {
            return Err(format!(
                "--state {given:?}: expected the USPS code of a US state or territory, such as \
                 \"TX\" or \"PR\""
            ));
        }
        let zones = self.ranked(&code, &zones);
        zones
            .iter()
            .map(|z| {
                let zone = zone::resolve(z)
                    .map_err(|e| format!("zone {z:?} of state {code}: {}", e.message))?
                    .zone;
                Ok(Target {
                    zone,
                    state: Some(code.clone()),
                    basis: format!("state {code}"),
                })
            })
            .collect()
    }

    /// The answer for a recipient (targets non-empty, the primary first).
    fn days(&mut self, targets: &[Target]) -> Arc<[Day]> {
        let from = self.from.unwrap_or_else(|| {
            self.now
                .to_zoned_datetime(targets[0].zone.tz.clone())
                .date()
        });
        let (pack, purpose, days) = (self.pack, self.purpose, self.days);
        self.planners
            .entry(from)
            .or_insert_with(|| WhenPlanner::new(pack, purpose, from, days))
            .days(targets)
    }

    /// The rendered answer for a recipient, after its `recipient` (and `line`): the rest of
    /// the JSON object and its line end, or the human lines.
    fn body(&mut self, out: &mut Vec<u8>, targets: &[Target], indent: &str) {
        let days = self.days(targets);
        let zones = zones_of(targets);
        let states = states_of(targets);
        match self.mode {
            OutputMode::Json => {
                let mut json = JsonOut(out);
                json.key("zones")
                    .str_list(&zones)
                    .raw(b",")
                    .key("states")
                    .str_list(&states)
                    .raw(b",")
                    .key("purpose")
                    .str(self.purpose.as_str())
                    .raw(b",")
                    .key("days")
                    .raw(b"[");
                let tz = &targets[0].zone.tz;
                for (i, d) in days.iter().enumerate() {
                    if i > 0 {
                        json.raw(b",");
                    }
                    day_json(&mut json, tz, d);
                }
                json.raw(b"]}\n");
            }
            OutputMode::Human => {
                for d in days.iter() {
                    out.extend_from_slice(indent.as_bytes());
                    day_human(out, self.pack, targets[0].zone.tz, d);
                    out.push(b'\n');
                }
            }
        }
    }
}

/// Why an area code cannot be placed.
#[derive(Clone, Debug)]
enum NpaProblem {
    NotInService,
    NonGeographic,
    BadZone(String, String),
}

impl NpaProblem {
    fn message(&self, npa: u16, number: &str) -> String {
        match self {
            NpaProblem::NotInService => format!(
                "area code {npa} of {number:?} is not a US area code in service (this command \
                 places US numbers only); give the recipient's state or zone instead"
            ),
            NpaProblem::NonGeographic => format!(
                "area code {npa} of {number:?} is non-geographic (toll-free or special \
                 service), so it says nothing about where the person is; give the recipient's \
                 state or zone instead"
            ),
            NpaProblem::BadZone(z, m) => format!("zone {z:?} of area code {npa}: {m}"),
        }
    }
}

/// The message for a number that is not a NANP number at all.
fn not_a_number(m: &str) -> String {
    format!(
        "{m}; only US numbers (country code 1) can be placed by area code: give the \
         recipient's zone or state instead"
    )
}

/// Distinct zones of the targets, in order (the primary first).
fn zones_of(targets: &[Target]) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for t in targets {
        if !v.contains(&t.zone.canonical) {
            v.push(t.zone.canonical);
        }
    }
    v
}

/// Distinct states of the targets, in order.
fn states_of(targets: &[Target]) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for s in targets.iter().filter_map(|t| t.state.as_deref()) {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

/// Adds targets not already there (same zone and state).
fn add_targets(all: &mut Vec<Target>, more: Vec<Target>) {
    for t in more {
        if !all
            .iter()
            .any(|o| o.zone.canonical == t.zone.canonical && o.state == t.state)
        {
            all.push(t);
        }
    }
}

/// `cxsched when (--phone | --zone | --state)…`: one recipient.
fn single(args: &Args, ctx: &mut Ctx<'_>) -> anyhow::Result<Outcome> {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for z in &args.zone {
        match zone::resolve(z) {
            Ok(r) => {
                if let Some(w) = &r.warning {
                    eprintln!("warning: --zone {z:?}: {w}");
                }
                add_targets(
                    &mut targets,
                    vec![Target {
                        zone: r.zone,
                        state: None,
                        basis: "zone given".into(),
                    }],
                );
            }
            Err(e) => errors.push(format!("--zone {z:?}: {}", e.message)),
        }
    }
    for p in &args.phone {
        let number = p.trim();
        match area_code_of(number) {
            Err(m) => errors.push(format!("--phone {number:?}: {}", not_a_number(&m))),
            Ok(npa) => match ctx.area_code_targets(npa) {
                Ok(t) => add_targets(&mut targets, t),
                Err(problem) => errors.push(format!(
                    "--phone {number:?}: {}",
                    problem.message(npa, number)
                )),
            },
        }
    }
    for s in &args.state {
        match ctx.state_targets(s) {
            Ok(t) => add_targets(&mut targets, t),
            Err(m) => errors.push(m),
        }
    }
    if !errors.is_empty() {
        return Err(UsageError(errors.join("\nerror: ")).into());
    }
    let recipient = args
        .phone
        .iter()
        .chain(&args.zone)
        .chain(&args.state)
        .map(|s| s.trim())
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = Vec::new();
    match ctx.mode {
        OutputMode::Json => {
            JsonOut(&mut text)
                .raw(b"{")
                .key("recipient")
                .str(&recipient)
                .raw(b",");
        }
        OutputMode::Human => {
            let zones = zones_of(&targets);
            let states = states_of(&targets);
            header(&mut text, ctx);
            let _ = writeln!(text, "{recipient}");
            let _ = writeln!(
                text,
                "  zones: {} (dates and local times below are {}'s){}",
                zones.join(", "),
                zones[0],
                if zones.len() > 1 {
                    "; legal only when legal in every one"
                } else {
                    ""
                }
            );
            let _ = writeln!(
                text,
                "  states: {}",
                if states.is_empty() {
                    "none given (federal rules only)".to_owned()
                } else {
                    states.join(", ")
                }
            );
        }
    }
    ctx.body(&mut text, &targets, "  ");
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(Outcome::Ok)
}

/// The first lines of a human answer: purpose, rules, not legal advice.
fn header(out: &mut Vec<u8>, ctx: &Ctx<'_>) {
    let _ = writeln!(
        out,
        "Legal calling hours for {} calls, in the called person's local time (rules {}).\n\
         Not legal advice: the rule pack's reading of federal and state calling-hour rules; \
         confirm with counsel before relying on it.",
        ctx.purpose.as_str().replace('_', " "),
        ctx.pack.version_string()
    );
}

/// `cxsched when --phone-numbers FILE`: one answer per number, in line order.
fn batch(path: &Path, ctx: &mut Ctx<'_>) -> anyhow::Result<Outcome> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut b)
            .map_err(|e| UsageError(format!("<stdin>: cannot read the phone numbers: {e}")))?;
        ("<stdin>".to_owned(), b)
    } else {
        let b = std::fs::read(path).map_err(|e| {
            UsageError(format!(
                "{}: cannot read the phone-number file: {e}",
                path.display()
            ))
        })?;
        (path.display().to_string(), b)
    };
    let mode = ctx.mode;
    let mut out = output::raw_stdout()?;
    let mut buf: Vec<u8> = Vec::with_capacity(128 * 1024);
    if mode == OutputMode::Human {
        header(&mut buf, ctx);
    }
    // Per area code: the rendered answer (shared by every number with it) or the problem.
    let mut answers: HashMap<u16, Result<Arc<[u8]>, NpaProblem>> = HashMap::new();
    let (mut answered, mut failed) = (0usize, 0usize);
    let mut digits = [0u8; 20];
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let (content, problem) = match std::str::from_utf8(raw) {
            Ok(text) => {
                let content = text.split('#').next().unwrap_or("").trim();
                if content.is_empty() {
                    continue;
                }
                let answer = area_code_of(content)
                    .map_err(|m| not_a_number(&m))
                    .and_then(|npa| {
                        let entry = answers.entry(npa).or_insert_with(|| {
                            ctx.area_code_targets(npa).map(|targets| {
                                let mut body = Vec::new();
                                if mode == OutputMode::Human {
                                    let _ = writeln!(
                                        body,
                                        "  zones: {}; states: {}",
                                        zones_of(&targets).join(", "),
                                        states_of(&targets).join(", ")
                                    );
                                }
                                ctx.body(&mut body, &targets, "  ");
                                body.into()
                            })
                        });
                        match entry {
                            Ok(body) => Ok(Arc::clone(body)),
                            Err(p) => Err(p.message(npa, content)),
                        }
                    });
                (content, answer)
            }
            Err(_) => (
                "",
                Err("the line is not UTF-8 text; expected a phone number".to_owned()),
            ),
        };
        let recipient = if content.is_empty() {
            String::from_utf8_lossy(raw).trim().to_owned()
        } else {
            content.to_owned()
        };
        match (mode, problem) {
            (OutputMode::Json, answer) => {
                let mut json = JsonOut(&mut buf);
                json.raw(b"{")
                    .key("recipient")
                    .str(&recipient)
                    .raw(b",")
                    .key("line")
                    .raw(output::decimal(line as u64, &mut digits))
                    .raw(b",");
                match answer {
                    Ok(body) => {
                        answered += 1;
                        json.raw(&body);
                    }
                    Err(m) => {
                        failed += 1;
                        json.key("error")
                            .str(&format!("{name}:{line}: {m}"))
                            .raw(b"}\n");
                    }
                }
            }
            (OutputMode::Human, Ok(body)) => {
                answered += 1;
                let _ = writeln!(buf, "{recipient} (line {line})");
                buf.extend_from_slice(&body);
            }
            (OutputMode::Human, Err(m)) => {
                failed += 1;
                let _ = writeln!(buf, "{recipient} ({name}:{line}): error: {m}");
            }
        }
        if buf.len() >= 64 * 1024 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    if answered + failed == 0 {
        return Err(UsageError(format!(
            "{name}: no phone numbers found (one number a line, E.164 or NANP 10-digit)"
        ))
        .into());
    }
    if mode == OutputMode::Human {
        let _ = writeln!(
            buf,
            "{} numbers: {answered} answered, {failed} could not be answered",
            answered + failed
        );
    }
    out.write_all(&buf)?;
    out.flush()?;
    if failed > 0 {
        eprintln!(
            "{name}: {failed} of {} numbers could not be answered (see their \"error\")",
            answered + failed
        );
    }
    Ok(Outcome::failed_if(failed > 0))
}

/// An instant in RFC 3339 with the zone's offset at that instant.
fn local_rfc3339(tz: &TimeZone, t: Timestamp) -> String {
    t.display_with_offset(tz.to_offset(t)).to_string()
}

/// One day as a JSON object.
fn day_json(json: &mut JsonOut<'_>, tz: &TimeZone, d: &Day) {
    json.raw(b"{")
        .key("date")
        .str(&d.date.to_string())
        .raw(b",")
        .key("intervals")
        .raw(b"[");
    for (i, iv) in d.intervals.iter().enumerate() {
        if i > 0 {
            json.raw(b",");
        }
        json.raw(b"{")
            .key("start")
            .str(&local_rfc3339(tz, iv.start))
            .raw(b",")
            .key("end")
            .str(&local_rfc3339(tz, iv.end))
            .raw(b",")
            .key("startUtc")
            .str(&iv.start.to_string())
            .raw(b",")
            .key("endUtc")
            .str(&iv.end.to_string())
            .raw(b"}");
    }
    json.raw(b"],")
        .key("closedBecause")
        .str_list(&d.closed_because)
        .raw(b"}");
}

/// `HH:MM`, or `HH:MM:SS` when there are seconds.
fn hm(t: jiff::civil::Time) -> String {
    if t.second() == 0 {
        format!("{:02}:{:02}", t.hour(), t.minute())
    } else {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// One interval's local span (`12:00–21:00 CDT`; the end at the next midnight is `24:00`).
fn local_span(tz: &TimeZone, date: Date, iv: &Interval) -> String {
    let (a, b) = (tz.to_offset_info(iv.start), tz.to_offset_info(iv.end));
    let start = a.offset().to_datetime(iv.start);
    let end = b.offset().to_datetime(iv.end);
    let end_text = if end.date() > date && end.time() == jiff::civil::Time::midnight() {
        "24:00".to_owned()
    } else {
        hm(end.time())
    };
    if a.abbreviation() == b.abbreviation() {
        format!("{}–{end_text} {}", hm(start.time()), a.abbreviation())
    } else {
        format!(
            "{} {}–{end_text} {}",
            hm(start.time()),
            a.abbreviation(),
            b.abbreviation()
        )
    }
}

/// One day as a human line: `2027-03-14 Sun  12:00–21:00 CDT  (17:00Z–02:00Z)`.
fn day_human(out: &mut Vec<u8>, pack: &RulePack, tz: &TimeZone, d: &Day) {
    let _ = write!(out, "{} {}  ", d.date, d.date.strftime("%a"));
    if d.intervals.is_empty() {
        if d.closed_because.is_empty() {
            out.extend_from_slice(
                "no legal hours (the candidate zones' hours do not overlap)".as_bytes(),
            );
        } else {
            let _ = write!(out, "closed ({})", closing_reasons(pack, d));
        }
        return;
    }
    let local: Vec<String> = d
        .intervals
        .iter()
        .map(|iv| local_span(tz, d.date, iv))
        .collect();
    let utc: Vec<String> = d
        .intervals
        .iter()
        .map(|iv| {
            let utc = jiff::tz::Offset::UTC;
            let (s, e) = (
                utc.to_datetime(iv.start).time(),
                utc.to_datetime(iv.end).time(),
            );
            format!("{}Z–{}Z", hm(s), hm(e))
        })
        .collect();
    let _ = write!(out, "{}  ({})", local.join(", "), utc.join(", "));
    if !d.closed_because.is_empty() {
        let _ = write!(out, "; closed in some zone ({})", closing_reasons(pack, d));
    }
}

/// Each closing rule with why: `US-UT Sunday`, `US-PA holiday Christmas Day (observed)`.
fn closing_reasons(pack: &RulePack, d: &Day) -> String {
    let weekday = d.date.weekday();
    let n = day_number(d.date);
    d.closed_because
        .iter()
        .map(|id| {
            let Some(rule) = pack.rules.iter().find(|r| &r.id == id) else {
                return id.clone();
            };
            if rule.day(weekday) == DayRule::Prohibited {
                return format!("{id} {}", d.date.strftime("%A"));
            }
            let holiday = rule.holidays.and_then(|c| {
                let cal = &pack.calendars[c];
                cal.between(n, n).first().map(|h| {
                    format!(
                        "{id} holiday {}{}",
                        cal.holidays[h.holiday].name,
                        if h.observed { " (observed)" } else { "" }
                    )
                })
            });
            holiday.unwrap_or_else(|| id.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
