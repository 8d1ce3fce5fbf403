//! The platform's clock times: `HH:mm` on the wire, `HH:mm:ss` accepted when reading
//! (research §2.1: the GET format is unpublished, low), whole minutes only.

use cxsched_core::LocalTime;
use serde_json::Value;

/// Reads a time field: a string `HH:mm` or `HH:mm:ss` (seconds `:00`), or null / absent /
/// empty (`None`).
///
/// # Errors
/// Names `field` and says what was expected.
pub(crate) fn read_time(value: Option<&Value>, field: &str) -> Result<Option<LocalTime>, String> {
    let text = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim(),
        Some(other) => return Err(format!("{field}: expected a time \"HH:mm\", found {other}")),
    };
    let full = match text.len() {
        5 => format!("{text}:00"),
        8 => text.to_owned(),
        _ => {
            return Err(format!(
                "{field}: expected a time \"HH:mm\" or \"HH:mm:ss\", found {text:?}"
            ));
        }
    };
    let t = LocalTime::parse(&full).map_err(|e| format!("{field}: {e}"))?;
    if t.seconds() % 60 != 0 {
        return Err(format!(
            "{field}: {text:?} is not on a whole minute; the platform keeps whole minutes only"
        ));
    }
    Ok(Some(t))
}

/// `HH:mm` (seconds dropped; the platform has none).
pub(crate) fn write_time(t: LocalTime) -> String {
    let s = t.seconds();
    format!("{:02}:{:02}", s / 3600, (s / 60) % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_forms_and_nothing_are_read() {
        let nine = LocalTime::from_hms(9, 0, 0);
        assert_eq!(read_time(Some(&json!("09:00")), "f"), Ok(nine));
        assert_eq!(read_time(Some(&json!("09:00:00")), "f"), Ok(nine));
        assert_eq!(read_time(Some(&json!(null)), "f"), Ok(None));
        assert_eq!(read_time(None, "f"), Ok(None));
        assert_eq!(read_time(Some(&json!("")), "f"), Ok(None));
        assert_eq!(write_time(LocalTime::from_hms(21, 5, 0).unwrap()), "21:05");
    }

    #[test]
    fn bad_times_name_the_field() {
        for bad in [
            json!("09:00:30"),
            json!("9:00"),
            json!("24:00"),
            json!(900),
            json!("09:60"),
        ] {
            let e = read_time(Some(&bad), "mondayStartTime").unwrap_err();
            assert!(e.starts_with("mondayStartTime: "), "{e}");
        }
        assert!(
            read_time(Some(&json!("09:00:30")), "x")
                .unwrap_err()
                .contains("whole minute")
        );
    }
}
