//! The fast JSON reader used by `validate --jsonl` (`parse_json_document`) must report exactly
//! what the generic reader (`parse_document` with JSON) reports: the same errors, warnings,
//! campaign id and schedule, for documents of the common shape and for every way of leaving
//! it (wrong types, nulls, unknown, missing and duplicate fields, escaped strings, a
//! compliance table, bad JSON), and keys written twice at every level (both must refuse
//! them alike, whichever reader sees them).

use cxsched_core::validate::parse_json_document;
use cxsched_core::{Format, parse_document};
use proptest::prelude::*;

/// JSON text for one field value, from a pool of right, wrong and awkward values.
fn value(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(pool).prop_map(str::to_owned)
}

const UUIDS: &[&str] = &[
    r#""3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab""#,
    r#""00000000-0000-0000-0000-000000000000""#,
    r#""3F1C2A4E-7B8D-4C9E-A1F2-0123456789AB""#,
    r#""3f1c2a4e7b8d4c9ea1f20123456789ab""#,
    r#""3f1c2a4e-7b8d-4c9e-a1f2-0123456789a\u0062""#,
    "42",
    "null",
];
const ZONES: &[&str] = &[
    r#""America/New_York""#,
    r#""US/Eastern""#,
    r#""CST""#,
    r#""america/new_york""#,
    r#""Etc/GMT+5""#,
    r#""Mars/Olympus""#,
    r#""""#,
    r#""UTC""#,
    r#""Australia\/Lord_Howe""#,
    "null",
    "5",
];
const DIRECTIVES: &[&str] = &[r#""STRICT""#, r#""IGNORE""#, r#""strict""#, "1", "null"];
const CALLS: &[&str] = &[
    "10",
    "-0",
    "1E2",
    "5e-1",
    "true",
    "false",
    r#""""#,
    r#""ten""#,
    "0.0",
    "1",
    "500",
    "0",
    "501",
    "-1",
    "10.5",
    "1e2",
    r#""10""#,
    "null",
    "99999999999999999999999",
];
const DAYS: &[&str] = &[
    r#""MONDAY""#,
    r#""MONDAY""#,
    r#""SUNDAY""#,
    r#""monday""#,
    r#""MON""#,
    "1",
    "null",
];
const TIMES: &[&str] = &[
    r#""09:00:00""#,
    r#""12:00:00""#,
    r#""17:00:00""#,
    r#""23:59:59""#,
    r#""00:00:00""#,
    r#""24:00:00""#,
    r#""9:00""#,
    r#""09:00:00 ""#,
    r#""09\u003a30:00""#,
    "900",
    "null",
];

fn window() -> impl Strategy<Value = String> {
    (value(DAYS), value(TIMES), value(TIMES), 0u8..24).prop_map(|(d, s, e, shape)| match shape {
        0 => format!(r#"{{"dayOfWeek":{d},"startTime":{s}}}"#),
        1 => format!(r#"{{"dayOfWeek":{d},"startTime":{s},"endTime":{e},"note":1}}"#),
        2 => format!(r#"{{"dayOfWeek":{d},"startTime":{s},"endTime":{e},"endTime":{e}}}"#),
        3 => "\"MONDAY 09:00-17:00\"".to_owned(),
        4 => format!(r#"{{"startTime":{s},"endTime":{e}}}"#),
        5 => format!(r#"{{"dayOfWeek":{d},"endTime":{e}}}"#),
        6 => "{}".to_owned(),
        // Keys written twice: the same spelling, an escaped spelling, three times.
        20 => format!(r#"{{"dayOfWeek":{d},"startTime":{s},"dayOfWeek":{d},"endTime":{e}}}"#),
        21 => format!(r#"{{"dayOfWeek":{d},"startTime":{s},"endTime":{e},"end\u0054ime":{e}}}"#),
        22 => format!(
            r#"{{"dayOfWeek":{d},"startTime":{s},"startTime":{s},"endTime":{e},"startTime":{e}}}"#
        ),
        23 => format!(r#"{{"dayOfWeek":{d},"startTime":{s},"endTime":{e},"x":1,"x":2}}"#),
        _ => format!(r#"{{"endTime":{e},"dayOfWeek":{d},"startTime":{s}}}"#),
    })
}

fn document() -> impl Strategy<Value = String> {
    (
        value(UUIDS),
        prop::option::of(value(UUIDS)),
        value(ZONES),
        value(DIRECTIVES),
        value(CALLS),
        prop::collection::vec(window(), 0..12),
        0u8..36,
    )
        .prop_map(
            |(campaign, schedule, zone, directive, calls, windows, shape)| {
                let mut fields = vec![
                    format!(r#""campaignId":{campaign}"#),
                    format!(r#""timezone":{zone}"#),
                    format!(r#""businessHoursDirective":{directive}"#),
                    format!(r#""maxConcurrentCalls":{calls}"#),
                    format!(r#""timeWindows":[{}]"#, windows.join(",")),
                ];
                if let Some(id) = schedule {
                    fields.insert(1, format!(r#""scheduleId":{id}"#));
                }
                match shape {
                    0 => fields.push(r#""compliance":{"purpose":"debt_collection"}"#.into()),
                    1 => fields.push(r#""extra":true"#.into()),
                    2 => {
                        fields.remove(2);
                    }
                    3 => fields.push(r#""timezone":"Europe/London""#.into()),
                    4 => fields.reverse(),
                    // Each field left out in turn (the fast reader takes missing fields).
                    7..=11 => {
                        let at = usize::from(shape - 7).min(fields.len() - 1);
                        fields.remove(at);
                    }
                    12 => fields.clear(),
                    // Keys written twice, at the top and in the nested tables.
                    13 => fields.push(format!(r#""campaignId":{campaign}"#)),
                    14 => fields.insert(0, r#""maxConcurrentCalls":1"#.into()),
                    15 => fields.push(
                        r#""compliance":{"purpose":"telemarketing","purpose":"informational"}"#
                            .into(),
                    ),
                    16 => fields.push(
                        r#""compliance":{"recipients":{"zones":["UTC"],"states":[],"zones":[]}}"#
                            .into(),
                    ),
                    17 => fields.push(r#""compl\u0069ance":{},"compliance":{}"#.into()),
                    5 => return format!("[{{{}}}]", fields.join(",")),
                    6 => return format!("{{{}", fields.join(",")),
                    _ => {}
                }
                format!("{{{}}}", fields.join(","))
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_json_reader_reports_what_the_generic_reader_reports(text in document()) {
        let fast = parse_json_document(&text);
        let generic = parse_document(&text, Format::Json);
        prop_assert_eq!(&fast.errors, &generic.errors, "{}", text);
        prop_assert_eq!(&fast.warnings, &generic.warnings, "{}", text);
        prop_assert_eq!(&fast.campaign_id, &generic.campaign_id, "{}", text);
        prop_assert_eq!(&fast.schedule, &generic.schedule, "{}", text);
    }
}

#[test]
fn documents_of_the_common_shape_are_checked_in_full() {
    let text = r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"US/Eastern",
        "businessHoursDirective":"STRICT","maxConcurrentCalls":10,"timeWindows":[
        {"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
        {"dayOfWeek":"MONDAY","startTime":"11:00:00","endTime":"10:00:00"},
        {"dayOfWeek":"MONDAY","startTime":"11:00:00","endTime":"13:00:00"}]}"#;
    let v = parse_json_document(text);
    let paths: Vec<&str> = v.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["timeWindows[1].endTime", "timeWindows[2]"]);
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings[0].message.contains("America/New_York"));
}
