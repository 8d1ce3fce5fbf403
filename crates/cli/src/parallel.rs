//! Threads that end with the call that started them: std's scoped threads.
//!
//! A thread pool (rayon's) keeps its threads spinning for a while after the work is done,
//! on the CPUs the workers of the next step ([`crate::output::render_streamed`]) need: a
//! run of `check --jsonl` reads its file, cuts it and renders in steps a few milliseconds
//! long, so its threads are scoped to the call that needs them.

use std::thread;

/// A joined thread's result; its panic passed on.
pub fn joined<T>(result: thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_result_is_given() {
        assert_eq!(thread::scope(|s| joined(s.spawn(|| 1 + 1).join())), 2);
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_beside_reaches_the_caller() {
        thread::scope(|s| joined(s.spawn(|| panic!("boom")).join()));
    }
}
