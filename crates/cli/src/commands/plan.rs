//! `cxsched plan PATH…`: desired schedules (files, folders of files) against the live ones,
//! per campaign: unchanged, changed (with a diff of windows), conflict or error.
//!
//! With `--detailed-exitcode` the exit status tells CI what the plan found, as
//! `terraform plan -detailed-exitcode` does: 0 nothing to change, 2 changes pending, 1 errors
//! or conflicts (usage and configuration errors included, so that 2 always means changes),
//! 3 API failures. When a plan has several of these, the one needing a person wins: errors
//! or conflicts (1), then API failures (3, worth a retry), then changes (2).

use std::path::PathBuf;

use cxsched_engine::plan::{Entry, Status};
use cxsched_engine::{Document, Platform};

use super::{Globals, Outcome};
use crate::config::PlatformName;
use crate::output::{OutputMode, print_json};
use crate::rollout::{self, report};
use crate::session::{Session, SessionFlags};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Exit 0 when nothing changes, 2 when changes are pending, 1 on errors or conflicts,
    /// 3 on API failures (without it: 0 good, 1 errors or conflicts, 3 API failures).
    #[arg(long)]
    pub detailed_exitcode: bool,
    #[command(flatten)]
    pub session: SessionFlags,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let detailed = args.detailed_exitcode;
    let result = (|| {
        let docs = rollout::desired::load(&args.paths)?;
        match args.session.platform.resolve()? {
            PlatformName::Seed => show(Session::seed(&args.session)?, docs, globals, detailed),
            PlatformName::Cxone => show(Session::cxone(&args.session)?, docs, globals, detailed),
        }
    })();
    match result {
        // 2 means changes pending here: an error that ends the command is an error (1),
        // unless the API failed (3).
        Err(err)
            if detailed && super::error_code(&err) == 2 && !crate::output::is_broken_pipe(&err) =>
        {
            eprintln!("error: {err:#}");
            Ok(Outcome::Failed)
        }
        other => other,
    }
}

fn show<P: Platform>(
    session: Session<P>,
    docs: Vec<Document>,
    globals: &Globals,
    detailed: bool,
) -> anyhow::Result<Outcome> {
    let entries = session.plan(docs)?;
    let p = session.platform();
    match globals.output {
        OutputMode::Json => {
            for e in &entries {
                print_json(&report::plan_json(p, e))?;
            }
        }
        OutputMode::Human => print!("{}", report::plan_human(p, &entries)),
    }
    Ok(if detailed {
        detailed_outcome(&entries)
    } else {
        session.plan_outcome(&entries)
    })
}

/// The `--detailed-exitcode` outcome: errors or conflicts, else API failures, else changes
/// pending, else nothing to do.
fn detailed_outcome<P: Platform>(entries: &[Entry<P>]) -> Outcome {
    let error = |e: &Entry<P>| {
        (e.status == Status::Error && !e.remote_failure)
            || e.status == Status::Conflict
            || !e.compliance_errors.is_empty()
    };
    if entries.iter().any(error) {
        Outcome::Failed
    } else if entries.iter().any(|e| e.remote_failure) {
        Outcome::Remote
    } else if entries.iter().any(|e| e.status == Status::Changed) {
        Outcome::Pending
    } else {
        Outcome::Ok
    }
}
