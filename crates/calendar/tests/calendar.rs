//! The calendar's text: RFC 5545 structure, the DST-day overrides and exclusions that keep
//! it equal to `cxsched expand`, UTC campaigns, stable UIDs.

use cxsched_calendar::{CalendarOptions, write_calendar};
use cxsched_core::{Format, Schedule, parse_document};

fn schedule(zone: &str, windows: &str) -> Schedule {
    let doc = format!(
        r#"{{"campaignId":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","timezone":"{zone}",
        "businessHoursDirective":"STRICT","maxConcurrentCalls":5,"timeWindows":[{windows}]}}"#
    );
    *parse_document(&doc, Format::Json).schedule.expect("valid")
}

fn options(from: &str, days: u32) -> CalendarOptions {
    CalendarOptions {
        from: from.parse().unwrap(),
        days,
        dtstamp: "2026-02-01T12:00:00Z".parse().unwrap(),
    }
}

#[test]
fn a_window_spanning_spring_forward_gets_an_override_with_its_real_length() {
    let s = schedule(
        "America/New_York",
        r#"{"dayOfWeek":"SUNDAY","startTime":"01:00:00","endTime":"03:30:00"},
           {"dayOfWeek":"SUNDAY","startTime":"04:30:00","endTime":"05:00:00"}"#,
    );
    let ics = write_calendar(&[s], &options("2026-03-01", 21));
    assert!(
        ics.contains("DTSTART;TZID=America/New_York:20260301T010000\r\nDURATION:PT2H30M\r\n"),
        "{ics}"
    );
    // RFC 5545 gives every instance the first one's exact length; on 8 March the window
    // is 1h30 of real time (01:00 EST to 03:30 EDT), so it is overridden.
    assert!(ics.contains(
        "RECURRENCE-ID;TZID=America/New_York:20260308T010000\r\nDTSTART:20260308T060000Z\r\nDTEND:20260308T073000Z\r\n"
    ), "{ics}");
    assert_eq!(
        ics.matches("RECURRENCE-ID").count(),
        1,
        "only the DST day is overridden"
    );
    assert!(
        ics.contains("RRULE:FREQ=WEEKLY;BYDAY=SU;UNTIL=20260316T035959Z\r\n"),
        "{ics}"
    );
    assert!(ics.contains("DTSTAMP:20260201T120000Z\r\n"));
}

#[test]
fn a_window_the_gap_leaves_empty_is_excluded() {
    let s = schedule(
        "America/New_York",
        r#"{"dayOfWeek":"SUNDAY","startTime":"02:30:00","endTime":"03:00:00"}"#,
    );
    let ics = write_calendar(&[s], &options("2026-03-01", 14));
    assert!(
        ics.contains("EXDATE;TZID=America/New_York:20260308T023000\r\n"),
        "{ics}"
    );
    assert!(!ics.contains("RECURRENCE-ID"));
}

#[test]
fn the_text_is_rfc_5545_shaped() {
    let s = schedule(
        "Australia/Lord_Howe",
        r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"}"#,
    );
    let ics = write_calendar(&[s], &options("2026-01-01", 366));
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "CRLF only");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    assert!(
        ics.contains("TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1030\r\n"),
        "half-hour shift"
    );
    // The description's newlines are escaped TEXT.
    assert!(
        ics.contains("DESCRIPTION:Campaign 3f2504e0-4f89-41d3-9a0c-0305e82c3301\\nTime zone: ")
    );
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    assert!(ics.contains("UID:3f2504e0-4f89-41d3-9a0c-0305e82c3301-MO-090000-170000@cxsched\r\n"));
}

#[test]
fn utc_campaigns_use_utc_times_and_no_vtimezone() {
    let s = schedule(
        "UTC",
        r#"{"dayOfWeek":"TUESDAY","startTime":"13:00:00","endTime":"14:00:00"}"#,
    );
    let ics = write_calendar(&[s], &options("2026-01-01", 30));
    assert!(!ics.contains("VTIMEZONE"));
    assert!(
        ics.contains("DTSTART:20260106T130000Z\r\nDURATION:PT1H\r\n"),
        "{ics}"
    );
}

#[test]
fn a_span_without_the_windows_weekday_has_no_event() {
    let s = schedule(
        "UTC",
        r#"{"dayOfWeek":"TUESDAY","startTime":"13:00:00","endTime":"14:00:00"}"#,
    );
    // 2026-01-01 is a Thursday; three days reach Saturday.
    let ics = write_calendar(&[s], &options("2026-01-01", 3));
    assert!(!ics.contains("BEGIN:VEVENT"));
}
