//! `cxsched validate FILE…` and `cxsched validate --jsonl FILE`: the structure and field
//! rules of the schedule document, every problem with its field path.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use cxsched_core::{Issue, Validation};
use rayon::prelude::*;

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
        // Each line is independent: validate and render in parallel, in chunks (one buffer
        // per chunk keeps allocations down), and print the chunks in order.
        const CHUNK: usize = 256;
        let rendered: Vec<(usize, Vec<u8>)> = lines
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut text = Vec::with_capacity(chunk.len() * 256);
                let mut source = String::new();
                let mut invalid = 0;
                for &(i, line) in chunk {
                    let v = input::validate_line(line);
                    invalid += usize::from(!v.is_valid());
                    source.clear();
                    let _ = write!(source, "{name}:{}", i + 1);
                    render_into(&mut text, &source, Some(i + 1), &v, globals.output);
                }
                (invalid, text)
            })
            .collect();
        total = lines.len();
        for (chunk_invalid, text) in rendered {
            invalid += chunk_invalid;
            out.write_all(&text)?;
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

/// The JSON report of one document (CONTRACT §2), fields in this order.
#[derive(serde::Serialize)]
struct Report<'a> {
    file: &'a str,
    #[serde(rename = "campaignId")]
    campaign_id: Option<&'a str>,
    valid: bool,
    errors: &'a [Issue],
    warnings: &'a [Issue],
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

/// One document's report, ending in a newline.
pub fn render(source: &str, line: Option<usize>, v: &Validation, mode: OutputMode) -> String {
    let mut out = Vec::new();
    render_into(&mut out, source, line, v, mode);
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Appends one document's report, ending in a newline, to `out`.
fn render_into(
    out: &mut Vec<u8>,
    source: &str,
    line: Option<usize>,
    v: &Validation,
    mode: OutputMode,
) {
    // Writing to a Vec cannot fail.
    match mode {
        OutputMode::Json => {
            let report = Report {
                file: source,
                campaign_id: v.campaign_id.as_deref(),
                valid: v.is_valid(),
                errors: &v.errors,
                warnings: &v.warnings,
                line,
            };
            serde_json::to_writer(&mut *out, &report).expect("a report always serializes");
            out.push(b'\n');
        }
        OutputMode::Human => {
            let status = if v.is_valid() { "valid" } else { "invalid" };
            let _ = writeln!(out, "{source}: {status}");
            for (kind, issues) in [("error", &v.errors), ("warning", &v.warnings)] {
                for i in issues {
                    let at = if i.path.is_empty() {
                        "(document)"
                    } else {
                        &i.path
                    };
                    let _ = writeln!(out, "  {kind}: {at}: {}", i.message);
                }
            }
        }
    }
}
