//! Reading schedule documents from files, folders, stdin (`-`, JSON) and JSON Lines files.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cxsched_core::validate::MAX_DOCUMENT_BYTES;
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
        match read_limited(&mut std::io::stdin().lock()) {
            Ok(Ok(text)) => parse_document(&text, Format::Json),
            Ok(Err(refused)) => failed(refused),
            Err(e) => failed(format!("cannot read standard input: {e}")),
        }
    } else {
        match format_of(path) {
            None => failed(
                "cannot tell the format from the file name; expected a .json, .toml, .yaml or \
                 .yml extension (or .jsonl with --jsonl)"
                    .into(),
            ),
            Some(format) => match read_document_file(path) {
                Ok(Ok(text)) => parse_document(&text, format),
                Ok(Err(refused)) => failed(refused),
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

/// Reads a document file, refusing one over [`MAX_DOCUMENT_BYTES`] before reading it (by its
/// size) and one that is not UTF-8 (saying where). The inner `Err` is the refusal's message.
fn read_document_file(path: &Path) -> std::io::Result<Result<String, String>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_DOCUMENT_BYTES as u64 {
        return Ok(Err(format!(
            "the file is {len} bytes, more than the limit of {MAX_DOCUMENT_BYTES} bytes (1 MiB) \
             for a document; a schedule document is a few kilobytes"
        )));
    }
    read_limited(&mut file)
}

/// Reads at most [`MAX_DOCUMENT_BYTES`] (one more tells that there is more) as UTF-8 text.
fn read_limited(input: &mut impl std::io::Read) -> std::io::Result<Result<String, String>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    input
        .take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Ok(Err(format!(
            "the document is more than the limit of {MAX_DOCUMENT_BYTES} bytes (1 MiB); a \
             schedule document is a few kilobytes"
        )));
    }
    Ok(String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error(), 1)))
}

/// Where text stops being UTF-8, as a message.
fn not_utf8(bytes: &[u8], e: std::str::Utf8Error, first_line: usize) -> String {
    let good = &bytes[..e.valid_up_to()];
    let line = first_line + memchr::memchr_iter(b'\n', good).count();
    let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = 1 + std::str::from_utf8(&good[line_start..]).map_or(0, |s| s.chars().count());
    format!(
        "not UTF-8 text: byte 0x{:02X} at line {line}, column {column} is not part of a UTF-8 \
         character; save the file as UTF-8",
        bytes[e.valid_up_to()]
    )
}

/// Validates one line of a JSON Lines file (the fast JSON reader; same issues as a file).
pub fn validate_line(line: &str) -> Validation {
    cxsched_core::validate::parse_json_document(line)
}

/// Bytes per piece of a JSON Lines file: a piece is a run of whole lines handled by one
/// thread at a time (about a hundred documents of the usual size).
const PIECE_BYTES: usize = 48 * 1024;

/// Bytes per read from a pipe.
const READ_BYTES: usize = 1024 * 1024;

/// Bytes of a block: the file is read in blocks of whole lines of about this size, and a
/// few blocks at most are held at once ([`render_lines`]: the reader waits while the pieces
/// ahead of the workers fill up, and reuses a block's memory once the workers are done
/// with it), so memory does not grow with the file.
const JSONL_BLOCK_BYTES: usize = 2 * READ_BYTES;

/// How many pieces may wait for a worker while the file is read on ([`stream_pieces`]).
const PIECES_AHEAD: usize = 32;

/// Bytes of the first block: small, so that the work starts after a short read.
const FIRST_BLOCK_BYTES: usize = READ_BYTES;

/// A JSON Lines file read in blocks of whole lines ([`JSONL_BLOCK_BYTES`] or so each). A
/// regular file's block is read in one call into memory not zeroed first. A line longer
/// than a document may be ([`MAX_DOCUMENT_BYTES`]) is kept only up to just over that limit,
/// so that it is reported as too large without being held whole. Its lines are numbered by
/// [`stream_pieces`], which counts them piece by piece.
struct JsonlBlocks {
    file: std::fs::File,
    path: PathBuf,
    /// The file's length when it is a regular file (read by offset); `None` for a pipe.
    len: Option<usize>,
    offset: usize,
    /// The start of a line whose end has not been read yet.
    carry: Vec<u8>,
    lines: LongLines,
    done: bool,
    /// About how many bytes a block holds ([`JSONL_BLOCK_BYTES`]; smaller in tests).
    block_bytes: usize,
}

impl JsonlBlocks {
    /// Opens the file.
    ///
    /// # Errors
    /// A usage error naming the file when it cannot be opened.
    fn open(path: &Path) -> anyhow::Result<JsonlBlocks> {
        let cannot =
            |e: std::io::Error| UsageError(format!("{}: cannot read: {e}", path.display()));
        let file = std::fs::File::open(path).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        let len = if meta.is_file() {
            Some(usize::try_from(meta.len()).map_err(|_| {
                UsageError(format!(
                    "{}: cannot read: the file is too large",
                    path.display()
                ))
            })?)
        } else {
            None
        };
        Ok(JsonlBlocks {
            file,
            path: path.to_path_buf(),
            len,
            offset: 0,
            carry: Vec::new(),
            lines: LongLines::default(),
            done: false,
            block_bytes: JSONL_BLOCK_BYTES,
        })
    }

    /// The next block of whole lines, read into `buffer` (a block done with, for its
    /// memory); `None` at the end.
    ///
    /// # Errors
    /// A usage error naming the file when it cannot be read.
    fn next_block(&mut self, mut buffer: Vec<u8>) -> anyhow::Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let path = self.path.clone();
        let cannot =
            |e: std::io::Error| UsageError(format!("{}: cannot read: {e}", path.display()));
        buffer.clear();
        buffer.append(&mut self.carry);
        let mut text = buffer;
        let block_bytes = if self.offset == 0 {
            self.block_bytes.min(FIRST_BLOCK_BYTES)
        } else {
            self.block_bytes
        };
        loop {
            let from = text.len();
            let n = match self.len {
                Some(len) => {
                    use std::io::{Read as _, Seek as _};
                    let n = block_bytes.min(len - self.offset);
                    // Read straight into the vector's spare room: `read_to_end` fills it
                    // without zeroing it first (zeroing megabytes only to overwrite them
                    // was a visible share of a run).
                    text.reserve_exact(n);
                    let mut file = &self.file;
                    file.seek(std::io::SeekFrom::Start(self.offset as u64))
                        .map_err(cannot)?;
                    let got = file.take(n as u64).read_to_end(&mut text).map_err(cannot)?;
                    if got < n {
                        return Err(cannot(std::io::ErrorKind::UnexpectedEof.into()).into());
                    }
                    n
                }
                None => {
                    // A pipe or a device: its length is not known ahead; read as it comes.
                    text.resize(from + READ_BYTES.min(block_bytes), 0);
                    let n =
                        std::io::Read::read(&mut self.file, &mut text[from..]).map_err(cannot)?;
                    text.truncate(from + n);
                    n
                }
            };
            self.offset += n;
            self.lines.cut_long(&mut text, from);
            let at_end = n == 0 || self.len.is_some_and(|len| self.offset >= len);
            if at_end {
                self.done = true;
                break;
            }
            // A block ends after its last newline; what follows waits for the next one.
            if text.len() >= block_bytes
                && let Some(last) = memchr::memrchr(b'\n', &text)
            {
                self.carry = text.split_off(last + 1);
                self.lines.line_start = self.lines.line_start.saturating_sub(last + 1);
                break;
            }
        }
        if text.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(text))
    }
}

/// Cuts the lines of a text read piece by piece to at most [`LongLines::KEEP`] bytes.
#[derive(Default)]
struct LongLines {
    /// Where the line being read starts.
    line_start: usize,
    /// Whether the rest of the line being read is dropped.
    dropping: bool,
}

impl LongLines {
    /// Just over a document's limit (so that the line is reported as too large), plus room
    /// to end on a character boundary.
    const KEEP: usize = MAX_DOCUMENT_BYTES + 4;

    /// [`LongLines::cut`], unless no line is too long, which the usual case shows in a few
    /// searches: from where a line starts, the last newline within [`LongLines::KEEP`] bytes
    /// (searched backwards, so found a line's length before the end of the span) ends that
    /// line and all before it in time; a span without one holds a line too long.
    fn cut_long(&mut self, text: &mut Vec<u8>, from: usize) {
        if !self.dropping {
            let mut start = self.line_start;
            loop {
                if text.len() - start <= Self::KEEP {
                    // The rest is short whatever its lines: where the last one starts is
                    // all there is to keep.
                    self.line_start =
                        start + memchr::memrchr(b'\n', &text[start..]).map_or(0, |i| i + 1);
                    return;
                }
                match memchr::memrchr(b'\n', &text[start..=start + Self::KEEP]) {
                    Some(i) => start += i + 1,
                    None => break,
                }
            }
        }
        self.cut(text, from);
    }

    /// Cuts the lines of `text[from..]`, just appended after text already cut.
    fn cut(&mut self, text: &mut Vec<u8>, from: usize) {
        let (mut read, mut write) = (from, from);
        while read < text.len() {
            let newline = memchr::memchr(b'\n', &text[read..]).map(|i| read + i);
            let end = newline.unwrap_or(text.len());
            if !self.dropping {
                let room = Self::KEEP - (write - self.line_start);
                let mut take = (end - read).min(room);
                if take < end - read {
                    // Cut on a character boundary: never before a continuation byte.
                    while take > 0 && text[read + take] & 0xC0 == 0x80 {
                        take -= 1;
                    }
                    self.dropping = true;
                }
                if write != read {
                    text.copy_within(read..read + take, write);
                }
                write += take;
            }
            match newline {
                Some(at) => {
                    text[write] = b'\n';
                    write += 1;
                    read = at + 1;
                    self.line_start = write;
                    self.dropping = false;
                }
                None => read = end,
            }
        }
        text.truncate(write);
    }
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

/// A [`Piece`] that shares its block's text, for work that outlives the reading of the
/// block ([`stream_pieces`]).
pub struct OwnedPiece {
    first_line: usize,
    block: std::sync::Arc<String>,
    range: std::ops::Range<usize>,
}

impl OwnedPiece {
    pub fn piece(&self) -> Piece<'_> {
        Piece {
            first_line: self.first_line,
            text: &self.block[self.range.clone()],
        }
    }
}

/// Reads the blocks of a JSON Lines file and gives each piece of whole lines to `give` in
/// order, a block's pieces once the whole block is
/// known to be UTF-8; stops early when `give` returns false. Meant for a thread of its own
/// beside the workers (`output::render_streamed`): the pieces share their block.
///
/// # Errors
/// A usage error naming the file when it cannot be read or is not UTF-8.
fn stream_pieces(
    path: &Path,
    mut blocks: JsonlBlocks,
    give: &mut dyn FnMut(OwnedPiece) -> bool,
) -> anyhow::Result<()> {
    let mut block = blocks.next_block(Vec::new())?;
    // The number of the next piece's first line.
    let mut first_line = 1;
    // The blocks given lately: once the workers are done with the oldest, its memory holds
    // the next block. Freed by the workers instead, the blocks would be freed on threads
    // other than the one that made them, and the allocator keeps such memory longer.
    let mut recent: std::collections::VecDeque<std::sync::Arc<String>> =
        std::collections::VecDeque::new();
    while let Some(bytes) = block {
        let text = match String::from_utf8(bytes) {
            Ok(text) => std::sync::Arc::new(text),
            Err(e) => {
                let message = not_utf8(e.as_bytes(), e.utf8_error(), first_line);
                return Err(
                    UsageError(format!("{}: cannot read: {message}", path.display())).into(),
                );
            }
        };
        for range in cuts(text.as_bytes()) {
            let newlines = memchr::memchr_iter(b'\n', &text.as_bytes()[range.clone()]).count();
            let piece = OwnedPiece {
                first_line,
                block: std::sync::Arc::clone(&text),
                range,
            };
            if !give(piece) {
                return Ok(());
            }
            first_line += newlines;
        }
        recent.push_back(text);
        let buffer = match recent.front() {
            Some(oldest) if std::sync::Arc::strong_count(oldest) == 1 => recent
                .pop_front()
                .and_then(|oldest| std::sync::Arc::try_unwrap(oldest).ok())
                .map(String::into_bytes)
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // A few blocks at most wait for the workers (the pieces ahead span one or two).
        if recent.len() > 4 {
            recent.pop_front();
        }
        block = blocks.next_block(buffer)?;
    }
    Ok(())
}

/// Every line of a JSON Lines file through a render in parallel while the file is read, the
/// reports written to `out` in line order. `make_render` runs while the file is opened and
/// its first block read (on another thread) and gives the render: it gets the buffer to
/// append the report to, the line's source (`FILE:LINE`), its number and its text, and
/// says whether the document passed. Returns how many documents there were and how many
/// did not pass.
///
/// # Errors
/// `make_render` failed (before anything is written), the file could not be read or is not
/// UTF-8, or writing to `out` failed.
pub fn render_lines<W, R>(
    path: &Path,
    out: &mut W,
    make_render: impl FnOnce() -> anyhow::Result<R>,
) -> anyhow::Result<(usize, usize)>
where
    W: std::io::Write + Send,
    R: Fn(&mut Vec<u8>, &str, usize, &str) -> bool + Sync,
{
    let name = path.display().to_string();
    let name = name.as_str();
    crate::output::render_streamed(
        |give| stream_pieces(path, JsonlBlocks::open(path)?, give),
        PIECES_AHEAD,
        out,
        || {
            let render = make_render()?;
            Ok(move |text: &mut Vec<u8>, piece: &OwnedPiece| {
                let mut source = String::new();
                let (mut documents, mut failed) = (0, 0);
                for (line, doc) in piece.piece().lines() {
                    documents += 1;
                    set_line_source(&mut source, name, line);
                    failed += usize::from(!render(text, &source, line, doc));
                }
                (documents, failed)
            })
        },
    )
}

/// Where a block is cut into pieces of whole lines of about [`PIECE_BYTES`]: each piece
/// ends just after a newline (or at the end), so the lines of the pieces are the lines of
/// the block; a newline is never part of a multi-byte UTF-8 sequence.
fn cuts(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut cuts = Vec::with_capacity(text.len() / PIECE_BYTES + 2);
    let mut start = 0;
    while start < text.len() {
        let at = (start + PIECE_BYTES).min(text.len());
        let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i + 1);
        cuts.push(start..end);
        start = end;
    }
    cuts
}

/// Sets `source` to `name:LINE`, how reports name a line of a JSON Lines file.
pub fn set_line_source(source: &mut String, name: &str, line: usize) {
    source.clear();
    source.push_str(name);
    source.push(':');
    cxsched_core::json_bytes::push_decimal(source, line as u64);
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

pub use cxsched_engine::document::read_phone_numbers;

#[cfg(test)]
mod tests {
    use super::{JsonlBlocks, LongLines, Piece, stream_pieces};
    use proptest::prelude::*;

    /// Blocks of a few bytes give the same lines, numbered the same, as the file whole.
    #[test]
    fn blocks_of_whole_lines_number_the_lines_as_the_whole_file_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        let text: String = (1..=200)
            .map(|i| {
                if i % 7 == 0 {
                    "\n".to_owned()
                } else {
                    format!("{{\"n\":{i},\"pad\":\"{}\"}}\n", "é".repeat(i % 13))
                }
            })
            .collect();
        std::fs::write(&path, &text).unwrap();
        let whole: Vec<(usize, String)> = Piece {
            first_line: 1,
            text: &text,
        }
        .lines()
        .map(|(n, l)| (n, l.to_owned()))
        .collect();
        assert_eq!(whole.len(), 200 - 200 / 7);
        for block_bytes in [1, 10, 64, 1000, 1 << 20] {
            let mut blocks = JsonlBlocks::open(&path).unwrap();
            blocks.block_bytes = block_bytes;
            let mut seen = Vec::new();
            stream_pieces(&path, blocks, &mut |p| {
                seen.extend(p.piece().lines().map(|(n, l)| (n, l.to_owned())));
                true
            })
            .unwrap();
            assert_eq!(seen, whole, "blocks of {block_bytes} bytes");
        }
    }

    /// Lines over the limit are cut just over it, on a character boundary, however the text
    /// arrives; the other lines are kept as they are.
    #[test]
    fn long_lines_are_cut_just_over_the_limit() {
        let long = "é".repeat(LongLines::KEEP);
        let text = format!("a\n{long}\nb\n{long}");
        // Lines exactly as long as is kept: left whole.
        let at_limit = format!("{}\n", "x".repeat(LongLines::KEEP));
        let fine = format!("{at_limit}{at_limit}c");
        // The text as it would be read, `step` bytes at a time.
        let read = |text: &str, step: usize| {
            let mut out = Vec::new();
            let mut lines = LongLines::default();
            for part in text.as_bytes().chunks(step) {
                let from = out.len();
                out.extend_from_slice(part);
                lines.cut_long(&mut out, from);
            }
            out
        };
        for step in [1000, 4096, 1 << 20, text.len()] {
            let kept = read(&fine, step);
            assert_eq!(
                kept,
                fine.as_bytes(),
                "lines within the limit are kept whole"
            );
            let out = read(&text, step);
            let out = String::from_utf8(out).expect("cut on character boundaries");
            let got: Vec<usize> = out.split('\n').map(str::len).collect();
            assert_eq!(got.len(), 4);
            assert_eq!((got[0], got[2]), (1, 1));
            for n in [got[1], got[3]] {
                assert!(n > super::MAX_DOCUMENT_BYTES && n <= LongLines::KEEP, "{n}");
            }
        }
    }

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
