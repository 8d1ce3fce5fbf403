//! `cxsched-emulator`: the bundled stand-in for the CXone schedule API of CONTRACT §4–§5.
//!
//! One router ([`app`]) serves `cxsched emulator`, `cxsched demo` and the tests; [`spawn`]
//! runs it on a TCP listener (port 0 works) and returns the bound address and a handle to
//! stop it. State ([`EmulatorState`]) is in memory, optionally saved to a file. Faults (a
//! share of 5xx answers, dropped connections, slow answers), a token-bucket rate limit,
//! added latency, token lifetime and revocation make the client's failure paths testable.

mod campaigns;
mod config;
pub mod cxone;
mod error;
mod harness;
mod routes;
mod serve;
mod state;

pub use campaigns::stored_schedule;
pub use config::{
    CampaignSource, ClientCredential, EmulatorConfig, FaultKind, Faults, RetryAfterStyle,
};
pub use error::EmulatorError;
pub use routes::{DropConnection, app};
pub use serve::{RunningEmulator, spawn};
pub use state::{Campaign, EmulatorState, LogEntry};
