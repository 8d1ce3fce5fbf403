//! `cxsched plan PATH…`: desired schedules (files, folders of files) against the live ones,
//! per campaign: unchanged, changed (with a diff of windows), conflict or error.

use std::path::PathBuf;

use super::{Globals, Outcome};
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
    let session = Session::open(&args.session)?;
    let docs = rollout::desired::load(&args.paths)?;
    let entries = session.plan(docs)?;
    match globals.output {
        OutputMode::Json => {
            for e in &entries {
                print_json(&report::plan_json(e))?;
            }
        }
        OutputMode::Human => print!("{}", report::plan_human(&entries)),
    }
    Ok(session.plan_outcome(&entries))
}
