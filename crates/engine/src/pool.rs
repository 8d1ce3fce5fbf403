//! [`Pool`]: runs tasks with at most N in flight, so that only N futures exist at a time
//! however many targets a run has; [`Slots`] and [`in_order`] to put results back in input order.

use std::collections::HashMap;
use std::future::Future;

use tokio::task::{Id, JoinSet};

/// Runs tasks with at most `limit` in flight (a new one starts when one ends). Each task
/// carries the index of its target; a task that panics is reported by index, not lost.
///
/// # Example
///
/// Ten tasks, at most three at a time, their results put back in order with [`Slots`]:
///
/// ```
/// use cxsched_engine::pool::{Pool, Slots};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let squares = rt.block_on(async {
///     let mut pool = Pool::new(3);
///     for i in 0..10u64 {
///         pool.spawn(i as usize, async move { i * i }).await;
///     }
///     let mut slots = Slots::new(10);
///     for (i, result) in pool.finish().await {
///         slots.put(i, result.unwrap());
///     }
///     slots.into_vec()
/// });
/// assert_eq!(squares, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
/// ```
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

    /// Starts `task` for target `index`, first waiting for a free place.
    pub async fn spawn(&mut self, index: usize, task: impl Future<Output = R> + Send + 'static) {
        while self.set.len() >= self.limit {
            self.join_one().await;
        }
        let handle = self.set.spawn(task);
        self.index_of.insert(handle.id(), index);
    }

    /// The results of the tasks ended so far, by index (in completion order); taking them
    /// as they come keeps only a handful waiting however many tasks a run has.
    pub fn take_done(&mut self) -> Vec<(usize, Result<R, String>)> {
        std::mem::take(&mut self.done)
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

/// Results by index, put in any order and read out in order: one buffer of the final size,
/// no sort and no copy into a second one (a plan's entries are large, and many).
///
/// # Example
///
/// ```
/// use cxsched_engine::pool::Slots;
///
/// let mut slots = Slots::new(3);
/// slots.put(2, "c");
/// slots.put(0, "a");
/// slots.put(4, "e"); // past the room: it grows
/// assert_eq!(slots.into_vec(), ["a", "c", "e"]); // indexes never put are left out
/// ```
pub struct Slots<T>(Vec<Option<T>>);

impl<T> Slots<T> {
    /// Room for `n` results, indexes `0..n`.
    pub fn new(n: usize) -> Slots<T> {
        let mut v = Vec::with_capacity(n);
        v.resize_with(n, || None);
        Slots(v)
    }

    /// Puts the result of index `i` (growing the room if `i` is past it).
    pub fn put(&mut self, i: usize, item: T) {
        if i >= self.0.len() {
            self.0.resize_with(i + 1, || None);
        }
        self.0[i] = Some(item);
    }

    /// The results in index order (indexes never put are left out).
    pub fn into_vec(self) -> Vec<T> {
        self.0.into_iter().flatten().collect()
    }
}

/// Orders `(index, item)` pairs by index and drops the indexes.
pub fn in_order<T>(mut items: Vec<(usize, T)>) -> Vec<T> {
    items.sort_by_key(|(i, _)| *i);
    items.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn never_more_than_the_limit_in_flight_and_panics_are_reported_by_index() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut pool = Pool::new(3);
        for i in 0..20usize {
            let (in_flight, most) = (Arc::clone(&in_flight), Arc::clone(&most));
            pool.spawn(i, async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                assert!(i != 7, "task 7 fails");
                i * 2
            })
            .await;
        }
        let results = in_order(pool.finish().await);
        let mut slots = Slots::new(2);
        slots.put(3, 'd');
        slots.put(0, 'a');
        assert_eq!(slots.into_vec(), ['a', 'd']);
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert_eq!(results.len(), 20);
        assert!(results[7].is_err());
        assert_eq!(results[8].as_ref().ok(), Some(&16));
    }
}
