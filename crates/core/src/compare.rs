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
