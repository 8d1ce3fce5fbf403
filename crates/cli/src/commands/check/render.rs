//! How `check` reports a document: JSON (the contract's fields first, then context) or the
//! human report (led by what to do), and the run's closing summary.

use std::io::Write;

use anyhow::Context;

use cxsched_compliance::effective::{Effective, duration_text};
use cxsched_compliance::report::Finding;
use cxsched_compliance::service::Checked;
use cxsched_core::{Schedule, Validation};

use super::super::{Outcome, validate};
use super::Setup;
use crate::output::{self, JsonOut, OutputMode};

/// The report of an invalid document: as `validate` reports it, plus the check's fields.
pub(super) fn invalid(
    out: &mut Vec<u8>,
    source: &str,
    line: Option<usize>,
    v: &Validation,
    mode: OutputMode,
) {
    match mode {
        OutputMode::Human => validate::render_into(out, source, line, v, mode),
        OutputMode::Json => {
            validate::json_fields_into(out, source, line, v);
            out.extend_from_slice(b",\"status\":\"fail\",\"findings\":[]}\n");
        }
    }
}

/// What one checked document's report is made of.
pub(super) struct Rendered<'a> {
    pub(super) source: &'a str,
    pub(super) line: Option<usize>,
    pub(super) schedule: &'a Schedule,
    pub(super) v: &'a Validation,
    /// What the check found (on cxone, with the curfews and what they trim).
    pub(super) checked: &'a Checked,
}

/// The curfews as JSON (CONTRACT §7): `[{"recipientZone","windowsZone","start","end","rules"}]`.
fn curfews_json(json: &mut JsonOut<'_>, e: &Effective) {
    json.raw(b"[");
    for (i, c) in e.curfews.curfews.iter().enumerate() {
        if i > 0 {
            json.raw(b",");
        }
        json.raw(b"{\"recipientZone\":")
            .str(c.zone.canonical)
            .raw(b",\"windowsZone\":")
            .opt_str(cxsched_core::windows_zone::windows_name(c.zone.canonical))
            .raw(b",\"start\":")
            .str(&c.start.to_string()[..5])
            .raw(b",\"end\":")
            .str(&c.end.to_string()[..5])
            .raw(b",\"rules\":")
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
        let windows = cxsched_core::windows_zone::windows_name(c.zone.canonical)
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
pub(super) fn render(out: &mut Vec<u8>, setup: &Setup, r: Rendered<'_>, mode: OutputMode) {
    let Rendered {
        source,
        line,
        schedule,
        v,
        checked,
    } = r;
    let (prepared, effective) = (&checked.prepared, checked.effective.as_ref());
    let (errors, warnings) = checked.counts();
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
            json.raw(b"{\"file\":").str(source);
            if let Some(line) = line {
                json.raw(b",\"line\":").uint(line as u64);
            }
            let mut id = uuid::Uuid::encode_buffer();
            json.raw(b",\"campaignId\":")
                .str(schedule.campaign_id.hyphenated().encode_lower(&mut id))
                .raw(b",\"status\":")
                .str(status)
                .raw(b",\"findings\":");
            setup.service.write_findings_json(schedule, checked, json.0);
            json.raw(b",");
            if let Some(e) = effective {
                json.key("curfews");
                curfews_json(&mut json, e);
                json.raw(b",");
            }
            json.key("timezone")
                .str(schedule.timezone.name)
                .raw(b",\"purpose\":")
                .str(prepared.purpose.as_str())
                .raw(b",\"from\":");
            cxsched_core::json_bytes::push_date_json(json.0, h.from);
            json.raw(b",\"horizonDays\":")
                .uint(u64::from(h.days))
                .raw(b",")
                .raw(&setup.ruleset_json)
                .key("recipients")
                .raw(b"[");
            for (i, t) in prepared.resolution.targets.iter().enumerate() {
                if i > 0 {
                    json.raw(b",");
                }
                json.raw(b"{\"zone\":")
                    .str(t.zone.canonical)
                    .raw(b",\"state\":")
                    .opt_str(t.state.as_deref())
                    .raw(b",\"basis\":")
                    .str(&t.basis)
                    .raw(b"}");
            }
            json.raw(b"],\"assumptions\":")
                .str_list(&prepared.resolution.presumptions)
                .raw(b",\"warnings\":")
                .issues(&v.warnings)
                .raw(b",")
                .raw(&setup.disclaimer_json);
        }
        OutputMode::Human => {
            let list = setup.service.findings(schedule, checked);
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
                s.push_str(&crate::commands::fix::what_to_do(
                    setup,
                    schedule,
                    prepared,
                    crate::commands::fix::Paint::for_stdout(),
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
pub(super) fn finish(
    out: &mut impl Write,
    mode: OutputMode,
    total: usize,
    failed: usize,
) -> anyhow::Result<Outcome> {
    output::summary(out, mode, total, failed, ("pass or warn", "fail"))?;
    out.flush().context("writing the report")?;
    Ok(Outcome::failed_if(failed > 0))
}
