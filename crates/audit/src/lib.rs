//! `cxsched-audit`: the tamper-evident audit log of CONTRACT §4.
//!
//! Every attempt `apply` makes (validation failure, write, conflict, webhook delivery) is an
//! [`AuditEntry`] appended as one JSON line that carries the hash of the line before it
//! ([`chain`] has the exact format and hashing). [`AuditLog::append`] locks the file, chains,
//! writes and syncs before returning, so a command reports success only after its entry is
//! on disk. [`verify`] names the first line where the chain breaks and tells a torn last
//! line (a crash while writing) apart from tampering, and lists intents left without an
//! outcome (a crash between an `apply.intent` entry and its write's outcome) as pending.
//!
//! The hashing and verification ([`chain`]) are pure; only [`log`] touches files.

pub mod chain;
pub mod entry;
pub mod log;

use std::path::{Path, PathBuf};

pub use chain::{BreakKind, BrokenAt, PendingIntent, Report};
pub use entry::{AuditEntry, payload_sha256};
pub use log::{Appended, AuditLog, DEFAULT_LOG_FILE, verify};

/// Why an audit operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A file operation failed.
    #[error("audit log {path}: cannot {op}: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        source: std::io::Error,
    },
    /// The entry looks like it carries a secret; nothing was written.
    #[error(
        "refusing to write an audit entry whose {field} looks like a secret; audit entries \
         must never carry credentials"
    )]
    SecretLike { field: String },
    /// The last line of the log is not a valid entry, so the chain cannot be extended.
    #[error(
        "audit log {path}: the last line is not a valid entry (the log was altered); run \
         `cxsched audit verify {path}` and restore the log before appending"
    )]
    BrokenHead { path: PathBuf },
}

impl AuditError {
    fn io(path: &Path, op: &'static str, source: std::io::Error) -> AuditError {
        AuditError::Io {
            path: path.to_path_buf(),
            op,
            source,
        }
    }
}
