//! Fuzz target for the schedule document reader, `cxsched_core::parse_document`.
//!
//! The first byte picks the format (0: JSON, 1: TOML, 2: YAML, modulo 3); the rest is the
//! document text. Beyond "never panics", it checks what callers rely on: a document is valid
//! exactly when it has no errors and then yields a schedule; every error has a message; a
//! valid schedule's API body validates back to the same schedule (less its compliance
//! table, which is never sent); the fast JSON reader agrees with the generic one; and
//! expanding it over a spring-forward week does not panic.

#![no_main]

use cxsched_core::validate::{Profile, validate_value};
use cxsched_core::{Compliance, Format, Schedule, occurrences, parse_document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = match selector % 3 {
        0 => Format::Json,
        1 => Format::Toml,
        _ => Format::Yaml,
    };
    let v = parse_document(text, format);
    if format == Format::Json {
        let fast = cxsched_core::validate::parse_json_document(text);
        assert_eq!((&fast.errors, &fast.warnings), (&v.errors, &v.warnings));
        assert_eq!(fast.schedule, v.schedule);
    }
    assert_eq!(
        v.is_valid(),
        v.schedule.is_some(),
        "valid iff a schedule: {:?}",
        v.errors
    );
    for issue in v.errors.iter().chain(&v.warnings) {
        assert!(
            !issue.message.is_empty(),
            "an issue without a message at {:?}",
            issue.path
        );
    }
    if let Some(schedule) = &v.schedule {
        let wire = validate_value(&schedule.to_wire(), Profile::Wire);
        assert!(
            wire.errors.is_empty(),
            "the API body of a valid schedule is invalid: {:?}",
            wire.errors
        );
        // The API body carries everything but the compliance table.
        let without_compliance = Schedule {
            compliance: Compliance::default(),
            ..schedule.clone()
        };
        assert_eq!(wire.schedule, Some(without_compliance));
        let from = jiff::civil::date(2026, 3, 5);
        for o in occurrences(schedule, from, 7) {
            assert_eq!(o.date.weekday(), schedule.windows[o.window].day);
        }
    }
});
