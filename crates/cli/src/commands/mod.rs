//! One module per command. Each defines its clap `Args` and a `run` returning an [`Outcome`].

pub mod apply;
pub mod audit;
pub mod calendar;
pub mod check;
pub mod completions;
pub mod demo;
pub mod emulator;
pub mod expand;
pub mod export;
pub mod fix;
pub mod get;
pub mod man;
pub mod plan;
pub mod report;
pub mod rules;
pub mod validate;
pub mod webhooks;
pub mod when;

use crate::output::OutputMode;

/// Settings every command receives.
#[derive(Clone, Debug)]
pub struct Globals {
    pub output: OutputMode,
    /// `--output sarif` (only `check` takes it; `output` is then `Json`).
    pub sarif: bool,
}

/// How a command ended, when it ran to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything good (warnings allowed).
    Ok,
    /// Invalid input, a compliance error, or some campaigns failed.
    Failed,
    /// The remote API refused us or the network failed before anything was decided.
    Remote,
    /// `plan --detailed-exitcode`: the plan is good and has changes to write (exit status 2).
    Pending,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Failed => 1,
            Outcome::Pending => 2,
            Outcome::Remote => 3,
        }
    }

    /// `Failed` if `failed`, else `Ok`.
    pub fn failed_if(failed: bool) -> Outcome {
        if failed { Outcome::Failed } else { Outcome::Ok }
    }
}

/// A usage or configuration error (exit status 2), raised with `Err(UsageError(..).into())`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The remote API refused us or the network failed (exit status 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RemoteError(pub String);

/// The embedded US rule pack, or the `--rules FILE` one (a file that cannot be read or used is
/// a usage error naming it, with every problem of the pack).
///
/// # Errors
/// As above.
pub fn rule_pack(path: Option<&std::path::Path>) -> anyhow::Result<cxsched_compliance::RulePack> {
    let Some(path) = path else {
        return Ok(cxsched_compliance::RulePack::embedded_us());
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError(format!(
            "{}: cannot read the rule pack: {e}",
            path.display()
        ))
    })?;
    Ok(
        cxsched_compliance::RulePack::parse(&text, &path.display().to_string())
            .map_err(|e| UsageError(e.to_string()))?,
    )
}

/// The exit status for an error that ended a command.
pub fn error_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<RemoteError>().is_some() {
        3
    } else {
        // Usage and configuration errors, and local failures (files that cannot be read or
        // written) that stopped the command before it could decide anything.
        2
    }
}

/// The dates `--from` accepts: wide enough for any schedule's horizon (up to 7,320 days past
/// the last), far from the ends of the calendar arithmetic.
pub const DATES: std::ops::RangeInclusive<cxsched_core::Date> =
    jiff::civil::date(1900, 1, 1)..=jiff::civil::date(2199, 12, 31);

/// Parses a `--from` date (`YYYY-MM-DD`, within [`DATES`]).
pub fn supported_date(s: &str) -> Result<cxsched_core::Date, String> {
    let d: cxsched_core::Date = s
        .parse()
        .map_err(|_| format!("expected a date as YYYY-MM-DD, found {s:?}"))?;
    if DATES.contains(&d) {
        Ok(d)
    } else {
        Err(format!(
            "expected a date from {} to {}, found {d}",
            DATES.start(),
            DATES.end()
        ))
    }
}
