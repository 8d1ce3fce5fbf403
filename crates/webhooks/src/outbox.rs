//! The durable outbox: one JSON file per event in a folder, kept until delivered.
//!
//! An event is written to `<id>.json` (temporary file, `fsync`, hard link into place,
//! `fsync` of the folder) before any delivery is tried, so a crash never loses it. Enqueuing
//! an id that is already there changes nothing (a delivered event stays delivered). State
//! changes rewrite the file the same way (temporary file, `fsync`, rename). The body is
//! stored as the exact bytes that are signed and sent, so every retry sends the same body.
//!
//! States: `pending` (to be sent), `delivered` (a 2xx answer), `failed` (a 4xx answer other
//! than 408 and 429: the receiver refuses this event and retrying will not help; kept and
//! shown by `webhooks status`, and put back to `pending` by [`Outbox::requeue_failed`]).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::WebhookError;
use crate::event::{Event, SCHEDULE_ACTIVATED};

/// The default outbox folder, used when neither a flag nor `CXSCHED_OUTBOX` names one.
pub const DEFAULT_OUTBOX_DIR: &str = "cxsched-outbox";

/// Where an event is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// One event in the outbox, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The `webhook-id`.
    pub id: String,
    pub event: String,
    pub campaign_id: String,
    pub created_at: jiff::Timestamp,
    /// The exact body that is signed and sent.
    pub body: String,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_attempt_at: Option<jiff::Timestamp>,
    /// The HTTP status of the last answer, when there was one.
    pub last_status: Option<u16>,
    /// Why the last attempt did not deliver (never contains the secret).
    pub last_error: Option<String>,
    pub delivered_at: Option<jiff::Timestamp>,
}

/// Counts of events by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pending: usize,
    pub delivered: usize,
    pub failed: usize,
}

/// An outbox folder.
#[derive(Clone, Debug)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    /// Opens (creating when missing) the outbox folder.
    ///
    /// # Errors
    /// [`WebhookError::Outbox`] when the folder cannot be created.
    pub fn open(dir: impl AsRef<Path>) -> Result<Outbox, WebhookError> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| WebhookError::outbox(&dir, "create", e))?;
        Ok(Outbox { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Stores an event durably (before any delivery); returns its `webhook-id`. Enqueuing
    /// the same event again returns the same id and changes nothing.
    ///
    /// # Errors
    /// [`WebhookError::Outbox`] when the file cannot be written and synced.
    pub fn enqueue(&self, event: &Event) -> Result<String, WebhookError> {
        let id = event.id();
        let path = self.path_of(&id);
        if path.exists() {
            return Ok(id);
        }
        let record = Record {
            id: id.clone(),
            event: SCHEDULE_ACTIVATED.into(),
            campaign_id: event.campaign_id.clone(),
            created_at: jiff::Timestamp::now(),
            body: event.body(),
            state: DeliveryState::Pending,
            attempts: 0,
            last_attempt_at: None,
            last_status: None,
            last_error: None,
            delivered_at: None,
        };
        let tmp = self.write_temp(&record)?;
        // A hard link never replaces: if another process enqueued the same id meanwhile,
        // its record (and any progress on it) is kept.
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(id),
            Err(e) => return Err(WebhookError::outbox(&path, "store", e)),
        }
        self.sync_dir();
        Ok(id)
    }

    /// Replaces a record (after a delivery attempt).
    ///
    /// # Errors
    /// [`WebhookError::Outbox`] when it cannot be written and synced.
    pub fn save(&self, record: &Record) -> Result<(), WebhookError> {
        let path = self.path_of(&record.id);
        let tmp = self.write_temp(record)?;
        fs::rename(&tmp, &path).map_err(|e| WebhookError::outbox(&path, "store", e))?;
        self.sync_dir();
        Ok(())
    }

    /// Every event, oldest first.
    ///
    /// # Errors
    /// [`WebhookError::Outbox`] when the folder or a record cannot be read; a record that
    /// is not valid JSON is named.
    pub fn list(&self) -> Result<Vec<Record>, WebhookError> {
        let mut records = Vec::new();
        let entries =
            fs::read_dir(&self.dir).map_err(|e| WebhookError::outbox(&self.dir, "read", e))?;
        for entry in entries {
            let path = entry
                .map_err(|e| WebhookError::outbox(&self.dir, "read", e))?
                .path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || !name.ends_with(".json") {
                continue;
            }
            let text = fs::read(&path).map_err(|e| WebhookError::outbox(&path, "read", e))?;
            let record: Record =
                serde_json::from_slice(&text).map_err(|e| WebhookError::Outbox {
                    path: path.clone(),
                    message: format!(
                        "not an outbox record ({e}); move the file out of the outbox folder"
                    ),
                })?;
            records.push(record);
        }
        records.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(records)
    }

    /// How many events are in each state.
    ///
    /// # Errors
    /// As [`Outbox::list`].
    pub fn counts(&self) -> Result<Counts, WebhookError> {
        let mut c = Counts::default();
        for r in self.list()? {
            match r.state {
                DeliveryState::Pending => c.pending += 1,
                DeliveryState::Delivered => c.delivered += 1,
                DeliveryState::Failed => c.failed += 1,
            }
        }
        Ok(c)
    }

    /// Puts permanently failed events back to `pending`; returns how many.
    ///
    /// # Errors
    /// As [`Outbox::list`] and [`Outbox::save`].
    pub fn requeue_failed(&self) -> Result<usize, WebhookError> {
        let mut n = 0;
        for mut r in self.list()? {
            if r.state == DeliveryState::Failed {
                r.state = DeliveryState::Pending;
                self.save(&r)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// A lock file that one delivering process holds at a time.
    pub(crate) fn lock_file(&self) -> Result<File, WebhookError> {
        let path = self.dir.join(".deliver.lock");
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| WebhookError::outbox(&path, "open", e))
    }

    fn write_temp(&self, record: &Record) -> Result<PathBuf, WebhookError> {
        let tmp = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            record.id,
            std::process::id(),
            rand::random::<u32>()
        ));
        let text = serde_json::to_vec_pretty(record).expect("a record always serializes");
        let mut f = File::create(&tmp).map_err(|e| WebhookError::outbox(&tmp, "create", e))?;
        f.write_all(&text)
            .and_then(|()| f.sync_all())
            .map_err(|e| WebhookError::outbox(&tmp, "write", e))?;
        Ok(tmp)
    }

    fn sync_dir(&self) {
        #[cfg(unix)]
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
    }
}
