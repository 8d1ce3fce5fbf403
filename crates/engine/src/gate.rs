//! The compliance gate of `plan` and `apply`: a desired schedule is checked as `cxsched
//! check` would check it with no flags (the document's purpose, recipients and horizon,
//! from today in the campaign's zone, the embedded rule pack), and its error findings stop
//! `apply` from writing it unless the operator overrides with a stated reason.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cxsched_compliance::{AreaCodeTable, Horizon, RecipientInput, RulePack, check, findings};
use cxsched_core::Date;
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

/// One line per error finding of the document's compliance check (or per reason the check
/// could not be made, which also blocks the write).
pub fn compliance_errors(doc: &Document, now: Timestamp) -> Vec<String> {
    let Some(schedule) = &doc.validation.schedule else {
        return Vec::new();
    };
    let c = &schedule.compliance;
    let pack = pack();
    if c.ruleset != pack.name {
        return vec![format!(
            "compliance.ruleset {:?} is not the embedded rule pack {:?}; check it with `cxsched check --rules FILE`",
            c.ruleset, pack.name
        )];
    }
    let numbers = match phone_numbers(&doc.base_dir, c.recipients.phone_numbers_file.as_deref()) {
        Ok(n) => n,
        Err(message) => return vec![message],
    };
    let input = RecipientInput {
        zones: &c.recipients.zones,
        states: &c.recipients.states,
        phone_numbers: numbers.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
    };
    let resolution = match cxsched_compliance::recipients::resolve(
        &input,
        &schedule.timezone,
        AreaCodeTable::embedded,
    ) {
        Ok(r) => r,
        Err(problems) => return problems,
    };
    let today = now.to_zoned_datetime(schedule.timezone.tz.clone()).date();
    let horizon = horizon(today, c.horizon_days);
    let report = check(pack, &horizon, schedule, c.purpose, &resolution.targets);
    findings(&report, pack, schedule, &resolution.targets)
        .into_iter()
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

/// The rule pack's name and version, for audit entries.
pub fn rule_pack_version() -> String {
    pack().version_string()
}
