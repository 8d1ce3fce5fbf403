//! A fast reader for JSON documents of the common shape: exactly the wire fields, each of the
//! expected JSON type, strings without escapes. Such a document is read straight into
//! borrowed fields (no tree, no copies) and checked by the same rules as the generic path.
//! Anything else (a wrong type, an unknown, duplicate or missing field, `null`, a
//! `compliance` table, an escaped string, bad JSON) is not this reader's business: it says
//! so and the caller reads the document through the generic tree, which reports every
//! problem. Both paths therefore give the same issues; `validate --jsonl` uses this one for
//! throughput.

use serde::{Deserialize, Deserializer};

use super::{Checker, Validation, join};
use crate::model::{Compliance, Schedule};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Document<'a> {
    campaign_id: &'a str,
    #[serde(default, borrow)]
    schedule_id: Present<'a>,
    timezone: &'a str,
    business_hours_directive: &'a str,
    max_concurrent_calls: u64,
    #[serde(borrow)]
    time_windows: Vec<Window<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Window<'a> {
    day_of_week: &'a str,
    start_time: &'a str,
    end_time: &'a str,
}

/// An optional string field that, when present, must be a string: `null` is refused here
/// (the generic path reports it), unlike `Option<&str>`.
#[derive(Default)]
struct Present<'a>(Option<&'a str>);

impl<'de: 'a, 'a> Deserialize<'de> for Present<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Present<'a>, D::Error> {
        <&'a str>::deserialize(d).map(|s| Present(Some(s)))
    }
}

/// Validates `text` when it has the common shape; `None` when the generic path must.
pub(super) fn validate(text: &str) -> Option<Validation> {
    let doc: Document<'_> = serde_json::from_str(text).ok()?;
    let mut cx = Checker::default();
    // The same checks in the same order as `Checker::document`, so issues come out alike.
    let campaign_id = cx.uuid_text(doc.campaign_id, "campaignId");
    let schedule_id = doc
        .schedule_id
        .0
        .and_then(|s| cx.uuid_text(s, "scheduleId"));
    let timezone = cx.zone_text(doc.timezone);
    let directive = cx.directive_text(doc.business_hours_directive);
    let max_calls = cx.in_range(doc.max_concurrent_calls, "maxConcurrentCalls", 1, 500);
    if doc.time_windows.is_empty() {
        cx.empty_windows_warning();
    }
    let errors_before = cx.errors.len();
    let parsed: Vec<_> = doc
        .time_windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let at = || format!("timeWindows[{i}]");
            let day = cx.day_text(w.day_of_week, &|| join(&at(), "dayOfWeek"));
            let start = cx.time_text(w.start_time, &|| join(&at(), "startTime"));
            let end = cx.time_text(w.end_time, &|| join(&at(), "endTime"));
            cx.window_parts(&at, day, start, end)
        })
        .collect();
    cx.day_rules(&parsed);
    let windows =
        (cx.errors.len() == errors_before).then(|| parsed.into_iter().flatten().collect());
    let schedule = (|| {
        Some(Schedule {
            campaign_id: campaign_id?,
            schedule_id,
            timezone: timezone?,
            directive: directive?,
            max_concurrent_calls: u16::try_from(max_calls?).ok()?,
            windows: windows?,
            compliance: Compliance::default(),
        })
    })();
    Some(Validation {
        schedule: if cx.errors.is_empty() { schedule } else { None },
        campaign_id: Some(doc.campaign_id.to_owned()),
        errors: cx.errors,
        warnings: cx.warnings,
    })
}
