//! State rules, holiday observance, DST and rules over time through the check, as tables:
//! a schedule (zone, windows), a horizon, a purpose and recipients (zones, states) →
//! whether it has errors, every finding of the codes the case names as (rule, window,
//! recipient zone, state, first date, last date, occurrences), and what chosen findings
//! say; and each change of a state's hours to 8 p.m. → the findings of its new version
//! starting exactly on the effective date.
//!
//! These were end-to-end tests of `cxsched check` (its JSON findings are exactly these
//! [`Finding`]s); the binary's tests keep representatives: a New York window into Phoenix
//! across the year, a Sunday into Utah, Louisiana, Alabama and Mississippi, Pennsylvania's
//! holidays, and Washington's rule versions.

use std::collections::{BTreeMap, BTreeSet};

use cxsched_compliance::{
    AreaCodeTable, Finding, Horizon, RecipientInput, RulePack, check, findings,
};
use cxsched_core::{Format, Purpose, parse_document};
use jiff::civil::Date;

/// (code, rule, window, recipient zone, state or "null", first date, last date, occurrences)
type Span = (
    &'static str,
    &'static str,
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
);

/// What the first finding with a code and first date (in report order) says.
enum Says {
    /// Its message contains this.
    Message(&'static str),
    LocalStart(&'static str),
    LocalEnd(&'static str),
    Rule(&'static str),
    Severity(&'static str),
    Confidence(&'static str),
    Citation(&'static str),
}

struct Case {
    name: &'static str,
    zone: &'static str,
    windows: &'static [(&'static str, &'static str, &'static str)],
    from: &'static str,
    days: u32,
    purpose: Purpose,
    recipient_zones: &'static [&'static str],
    recipient_states: &'static [&'static str],
    /// Whether any finding is an error (`check` exits 1); `None`: not pinned.
    errors: Option<bool>,
    /// Every finding of each code named here, and of the codes of `none`.
    spans: &'static [Span],
    /// Codes with no finding.
    none: &'static [&'static str],
    /// `(code, window, first date)` of every finding whose code starts with `DST`, when
    /// pinned.
    dst: Option<&'static [(&'static str, usize, &'static str)]>,
    /// `(code, first date, what it says)`.
    says: &'static [(&'static str, &'static str, Says)],
}

const YEAR_2026: (&str, u32) = ("2026-01-01", 365);

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case {
        name: "a New York window reaches Phoenix before eight all year, by season",
        zone: "America/New_York",
        windows: &[("MONDAY", "08:00:00", "21:00:00")],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &["America/Phoenix"],
        recipient_states: &[],
        errors: Some(true),
        spans: &[
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/Phoenix", "null", "2026-01-05", "2026-03-02", 9),
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/Phoenix", "null", "2026-03-09", "2026-10-26", 34),
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/Phoenix", "null", "2026-11-02", "2026-12-28", 9),
        ],
        none: &[],
        dst: None,
        // Winter: 06:00-19:00 in Phoenix, 2 h early; summer: 05:00-18:00, 3 h early.
        says: &[
            ("OUTSIDE_LEGAL_HOURS", "2026-01-05", Says::LocalStart("2026-01-05T06:00:00-07:00")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-05", Says::LocalEnd("2026-01-05T19:00:00-07:00")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-05", Says::Message("2 h before the 08:00 opening")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-05", Says::Message("move the start to 10:00:00 or later")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-09", Says::LocalStart("2026-03-09T05:00:00-07:00")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-09", Says::Message("3 h before the 08:00 opening")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-09", Says::Citation("47 CFR 64.1200(c)(1); 16 CFR 310.4(c)")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-09", Says::Confidence("H")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-09", Says::Severity("error")),
        ],
    },
    Case {
        // 00:00-02:00 London is 19:00-21:00 in New York, except while the US has switched
        // and the EU has not (then 20:00-22:00).
        name: "a London campaign calling New York between the US and EU switch dates",
        zone: "Europe/London",
        windows: &[("TUESDAY", "00:00:00", "02:00:00")],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &["America/New_York"],
        recipient_states: &[],
        errors: Some(true),
        spans: &[
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/New_York", "null", "2026-03-10", "2026-03-24", 3),
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/New_York", "null", "2026-10-27", "2026-10-27", 1),
        ],
        none: &[],
        dst: None,
        says: &[
            ("OUTSIDE_LEGAL_HOURS", "2026-03-10", Says::LocalStart("2026-03-09T20:00:00-04:00")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-10", Says::LocalEnd("2026-03-09T22:00:00-04:00")),
            ("OUTSIDE_LEGAL_HOURS", "2026-03-10", Says::Message("1 h past the 21:00 closing")),
        ],
    },
    Case {
        name: "a Phoenix campaign calling Los Angeles too early in winter only",
        zone: "America/Phoenix",
        windows: &[("WEDNESDAY", "08:00:00", "17:00:00")],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &["America/Los_Angeles"],
        recipient_states: &[],
        errors: None,
        spans: &[
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/Los_Angeles", "null", "2026-01-07", "2026-03-04", 9),
            ("OUTSIDE_LEGAL_HOURS", "US-FED-TCPA", 0, "America/Los_Angeles", "null", "2026-11-04", "2026-12-30", 9),
        ],
        none: &[],
        dst: None,
        says: &[
            ("OUTSIDE_LEGAL_HOURS", "2026-11-04", Says::LocalStart("2026-11-04T07:00:00-08:00")),
        ],
    },
    Case {
        name: "a Sunday window reaches Utah, Louisiana, Alabama and Mississippi",
        zone: "America/Chicago",
        windows: &[("SUNDAY", "13:00:00", "17:00:00")],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &[],
        recipient_states: &["UT", "LA", "AL", "MS"],
        errors: Some(true),
        spans: &[
            ("PROHIBITED_DAY", "US-AL", 0, "America/Chicago", "AL", "2026-01-04", "2026-12-27", 52),
            ("PROHIBITED_DAY", "US-LA", 0, "America/Chicago", "LA", "2026-01-04", "2026-12-27", 52),
            ("PROHIBITED_DAY", "US-MS", 0, "America/Chicago", "MS", "2026-01-04", "2026-12-27", 52),
            ("PROHIBITED_DAY", "US-UT", 0, "America/Denver", "UT", "2026-01-04", "2026-12-27", 52),
        ],
        none: &["OUTSIDE_LEGAL_HOURS"],
        dst: None,
        says: &[],
    },
    Case {
        // Good Friday Apr 3, Christmas (Friday) Dec 25, Election Day Tuesday Nov 3.
        name: "Pennsylvania's Good Friday, Christmas and Election Day",
        zone: "America/New_York",
        windows: &[
            ("FRIDAY", "10:00:00", "16:00:00"),
            ("TUESDAY", "10:00:00", "16:00:00"),
        ],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &[],
        recipient_states: &["PA"],
        errors: Some(true),
        spans: &[
            ("HOLIDAY", "US-PA", 0, "America/New_York", "PA", "2026-04-03", "2026-04-03", 1),
            ("HOLIDAY", "US-PA", 0, "America/New_York", "PA", "2026-12-25", "2026-12-25", 1),
            ("HOLIDAY", "US-PA", 1, "America/New_York", "PA", "2026-11-03", "2026-11-03", 1),
        ],
        none: &["OUTSIDE_LEGAL_HOURS"],
        dst: None,
        says: &[
            ("HOLIDAY", "2026-04-03", Says::Message("Good Friday")),
            ("HOLIDAY", "2026-11-03", Says::Message("Election Day")),
        ],
    },
    Case {
        // El Paso also gets the stricter Central-time reading (US-TX-CENTRAL, since
        // 2025-09-01).
        name: "Texas on a Sunday morning",
        zone: "America/Chicago",
        windows: &[
            ("SUNDAY", "10:00:00", "14:00:00"),
            ("MONDAY", "10:00:00", "14:00:00"),
        ],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &[],
        recipient_states: &["TX"],
        errors: Some(true),
        spans: &[
            ("OUTSIDE_LEGAL_HOURS", "US-TX", 0, "America/Chicago", "TX", "2026-01-04", "2026-12-27", 52),
            ("OUTSIDE_LEGAL_HOURS", "US-TX", 0, "America/Denver", "TX", "2026-01-04", "2026-12-27", 52),
            ("OUTSIDE_LEGAL_HOURS", "US-TX-CENTRAL", 0, "America/Denver", "TX", "2026-01-04", "2026-12-27", 52),
        ],
        none: &[],
        dst: None,
        says: &[
            ("OUTSIDE_LEGAL_HOURS", "2026-01-04", Says::Message("allows 12:00–21:00")),
        ],
    },
    Case {
        // Independence Day 2026 falls on that Saturday.
        name: "Rhode Island on a Saturday after five, and Independence Day",
        zone: "America/New_York",
        windows: &[("SATURDAY", "15:00:00", "19:00:00")],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Telemarketing,
        recipient_zones: &[],
        recipient_states: &["RI"],
        errors: Some(true),
        spans: &[
            ("OUTSIDE_LEGAL_HOURS", "US-RI", 0, "America/New_York", "RI", "2026-01-03", "2026-12-26", 52),
            ("HOLIDAY", "US-RI", 0, "America/New_York", "RI", "2026-07-04", "2026-07-04", 1),
        ],
        none: &[],
        dst: None,
        says: &[
            ("OUTSIDE_LEGAL_HOURS", "2026-01-03", Says::Message("2 h past the 17:00 closing")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-03", Says::Message("end it by 17:00:00")),
        ],
    },
    Case {
        // Christmas 2027 and New Year's Day 2028 are Saturdays.
        name: "Saturday holidays observed on Friday, New Year's Day on December 31",
        zone: "America/Denver",
        windows: &[("FRIDAY", "10:00:00", "16:00:00")],
        from: "2027-12-01",
        days: 31,
        purpose: Purpose::Telemarketing,
        recipient_zones: &[],
        recipient_states: &["UT"],
        errors: Some(true),
        spans: &[
            ("HOLIDAY", "US-UT", 0, "America/Denver", "UT", "2027-12-24", "2027-12-24", 1),
            ("HOLIDAY", "US-UT", 0, "America/Denver", "UT", "2027-12-31", "2027-12-31", 1),
        ],
        none: &[],
        dst: None,
        says: &[
            ("HOLIDAY", "2027-12-31", Says::Message("New Year's Day (observed)")),
        ],
    },
    Case {
        // Informational: only the federal baseline, as a warning, with low confidence.
        name: "DST gap, fold and void occurrences are warnings",
        zone: "America/New_York",
        windows: &[
            ("SUNDAY", "00:30:00", "02:15:00"),
            ("SATURDAY", "10:00:00", "12:00:00"),
            ("SUNDAY", "02:30:00", "03:00:00"),
        ],
        from: YEAR_2026.0,
        days: YEAR_2026.1,
        purpose: Purpose::Informational,
        recipient_zones: &[],
        recipient_states: &[],
        errors: Some(false),
        spans: &[],
        none: &[],
        dst: Some(&[
            ("DST_FOLD", 0, "2026-11-01"),
            ("DST_GAP", 0, "2026-03-08"),
            ("DST_VOID_OCCURRENCE", 2, "2026-03-08"),
        ]),
        says: &[
            ("DST_GAP", "2026-03-08", Says::Severity("warning")),
            ("DST_GAP", "2026-03-08", Says::Message("runs from 00:30 to 03:15 local, 1 h 45 min of real time")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-04", Says::Rule("US-FED-INFO")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-04", Says::Severity("warning")),
            ("OUTSIDE_LEGAL_HOURS", "2026-01-04", Says::Confidence("L")),
        ],
    },
];

/// The case's findings, as `cxsched check` makes them: the embedded pack, the recipients
/// resolved with the embedded area-code table, the horizon from `from`.
fn run(case: &Case) -> Vec<Finding> {
    let windows: Vec<String> = case
        .windows
        .iter()
        .map(|(d, s, e)| format!(r#"{{"dayOfWeek":"{d}","startTime":"{s}","endTime":"{e}"}}"#))
        .collect();
    let text = format!(
        r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"{}","businessHoursDirective":"STRICT","maxConcurrentCalls":10,"timeWindows":[{}]}}"#,
        case.zone,
        windows.join(",")
    );
    let v = parse_document(&text, Format::Json);
    let schedule = v
        .schedule
        .unwrap_or_else(|| panic!("{}: {:?}", case.name, v.errors));
    let zones: Vec<String> = case.recipient_zones.iter().map(|z| z.to_string()).collect();
    let states: Vec<String> = case
        .recipient_states
        .iter()
        .map(|s| s.to_string())
        .collect();
    let input = RecipientInput {
        zones: &zones,
        states: &states,
        phone_numbers: None,
    };
    let recipients = cxsched_compliance::recipients::resolve(
        &input,
        &schedule.timezone,
        AreaCodeTable::embedded,
    )
    .unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
    let pack = RulePack::embedded_us();
    let from: Date = case.from.parse().unwrap();
    let horizon = Horizon::new(&pack, from, case.days);
    let report = check(
        &pack,
        &horizon,
        &schedule,
        case.purpose,
        &recipients.targets,
    );
    findings(&report, &pack, &schedule, &recipients.targets)
}

/// A [`Span`] with its text owned, to compare with what a finding shows.
type Shown = (
    &'static str,
    String,
    usize,
    String,
    String,
    String,
    String,
    u32,
);

fn owned(s: &Span) -> Shown {
    (
        s.0,
        s.1.to_owned(),
        s.2,
        s.3.to_owned(),
        s.4.to_owned(),
        s.5.to_owned(),
        s.6.to_owned(),
        s.7,
    )
}

/// The findings with `code` as spans, sorted.
fn spans(list: &[Finding], code: &str) -> Vec<Shown> {
    let mut v: Vec<Shown> = list
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            (
                f.code,
                f.rule.clone().expect("a rule"),
                f.window.expect("a window"),
                f.recipient_zone.clone().expect("a zone"),
                f.state.clone().unwrap_or_else(|| "null".to_owned()),
                f.first_date.clone(),
                f.last_date.clone(),
                f.occurrences,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn state_rules_holidays_and_dst_of_every_case() {
    for case in CASES {
        let list = run(case);
        let name = case.name;
        if let Some(errors) = case.errors {
            assert_eq!(
                list.iter().any(|f| f.severity == "error"),
                errors,
                "{name}: {list:#?}"
            );
        }
        if case.errors == Some(false) {
            assert!(!list.is_empty(), "{name}: warnings expected");
        }
        let mut codes: Vec<&'static str> = case.spans.iter().map(|s| s.0).collect();
        codes.extend_from_slice(case.none);
        codes.sort();
        codes.dedup();
        for code in codes {
            let mut want: Vec<Shown> = case
                .spans
                .iter()
                .filter(|s| s.0 == code)
                .map(owned)
                .collect();
            want.sort();
            assert_eq!(spans(&list, code), want, "{name}: {code}");
        }
        if let Some(dst) = case.dst {
            let mut got: Vec<(&str, usize, &str)> = list
                .iter()
                .filter(|f| f.code.starts_with("DST"))
                .map(|f| (f.code, f.window.expect("a window"), f.first_date.as_str()))
                .collect();
            got.sort();
            assert_eq!(got, dst, "{name}");
        }
        for (code, first, says) in case.says {
            let f = list
                .iter()
                .find(|f| f.code == *code && f.first_date == *first)
                .unwrap_or_else(|| panic!("{name}: no {code} from {first} in {list:#?}"));
            match says {
                Says::Message(part) => assert!(f.message.contains(part), "{name}: {f:#?}"),
                Says::LocalStart(t) => assert_eq!(f.local_start.as_deref(), Some(*t), "{name}"),
                Says::LocalEnd(t) => assert_eq!(f.local_end.as_deref(), Some(*t), "{name}"),
                Says::Rule(r) => assert_eq!(f.rule.as_deref(), Some(*r), "{name}"),
                Says::Severity(s) => assert_eq!(f.severity, *s, "{name}"),
                Says::Confidence(c) => assert_eq!(f.confidence, Some(*c), "{name}"),
                Says::Citation(c) => assert_eq!(f.citation.as_deref(), Some(*c), "{name}"),
            }
        }
    }
}

/// Every day 10:00–20:30: past an 8 p.m. close, inside a 9 p.m. one.
const EVERY_DAY_TO_2030: &[(&str, &str, &str)] = &[
    ("MONDAY", "10:00:00", "20:30:00"),
    ("TUESDAY", "10:00:00", "20:30:00"),
    ("WEDNESDAY", "10:00:00", "20:30:00"),
    ("THURSDAY", "10:00:00", "20:30:00"),
    ("FRIDAY", "10:00:00", "20:30:00"),
    ("SATURDAY", "10:00:00", "20:30:00"),
    ("SUNDAY", "10:00:00", "20:30:00"),
];

/// A change of a state's rule to 8 p.m.: the state, the campaign zone, the rule, its
/// effective date, the horizon's first date (two weeks before), the recipient zone.
type Change = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
const CHANGES: &[Change] = &[
    ("CT", "America/New_York", "US-CT", "2023-10-01", "2023-09-17", "America/New_York"),
    ("OK", "America/Chicago", "US-OK", "2022-11-01", "2022-10-18", "America/Chicago"),
    ("MD", "America/New_York", "US-MD", "2024-01-01", "2023-12-18", "America/New_York"),
    ("FL", "America/New_York", "US-FL", "2021-07-01", "2021-06-17", "America/New_York"),
    ("TX", "America/Denver", "US-TX-CENTRAL", "2025-09-01", "2025-08-18", "America/Denver"),
];

/// Telemarketing every day 10:00–20:30 in `zone` into `states`, nothing pinned.
fn every_day_into(
    name: &'static str,
    zone: &'static str,
    states: &'static [&'static str],
    from: &'static str,
    days: u32,
) -> Case {
    Case {
        name,
        zone,
        windows: EVERY_DAY_TO_2030,
        from,
        days,
        purpose: Purpose::Telemarketing,
        recipient_zones: &[],
        recipient_states: states,
        errors: None,
        spans: &[],
        none: &[],
        dst: None,
        says: &[],
    }
}

/// The hours findings of state rules by (rule, version or "null"): their recipient zones,
/// first first date and last last date.
fn versions(list: &[Finding]) -> BTreeMap<(String, String), (BTreeSet<String>, String, String)> {
    let mut v: BTreeMap<(String, String), (BTreeSet<String>, String, String)> = BTreeMap::new();
    for f in list.iter().filter(|f| f.code == "OUTSIDE_LEGAL_HOURS") {
        let rule = f.rule.clone().expect("a rule");
        if rule.starts_with("US-FED") {
            continue;
        }
        let version = f.rule_version.clone().unwrap_or_else(|| "null".to_owned());
        let e = v
            .entry((rule, version))
            .or_insert_with(|| (BTreeSet::new(), f.first_date.clone(), f.last_date.clone()));
        e.0.insert(f.recipient_zone.clone().expect("a zone"));
        e.1 = e.1.clone().min(f.first_date.clone());
        e.2 = e.2.clone().max(f.last_date.clone());
    }
    v
}

/// The first and last dates of `rule` at `version`.
fn dates(
    v: &BTreeMap<(String, String), (BTreeSet<String>, String, String)>,
    rule: &str,
    version: &str,
) -> (String, String) {
    let (_, first, last) = v
        .get(&(rule.to_owned(), version.to_owned()))
        .unwrap_or_else(|| panic!("no {rule} {version} finding in {v:?}"));
    (first.clone(), last.clone())
}

/// Each change to 8 p.m., two weeks before and two weeks after: the new version's findings
/// start exactly on the effective date; the old version (9 p.m.) or no rule finds nothing.
#[test]
fn findings_start_exactly_at_each_change() {
    for change in CHANGES {
        let (state, zone, rule, at, from, rz) = *change;
        let two_weeks_before = at
            .parse::<Date>()
            .unwrap()
            .checked_sub(jiff::Span::new().days(14))
            .unwrap();
        assert_eq!(from, two_weeks_before.to_string(), "{state}");
        let list = run(&every_day_into(
            "a change to 8 p.m.",
            zone,
            std::slice::from_ref(&change.0),
            from,
            28,
        ));
        assert!(
            list.iter().any(|f| f.severity == "error"),
            "{state}: {list:#?}"
        );
        let v = versions(&list);
        let of_rule: Vec<_> = v.iter().filter(|((r, _), _)| r == rule).collect();
        assert!(
            of_rule
                .iter()
                .all(|((_, version), (zones, _, _))| version == at && zones.iter().eq([rz])),
            "{state}: {v:?}"
        );
        assert_eq!(dates(&v, rule, at).0, at, "{state}: {v:?}");
        // Nothing of the rule before the date, and nothing of its old version after it.
        assert!(
            of_rule
                .iter()
                .all(|(_, (_, first, _))| first.as_str() >= at),
            "{state}: {v:?}"
        );
        assert!(
            of_rule
                .iter()
                .filter(|((_, version), _)| version != at)
                .all(|(_, (_, _, last))| last.as_str() < at),
            "{state}: {v:?}"
        );
    }
    // El Paso gets the stricter reading, and says so in the presumption.
    let list = run(&every_day_into(
        "El Paso",
        "America/Denver",
        &["TX"],
        "2025-09-01",
        7,
    ));
    let f = list
        .iter()
        .find(|f| f.code == "OUTSIDE_LEGAL_HOURS" && f.rule.as_deref() == Some("US-TX-CENTRAL"))
        .unwrap();
    assert!(
        f.presumption
            .as_deref()
            .unwrap()
            .contains("stricter reading"),
        "{f:#?}"
    );
}

/// A change that keeps the hours: the findings continue, each version on its own dates.
#[test]
fn washington_versions_split_at_eshb_1497() {
    let list = run(&every_day_into(
        "Washington",
        "America/Los_Angeles",
        &["WA"],
        "2022-05-26",
        28,
    ));
    let v = versions(&list);
    assert_eq!(
        dates(&v, "US-WA", "before 2022-06-09"),
        ("2022-05-26".to_string(), "2022-06-08".to_string())
    );
    assert_eq!(
        dates(&v, "US-WA", "2022-06-09"),
        ("2022-06-09".to_string(), "2022-06-22".to_string())
    );
}
