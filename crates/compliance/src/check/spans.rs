//! Grouping into date spans: segments of weekly occurrences with one verdict joined into
//! maximal spans of consecutive occurrences of a window with the same key.

use super::{Code, Detail, RawFinding};
use crate::days::DayNumber;
use crate::rules::Severity;

/// What must be equal for two occurrences to join one finding.
#[derive(Clone, Copy, PartialEq, Eq)]
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

/// Joins segments into maximal spans of consecutive occurrences, per window.
pub(super) struct Spans {
    pub(super) open: Vec<Vec<(Key, RawFinding)>>,
    pub(super) target: u16,
    pub(super) done: Vec<RawFinding>,
}

impl Spans {
    pub(super) fn new(windows: usize, target: u16) -> Spans {
        Spans {
            open: (0..windows).map(|_| Vec::new()).collect(),
            target,
            done: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, key: Key, seg: Seg) {
        let list = &mut self.open[key.window as usize];
        // Within a pass a rule's segments of a window come in date order, so a span of the
        // rule whose next occurrence is already behind can never grow again: close it
        // (keeps the open list short). Only the same rule's: another rule's segments can be
        // behind this one (a version's part of a run starts inside it), and a span of that
        // rule closed early would be cut in two where its run joins the next.
        let mut i = 0;
        while i < list.len() {
            if list[i].0.rule == key.rule && list[i].1.last + 7 < seg.first {
                self.done.push(list.swap_remove(i).1);
            } else {
                i += 1;
            }
        }
        if let Some((_, f)) = list.iter_mut().find(|(k, _)| *k == key) {
            if seg.first == f.last + 7 {
                f.last = seg.last;
                f.occurrences += seg.count;
                return;
            }
            self.done.push(*f);
            *f = Self::finding(key, &seg, self.target);
        } else {
            list.push((key, Self::finding(key, &seg, self.target)));
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

    /// Moves every span into `out` and leaves `self` empty (its buffers kept for reuse).
    pub(super) fn finish(&mut self, out: &mut Vec<RawFinding>) {
        out.append(&mut self.done);
        for list in &mut self.open {
            out.extend(list.drain(..).map(|(_, f)| f));
        }
    }
}
