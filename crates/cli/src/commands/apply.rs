//! `cxsched apply PATH… [--yes]`: plan, then write the changes, many campaigns at once,
//! under a client-side rate limit; every attempt goes to the audit log and every write queues
//! a signed webhook, delivered before exit (within a bounded wait).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use cxsched_engine::{Document, Platform, Status};

use super::{Globals, Outcome, UsageError};
use crate::config::PlatformName;
use crate::output::{OutputMode, print_json};
use crate::rollout::{self, report};
use crate::session::{Session, SessionFlags};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Do not ask for confirmation (required when not on a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Write campaigns with compliance errors anyway; the reason goes to the audit log.
    #[arg(long, value_name = "REASON")]
    pub r#override: Option<String>,
    /// Overwrite schedules changed outside cxsched since our last write; the reason goes to
    /// the audit log.
    #[arg(long, value_name = "REASON")]
    pub overwrite_drift: Option<String>,
    /// Longest wait for webhook delivery before exit, in seconds (what is left stays in the
    /// outbox for `cxsched webhooks flush`).
    #[arg(long, default_value_t = 10)]
    pub webhook_wait_secs: u64,
    #[command(flatten)]
    pub session: SessionFlags,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    for (flag, reason) in [
        ("--override", &args.r#override),
        ("--overwrite-drift", &args.overwrite_drift),
    ] {
        if reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
            return Err(UsageError(format!("{flag} needs a reason, for the audit log")).into());
        }
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !interactive {
        return Err(UsageError(
            "apply writes live schedules: pass --yes to confirm (there is no terminal to ask on)"
                .into(),
        )
        .into());
    }
    let docs = rollout::desired::load(&args.paths)?;
    match args.session.platform.resolve()? {
        PlatformName::Seed => write(Session::seed(&args.session)?, docs, &args, globals),
        PlatformName::Cxone => write(Session::cxone(&args.session)?, docs, &args, globals),
    }
}

fn write<P: Platform>(
    session: Session<P>,
    docs: Vec<Document>,
    args: &Args,
    globals: &Globals,
) -> anyhow::Result<Outcome> {
    let entries = session.plan(docs)?;
    let p = session.platform();
    if let Some(outcome) = session.remote_failure(&entries) {
        // Nothing could be read: show why (the plan carries each error) and write nothing.
        match globals.output {
            OutputMode::Json => {
                for e in &entries {
                    print_json(&report::plan_json(p, e))?;
                }
            }
            OutputMode::Human => print!("{}", report::plan_human(p, &entries)),
        }
        eprintln!("error: the API could not be reached or refused us; nothing was written");
        return Ok(outcome);
    }
    let to_write = entries
        .iter()
        .filter(|e| matches!(e.status, Status::Changed | Status::Conflict))
        .count();
    if globals.output == OutputMode::Human {
        print!("{}", report::plan_human(p, &entries));
    }
    if !args.yes && to_write > 0 {
        eprint!("write {to_write} campaign(s)? [y/N] ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing written");
            return Ok(Outcome::Ok);
        }
    }
    let settings = cxsched_engine::Settings {
        concurrency: session.concurrency(),
        override_reason: args.r#override.clone(),
        overwrite_drift: args.overwrite_drift.clone(),
        actor: session.actor(),
        rule_pack: session.rule_pack_version(),
    };
    let run = session.apply(
        entries,
        settings,
        std::time::Duration::from_secs(args.webhook_wait_secs),
    )?;
    match globals.output {
        OutputMode::Json => {
            for r in &run.results {
                print_json(&report::result_json(r))?;
            }
        }
        OutputMode::Human => {
            print!("{}", report::results_human(&run.results));
            if let Some(w) = &run.webhooks {
                println!("{w}");
            }
            if run.interrupted {
                println!("interrupted: in-flight writes finished; run apply again to continue");
            }
        }
    }
    if let Some(e) = &run.audit_failure {
        eprintln!("error: the audit log could not be written: {e}");
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::failed_if(
        run.interrupted || run.results.iter().any(|r| r.ending.is_failure()),
    ))
}
