//! `cxsched audit`.

use super::{Globals, Outcome};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not available yet.
    Todo,
}

pub fn run(_command: Command, _globals: &Globals) -> anyhow::Result<Outcome> {
    super::not_yet("audit")
}
