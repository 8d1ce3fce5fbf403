//! `cxsched-calendar`: the windows of schedules as an RFC 5545 calendar (pure: the span and
//! the DTSTAMP are arguments; no clock, no files).
//!
//! One VEVENT per window, recurring weekly (`RRULE:FREQ=WEEKLY;BYDAY=..;UNTIL=..`) from the
//! window's first date in the span, with `DTSTART;TZID=<zone>` in the campaign's zone and a
//! VTIMEZONE per zone built from the bundled tz database ([`vtimezone`]). UTC campaigns use
//! UTC times and no VTIMEZONE.
//!
//! # Exactly the occurrences of `cxsched expand`
//!
//! RFC 5545 resolves a DTSTART in a gap forward by the gap and one in a fold to the first
//! instant, as `expand` does; but it gives every instance the same *exact* duration
//! (§3.8.5.3), while a dialer window ends at its wall-clock end time: on a DST day a window
//! that spans the change is an hour shorter or longer. So the length is a `DURATION` equal
//! to the window's wall-clock length, and each occurrence in the span whose real length
//! differs gets an override (a VEVENT with the same UID and a RECURRENCE-ID) with its real
//! start and end; an occurrence that a gap leaves empty is an EXDATE. Events end with the
//! span (`UNTIL`), so the calendar holds exactly what `expand` lists for the same span.
//!
//! UIDs are built from the campaign id, weekday and times, so exporting the same schedule
//! again updates the same events instead of adding new ones.

pub mod text;
pub mod vtimezone;

use std::collections::BTreeMap;

use cxsched_core::model::weekday_name;
use cxsched_core::{Date, Schedule, TimeWindow};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::text::{escape_text, push_line};
use crate::vtimezone::{format_local, format_utc, push_vtimezone};

/// The span to export and the stamp to put on events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendarOptions {
    /// First date (campaign-local) of the span.
    pub from: Date,
    /// Number of dates in the span (at least 1).
    pub days: u32,
    /// The DTSTAMP of every event: when the calendar was made (the caller's clock).
    pub dtstamp: Timestamp,
}

/// The product identifier written as PRODID.
pub const PRODID: &str = concat!("-//cxsched//cxsched ", env!("CARGO_PKG_VERSION"), "//EN");

/// How many events a calendar holds (masters and overrides), for reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub events: usize,
    pub overrides: usize,
    pub excluded: usize,
    pub time_zones: usize,
}

/// Writes the calendar of `schedules` over the span (CRLF line endings, folded lines).
///
/// # Example
/// ```
/// use cxsched_calendar::{CalendarOptions, write_calendar};
/// use cxsched_core::{Format, parse_document};
///
/// let doc = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/Chicago",
///   "businessHoursDirective":"STRICT","maxConcurrentCalls":5,
///   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}]}"#;
/// let schedule = *parse_document(doc, Format::Json).schedule.expect("a valid document");
/// let options = CalendarOptions {
///     from: jiff::civil::date(2026, 3, 2),
///     days: 28,
///     dtstamp: "2026-03-01T00:00:00Z".parse().unwrap(),
/// };
/// let ics = write_calendar(&[schedule], &options);
/// assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
/// assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:America/Chicago\r\n"));
/// assert!(ics.contains("DTSTART;TZID=America/Chicago:20260302T090000\r\n"));
/// ```
pub fn write_calendar(schedules: &[Schedule], options: &CalendarOptions) -> String {
    write_calendar_with_summary(schedules, options).0
}

/// [`write_calendar`], also returning what it wrote.
pub fn write_calendar_with_summary(
    schedules: &[Schedule],
    options: &CalendarOptions,
) -> (String, Summary) {
    let mut summary = Summary::default();
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, &format!("PRODID:{PRODID}"));
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, "X-WR-CALNAME:cxsched dialing windows");

    let days = options.days.max(1);
    let last = options
        .from
        .checked_add(jiff::Span::new().days(i64::from(days) - 1))
        .unwrap_or(options.from);
    // Zones in use (by TZID), each covering the span with a day's margin either side.
    let mut zones: BTreeMap<&str, &TimeZone> = BTreeMap::new();
    for s in schedules {
        if !is_utc(s) {
            zones.insert(s.timezone.canonical, s.timezone.tz);
        }
    }
    for (tzid, tz) in &zones {
        let start = local_instant(tz, options.from.yesterday().unwrap_or(options.from));
        let end = local_instant(
            tz,
            last.tomorrow()
                .ok()
                .and_then(|d| d.tomorrow().ok())
                .unwrap_or(last),
        );
        push_vtimezone(&mut out, tzid, tz, start, end);
        summary.time_zones += 1;
    }
    for s in schedules {
        for (index, window) in s.windows.iter().enumerate() {
            push_window(
                &mut out,
                &mut summary,
                s,
                index,
                window,
                options.from,
                last,
                options.dtstamp,
            );
        }
    }
    push_line(&mut out, "END:VCALENDAR");
    (out, summary)
}

fn is_utc(s: &Schedule) -> bool {
    s.timezone.canonical == "Etc/UTC"
}

/// The instant of a date's midnight in `tz` (gap: moved forward).
fn local_instant(tz: &TimeZone, date: Date) -> Timestamp {
    tz.to_ambiguous_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .expect("a schedule date is within jiff's range")
}

/// The UID of a window: stable across exports of the same schedule.
pub fn uid(s: &Schedule, w: &TimeWindow) -> String {
    let t = |x: cxsched_core::LocalTime| x.to_string().replace(':', "");
    format!(
        "{}-{}-{}-{}@cxsched",
        s.campaign_id,
        &weekday_name(w.day)[..2],
        t(w.start),
        t(w.end)
    )
}

/// `PT8H`, `PT2H30M`, `PT45S`…
fn format_duration(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let mut d = String::from("PT");
    if h > 0 {
        d.push_str(&format!("{h}H"));
    }
    if m > 0 {
        d.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        d.push_str(&format!("{s}S"));
    }
    d
}

#[allow(clippy::too_many_arguments)]
fn push_window(
    out: &mut String,
    summary: &mut Summary,
    s: &Schedule,
    index: usize,
    w: &TimeWindow,
    from: Date,
    last: Date,
    dtstamp: Timestamp,
) {
    let tz = &s.timezone.tz;
    let utc = is_utc(s);
    // Dates of this window's weekday in the span.
    let offset = (i64::from(w.day.to_monday_zero_offset())
        - i64::from(from.weekday().to_monday_zero_offset()))
    .rem_euclid(7);
    let Ok(first) = from.checked_add(jiff::Span::new().days(offset)) else {
        return;
    };
    if first > last {
        return;
    }
    let mut dates = Vec::new();
    let mut d = first;
    while d <= last {
        dates.push(d);
        match d.checked_add(jiff::Span::new().days(7)) {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    let nominal = w.end.seconds() - w.start.seconds();
    let local = |date: Date| format_local(date.to_datetime(w.start.to_civil()));
    // A date-time property in the campaign's zone (or UTC).
    let zoned = |name: &str, date: Date| {
        if utc {
            format!("{name}:{}Z", local(date))
        } else {
            format!("{name};TZID={}:{}", s.timezone.canonical, local(date))
        }
    };
    let last_date = *dates.last().expect("at least the first date");
    let until = local_instant(tz, last_date.tomorrow().unwrap_or(last_date))
        - jiff::SignedDuration::from_secs(1);

    let uid = uid(s, w);
    let title = format!(
        "Dialing window {} {}-{}",
        weekday_name(w.day),
        w.start,
        w.end
    );
    let description = format!(
        "Campaign {}\nTime zone: {}\nBusiness hours directive: {}\nMax concurrent calls: {}\nWindow {} of the schedule",
        s.campaign_id,
        s.timezone.name,
        s.directive.as_str(),
        s.max_concurrent_calls,
        index
    );
    let common = |out: &mut String| {
        push_line(out, &format!("UID:{uid}"));
        push_line(out, &format!("DTSTAMP:{}", format_utc(dtstamp)));
    };
    let details = |out: &mut String| {
        push_line(out, &format!("SUMMARY:{}", escape_text(&title)));
        push_line(out, &format!("DESCRIPTION:{}", escape_text(&description)));
        push_line(out, "TRANSP:TRANSPARENT");
        push_line(out, &format!("X-CXSCHED-CAMPAIGN-ID:{}", s.campaign_id));
        push_line(out, &format!("X-CXSCHED-WINDOW:{index}"));
    };

    let mut excluded = Vec::new();
    let mut overrides = Vec::new();
    for &date in &dates {
        let o = cxsched_core::expand::resolve(tz, date, index, w);
        if o.is_void() {
            excluded.push(date);
        } else if o.seconds() != i64::from(nominal) {
            overrides.push((date, o));
        }
    }

    push_line(out, "BEGIN:VEVENT");
    common(out);
    push_line(out, &zoned("DTSTART", first));
    push_line(out, &format!("DURATION:{}", format_duration(nominal)));
    push_line(
        out,
        &format!(
            "RRULE:FREQ=WEEKLY;BYDAY={};UNTIL={}",
            &weekday_name(w.day)[..2],
            format_utc(until)
        ),
    );
    for date in &excluded {
        push_line(out, &zoned("EXDATE", *date));
    }
    details(out);
    push_line(out, "SEQUENCE:0");
    push_line(out, "END:VEVENT");
    summary.events += 1;
    summary.excluded += excluded.len();

    for (date, o) in overrides {
        push_line(out, "BEGIN:VEVENT");
        common(out);
        push_line(out, &zoned("RECURRENCE-ID", date));
        push_line(out, &format!("DTSTART:{}", format_utc(o.start)));
        push_line(out, &format!("DTEND:{}", format_utc(o.end)));
        details(out);
        push_line(out, "SEQUENCE:0");
        push_line(out, "END:VEVENT");
        summary.overrides += 1;
    }
}
