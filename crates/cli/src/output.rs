//! Output helpers shared by commands: the `--output` mode, JSON printing, broken pipes.

use std::io::Write;

/// `--output human|json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputMode {
    Human,
    Json,
}

/// Writes one JSON value on its own line to stdout.
pub fn print_json(value: &serde_json::Value) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")
}

/// True when the error is stdout closing under us (`cxsched … | head`): a normal end.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
