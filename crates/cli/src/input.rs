//! Reading schedule documents from files, folders, stdin (`-`, JSON) and JSON Lines files.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cxsched_core::{Format, Validation, parse_document};

use crate::commands::UsageError;

/// One document read from somewhere, validated (the engine's type).
pub use cxsched_engine::Document as Loaded;

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

/// Bytes per piece of a JSON Lines file: a piece is a run of whole lines handled by one
/// thread at a time (about a hundred documents of the usual size).
const PIECE_BYTES: usize = 48 * 1024;

/// Bytes per read when a file is read by several threads at once.
const READ_BYTES: usize = 1024 * 1024;

/// Reads a JSON Lines file whole. A regular file is read in parts by several threads at once
/// (the copy out of the page cache is a visible share of a run over a large file).
///
/// # Errors
/// A usage error naming the file when it cannot be read.
pub fn read_jsonl(path: &Path) -> anyhow::Result<Vec<u8>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    let cannot = |e: std::io::Error| UsageError(format!("{}: cannot read: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        // A pipe or a device: its length is not known ahead, so read it in one go.
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut text).map_err(cannot)?;
        return Ok(text);
    }
    let len = usize::try_from(meta.len()).map_err(|_| {
        UsageError(format!(
            "{}: cannot read: the file is too large",
            path.display()
        ))
    })?;
    let mut text = vec![0u8; len];
    text.par_chunks_mut(READ_BYTES)
        .enumerate()
        .try_for_each(|(i, part)| file.read_exact_at(part, (i * READ_BYTES) as u64))
        .map_err(cannot)?;
    Ok(text)
}

/// A run of whole lines of a JSON Lines file and the number of its first line (1-based).
pub struct Piece<'a> {
    pub first_line: usize,
    pub text: &'a str,
}

impl<'a> Piece<'a> {
    /// The lines that hold something, each with its line number.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &'a str)> + use<'a> {
        let first = self.first_line;
        let text = self.text;
        // The lines of `str::lines` (a `\r` before a `\n` dropped), found with the
        // memchr crate's vector search: lines of JSON are long enough for it to pay.
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', text.as_bytes())
            .chain((!text.ends_with('\n')).then_some(text.len()));
        ends.enumerate().filter_map(move |(i, end)| {
            // `start` and `end` sit next to a newline or at an end: character boundaries.
            let mut line = &text[start..end];
            if end < text.len() {
                // Ended by a newline: a `\r` before it is part of the line ending.
                line = line.strip_suffix('\r').unwrap_or(line);
            }
            start = end + 1;
            (!line.trim().is_empty()).then_some((first + i, line))
        })
    }
}

/// Cuts a JSON Lines file into pieces of whole lines, checking (in parallel) that it is
/// UTF-8 and numbering the lines as `str::lines` would.
///
/// # Errors
/// A usage error naming the file when it is not UTF-8.
pub fn jsonl_pieces<'a>(path: &Path, text: &'a [u8]) -> anyhow::Result<Vec<Piece<'a>>> {
    use rayon::prelude::*;
    // Each piece ends just after a newline (or at the end), so the lines of the pieces are
    // the lines of the file; a newline is never part of a multi-byte UTF-8 sequence.
    let mut cuts = Vec::with_capacity(text.len() / PIECE_BYTES + 2);
    let mut start = 0;
    while start < text.len() {
        let at = (start + PIECE_BYTES).min(text.len());
        let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i + 1);
        cuts.push(start..end);
        start = end;
    }
    let checked: Vec<Option<(usize, &str)>> = cuts
        .into_par_iter()
        .map(|range| {
            let part = &text[range];
            let newlines = memchr::memchr_iter(b'\n', part).count();
            std::str::from_utf8(part).ok().map(|s| (newlines, s))
        })
        .collect();
    let mut pieces = Vec::with_capacity(checked.len());
    let mut first_line = 1;
    for part in checked {
        let Some((newlines, text)) = part else {
            return Err(UsageError(format!(
                "{}: cannot read: stream did not contain valid UTF-8",
                path.display()
            ))
            .into());
        };
        pieces.push(Piece { first_line, text });
        first_line += newlines;
    }
    Ok(pieces)
}

/// Sets `source` to `name:LINE`, how reports name a line of a JSON Lines file.
pub fn set_line_source(source: &mut String, name: &str, line: usize) {
    source.clear();
    source.push_str(name);
    source.push(':');
    let mut digits = [0u8; 20];
    let digits = crate::output::decimal(line as u64, &mut digits);
    source.push_str(std::str::from_utf8(digits).expect("ASCII digits"));
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

pub use cxsched_engine::document::phone_numbers;

#[cfg(test)]
mod tests {
    use super::Piece;
    use proptest::prelude::*;

    proptest! {
        /// The lines of a piece are those of `str::lines`, numbered from its first line,
        /// blank ones left out.
        #[test]
        fn piece_lines_are_the_lines_of_str_lines(
            text in "[a \\r\\né{}]{0,40}",
            first in 1usize..1000,
        ) {
            let piece = Piece { first_line: first, text: &text };
            let ours: Vec<(usize, &str)> = piece.lines().collect();
            let expected: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (first + i, l))
                .collect();
            prop_assert_eq!(ours, expected);
        }
    }
}
