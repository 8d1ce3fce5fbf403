//! Rule packs: the calling-hour rules of a jurisdiction, as data.
//!
//! A rule pack is a TOML file (the US pack, `data/rules/us.toml`, is embedded in the binary
//! and can be replaced with `--rules FILE`). It holds one federal rule per purpose and the
//! state rules that are stricter: allowed hours by weekday in the called party's local time
//! (`[open, close)`), prohibited weekdays, a holiday calendar on whose days calls are
//! prohibited, the purposes in scope, and for each its citation and confidence (H statute or
//! regulation text seen, M a reliable secondary source, L a vendor chart only). Holiday
//! calendars are data too (see [`crate::holidays`]). Parsing checks every reference and
//! reports problems with the rule's id and field.

use std::collections::HashMap;

use cxsched_core::Purpose;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use crate::holidays::{Holiday, HolidayCalendar, HolidayDate};

/// The US rule pack embedded in the binary.
pub const US_RULES_TOML: &str = include_str!("../data/rules/us.toml");

/// How a finding of a rule counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a rule rests on: H statute or regulation text seen, M a reliable secondary source,
/// L a vendor chart only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    /// `H`, `M` or `L`, as the research table writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "H",
            Confidence::Medium => "M",
            Confidence::Low => "L",
        }
    }
}

/// What a rule allows on one weekday, in the called party's local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayRule {
    /// Calls allowed in `[open, close)`, seconds since local midnight (`close <= 86400`).
    Allowed { open: u32, close: u32 },
    /// No calls at all on this weekday.
    Prohibited,
}

/// One rule of a pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// `US-FED-…` for federal rules, `US-<STATE>[-…]` for state rules.
    pub id: String,
    pub title: String,
    /// The USPS code of the state the rule belongs to; `None` for a federal rule.
    pub state: Option<String>,
    pub purposes: Vec<Purpose>,
    pub severity: Severity,
    pub citation: String,
    pub confidence: Confidence,
    /// Monday first.
    pub days: [DayRule; 7],
    /// Index into [`RulePack::calendars`] of the holidays on which calls are prohibited.
    pub holidays: Option<usize>,
    /// Scope limits, readings and caveats shown with findings.
    pub notes: Option<String>,
    /// The first date this version applies (inclusive); `None`: since ever.
    pub effective_from: Option<Date>,
    /// The first date this version no longer applies (exclusive); `None`: no end.
    pub effective_to: Option<Date>,
    /// Canonical zone names the version is limited to (recipients in these zones only);
    /// empty: every zone.
    pub zones: Vec<String>,
    /// A reading this version takes, added to its findings' presumption.
    pub presumption: Option<String>,
}

impl Rule {
    /// True when the rule applies to calls made for `purpose`.
    pub fn covers(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
    }

    /// The version's name in findings: its first date, `before <effective_to>` for a first
    /// version, `None` for a rule with one undated version.
    pub fn version(&self) -> Option<String> {
        match (self.effective_from, self.effective_to) {
            (Some(f), _) => Some(f.to_string()),
            (None, Some(t)) => Some(format!("before {t}")),
            (None, None) => None,
        }
    }

    /// True when the version is in force on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.effective_from.is_none_or(|f| f <= date) && self.effective_to.is_none_or(|t| date < t)
    }

    /// True when the rule reaches recipients in the zone `canonical`.
    pub fn reaches_zone(&self, canonical: &str) -> bool {
        self.zones.is_empty() || self.zones.iter().any(|z| z == canonical)
    }

    /// The rule for a weekday.
    pub fn day(&self, weekday: Weekday) -> DayRule {
        self.days[weekday.to_monday_zero_offset() as usize]
    }
}

/// A parsed rule pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulePack {
    /// The ruleset name documents select with `compliance.ruleset` (`us`).
    pub name: String,
    pub version: String,
    /// Shown on every report.
    pub disclaimer: String,
    pub rules: Vec<Rule>,
    pub calendars: Vec<HolidayCalendar>,
}

/// A rule pack that cannot be used, with where and what.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct RulePackError {
    /// The file (or `embedded us.toml`).
    pub source_name: String,
    /// Every problem, `path: message`, joined by `; ` (or the TOML reader's complaint).
    pub message: String,
    /// Every problem with its path (empty when the text is not a rule pack at all).
    pub problems: Vec<Problem>,
}

/// One problem of a rule pack: where (`rules[3] (US-CT).effective_to`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl RulePack {
    /// The US rule pack embedded in the binary.
    ///
    /// # Panics
    /// Never in a released build: the embedded pack is checked by this crate's tests.
    pub fn embedded_us() -> RulePack {
        RulePack::parse(US_RULES_TOML, "embedded rules/us.toml")
            .expect("the embedded US rule pack is valid")
    }

    /// `name@version`, for reports and audit entries.
    pub fn version_string(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// The rules that apply to calls for `purpose` to someone in `state` (federal rules
    /// always; a state's rules only when the state is known), as indices into `rules`.
    pub fn applicable(&self, purpose: Purpose, state: Option<&str>) -> Vec<usize> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.covers(purpose))
            .filter(|(_, r)| r.state.is_none() || r.state.as_deref() == state)
            .map(|(i, _)| i)
            .collect()
    }

    /// The states this pack has rules for.
    pub fn states(&self) -> Vec<&str> {
        let mut s: Vec<&str> = self
            .rules
            .iter()
            .filter_map(|r| r.state.as_deref())
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    }

    /// Parses and checks a rule pack.
    ///
    /// # Errors
    /// A [`RulePackError`] with every problem, each naming the rule or calendar and field
    /// that is wrong: TOML syntax, unknown fields, malformed hours or dates, unknown weekdays,
    /// purposes, zones or calendars, duplicate ids, overlapping versions of one rule.
    pub fn parse(text: &str, source_name: &str) -> Result<RulePack, RulePackError> {
        let fail = |problems: Vec<Problem>| {
            let message = problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("; ");
            RulePackError {
                source_name: source_name.into(),
                message,
                problems,
            }
        };
        // Rule packs are a few tens of kilobytes; a far larger file is refused unread.
        const MAX_BYTES: usize = 4 * 1024 * 1024;
        if text.len() > MAX_BYTES {
            return Err(RulePackError {
                source_name: source_name.into(),
                message: format!(
                    "not a valid rule pack: {} bytes, more than the limit of {MAX_BYTES} bytes (4 MiB)",
                    text.len()
                ),
                problems: Vec::new(),
            });
        }
        let raw: RawPack = toml::from_str(text).map_err(|e: toml::de::Error| RulePackError {
            source_name: source_name.into(),
            message: toml_message(text, &e),
            problems: Vec::new(),
        })?;
        let problems = std::cell::RefCell::new(Vec::new());
        let problem =
            |path: String, message: String| problems.borrow_mut().push(Problem { path, message });

        // Calendars first (rules refer to them), resolving `include`s one level deep.
        let mut ids: Vec<&String> = raw.calendars.keys().collect();
        ids.sort();
        let mut calendars = Vec::with_capacity(ids.len());
        let mut index = HashMap::new();
        for id in ids {
            let c = &raw.calendars[id];
            let at = format!("calendars.{id}");
            let mut holidays = Vec::new();
            for inc in &c.include {
                let Some(other) = raw.calendars.get(inc) else {
                    problem(format!("{at}.include"), format!("unknown calendar {inc:?}"));
                    continue;
                };
                for (i, h) in other.holidays.iter().enumerate() {
                    match h.to_holiday(&format!("calendars.{inc}.holidays[{i}]")) {
                        Ok(h) => holidays.push(h),
                        Err((p, m)) => problem(p, m),
                    }
                }
            }
            for (i, h) in c.holidays.iter().enumerate() {
                match h.to_holiday(&format!("{at}.holidays[{i}]")) {
                    Ok(h) => holidays.push(h),
                    Err((p, m)) => problem(p, m),
                }
            }
            index.insert(id.clone(), calendars.len());
            calendars.push(HolidayCalendar {
                id: id.clone(),
                title: c.title.clone(),
                source: c.source.clone(),
                saturday_to_friday: c.observe_saturday_on_friday,
                sunday_to_monday: c.observe_sunday_on_monday,
                holidays,
            });
        }

        let mut rules = Vec::with_capacity(raw.rules.len());
        // Versions of each id: (rule index in `raw.rules`, from, to).
        let mut versions: HashMap<&str, Vec<Version>> = HashMap::new();
        for (i, r) in raw.rules.iter().enumerate() {
            let at = format!("rules[{i}] ({})", r.id);
            let before = problems.borrow().len();
            let expected_prefix = match &r.state {
                Some(s) => format!("US-{s}"),
                None => "US-FED".into(),
            };
            if !r.id.starts_with(&expected_prefix) {
                problem(
                    format!("{at}.id"),
                    format!("expected an id beginning {expected_prefix:?}"),
                );
            }
            if let Some(s) = &r.state {
                if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
                    problem(
                        format!("{at}.state"),
                        format!("expected a USPS code such as \"TX\", found {s:?}"),
                    );
                }
            }
            let mut purposes = Vec::new();
            for p in &r.purposes {
                match Purpose::parse(p) {
                    Some(p) => purposes.push(p),
                    None => problem(
                        format!("{at}.purposes"),
                        format!(
                            "expected telemarketing, debt_collection or informational, found {p:?}"
                        ),
                    ),
                }
            }
            let (open, close) = parse_hours(&r.hours).unwrap_or_else(|m| {
                problem(format!("{at}.hours"), m);
                (0, DAY)
            });
            let mut days = [DayRule::Allowed { open, close }; 7];
            let mut day_names: Vec<&String> = r.days.keys().collect();
            day_names.sort();
            for day in day_names {
                let hours = &r.days[day];
                let Some(wd) = parse_weekday(day) else {
                    problem(format!("{at}.days"), format!("unknown weekday {day:?}"));
                    continue;
                };
                match parse_hours(hours) {
                    Ok((o, c)) => {
                        days[wd.to_monday_zero_offset() as usize] =
                            DayRule::Allowed { open: o, close: c };
                    }
                    Err(m) => problem(format!("{at}.days.{day}"), m),
                }
            }
            for day in &r.prohibited_days {
                match parse_weekday(day) {
                    Some(wd) => days[wd.to_monday_zero_offset() as usize] = DayRule::Prohibited,
                    None => problem(
                        format!("{at}.prohibited_days"),
                        format!("unknown weekday {day:?}"),
                    ),
                }
            }
            let holidays = match &r.holidays {
                None => None,
                Some(id) => {
                    let found = index.get(id).copied();
                    if found.is_none() {
                        problem(format!("{at}.holidays"), format!("unknown calendar {id:?}"));
                    }
                    found
                }
            };
            let severity = match r.severity.as_deref() {
                None | Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some(other) => {
                    problem(
                        format!("{at}.severity"),
                        format!("expected error or warning, found {other:?}"),
                    );
                    Severity::Error
                }
            };
            let confidence = match r.confidence.as_str() {
                "H" => Confidence::High,
                "M" => Confidence::Medium,
                "L" => Confidence::Low,
                other => {
                    problem(
                        format!("{at}.confidence"),
                        format!("expected H, M or L, found {other:?}"),
                    );
                    Confidence::Low
                }
            };
            let date = |key: &str, v: &Option<toml::value::Datetime>| -> Option<Date> {
                let v = v.as_ref()?;
                let parsed = match (v.date, v.time, v.offset) {
                    (Some(d), None, None) => {
                        Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
                    }
                    _ => None,
                };
                if parsed.is_none() {
                    problem(
                        format!("{at}.{key}"),
                        format!("expected a date such as 2023-10-01 (unquoted), found {v}"),
                    );
                }
                parsed
            };
            let effective_from = date("effective_from", &r.effective_from);
            let effective_to = date("effective_to", &r.effective_to);
            if let (Some(f), Some(t)) = (effective_from, effective_to) {
                if t <= f {
                    problem(
                        format!("{at}.effective_to"),
                        format!(
                            "expected a date after effective_from ({f}), found {t}; effective_to is the first date the version no longer applies"
                        ),
                    );
                }
            }
            let mut zones = Vec::new();
            for (j, z) in r.zones.iter().enumerate() {
                match cxsched_core::zone::resolve(z) {
                    Ok(res) => zones.push(res.zone.canonical.to_string()),
                    Err(e) => problem(format!("{at}.zones[{j}]"), e.message),
                }
            }
            if problems.borrow().len() > before {
                continue;
            }
            versions
                .entry(r.id.as_str())
                .or_default()
                .push((i, effective_from, effective_to));
            rules.push(Rule {
                id: r.id.clone(),
                title: r.title.clone(),
                state: r.state.clone(),
                purposes,
                severity,
                citation: r.citation.clone(),
                confidence,
                days,
                holidays,
                notes: r.notes.clone(),
                effective_from,
                effective_to,
                zones,
                presumption: r.presumption.clone(),
            });
        }
        // Versions of one rule must not overlap: `[from, to)` with open ends unbounded.
        let mut ids: Vec<&&str> = versions.keys().collect();
        ids.sort();
        for id in ids {
            let mut list = versions[*id].clone();
            list.sort_by_key(|v| (v.1.is_some(), v.1, v.0));
            for pair in list.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let overlaps = match (a.2, b.1) {
                    (_, None) => true,
                    (None, _) => true,
                    (Some(end), Some(start)) => start < end,
                };
                if overlaps {
                    let at = format!("rules[{}] ({id})", b.0);
                    let since = |d: Option<Date>| d.map_or("ever".to_string(), |d| d.to_string());
                    problem(
                        format!("{at}.effective_from"),
                        format!(
                            "versions of {id:?} overlap: rules[{}] applies from {} {}, and this one from {}; give the earlier version an effective_to no later than this one's effective_from",
                            a.0,
                            since(a.1),
                            a.2.map_or("with no end".to_string(), |d| format!("until {d}")),
                            since(b.1),
                        ),
                    );
                }
            }
        }
        let problems = problems.into_inner();
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        Ok(RulePack {
            name: raw.pack.name,
            version: raw.pack.version,
            disclaimer: raw.pack.disclaimer,
            rules,
            calendars,
        })
    }
}

/// Seconds in a day.
const DAY: u32 = 86_400;

/// One version of a rule while a pack is parsed: its index in the file and its dates.
type Version = (usize, Option<Date>, Option<Date>);

/// A TOML error in our words: where (line and column), what, and for a key written twice
/// (which TOML's grammar forbids) which key and what to do; without the reader's copy of the
/// line, which may be long.
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    let Some(span) = e.span() else {
        return format!("not a valid rule pack: {message}");
    };
    let before = &text.as_bytes()[..span.start.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    let key = text
        .get(span)
        .filter(|k| k.len() <= 64 && message.contains("duplicate key"));
    match key {
        Some(key) => format!(
            "not a valid rule pack: line {line}, column {column}: the key {key} appears twice \
             in its table; keep one"
        ),
        None => format!("not a valid rule pack: line {line}, column {column}: {message}"),
    }
}

/// Parses `HH:MM-HH:MM` (close may be `24:00`).
fn parse_hours(text: &str) -> Result<(u32, u32), String> {
    let bad =
        || format!("expected hours as \"HH:MM-HH:MM\" such as \"08:00-21:00\", found {text:?}");
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let clock = |s: &str| -> Option<u32> {
        let (h, m) = s.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
    };
    let (open, close) = (clock(a).ok_or_else(bad)?, clock(b).ok_or_else(bad)?);
    if open >= close {
        return Err(format!(
            "expected the opening before the closing time, found {text:?}"
        ));
    }
    Ok((open, close))
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    cxsched_core::model::parse_weekday(&s.to_ascii_uppercase())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: RawHeader,
    #[serde(default)]
    calendars: HashMap<String, RawCalendar>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    version: String,
    disclaimer: String,
    #[serde(default)]
    #[allow(dead_code)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    title: String,
    source: String,
    #[serde(default)]
    observe_saturday_on_friday: bool,
    #[serde(default)]
    observe_sunday_on_monday: bool,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    /// `MM-DD` for a fixed date.
    date: Option<String>,
    month: Option<i8>,
    weekday: Option<String>,
    /// 1..=5, or -1 for the last.
    nth: Option<i8>,
    /// Days added after the weekday rule.
    offset: Option<i16>,
    /// Days from Easter Sunday.
    easter: Option<i16>,
}

impl RawHoliday {
    fn to_holiday(&self, at: &str) -> Result<Holiday, (String, String)> {
        self.holiday(at).map_err(|m| match m.split_once(": ") {
            Some((path, message)) if path.starts_with(at) => (path.to_owned(), message.to_owned()),
            _ => (at.to_owned(), m),
        })
    }

    fn holiday(&self, at: &str) -> Result<Holiday, String> {
        let when = match (&self.date, self.easter, self.month, &self.weekday, self.nth) {
            (Some(d), None, None, None, None) => {
                let parsed = d
                    .split_once('-')
                    .and_then(|(m, d)| Some((m.parse::<i8>().ok()?, d.parse::<i8>().ok()?)))
                    .filter(|&(m, d)| jiff::civil::Date::new(2024, m, d).is_ok());
                let (month, day) =
                    parsed.ok_or_else(|| format!("{at}.date: expected \"MM-DD\", found {d:?}"))?;
                HolidayDate::Fixed { month, day }
            }
            (None, Some(offset), None, None, None) => HolidayDate::Easter { offset },
            (None, None, Some(month), Some(wd), Some(nth)) => {
                let weekday = parse_weekday(wd)
                    .ok_or_else(|| format!("{at}.weekday: unknown weekday {wd:?}"))?;
                if !(1..=12).contains(&month) {
                    return Err(format!("{at}.month: expected 1..12, found {month}"));
                }
                if !(nth == -1 || (1..=5).contains(&nth)) {
                    return Err(format!(
                        "{at}.nth: expected 1..5 or -1 (the last), found {nth}"
                    ));
                }
                HolidayDate::NthWeekday {
                    month,
                    weekday,
                    nth,
                    offset: self.offset.unwrap_or(0),
                }
            }
            _ => {
                return Err(format!(
                    "{at} ({}): expected exactly one of `date = \"MM-DD\"`, `easter = DAYS`, or \
                     `month`, `weekday` and `nth` (with an optional `offset`)",
                    self.name
                ));
            }
        };
        if self.offset.is_some() && !matches!(when, HolidayDate::NthWeekday { .. }) {
            return Err(format!("{at}.offset: only weekday rules take an offset"));
        }
        Ok(Holiday {
            name: self.name.clone(),
            when,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    title: String,
    state: Option<String>,
    purposes: Vec<String>,
    severity: Option<String>,
    citation: String,
    confidence: String,
    hours: String,
    #[serde(default)]
    days: HashMap<String, String>,
    #[serde(default)]
    prohibited_days: Vec<String>,
    holidays: Option<String>,
    notes: Option<String>,
    effective_from: Option<toml::value::Datetime>,
    effective_to: Option<toml::value::Datetime>,
    #[serde(default)]
    zones: Vec<String>,
    presumption: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_pack_parses_and_covers_the_research_table() {
        let pack = RulePack::embedded_us();
        for id in [
            "US-FED-TCPA",
            "US-FED-REGF",
            "US-FED-INFO",
            "US-FL",
            "US-OK",
            "US-MD",
            "US-WA",
            "US-TX",
            "US-LA",
            "US-AL",
            "US-MS",
            "US-UT",
            "US-CT",
            "US-MA",
            "US-MA-DEBT",
            "US-RI",
            "US-PA",
            "US-KY",
            "US-SD",
            "US-NV",
            "US-MN",
            "US-MI",
            "US-IL",
            "US-NM",
        ] {
            assert!(pack.rules.iter().any(|r| r.id == id), "{id} missing");
        }
        for p in Purpose::ALL {
            let federal = pack.applicable(p, None);
            assert_eq!(federal.len(), 1, "one federal rule for {}", p.as_str());
            assert!(pack.rules[federal[0]].id.starts_with("US-FED"));
        }
        let tx = pack.rules.iter().find(|r| r.id == "US-TX").unwrap();
        assert_eq!(
            tx.day(Weekday::Sunday),
            DayRule::Allowed {
                open: 12 * 3600,
                close: 21 * 3600
            }
        );
        assert_eq!(
            tx.day(Weekday::Monday),
            DayRule::Allowed {
                open: 9 * 3600,
                close: 21 * 3600
            }
        );
        let ri = pack.rules.iter().find(|r| r.id == "US-RI").unwrap();
        assert_eq!(ri.day(Weekday::Sunday), DayRule::Prohibited);
        assert_eq!(
            ri.day(Weekday::Saturday),
            DayRule::Allowed {
                open: 10 * 3600,
                close: 17 * 3600
            }
        );
        assert!(ri.holidays.is_some());
        let ma = pack.applicable(Purpose::DebtCollection, Some("MA"));
        let ids: Vec<&str> = ma.iter().map(|&i| pack.rules[i].id.as_str()).collect();
        assert_eq!(ids, ["US-FED-REGF", "US-MA-DEBT"]);
    }

    #[test]
    fn errors_name_the_rule_and_field() {
        let text = US_RULES_TOML.replacen("hours = \"08:00-20:00\"", "hours = \"8am-8pm\"", 1);
        let e = RulePack::parse(&text, "x.toml").unwrap_err().to_string();
        assert!(e.starts_with("x.toml: rules["), "{e}");
        assert!(
            e.contains(".hours: expected hours as \"HH:MM-HH:MM\""),
            "{e}"
        );
        let e = RulePack::parse("[pack]\nname='x'\n", "y.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field"), "{e}");
        let bad_cal = US_RULES_TOML.replacen("holidays = \"PA\"", "holidays = \"ZZ\"", 1);
        let e = RulePack::parse(&bad_cal, "z.toml").unwrap_err().to_string();
        assert!(e.contains("unknown calendar \"ZZ\""), "{e}");
        let twice = US_RULES_TOML.replacen("name = \"us\"", "name = \"us\"\nname = \"us\"", 1);
        let e = RulePack::parse(&twice, "d.toml").unwrap_err().to_string();
        assert!(
            e.contains(": the key name appears twice in its table; keep one") && e.len() < 200,
            "{e}"
        );
    }

    #[test]
    fn versions_are_dated_and_never_overlap() {
        let pack = RulePack::embedded_us();
        let ct: Vec<&Rule> = pack.rules.iter().filter(|r| r.id == "US-CT").collect();
        assert_eq!(ct.len(), 2);
        let change = jiff::civil::date(2023, 10, 1);
        assert!(ct[0].in_force(change.yesterday().unwrap()) && !ct[0].in_force(change));
        assert!(!ct[1].in_force(change.yesterday().unwrap()) && ct[1].in_force(change));
        assert_eq!(ct[1].version().as_deref(), Some("2023-10-01"));
        assert_eq!(ct[0].version().as_deref(), Some("before 2023-10-01"));
        // Two versions both open-ended overlap; so do crossing dates. Every problem is
        // reported, each with its path.
        let text = US_RULES_TOML
            .replacen(
                "effective_to = 2023-10-01\n",
                "effective_to = 2023-10-02\n",
                1,
            )
            .replacen("hours = \"08:00-20:00\"", "hours = \"8-8\"", 1)
            .replacen(
                "effective_from = 2022-11-01",
                "effective_from = 2022-11-01\neffective_to = 2022-10-01",
                1,
            );
        let e = RulePack::parse(&text, "x.toml").unwrap_err();
        let paths: Vec<&str> = e.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(e.problems.len(), 3, "{paths:?}");
        assert!(
            paths.iter().any(|p| p.ends_with("(US-CT).effective_from")),
            "{paths:?}"
        );
        assert!(
            paths.iter().any(|p| p.ends_with("(US-OK).effective_to")),
            "{paths:?}"
        );
        assert!(paths.iter().any(|p| p.ends_with(".hours")), "{paths:?}");
        assert!(
            e.message.contains("versions of \"US-CT\" overlap"),
            "{}",
            e.message
        );
        // A date TOML cannot read is the reader's complaint, with its line.
        let bad = US_RULES_TOML.replacen(
            "effective_from = 2022-11-01",
            "effective_from = 2022-13-01",
            1,
        );
        let e = RulePack::parse(&bad, "y.toml").unwrap_err();
        assert!(
            e.message.starts_with("not a valid rule pack"),
            "{}",
            e.message
        );
    }

    #[test]
    fn pennsylvania_calendar_has_good_friday_and_election_day() {
        let pack = RulePack::embedded_us();
        let pa = pack.calendars.iter().find(|c| c.id == "PA").unwrap();
        let names: Vec<&str> = pa.holidays.iter().map(|h| h.name.as_str()).collect();
        assert!(names.contains(&"Good Friday"));
        assert!(names.contains(&"Election Day"));
        assert!(names.contains(&"Flag Day"));
    }
}
