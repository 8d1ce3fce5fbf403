//! The compliance gate of `plan` and `apply`: a desired schedule is checked as `cxsched
//! check` would check it with no flags (the document's purpose, recipients and horizon,
//! from today in the campaign's zone, the embedded rule pack), and its error findings stop
//! `apply` from writing it unless the operator overrides with a stated reason.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cxsched_compliance::curfew::{Curfews, compile_for_schedule};
use cxsched_compliance::{
    AreaCodeTable, Horizon, RecipientInput, RulePack, Target, check, findings,
};
use cxsched_core::{Date, Purpose, Schedule};
use jiff::Timestamp;

use crate::document::{Document, phone_numbers};

fn pack() -> &'static RulePack {
    static PACK: OnceLock<RulePack> = OnceLock::new();
    PACK.get_or_init(RulePack::embedded_us)
}

/// Horizons by (first date, days): the holiday dates and zone timelines a check needs are
/// computed once per run, not once per campaign.
fn horizon(from: Date, days: u32) -> Arc<Horizon> {
    type Horizons = Mutex<HashMap<(Date, u32), Arc<Horizon>>>;
    static HORIZONS: OnceLock<Horizons> = OnceLock::new();
    let mut map = HORIZONS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    Arc::clone(
        map.entry((from, days))
            .or_insert_with(|| Arc::new(Horizon::new(pack(), from, days))),
    )
}

/// How the gate judges: what the schedule says, or what the dialer will really do once
/// the CXone curfews are written (CONTRACT §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Every occurrence as scheduled (the seed platform).
    Scheduled,
    /// Each occurrence cut to its recipients' curfews (CXone).
    UnderCurfews,
}

/// A document's recipients and horizon, settled as `cxsched check` settles them with no
/// flags.
pub struct Prepared<'d> {
    pub schedule: &'d Schedule,
    pub purpose: Purpose,
    pub targets: Vec<Target>,
    pub from: Date,
    pub days: u32,
}

/// Settles the document's recipients and horizon (from today in the campaign's zone).
///
/// # Errors
/// One sentence per reason the check cannot be made (each also blocks the write).
pub fn prepare(doc: &Document, now: Timestamp) -> Result<Option<Prepared<'_>>, Vec<String>> {
    let Some(schedule) = &doc.validation.schedule else {
        return Ok(None);
    };
    let c = &schedule.compliance;
    let pack = pack();
    if c.ruleset != pack.name {
        return Err(vec![format!(
            "compliance.ruleset {:?} is not the embedded rule pack {:?}; check it with `cxsched check --rules FILE`",
            c.ruleset, pack.name
        )]);
    }
    let numbers = phone_numbers(&doc.base_dir, c.recipients.phone_numbers_file.as_deref())
        .map_err(|m| vec![m])?;
    let input = RecipientInput {
        zones: &c.recipients.zones,
        states: &c.recipients.states,
        phone_numbers: numbers.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
    };
    let resolution = cxsched_compliance::recipients::resolve(
        &input,
        &schedule.timezone,
        AreaCodeTable::embedded,
    )?;
    Ok(Some(Prepared {
        schedule,
        purpose: c.purpose,
        targets: resolution.targets,
        from: now.to_zoned_datetime(schedule.timezone.tz.clone()).date(),
        days: c.horizon_days,
    }))
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
    let p = match prepare(doc, now) {
        Ok(Some(p)) => p,
        Ok(None) => return Vec::new(),
        Err(problems) => return problems,
    };
    let pack = pack();
    let horizon = horizon(p.from, p.days);
    let report = check(pack, &horizon, p.schedule, p.purpose, &p.targets);
    let mut list = findings(&report, pack, p.schedule, &p.targets);
    if judgement == Judgement::UnderCurfews {
        list = cxsched_compliance::effective::judge(
            pack, p.purpose, &p.targets, p.schedule, p.from, p.days, list,
        )
        .1;
    }
    list.into_iter()
        .filter(|f| f.severity == "error")
        .map(|f| {
            format!(
                "{} {}: {}",
                f.code,
                f.rule.as_deref().unwrap_or("-"),
                f.message
            )
        })
        .collect()
}

/// The curfews a document's recipients need, compiled from the embedded rule pack over the
/// document's horizon.
///
/// # Errors
/// As [`prepare`].
pub fn curfews(doc: &Document, now: Timestamp) -> Result<Option<Curfews>, Vec<String>> {
    Ok(prepare(doc, now)?
        .map(|p| compile_for_schedule(pack(), p.purpose, &p.targets, p.schedule, p.from, p.days)))
}

/// The rule pack's name and version, for audit entries.
pub fn rule_pack_version() -> String {
    pack().version_string()
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
