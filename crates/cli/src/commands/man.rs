//! `cxsched man`: the roff man page, generated from the clap definitions. Without `--out` the
//! page of `cxsched` (section 1) goes to stdout (`cxsched man | man -l -`); with `--out DIR`
//! the pages of `cxsched` and of every command (`cxsched-plan.1`, `cxsched-audit-verify.1`, …)
//! are written there, for `MANPATH` or a package's `share/man/man1`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::CommandFactory;

use super::{Globals, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write the page of cxsched and of every command into this folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, _globals: &Globals) -> anyhow::Result<Outcome> {
    let cmd = crate::Cli::command();
    match args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&page)?;
            stdout.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("writing the man pages into {}", dir.display()))?;
        }
    }
    Ok(Outcome::Ok)
}
