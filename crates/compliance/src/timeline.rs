//! A zone's offsets over a horizon, as a short list of transitions, for fast lookups.
//!
//! The check asks "what is this zone's UTC offset at this instant" many times; between two
//! transitions the answer is constant, so a zone over a horizon is its offset before the
//! horizon and the (few) transitions inside it, read once from the bundled tz database.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A zone's offsets between two instants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Offset (seconds east of UTC) before the first transition.
    pub initial: i32,
    /// `(instant, offset from then on)`, in order; instants are Unix seconds.
    pub transitions: Vec<(i64, i32)>,
}

impl Timeline {
    /// The offsets of `tz` for instants in `[start, end)` (Unix seconds).
    pub fn new(tz: &TimeZone, start: i64, end: i64) -> Timeline {
        let begin = Timestamp::from_second(start).expect("horizon within range");
        let initial = tz.to_offset(begin).seconds();
        let transitions = tz
            .following(begin)
            .take_while(|t| t.timestamp().as_second() < end)
            .map(|t| (t.timestamp().as_second(), t.offset().seconds()))
            .collect();
        Timeline {
            initial,
            transitions,
        }
    }

    /// The offset at instant `ts` (Unix seconds).
    pub fn offset_at(&self, ts: i64) -> i32 {
        match self.transitions.partition_point(|&(t, _)| t <= ts) {
            0 => self.initial,
            i => self.transitions[i - 1].1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_york_2026_has_two_transitions() {
        let tz = cxsched_core::zone::resolve("America/New_York")
            .unwrap()
            .zone
            .tz;
        // 2026-01-01T00:00Z .. 2027-01-01T00:00Z
        let t = Timeline::new(tz, 1_767_225_600, 1_798_761_600);
        assert_eq!(t.initial, -5 * 3600);
        assert_eq!(t.transitions.len(), 2);
        assert_eq!(t.offset_at(1_767_225_600 + 180 * 86_400), -4 * 3600);
        let phoenix = cxsched_core::zone::resolve("America/Phoenix")
            .unwrap()
            .zone
            .tz;
        assert!(
            Timeline::new(phoenix, 1_767_225_600, 1_798_761_600)
                .transitions
                .is_empty()
        );
    }
}
