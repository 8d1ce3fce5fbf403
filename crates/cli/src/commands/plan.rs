//! `cxsched plan PATH…`: desired schedules (files, folders of files) against the live ones,
//! per campaign: unchanged, changed (with a diff of windows), conflict or error.

use std::path::PathBuf;

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
    #[command(flatten)]
    pub session: SessionFlags,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let docs = rollout::desired::load(&args.paths)?;
    match args.session.platform.resolve()? {
        PlatformName::Seed => show(Session::seed(&args.session)?, docs, globals),
        PlatformName::Cxone => show(Session::cxone(&args.session)?, docs, globals),
    }
}

fn show<P: Platform>(
    session: Session<P>,
    docs: Vec<Document>,
    globals: &Globals,
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
    Ok(session.plan_outcome(&entries))
}
