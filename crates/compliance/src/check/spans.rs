//! Grouping into date spans: segments of weekly occurrences with one verdict joined into
//! maximal spans of consecutive occurrences of a window with the same key, given out in
//! report order.
//!
//! A pass (one part of a check: a zone's federal rules, a target's state rules) files each
//! span under its slot, the rule's rank in the pass and the window, so that the report's
//! order (rule, window, code, first date) comes from walking the slots in order: no sort
//! over the pass's findings, only of a slot's few when its codes interleave.

use super::{Code, Detail, RawFinding};
use crate::days::DayNumber;
use crate::rules::Severity;

/// What must be equal for two occurrences to join one finding.
#[derive(Clone, Copy)]
pub(super) struct Key {
    pub(super) code: Code,
    pub(super) rule: u16,
    pub(super) window: u16,
    pub(super) detail: Detail,
    /// Local seconds relative to the campaign date (hours findings only).
    pub(super) local: (i64, i64),
}

/// Occurrences of one window, weekly from `first` to `last`, with one verdict.
pub(super) struct Seg {
    pub(super) severity: Severity,
    pub(super) first: DayNumber,
    pub(super) last: DayNumber,
    pub(super) count: u32,
    pub(super) start_ts: i64,
    pub(super) end_ts: i64,
    pub(super) start_offset: i32,
    pub(super) end_offset: i32,
}

/// No span: the end of a slot's list.
const NONE: u32 = u32::MAX;

/// A span made in a pass, and the next span of its slot. Its key is the finding's code,
/// rule, window and detail (the rule and window are the slot's) and `local`.
struct Made {
    finding: RawFinding,
    local: (i64, i64),
    next: u32,
}

/// Joins segments into maximal spans of consecutive occurrences, per rule and window.
///
/// The spans of a slot are a list threaded through one buffer (`made`), so a pass costs no
/// allocation once the buffers have grown.
pub(super) struct Spans {
    made: Vec<Made>,
    /// Per slot (`rank * windows + window`): the first and last of its spans in `made`.
    slots: Vec<(u32, u32)>,
    windows: usize,
    pub(super) target: u16,
}

impl Spans {
    pub(super) fn new(windows: usize, target: u16) -> Spans {
        Spans {
            made: Vec::new(),
            slots: Vec::new(),
            windows,
            target,
        }
    }

    /// Starts a pass whose rules have ranks `0..ranks` (their order in the report); the
    /// last pass must be finished.
    pub(super) fn begin(&mut self, ranks: usize) {
        self.made.clear();
        self.slots.clear();
        self.slots.resize(ranks * self.windows, (NONE, NONE));
    }

    /// Adds the occurrences `seg` with the key `key`, of the rule ranked `rank` in the pass.
    ///
    /// Within a pass a rule's segments of a window come in date order, so the only span a
    /// segment can extend is one with its key that ends a week before it starts.
    pub(super) fn push(&mut self, rank: u16, key: Key, seg: Seg) {
        let slot = usize::from(rank) * self.windows + usize::from(key.window);
        let (head, tail) = self.slots[slot];
        let mut at = head;
        while at != NONE {
            let m = &mut self.made[at as usize];
            let f = &mut m.finding;
            if f.last + 7 == seg.first
                && (f.code, f.detail, m.local) == (key.code, key.detail, key.local)
            {
                f.last = seg.last;
                f.occurrences += seg.count;
                return;
            }
            at = m.next;
        }
        let new = self.made.len() as u32;
        self.made.push(Made {
            finding: Self::finding(key, &seg, self.target),
            local: key.local,
            next: NONE,
        });
        if tail == NONE {
            self.slots[slot] = (new, new);
        } else {
            self.made[tail as usize].next = new;
            self.slots[slot].1 = new;
        }
    }

    fn finding(key: Key, seg: &Seg, target: u16) -> RawFinding {
        RawFinding {
            code: key.code,
            severity: seg.severity,
            rule: Some(key.rule),
            window: Some(key.window),
            target: Some(target),
            first: seg.first,
            last: seg.last,
            occurrences: seg.count,
            start_ts: seg.start_ts,
            end_ts: seg.end_ts,
            start_offset: seg.start_offset,
            end_offset: seg.end_offset,
            detail: key.detail,
        }
    }

    /// Moves the pass's spans into `out` in report order: by rank, window, code and first
    /// date. A slot's spans were made in date order of each code's own phase (hours and
    /// weekdays first, holidays after), so most slots come out as they are.
    pub(super) fn finish(&mut self, out: &mut Vec<RawFinding>) {
        out.reserve(self.made.len());
        for &(head, _) in &self.slots {
            let start = out.len();
            let mut at = head;
            while at != NONE {
                let m = &self.made[at as usize];
                out.push(m.finding);
                at = m.next;
            }
            let slot = &mut out[start..];
            let order = |f: &RawFinding| (f.code, f.first);
            if !slot.is_sorted_by_key(order) {
                slot.sort_by_key(order);
            }
        }
        self.made.clear();
    }
}
