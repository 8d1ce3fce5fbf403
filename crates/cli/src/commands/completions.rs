//! `cxsched completions SHELL`: the shell completion script (bash, zsh, fish, PowerShell,
//! elvish), generated from the clap definitions, on stdout.
//!
//! Install, for example: `cxsched completions bash > ~/.local/share/bash-completion/completions/cxsched`,
//! `cxsched completions zsh > "${fpath[1]}/_cxsched"`,
//! `cxsched completions fish > ~/.config/fish/completions/cxsched.fish`, or in PowerShell
//! `cxsched completions powershell | Out-String | Invoke-Expression` in the profile.

use std::io::Write;

use clap::CommandFactory;

use super::{Globals, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args, _globals: &Globals) -> anyhow::Result<Outcome> {
    let mut cmd = crate::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "cxsched", &mut out);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(Outcome::Ok)
}
