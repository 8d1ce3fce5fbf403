//! A fast reader for JSON documents of the common shape: the wire fields (any of them may be
//! missing), strings without escapes, `maxConcurrentCalls` any JSON scalar. Such a document
//! is read straight into borrowed fields (no tree, no copies) and checked by the same rules,
//! in the same order, as the generic path. Anything else (a wrong type elsewhere, an unknown
//! or duplicate field, `null`, a `compliance` table, an escaped string, bad JSON) is not
//! this reader's business: it says so and the caller reads the document through the
//! generic tree, which reports every problem. Both paths therefore give the same issues; `validate --jsonl` and `check --jsonl`
//! use this one for throughput.
//!
//! The reader is a small scanner rather than a serde derive: it accepts a subset of what
//! `serde_json` accepts (compact or spaced JSON of exactly this shape) and refuses everything
//! else, so whatever it reads, it reads as `serde_json` would, and refusing costs only time.

use serde_json::Value;

use super::{Checker, Validation, expect, join};
use crate::json_bytes::{first_special, special_bytes};
use crate::model::{Compliance, Schedule};

/// A document of the common shape, its fields borrowed from the text.
struct Document<'a> {
    campaign_id: Option<&'a str>,
    schedule_id: Option<&'a str>,
    timezone: Option<&'a str>,
    business_hours_directive: Option<&'a str>,
    max_concurrent_calls: Option<Calls>,
    time_windows: Option<Vec<Window<'a>>>,
}

/// `maxConcurrentCalls`: usually a plain count, else whatever scalar was written.
enum Calls {
    Count(u64),
    Other(Value),
}

struct Window<'a> {
    day_of_week: Option<&'a str>,
    start_time: Option<&'a str>,
    end_time: Option<&'a str>,
}

/// A cursor over the document's bytes. Every method returns `None` for anything outside the
/// common shape.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips white space, then takes `byte`.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string without escapes or control characters, after white space.
    // Inlined: called for every key and value, and the call costs more than the work.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let end = start + first_special(&bytes[start..])?;
        if *bytes.get(end)? != b'"' {
            return None;
        }
        self.at = end + 1;
        // The closing quote is ASCII, so this is a character boundary.
        self.text.get(start..end)
    }

    /// A string value that is usually eight bytes long (a time of day): taken whole when it
    /// is, scanned as any string when not.
    fn short_string(&mut self) -> Option<&'a str> {
        self.skip_space();
        let rest = &self.text.as_bytes()[self.at..];
        if let Some(&[b'"', ref inner @ .., b'"']) = rest.get(..10)
            && special_bytes(u64::from_le_bytes(inner.try_into().expect("8"))) == 0
        {
            // Both quotes are ASCII, so both ends are character boundaries.
            let s = self.text.get(self.at + 1..self.at + 9)?;
            self.at += 10;
            return Some(s);
        }
        self.string()
    }

    /// A non-negative integer as `serde_json` reads one into a `u64`: no sign, no leading
    /// zero, no fraction or exponent, no overflow.
    fn unsigned(&mut self) -> Option<u64> {
        self.skip_space();
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && self.text.as_bytes()[start] == b'0';
        let fraction = matches!(self.peek(), Some(b'.' | b'e' | b'E'));
        (digits > 0 && !leading_zero && !fraction).then_some(n)
    }

    /// A key, after white space, as its index in `keys`: `keys[position]` (the key usually
    /// found here) is recognised by a comparison of bytes, any other key is scanned as a
    /// string and looked up; `None` for a key not in `keys`.
    // Inlined: called for every key and value, and the call costs more than the work.
    #[inline(always)]
    fn key(&mut self, keys: &[&'static str], position: usize) -> Option<usize> {
        self.skip_space();
        if let Some(usual) = keys.get(position) {
            let rest = &self.text.as_bytes()[self.at..];
            let n = usual.len();
            if rest.len() > n + 1
                && rest[0] == b'"'
                && rest[n + 1] == b'"'
                && same_bytes(&rest[1..=n], usual.as_bytes())
            {
                self.at += n + 2;
                return Some(position);
            }
        }
        let key = self.string()?;
        keys.iter().position(|k| *k == key)
    }

    /// `maxConcurrentCalls`: a count, or any other scalar (a string without escapes, a
    /// number of any form, `true`, `false`, `null`) read as `serde_json` reads it, for the
    /// generic check to judge.
    fn calls(&mut self) -> Option<Calls> {
        self.skip_space();
        let start = self.at;
        if let Some(n) = self.unsigned() {
            return Some(Calls::Count(n));
        }
        self.at = start;
        if self.peek()? == b'"' {
            return Some(Calls::Other(Value::String(self.string()?.to_owned())));
        }
        let bytes = self.text.as_bytes();
        while bytes
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
        {
            self.at += 1;
        }
        let token = &self.text[start..self.at];
        match serde_json::from_str::<Value>(token).ok()? {
            v @ (Value::Number(_) | Value::Bool(_) | Value::Null) => Some(Calls::Other(v)),
            _ => None,
        }
    }

    /// The members of an object: calls `member` with each key's index in `keys`, after the
    /// `:`; the object's `{` must come next, and a key not in `keys` is not the common
    /// shape. An empty object is fine here (missing fields are the caller's). `keys` lists
    /// the keys in the order documents usually give them, which makes reading those
    /// cheaper (and matching on an index, not on the text); any order is read alike.
    fn object(
        &mut self,
        keys: &[&'static str],
        mut member: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        self.skip_space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        for position in 0.. {
            let key = self.key(keys, position)?;
            self.expect(b':')?;
            member(self, key)?;
            self.skip_space();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
        None
    }

    fn window(&mut self) -> Option<Window<'a>> {
        let (mut day, mut start, mut end) = (None, None, None);
        self.object(&["dayOfWeek", "startTime", "endTime"], |s, key| match key {
            0 => set_once(&mut day, s.string()?),
            1 => set_once(&mut start, s.short_string()?),
            2 => set_once(&mut end, s.short_string()?),
            _ => None,
        })?;
        Some(Window {
            day_of_week: day,
            start_time: start,
            end_time: end,
        })
    }

    fn windows(&mut self) -> Option<Vec<Window<'a>>> {
        self.expect(b'[')?;
        // Room for a week of usual windows at once, not grown a few at a time.
        let mut out = Vec::with_capacity(8);
        self.skip_space();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(out);
        }
        loop {
            // A list over the limit is the generic path's to refuse.
            if out.len() == super::MAX_WINDOWS {
                return None;
            }
            out.push(self.window()?);
            self.skip_space();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn document(&mut self) -> Option<Document<'a>> {
        let (mut campaign_id, mut schedule_id, mut timezone) = (None, None, None);
        let (mut directive, mut max_calls, mut windows) = (None, None, None);
        self.object(
            &[
                "campaignId",
                "timezone",
                "businessHoursDirective",
                "maxConcurrentCalls",
                "timeWindows",
                // Seldom written, so last.
                "scheduleId",
            ],
            |s, key| match key {
                0 => set_once(&mut campaign_id, s.string()?),
                1 => set_once(&mut timezone, s.string()?),
                2 => set_once(&mut directive, s.string()?),
                3 => set_once(&mut max_calls, s.calls()?),
                4 => set_once(&mut windows, s.windows()?),
                5 => set_once(&mut schedule_id, s.string()?),
                _ => None,
            },
        )?;
        self.skip_space();
        if self.at != self.text.len() {
            return None;
        }
        Some(Document {
            campaign_id,
            schedule_id,
            timezone,
            business_hours_directive: directive,
            max_concurrent_calls: max_calls,
            time_windows: windows,
        })
    }
}

/// `a == b` for short slices of equal length, eight bytes at a time (the last eight
/// overlapping), without the call to `memcmp` a slice comparison makes.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8"));
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// Fills a field seen for the first time; a second occurrence is not the common shape.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

/// Validates `text` when it has the common shape; `None` when the generic path must.
pub(super) fn validate(text: &str) -> Option<Validation> {
    let doc = Scanner { text, at: 0 }.document()?;
    let mut cx = Checker::default();
    // The same checks in the same order as `Checker::document`, so issues come out alike.
    let campaign_id = match doc.campaign_id {
        Some(s) => cx.uuid_text(s, "campaignId"),
        None => cx.missing_field("campaignId", expect::CAMPAIGN_ID),
    };
    let schedule_id = doc.schedule_id.and_then(|s| cx.uuid_text(s, "scheduleId"));
    let timezone = match doc.timezone {
        Some(s) => cx.zone_text(s),
        None => cx.missing_field("timezone", expect::TIMEZONE),
    };
    let directive = match doc.business_hours_directive {
        Some(s) => cx.directive_text(s),
        None => cx.missing_field("businessHoursDirective", expect::DIRECTIVE),
    };
    let max_calls = match doc.max_concurrent_calls {
        Some(Calls::Count(n)) => cx.in_range(n, "maxConcurrentCalls", 1, 500),
        Some(Calls::Other(v)) => cx.integer(&v, "maxConcurrentCalls", 1, 500),
        None => cx.missing_field("maxConcurrentCalls", expect::MAX_CALLS),
    };
    let windows = match &doc.time_windows {
        Some(list) => window_list(&mut cx, list),
        None => cx.missing_field("timeWindows", expect::WINDOWS),
    };
    let schedule = (|| {
        Some(Schedule {
            campaign_id: campaign_id?,
            schedule_id,
            timezone: timezone?,
            directive: directive?,
            max_concurrent_calls: u16::try_from(max_calls?).ok()?,
            windows: windows?,
            compliance: Compliance::default(),
            skill_ids: Vec::new(),
        })
    })();
    Some(
        Validation {
            schedule: if cx.errors.is_empty() {
                schedule.map(Box::new)
            } else {
                None
            },
            campaign_id: doc.campaign_id.map(str::to_owned),
            errors: cx.errors,
            warnings: cx.warnings,
        }
        .bounded(),
    )
}

/// The windows, checked as `Checker::windows` checks them.
fn window_list(cx: &mut Checker, list: &[Window<'_>]) -> Option<Vec<crate::model::TimeWindow>> {
    if list.is_empty() {
        cx.empty_windows_warning();
    }
    let errors_before = cx.errors.len();
    let parsed: Vec<_> = list
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let at = || super::window_path(i);
            let day = match w.day_of_week {
                Some(s) => cx.day_text(s, &|| join(&at(), "dayOfWeek")),
                None => cx.missing_field(&join(&at(), "dayOfWeek"), expect::DAY),
            };
            let start = match w.start_time {
                Some(s) => cx.time_text(s, &|| join(&at(), "startTime")),
                None => cx.missing_field(&join(&at(), "startTime"), expect::TIME),
            };
            let end = match w.end_time {
                Some(s) => cx.time_text(s, &|| join(&at(), "endTime")),
                None => cx.missing_field(&join(&at(), "endTime"), expect::TIME),
            };
            cx.window_parts(&at, day, start, end)
        })
        .collect();
    cx.day_rules(&parsed);
    (cx.errors.len() == errors_before).then(|| parsed.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Missing fields and odd counts stay on the fast path (the equivalence tests hold it
    /// to the generic reader's issues).
    #[test]
    fn missing_fields_and_any_scalar_count_are_read_fast() {
        let docs = [
            r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"UTC","maxConcurrentCalls":10,"timeWindows":[]}"#,
            r#"{"timezone":"UTC","businessHoursDirective":"STRICT","maxConcurrentCalls":-5,"timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00"}]}"#,
            r#"{"maxConcurrentCalls":12.5}"#,
            r#"{"maxConcurrentCalls":"12"}"#,
            r#"{"maxConcurrentCalls":null}"#,
            "{}",
        ];
        for doc in docs {
            let v = validate(doc).unwrap_or_else(|| panic!("not read fast: {doc}"));
            assert!(!v.errors.is_empty(), "{doc}");
        }
        let missing = validate(docs[5]).unwrap();
        let paths: Vec<&str> = missing.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "campaignId",
                "timezone",
                "businessHoursDirective",
                "maxConcurrentCalls",
                "timeWindows"
            ]
        );
        for refused in [
            r#"{"maxConcurrentCalls":01}"#,
            r#"{"maxConcurrentCalls":[1]}"#,
            r#"{"x":1}"#,
        ] {
            assert!(validate(refused).is_none(), "{refused}");
        }
    }

    #[test]
    fn same_bytes_is_slice_equality() {
        let words = [
            "",
            "a",
            "dayOfWeek",
            "startTime",
            "endTime",
            "campaignId",
            "timezone",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b, "{a} {b}");
            }
            // One byte changed anywhere is seen.
            for i in 0..a.len() {
                let mut c = a.as_bytes().to_vec();
                c[i] ^= 0x20;
                assert!(!same_bytes(a.as_bytes(), &c), "{a} at {i}");
            }
        }
        let long = b"businessHoursDirective";
        assert!(same_bytes(long, long));
    }

    #[test]
    fn strings_stop_at_the_quote_and_refuse_escapes() {
        let mut s = Scanner {
            text: r#" "0123456789abcdef-long enough" "short" "with \"escape" "#,
            at: 0,
        };
        assert_eq!(s.string(), Some("0123456789abcdef-long enough"));
        assert_eq!(s.string(), Some("short"));
        assert_eq!(s.string(), None);
        let mut unterminated = Scanner {
            text: r#""0123456789abcdef"#,
            at: 0,
        };
        assert_eq!(unterminated.string(), None);
    }
}
