//! Schedules as code: comparing desired documents with live schedules (`plan`) and writing
//! the differences (`apply`) across many campaigns at once.
//!
//! - [`desired`]: reading the desired documents and their gates (validation, compliance).
//! - [`plan`]: reading live schedules concurrently and deciding, per campaign, unchanged /
//!   changed / conflict / error, by meaning (`cxsched_core::compare`).
//! - [`execute`]: the writes, under the client's rate limit, with the audit log and the
//!   webhook outbox, stopping cleanly on Ctrl-C.
//! - [`report`]: human and JSON rendering of plans and results.
//! - [`Pool`]: at most N tasks in flight, so memory stays flat however many campaigns.

pub mod desired;
pub mod execute;
pub mod plan;
pub mod report;

use std::collections::HashMap;
use std::future::Future;

use tokio::task::{Id, JoinSet};

/// Runs tasks with at most `limit` in flight (a new one starts when one ends), so that only
/// `limit` futures exist at a time however many campaigns there are. Each task carries the
/// index of its campaign; a task that panics is reported by index, not lost.
pub struct Pool<R> {
    set: JoinSet<R>,
    index_of: HashMap<Id, usize>,
    limit: usize,
    done: Vec<(usize, Result<R, String>)>,
}

impl<R: Send + 'static> Pool<R> {
    pub fn new(limit: usize) -> Pool<R> {
        Pool {
            set: JoinSet::new(),
            index_of: HashMap::new(),
            limit: limit.max(1),
            done: Vec::new(),
        }
    }

    /// Starts `task` for campaign `index`, first waiting for a free place.
    pub async fn spawn(&mut self, index: usize, task: impl Future<Output = R> + Send + 'static) {
        while self.set.len() >= self.limit {
            self.join_one().await;
        }
        let handle = self.set.spawn(task);
        self.index_of.insert(handle.id(), index);
    }

    /// Waits for every task; results by index (in completion order).
    pub async fn finish(mut self) -> Vec<(usize, Result<R, String>)> {
        while !self.set.is_empty() {
            self.join_one().await;
        }
        self.done
    }

    async fn join_one(&mut self) {
        match self.set.join_next_with_id().await {
            Some(Ok((id, r))) => {
                let i = self.index_of.remove(&id).expect("every task is registered");
                self.done.push((i, Ok(r)));
            }
            Some(Err(e)) => {
                let i = self
                    .index_of
                    .remove(&e.id())
                    .expect("every task is registered");
                self.done
                    .push((i, Err(format!("internal error: the task stopped: {e}"))));
            }
            None => {}
        }
    }
}

/// Orders `(index, item)` pairs by index and drops the indexes.
pub fn in_order<T>(mut items: Vec<(usize, T)>) -> Vec<T> {
    items.sort_by_key(|(i, _)| *i);
    items.into_iter().map(|(_, t)| t).collect()
}
