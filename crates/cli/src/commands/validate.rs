//! `cxsched validate FILE…` and `cxsched validate --jsonl FILE`: the structure and field
//! rules of the schedule document, every problem with its field path.

use std::io::Write;
use std::path::PathBuf;

use cxsched_core::Validation;
use rayon::prelude::*;
use serde_json::json;

use super::{Globals, Outcome, UsageError};
use crate::input;
use crate::output::OutputMode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents (.json, .toml, .yaml) or folders of them; `-` reads JSON from stdin.
    pub files: Vec<PathBuf>,
    /// Read one JSON document per line of this file and report per line.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub jsonl: Option<PathBuf>,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut invalid = 0usize;
    let mut total = 0usize;
    if let Some(path) = &args.jsonl {
        let text = input::read_jsonl(path)?;
        let name = path.display().to_string();
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        // Each line is independent: validate and render in parallel, print in order.
        let rendered: Vec<(bool, String)> = lines
            .par_iter()
            .map(|&(i, line)| {
                let v = input::validate_line(line);
                (
                    v.is_valid(),
                    render(
                        &format!("{name}:{}", i + 1),
                        Some(i + 1),
                        &v,
                        globals.output,
                    ),
                )
            })
            .collect();
        for (valid, text) in rendered {
            total += 1;
            invalid += usize::from(!valid);
            out.write_all(text.as_bytes())?;
        }
    } else {
        if args.files.is_empty() {
            return Err(
                UsageError("nothing to validate: give FILE… or --jsonl FILE".into()).into(),
            );
        }
        for path in input::document_paths(&args.files)? {
            let loaded = input::load(&path);
            total += 1;
            invalid += usize::from(!loaded.validation.is_valid());
            out.write_all(
                render(&loaded.source, None, &loaded.validation, globals.output).as_bytes(),
            )?;
        }
    }
    if globals.output == OutputMode::Human && total > 1 {
        writeln!(
            out,
            "{total} documents: {} valid, {invalid} invalid",
            total - invalid
        )?;
    }
    out.flush()?;
    Ok(Outcome::failed_if(invalid > 0))
}

/// One document's report, ending in a newline.
pub fn render(source: &str, line: Option<usize>, v: &Validation, mode: OutputMode) -> String {
    match mode {
        OutputMode::Json => {
            let mut obj = json!({
                "file": source,
                "campaignId": v.campaign_id,
                "valid": v.is_valid(),
                "errors": v.errors,
                "warnings": v.warnings,
            });
            if let Some(n) = line {
                obj["line"] = n.into();
            }
            let mut s = obj.to_string();
            s.push('\n');
            s
        }
        OutputMode::Human => {
            let mut s = String::new();
            let status = if v.is_valid() { "valid" } else { "invalid" };
            s.push_str(&format!("{source}: {status}\n"));
            for (kind, issues) in [("error", &v.errors), ("warning", &v.warnings)] {
                for i in issues {
                    let at = if i.path.is_empty() {
                        "(document)"
                    } else {
                        &i.path
                    };
                    s.push_str(&format!("  {kind}: {at}: {}\n", i.message));
                }
            }
            s
        }
    }
}
