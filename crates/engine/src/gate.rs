//! The compliance gate of `plan` and `apply`: a desired schedule is checked as `cxsched
//! check` would check it with no flags (through the same check service: the document's
//! purpose, recipients and horizon, from today in the campaign's zone, the embedded rule
//! pack), and its error findings stop `apply` from writing it unless the operator overrides
//! with a stated reason. On CXone the same check gives the curfews written to the skills, so
//! a document's recipients are settled (and its phone-number file read) once.

use std::sync::OnceLock;

use cxsched_compliance::curfew::Curfews;
use cxsched_compliance::{Overrides, RulePack, Service};
use jiff::Timestamp;

pub use cxsched_compliance::Judgement;

use crate::document::{Document, read_phone_numbers};

/// The gate's check service for `judgement`: the embedded rule pack, nothing over the
/// documents; one per process, so horizons are shared by every document of a run.
fn service(judgement: Judgement) -> &'static Service {
    static SCHEDULED: OnceLock<Service> = OnceLock::new();
    static UNDER_CURFEWS: OnceLock<Service> = OnceLock::new();
    let cell = match judgement {
        Judgement::Scheduled => &SCHEDULED,
        Judgement::UnderCurfews => &UNDER_CURFEWS,
    };
    cell.get_or_init(|| Service::new(RulePack::embedded_us(), Overrides::default(), judgement))
}

/// What the gate decided of one document.
#[derive(Clone, Default)]
pub struct Assessment {
    /// One line per error finding (or per reason the check could not be made, which also
    /// blocks the write).
    pub errors: Vec<String>,
    /// Under curfews: the curfews its recipients need (none when the check could not be
    /// made).
    pub curfews: Option<Curfews>,
    /// The rule versions the check applied, `ID` or `ID@VERSION`.
    pub rules: Vec<String>,
}

/// Checks a document as the gate does: the error findings, and under curfews the curfews.
pub fn assess(doc: &Document, now: Timestamp, judgement: Judgement) -> Assessment {
    let Some(schedule) = &doc.validation.schedule else {
        return Assessment::default();
    };
    let read = |file: &str| read_phone_numbers(&doc.base_dir, file);
    let service = service(judgement);
    match service.check(schedule, now, read) {
        Err(problems) => Assessment {
            errors: problems
                .into_iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect(),
            curfews: None,
            rules: Vec::new(),
        },
        Ok(checked) => Assessment {
            rules: checked.prepared.rules_in_force(service.pack()),
            errors: service
                .findings(schedule, &checked)
                .iter()
                .filter(|f| f.severity == "error")
                .map(|f| {
                    format!(
                        "{} {}: {}",
                        f.code,
                        f.rule.as_deref().unwrap_or("-"),
                        f.message
                    )
                })
                .collect(),
            curfews: checked.effective.map(|e| e.curfews),
        },
    }
}

/// One line per error finding of the document's compliance check (or per reason the check
/// could not be made, which also blocks the write).
///
/// # Example
///
/// Texas allows calls from 9 a.m. to 9 p.m. local time, and part of Texas (El Paso) is on
/// Mountain time: a Monday window from 7 a.m. to 10 p.m. Chicago time is an error, one from
/// 10 to 5 (9 to 4 in El Paso) is not.
///
/// ```
/// use cxsched_core::{Format, parse_document};
/// use cxsched_engine::Document;
/// use cxsched_engine::gate::{Judgement, compliance_errors};
///
/// let doc = |start: &str, end: &str| {
///     let text = format!(
///         r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/Chicago",
///         "businessHoursDirective":"STRICT","maxConcurrentCalls":10,
///         "timeWindows":[{{"dayOfWeek":"MONDAY","startTime":"{start}","endTime":"{end}"}}],
///         "compliance":{{"recipients":{{"states":["TX"]}}}}}}"#
///     );
///     let validation = parse_document(&text, Format::Json);
///     assert!(validation.is_valid(), "{:?}", validation.errors);
///     Document { source: "doc.json".into(), base_dir: ".".into(), validation }
/// };
/// let now = jiff::Timestamp::now();
///
/// let errors = compliance_errors(&doc("07:00:00", "22:00:00"), now, Judgement::Scheduled);
/// assert!(errors.iter().any(|e| e.starts_with("OUTSIDE_LEGAL_HOURS US-TX:")), "{errors:?}");
/// assert!(compliance_errors(&doc("10:00:00", "17:00:00"), now, Judgement::Scheduled).is_empty());
/// ```
pub fn compliance_errors(doc: &Document, now: Timestamp, judgement: Judgement) -> Vec<String> {
    assess(doc, now, judgement).errors
}

/// The rule pack's name and version, for audit entries.
pub fn rule_pack_version() -> String {
    service(Judgement::Scheduled).pack().version_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document's blackout blocks the write like any compliance error.
    #[test]
    fn a_blackout_is_a_compliance_error() {
        let text = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
          "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
          "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"10:00:00","endTime":"16:00:00"}],
          "compliance":{"recipients":{"states":["NY"]},
            "blackouts":[{"name":"Company holiday","from":"2026-12-07","to":"2026-12-07"}]}}"#;
        let doc = |text: &str| Document {
            source: "x.json".into(),
            base_dir: ".".into(),
            validation: cxsched_core::parse_document(text, cxsched_core::Format::Json),
        };
        let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let errors = compliance_errors(&doc(text), now, Judgement::Scheduled);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("BLACKOUT -: "), "{errors:?}");
        assert!(errors[0].contains("Company holiday"), "{errors:?}");
        let clear = text.replace("2026-12-07", "2025-12-07");
        assert!(compliance_errors(&doc(&clear), now, Judgement::Scheduled).is_empty());
    }
}
