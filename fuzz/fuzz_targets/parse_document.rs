//! Fuzz target for the schedule document reader, `cxsched_core::parse_document`.
//!
//! The first byte picks the format (0: JSON, 1: TOML, 2: YAML, modulo 3); the rest is the
//! document text. Beyond "never panics", it checks what callers rely on: a document is valid
//! exactly when it has no errors and then yields a schedule; every error has a message; a
//! valid schedule's API body validates back to the same schedule (less its compliance
//! table, which is never sent); the fast JSON reader agrees with the generic one, including
//! on keys written twice; a JSON text with a repeated key (found by a strict reader of this
//! target's own, independent of cxsched's) is never valid and is reported as such; every
//! report stays bounded; and expanding a valid schedule over a spring-forward week does not
//! panic.

#![no_main]

use cxsched_core::validate::{MAX_REPORTED_ISSUES, Profile, validate_value};
use cxsched_core::{Compliance, Format, Schedule, occurrences, parse_document};
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Whether `text` is JSON with a key written twice in some object, at any depth.
fn has_duplicate(text: &str) -> Option<bool> {
    // Only texts serde_json accepts (so a failure of the strict reader is a repeat).
    serde_json::from_str::<serde_json::Value>(text).ok()?;
    Some(serde_json::from_str::<StrictDeep>(text).is_err())
}

/// Any JSON value, refusing an object that repeats a key (at any depth): the oracle for
/// duplicates, independent of cxsched's own scan.
struct StrictDeep;

impl<'de> Deserialize<'de> for StrictDeep {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<StrictDeep, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrictDeep;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<StrictDeep, E> {
                Ok(StrictDeep)
            }
            fn visit_i64<E>(self, _: i64) -> Result<StrictDeep, E> {
                Ok(StrictDeep)
            }
            fn visit_u64<E>(self, _: u64) -> Result<StrictDeep, E> {
                Ok(StrictDeep)
            }
            fn visit_f64<E>(self, _: f64) -> Result<StrictDeep, E> {
                Ok(StrictDeep)
            }
            fn visit_str<E>(self, _: &str) -> Result<StrictDeep, E> {
                Ok(StrictDeep)
            }
            fn visit_unit<E>(self) -> Result<StrictDeep, E> {
                Ok(StrictDeep)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictDeep, A::Error> {
                while seq.next_element::<StrictDeep>()?.is_some() {}
                Ok(StrictDeep)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictDeep, A::Error> {
                let mut keys = std::collections::HashSet::new();
                while let Some(k) = map.next_key::<String>()? {
                    if !keys.insert(k) {
                        return Err(serde::de::Error::custom("duplicate"));
                    }
                    map.next_value::<StrictDeep>()?;
                }
                Ok(StrictDeep)
            }
        }
        d.deserialize_any(V)
    }
}

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
        assert_eq!(fast.campaign_id, v.campaign_id);
        // Within the limits, a repeated key is an error naming the repeat.
        if text.len() <= cxsched_core::validate::MAX_DOCUMENT_BYTES
            && !text.starts_with('\u{feff}')
            && has_duplicate(text) == Some(true)
        {
            assert!(!v.is_valid(), "a repeated key accepted: {text}");
            assert!(
                v.errors
                    .iter()
                    .any(|e| e.message.contains("the key appears")
                        || e.message.contains("nest deeper than the limit")),
                "a repeated key not reported: {:?}",
                v.errors
            );
        }
    }
    assert!(v.errors.len() <= MAX_REPORTED_ISSUES && v.warnings.len() <= MAX_REPORTED_ISSUES);
    for issue in v.errors.iter().chain(&v.warnings) {
        assert!(issue.message.chars().count() <= 1001 && issue.path.chars().count() <= 201);
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
