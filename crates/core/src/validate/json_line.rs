//! A fast reader for JSON documents of the common shape: exactly the wire fields, each of the
//! expected JSON type, strings without escapes. Such a document is read straight into
//! borrowed fields (no tree, no copies) and checked by the same rules as the generic path.
//! Anything else (a wrong type, an unknown, duplicate or missing field, `null`, a
//! `compliance` table, an escaped string, bad JSON) is not this reader's business: it says
//! so and the caller reads the document through the generic tree, which reports every
//! problem. Both paths therefore give the same issues; `validate --jsonl` and `check --jsonl`
//! use this one for throughput.
//!
//! The reader is a small scanner rather than a serde derive: it accepts a subset of what
//! `serde_json` accepts (compact or spaced JSON of exactly this shape) and refuses everything
//! else, so whatever it reads, it reads as `serde_json` would, and refusing costs only time.

use super::{Checker, Validation, join};
use crate::model::{Compliance, Schedule};

/// A document of the common shape, its fields borrowed from the text.
struct Document<'a> {
    campaign_id: &'a str,
    schedule_id: Option<&'a str>,
    timezone: &'a str,
    business_hours_directive: &'a str,
    max_concurrent_calls: u64,
    time_windows: Vec<Window<'a>>,
}

struct Window<'a> {
    day_of_week: &'a str,
    start_time: &'a str,
    end_time: &'a str,
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
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut end = start;
        // Eight bytes at a time up to the first `"`, `\\` or control character; byte by byte
        // in the last few bytes of the text.
        loop {
            match bytes.get(end..end + 8) {
                Some(block) => {
                    let found = special_bytes(u64::from_le_bytes(block.try_into().expect("8")));
                    if found != 0 {
                        end += (found.trailing_zeros() / 8) as usize;
                        break;
                    }
                    end += 8;
                }
                None => {
                    while bytes.get(end).is_some_and(|&b| !is_special(b)) {
                        end += 1;
                    }
                    break;
                }
            }
        }
        if *bytes.get(end)? != b'"' {
            return None;
        }
        self.at = end + 1;
        // The closing quote is ASCII, so this is a character boundary.
        self.text.get(start..end)
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

    /// A key, after white space: `usual` (the key usually found here) is recognised by a
    /// comparison of bytes, any other key is scanned as a string.
    fn key(&mut self, usual: Option<&'static str>) -> Option<&'a str> {
        self.skip_space();
        if let Some(usual) = usual {
            let rest = &self.text.as_bytes()[self.at..];
            let n = usual.len();
            if rest.len() > n + 1
                && rest[0] == b'"'
                && rest[n + 1] == b'"'
                && &rest[1..=n] == usual.as_bytes()
            {
                self.at += n + 2;
                return Some(usual);
            }
        }
        self.string()
    }

    /// The members of an object: calls `member` with each key, after the `:`; the object's
    /// `{` must come next. An empty object is fine here (missing fields are the caller's).
    /// `usual` lists the keys in the order documents usually give them, which makes reading
    /// those cheaper; any order is read alike.
    fn object(
        &mut self,
        usual: &[&'static str],
        mut member: impl FnMut(&mut Self, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        self.skip_space();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        for position in 0.. {
            let key = self.key(usual.get(position).copied())?;
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
        self.object(&["dayOfWeek", "startTime", "endTime"], |s, key| {
            let slot = match key {
                "dayOfWeek" => &mut day,
                "startTime" => &mut start,
                "endTime" => &mut end,
                _ => return None,
            };
            set_once(slot, s.string()?)
        })?;
        Some(Window {
            day_of_week: day?,
            start_time: start?,
            end_time: end?,
        })
    }

    fn windows(&mut self) -> Option<Vec<Window<'a>>> {
        self.expect(b'[')?;
        let mut out = Vec::new();
        self.skip_space();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(out);
        }
        loop {
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
            ],
            |s, key| match key {
                "campaignId" => set_once(&mut campaign_id, s.string()?),
                "scheduleId" => set_once(&mut schedule_id, s.string()?),
                "timezone" => set_once(&mut timezone, s.string()?),
                "businessHoursDirective" => set_once(&mut directive, s.string()?),
                "maxConcurrentCalls" => set_once(&mut max_calls, s.unsigned()?),
                "timeWindows" => set_once(&mut windows, s.windows()?),
                _ => None,
            },
        )?;
        self.skip_space();
        if self.at != self.text.len() {
            return None;
        }
        Some(Document {
            campaign_id: campaign_id?,
            schedule_id,
            timezone: timezone?,
            business_hours_directive: directive?,
            max_concurrent_calls: max_calls?,
            time_windows: windows?,
        })
    }
}

/// A `"`, a `\\` or a control character: where a plain string stops.
fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The high bit of each of the 8 bytes of `w` (little-endian) that [`is_special`], exact up
/// to and including the first such byte (the classic "has a zero byte" and "has a byte less
/// than n" bit tricks; bytes after the first may be marked wrongly, which no caller reads).
fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let q = w ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let b = w ^ (ONES * u64::from(b'\\'));
    let backslash = b.wrapping_sub(ONES) & !b;
    (control | quote | backslash) & HIGH
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
    let campaign_id = cx.uuid_text(doc.campaign_id, "campaignId");
    let schedule_id = doc.schedule_id.and_then(|s| cx.uuid_text(s, "scheduleId"));
    let timezone = cx.zone_text(doc.timezone);
    let directive = cx.directive_text(doc.business_hours_directive);
    let max_calls = cx.in_range(doc.max_concurrent_calls, "maxConcurrentCalls", 1, 500);
    if doc.time_windows.is_empty() {
        cx.empty_windows_warning();
    }
    let errors_before = cx.errors.len();
    let parsed: Vec<_> = doc
        .time_windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let at = || format!("timeWindows[{i}]");
            let day = cx.day_text(w.day_of_week, &|| join(&at(), "dayOfWeek"));
            let start = cx.time_text(w.start_time, &|| join(&at(), "startTime"));
            let end = cx.time_text(w.end_time, &|| join(&at(), "endTime"));
            cx.window_parts(&at, day, start, end)
        })
        .collect();
    cx.day_rules(&parsed);
    let windows =
        (cx.errors.len() == errors_before).then(|| parsed.into_iter().flatten().collect());
    let schedule = (|| {
        Some(Schedule {
            campaign_id: campaign_id?,
            schedule_id,
            timezone: timezone?,
            directive: directive?,
            max_concurrent_calls: u16::try_from(max_calls?).ok()?,
            windows: windows?,
            compliance: Compliance::default(),
        })
    })();
    Some(Validation {
        schedule: if cx.errors.is_empty() { schedule } else { None },
        campaign_id: Some(doc.campaign_id.to_owned()),
        errors: cx.errors,
        warnings: cx.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_special_byte_is_found_in_any_position() {
        let plain: Vec<u8> = (0x20u8..=0xff).filter(|&b| !is_special(b)).collect();
        for special in (0u8..=0xff).filter(|&b| is_special(b)) {
            for at in 0..8 {
                // Any bytes before it, and anything (special or not) after it.
                for (k, &filler) in plain.iter().enumerate() {
                    let mut block = [filler; 8];
                    block[at] = special;
                    for after in at + 1..8 {
                        block[after] = [b'"', 0x01, filler][(k + after) % 3];
                    }
                    let found = special_bytes(u64::from_le_bytes(block));
                    assert_eq!(found.trailing_zeros() / 8, at as u32, "{block:?}");
                }
            }
        }
        for &b in &plain {
            assert_eq!(special_bytes(u64::from_le_bytes([b; 8])), 0, "{b}");
        }
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
