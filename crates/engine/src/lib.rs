//! `cxsched-engine`: schedules as code, on any platform.
//!
//! The engine compares desired documents with what a platform holds live (`plan`) and writes
//! the differences (`apply`) for many targets at once, the same way whatever the platform:
//!
//! - [`platform`]: the small interface a platform implements (read a target, compare by
//!   meaning, write without overwriting someone else's change), with two implementations:
//!   [`seed`] (the tutorial's campaign schedule API, ETags) and [`cxone`] (NICE CXone's
//!   Personal Connection skills, no ETags: read before, write, read back).
//! - [`document`]: desired documents as read from files, one per campaign.
//! - [`gate`]: the compliance gate — a document is checked as `cxsched check` would check it,
//!   and its errors block the write unless overridden with a reason.
//! - [`record`]: the audit vocabulary (actions, outcomes) and what the audit log says
//!   cxsched last wrote, which is how drift is recognised.
//! - [`mod@plan`]: reading every target concurrently and deciding unchanged / changed /
//!   conflict / error.
//! - [`mod@execute`]: the writes, under the client's rate limit, every attempt recorded, a signed
//!   webhook queued after each write, a clean stop when asked.
//! - [`pool`]: at most N tasks in flight, so memory stays flat however many targets.
//!
//! The engine takes everything from its caller (documents, the clock's "now", the stop flag,
//! the audit log and outbox); the binary keeps flags, configuration and rendering.

pub mod cxone;
pub mod document;
pub mod execute;
pub mod export;
pub mod gate;
pub mod plan;
pub mod platform;
pub mod pool;
pub mod record;
pub mod seed;

pub use document::Document;
pub use execute::{Ending, Settings, Sinks, TargetResult, Versions, execute};
pub use plan::{Entry, Status, plan};
pub use platform::{Platform, Target, WriteError, Written};
