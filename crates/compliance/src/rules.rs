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
use jiff::civil::Weekday;
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
}

impl Rule {
    /// True when the rule applies to calls made for `purpose`.
    pub fn covers(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
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
    /// A [`RulePackError`] naming the rule or calendar and field that is wrong: TOML syntax,
    /// unknown fields, malformed hours, unknown weekdays, purposes or calendars, duplicate ids.
    pub fn parse(text: &str, source_name: &str) -> Result<RulePack, RulePackError> {
        let err = |message: String| RulePackError {
            source_name: source_name.into(),
            message,
        };
        // Rule packs are a few tens of kilobytes; a far larger file is refused unread.
        const MAX_BYTES: usize = 4 * 1024 * 1024;
        if text.len() > MAX_BYTES {
            return Err(err(format!(
                "not a valid rule pack: {} bytes, more than the limit of {MAX_BYTES} bytes (4 MiB)",
                text.len()
            )));
        }
        let raw: RawPack = toml::from_str(text).map_err(|e| err(toml_message(text, &e)))?;

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
                    return Err(err(format!("{at}.include: unknown calendar {inc:?}")));
                };
                for (i, h) in other.holidays.iter().enumerate() {
                    holidays.push(
                        h.to_holiday(&format!("calendars.{inc}.holidays[{i}]"))
                            .map_err(&err)?,
                    );
                }
            }
            for (i, h) in c.holidays.iter().enumerate() {
                holidays.push(h.to_holiday(&format!("{at}.holidays[{i}]")).map_err(&err)?);
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
        let mut seen = HashMap::new();
        for (i, r) in raw.rules.iter().enumerate() {
            let at = format!("rules[{i}] ({})", r.id);
            if seen.insert(r.id.clone(), i).is_some() {
                return Err(err(format!("{at}: duplicate rule id {:?}", r.id)));
            }
            let expected_prefix = match &r.state {
                Some(s) => format!("US-{s}"),
                None => "US-FED".into(),
            };
            if !r.id.starts_with(&expected_prefix) {
                return Err(err(format!(
                    "{at}.id: expected an id beginning {expected_prefix:?}"
                )));
            }
            if let Some(s) = &r.state {
                if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(err(format!(
                        "{at}.state: expected a USPS code such as \"TX\", found {s:?}"
                    )));
                }
            }
            let mut purposes = Vec::new();
            for p in &r.purposes {
                purposes.push(Purpose::parse(p).ok_or_else(|| {
                    err(format!(
                        "{at}.purposes: expected telemarketing, debt_collection or informational, found {p:?}"
                    ))
                })?);
            }
            let (open, close) =
                parse_hours(&r.hours).map_err(|m| err(format!("{at}.hours: {m}")))?;
            let mut days = [DayRule::Allowed { open, close }; 7];
            for (day, hours) in &r.days {
                let wd = parse_weekday(day)
                    .ok_or_else(|| err(format!("{at}.days: unknown weekday {day:?}")))?;
                let (o, c) =
                    parse_hours(hours).map_err(|m| err(format!("{at}.days.{day}: {m}")))?;
                days[wd.to_monday_zero_offset() as usize] = DayRule::Allowed { open: o, close: c };
            }
            for day in &r.prohibited_days {
                let wd = parse_weekday(day)
                    .ok_or_else(|| err(format!("{at}.prohibited_days: unknown weekday {day:?}")))?;
                days[wd.to_monday_zero_offset() as usize] = DayRule::Prohibited;
            }
            let holidays = match &r.holidays {
                None => None,
                Some(id) => Some(
                    *index
                        .get(id)
                        .ok_or_else(|| err(format!("{at}.holidays: unknown calendar {id:?}")))?,
                ),
            };
            let severity = match r.severity.as_deref() {
                None | Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some(other) => {
                    return Err(err(format!(
                        "{at}.severity: expected error or warning, found {other:?}"
                    )));
                }
            };
            let confidence = match r.confidence.as_str() {
                "H" => Confidence::High,
                "M" => Confidence::Medium,
                "L" => Confidence::Low,
                other => {
                    return Err(err(format!(
                        "{at}.confidence: expected H, M or L, found {other:?}"
                    )));
                }
            };
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
            });
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

/// Parses `HH:MM-HH:MM` (close may be `24:00`).
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
    fn to_holiday(&self, at: &str) -> Result<Holiday, String> {
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
    fn pennsylvania_calendar_has_good_friday_and_election_day() {
        let pack = RulePack::embedded_us();
        let pa = pack.calendars.iter().find(|c| c.id == "PA").unwrap();
        let names: Vec<&str> = pa.holidays.iter().map(|h| h.name.as_str()).collect();
        assert!(names.contains(&"Good Friday"));
        assert!(names.contains(&"Election Day"));
        assert!(names.contains(&"Flag Day"));
    }
}
