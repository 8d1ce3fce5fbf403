//! The emulator's one error type: bad configuration, unreadable campaign files or state, and
//! failures to bind the listening socket.

use std::path::PathBuf;

/// Why an emulator could not start (or save its state).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// A configuration value is wrong; the message says which and what is expected.
    #[error("{0}")]
    Config(String),
    /// A campaigns file, folder or state file could not be read or understood.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

impl EmulatorError {
    pub(crate) fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> EmulatorError {
        EmulatorError::File {
            path: path.into(),
            message: message.into(),
        }
    }
}
