//! `cxsched rules`: work with rule packs. `rules lint FILE` checks a custom rule pack the way
//! `check --rules FILE` reads it and reports every problem with its path, as `validate` does
//! for documents (exit status 1 when there is any).

use std::io::Write as _;
use std::path::PathBuf;

use cxsched_compliance::RulePack;
use cxsched_core::Issue;

use super::{Globals, Outcome, UsageError};
use crate::output::{self, OutputMode};

/// The `rules` subcommands (each its own variant, so more can join `lint`).
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Check a rule pack (TOML): every problem with its path (`rules[3] (US-CT).hours`).
    Lint {
        /// The rule pack file.
        file: PathBuf,
    },
}

pub fn run(command: Command, globals: &Globals) -> anyhow::Result<Outcome> {
    match command {
        Command::Lint { file } => lint(&file, globals),
    }
}

fn lint(file: &std::path::Path, globals: &Globals) -> anyhow::Result<Outcome> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| UsageError(format!("{name}: cannot read the rule pack: {e}")))?;
    let (problems, summary) = match RulePack::parse(&text, &name) {
        Ok(pack) => {
            let versions = pack
                .rules
                .iter()
                .filter(|r| r.effective_from.is_some() || r.effective_to.is_some())
                .count();
            (
                Vec::new(),
                format!(
                    "{} rules ({versions} dated versions), {} calendars",
                    pack.rules.len(),
                    pack.calendars.len()
                ),
            )
        }
        Err(e) if e.problems.is_empty() => (
            vec![Issue {
                path: String::new(),
                message: e.message,
            }],
            String::new(),
        ),
        Err(e) => (
            e.problems
                .into_iter()
                .map(|p| Issue {
                    path: p.path,
                    message: p.message,
                })
                .collect(),
            String::new(),
        ),
    };
    let mut out = Vec::new();
    match globals.output {
        OutputMode::Json => {
            output::JsonOut(&mut out)
                .raw(b"{")
                .key("file")
                .str(&name)
                .raw(b",")
                .key("valid")
                .bool(problems.is_empty())
                .raw(b",")
                .key("errors")
                .issues(&problems)
                .raw(b"}\n");
        }
        OutputMode::Human => {
            if problems.is_empty() {
                let _ = writeln!(out, "{name}: valid rule pack: {summary}");
            } else {
                let _ = writeln!(out, "{name}: invalid rule pack");
                for p in &problems {
                    let at = if p.path.is_empty() { "(file)" } else { &p.path };
                    let _ = writeln!(out, "  error: {at}: {}", p.message);
                }
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(Outcome::failed_if(!problems.is_empty()))
}
