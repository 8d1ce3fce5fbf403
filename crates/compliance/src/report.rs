//! Findings as users read them: the JSON fields of CONTRACT §2 and a message that says what
//! happens, where, on which dates, under which rule, and what to change.

use std::fmt::Write as _;

use cxsched_core::Schedule;
use cxsched_core::model::weekday_name;
use jiff::Timestamp;
use jiff::tz::Offset;
use serde::Serialize;

use crate::check::{Code, Detail, RawFinding, Report};
use crate::days::{DAY_SECONDS, date_of, weekday};
use crate::recipients::Target;
use crate::rules::{DayRule, RulePack};

/// One finding, ready for output. Field names are the JSON names of CONTRACT §2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub severity: &'static str,
    pub code: &'static str,
    /// The rule id, for regulatory findings.
    pub rule: Option<String>,
    /// The version of the rule that applied ([`crate::Rule::version`]: its first date), for
    /// rules with effective dates.
    pub rule_version: Option<String>,
    /// Index into `timeWindows`.
    pub window: Option<usize>,
    pub day_of_week: Option<&'static str>,
    pub recipient_zone: Option<String>,
    pub state: Option<String>,
    /// Campaign-local dates (as `expand` gives them) of the first and last occurrence.
    pub first_date: String,
    pub last_date: String,
    pub occurrences: u32,
    /// The first occurrence's start and end in the recipient's local time (campaign-local
    /// for DST findings), RFC 3339 with offset.
    pub local_start: Option<String>,
    pub local_end: Option<String>,
    pub message: String,
    pub citation: Option<String>,
    /// `H`, `M` or `L`: what the rule rests on.
    pub confidence: Option<&'static str>,
    /// What the recipient's location rests on (zone given, state, area code, assumed).
    pub presumption: Option<String>,
}

/// Turns a report's compact findings into [`Finding`]s, in report order.
pub fn findings(
    report: &Report,
    pack: &RulePack,
    schedule: &Schedule,
    targets: &[Target],
) -> Vec<Finding> {
    let mut out = Vec::with_capacity(report.len());
    out.extend(
        report
            .findings()
            .map(|f| finding(&f, report, pack, schedule, targets)),
    );
    out
}

/// Appends `n` as at least two decimal digits (`{:02}`).
fn push_two(out: &mut String, n: i64) {
    if (0..100).contains(&n) {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    } else {
        let _ = write!(out, "{n:02}");
    }
}

/// Appends `HH:MM` of seconds since a midnight (hours may exceed 23 past midnight).
fn push_hm(out: &mut String, secs: i64) {
    push_two(out, secs.div_euclid(3600));
    out.push(':');
    push_two(out, secs.rem_euclid(3600) / 60);
}

/// `HH:MM` of seconds since a midnight.
fn hm(secs: i64) -> String {
    let mut out = String::with_capacity(5);
    push_hm(&mut out, secs);
    out
}

/// Appends `HH:MM:SS` of seconds since a midnight.
fn push_hms(out: &mut String, secs: i64) {
    push_hm(out, secs);
    out.push(':');
    push_two(out, secs.rem_euclid(60));
}

/// Appends a length of time: `45 min`, `2 h`, `1 h 05 min`.
fn push_duration(out: &mut String, secs: i64) {
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    let _ = match (h, m) {
        (0, m) => write!(out, "{m} min"),
        (h, 0) => write!(out, "{h} h"),
        (h, m) => write!(out, "{h} h {m:02} min"),
    };
}

fn duration(secs: i64) -> String {
    let mut out = String::with_capacity(12);
    push_duration(&mut out, secs);
    out
}

/// Appends the date of day number `n` as `YYYY-MM-DD`, as jiff displays dates.
fn push_date(out: &mut String, n: i32) {
    let date = date_of(n);
    let year = i64::from(date.year());
    if (0..=9999).contains(&year) {
        push_two(out, year / 100);
        push_two(out, year % 100);
        out.push('-');
        push_two(out, i64::from(date.month()));
        out.push('-');
        push_two(out, i64::from(date.day()));
    } else {
        let _ = write!(out, "{date}");
    }
}

/// The date of day number `n` as `YYYY-MM-DD`.
fn date_string(n: i32) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, n);
    out
}

/// An instant in a zone's local time, RFC 3339 with the offset, as jiff displays it
/// (`2026-03-08T03:00:00-04:00`). Written by hand for the common case (whole-minute offsets,
/// years 0–9999): reports carry two of these per finding.
fn local_string(ts: i64, offset: i32) -> String {
    let local = ts + i64::from(offset);
    let day = local.div_euclid(DAY_SECONDS);
    let year = i64::from(date_of(day as i32).year());
    if offset % 60 != 0 || !(0..=9999).contains(&year) {
        let t = Timestamp::from_second(ts).expect("in range");
        let o = Offset::from_seconds(offset).expect("valid offset");
        return t.display_with_offset(o).to_string();
    }
    let mut out = String::with_capacity(25);
    push_date(&mut out, day as i32);
    out.push('T');
    push_hms(&mut out, local.rem_euclid(DAY_SECONDS));
    out.push(if offset < 0 { '-' } else { '+' });
    let o = i64::from(offset.abs());
    push_two(&mut out, o / 3600);
    out.push(':');
    push_two(&mut out, o % 3600 / 60);
    out
}

/// Appends the dates of a finding: `on 2026-12-02`, `on 52 dates from … to …`.
fn push_dates(out: &mut String, f: &RawFinding) {
    if f.first == f.last {
        out.push_str("on ");
        push_date(out, f.first);
    } else {
        let _ = write!(out, "on {} dates from ", f.occurrences);
        push_date(out, f.first);
        out.push_str(" to ");
        push_date(out, f.last);
    }
}

fn dates(f: &RawFinding) -> String {
    let mut out = String::with_capacity(48);
    push_dates(&mut out, f);
    out
}

fn finding(
    f: &RawFinding,
    report: &Report,
    pack: &RulePack,
    schedule: &Schedule,
    targets: &[Target],
) -> Finding {
    let rule = f.rule.map(|r| &pack.rules[r as usize]);
    let target = f.target.map(|t| &targets[t as usize]);
    let window = f
        .window
        .map(|w| (w as usize, &schedule.windows[w as usize]));
    let zone_name = &schedule.timezone.name;
    let mut wdesc = String::new();
    if let Some((i, w)) = window {
        wdesc.reserve(40 + zone_name.len());
        let _ = write!(wdesc, "window {i} (");
        wdesc.push_str(weekday_name(w.day));
        wdesc.push(' ');
        push_hms(&mut wdesc, i64::from(w.start.seconds()));
        wdesc.push('–');
        push_hms(&mut wdesc, i64::from(w.end.seconds()));
        wdesc.push(' ');
        wdesc.push_str(zone_name);
        wdesc.push(')');
    }
    let mut place = String::new();
    if let Some(t) = target {
        place.push_str(&t.zone.canonical);
        if let Some(s) = &t.state {
            place.push_str(" (");
            place.push_str(s);
            place.push(')');
        }
    }
    // Local times of the first occurrence, relative to its campaign date.
    let base = i64::from(f.first) * DAY_SECONDS;
    let rs = f.start_ts + i64::from(f.start_offset) - base;
    let re = f.end_ts + i64::from(f.end_offset) - base;
    let shift = rs.div_euclid(DAY_SECONDS);
    let (ls, le) = (rs - shift * DAY_SECONDS, re - shift * DAY_SECONDS);
    let local_day = weekday(f.first + shift as i32);
    let mut span = String::with_capacity(13);
    push_hm(&mut span, ls);
    span.push('–');
    push_hm(&mut span, le.min(DAY_SECONDS));

    let message = match f.code {
        Code::OutsideLegalHours => {
            let rule = rule.expect("regulatory");
            let (_, w) = window.expect("window finding");
            let (open, close) = match rule.day(local_day) {
                DayRule::Allowed { open, close } => (i64::from(open), i64::from(close)),
                DayRule::Prohibited => (0, 0),
            };
            let early = (open - ls).max(0);
            let late = (le - close).max(0);
            let mut m = String::with_capacity(wdesc.len() + place.len() + 320);
            m.push_str(&wdesc);
            m.push_str(" reaches ");
            m.push_str(&place);
            m.push_str(" at ");
            m.push_str(&span);
            m.push_str(" local on ");
            for c in weekday_name(local_day).chars() {
                m.push(c.to_ascii_lowercase());
            }
            m.push_str("s, ");
            if early > 0 {
                push_duration(&mut m, early);
                m.push_str(" before the ");
                push_hm(&mut m, open);
                m.push_str(" opening");
            }
            if late > 0 {
                if early > 0 {
                    m.push_str(" and ");
                }
                push_duration(&mut m, late);
                m.push_str(" past the ");
                push_hm(&mut m, close);
                m.push_str(" closing");
            }
            m.push_str("; ");
            m.push_str(&rule.id);
            m.push_str(" allows ");
            push_hm(&mut m, open);
            m.push('–');
            push_hm(&mut m, close);
            m.push_str(" (");
            m.push_str(&rule.citation);
            m.push_str(") ");
            push_dates(&mut m, f);
            m.push_str(": ");
            let (s, e) = (i64::from(w.start.seconds()), i64::from(w.end.seconds()));
            if s + early < e - late {
                if early > 0 {
                    m.push_str("move the start to ");
                    push_hms(&mut m, s + early);
                    m.push_str(" or later");
                }
                if late > 0 {
                    if early > 0 {
                        m.push_str(" and ");
                    }
                    m.push_str("end it by ");
                    push_hms(&mut m, e - late);
                }
            } else {
                m.push_str("no part of it is within the allowed hours there: remove the window or leave these recipients out of it");
            }
            m
        }
        Code::ProhibitedDay => {
            let rule = rule.expect("regulatory");
            let Detail::Weekday(wd) = f.detail else {
                unreachable!("a prohibited-day finding names its weekday")
            };
            let day = weekday(f.first + shift as i32 + (i32::from(wd) - local_day.to_monday_zero_offset() as i32));
            format!(
                "{wdesc} reaches {place} on a {} ({span} local), a day {} prohibits calls ({}) {}: remove the window or leave {} recipients out of it",
                weekday_name(day).to_lowercase(),
                rule.id,
                rule.citation,
                dates(f),
                target.and_then(|t| t.state.clone()).unwrap_or_else(|| "these".into()),
            )
        }
        Code::Holiday => {
            let rule = rule.expect("regulatory");
            let Detail::Holiday {
                calendar,
                holiday,
                observed,
            } = f.detail
            else {
                unreachable!("a holiday finding names its holiday")
            };
            let cal = &pack.calendars[usize::from(calendar)];
            let holiday = &cal.holidays[usize::from(holiday)];
            let observed = if observed { " (observed)" } else { "" };
            format!(
                "{wdesc} reaches {place} on {}{observed} ({span} local), a holiday on which {} prohibits calls ({}; calendar: {}) {}: pause the campaign for {} recipients on that date",
                holiday.name,
                rule.id,
                rule.citation,
                cal.source,
                dates(f),
                target.and_then(|t| t.state.clone()).unwrap_or_else(|| "these".into()),
            )
        }
        Code::DstGap => format!(
            "{wdesc}: {zone_name} springs forward during the window {}: it runs from {} to {} local, {} of real time ({} on the clock), as a boundary in the skipped hour moves forward by the gap; check that this is intended",
            dates(f),
            hm(ls),
            hm(le),
            duration(f.end_ts - f.start_ts),
            duration(window.map(|(_, w)| i64::from(w.end.seconds() - w.start.seconds())).unwrap_or(0)),
        ),
        Code::DstFold => format!(
            "{wdesc}: {zone_name} falls back during the window {}: it runs from {} to {} local, {} of real time ({} on the clock), as the wall-clock hour repeats (a boundary in the fold takes the earlier instant)",
            dates(f),
            hm(ls),
            hm(le),
            duration(f.end_ts - f.start_ts),
            duration(window.map(|(_, w)| i64::from(w.end.seconds() - w.start.seconds())).unwrap_or(0)),
        ),
        Code::DstVoidOccurrence => format!(
            "{wdesc} lies entirely in {zone_name}'s spring-forward gap {}: it does not happen; move it out of the skipped hour if calls are needed then",
            dates(f)
        ),
        Code::Blackout => {
            let Detail::Blackout(bi) = f.detail else {
                unreachable!("a blackout finding names its blackout")
            };
            let b = &report.blackouts[usize::from(bi)];
            let mut m = format!(
                "{wdesc} reaches {place} at {span} local during the blackout {:?} ({} to {}",
                b.name, b.from, b.to
            );
            if let Some(r) = &b.reason {
                m.push_str("; ");
                m.push_str(r);
            }
            if let Some(src) = &b.source {
                m.push_str("; source: ");
                m.push_str(src);
            }
            let _ = write!(
                m,
                ") {}: pause the campaign for {} recipients on those dates",
                dates(f),
                target.and_then(|t| t.state.clone()).unwrap_or_else(|| "these".into()),
            );
            m
        }
        Code::DirectiveIgnore => "businessHoursDirective is IGNORE: the dialer does not enforce these windows, so calls may be placed at any hour and the verdicts of this report hold only for calls inside the windows; use STRICT to enforce them".into(),
    };
    let regulatory = matches!(
        f.code,
        Code::OutsideLegalHours | Code::ProhibitedDay | Code::Holiday | Code::Blackout
    );
    let blackout = match f.detail {
        Detail::Blackout(bi) => Some(&report.blackouts[usize::from(bi)]),
        _ => None,
    };
    let dst = matches!(
        f.code,
        Code::DstGap | Code::DstFold | Code::DstVoidOccurrence
    );
    Finding {
        severity: f.severity.as_str(),
        code: f.code.as_str(),
        rule: rule.map(|r| r.id.clone()),
        rule_version: rule.and_then(|r| r.version()),
        window: window.map(|(i, _)| i),
        day_of_week: window.map(|(_, w)| weekday_name(w.day)),
        recipient_zone: target.map(|t| t.zone.canonical.to_string()),
        state: target.and_then(|t| t.state.clone()),
        first_date: date_string(f.first),
        last_date: date_string(f.last),
        occurrences: f.occurrences,
        local_start: (regulatory || dst).then(|| local_string(f.start_ts, f.start_offset)),
        local_end: (regulatory || dst).then(|| local_string(f.end_ts, f.end_offset)),
        message,
        citation: rule
            .map(|r| r.citation.clone())
            .or_else(|| blackout.and_then(|b| b.source.clone())),
        confidence: rule.map(|r| r.confidence.as_str()),
        presumption: target.map(|t| match rule.and_then(|r| r.presumption.as_deref()) {
            Some(reading) => format!("{}; {reading}", t.basis),
            None => t.basis.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_times_match_jiff() {
        let offsets = [
            0,
            3600,
            -3600,
            -5 * 3600,
            5 * 3600 + 1800,
            -(3 * 3600 + 1800),
            13 * 3600 + 2700,
            -(4 * 3600 + 56 * 60 + 2),
            14 * 3600,
        ];
        let mut ts = -62_135_596_800 + 86_400; // 0001-01-02
        while ts < 253_402_214_400 {
            for &o in &offsets {
                let t = Timestamp::from_second(ts).unwrap();
                let off = Offset::from_seconds(o).unwrap();
                assert_eq!(
                    local_string(ts, o),
                    t.display_with_offset(off).to_string(),
                    "{ts} {o}"
                );
            }
            ts += 7_654_321;
        }
        for n in [-719_000, -1, 0, 1, 20_000, 2_932_896] {
            assert_eq!(date_string(n), date_of(n).to_string(), "{n}");
        }
        for secs in [0, 59, 60, 3599, 3600, 86_399, 86_400, 90_000, -60] {
            assert_eq!(
                hm(secs),
                format!(
                    "{:02}:{:02}",
                    secs.div_euclid(3600),
                    secs.rem_euclid(3600) / 60
                )
            );
        }
    }
}
