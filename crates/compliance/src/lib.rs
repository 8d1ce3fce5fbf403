//! `cxsched-compliance`: is a schedule legal, date by date, where the called people are?
//!
//! - [`rules`]: rule packs (federal baseline and stricter state rules) as data, embedded
//!   from `data/rules/us.toml` or read from a file the caller supplies.
//! - [`holidays`]: holiday calendars computed from rules, with observance shifts.
//! - [`recipients`]: zones, states and phone numbers (by area code, `data/area_codes.tsv`)
//!   resolved to the targets a check decides for.
//! - [`check`]: the per-date check over a horizon, producing findings grouped into date
//!   spans; [`report`] gives them their JSON fields and messages.
//! - [`curfew`]: the law compiled into per-recipient-zone windows for the dialer (CONTRACT
//!   §7), and occurrences cut to them.
//! - [`when`]: the legal calling intervals per date for one recipient.
//! - [`fix`]: the largest schedule inside a given one that the check passes.
//! - [`service`]: the document-check service every caller checks through (purpose,
//!   horizon, recipients, blackouts and judgement settled in one place).
//!
//! Pure: no I/O and no clock. Callers pass in texts, dates and "today".

pub mod check;
pub mod curfew;
pub mod days;
pub mod effective;
pub mod fix;
pub mod holidays;
pub mod recipients;
pub mod report;
pub mod rules;
pub mod service;
pub mod timeline;
pub mod when;

pub use check::{Code, Detail, Horizon, RawFinding, Report, check, check_with_blackouts};
pub use curfew::{Curfew, CurfewProblem, Curfews, Interval};
pub use recipients::{AreaCodeTable, RecipientInput, Resolution, Target};
pub use report::{Finding, findings};
pub use rules::{Confidence, Problem, Rule, RulePack, RulePackError, Severity};
pub use service::{Checked, Judgement, Overrides, Prepared, Service};
pub use when::{Day, WhenKey, WhenPlanner};
