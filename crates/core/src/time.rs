//! Wall-clock times of day as written in schedules (`HH:MM:SS`).

use std::fmt;

/// A time of day in whole seconds since midnight, `00:00:00..=23:59:59`.
///
/// Schedules never use `24:00:00`: a window that would end at midnight ends at `23:59:59`
/// or is split, as the API requires `startTime < endTime` within one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u32);

impl LocalTime {
    /// Seconds in a civil day.
    pub const DAY: u32 = 86_400;

    /// Builds a time from seconds since midnight; `None` when out of range.
    pub fn from_seconds(secs: u32) -> Option<LocalTime> {
        (secs < Self::DAY).then_some(LocalTime(secs))
    }

    /// Builds a time from hours, minutes and seconds; `None` when out of range.
    pub fn from_hms(h: u32, m: u32, s: u32) -> Option<LocalTime> {
        (h < 24 && m < 60 && s < 60).then(|| LocalTime(h * 3600 + m * 60 + s))
    }

    /// Parses exactly `HH:MM:SS` (zero-padded, 24-hour clock).
    ///
    /// # Errors
    /// A message saying what was expected, for use in a validation issue.
    pub fn parse(text: &str) -> Result<LocalTime, String> {
        if let Some(t) = Self::parse_valid(text) {
            return Ok(t);
        }
        Self::refusal(text)
    }

    /// [`LocalTime::parse`] for a valid time, in a few instructions; `None` for anything
    /// else (which `parse` then explains). The eight bytes are read as one word, whose digits
    /// become their values and whose colons become zero (`HH:MM:SS` is parsed for every
    /// window of every document).
    #[inline]
    pub fn parse_valid(text: &str) -> Option<LocalTime> {
        let bytes = <[u8; 8]>::try_from(text.as_bytes()).ok()?;
        const SHAPE: u64 = u64::from_le_bytes(*b"00:00:00");
        let x = u64::from_le_bytes(bytes) ^ SHAPE;
        // A byte below 10 stays below 0x80 when 0x76 is added; its high bit is kept out of
        // the sum so that no byte carries into the next.
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        const COLONS: u64 = 0x0000_ff00_00ff_0000;
        let digits_ok = (((x & LOW) + 0x7676_7676_7676_7676) | x) & HIGH == 0;
        if !digits_ok || x & COLONS != 0 {
            return None;
        }
        let b = x.to_le_bytes().map(u32::from);
        Self::from_hms(b[0] * 10 + b[1], b[3] * 10 + b[4], b[6] * 10 + b[7])
    }

    /// Why `text` is not a time (or, should it be one after all, the time).
    #[cold]
    fn refusal(text: &str) -> Result<LocalTime, String> {
        let b = text.as_bytes();
        let digits = |i: usize| -> Option<u32> {
            let (hi, lo) = (b[i], b[i + 1]);
            (hi.is_ascii_digit() && lo.is_ascii_digit())
                .then(|| u32::from(hi - b'0') * 10 + u32::from(lo - b'0'))
        };
        let shaped = b.len() == 8 && b[2] == b':' && b[5] == b':';
        let parts = shaped
            .then(|| Some((digits(0)?, digits(3)?, digits(6)?)))
            .flatten();
        match parts {
            Some((h, m, s)) => Self::from_hms(h, m, s).ok_or_else(|| {
                if h == 24 {
                    format!(
                        "expected a time of day 00:00:00..23:59:59, found {text:?}: a window \
                         cannot end at 24:00:00; end it at 23:59:59"
                    )
                } else {
                    format!("expected a time of day 00:00:00..23:59:59, found {text:?}")
                }
            }),
            None => Err(format!(
                "expected a time as HH:MM:SS (zero-padded, 24-hour), found {text:?}"
            )),
        }
    }

    /// Seconds since midnight.
    pub fn seconds(self) -> u32 {
        self.0
    }

    /// This time as a jiff civil time.
    pub fn to_civil(self) -> jiff::civil::Time {
        jiff::civil::Time::constant(
            (self.0 / 3600) as i8,
            ((self.0 / 60) % 60) as i8,
            (self.0 % 60) as i8,
            0,
        )
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}:{:02}",
            self.0 / 3600,
            (self.0 / 60) % 60,
            self.0 % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for t in ["00:00:00", "09:05:07", "23:59:59"] {
            assert_eq!(LocalTime::parse(t).unwrap().to_string(), t);
        }
    }

    #[test]
    fn rejects_malformed_times() {
        for t in [
            "24:00:00",
            "9:00",
            "09:00",
            "9:00:00",
            "09:60:00",
            "09:00:60",
            "0900:00",
            "ab:cd:ef",
            "09:00:00 ",
        ] {
            assert!(LocalTime::parse(t).is_err(), "{t} should be rejected");
        }
        assert!(
            LocalTime::parse("24:00:00")
                .unwrap_err()
                .contains("23:59:59")
        );
    }

    /// Every `HH:MM:SS` with two-digit fields up to 99 parses exactly when it is a time of
    /// day, to the right second; any other byte in any position is refused.
    #[test]
    fn every_two_digit_triple_is_judged_right() {
        for h in 0..100u32 {
            for m in (0..100u32).step_by(7).chain([59, 60]) {
                for sec in [0, 1, 30, 59, 60, 99] {
                    let text = format!("{h:02}:{m:02}:{sec:02}");
                    let valid = h < 24 && m < 60 && sec < 60;
                    match LocalTime::parse(&text) {
                        Ok(t) => {
                            assert!(valid, "{text}");
                            assert_eq!(t.seconds(), h * 3600 + m * 60 + sec);
                        }
                        Err(_) => assert!(!valid, "{text}"),
                    }
                }
            }
        }
        for at in 0..8 {
            for b in [b'/', b':', b';', b'a', b' ', 0xc3] {
                let mut bytes = *b"12:34:56";
                if bytes[at] == b {
                    continue;
                }
                bytes[at] = b;
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    assert!(LocalTime::parse(text).is_err(), "{text}");
                }
            }
        }
    }
}
