//! A naive, date-by-date reading of the rules for the curfew and `when` tests: one local
//! date, one target, one rule at a time, with jiff and nothing precomputed but the holiday
//! lists (as in `tests/engine.rs`).

#![allow(dead_code)]

use cxsched_compliance::days::{date_of, day_number};
use cxsched_compliance::recipients::{RecipientInput, resolve};
use cxsched_compliance::rules::DayRule;
use cxsched_compliance::{AreaCodeTable, RulePack, Target};
use cxsched_core::{Format, Purpose, Schedule, Zone, parse_document, zone};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};

pub fn z(name: &str) -> Zone {
    zone::resolve(name).unwrap().zone
}

pub fn schedule(zone: &str, windows: &[(&str, u32, u32)]) -> Schedule {
    let ws: Vec<String> = windows
        .iter()
        .map(|(d, s, e)| {
            format!(
                r#"{{"dayOfWeek":"{d}","startTime":"{:02}:{:02}:00","endTime":"{:02}:{:02}:00"}}"#,
                s / 60,
                s % 60,
                e / 60,
                e % 60
            )
        })
        .collect();
    let text = format!(
        r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{zone}","businessHoursDirective":"STRICT","maxConcurrentCalls":5,"timeWindows":[{}]}}"#,
        ws.join(",")
    );
    let v = parse_document(&text, Format::Json);
    *v.schedule.unwrap_or_else(|| panic!("{:?}", v.errors))
}

/// Targets from zones, states and phone numbers, as the check resolves them.
pub fn targets(zones: &[&str], states: &[&str], phones: &[&str]) -> Vec<Target> {
    let zones: Vec<String> = zones.iter().map(|s| s.to_string()).collect();
    let states: Vec<String> = states.iter().map(|s| s.to_string()).collect();
    let phones = phones.join("\n");
    let input = RecipientInput {
        zones: &zones,
        states: &states,
        phone_numbers: (!phones.is_empty()).then_some(("numbers.txt", phones.as_str())),
    };
    resolve(&input, &z("America/New_York"), AreaCodeTable::embedded)
        .unwrap()
        .targets
}

/// What the rules say about one local moment for one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Legal,
    /// Outside some rule's hours of the weekday.
    Outside(String),
    /// A rule prohibits the weekday.
    Prohibited(String, Weekday),
    /// The date is a holiday of a rule.
    Holiday(String),
}

/// True when `date` is a holiday (actual or observed) of the rule's calendar.
pub fn is_holiday(pack: &RulePack, rule: usize, date: Date) -> bool {
    let Some(c) = pack.rules[rule].holidays else {
        return false;
    };
    let n = day_number(date);
    pack.calendars[c]
        .between(n - 1, n + 1)
        .iter()
        .any(|h| date_of(h.day) == date)
}

/// The verdict for the second `secs` after local midnight of `date` (0..86400), for a
/// recipient in `state` (`None`: federal rules only). The first problem found, rules in
/// pack order, prohibitions before holidays before hours.
pub fn verdict(
    pack: &RulePack,
    purpose: Purpose,
    state: Option<&str>,
    zone: &str,
    date: Date,
    secs: u32,
) -> Verdict {
    let rules = rules_for(pack, purpose, state, zone, Some(date));
    for &ri in &rules {
        if pack.rules[ri].day(date.weekday()) == DayRule::Prohibited {
            return Verdict::Prohibited(pack.rules[ri].id.clone(), date.weekday());
        }
    }
    for &ri in &rules {
        if is_holiday(pack, ri, date) {
            return Verdict::Holiday(pack.rules[ri].id.clone());
        }
    }
    let hours = rules
        .iter()
        .find_map(|&ri| match pack.rules[ri].day(date.weekday()) {
            DayRule::Allowed { open, close } if secs < open || secs >= close => {
                Some(pack.rules[ri].id.clone())
            }
            _ => None,
        });
    match hours {
        Some(rule) => Verdict::Outside(rule),
        None => Verdict::Legal,
    }
}

/// The rules for a recipient in `state` and `zone` (canonical): the versions in force on
/// `date`, or with no date the versions in force now (no `effective_to`).
pub fn rules_for(
    pack: &RulePack,
    purpose: Purpose,
    state: Option<&str>,
    zone: &str,
    date: Option<Date>,
) -> Vec<usize> {
    pack.applicable(purpose, state)
        .into_iter()
        .filter(|&ri| {
            let r = &pack.rules[ri];
            r.reaches_zone(zone)
                && match date {
                    Some(d) => r.in_force(d),
                    None => r.effective_to.is_none(),
                }
        })
        .collect()
}

/// The first rule (pack order, versions in force now) whose hours on `weekday` do not
/// include the second `secs` after local midnight; prohibitions and holidays are not
/// looked at.
pub fn outside_hours(
    pack: &RulePack,
    purpose: Purpose,
    state: Option<&str>,
    zone: &str,
    weekday: Weekday,
    secs: u32,
) -> Option<String> {
    rules_for(pack, purpose, state, zone, None)
        .into_iter()
        .find_map(|ri| match pack.rules[ri].day(weekday) {
            DayRule::Allowed { open, close } if secs < open || secs >= close => {
                Some(pack.rules[ri].id.clone())
            }
            _ => None,
        })
}

/// The verdict at an instant for a target.
pub fn verdict_at(pack: &RulePack, purpose: Purpose, t: &Target, at: Timestamp) -> Verdict {
    let local: DateTime = t.zone.tz.to_datetime(at);
    let secs = local.hour() as u32 * 3600 + local.minute() as u32 * 60 + local.second() as u32;
    verdict(
        pack,
        purpose,
        t.state.as_deref(),
        t.zone.canonical,
        local.date(),
        secs,
    )
}

/// Each local date `[a, b)` touches in the target's zone, with the local seconds
/// `[lo, hi)` of the part on that date.
pub fn local_parts(t: &Target, a: Timestamp, b: Timestamp) -> Vec<(Date, u32, u32)> {
    let ls = t.zone.tz.to_datetime(a);
    let le = t.zone.tz.to_datetime(b);
    let secs = |d: DateTime| d.hour() as u32 * 3600 + d.minute() as u32 * 60 + d.second() as u32;
    let mut out = Vec::new();
    let mut d = ls.date();
    loop {
        let lo = if d == ls.date() { secs(ls) } else { 0 };
        let hi = if d == le.date() { secs(le) } else { 86_400 };
        if hi > lo {
            out.push((d, lo, hi));
        }
        if d >= le.date() {
            break;
        }
        d = d.tomorrow().unwrap();
    }
    out
}
