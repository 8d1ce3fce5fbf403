//! `cxsched audit verify [LOG]`: checks the audit log's hash chain and says where it breaks
//! (exit 0 intact, 1 broken), and lists intents left without an outcome (`pending`: a run
//! stopped between announcing a write and recording it; not tampering, CONTRACT §11). The log defaults to `CXSCHED_AUDIT_LOG`, then
//! `./cxsched-audit.jsonl`.

use std::path::PathBuf;

use cxsched_audit::{AuditError, BreakKind, Report};

use super::{Globals, Outcome, UsageError};
use crate::output::{self, OutputMode};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Check the audit log's hash chain; name the first entry that breaks it.
    Verify {
        /// The log file [default: $CXSCHED_AUDIT_LOG, else ./cxsched-audit.jsonl].
        log: Option<PathBuf>,
    },
}

/// The audit log to use: the given path, else `CXSCHED_AUDIT_LOG` (environment, then
/// `.env`), else `./cxsched-audit.jsonl`.
///
/// # Errors
/// An unreadable `.env`.
pub fn log_path(given: Option<PathBuf>) -> Result<PathBuf, UsageError> {
    Ok(match given {
        Some(path) => path,
        None => crate::config::lookup("CXSCHED_AUDIT_LOG")?.map_or_else(
            || PathBuf::from(cxsched_audit::DEFAULT_LOG_FILE),
            PathBuf::from,
        ),
    })
}

pub fn run(command: Command, globals: &Globals) -> anyhow::Result<Outcome> {
    match command {
        Command::Verify { log } => verify(log_path(log)?, globals),
    }
}

fn verify(path: PathBuf, globals: &Globals) -> anyhow::Result<Outcome> {
    let report = match cxsched_audit::verify(&path) {
        Ok(r) => r,
        Err(AuditError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(UsageError(format!(
                "{}: no audit log there; give its path or set CXSCHED_AUDIT_LOG",
                path.display()
            ))
            .into());
        }
        Err(e) => return Err(UsageError(e.to_string()).into()),
    };
    match globals.output {
        OutputMode::Json => output::print_json(&serde_json::to_value(&report)?)?,
        OutputMode::Human => print!("{}", human(&path, &report)),
    }
    Ok(Outcome::failed_if(!report.ok))
}

fn human(path: &std::path::Path, r: &Report) -> String {
    let mut s = chain_human(path, r);
    if !r.pending.is_empty() {
        s.push_str(&format!(
            "  {} intent(s) pending: a run stopped between announcing a write and recording how \
             it ended (not tampering); the next `apply` of those documents reads each target \
             and settles it\n",
            r.pending.len()
        ));
        for p in &r.pending {
            let target = match (&p.campaign_id, p.skill_id) {
                (Some(c), Some(skill)) => format!("{c} skill {skill}"),
                (Some(c), None) => c.clone(),
                (None, _) => "?".into(),
            };
            s.push_str(&format!(
                "    line {} (entry {}): intent {} for {target}\n",
                p.line, p.id, p.intent_id
            ));
        }
    }
    s
}

fn chain_human(path: &std::path::Path, r: &Report) -> String {
    let name = path.display();
    let mut s = String::new();
    let recovered = if r.recovered_torn_lines.is_empty() {
        String::new()
    } else {
        let lines: Vec<String> = r.recovered_torn_lines.iter().map(u64::to_string).collect();
        format!(
            "; torn line(s) {} from earlier crashes are sealed by the entry after each",
            lines.join(", ")
        )
    };
    let Some(at) = &r.broken_at else {
        s.push_str(&format!(
            "{name}: intact, {} entries{recovered}\n",
            r.entries
        ));
        if let Some(head) = &r.head {
            s.push_str(&format!("  chain head: {head}\n"));
        }
        return s;
    };
    let id = at
        .id
        .as_deref()
        .map(|i| format!(" (entry {i})"))
        .unwrap_or_default();
    match r.kind {
        Some(BreakKind::TornTail) => s.push_str(&format!(
            "{name}: the last line, line {}{id}, is incomplete: a crash while it was written, \
             not tampering. The next append seals it and keeps its bytes. {} complete entries \
             before it{recovered}\n",
            at.line, r.entries
        )),
        _ => s.push_str(&format!(
            "{name}: the chain breaks at line {}{id}: that entry was edited, or an entry \
             before it was deleted, inserted or moved. Restore the log from a copy; {} entries \
             read{recovered}\n",
            at.line, r.entries
        )),
    }
    s
}
