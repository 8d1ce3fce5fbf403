//! `cxsched-api`: an async client of the CXone campaign schedule API (CONTRACT §4).
//!
//! - [`Client`] holds the configuration, one cached access token (refreshed before expiry,
//!   fetched once however many tasks need it), a shared rate-limit gate and a connection pool.
//! - Every request has a timeout and `Accept: application/json`; 429, 5xx and connection
//!   failures are retried by the policy in [`retry`] within a total deadline; a 401 refreshes
//!   the token once.
//! - Operations: [`Client::get_schedule`], [`Client::put_schedule`], and
//!   [`Client::write_schedule`], which never overwrites a schedule that changed since it was
//!   read.
//! - One error type, [`ApiError`], keeps the status, the server's body and what was being
//!   done; secrets ([`Secret`]) never print.
//! - [`cxone`]: the client of NICE CXone's real API (CONTRACT §6), on the same request core
//!   (`transport.rs`, its decisions in [`retry::RetryState`]).

mod client;
mod config;
pub mod cxone;
mod error;
mod limiter;
mod live;
pub mod ops;
pub mod retry;
mod token;
mod transport;
mod urls;

pub use client::Client;
pub use config::{Backoff, ClientConfig, Secret};
pub use error::{ApiError, Conflict, ErrorKind, FieldError};
pub use ops::get_schedule::{Live, parse_live};
pub use ops::put_schedule::Written;
pub use ops::write_schedule::WriteOutcome;
