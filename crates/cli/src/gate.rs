//! The compliance gate of `plan` and `apply`: the error findings of a desired schedule over
//! its horizon, from today. (Wired to `cxsched-compliance` once its check is in.)

use jiff::Timestamp;

use crate::rollout::desired::Desired;

/// One line per error finding of the document's compliance check.
pub fn compliance_errors(_doc: &Desired, _now: Timestamp) -> Vec<String> {
    Vec::new()
}

/// The rule pack's name and version, for audit entries.
pub fn rule_pack_version() -> String {
    "us".into()
}
