//! Schedules as code: comparing desired documents with live schedules (`plan`) and writing
//! the differences (`apply`) across many campaigns at once.
//!
//! - [`desired`]: reading the desired documents and their gates (validation, compliance).
//! - [`plan`]: reading live schedules concurrently and deciding, per campaign, unchanged /
//!   changed / conflict / error, by meaning (`cxsched_core::compare`).
//! - [`execute`]: the writes, under the client's rate limit, with the audit log and the
//!   webhook outbox, stopping cleanly on Ctrl-C.
//! - [`report`]: human and JSON rendering of plans and results.

pub mod desired;
pub mod execute;
pub mod plan;
pub mod report;
