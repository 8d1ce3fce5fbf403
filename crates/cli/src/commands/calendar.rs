//! `cxsched calendar`.

use super::{Globals, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Inputs.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub rest: Vec<String>,
}

pub fn run(_args: Args, _globals: &Globals) -> anyhow::Result<Outcome> {
    super::not_yet("calendar")
}
