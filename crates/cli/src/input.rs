//! Reading schedule documents from files, folders, stdin (`-`, JSON) and JSON Lines files.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cxsched_core::{Format, Validation, parse_document};

use crate::commands::UsageError;

/// One document read from somewhere, validated.
pub struct Loaded {
    /// Where it came from: a path, `-`, or `path:LINE` for JSON Lines.
    pub source: String,
    /// The folder relative paths in the document are resolved against.
    pub base_dir: PathBuf,
    pub validation: Validation,
}

/// Expands files and folders into document files (folders: recursively, sorted, only known
/// extensions). A path that does not exist is a usage error.
pub fn document_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            collect_dir(p, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(UsageError(format!("{}: no such file or folder", p.display())).into());
        }
    }
    Ok(out)
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if format_of(&p).is_some() {
            out.push(p);
        }
    }
    Ok(())
}

fn format_of(path: &Path) -> Option<Format> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
}

/// Reads and validates one document file (`-` reads JSON from stdin).
pub fn load(path: &Path) -> Loaded {
    let source = path.display().to_string();
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let validation = if path.as_os_str() == "-" {
        let mut text = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            Ok(_) => parse_document(&text, Format::Json),
            Err(e) => failed(format!("cannot read standard input: {e}")),
        }
    } else {
        match format_of(path) {
            None => failed(
                "cannot tell the format from the file name; expected a .json, .toml, .yaml or \
                 .yml extension (or .jsonl with --jsonl)"
                    .into(),
            ),
            Some(format) => match std::fs::read_to_string(path) {
                Ok(text) => parse_document(&text, format),
                Err(e) => failed(format!("cannot read the file: {e}")),
            },
        }
    };
    Loaded {
        source,
        base_dir,
        validation,
    }
}

/// Validates one line of a JSON Lines file (the fast JSON reader; same issues as a file).
pub fn validate_line(line: &str) -> Validation {
    cxsched_core::validate::parse_json_document(line)
}

/// Reads a JSON Lines file whole (lines are validated by the caller, possibly in parallel).
pub fn read_jsonl(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("{}: cannot read: {e}", path.display())).into())
}

fn failed(message: String) -> Validation {
    Validation {
        errors: vec![cxsched_core::Issue {
            path: String::new(),
            message,
        }],
        ..Validation::default()
    }
}
