//! VTIMEZONE components built from the bundled tz database's transitions.
//!
//! Over the exported span, every transition of the zone (from jiff's
//! `TimeZone::following`) becomes an onset of a STANDARD or DAYLIGHT observance. Onsets
//! with the same kind, offsets and abbreviation share one observance: its first onset is
//! DTSTART, the others are RDATEs. Per RFC 5545 §3.6.5, onsets are written in the local
//! time of the offset in effect *before* them (TZOFFSETFROM). A first observance states the
//! offset in effect at the start of the span. The events written with it are bounded to
//! the same span, so no rule has to be extrapolated.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

use crate::text::push_line;

/// `+HHMM` (or `+HHMMSS` when the offset has seconds), as TZOFFSETFROM/TZOFFSETTO want.
pub fn format_offset(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, (a / 60) % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// A local date-time as `YYYYMMDDTHHMMSS`.
pub fn format_local(dt: DateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// A UTC instant as `YYYYMMDDTHHMMSSZ`.
pub fn format_utc(ts: Timestamp) -> String {
    format!("{}Z", format_local(Offset::UTC.to_datetime(ts)))
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ObservanceKey {
    daylight: bool,
    from: i32,
    to: i32,
    name: String,
}

/// Appends the VTIMEZONE of `tz` named `tzid`, covering `[start, end]`.
pub fn push_vtimezone(
    out: &mut String,
    tzid: &str,
    tz: &TimeZone,
    start: Timestamp,
    end: Timestamp,
) {
    // Onsets grouped by observance, in order of first onset.
    let mut groups: BTreeMap<ObservanceKey, Vec<DateTime>> = BTreeMap::new();
    let mut order: Vec<ObservanceKey> = Vec::new();
    let mut add = |key: ObservanceKey, onset: DateTime| {
        let list = groups.entry(key.clone()).or_default();
        if list.is_empty() {
            order.push(key);
        }
        list.push(onset);
    };

    let info = tz.to_offset_info(start);
    let initial = info.offset();
    add(
        ObservanceKey {
            daylight: info.dst().is_dst(),
            from: initial.seconds(),
            to: initial.seconds(),
            name: info.abbreviation().to_string(),
        },
        initial.to_datetime(start),
    );
    let mut before = initial;
    for t in tz.following(start) {
        if t.timestamp() > end {
            break;
        }
        add(
            ObservanceKey {
                daylight: t.dst().is_dst(),
                from: before.seconds(),
                to: t.offset().seconds(),
                name: t.abbreviation().to_string(),
            },
            before.to_datetime(t.timestamp()),
        );
        before = t.offset();
    }

    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{tzid}"));
    for key in &order {
        let onsets = &groups[key];
        let kind = if key.daylight { "DAYLIGHT" } else { "STANDARD" };
        push_line(out, &format!("BEGIN:{kind}"));
        push_line(out, &format!("DTSTART:{}", format_local(onsets[0])));
        for onset in &onsets[1..] {
            push_line(out, &format!("RDATE:{}", format_local(*onset)));
        }
        let from = Offset::from_seconds(key.from).expect("an offset from the tz database");
        let to = Offset::from_seconds(key.to).expect("an offset from the tz database");
        push_line(out, &format!("TZOFFSETFROM:{}", format_offset(from)));
        push_line(out, &format!("TZOFFSETTO:{}", format_offset(to)));
        if !key.name.is_empty() {
            push_line(
                out,
                &format!("TZNAME:{}", crate::text::escape_text(&key.name)),
            );
        }
        push_line(out, &format!("END:{kind}"));
    }
    push_line(out, "END:VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_times_are_formatted_as_rfc_5545_wants() {
        assert_eq!(
            format_offset(Offset::from_seconds(-5 * 3600).unwrap()),
            "-0500"
        );
        assert_eq!(
            format_offset(Offset::from_seconds(10 * 3600 + 1800).unwrap()),
            "+1030"
        );
        assert_eq!(
            format_offset(Offset::from_seconds(-(4 * 3600 + 56 * 60 + 2)).unwrap()),
            "-045602"
        );
        let ts: Timestamp = "2026-03-08T07:00:00Z".parse().unwrap();
        assert_eq!(format_utc(ts), "20260308T070000Z");
    }

    #[test]
    fn new_york_2026_has_one_daylight_and_one_standard_onset_in_local_time_before() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let start: Timestamp = "2026-01-01T05:00:00Z".parse().unwrap();
        let end: Timestamp = "2026-12-31T05:00:00Z".parse().unwrap();
        let mut out = String::new();
        push_vtimezone(&mut out, "America/New_York", &tz, start, end);
        // Spring forward at 02:00 EST, fall back at 02:00 EDT (written in the time before).
        assert!(out.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nEND:DAYLIGHT"), "{out}");
        assert!(out.contains("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\nEND:STANDARD"), "{out}");
        assert!(
            out.contains("DTSTART:20260101T000000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0500"),
            "{out}"
        );
    }
}
