//! Comparing schedules by meaning, not by text.
//!
//! Two schedules are the same when they would make the dialer behave the same: the same
//! campaign, zone (links resolved), directive, concurrency and set of windows, whatever the
//! windows' order or how the times were written. `scheduleId` is assigned by the API and is
//! not part of the desired state.

use crate::model::{Schedule, TimeWindow};

/// The windows in a canonical order (by day, then start, then end).
pub fn canonical_windows(windows: &[TimeWindow]) -> Vec<TimeWindow> {
    let mut w = windows.to_vec();
    w.sort_by_key(|w| (w.day.to_monday_zero_offset(), w.start, w.end));
    w.dedup();
    w
}

/// True when applying `desired` over `live` would change nothing the dialer uses.
pub fn same_schedule(desired: &Schedule, live: &Schedule) -> bool {
    desired.campaign_id == live.campaign_id
        && desired.timezone.canonical == live.timezone.canonical
        && desired.directive == live.directive
        && desired.max_concurrent_calls == live.max_concurrent_calls
        && canonical_windows(&desired.windows) == canonical_windows(&live.windows)
}

/// One difference between a desired and a live schedule, for plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A top-level field differs: name, live value, desired value (wire spellings).
    Field {
        field: &'static str,
        live: String,
        desired: String,
    },
    /// A window present in the desired schedule only.
    AddWindow(TimeWindow),
    /// A window present in the live schedule only.
    RemoveWindow(TimeWindow),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let window = |w: &TimeWindow| {
            format!(
                "{} {}–{}",
                crate::model::weekday_name(w.day),
                w.start,
                w.end
            )
        };
        match self {
            Change::Field {
                field,
                live,
                desired,
            } => write!(f, "~ {field}: {live} → {desired}"),
            Change::AddWindow(w) => write!(f, "+ window {}", window(w)),
            Change::RemoveWindow(w) => write!(f, "- window {}", window(w)),
        }
    }
}

/// What writing `desired` over a campaign with no (readable) schedule would set.
pub fn changes_from_empty(desired: &Schedule) -> Vec<Change> {
    let field = |field: &'static str, desired: String| Change::Field {
        field,
        live: "(none)".into(),
        desired,
    };
    let mut out = vec![
        field("timezone", desired.timezone.name.to_string()),
        field("businessHoursDirective", desired.directive.as_str().into()),
        field(
            "maxConcurrentCalls",
            desired.max_concurrent_calls.to_string(),
        ),
    ];
    out.extend(
        canonical_windows(&desired.windows)
            .into_iter()
            .map(Change::AddWindow),
    );
    out
}

/// What applying `desired` over `live` would change, by meaning; empty when
/// [`same_schedule`] holds.
pub fn changes(desired: &Schedule, live: &Schedule) -> Vec<Change> {
    let mut out = Vec::new();
    if desired.timezone.canonical != live.timezone.canonical {
        out.push(Change::Field {
            field: "timezone",
            live: live.timezone.name.to_string(),
            desired: desired.timezone.name.to_string(),
        });
    }
    if desired.directive != live.directive {
        out.push(Change::Field {
            field: "businessHoursDirective",
            live: live.directive.as_str().into(),
            desired: desired.directive.as_str().into(),
        });
    }
    if desired.max_concurrent_calls != live.max_concurrent_calls {
        out.push(Change::Field {
            field: "maxConcurrentCalls",
            live: live.max_concurrent_calls.to_string(),
            desired: desired.max_concurrent_calls.to_string(),
        });
    }
    let want = canonical_windows(&desired.windows);
    let have = canonical_windows(&live.windows);
    out.extend(
        have.iter()
            .filter(|w| !want.contains(w))
            .map(|w| Change::RemoveWindow(*w)),
    );
    out.extend(
        want.iter()
            .filter(|w| !have.contains(w))
            .map(|w| Change::AddWindow(*w)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, parse_document};

    fn doc(windows: &str, zone: &str) -> Schedule {
        let text = format!(
            r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{zone}",
            "businessHoursDirective":"STRICT","maxConcurrentCalls":5,"timeWindows":[{windows}]}}"#
        );
        *parse_document(&text, Format::Json).schedule.unwrap()
    }

    #[test]
    fn order_and_links_do_not_matter() {
        let a = doc(
            r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
               {"dayOfWeek":"FRIDAY","startTime":"09:00:00","endTime":"12:00:00"}"#,
            "America/New_York",
        );
        let b = doc(
            r#"{"dayOfWeek":"FRIDAY","startTime":"09:00:00","endTime":"12:00:00"},
               {"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"}"#,
            "US/Eastern",
        );
        assert!(same_schedule(&a, &b));
        assert!(changes(&a, &b).is_empty());
    }

    #[test]
    fn changes_list_window_edits() {
        let live = doc(
            r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"}"#,
            "America/New_York",
        );
        let want = doc(
            r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"13:00:00"}"#,
            "America/Chicago",
        );
        let c: Vec<String> = changes(&want, &live)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            c,
            [
                "~ timezone: America/New_York → America/Chicago",
                "- window MONDAY 09:00:00–12:00:00",
                "+ window MONDAY 09:00:00–13:00:00",
            ]
        );
    }
}
