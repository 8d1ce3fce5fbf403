//! `check --output sarif`: one SARIF 2.1.0 log (one run, one result per finding and per
//! validation issue) for code scanning, with each result at the line and column of what it
//! is about in the document: the window of a finding, the field of a validation issue (its
//! nearest present parent when the field is missing), else the file.
//!
//! Locations come from the parsers' own positions, not from searching the text: the JSON
//! text is scanned by a small parser that records where each value starts, TOML documents
//! are read with `toml`'s spanned tables (`toml::de::DeTable`), YAML ones with
//! `serde_saphyr::Spanned`. So a window written inline (`- { dayOfWeek: … }`, `timeWindows =
//! [{ … }]`), on several lines, or after comments is found the same way as any other, and
//! the Nth window is the Nth element of `timeWindows` exactly as the validator counts it.
//! Columns are 1-based Unicode code points (`columnKind: unicodeCodePoints`).

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
    let super::Judged { v, checked } = super::judge(setup, &loaded.base_dir, &loaded.validation);
    let findings = match (&checked, &v.schedule) {
        (Some(c), Some(schedule)) => setup.service.findings(schedule, c),
        _ => Vec::new(),
    };
    (v.into_owned(), findings)
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

pub(super) mod locate;
