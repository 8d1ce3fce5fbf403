//! `cxsched-webhooks`: signed webhooks from a durable outbox (CONTRACT §4).
//!
//! After a successful schedule write, `apply` builds an [`Event`] and [`Outbox::enqueue`]s
//! it (durably, before any delivery), then [`Outbox::deliver_pending`] sends what is pending,
//! signed per the Standard Webhooks specification ([`sign`]), with backoff, within a bounded
//! wait. Whatever is not delivered stays in the outbox for a later command or
//! `cxsched webhooks flush`; a webhook failure never undoes or hides the write.
//!
//! [`signature`] and [`event`] are pure; [`outbox`] touches files and [`delivery`] the
//! network.

pub mod delivery;
pub mod event;
pub mod outbox;
pub mod signature;

use std::path::{Path, PathBuf};

pub use delivery::{DeliveryReport, RetryPolicy, check_url, http_client};
pub use event::{Event, SCHEDULE_ACTIVATED};
pub use outbox::{Counts, DEFAULT_OUTBOX_DIR, DeliveryState, Outbox, Record};
pub use signature::{WebhookSecret, sign, verify};

/// Why a webhook operation failed. Messages never contain the secret.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The secret could not be read.
    #[error("{0}")]
    Secret(String),
    /// The outbox folder or one of its files could not be used.
    #[error("webhook outbox {path}: {message}")]
    Outbox { path: PathBuf, message: String },
    /// The receiver URL is not acceptable.
    #[error("{0}")]
    Url(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client for webhooks: {0}")]
    Http(String),
}

impl WebhookError {
    fn outbox(path: &Path, op: &str, e: std::io::Error) -> WebhookError {
        WebhookError::Outbox {
            path: path.to_path_buf(),
            message: format!("cannot {op}: {e}"),
        }
    }
}
