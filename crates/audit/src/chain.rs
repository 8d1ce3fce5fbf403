//! The hash chain, pure: how a line is sealed and how a log's bytes are verified.
//!
//! # Line format and hashing
//!
//! Each entry is one line of JSON (no newline inside) ending in `\n`:
//!
//! ```text
//! {"seq":1,"id":"…","ts":"…","prev":"<64 hex>", …the AuditEntry fields…,"hash":"<64 hex>"}
//! ```
//!
//! `hash` is the SHA-256 of the line's **exact bytes** before the 64 hex digits of the hash,
//! that is, everything up to and including `,"hash":"`. Nothing is re-serialized to verify:
//! the bytes on disk are what is hashed, so any edit (even whitespace or key order) shows.
//! `hash` is always the last member, so a line ends in exactly `<64 hex>"}`.
//! `prev` is the previous entry's `hash`; the first entry has [`GENESIS`] (64 zeros).
//!
//! # Torn lines
//!
//! A line that does not end in `\n` was cut by a crash while it was written (`torn_tail`).
//! The next append seals it rather than deleting it (nothing written is ever lost): it
//! terminates the fragment with `\n` and appends an `audit.torn_tail_recovered` entry whose
//! `details` name the fragment's line, length and SHA-256, chained from the last complete
//! entry. [`verify`] accepts such a fragment only when the entry right after it vouches for
//! exactly those bytes; any other line that is not a valid entry is tampering.
//!
//! # Intents (CONTRACT §11)
//!
//! Before each write, `apply` appends an [`INTENT`] entry whose `details.intentId` names it;
//! the write's outcome (or, after a crash, an [`SETTLED`] entry) carries the same id. An
//! intent with neither is *pending* — the process stopped between the two — and [`verify`]
//! lists it in [`Report::pending`]: not tampering, the chain can still be intact. A
//! settlement whose outcome is [`SETTLED_UNKNOWN`] (the live state could not be read) leaves
//! the intent pending.
//!
//! # What verification cannot see
//!
//! Removing whole entries from the *end* of the log leaves a valid, shorter chain; a chain
//! alone cannot tell. Keep the last `hash` elsewhere (the apply report prints it) to detect
//! that.

use std::io::BufRead;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::AuditEntry;

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The action of the entry that vouches for a torn fragment before it.
pub const TORN_TAIL_RECOVERED: &str = "audit.torn_tail_recovered";

/// The action of the entry written (and synced) before a write, naming it by
/// `details.intentId`.
pub const INTENT: &str = "apply.intent";

/// The action of the entry that settles an intent a crashed run left without an outcome.
pub const SETTLED: &str = "apply.settled";

/// The outcome of a settlement that could not decide (the intent stays pending).
pub const SETTLED_UNKNOWN: &str = "unknown";

/// The `details` member that pairs an intent with its outcome.
pub const INTENT_ID: &str = "intentId";

/// Bytes after the hash's hex digits: `"}`.
const CLOSING: &[u8] = b"\"}";
/// The member that must close every line.
const HASH_MEMBER: &[u8] = b",\"hash\":\"";

/// The fields the log adds to a caller's entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    pub seq: u64,
    pub id: String,
    /// RFC 3339 UTC time of the append.
    pub ts: String,
    /// The previous entry's `hash` ([`GENESIS`] for the first).
    pub prev: String,
}

#[derive(Serialize)]
struct Sealed<'a> {
    seq: u64,
    id: &'a str,
    ts: &'a str,
    prev: &'a str,
    #[serde(flatten)]
    entry: &'a AuditEntry,
}

/// Builds the line (without its `\n`) and its hash for an entry under a seal.
pub fn seal_line(seal: &Seal, entry: &AuditEntry) -> (String, String) {
    let sealed = Sealed {
        seq: seal.seq,
        id: &seal.id,
        ts: &seal.ts,
        prev: &seal.prev,
        entry,
    };
    let mut line = serde_json::to_string(&sealed).expect("an audit entry always serializes");
    line.pop(); // the closing brace
    line.push_str(",\"hash\":\"");
    let hash = hex::encode(Sha256::digest(line.as_bytes()));
    line.push_str(&hash);
    line.push_str("\"}");
    (line, hash)
}

/// A complete line read back: the chain fields and the action, once its hash checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedLine {
    pub seq: u64,
    pub id: String,
    pub prev: String,
    pub hash: String,
    pub action: String,
    pub outcome: Option<String>,
    pub campaign_id: Option<String>,
    pub skill_id: Option<u64>,
    pub details: serde_json::Value,
}

impl ChainedLine {
    /// The intent this entry is, or answers, when it names one.
    pub fn intent_id(&self) -> Option<&str> {
        self.details
            .get(INTENT_ID)
            .and_then(serde_json::Value::as_str)
    }
}

/// Why a line is not a valid entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineFault {
    /// Not a JSON object of the expected shape (edited, or a torn fragment).
    Malformed,
    /// Well-formed, but the bytes do not hash to its `hash`: edited. Carries the entry's id.
    HashMismatch { id: String },
}

/// Checks one line (without `\n`) against its own hash.
///
/// # Errors
/// A [`LineFault`] saying whether the line is malformed or was edited.
pub fn check_line(line: &[u8]) -> Result<ChainedLine, LineFault> {
    #[derive(serde::Deserialize)]
    struct Head {
        seq: u64,
        id: String,
        prev: String,
        hash: String,
        action: String,
        #[serde(default)]
        outcome: Option<String>,
        #[serde(default, rename = "campaignId")]
        campaign_id: Option<String>,
        #[serde(default, rename = "skillId")]
        skill_id: Option<u64>,
        #[serde(default)]
        details: serde_json::Value,
    }
    let head: Head = serde_json::from_slice(line).map_err(|_| LineFault::Malformed)?;
    let n = line.len();
    let hex_len = 64;
    let shaped = n > hex_len + CLOSING.len() + HASH_MEMBER.len()
        && line.ends_with(CLOSING)
        && line[..n - CLOSING.len() - hex_len].ends_with(HASH_MEMBER)
        && head.hash.len() == hex_len
        && &line[n - CLOSING.len() - hex_len..n - CLOSING.len()] == head.hash.as_bytes();
    if !shaped {
        return Err(LineFault::HashMismatch { id: head.id });
    }
    let actual = hex::encode(Sha256::digest(&line[..n - CLOSING.len() - hex_len]));
    if actual != head.hash {
        return Err(LineFault::HashMismatch { id: head.id });
    }
    Ok(ChainedLine {
        seq: head.seq,
        id: head.id,
        prev: head.prev,
        hash: head.hash,
        action: head.action,
        outcome: head.outcome,
        campaign_id: head.campaign_id,
        skill_id: head.skill_id,
        details: head.details,
    })
}

/// How a log is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// An entry was edited, deleted, inserted or reordered.
    Tampered,
    /// The last line is incomplete: a crash while it was written.
    TornTail,
}

/// Where a log breaks: the 1-based line and the entry's id when it could be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokenAt {
    pub line: u64,
    pub id: Option<String>,
}

/// The result of [`verify`], serialized exactly as CONTRACT §2's `audit verify` JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub ok: bool,
    /// Complete entries in the log (recovered torn fragments are not entries).
    pub entries: u64,
    pub broken_at: Option<BrokenAt>,
    pub kind: Option<BreakKind>,
    /// Lines that are torn fragments sealed by a later `audit.torn_tail_recovered` entry.
    pub recovered_torn_lines: Vec<u64>,
    /// The last entry's `hash` (the chain head), when the log has entries.
    pub head: Option<String>,
    /// Intents with neither an outcome nor a settlement (a run stopped between the intent
    /// and the outcome; the next `apply` settles them), in log order.
    pub pending: Vec<PendingIntent>,
}

/// An intent without an outcome, as `audit verify` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingIntent {
    /// The intent's 1-based line.
    pub line: u64,
    /// The intent entry's id.
    pub id: String,
    pub intent_id: String,
    pub campaign_id: Option<String>,
    pub skill_id: Option<u64>,
}

/// What a recovery entry's `details` say about the fragment it seals.
pub(crate) fn recovery_details(line: u64, fragment: &[u8]) -> serde_json::Value {
    serde_json::json!({
        "line": line,
        "bytes": fragment.len(),
        "sha256": hex::encode(Sha256::digest(fragment)),
    })
}

/// Verifies a whole log read from `reader`.
///
/// # Errors
/// Only I/O errors from the reader; a broken chain is a [`Report`] with `ok == false`.
pub fn verify<R: BufRead>(mut reader: R) -> std::io::Result<Report> {
    let mut report = Report {
        ok: true,
        entries: 0,
        broken_at: None,
        kind: None,
        recovered_torn_lines: Vec::new(),
        head: None,
        pending: Vec::new(),
    };
    let mut expected_prev = GENESIS.to_string();
    // A line that is not an entry, waiting for the next entry to vouch for it.
    let mut fragment: Option<(u64, Vec<u8>)> = None;
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let break_at = |report: &mut Report, line: u64, id: Option<String>, kind: BreakKind| {
        if report.broken_at.is_none() {
            report.ok = false;
            report.broken_at = Some(BrokenAt { line, id });
            report.kind = Some(kind);
        }
    };
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        if buf.last() != Some(&b'\n') {
            // The last line, without its newline.
            if let Some((at, _)) = fragment.take() {
                break_at(&mut report, at, None, BreakKind::Tampered);
            }
            let id = check_line(&buf).ok().map(|l| l.id);
            break_at(&mut report, line_no, id, BreakKind::TornTail);
            break;
        }
        let line = &buf[..buf.len() - 1];
        match check_line(line) {
            Ok(entry) => {
                report.entries += 1;
                if let Some((at, bytes)) = fragment.take() {
                    let vouches = entry.action == TORN_TAIL_RECOVERED
                        && entry.details == recovery_details(at, &bytes);
                    if vouches {
                        report.recovered_torn_lines.push(at);
                    } else {
                        break_at(&mut report, at, None, BreakKind::Tampered);
                    }
                }
                if entry.prev != expected_prev {
                    break_at(
                        &mut report,
                        line_no,
                        Some(entry.id.clone()),
                        BreakKind::Tampered,
                    );
                }
                expected_prev = entry.hash.clone();
                track_intent(&mut report.pending, line_no, &entry);
                report.head = Some(entry.hash);
            }
            Err(LineFault::HashMismatch { id }) => {
                report.entries += 1;
                if let Some((at, _)) = fragment.take() {
                    break_at(&mut report, at, None, BreakKind::Tampered);
                }
                break_at(&mut report, line_no, Some(id), BreakKind::Tampered);
            }
            Err(LineFault::Malformed) => {
                if let Some((at, _)) = fragment.take() {
                    break_at(&mut report, at, None, BreakKind::Tampered);
                }
                fragment = Some((line_no, line.to_vec()));
            }
        }
    }
    if let Some((at, _)) = fragment {
        break_at(&mut report, at, None, BreakKind::Tampered);
    }
    Ok(report)
}

/// Takes one valid entry into account for the pending intents.
fn track_intent(pending: &mut Vec<PendingIntent>, line: u64, entry: &ChainedLine) {
    let Some(intent_id) = entry.intent_id() else {
        return;
    };
    if entry.action == INTENT {
        pending.push(PendingIntent {
            line,
            id: entry.id.clone(),
            intent_id: intent_id.to_owned(),
            campaign_id: entry.campaign_id.clone(),
            skill_id: entry.skill_id,
        });
    } else if !(entry.action == SETTLED && entry.outcome.as_deref() == Some(SETTLED_UNKNOWN)) {
        // Outcomes follow their intent closely: search from the end.
        if let Some(i) = pending.iter().rposition(|p| p.intent_id == intent_id) {
            pending.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<String> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let seal = Seal {
                    seq,
                    id: format!("id-{seq}"),
                    ts: "2026-03-08T07:00:00Z".into(),
                    prev: prev.clone(),
                };
                let (line, hash) = seal_line(&seal, &AuditEntry::new("apply.write", "ok"));
                prev = hash;
                line
            })
            .collect()
    }

    fn run(lines: &[String], tail: &str) -> Report {
        let mut text = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        text.push_str(tail);
        verify(text.as_bytes()).unwrap()
    }

    #[test]
    fn a_sealed_line_checks_and_its_hash_covers_its_exact_bytes() {
        let lines = chain(3);
        let first = check_line(lines[0].as_bytes()).unwrap();
        assert_eq!(first.prev, GENESIS);
        assert!(lines[0].ends_with(&format!("\"hash\":\"{}\"}}", first.hash)));
        let r = run(&lines, "");
        assert!(r.ok && r.entries == 3 && r.broken_at.is_none(), "{r:?}");
        // Insignificant whitespace is still an edit.
        let spaced = lines[1].replacen("\"seq\":2", "\"seq\": 2", 1);
        let r = run(&[lines[0].clone(), spaced, lines[2].clone()], "");
        assert_eq!(
            r.broken_at,
            Some(BrokenAt {
                line: 2,
                id: Some("id-2".into())
            })
        );
    }

    #[test]
    fn a_swapped_hash_member_is_caught() {
        let lines = chain(2);
        // Rewrite the outcome and recompute nothing: the hash no longer matches.
        let edited = lines[1].replace("\"outcome\":\"ok\"", "\"outcome\":\"no\"");
        let r = run(&[lines[0].clone(), edited], "");
        assert_eq!(r.kind, Some(BreakKind::Tampered));
        assert_eq!(r.broken_at.unwrap().line, 2);
    }

    fn lines_of(entries: &[AuditEntry]) -> Vec<String> {
        let mut prev = GENESIS.to_string();
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let seal = Seal {
                    seq: i as u64 + 1,
                    id: format!("id-{}", i + 1),
                    ts: "2026-03-08T07:00:00Z".into(),
                    prev: prev.clone(),
                };
                let (line, hash) = seal_line(&seal, e);
                prev = hash;
                line
            })
            .collect()
    }

    fn with_intent(action: &str, outcome: &str, intent: &str) -> AuditEntry {
        let mut e = AuditEntry::new(action, outcome);
        e.campaign_id = Some("c1".into());
        e.details = serde_json::json!({ INTENT_ID: intent });
        e
    }

    #[test]
    fn an_intent_without_an_outcome_is_pending_not_tampering() {
        let lines = lines_of(&[
            with_intent(INTENT, "pending", "a"),
            with_intent("apply.write", "ok", "a"),
            with_intent(INTENT, "pending", "b"),
            with_intent(INTENT, "pending", "c"),
            with_intent(SETTLED, SETTLED_UNKNOWN, "b"),
            with_intent(INTENT, "pending", "d"),
            with_intent(SETTLED, "landed", "d"),
        ]);
        let r = run(&lines, "");
        assert!(r.ok, "{r:?}");
        let pending: Vec<(u64, &str)> = r
            .pending
            .iter()
            .map(|p| (p.line, p.intent_id.as_str()))
            .collect();
        assert_eq!(pending, vec![(3, "b"), (4, "c")]);
        assert_eq!(r.pending[0].id, "id-3");
        assert_eq!(r.pending[0].campaign_id.as_deref(), Some("c1"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["pending"][1]["intentId"], "c");
        assert!(json["pending"][1]["skillId"].is_null());
    }

    #[test]
    fn an_empty_log_is_ok() {
        let r = verify(&b""[..]).unwrap();
        assert!(r.ok && r.entries == 0);
    }
}
