//! Reading schedule documents and checking them against the rules of CONTRACT §1.
//!
//! Documents are first read into a generic tree (`serde_json::Value`, whatever the format),
//! then checked field by field so that *every* problem is reported with its field path
//! (`timeWindows[3].endTime`), what was expected and what was found, and unknown fields are
//! errors rather than silently dropped. A typed serde derive would stop at the first error.

mod json_keys;
mod json_line;
mod yaml_keys;

use std::fmt::Write as _;

use jiff::civil::Weekday;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::json_bytes::{push_ascii, push_decimal, two_digits};
use crate::model::{
    Blackout, Compliance, Directive, MAX_SKILL_IDS, Purpose, Recipients, Schedule, TimeWindow,
    USPS_CODES, parse_weekday, weekday_name,
};
use crate::time::LocalTime;
use crate::zone::{self, Zone};

/// What a UUID field expects, as error messages say it.
const UUID_EXPECTED: &str = "a UUID as 8-4-4-4-12 hexadecimal digits";

/// What each required field expects, as "missing required field" errors say it (shared by
/// the generic reader and the fast one, so both say the same).
mod expect {
    pub const CAMPAIGN_ID: &str = "a UUID";
    pub const TIMEZONE: &str = "an IANA time zone such as \"America/New_York\"";
    pub const DIRECTIVE: &str = "STRICT, FLEXIBLE or IGNORE";
    pub const MAX_CALLS: &str = "an integer from 1 to 500";
    pub const WINDOWS: &str = "a list of time windows (it may be empty)";
    pub const DAY: &str = "MONDAY..SUNDAY";
    pub const TIME: &str = "a time as HH:MM:SS";
}

/// Most windows a single day may have.
pub const MAX_WINDOWS_PER_DAY: usize = 8;

// Limits on what is read, checked before any work that grows with the input (see README.md,
// "Limits"). Each is far above any real schedule and low enough that no input makes a run
// take minutes or hundreds of megabytes.

/// The largest document read, in bytes: a file, standard input, or one line of a JSON Lines
/// file. A real schedule is a few kilobytes (56 windows in compact JSON are about 4 KiB).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The most windows one document may list. The per-day rule allows 7 × 8 = 56; a list longer
/// than this is refused as a whole, before any window is checked.
pub const MAX_WINDOWS: usize = 1000;

/// The deepest nesting of lists and tables a document may have (a schedule needs 4:
/// the document, `compliance`, `recipients`, `zones`). `serde_json` alone stops at 128.
pub const MAX_NESTING: usize = 32;

/// The most errors (and, separately, warnings) one document's report lists; the rest are
/// counted in a last issue.
pub const MAX_REPORTED_ISSUES: usize = 50;

/// The longest message or field path kept, in characters; a longer one is cut.
const MAX_MESSAGE_CHARS: usize = 1000;
const MAX_PATH_CHARS: usize = 200;

/// A value written in a document, as messages quote it: in full when short, else its first
/// characters and its length (a message never echoes a megabyte of input back).
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 64;
    // Printable ASCII without a quote or a backslash is its own `Debug` text between
    // quotes: the usual value, written without the formatting machinery.
    if s.len() <= MAX
        && s.bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    match s.char_indices().nth(MAX) {
        None => format!("{s:?}"),
        Some((end, _)) => format!("{:?}… ({} bytes in all)", &s[..end], s.len()),
    }
}

/// A key as a field path names it: in full when short, else cut.
pub(crate) fn shown_key(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        None => s.to_owned(),
        Some((end, _)) => format!("{}…", &s[..end]),
    }
}

/// `s` cut to at most `max` characters, on a character boundary.
fn cut(s: &mut String, max: usize) {
    // No longer in bytes than the limit in characters: nothing to count (the usual case,
    // and on every issue of every document).
    if s.len() <= max {
        return;
    }
    if let Some((end, _)) = s.char_indices().nth(max) {
        s.truncate(end);
        s.push('…');
    }
}

/// Keeps at most [`MAX_REPORTED_ISSUES`] of `issues`, counting the rest in a last one.
fn bound_issues(issues: &mut Vec<Issue>, kind: &str) {
    for issue in issues.iter_mut() {
        cut(&mut issue.message, MAX_MESSAGE_CHARS);
        cut(&mut issue.path, MAX_PATH_CHARS);
    }
    if issues.len() > MAX_REPORTED_ISSUES {
        let shown = MAX_REPORTED_ISSUES - 1;
        let more = issues.len() - shown;
        issues.truncate(shown);
        issues.push(Issue {
            path: String::new(),
            message: format!(
                "… and {more} more {kind} (a report lists at most {MAX_REPORTED_ISSUES}); fix \
                 these and run again"
            ),
        });
    }
}

/// One problem in a document, at a field path (empty for the document itself).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

/// The result of reading a document: the schedule when it is valid, and every issue found.
#[derive(Clone, Debug, Default)]
pub struct Validation {
    /// `Some` exactly when `errors` is empty.
    pub schedule: Option<Box<Schedule>>,
    /// The `campaignId` as written, when it is a string (even if invalid), for reports.
    pub campaign_id: Option<String>,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The same, with every message and the number of issues bounded.
    fn bounded(mut self) -> Validation {
        bound_issues(&mut self.errors, "errors");
        bound_issues(&mut self.warnings, "warnings");
        self
    }

    fn failed(message: String) -> Validation {
        Validation {
            errors: vec![Issue {
                path: String::new(),
                message,
            }],
            ..Validation::default()
        }
    }
}

/// The document formats, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
    Yaml,
}

impl Format {
    /// The format for a file name's extension (`.json`, `.toml`, `.yaml`, `.yml`).
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// What a document may contain: a full document, or only what the API accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// A schedule document: the wire fields plus the optional `compliance` table.
    Document,
    /// A PUT body: the wire fields only.
    Wire,
}

/// Reads and validates one document.
///
/// # Example
/// ```
/// use cxsched_core::{Format, parse_document};
/// let v = parse_document(r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
///   "timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,
///   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}]}"#,
///   Format::Json);
/// assert!(v.is_valid());
/// ```
pub fn parse_document(text: &str, format: Format) -> Validation {
    if let Some(refused) = refused_unread(text, format) {
        return refused;
    }
    let tree = match format {
        Format::Json => json_tree(text),
        Format::Toml => toml::from_str(text).map_err(|e| {
            let mut refused = Validation::failed(toml_error(text, &e));
            // A repeated key: its span is the key, which names the field.
            if e.message().contains("duplicate key")
                && let Some(key) = e.span().and_then(|s| text.get(s))
            {
                refused.errors[0].path = shown_key(key.trim_matches(['"', '\'']));
            }
            Box::new(refused)
        }),
        Format::Yaml => yaml_tree(text),
    };
    match tree {
        Ok(value) => validate_value(&value, Profile::Document),
        Err(refused) => refused.bounded(),
    }
}

/// What is refused before the text is read at all: a document over the size or nesting
/// limits, one that starts with a byte-order mark. (An empty document is left to the
/// readers: bad JSON, or a TOML or YAML document without its required fields.)
fn refused_unread(text: &str, format: Format) -> Option<Validation> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Some(Validation::failed(format!(
            "the document is more than the limit of {MAX_DOCUMENT_BYTES} bytes (1 MiB); a \
             schedule document is a few kilobytes"
        )));
    }
    if text.starts_with('\u{feff}') {
        return Some(Validation::failed(
            "the document starts with a byte-order mark (U+FEFF); save it as UTF-8 without \
             a byte-order mark"
                .into(),
        ));
    }
    // YAML's nesting is limited by its reader's budget (see `yaml_options`).
    if format != Format::Yaml
        && let Some(at) = json_keys::nesting(text, MAX_NESTING, format == Format::Toml)
    {
        let (line, column) = line_column(text, at);
        return Some(Validation::failed(format!(
            "lists and tables nest deeper than the limit of {MAX_NESTING} levels (line {line}, \
             column {column}); a schedule document needs at most 4"
        )));
    }
    None
}

/// The 1-based line and column (in characters) of byte offset `at` of `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, column)
}

/// Where a repeated key was written, as messages say it: `line 1, columns 120 and 143`, or
/// `line 2, column 3 and line 5, column 3`; the first few only.
fn positions_text(positions: &[(usize, usize)]) -> String {
    const SHOWN: usize = 4;
    let shown = &positions[..positions.len().min(SHOWN)];
    let mut out = String::new();
    let and = |i: usize, n: usize| match i {
        0 => "",
        _ if i + 1 == n && positions.len() <= SHOWN => " and ",
        _ => ", ",
    };
    if shown.iter().all(|p| p.0 == shown[0].0) {
        let word = if shown.len() == 1 {
            "column"
        } else {
            "columns"
        };
        let _ = write!(out, "line {}, {word} ", shown[0].0);
        for (i, p) in shown.iter().enumerate() {
            let _ = write!(out, "{}{}", and(i, shown.len()), p.1);
        }
    } else {
        for (i, p) in shown.iter().enumerate() {
            let _ = write!(out, "{}line {}, column {}", and(i, shown.len()), p.0, p.1);
        }
    }
    if positions.len() > SHOWN {
        let _ = write!(out, " … and {} more", positions.len() - SHOWN);
    }
    out
}

/// The issue for a key written more than once in one object or mapping.
fn duplicate_issue(path: String, positions: &[(usize, usize)]) -> Issue {
    let times = match positions.len() {
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    };
    Issue {
        path,
        message: format!(
            "the key appears {times} ({}); keep one",
            positions_text(positions)
        ),
    }
}

/// A document whose keys repeat is not checked further (which value was meant is for its
/// author to say); its `campaignId` is still given when that key is written once.
fn duplicated(value: Option<&Value>, issues: Vec<Issue>) -> Validation {
    let campaign_id_repeated = issues.iter().any(|i| i.path == "campaignId");
    Validation {
        campaign_id: value
            .filter(|_| !campaign_id_repeated)
            .and_then(|v| v.get("campaignId"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        errors: issues,
        ..Validation::default()
    }
}

/// A JSON text as a tree, or its issues: bad JSON, or keys written twice.
fn json_tree(text: &str) -> Result<Value, Box<Validation>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Box::new(Validation::failed(format!("not valid JSON: {e}"))))?;
    let repeated = json_keys::duplicates(text);
    if repeated.is_empty() {
        return Ok(value);
    }
    let issues = repeated
        .iter()
        .take(MAX_REPORTED_ISSUES + 1)
        .map(|d| {
            let shown = &d.offsets[..d.offsets.len().min(5)];
            let mut positions: Vec<(usize, usize)> =
                shown.iter().map(|&at| line_column(text, at)).collect();
            // Positions past the first few are counted, not placed.
            positions.extend(std::iter::repeat_n((0, 0), d.offsets.len() - shown.len()));
            duplicate_issue(d.path.clone(), &positions)
        })
        .collect();
    Err(Box::new(duplicated(Some(&value), issues)))
}

/// A TOML error as a message: the reader's own words and where, without its copy of the
/// line (which may be a megabyte long).
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    let hint = if message.contains("duplicate key") {
        "; a key may be written once in a table: keep one"
    } else {
        ""
    };
    match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("not valid TOML: line {line}, column {column}: {message}{hint}")
        }
        None => format!("not valid TOML: {message}{hint}"),
    }
}

/// How YAML is read: repeated keys refused, and a budget that stops alias bombs, deep
/// nesting and huge node counts early (a schedule has a few hundred nodes).
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_NESTING,
            flow_nesting_limit: MAX_NESTING,
            max_nodes: 100_000,
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_recorded_anchor_events: 100_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: MAX_NESTING,
        },
        with_snippet: false,
    }
}

/// A YAML text as a tree, or its issues.
fn yaml_tree(text: &str) -> Result<Value, Box<Validation>> {
    use serde_saphyr::Error;
    let e = match serde_saphyr::from_str_with_options::<Value>(text, yaml_options()) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let at = |l: &serde_saphyr::Location| format!("line {}, column {}", l.line(), l.column());
    let message = match &e {
        Error::DuplicateMappingKey { key, location } => {
            if let Some(found) = yaml_keys::duplicates(text, yaml_options())
                && !found.is_empty()
            {
                let issues = found
                    .iter()
                    .take(MAX_REPORTED_ISSUES + 1)
                    .map(|d| {
                        let positions: Vec<(usize, usize)> = d
                            .positions
                            .iter()
                            .map(|&(l, c)| (l as usize, c as usize))
                            .collect();
                        duplicate_issue(d.path.clone(), &positions)
                    })
                    .collect();
                return Err(Box::new(duplicated(None, issues)));
            }
            let path = key.as_deref().map(shown_key).unwrap_or_default();
            return Err(Box::new(Validation {
                errors: vec![Issue {
                    path,
                    message: format!(
                        "the key appears twice (the second time at {}); keep one",
                        at(location)
                    ),
                }],
                ..Validation::default()
            }));
        }
        Error::Budget { breach, location } => format!(
            "the YAML goes beyond the limits of a schedule document at {}: {breach:?} (at \
             most {MAX_NESTING} levels of nesting, 100000 nodes, 1000 aliases)",
            at(location)
        ),
        other if other.to_string().contains("recursion limit") => match other.location() {
            Some(l) => format!(
                "lists and tables nest deeper than the limit of {MAX_NESTING} levels ({}); a \
                 schedule document needs at most 4",
                at(&l)
            ),
            None => format!(
                "lists and tables nest deeper than the limit of {MAX_NESTING} levels; a \
                 schedule document needs at most 4"
            ),
        },
        other if other.to_string().contains("budget breached") => format!(
            "the YAML goes beyond the limits of a schedule document (at most {MAX_NESTING} \
             levels of nesting, 100000 nodes, 1000 aliases; an alias bomb stops here): {other}"
        ),
        other => format!("not valid YAML: {other}"),
    };
    Err(Box::new(Validation::failed(message)))
}

/// Reads and validates one JSON document, such as a line of a JSON Lines file: the same
/// issues as [`parse_document`] with [`Format::Json`], found faster for documents of the
/// common shape (see `json_line`).
pub fn parse_json_document(text: &str) -> Validation {
    if text.len() > MAX_DOCUMENT_BYTES {
        return parse_document(text, Format::Json);
    }
    json_line::validate(text).unwrap_or_else(|| parse_document(text, Format::Json))
}

/// Reads a blackouts file (`--blackouts FILE`, CONTRACT §9): `{"blackouts": [..]}` in JSON
/// or `[[blackouts]]` in TOML (a JSON file may also be the bare list), each item a
/// document's blackout plus `source` and `reason`.
///
/// # Errors
/// Every problem, with its path (`blackouts[2].to`), as documents report them.
pub fn parse_blackouts(text: &str, format: Format) -> Result<Vec<Blackout>, Vec<Issue>> {
    let tree: Result<Value, String> = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}")),
        Format::Toml => toml::from_str(text).map_err(|e| format!("not valid TOML: {e}")),
        Format::Yaml => serde_saphyr::from_str(text).map_err(|e| format!("not valid YAML: {e}")),
    };
    let value = tree.map_err(|message| {
        vec![Issue {
            path: String::new(),
            message,
        }]
    })?;
    let mut cx = Checker::default();
    let list = match &value {
        Value::Array(_) => Some(&value),
        other => cx
            .object(other, "", "a blackouts file", &["blackouts"])
            .map(|obj| obj.get("blackouts").unwrap_or(&Value::Null)),
    };
    let out = match list {
        Some(Value::Null) => {
            cx.missing("blackouts".into(), "a list of blackouts");
            None
        }
        Some(list) => cx.blackouts(list, "blackouts", true),
        None => None,
    };
    match out {
        Some(b) if cx.errors.is_empty() => Ok(b),
        _ => Err(cx.errors),
    }
}

/// Validates a document already read into a tree.
pub fn validate_value(value: &Value, profile: Profile) -> Validation {
    let mut cx = Checker::default();
    let schedule = cx.document(value, profile);
    Validation {
        schedule: if cx.errors.is_empty() {
            schedule.map(Box::new)
        } else {
            None
        },
        campaign_id: value
            .get("campaignId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        errors: cx.errors,
        warnings: cx.warnings,
    }
    .bounded()
}

/// Describes a found value for "expected …, found …" messages.
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => shown(s),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

impl Checker {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Issue {
            path: path.into(),
            message: message.into(),
        });
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Issue {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Reports keys of `obj` not in `known`, and returns the object.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        what: &str,
        known: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(obj) = value else {
            self.error(
                path,
                format!("expected {what} (an object), found {}", found(value)),
            );
            return None;
        };
        for key in obj.keys() {
            if !known.contains(&key.as_str()) {
                let at = join(path, &shown_key(key));
                let mut msg = format!("unknown field {}; expected one of: ", shown(key));
                for (i, k) in known.iter().enumerate() {
                    let _ = write!(msg, "{}{k}", if i == 0 { "" } else { ", " });
                }
                if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
                    let _ = write!(msg, " (did you mean {k:?}?)");
                }
                self.error(at, msg);
            }
        }
        Some(obj)
    }

    fn required<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        path: &str,
        key: &str,
        expected: &str,
    ) -> Option<&'v Value> {
        let v = obj.get(key);
        if v.is_none() {
            self.missing(join(path, key), expected);
        }
        v
    }

    /// A required field is not there.
    fn missing(&mut self, path: String, expected: &str) {
        const LEAD: &str = "missing required field; expected ";
        let mut message = String::with_capacity(LEAD.len() + expected.len());
        message.push_str(LEAD);
        message.push_str(expected);
        self.error(path, message);
    }

    /// [`Checker::missing`] for the fast reader, which has no value to give back.
    fn missing_field<T>(&mut self, path: &str, expected: &str) -> Option<T> {
        self.missing(path.to_owned(), expected);
        None
    }

    fn string<'v>(&mut self, v: &'v Value, path: &str, expected: &str) -> Option<&'v str> {
        match v {
            Value::String(s) => Some(s),
            other => {
                self.error(path, format!("expected {expected}, found {}", found(other)));
                None
            }
        }
    }

    fn uuid(&mut self, v: &Value, path: &str) -> Option<Uuid> {
        let s = self.string(v, path, UUID_EXPECTED)?;
        self.uuid_text(s, path)
    }

    fn uuid_text(&mut self, s: &str, path: &str) -> Option<Uuid> {
        match parse_hyphenated_uuid(s) {
            Some(id) if id.is_nil() => {
                self.error(
                    path,
                    "expected a UUID identifying a campaign, found the nil UUID (all zeros)",
                );
                None
            }
            Some(id) => Some(id),
            None => {
                self.error(
                    path,
                    format!("expected {UUID_EXPECTED}, found {}", shown(s)),
                );
                None
            }
        }
    }

    fn integer(&mut self, v: &Value, path: &str, lo: u64, hi: u64) -> Option<u64> {
        match v.as_u64() {
            Some(n) => self.in_range(n, path, lo, hi),
            None => {
                self.error(
                    path,
                    format!("expected an integer from {lo} to {hi}, found {}", found(v)),
                );
                None
            }
        }
    }

    fn in_range(&mut self, n: u64, path: &str, lo: u64, hi: u64) -> Option<u64> {
        if (lo..=hi).contains(&n) {
            return Some(n);
        }
        self.error(
            path,
            format!("expected an integer from {lo} to {hi}, found {n}"),
        );
        None
    }

    fn document(&mut self, value: &Value, profile: Profile) -> Option<Schedule> {
        const WIRE: [&str; 6] = [
            "campaignId",
            "scheduleId",
            "timezone",
            "businessHoursDirective",
            "maxConcurrentCalls",
            "timeWindows",
        ];
        const DOC: [&str; 8] = [
            "campaignId",
            "scheduleId",
            "timezone",
            "businessHoursDirective",
            "maxConcurrentCalls",
            "timeWindows",
            "compliance",
            "skillIds",
        ];
        let known: &[&str] = match profile {
            Profile::Document => &DOC,
            Profile::Wire => &WIRE,
        };
        let obj = self.object(value, "", "a schedule document", known)?;

        let campaign_id = self
            .required(obj, "", "campaignId", expect::CAMPAIGN_ID)
            .and_then(|v| self.uuid(v, "campaignId"));
        let schedule_id = obj
            .get("scheduleId")
            .and_then(|v| self.uuid(v, "scheduleId"));
        let timezone = self
            .required(obj, "", "timezone", expect::TIMEZONE)
            .and_then(|v| self.string(v, "timezone", "an IANA time zone name"))
            .and_then(|name| self.zone_text(name));
        let directive = self
            .required(obj, "", "businessHoursDirective", expect::DIRECTIVE)
            .and_then(|v| {
                let s = self.string(v, "businessHoursDirective", "STRICT, FLEXIBLE or IGNORE")?;
                self.directive_text(s)
            });
        let max_calls = self
            .required(obj, "", "maxConcurrentCalls", expect::MAX_CALLS)
            .and_then(|v| self.integer(v, "maxConcurrentCalls", 1, 500));
        let windows = self
            .required(obj, "", "timeWindows", expect::WINDOWS)
            .and_then(|v| self.windows(v));
        let compliance = match obj.get("compliance") {
            Some(v) => self.compliance(v),
            None => Some(Compliance::default()),
        };
        let skill_ids = match obj.get("skillIds") {
            Some(v) => self.skill_ids(v),
            None => Some(Vec::new()),
        };

        Some(Schedule {
            campaign_id: campaign_id?,
            schedule_id,
            timezone: timezone?,
            directive: directive?,
            max_concurrent_calls: u16::try_from(max_calls?).ok()?,
            windows: windows?,
            compliance: compliance?,
            skill_ids: skill_ids?,
        })
    }

    /// `skillIds`: 1 to 50 distinct positive integers.
    fn skill_ids(&mut self, v: &Value) -> Option<Vec<u64>> {
        const EXPECTED: &str = "a list of 1 to 50 CXone skill ids (positive integers)";
        let Value::Array(items) = v else {
            self.error(
                "skillIds",
                format!("expected {EXPECTED}, found {}", found(v)),
            );
            return None;
        };
        if items.is_empty() || items.len() > MAX_SKILL_IDS {
            self.error(
                "skillIds",
                format!("expected {EXPECTED}, found {} ids", items.len()),
            );
            return None;
        }
        let errors_before = self.errors.len();
        let mut ids: Vec<u64> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("skillIds[{i}]");
            match item.as_u64().filter(|n| *n > 0) {
                Some(n) if ids.contains(&n) => {
                    self.error(path, format!("skill {n} is listed twice; keep one"))
                }
                Some(n) => ids.push(n),
                None => self.error(
                    path,
                    format!(
                        "expected a skill id (a positive integer), found {}",
                        found(item)
                    ),
                ),
            }
        }
        (self.errors.len() == errors_before).then_some(ids)
    }

    fn windows(&mut self, v: &Value) -> Option<Vec<TimeWindow>> {
        let Value::Array(items) = v else {
            self.error(
                "timeWindows",
                format!("expected a list of time windows, found {}", found(v)),
            );
            return None;
        };
        if items.len() > MAX_WINDOWS {
            self.too_many_windows(items.len());
            return None;
        }
        if items.is_empty() {
            self.empty_windows_warning();
        }
        let errors_before = self.errors.len();
        let parsed: Vec<Option<TimeWindow>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.window(item, &format!("timeWindows[{i}]")))
            .collect();
        self.day_rules(&parsed);
        (self.errors.len() == errors_before).then(|| parsed.into_iter().flatten().collect())
    }

    /// A list over [`MAX_WINDOWS`] is refused whole, before any window is read.
    fn too_many_windows(&mut self, n: usize) {
        self.error(
            "timeWindows",
            format!(
                "expected at most {MAX_WINDOWS} windows (the limit of a document; the rules \
                 allow {MAX_WINDOWS_PER_DAY} a day, 56 a week), found {n}"
            ),
        );
    }

    fn empty_windows_warning(&mut self) {
        self.warn(
            "timeWindows",
            "the list is empty: this campaign never dials",
        );
    }

    /// The rules over the windows of each day (at most 8, no overlaps), over those that parsed.
    fn day_rules(&mut self, parsed: &[Option<TimeWindow>]) {
        // By day (Monday first), then start, then index: each day's windows are one run.
        // Sorted as one integer each (day, start seconds, index), which is cheap to compare
        // and to move; on the stack for a document of the usual size (a week of windows),
        // else on the heap.
        const ON_STACK: usize = 16;
        let key = |i: usize, w: &TimeWindow| {
            (w.day.to_monday_zero_offset() as u64) << 61
                | u64::from(w.start.seconds()) << 40
                | i as u64
        };
        let mut stack = [0u64; ON_STACK];
        let mut heap = Vec::new();
        let windows = parsed
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.as_ref().map(|w| key(i, w)));
        let keys: &mut [u64] = if parsed.len() <= ON_STACK {
            let mut n = 0;
            for (slot, k) in stack.iter_mut().zip(windows) {
                *slot = k;
                n += 1;
            }
            &mut stack[..n]
        } else {
            heap.extend(windows);
            &mut heap
        };
        keys.sort_unstable();
        let window = |k: u64| {
            let i = (k & ((1 << 40) - 1)) as usize;
            (i, parsed[i].expect("a parsed window"))
        };
        for of_day in keys.chunk_by(|a, b| a >> 61 == b >> 61) {
            let day = window(of_day[0]).1.day;
            if of_day.len() > MAX_WINDOWS_PER_DAY {
                self.error(
                    "timeWindows",
                    format!(
                        "expected at most {MAX_WINDOWS_PER_DAY} windows per day, found {} on {} \
                         (windows {}); merge or remove some",
                        of_day.len(),
                        weekday_name(day),
                        index_list(of_day.iter().map(|&k| window(k).0)),
                    ),
                );
            }
            // Sorted by start, a window overlaps an earlier-starting one exactly when it starts
            // before the latest end so far: one pass, whatever the number of windows.
            let mut latest: Option<(usize, TimeWindow)> = None;
            for (ib, wb) in of_day.iter().map(|&k| window(k)) {
                let overlapped = latest.filter(|(_, wa)| wb.start < wa.end);
                if latest.is_none_or(|(_, wa)| wb.end > wa.end) {
                    latest = Some((ib, wb));
                }
                let Some((ia, wa)) = overlapped else {
                    continue;
                };
                let (first, second) = if ia < ib { (ia, ib) } else { (ib, ia) };
                let (wf, ws) = if ia < ib { (wa, wb) } else { (wb, wa) };
                // Built piece by piece: in a large batch these messages are many.
                let mut message = String::with_capacity(192);
                push_window(&mut message, &ws);
                message.push_str(" overlaps ");
                message.push_str(&window_path(first));
                message.push_str(" (");
                push_window(&mut message, &wf);
                message.push_str(
                    "); windows of one day must not overlap (touching is fine): merge them or \
                     move one",
                );
                self.error(window_path(second), message);
            }
        }
    }

    fn window(&mut self, v: &Value, path: &str) -> Option<TimeWindow> {
        let obj = self.object(
            v,
            path,
            "a time window",
            &["dayOfWeek", "startTime", "endTime"],
        )?;
        let day = self
            .required(obj, path, "dayOfWeek", expect::DAY)
            .and_then(|v| {
                let at = join(path, "dayOfWeek");
                let s = self.string(v, &at, "a day MONDAY..SUNDAY")?;
                self.day_text(s, &|| at.clone())
            });
        let start = self
            .required(obj, path, "startTime", expect::TIME)
            .and_then(|v| self.time(v, &join(path, "startTime")));
        let end = self
            .required(obj, path, "endTime", expect::TIME)
            .and_then(|v| self.time(v, &join(path, "endTime")));
        self.window_parts(&|| path.to_owned(), day, start, end)
    }

    fn day_text(&mut self, s: &str, path: &dyn Fn() -> String) -> Option<Weekday> {
        let d = parse_weekday(s);
        if d.is_none() {
            let hint = parse_weekday(&s.to_ascii_uppercase())
                .map(|d| format!(" (write {:?})", weekday_name(d)))
                .unwrap_or_default();
            self.error(
                path(),
                format!(
                    "expected one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, \
                     SUNDAY, found {}{hint}",
                    shown(s)
                ),
            );
        }
        d
    }

    fn time_text(&mut self, s: &str, path: &dyn Fn() -> String) -> Option<LocalTime> {
        if let Some(t) = LocalTime::parse_valid(s) {
            return Some(t);
        }
        if s.len() > 64 {
            self.error(
                path(),
                format!(
                    "expected a time as HH:MM:SS (zero-padded, 24-hour), found {}",
                    shown(s)
                ),
            );
            return None;
        }
        match LocalTime::parse(s) {
            Ok(t) => Some(t),
            Err(message) => {
                self.error(path(), message);
                None
            }
        }
    }

    /// A window from its parts, once each part has been checked: the start must come first.
    fn window_parts(
        &mut self,
        window_path: &dyn Fn() -> String,
        day: Option<Weekday>,
        start: Option<LocalTime>,
        end: Option<LocalTime>,
    ) -> Option<TimeWindow> {
        let (start, end) = (start?, end?);
        if start >= end {
            // Built piece by piece: in a large batch these messages are many.
            const TAIL: &str = "; a window never crosses midnight: split it into one window \
                                ending 23:59:59 and one starting 00:00:00 on the next day";
            let mut message = String::with_capacity(64 + TAIL.len());
            message.push_str("expected an end after the start (");
            message.push_str(Clock(start).text().as_str());
            message.push_str("), found ");
            message.push_str(Clock(end).text().as_str());
            message.push_str(TAIL);
            self.error(join(&window_path(), "endTime"), message);
            return None;
        }
        Some(TimeWindow {
            day: day?,
            start,
            end,
        })
    }

    fn zone_text(&mut self, name: &str) -> Option<Zone> {
        match resolve_zone(name) {
            Ok(r) => {
                if let Some(w) = r.warning {
                    self.warn("timezone", w);
                }
                Some(r.zone)
            }
            Err(e) => {
                self.error("timezone", e.message);
                None
            }
        }
    }

    fn directive_text(&mut self, s: &str) -> Option<Directive> {
        let d = Directive::parse(s);
        if d.is_none() {
            self.error(
                "businessHoursDirective",
                format!("expected STRICT, FLEXIBLE or IGNORE, found {}", shown(s)),
            );
        }
        d
    }

    fn time(&mut self, v: &Value, path: &str) -> Option<LocalTime> {
        match v {
            Value::String(s) => self.time_text(s, &|| path.to_owned()),
            Value::Number(n) => {
                self.error(
                    path,
                    format!(
                        "expected a time as a string \"HH:MM:SS\", found number {n} (in YAML, \
                         quote times: \"09:00:00\")"
                    ),
                );
                None
            }
            Value::Object(obj) if toml_datetime(obj).is_some() => {
                let written = toml_datetime(obj).unwrap_or_default();
                self.error(
                    path,
                    format!(
                        "expected a time as a string \"HH:MM:SS\", found the TOML date-time \
                         {written} (in TOML, quote times: \"09:00:00\")"
                    ),
                );
                None
            }
            other => {
                self.error(
                    path,
                    format!("expected a time as HH:MM:SS, found {}", found(other)),
                );
                None
            }
        }
    }

    fn compliance(&mut self, v: &Value) -> Option<Compliance> {
        let obj = self.object(
            v,
            "compliance",
            "the compliance table",
            &[
                "purpose",
                "recipients",
                "horizonDays",
                "ruleset",
                "blackouts",
            ],
        )?;
        let mut c = Compliance::default();
        let mut ok = true;
        if let Some(p) = obj.get("purpose") {
            const EXPECTED: &str = "telemarketing, debt_collection or informational";
            match self
                .string(p, "compliance.purpose", EXPECTED)
                .map(|s| (s, Purpose::parse(s)))
            {
                Some((_, Some(p))) => c.purpose = p,
                Some((s, None)) => {
                    self.error(
                        "compliance.purpose",
                        format!("expected {EXPECTED}, found {}", shown(s)),
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
        if let Some(h) = obj.get("horizonDays") {
            match self.integer(
                h,
                "compliance.horizonDays",
                1,
                u64::from(Compliance::MAX_HORIZON_DAYS),
            ) {
                Some(n) => c.horizon_days = n as u32,
                None => ok = false,
            }
        }
        if let Some(r) = obj.get("ruleset") {
            match self.string(r, "compliance.ruleset", "a rule pack name such as \"us\"") {
                Some(s) => c.ruleset = s.to_owned(),
                None => ok = false,
            }
        }
        if let Some(r) = obj.get("recipients") {
            match self.recipients(r) {
                Some(r) => c.recipients = r,
                None => ok = false,
            }
        }
        if let Some(b) = obj.get("blackouts") {
            match self.blackouts(b, "compliance.blackouts", false) {
                Some(b) => c.blackouts = b,
                None => ok = false,
            }
        }
        ok.then_some(c)
    }

    /// A list of blackouts (CONTRACT §9) at `path`; `file` admits `source` and `reason`.
    fn blackouts(&mut self, v: &Value, path: &str, file: bool) -> Option<Vec<Blackout>> {
        let before = self.errors.len();
        let mut out = Vec::new();
        let known: &[&str] = if file {
            &["name", "from", "to", "states", "zones", "source", "reason"]
        } else {
            &["name", "from", "to", "states", "zones"]
        };
        for (i, item) in self.list(v, path, "blackouts") {
            let at = format!("{path}[{i}]");
            let Some(obj) = self.object(item, &at, "a blackout", known) else {
                continue;
            };
            let text = |cx: &mut Checker, key: &str, expected: &str| -> Option<String> {
                let v = obj.get(key)?;
                cx.string(v, &join(&at, key), expected).map(str::to_owned)
            };
            let name = text(self, "name", "a name for the blackout");
            if obj.get("name").is_none() {
                self.missing(join(&at, "name"), "a name for the blackout");
            }
            let date = |cx: &mut Checker, key: &str| -> Option<jiff::civil::Date> {
                let p = join(&at, key);
                let Some(v) = obj.get(key) else {
                    cx.missing(p, "a date as YYYY-MM-DD");
                    return None;
                };
                let written = match v {
                    Value::String(s) => s.as_str(),
                    Value::Object(o) if toml_datetime(o).is_some() => {
                        toml_datetime(o).unwrap_or_default()
                    }
                    other => {
                        cx.error(
                            p,
                            format!("expected a date as YYYY-MM-DD, found {}", found(other)),
                        );
                        return None;
                    }
                };
                let parsed = (written.len() == 10)
                    .then(|| written.parse::<jiff::civil::Date>().ok())
                    .flatten();
                if parsed.is_none() {
                    cx.error(
                        p,
                        format!("expected a date as YYYY-MM-DD, found {written:?}"),
                    );
                }
                parsed
            };
            let from = date(self, "from");
            let to = date(self, "to");
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    self.error(
                        join(&at, "to"),
                        format!(
                            "expected the last date on or after from ({f}), found {t}; a blackout's dates are inclusive: from = to is one date"
                        ),
                    );
                }
            }
            let mut states = Vec::new();
            if let Some(list) = obj.get("states") {
                for (j, st) in self.list(list, &join(&at, "states"), "USPS state codes") {
                    let p = format!("{at}.states[{j}]");
                    if let Some(code) =
                        self.string(st, &p, "a two-letter USPS state code such as \"LA\"")
                    {
                        let upper = code.to_ascii_uppercase();
                        if USPS_CODES.contains(&upper.as_str()) {
                            states.push(upper);
                        } else {
                            self.error(
                                p,
                                format!("expected a USPS code of a US state or territory such as \"LA\", found {code:?}"),
                            );
                        }
                    }
                }
            }
            let mut zones = Vec::new();
            if let Some(list) = obj.get("zones") {
                for (j, z) in self.list(list, &join(&at, "zones"), "IANA zone names") {
                    let p = format!("{at}.zones[{j}]");
                    if let Some(name) = self.string(z, &p, "an IANA time zone name") {
                        match zone::resolve(name) {
                            Ok(res) => {
                                if let Some(w) = res.warning {
                                    self.warn(p, w);
                                }
                                zones.push(name.to_owned());
                            }
                            Err(e) => self.error(p, e.message),
                        }
                    }
                }
            }
            let source = text(self, "source", "the source of the blackout");
            let reason = text(self, "reason", "the reason for the blackout");
            if let (Some(name), Some(from), Some(to)) = (name, from, to) {
                out.push(Blackout {
                    name,
                    from,
                    to,
                    states,
                    zones,
                    source,
                    reason,
                });
            }
        }
        (self.errors.len() == before).then_some(out)
    }

    fn recipients(&mut self, v: &Value) -> Option<Recipients> {
        const PATH: &str = "compliance.recipients";
        let obj = self.object(
            v,
            PATH,
            "the recipients table",
            &["zones", "states", "phoneNumbersFile"],
        )?;
        let before = self.errors.len();
        let mut r = Recipients::default();
        if let Some(zones) = obj.get("zones") {
            for (i, z) in self.list(zones, &join(PATH, "zones"), "IANA zone names") {
                let at = format!("{PATH}.zones[{i}]");
                if let Some(name) = self.string(z, &at, "an IANA time zone name") {
                    match resolve_zone(name) {
                        Ok(res) => {
                            if let Some(w) = res.warning {
                                self.warn(at, w);
                            }
                            r.zones.push(name.to_owned());
                        }
                        Err(e) => self.error(at, e.message),
                    }
                }
            }
        }
        if let Some(states) = obj.get("states") {
            for (i, s) in self.list(states, &join(PATH, "states"), "USPS state codes") {
                let at = format!("{PATH}.states[{i}]");
                if let Some(code) =
                    self.string(s, &at, "a two-letter USPS state code such as \"TX\"")
                {
                    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
                        r.states.push(code.to_ascii_uppercase());
                    } else {
                        self.error(
                            at,
                            format!(
                                "expected a two-letter USPS state code such as \"TX\", found {}",
                                shown(code)
                            ),
                        );
                    }
                }
            }
        }
        if let Some(f) = obj.get("phoneNumbersFile") {
            r.phone_numbers_file = self
                .string(f, &join(PATH, "phoneNumbersFile"), "a file path")
                .map(str::to_owned);
        }
        (self.errors.len() == before).then_some(r)
    }

    fn list<'v>(
        &mut self,
        v: &'v Value,
        path: &str,
        what: &str,
    ) -> std::iter::Enumerate<std::slice::Iter<'v, Value>> {
        static EMPTY: [Value; 0] = [];
        match v {
            Value::Array(items) => items.iter().enumerate(),
            other => {
                self.error(
                    path,
                    format!("expected a list of {what}, found {}", found(other)),
                );
                EMPTY.iter().enumerate()
            }
        }
    }
}

/// [`zone::resolve`], but a name longer than any zone's is refused without echoing it whole
/// (nor looking for the closest name, which compares it with every zone).
fn resolve_zone(name: &str) -> Result<zone::Resolved, zone::ZoneError> {
    if name.len() > 64 {
        return Err(zone::ZoneError {
            message: format!(
                "unknown time zone {}; expected an IANA name such as \"America/New_York\"",
                shown(name)
            ),
        });
    }
    zone::resolve(name)
}

/// The text of a TOML date or time (`09:00:00` unquoted), which the TOML reader hands over as
/// a one-field table.
fn toml_datetime(obj: &Map<String, Value>) -> Option<&str> {
    match obj.iter().next() {
        Some((k, Value::String(s))) if obj.len() == 1 && k == "$__toml_private_datetime" => Some(s),
        _ => None,
    }
}

/// A UUID written as 8-4-4-4-12 hexadecimal digits (either case), the only form documents
/// may use (no braces, no `urn:uuid:`, no bare 32 digits); `None` for anything else.
fn parse_hyphenated_uuid(s: &str) -> Option<Uuid> {
    /// The value of each hexadecimal digit; `NOT_HEX` for every other byte. A table rather
    /// than ranges: digits and letters come in no predictable order.
    const NOT_HEX: u8 = 0xff;
    const HEX: [u8; 256] = {
        let mut table = [NOT_HEX; 256];
        let mut i = 0;
        while i < 10 {
            table[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            table[b'a' as usize + i] = 10 + i as u8;
            table[b'A' as usize + i] = 10 + i as u8;
            i += 1;
        }
        table
    };
    let Ok(text) = <&[u8; 36]>::try_from(s.as_bytes()) else {
        return None;
    };
    if [8, 13, 18, 23].iter().any(|&at| text[at] != b'-') {
        return None;
    }
    /// Where each byte's pair of digits starts: every group has an even number of digits,
    /// so a pair never spans a hyphen.
    const PAIRS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let mut bytes = [0u8; 16];
    // Any byte that is not a digit has its table entry's high bits set: gathered over all
    // the digits and tested once.
    let mut seen = 0u8;
    for (byte, at) in bytes.iter_mut().zip(PAIRS) {
        let (hi, lo) = (HEX[text[at] as usize], HEX[text[at + 1] as usize]);
        seen |= hi | lo;
        *byte = hi << 4 | lo;
    }
    (seen & 0xf0 == 0).then(|| Uuid::from_bytes(bytes))
}

/// Appends `DAY HH:MM:SS–HH:MM:SS`, how messages name a window.
fn push_window(out: &mut String, w: &TimeWindow) {
    out.push_str(weekday_name(w.day));
    out.push(' ');
    push_ascii(out, &Clock(w.start).text().0);
    out.push('–');
    push_ascii(out, &Clock(w.end).text().0);
}

/// `timeWindows[i]`, the path of a window, without the formatting machinery.
fn window_path(i: usize) -> String {
    let mut path = String::with_capacity(20);
    path.push_str("timeWindows[");
    push_decimal(&mut path, i as u64);
    path.push(']');
    path
}

/// A time as `HH:MM:SS`, exactly as [`LocalTime`] displays it, written without the integer
/// formatting machinery: messages about windows name many times, and with tens of thousands
/// of documents a run that machinery is a visible share of the time.
struct Clock(LocalTime);

impl Clock {
    /// The eight characters.
    fn text(&self) -> ClockText {
        let secs = self.0.seconds();
        let ([h1, h2], [m1, m2], [s1, s2]) = (
            two_digits(secs / 3600),
            two_digits(secs / 60 % 60),
            two_digits(secs % 60),
        );
        ClockText([h1, h2, b':', m1, m2, b':', s1, s2])
    }
}

/// `HH:MM:SS` as bytes (always ASCII digits and colons).
struct ClockText([u8; 8]);

impl ClockText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }
}

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text().as_str())
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        let mut out = String::with_capacity(path.len() + 1 + key.len());
        out.push_str(path);
        out.push('.');
        out.push_str(key);
        out
    }
}

/// Indices as messages list them: the first few, then how many more.
fn index_list(it: impl Iterator<Item = usize>) -> String {
    const SHOWN: usize = 10;
    let mut out = String::new();
    let mut n = 0;
    for i in it {
        if n < SHOWN {
            let _ = write!(out, "{}{i}", if n == 0 { "" } else { ", " });
        }
        n += 1;
    }
    if n > SHOWN {
        let _ = write!(out, " … and {} more", n - SHOWN);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
        "businessHoursDirective":"STRICT","maxConcurrentCalls":10,
        "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
                       {"dayOfWeek":"MONDAY","startTime":"12:00:00","endTime":"17:00:00"}]}"#;

    #[test]
    fn a_good_document_is_valid() {
        let v = parse_document(GOOD, Format::Json);
        assert!(v.errors.is_empty(), "{:?}", v.errors);
        assert_eq!(v.schedule.unwrap().windows.len(), 2);
    }

    #[test]
    fn reports_every_error_with_its_path() {
        let doc = r#"{"campaignId":"00000000-0000-0000-0000-000000000000","timezone":"CST",
            "businessHoursDirective":"strict","maxConcurrentCalls":0,"extra":1,
            "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"9:00","endTime":"24:00:00"}]}"#;
        let v = parse_document(doc, Format::Json);
        let paths: Vec<&str> = v.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "extra",
                "campaignId",
                "timezone",
                "businessHoursDirective",
                "maxConcurrentCalls",
                "timeWindows[0].startTime",
                "timeWindows[0].endTime"
            ]
        );
    }

    #[test]
    fn clock_writes_times_as_local_time_does() {
        for secs in (0..LocalTime::DAY).step_by(7) {
            let t = LocalTime::from_seconds(secs).unwrap();
            assert_eq!(Clock(t).to_string(), t.to_string());
        }
    }

    #[test]
    fn uuids_are_read_in_the_hyphenated_form_only() {
        let id = "3f1c2a4e-7b8d-4c9e-a1f2-0123456789AB";
        assert_eq!(
            parse_hyphenated_uuid(id),
            Some(Uuid::try_parse(id).unwrap())
        );
        for bad in [
            "3f1c2a4e7b8d4c9ea1f20123456789ab",
            "{3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab}",
            "urn:uuid:3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
            "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ag",
            "3f1c2a4e-7b8d-4c9e-a1f20-123456789ab",
            "3f1c2a4e-7b8d-4c9e-a1f2-0123456789a",
            "3f1c2a4e-7b8d-4c9e-a1f2-0123456789abc",
            "3f1c2a4e-7b8d-4c9e-a1f2-0123456789é",
        ] {
            assert_eq!(parse_hyphenated_uuid(bad), None, "{bad}");
        }
    }

    /// The fast JSON Lines reader gives what the generic path gives, for documents it reads
    /// and for those it leaves to the generic path.
    #[test]
    fn the_fast_reader_agrees_with_the_generic_path() {
        let good = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,"timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"}]}"#;
        let mut docs = vec![
            good.to_string(),
            format!("  {}  \n", good.replace(':', " : ").replace(',', " ,\t")),
            good.replace(r#""maxConcurrentCalls":10"#, r#""maxConcurrentCalls":0"#),
            good.replace(r#""maxConcurrentCalls":10"#, r#""maxConcurrentCalls":010"#),
            good.replace(r#""maxConcurrentCalls":10"#, r#""maxConcurrentCalls":1e1"#),
            good.replace(r#""maxConcurrentCalls":10"#, r#""maxConcurrentCalls":10.0"#),
            good.replace(r#""maxConcurrentCalls":10"#, r#""maxConcurrentCalls":-1"#),
            good.replace(
                r#""maxConcurrentCalls":10"#,
                r#""maxConcurrentCalls":99999999999999999999999"#,
            ),
            good.replace(r#""maxConcurrentCalls":10"#, r#""maxConcurrentCalls":"10""#),
            good.replace(r#""timezone""#, r#""scheduleId":null,"timezone""#),
            good.replace(
                r#""timezone""#,
                r#""scheduleId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone""#,
            ),
            good.replace(r#""timezone""#, r#""campaignId":"x","timezone""#),
            good.replace(r#""timezone""#, r#""extra":1,"timezone""#),
            good.replace("America/New_York", r"America\/New_York"),
            good.replace("America/New_York", "America/New_York\u{1}"),
            good.replace("America/New_York", "CST"),
            good.replace(r#""MONDAY""#, r#""monday""#),
            good.replace(r#""endTime":"12:00:00""#, r#""endTime":"08:00:00""#),
            good.replace(
                r#""endTime":"12:00:00""#,
                r#""endTime":"12:00:00","endTime":"13:00:00""#,
            ),
            good.replace(r#""endTime":"12:00:00""#, r#""endTime":12"#),
            good.replace(r#"[{"#, r#"[{},{"#),
            good.replace(r#""timeWindows":[{"#, r#""timeWindows":[ ],"x":[{"#),
            good.replace(r#"}]}"#, r#"}]},"#),
            good.replace(r#"}]}"#, r#"}]} x"#),
            good.replace(r#"}]}"#, r#"}],}"#),
            format!("{good}{good}"),
            good[..good.len() - 1].to_string(),
            "null".into(),
            "[]".into(),
            "{}".into(),
            String::new(),
        ];
        docs.push(
            good.replace(r#""timeWindows":[{"#, r#""timeWindows":[]"#)
                .replace(
                    r#""dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"}]}"#,
                    "}",
                ),
        );
        for doc in &docs {
            let fast = parse_json_document(doc);
            let generic = parse_document(doc, Format::Json);
            assert_eq!(fast.errors, generic.errors, "{doc}");
            assert_eq!(fast.warnings, generic.warnings, "{doc}");
            assert_eq!(fast.campaign_id, generic.campaign_id, "{doc}");
            assert_eq!(
                fast.schedule
                    .map(|s| (s.campaign_id, s.timezone.canonical, s.windows)),
                generic
                    .schedule
                    .map(|s| (s.campaign_id, s.timezone.canonical, s.windows)),
                "{doc}"
            );
        }
        assert!(
            json_line::validate(good).is_some(),
            "the common shape is read fast"
        );
    }

    #[test]
    fn a_key_written_twice_is_an_error_with_both_positions() {
        let doc = GOOD.replace(
            r#""endTime":"12:00:00"}"#,
            r#""endTime":"12:00:00","endTime":"23:30:00"}"#,
        );
        let v = parse_document(&doc, Format::Json);
        assert_eq!(v.errors.len(), 1, "{:?}", v.errors);
        assert_eq!(v.errors[0].path, "timeWindows[0].endTime");
        assert_eq!(
            v.errors[0].message,
            "the key appears twice (line 3, columns 69 and 90); keep one"
        );
        assert!(v.schedule.is_none());
        assert_eq!(
            v.campaign_id.as_deref(),
            Some("3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab")
        );
        assert_eq!(parse_json_document(&doc).errors, v.errors);
        // At every level, escaped spellings included, in document order.
        let doc = r#"{"campaignId":"x","campaignId":"y","compliance":{"purpose":"telemarketing",
            "recipients":{"zones":[],"zon\u0065s":[]},"purpose":"informational"}}"#;
        let v = parse_document(doc, Format::Json);
        let paths: Vec<&str> = v.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "campaignId",
                "compliance.recipients.zones",
                "compliance.purpose"
            ]
        );
        assert_eq!(
            v.errors[2].message,
            "the key appears twice (line 1, column 50 and line 2, column 55); keep one"
        );
        assert_eq!(v.campaign_id, None, "which campaignId is not known");
    }

    #[test]
    fn yaml_repeated_keys_are_reported_in_our_words() {
        let doc = "campaignId: x\ncompliance:\n  recipients:\n    zones: []\n    zones: [UTC]\n\
                   timeWindows:\n  - dayOfWeek: MONDAY\n    dayOfWeek: TUESDAY\n";
        let v = parse_document(doc, Format::Yaml);
        let issues: Vec<(&str, &str)> = v
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            issues,
            [
                (
                    "compliance.recipients.zones",
                    "the key appears twice (line 4, column 5 and line 5, column 5); keep one"
                ),
                (
                    "timeWindows[0].dayOfWeek",
                    "the key appears twice (line 7, column 5 and line 8, column 5); keep one"
                ),
            ]
        );
        let toml = "campaignId = \"x\"\ncampaignId = \"y\"\n";
        let v = parse_document(toml, Format::Toml);
        assert!(
            v.errors[0]
                .message
                .starts_with("not valid TOML: line 2, column 1:")
                && v.errors[0].message.contains("duplicate key")
                && v.errors[0].message.ends_with("keep one"),
            "{:?}",
            v.errors
        );
    }

    #[test]
    fn limits_are_enforced_before_reading() {
        let windows = vec!["{}"; 200_000].join(",");
        let doc = format!(r#"{{"timeWindows":[{windows}]}}"#);
        for v in [
            parse_document(&doc, Format::Json),
            parse_json_document(&doc),
        ] {
            assert!(v.errors.iter().any(|e| e.path == "timeWindows"
                && e.message.contains("at most 1000 windows")
                && e.message.contains("found 200000")));
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for format in [Format::Json, Format::Toml, Format::Yaml] {
            let text = match format {
                Format::Json => deep.clone(),
                _ => format!("a = {deep}")
                    .replace(" = ", if format == Format::Yaml { ": " } else { " = " }),
            };
            let v = parse_document(&text, format);
            assert_eq!(v.errors.len(), 1, "{format:?}");
            assert!(
                v.errors[0].message.contains("32"),
                "{format:?}: {:?}",
                v.errors
            );
            assert!(
                v.errors[0].message.len() < 500,
                "{format:?}: {:?}",
                v.errors
            );
        }
        let big = format!(r#"{{"campaignId":"{}"}}"#, "a".repeat(MAX_DOCUMENT_BYTES));
        let v = parse_json_document(&big);
        assert!(
            v.errors[0]
                .message
                .contains("more than the limit of 1048576 bytes")
        );
        for (text, fragment) in [("\u{feff}{}", "byte-order mark")] {
            for format in [Format::Json, Format::Toml, Format::Yaml] {
                let v = parse_document(text, format);
                assert!(
                    v.errors[0].message.contains(fragment),
                    "{format:?} {text:?}"
                );
            }
        }
    }

    #[test]
    fn every_message_and_report_is_bounded() {
        // 1000 overlapping windows on one day: too many on Monday, and 999 overlaps.
        let w = r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}"#;
        let doc = GOOD.replace(
            r#"{"dayOfWeek":"MONDAY","startTime":"12:00:00","endTime":"17:00:00"}"#,
            &vec![w; 999].join(","),
        );
        let v = parse_document(&doc, Format::Json);
        assert_eq!(v.errors.len(), MAX_REPORTED_ISSUES);
        assert!(
            v.errors[0].message.contains("… and 990 more"),
            "{}",
            v.errors[0].message
        );
        assert!(
            v.errors
                .last()
                .unwrap()
                .message
                .starts_with("… and 951 more errors")
        );
        let total: usize = v
            .errors
            .iter()
            .map(|e| e.message.len() + e.path.len())
            .sum();
        assert!(total < 16 * 1024, "{total}");
        let long = "x".repeat(500_000);
        let doc = GOOD
            .replace("America/New_York", &long)
            .replace(r#""campaignId""#, &format!(r#""{long}":1,"campaignId""#));
        let v = parse_document(&doc, Format::Json);
        for e in &v.errors {
            assert!(e.message.len() + e.path.len() < 400, "{e:?}");
        }
    }

    #[test]
    fn overlaps_name_both_windows() {
        let doc = GOOD.replace(r#""startTime":"12:00:00""#, r#""startTime":"11:00:00""#);
        let v = parse_document(&doc, Format::Json);
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].path, "timeWindows[1]");
        assert!(v.errors[0].message.contains("timeWindows[0]"));
    }
}
