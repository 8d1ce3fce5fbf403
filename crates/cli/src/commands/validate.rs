//! `cxsched validate FILE…` and `cxsched validate --jsonl FILE`: the structure and field
//! rules of the schedule document, every problem with its field path.

use std::io::Write;
use std::path::{Path, PathBuf};

use cxsched_core::Validation;

use super::{Globals, Outcome, UsageError};
use crate::config::{PlatformFlag, PlatformName};
use crate::input;
use crate::output::{self, JsonOut, OutputMode};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Schedule documents (.json, .toml, .yaml) or folders of them; `-` reads JSON from stdin.
    pub files: Vec<PathBuf>,
    /// Read one JSON document per line of this file and report per line.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub jsonl: Option<PathBuf>,
    #[command(flatten)]
    pub platform: PlatformFlag,
}

pub fn run(args: Args, globals: &Globals) -> anyhow::Result<Outcome> {
    let cxone = args.platform.resolve()? == PlatformName::Cxone;
    if let Some(path) = &args.jsonl {
        return run_jsonl(path, cxone, globals);
    }
    if args.files.is_empty() {
        return Err(UsageError("nothing to validate: give FILE… or --jsonl FILE".into()).into());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut invalid = 0usize;
    let mut total = 0usize;
    for path in input::document_paths(&args.files)? {
        let mut loaded = input::load(&path);
        if cxone {
            cxsched_core::cxone::restrict(&mut loaded.validation);
        }
        total += 1;
        invalid += usize::from(!loaded.validation.is_valid());
        out.write_all(render(&loaded.source, None, &loaded.validation, globals.output).as_bytes())?;
    }
    finish(&mut out, globals.output, total, invalid)
}

/// `validate --jsonl FILE`: every line is a document, reported in line order.
fn run_jsonl(path: &Path, cxone: bool, globals: &Globals) -> anyhow::Result<Outcome> {
    let mut out = output::raw_stdout()?;
    // Each line is independent: validated and rendered in parallel, printed in order.
    let (total, invalid) = input::render_lines(path, &mut out, || {
        Ok(|text: &mut Vec<u8>, source: &str, line, doc: &str| {
            let mut v = input::validate_line(doc);
            if cxone {
                cxsched_core::cxone::restrict(&mut v);
            }
            render_into(text, source, Some(line), &v, globals.output);
            v.is_valid()
        })
    })?;
    finish(&mut out, globals.output, total, invalid)
}

/// One document's report, ending in a newline.
pub fn render(source: &str, line: Option<usize>, v: &Validation, mode: OutputMode) -> String {
    let mut out = Vec::new();
    render_into(&mut out, source, line, v, mode);
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Appends the JSON report of one document (CONTRACT §2: `file`, `campaignId`, `valid`,
/// `errors`, `warnings`, then `line` for JSON Lines) without its closing brace, so that
/// `check` can add its fields to it.
pub fn json_fields_into(out: &mut Vec<u8>, source: &str, line: Option<usize>, v: &Validation) {
    let mut json = JsonOut(out);
    json.raw(b"{\"file\":")
        .str(source)
        .raw(b",\"campaignId\":")
        .opt_str(v.campaign_id.as_deref())
        .raw(b",\"valid\":")
        .bool(v.is_valid())
        .raw(b",\"errors\":")
        .issues(&v.errors)
        .raw(b",\"warnings\":")
        .issues(&v.warnings);
    if let Some(line) = line {
        json.raw(b",\"line\":").uint(line as u64);
    }
}

/// Appends one document's report, ending in a newline, to `out`.
pub fn render_into(
    out: &mut Vec<u8>,
    source: &str,
    line: Option<usize>,
    v: &Validation,
    mode: OutputMode,
) {
    // Writing to a Vec cannot fail.
    match mode {
        OutputMode::Json => {
            json_fields_into(out, source, line, v);
            out.extend_from_slice(b"}\n");
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

/// The closing summary line (human output), then everything flushed; exit status 1 when
/// any document was invalid.
fn finish(
    out: &mut impl Write,
    mode: OutputMode,
    total: usize,
    invalid: usize,
) -> anyhow::Result<Outcome> {
    output::summary(out, mode, total, invalid, ("valid", "invalid"))?;
    out.flush()?;
    Ok(Outcome::failed_if(invalid > 0))
}
