//! Findings as users read them: the JSON fields of CONTRACT §2 and a message that says what
//! happens, where, on which dates, under which rule, and what to change.
//!
//! The words are written once, to a [`Text`]: a `String` for a [`Finding`], or straight into
//! a JSON string ([`write_json`], for reports of many documents), escaped as they go.

use cxsched_core::Schedule;
use cxsched_core::json_bytes::{
    date_digits, decimal, escape_inner, escape_into, escape_opt_into, first_special, two_digits,
};
use cxsched_core::model::{Blackout, weekday_name};
use jiff::Timestamp;
use jiff::tz::Offset;
use serde::Serialize;

use crate::check::{Code, Detail, RawFinding, Report};
use crate::days::{DAY_SECONDS, date_of, weekday};
use crate::recipients::Target;
use crate::rules::{DayRule, Rule, RulePack};

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

/// What the findings of one check refer to: the pack's rules, the schedule's windows, the
/// targets and the blackouts (by index).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub pack: &'a RulePack,
    pub schedule: &'a Schedule,
    pub targets: &'a [Target],
    pub blackouts: &'a [Blackout],
}

impl<'a> Context<'a> {
    /// The context of `report`'s findings.
    pub fn of(
        report: &'a Report,
        pack: &'a RulePack,
        schedule: &'a Schedule,
        targets: &'a [Target],
    ) -> Self {
        Context {
            pack,
            schedule,
            targets,
            blackouts: &report.blackouts,
        }
    }
}

/// Turns a report's compact findings into [`Finding`]s, in report order.
pub fn findings(
    report: &Report,
    pack: &RulePack,
    schedule: &Schedule,
    targets: &[Target],
) -> Vec<Finding> {
    let cx = Context::of(report, pack, schedule, targets);
    let mut out = Vec::with_capacity(report.len());
    out.extend(report.findings().map(|f| finding(&f, cx)));
    out
}

/// Where a finding's words go: a `String`, or the inside of a JSON string.
pub trait Text {
    fn push_str(&mut self, s: &str);
    /// ASCII digits and punctuation that no JSON string escapes (`0-9`, `-`, `:`, `T`, `+`,
    /// space).
    fn push_plain(&mut self, ascii: &[u8]);
    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

impl Text for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    fn push_plain(&mut self, ascii: &[u8]) {
        cxsched_core::json_bytes::push_ascii(self, ascii);
    }
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
}

/// The inside of a JSON string being written to a byte buffer. Text is copied as it comes
/// and escaped once the string is whole ([`json_text`]): one search for the bytes that need
/// it over the whole string (usually none), not one per piece.
pub struct JsonText<'a>(&'a mut Vec<u8>);

impl Text for JsonText<'_> {
    fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }
    fn push_plain(&mut self, ascii: &[u8]) {
        self.0.extend_from_slice(ascii);
    }
}

/// The two decimal digits of `n` (0–99).
fn two(n: i64) -> [u8; 2] {
    two_digits(n as u32)
}

/// Appends `n` in decimal.
fn push_number(out: &mut impl Text, n: i64) {
    if n < 0 {
        out.push_plain(b"-");
    }
    let mut digits = [0u8; 20];
    out.push_plain(decimal(n.unsigned_abs(), &mut digits));
}

/// Appends `n` as at least two decimal digits (`{:02}`).
fn push_two(out: &mut impl Text, n: i64) {
    if (0..100).contains(&n) {
        out.push_plain(&two(n));
    } else {
        out.push_str(&format!("{n:02}"));
    }
}

/// Appends `HH:MM` of seconds since a midnight (hours may exceed 23 past midnight).
fn push_hm(out: &mut impl Text, secs: i64) {
    let (h, m) = (secs.div_euclid(3600), secs.rem_euclid(3600) / 60);
    if (0..100).contains(&h) {
        let (h, m) = (two(h), two(m));
        out.push_plain(&[h[0], h[1], b':', m[0], m[1]]);
    } else {
        push_two(out, h);
        out.push_plain(b":");
        push_two(out, m);
    }
}

/// `HH:MM` of seconds since a midnight.
#[cfg(test)]
fn hm(secs: i64) -> String {
    let mut out = String::with_capacity(5);
    push_hm(&mut out, secs);
    out
}

/// Appends `HH:MM:SS` of seconds since a midnight.
fn push_hms(out: &mut impl Text, secs: i64) {
    push_hm(out, secs);
    let s = two(secs.rem_euclid(60));
    out.push_plain(&[b':', s[0], s[1]]);
}

/// Appends a length of time: `45 min`, `2 h`, `1 h 05 min`.
fn push_duration(out: &mut impl Text, secs: i64) {
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    if h != 0 {
        push_number(out, h);
        out.push_plain(b" h");
        if m == 0 {
            return;
        }
        out.push_plain(b" ");
        if (0..10).contains(&m) {
            out.push_plain(b"0");
        }
    }
    push_number(out, m);
    out.push_plain(b" min");
}

/// Appends the date of day number `n` as `YYYY-MM-DD`, as jiff displays dates.
fn push_date(out: &mut impl Text, n: i32) {
    push_civil_date(out, date_of(n));
}

/// Appends `date` as `YYYY-MM-DD`, as jiff displays dates.
fn push_civil_date(out: &mut impl Text, date: jiff::civil::Date) {
    match date_digits(date) {
        Some(digits) => out.push_plain(&digits),
        None => out.push_str(&date.to_string()),
    }
}

/// The date of day number `n` as `YYYY-MM-DD`.
fn date_string(n: i32) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, n);
    out
}

/// Appends an instant in a zone's local time, RFC 3339 with the offset, as jiff displays it
/// (`2026-03-08T03:00:00-04:00`). Written by hand for the common case (whole-minute offsets,
/// years 0–9999): reports carry two of these per finding.
fn push_local(out: &mut impl Text, ts: i64, offset: i32) {
    let local = ts + i64::from(offset);
    let day = local.div_euclid(DAY_SECONDS);
    let Some(date) = date_digits(date_of(day as i32)).filter(|_| offset % 60 == 0) else {
        let t = Timestamp::from_second(ts).expect("in range");
        let o = Offset::from_seconds(offset).expect("valid offset");
        out.push_str(&t.display_with_offset(o).to_string());
        return;
    };
    out.push_plain(&date);
    out.push_plain(b"T");
    push_hms(out, local.rem_euclid(DAY_SECONDS));
    let o = i64::from(offset.abs());
    let (h, m) = (two(o / 3600), two(o % 3600 / 60));
    let sign = if offset < 0 { b'-' } else { b'+' };
    out.push_plain(&[sign, h[0], h[1], b':', m[0], m[1]]);
}

/// [`push_local`] as a `String`.
fn local_string(ts: i64, offset: i32) -> String {
    let mut out = String::with_capacity(25);
    push_local(&mut out, ts, offset);
    out
}

/// Appends the dates of a finding: `on 2026-12-02`, `on 52 dates from … to …`.
fn push_dates(out: &mut impl Text, f: &RawFinding) {
    out.push_plain(b"on ");
    if f.first != f.last {
        push_number(out, i64::from(f.occurrences));
        out.push_str(" dates from ");
        push_date(out, f.first);
        out.push_str(" to ");
    }
    push_date(out, if f.first == f.last { f.first } else { f.last });
}

/// The version of a rule as findings name it ([`Rule::version`]).
fn push_version(out: &mut impl Text, rule: &Rule) {
    match (rule.effective_from, rule.effective_to) {
        (Some(from), _) => push_civil_date(out, from),
        (None, Some(to)) => {
            out.push_str("before ");
            push_civil_date(out, to);
        }
        (None, None) => {}
    }
}

/// What a finding refers to, looked up once.
struct Parts<'a> {
    rule: Option<&'a Rule>,
    target: Option<&'a Target>,
    window: Option<(usize, &'a cxsched_core::TimeWindow)>,
    blackout: Option<&'a Blackout>,
    /// The first occurrence's local start and end, in seconds from the local midnight of
    /// its day, and that day's weekday.
    ls: i64,
    le: i64,
    shift: i64,
    local_day: jiff::civil::Weekday,
}

impl<'a> Parts<'a> {
    fn of(f: &RawFinding, cx: Context<'a>) -> Self {
        // Local times of the first occurrence, relative to its campaign date.
        let base = i64::from(f.first) * DAY_SECONDS;
        let rs = f.start_ts + i64::from(f.start_offset) - base;
        let re = f.end_ts + i64::from(f.end_offset) - base;
        let shift = rs.div_euclid(DAY_SECONDS);
        Parts {
            rule: f.rule.map(|r| &cx.pack.rules[r as usize]),
            target: f.target.map(|t| &cx.targets[t as usize]),
            window: f
                .window
                .map(|w| (w as usize, &cx.schedule.windows[w as usize])),
            blackout: match f.detail {
                Detail::Blackout(bi) => Some(&cx.blackouts[usize::from(bi)]),
                _ => None,
            },
            ls: rs - shift * DAY_SECONDS,
            le: re - shift * DAY_SECONDS,
            shift,
            local_day: weekday(f.first + shift as i32),
        }
    }

    /// Regulatory and DST findings carry the first occurrence's local instants.
    fn has_local_times(code: Code) -> bool {
        !matches!(code, Code::DirectiveIgnore)
    }

    fn citation(&self) -> Option<&'a str> {
        self.rule
            .map(|r| r.citation.as_str())
            .or_else(|| self.blackout.and_then(|b| b.source.as_deref()))
    }
}

/// `window 2 (MONDAY 08:00:00–20:00:00 America/Chicago)`.
fn push_window(out: &mut impl Text, p: &Parts<'_>, zone_name: &str) {
    if let Some((i, w)) = p.window {
        out.push_str("window ");
        push_number(out, i as i64);
        out.push_str(" (");
        out.push_str(weekday_name(w.day));
        out.push_plain(b" ");
        push_hms(out, i64::from(w.start.seconds()));
        out.push('–');
        push_hms(out, i64::from(w.end.seconds()));
        out.push_plain(b" ");
        out.push_str(zone_name);
        out.push_str(")");
    }
}

/// `America/Chicago (TX)`: where the recipients are.
fn push_place(out: &mut impl Text, p: &Parts<'_>) {
    if let Some(t) = p.target {
        out.push_str(t.zone.canonical);
        if let Some(s) = &t.state {
            out.push_str(" (");
            out.push_str(s);
            out.push_str(")");
        }
    }
}

/// `08:00–10:30`: the first occurrence's local span.
fn push_span(out: &mut impl Text, p: &Parts<'_>) {
    push_hm(out, p.ls);
    out.push('–');
    push_hm(out, p.le.min(DAY_SECONDS));
}

/// `window 2 (…) reaches America/Chicago (TX)`: how a regulatory message starts.
fn push_reaches(out: &mut impl Text, p: &Parts<'_>, zone_name: &str) {
    push_window(out, p, zone_name);
    out.push_str(" reaches ");
    push_place(out, p);
}

/// ` (08:00–10:30 local), a day US-UT prohibits calls (citation`: the local span of a
/// prohibited date and the rule (`what`: which kind of date), the parenthesis left open.
fn push_prohibits(out: &mut impl Text, p: &Parts<'_>, rule: &Rule, what: &str) {
    out.push_str(" (");
    push_span(out, p);
    out.push_str(" local), ");
    out.push_str(what);
    out.push_str(&rule.id);
    out.push_str(" prohibits calls (");
    out.push_str(&rule.citation);
}

/// The recipients a message names: the target's state, else `these`.
fn push_whose(out: &mut impl Text, p: &Parts<'_>) {
    match p.target.and_then(|t| t.state.as_deref()) {
        Some(state) => out.push_str(state),
        None => out.push_str("these"),
    }
}

/// `in America/Chicago (TX); reading` … what the recipient's location rests on.
fn push_presumption(out: &mut impl Text, p: &Parts<'_>, t: &Target) {
    out.push_str(&t.basis);
    if let Some(reading) = p.rule.and_then(|r| r.presumption.as_deref()) {
        out.push_str("; ");
        out.push_str(reading);
    }
}

/// Appends a weekday's name in lower case.
fn push_lower_weekday(out: &mut impl Text, day: jiff::civil::Weekday) {
    let name = weekday_name(day).as_bytes();
    let mut lower = [0u8; 9];
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    out.push_str(std::str::from_utf8(&lower[..name.len()]).expect("ASCII"));
}

/// The real and the clock length of a DST-moved window: `…, 1 h of real time (2 h on the
/// clock)`.
fn push_lengths(out: &mut impl Text, f: &RawFinding, p: &Parts<'_>) {
    push_duration(out, f.end_ts - f.start_ts);
    out.push_str(" of real time (");
    push_duration(
        out,
        p.window
            .map(|(_, w)| i64::from(w.end.seconds() - w.start.seconds()))
            .unwrap_or(0),
    );
    out.push_str(" on the clock)");
}

/// The message of a finding: what happens, where, when, under which rule, what to change.
fn push_message(out: &mut impl Text, f: &RawFinding, p: &Parts<'_>, cx: Context<'_>) {
    let zone_name = &cx.schedule.timezone.name;
    match f.code {
        Code::OutsideLegalHours => {
            let rule = p.rule.expect("regulatory");
            let (_, w) = p.window.expect("window finding");
            let (open, close) = match rule.day(p.local_day) {
                DayRule::Allowed { open, close } => (i64::from(open), i64::from(close)),
                DayRule::Prohibited => (0, 0),
            };
            let early = (open - p.ls).max(0);
            let late = (p.le - close).max(0);
            push_reaches(out, p, zone_name);
            out.push_str(" at ");
            push_span(out, p);
            out.push_str(" local on ");
            push_lower_weekday(out, p.local_day);
            out.push_str("s, ");
            if early > 0 {
                push_duration(out, early);
                out.push_str(" before the ");
                push_hm(out, open);
                out.push_str(" opening");
            }
            if late > 0 {
                if early > 0 {
                    out.push_str(" and ");
                }
                push_duration(out, late);
                out.push_str(" past the ");
                push_hm(out, close);
                out.push_str(" closing");
            }
            out.push_str("; ");
            out.push_str(&rule.id);
            out.push_str(" allows ");
            push_hm(out, open);
            out.push('–');
            push_hm(out, close);
            out.push_str(" (");
            out.push_str(&rule.citation);
            out.push_str(") ");
            push_dates(out, f);
            out.push_str(": ");
            let (s, e) = (i64::from(w.start.seconds()), i64::from(w.end.seconds()));
            if s + early < e - late {
                if early > 0 {
                    out.push_str("move the start to ");
                    push_hms(out, s + early);
                    out.push_str(" or later");
                }
                if late > 0 {
                    if early > 0 {
                        out.push_str(" and ");
                    }
                    out.push_str("end it by ");
                    push_hms(out, e - late);
                }
            } else {
                out.push_str("no part of it is within the allowed hours there: remove the window or leave these recipients out of it");
            }
        }
        Code::ProhibitedDay => {
            let rule = p.rule.expect("regulatory");
            let Detail::Weekday(wd) = f.detail else {
                unreachable!("a prohibited-day finding names its weekday")
            };
            let day = weekday(
                f.first + p.shift as i32
                    + (i32::from(wd) - p.local_day.to_monday_zero_offset() as i32),
            );
            push_reaches(out, p, zone_name);
            out.push_str(" on a ");
            push_lower_weekday(out, day);
            push_prohibits(out, p, rule, "a day ");
            out.push_str(") ");
            push_dates(out, f);
            out.push_str(": remove the window or leave ");
            push_whose(out, p);
            out.push_str(" recipients out of it");
        }
        Code::Holiday => {
            let rule = p.rule.expect("regulatory");
            let Detail::Holiday {
                calendar,
                holiday,
                observed,
            } = f.detail
            else {
                unreachable!("a holiday finding names its holiday")
            };
            let cal = &cx.pack.calendars[usize::from(calendar)];
            let holiday = &cal.holidays[usize::from(holiday)];
            push_reaches(out, p, zone_name);
            out.push_str(" on ");
            out.push_str(&holiday.name);
            if observed {
                out.push_str(" (observed)");
            }
            push_prohibits(out, p, rule, "a holiday on which ");
            out.push_str("; calendar: ");
            out.push_str(&cal.source);
            out.push_str(") ");
            push_dates(out, f);
            out.push_str(": pause the campaign for ");
            push_whose(out, p);
            out.push_str(" recipients on that date");
        }
        Code::DstGap | Code::DstFold => {
            let gap = f.code == Code::DstGap;
            push_window(out, p, zone_name);
            out.push_str(": ");
            out.push_str(zone_name);
            out.push_str(if gap {
                " springs forward during the window "
            } else {
                " falls back during the window "
            });
            push_dates(out, f);
            out.push_str(": it runs from ");
            push_hm(out, p.ls);
            out.push_str(" to ");
            push_hm(out, p.le);
            out.push_str(" local, ");
            push_lengths(out, f, p);
            out.push_str(if gap {
                ", as a boundary in the skipped hour moves forward by the gap; check that this is intended"
            } else {
                ", as the wall-clock hour repeats (a boundary in the fold takes the earlier instant)"
            });
        }
        Code::DstVoidOccurrence => {
            push_window(out, p, zone_name);
            out.push_str(" lies entirely in ");
            out.push_str(zone_name);
            out.push_str("'s spring-forward gap ");
            push_dates(out, f);
            out.push_str(": it does not happen; move it out of the skipped hour if calls are needed then");
        }
        Code::Blackout => {
            let b = p.blackout.expect("a blackout finding names its blackout");
            push_reaches(out, p, zone_name);
            out.push_str(" at ");
            push_span(out, p);
            out.push_str(" local during the blackout ");
            out.push_str(&format!("{:?}", b.name));
            out.push_str(" (");
            push_civil_date(out, b.from);
            out.push_str(" to ");
            push_civil_date(out, b.to);
            if let Some(r) = &b.reason {
                out.push_str("; ");
                out.push_str(r);
            }
            if let Some(src) = &b.source {
                out.push_str("; source: ");
                out.push_str(src);
            }
            out.push_str(") ");
            push_dates(out, f);
            out.push_str(": pause the campaign for ");
            push_whose(out, p);
            out.push_str(" recipients on those dates");
        }
        Code::DirectiveIgnore => out.push_str("businessHoursDirective is IGNORE: the dialer does not enforce these windows, so calls may be placed at any hour and the verdicts of this report hold only for calls inside the windows; use STRICT to enforce them"),
    }
}

/// One finding, ready for output.
pub fn finding(f: &RawFinding, cx: Context<'_>) -> Finding {
    let p = Parts::of(f, cx);
    let mut message = String::with_capacity(320);
    push_message(&mut message, f, &p, cx);
    let local = Parts::has_local_times(f.code);
    Finding {
        severity: f.severity.as_str(),
        code: f.code.as_str(),
        rule: p.rule.map(|r| r.id.clone()),
        rule_version: p.rule.and_then(Rule::version),
        window: p.window.map(|(i, _)| i),
        day_of_week: p.window.map(|(_, w)| weekday_name(w.day)),
        recipient_zone: p.target.map(|t| t.zone.canonical.to_string()),
        state: p.target.and_then(|t| t.state.clone()),
        first_date: date_string(f.first),
        last_date: date_string(f.last),
        occurrences: f.occurrences,
        local_start: local.then(|| local_string(f.start_ts, f.start_offset)),
        local_end: local.then(|| local_string(f.end_ts, f.end_offset)),
        message,
        citation: p.citation().map(str::to_owned),
        confidence: p.rule.map(|r| r.confidence.as_str()),
        presumption: p.target.map(|t| {
            let mut s = String::new();
            push_presumption(&mut s, &p, t);
            s
        }),
    }
}

/// Appends a JSON string written by `write`, or `null` when `some` is false.
fn json_text(out: &mut Vec<u8>, some: bool, write: impl FnOnce(&mut JsonText<'_>)) {
    if !some {
        out.extend_from_slice(b"null");
        return;
    }
    out.push(b'"');
    let start = out.len();
    write(&mut JsonText(out));
    if let Some(k) = first_special(&out[start..]) {
        // The text from the first byte to escape on, escaped in its place (that byte is
        // ASCII, so the text is cut on a character boundary).
        let rest = out.split_off(start + k);
        escape_inner(out, std::str::from_utf8(&rest).expect("written as text"));
    }
    out.push(b'"');
}

/// Appends one finding as a JSON object: the [`Finding`] it makes, field for field in its
/// order (CONTRACT §2 names; every field, `null` when absent), written straight from the
/// compact finding.
pub fn write_json(out: &mut Vec<u8>, f: &RawFinding, cx: Context<'_>) {
    let p = Parts::of(f, cx);
    let local = Parts::has_local_times(f.code);
    let mut digits = [0u8; 20];
    out.extend_from_slice(b"{\"severity\":");
    escape_into(out, f.severity.as_str());
    out.extend_from_slice(b",\"code\":");
    escape_into(out, f.code.as_str());
    out.extend_from_slice(b",\"rule\":");
    escape_opt_into(out, p.rule.map(|r| r.id.as_str()));
    out.extend_from_slice(b",\"ruleVersion\":");
    let versioned = p
        .rule
        .is_some_and(|r| r.effective_from.is_some() || r.effective_to.is_some());
    json_text(out, versioned, |t| push_version(t, p.rule.expect("a rule")));
    out.extend_from_slice(b",\"window\":");
    match p.window {
        Some((i, _)) => out.extend_from_slice(decimal(i as u64, &mut digits)),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"dayOfWeek\":");
    escape_opt_into(out, p.window.map(|(_, w)| weekday_name(w.day)));
    out.extend_from_slice(b",\"recipientZone\":");
    escape_opt_into(out, p.target.map(|t| t.zone.canonical));
    out.extend_from_slice(b",\"state\":");
    escape_opt_into(out, p.target.and_then(|t| t.state.as_deref()));
    out.extend_from_slice(b",\"firstDate\":");
    json_text(out, true, |t| push_date(t, f.first));
    out.extend_from_slice(b",\"lastDate\":");
    json_text(out, true, |t| push_date(t, f.last));
    out.extend_from_slice(b",\"occurrences\":");
    out.extend_from_slice(decimal(u64::from(f.occurrences), &mut digits));
    out.extend_from_slice(b",\"localStart\":");
    json_text(out, local, |t| push_local(t, f.start_ts, f.start_offset));
    out.extend_from_slice(b",\"localEnd\":");
    json_text(out, local, |t| push_local(t, f.end_ts, f.end_offset));
    out.extend_from_slice(b",\"message\":");
    json_text(out, true, |t| push_message(t, f, &p, cx));
    out.extend_from_slice(b",\"citation\":");
    escape_opt_into(out, p.citation());
    out.extend_from_slice(b",\"confidence\":");
    escape_opt_into(out, p.rule.map(|r| r.confidence.as_str()));
    out.extend_from_slice(b",\"presumption\":");
    match p.target {
        Some(target) => json_text(out, true, |t| push_presumption(t, &p, target)),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Horizon, check_with_blackouts};
    use crate::recipients::{AreaCodeTable, RecipientInput, resolve};
    use cxsched_core::{Format, Purpose, parse_document};

    /// The JSON written straight from a compact finding is, byte for byte, what serde_json
    /// makes of the [`Finding`]: for every code, with states, rule versions, presumptions,
    /// blackouts whose names need escaping, and DST gaps, folds and void occurrences.
    #[test]
    fn json_written_directly_is_the_findings_serde_json() {
        let doc = |zone: &str, directive: &str, windows: &str| {
            let text = format!(
                r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{zone}",
                "businessHoursDirective":"{directive}","maxConcurrentCalls":5,"timeWindows":[{windows}]}}"#
            );
            *parse_document(&text, Format::Json)
                .schedule
                .unwrap_or_else(|| panic!("{text}"))
        };
        let w = |day: &str, start: &str, end: &str| {
            format!(r#"{{"dayOfWeek":"{day}","startTime":"{start}","endTime":"{end}"}}"#)
        };
        let week: Vec<String> = ["MONDAY", "TUESDAY", "SATURDAY", "SUNDAY"]
            .iter()
            .map(|d| w(d, "07:30:00", "21:45:00"))
            .collect();
        let schedules = [
            doc("America/New_York", "STRICT", &week.join(",")),
            // 02:30–03:00 on the spring-forward Sunday is void; 01:00–02:30 crosses the gap in
            // March and the fold in November.
            doc(
                "America/New_York",
                "STRICT",
                &[
                    w("SUNDAY", "02:30:00", "03:00:00"),
                    w("SATURDAY", "08:00:00", "20:00:00"),
                ]
                .join(","),
            ),
            doc(
                "America/Chicago",
                "STRICT",
                &w("SUNDAY", "01:00:00", "02:30:00"),
            ),
            doc(
                "Pacific/Honolulu",
                "IGNORE",
                &w("FRIDAY", "06:00:00", "23:00:00"),
            ),
        ];
        let pack = RulePack::embedded_us();
        let states: Vec<String> = ["TX", "UT", "CT", "FL", "OK", "MA", "LA"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let zones = vec!["Asia/Kolkata".to_owned()];
        let blackouts = vec![
            Blackout {
                name: "Declared \"emergency\" \\ storm".into(),
                from: jiff::civil::date(2027, 1, 4),
                to: jiff::civil::date(2027, 1, 12),
                states: vec!["TX".into()],
                zones: Vec::new(),
                source: Some("Gov. order\t12".into()),
                reason: Some("storm".into()),
            },
            Blackout {
                name: "Company holiday".into(),
                from: jiff::civil::date(2027, 2, 1),
                to: jiff::civil::date(2027, 2, 1),
                states: Vec::new(),
                zones: Vec::new(),
                source: None,
                reason: None,
            },
        ];
        let horizon = Horizon::new(&pack, jiff::civil::date(2026, 11, 27), 400);
        let mut codes = std::collections::BTreeSet::new();
        let mut versions = 0;
        for schedule in &schedules {
            let input = RecipientInput {
                zones: &zones,
                states: &states,
                ..RecipientInput::default()
            };
            let targets = resolve(&input, &schedule.timezone, AreaCodeTable::embedded)
                .unwrap()
                .targets;
            for purpose in [Purpose::Telemarketing, Purpose::DebtCollection] {
                let report =
                    check_with_blackouts(&pack, &horizon, schedule, purpose, &targets, &blackouts);
                let cx = Context::of(&report, &pack, schedule, &targets);
                for f in report.findings() {
                    let made = finding(&f, cx);
                    let mut direct = Vec::new();
                    write_json(&mut direct, &f, cx);
                    assert_eq!(
                        String::from_utf8(direct).unwrap(),
                        serde_json::to_string(&made).unwrap()
                    );
                    codes.insert(made.code);
                    versions += usize::from(made.rule_version.is_some());
                }
            }
        }
        let all: Vec<&str> = codes.into_iter().collect();
        assert_eq!(
            all,
            [
                "BLACKOUT",
                "DIRECTIVE_IGNORE",
                "DST_FOLD",
                "DST_GAP",
                "DST_VOID_OCCURRENCE",
                "HOLIDAY",
                "OUTSIDE_LEGAL_HOURS",
                "PROHIBITED_DAY"
            ]
        );
        assert!(versions > 0, "no finding under a versioned rule");
    }

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
