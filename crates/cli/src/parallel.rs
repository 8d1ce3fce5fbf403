//! Work split over the CPUs for the length of one call, on std's scoped threads.
//!
//! A thread pool (rayon's) keeps its threads spinning for a while after the work is done,
//! on the CPUs the workers of the next step ([`crate::output::render_streamed`]) need: a
//! run of `check --jsonl` reads its file, cuts it and renders in steps a few milliseconds
//! long, so the threads here end with the call that started them.

use std::num::NonZero;
use std::thread;

/// `a` and `b` at once, `b` on the calling thread.
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    thread::scope(|scope| {
        let other = scope.spawn(a);
        let b = b();
        (joined(other.join()), b)
    })
}

/// `f` of every item, in order, on one thread per CPU (the calling thread one of them),
/// each taking a run of consecutive items.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(items.len())
        .max(1);
    let per = items.len().div_ceil(threads).max(1);
    let mut runs = items.chunks(per);
    let Some(first) = runs.next() else {
        return Vec::new();
    };
    let f = &f;
    thread::scope(|scope| {
        let others: Vec<_> = runs
            .map(|run| scope.spawn(move || run.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = Vec::with_capacity(items.len());
        out.extend(first.iter().map(f));
        for other in others {
            out.extend(joined(other.join()));
        }
        out
    })
}

/// A joined thread's result; its panic passed on.
fn joined<T>(result: thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order_of_the_items() {
        for n in [0, 1, 2, 3, 17, 1000] {
            let items: Vec<u32> = (0..n).collect();
            assert_eq!(
                map(&items, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn join_gives_both_results() {
        assert_eq!(join(|| 1 + 1, || "b"), (2, "b"));
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items = [1, 2, 3, 4];
        map(&items, |&x| if x == 4 { panic!("boom") } else { x });
    }
}
