//! The audit log file: durable, locked appends.
//!
//! [`AuditLog::append`] takes an exclusive lock on the file (fs4, `flock` on Unix) for the
//! whole read-last-hash → write → `sync_data` sequence, so two processes (or two handles in
//! one process) appending at once never interleave lines or fork the chain. The line is
//! written with a single `write_all` on a file opened for appending and synced before
//! `append` returns: when it returns `Ok`, the entry is on disk.
//!
//! After a crash left a torn last line, the next append seals it (see [`crate::chain`]):
//! nothing already written is removed or rewritten.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::chain::{self, GENESIS, LineFault, Report, Seal, TORN_TAIL_RECOVERED};
use crate::{AuditEntry, AuditError};

/// The default log file name, used when neither a flag nor `CXSCHED_AUDIT_LOG` names one.
pub const DEFAULT_LOG_FILE: &str = "cxsched-audit.jsonl";

/// An open audit log.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: File,
}

/// What an append wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    pub id: String,
    /// The new chain head.
    pub hash: String,
    /// True when a torn fragment left by a crash was sealed first.
    pub sealed_torn_tail: bool,
}

/// Releases the file lock when dropped.
struct Locked<'a>(&'a File);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = fs4::FileExt::unlock(self.0);
    }
}

/// The end of the file as an append needs it.
struct Tail {
    /// The last complete line (without `\n`).
    last: Option<Vec<u8>>,
    /// Bytes after the last `\n` (a torn line), empty normally.
    fragment: Vec<u8>,
}

impl AuditLog {
    /// Opens (creating when missing) the log at `path`.
    ///
    /// # Errors
    /// [`AuditError::Io`] naming the path when it cannot be opened or created.
    pub fn open(path: impl AsRef<Path>) -> Result<AuditLog, AuditError> {
        let path = path.as_ref().to_path_buf();
        let existed = path.exists();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| AuditError::io(&path, "open", e))?;
        if !existed {
            sync_parent(&path);
        }
        Ok(AuditLog { path, file })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry, chained to the last one, and syncs it to disk before returning.
    ///
    /// # Errors
    /// [`AuditError::SecretLike`] when the entry looks like it carries a secret (nothing is
    /// written); [`AuditError::BrokenHead`] when the last line is neither an entry nor a
    /// torn fragment (the log was tampered with: run `cxsched audit verify`);
    /// [`AuditError::Io`] for file errors.
    pub fn append(&mut self, entry: &AuditEntry) -> Result<Appended, AuditError> {
        entry.check_no_secrets()?;
        fs4::FileExt::lock(&self.file).map_err(|e| AuditError::io(&self.path, "lock", e))?;
        let _locked = Locked(&self.file);
        let tail = read_tail(&self.file).map_err(|e| AuditError::io(&self.path, "read", e))?;

        let mut head = match &tail.last {
            None => None,
            Some(bytes) => Some(self.head_of(bytes)?),
        };
        let mut sealed_torn_tail = false;
        if !tail.fragment.is_empty() {
            // The fragment's line number: one past every complete line.
            let fragment_line =
                count_newlines(&self.file).map_err(|e| AuditError::io(&self.path, "read", e))? + 1;
            sealed_torn_tail = true;
            self.write(b"\n")?;
            match chain::check_line(&tail.fragment) {
                // The crash came just before the newline: the entry is whole.
                Ok(line)
                    if Some(&line.prev) == head.as_ref().map(|h: &(u64, String)| &h.1)
                        || (head.is_none() && line.prev == GENESIS) =>
                {
                    head = Some((line.seq, line.hash));
                }
                _ => {
                    let mut recovery = AuditEntry::new(TORN_TAIL_RECOVERED, "sealed");
                    recovery.details = chain::recovery_details(fragment_line, &tail.fragment);
                    let (seq, hash, _) = self.write_entry(head.as_ref(), &recovery)?;
                    head = Some((seq, hash));
                }
            }
        }
        let (seq, hash, id) = self.write_entry(head.as_ref(), entry)?;
        self.file
            .sync_data()
            .map_err(|e| AuditError::io(&self.path, "sync", e))?;
        Ok(Appended {
            seq,
            id,
            hash,
            sealed_torn_tail,
        })
    }

    fn head_of(&self, bytes: &[u8]) -> Result<(u64, String), AuditError> {
        match chain::check_line(bytes) {
            Ok(l) => Ok((l.seq, l.hash)),
            Err(LineFault::Malformed | LineFault::HashMismatch { .. }) => {
                Err(AuditError::BrokenHead {
                    path: self.path.clone(),
                })
            }
        }
    }

    fn write_entry(
        &self,
        head: Option<&(u64, String)>,
        entry: &AuditEntry,
    ) -> Result<(u64, String, String), AuditError> {
        let (seq, prev) = head.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h.clone()));
        let id = uuid::Uuid::now_v7().to_string();
        let seal = Seal {
            seq,
            id: id.clone(),
            ts: jiff::Timestamp::now().to_string(),
            prev,
        };
        let (mut line, hash) = chain::seal_line(&seal, entry);
        line.push('\n');
        self.write(line.as_bytes())?;
        Ok((seq, hash, id))
    }

    fn write(&self, bytes: &[u8]) -> Result<(), AuditError> {
        (&self.file)
            .write_all(bytes)
            .map_err(|e| AuditError::io(&self.path, "write", e))
    }
}

/// Verifies the log at `path` (see [`chain::verify`]).
///
/// # Errors
/// [`AuditError::Io`] when the file cannot be read (a missing file is an error, not an
/// empty log, so that a wrong path is noticed).
///
/// # Example
/// ```
/// use cxsched_audit::{AuditEntry, AuditLog, verify};
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("audit.jsonl");
/// let mut log = AuditLog::open(&path).unwrap();
/// log.append(&AuditEntry::new("schedule.write", "written")).unwrap();
/// log.append(&AuditEntry::new("schedule.write", "unchanged")).unwrap();
/// let report = verify(&path).unwrap();
/// assert!(report.ok);
/// assert_eq!(report.entries, 2);
///
/// // Any edit breaks the chain, and verification says where.
/// let text = std::fs::read_to_string(&path).unwrap();
/// std::fs::write(&path, text.replacen("unchanged", "nothing", 1)).unwrap();
/// let report = verify(&path).unwrap();
/// assert!(!report.ok);
/// assert!(report.broken_at.is_some());
/// ```
pub fn verify(path: impl AsRef<Path>) -> Result<Report, AuditError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| AuditError::io(path, "open", e))?;
    chain::verify(BufReader::new(file)).map_err(|e| AuditError::io(path, "read", e))
}

/// Reads the last complete line and any torn fragment after it, scanning back from the end.
fn read_tail(mut file: &File) -> std::io::Result<Tail> {
    let len = file.metadata()?.len();
    let mut window: Vec<u8> = Vec::new();
    let mut start = len;
    let chunk = 64 * 1024u64;
    // Grow a window from the end until it holds two newlines (or the whole file): then the
    // last complete line lies whole between the last two.
    loop {
        if start == 0 || window.iter().filter(|&&b| b == b'\n').count() >= 2 {
            break;
        }
        let next = start.saturating_sub(chunk);
        let mut piece = vec![0u8; (start - next) as usize];
        file.seek(SeekFrom::Start(next))?;
        file.read_exact(&mut piece)?;
        piece.extend_from_slice(&window);
        window = piece;
        start = next;
    }
    let (complete, fragment) = match window.iter().rposition(|&b| b == b'\n') {
        Some(i) => (&window[..=i], window[i + 1..].to_vec()),
        None => (&window[..0], window.clone()),
    };
    if complete.is_empty() {
        return Ok(Tail {
            last: None,
            fragment,
        });
    }
    let body = &complete[..complete.len() - 1];
    let line_start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Ok(Tail {
        last: Some(body[line_start..].to_vec()),
        fragment,
    })
}

fn count_newlines(mut file: &File) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let mut n = 0u64;
    loop {
        let buf = std::io::BufRead::fill_buf(&mut reader)?;
        if buf.is_empty() {
            return Ok(n);
        }
        n += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let used = buf.len();
        std::io::BufRead::consume(&mut reader, used);
    }
}

fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}
