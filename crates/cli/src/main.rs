//! The `cxsched` binary: parses arguments, runs one command, maps its outcome to an exit
//! status (0 ok, 1 invalid/non-compliant/some failed, 2 usage or configuration, 3 the remote
//! API refused us or the network failed). Each command lives in its own file under
//! `commands/`; this file only wires them together.

mod commands;
mod config;
mod input;
mod output;
mod parallel;
mod rollout;
mod session;
mod signals;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::{OutputFlag, OutputMode};

#[cfg_attr(not(feature = "system-allocator"), global_allocator)]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Build, validate, check and activate NICE CXone campaign time-window schedules.
#[derive(Parser, Debug)]
#[command(name = "cxsched", version = version_line(), propagate_version = true)]
struct Cli {
    /// Output format: human (the default), json (one JSON document per line), or sarif (check
    /// only: one SARIF 2.1.0 log for code scanning).
    #[arg(long, global = true, value_enum)]
    output: Option<OutputFlag>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check documents against the structure and field rules.
    Validate(commands::validate::Args),
    /// Validate, then decide legality per date over a horizon, in the recipients' local time.
    Check(commands::check::Args),
    /// Write one self-contained HTML page of what `check` decides: week grids per recipient
    /// zone, every date of the horizon, the findings (exit status 1 when a campaign fails).
    Report(commands::report::Args),
    /// Write the largest schedule inside the given one that check passes (holidays and
    /// blackouts listed with the dates to pause).
    Fix(commands::fix::Args),
    /// List every concrete window occurrence in a date range, DST resolved.
    Expand(commands::expand::Args),
    /// Write an RFC 5545 calendar (with VTIMEZONE) of the windows.
    Calendar(commands::calendar::Args),
    /// The legal calling hours per date for a recipient (phone, zone, state) or a file of numbers.
    When(commands::when::Args),
    /// Show the live schedule of a campaign and its ETag.
    Get(commands::get::Args),
    /// Compare desired schedules (files, folders) with the live ones.
    Plan(commands::plan::Args),
    /// Plan, then write the changes.
    Apply(commands::apply::Args),
    /// Write the live state as schedule documents, one per campaign or skill.
    Export(commands::export::Args),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(commands::audit::Command),
    /// Work with the webhook outbox.
    #[command(subcommand)]
    Webhooks(commands::webhooks::Command),
    /// What the rule pack holds (`rules [STATE]`, `rules holidays`), and `rules lint`.
    Rules(commands::rules::Args),
    /// Run the bundled API emulator.
    Emulator(commands::emulator::Args),
    /// Run the whole workflow against an embedded emulator, with nothing configured.
    Demo(commands::demo::Args),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(commands::completions::Args),
    /// Print the man page (roff), or write every command's page with --out DIR.
    Man(commands::man::Args),
}

/// Runs one parsed command line.
fn dispatch(cli: Cli) -> anyhow::Result<commands::Outcome> {
    let sarif = cli.output == Some(OutputFlag::Sarif);
    if sarif && !matches!(cli.command, Command::Check(_)) {
        return Err(commands::UsageError(
            "--output sarif is only for check; use human or json here".into(),
        )
        .into());
    }
    let globals = commands::Globals {
        output: match cli.output {
            Some(OutputFlag::Json | OutputFlag::Sarif) => OutputMode::Json,
            Some(OutputFlag::Human) | None => OutputMode::Human,
        },
        sarif,
    };
    match cli.command {
        Command::Validate(a) => commands::validate::run(a, &globals),
        Command::Check(a) => commands::check::run(a, &globals),
        Command::Report(a) => commands::report::run(a, &globals),
        Command::Fix(a) => commands::fix::run(a, &globals),
        Command::Expand(a) => commands::expand::run(a, &globals),
        Command::Calendar(a) => commands::calendar::run(a, &globals),
        Command::When(a) => commands::when::run(a, &globals),
        Command::Get(a) => commands::get::run(a, &globals),
        Command::Plan(a) => commands::plan::run(a, &globals),
        Command::Apply(a) => commands::apply::run(a, &globals),
        Command::Export(a) => commands::export::run(a, &globals),
        Command::Audit(c) => commands::audit::run(c, &globals),
        Command::Webhooks(c) => commands::webhooks::run(c, &globals),
        Command::Rules(c) => commands::rules::run(c, &globals),
        Command::Emulator(a) => commands::emulator::run(a, &globals),
        Command::Demo(a) => commands::demo::run(a, &globals),
        Command::Completions(a) => commands::completions::run(a, &globals),
        Command::Man(a) => commands::man::run(a, &globals),
    }
}

/// Runs a command line given as words (without the program name), as `demo` does for each
/// step, so the demo shows exactly what the command prints.
///
/// # Errors
/// A usage error for a command line that does not parse; otherwise the command's own.
pub fn run_words(words: &[&str]) -> anyhow::Result<commands::Outcome> {
    let cli = Cli::try_parse_from(std::iter::once("cxsched").chain(words.iter().copied()))
        .map_err(|e| commands::UsageError(e.to_string()))?;
    dispatch(cli)
}

fn version_line() -> String {
    format!(
        "{} (tzdb {})",
        env!("CARGO_PKG_VERSION"),
        cxsched_core::tzdb_version()
    )
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                // `plan --detailed-exitcode` keeps 2 for changes pending: a usage error is 1.
                _ if std::env::args_os().any(|a| a == "--detailed-exitcode") => ExitCode::from(1),
                _ => ExitCode::from(2),
            };
        }
    };
    let result = dispatch(cli);
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let code = commands::error_code(&err);
            eprintln!("error: {err:#}");
            ExitCode::from(code)
        }
    }
}
