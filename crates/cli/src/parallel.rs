//! Work done beside the calling thread for the length of one call, on std's scoped threads.
//!
//! A thread pool (rayon's) keeps its threads spinning for a while after the work is done,
//! on the CPUs the workers of the next step ([`crate::output::render_streamed`]) need: a
//! run of `check --jsonl` reads its file, cuts it and renders in steps a few milliseconds
//! long, so the threads here end with the call that started them.

use std::thread;

/// `a` and `b` at once, `b` on the calling thread.
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    thread::scope(|scope| {
        let other = scope.spawn(a);
        let b = b();
        (joined(other.join()), b)
    })
}

/// A joined thread's result; its panic passed on.
pub fn joined<T>(result: thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_gives_both_results() {
        assert_eq!(join(|| 1 + 1, || "b"), (2, "b"));
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_beside_reaches_the_caller() {
        join(|| panic!("boom"), || ());
    }
}
