//! Output helpers shared by commands: the `--output` mode, JSON printing, broken pipes, and
//! a small JSON writer for the per-document reports of `validate` and `check`.
//!
//! The reports are written straight into a byte buffer (one buffer per chunk of documents)
//! rather than through a tree or a `Serialize` derive: with tens of thousands of documents a
//! run, rendering is a large share of the time. The writer produces exactly what
//! `serde_json` produces for the same values (same escapes, `null` for a missing value), so
//! the output does not depend on which path wrote it; the tests below hold it to that.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

/// `--output human|json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputMode {
    Human,
    Json,
}

/// The `--output` flag: the modes every command has, and `sarif`, which only `check` has
/// (a SARIF 2.1.0 log for code scanning; see `commands::check`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFlag {
    Human,
    Json,
    Sarif,
}

/// Writes one JSON value on its own line to stdout.
pub fn print_json(value: &serde_json::Value) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")
}

/// The closing line of a human report on several documents: how many passed and how many
/// failed, in the words of the command (`("valid", "invalid")`); nothing for one document
/// or JSON.
pub fn summary(
    out: &mut impl Write,
    mode: OutputMode,
    total: usize,
    failed: usize,
    (passed_word, failed_word): (&str, &str),
) -> std::io::Result<()> {
    if mode == OutputMode::Human && total > 1 {
        writeln!(
            out,
            "{total} documents: {} {passed_word}, {failed} {failed_word}",
            total - failed
        )?;
    }
    Ok(())
}

/// `n` in decimal (shared with the document checks, which name windows by index).
pub use cxsched_core::json_bytes::decimal;

/// True when the error is stdout closing under us (`cxsched … | head`): a normal end.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Renders chunks in parallel as they are made and writes the reports to `out` in the
/// chunks' order.
///
/// `produce` runs on a thread of its own and hands each chunk, in order, to the function it
/// is given, which returns false once the work has stopped (the output failed): reading a
/// file and cutting it into chunks overlaps the rendering instead of coming before it, and
/// no worker waits at the end of a block of the file for the others. At most `ahead`
/// chunks wait for a worker; `produce` waits for room beyond that, so memory stays bounded
/// however long the input is.
///
/// `make_render` runs on the calling thread as soon as `produce` has started (what every
/// chunk's rendering shares, such as a rule pack, is made while the first chunks are read)
/// and gives `render`, which appends the reports of one chunk to a buffer and returns how
/// many documents it reported and how many of them failed; the totals are returned. One
/// worker per CPU (the calling thread is one) takes chunks in order; a finished buffer is
/// handed to whichever worker is writing, or the worker that finished it starts writing
/// every buffer that is next in order. No worker waits for a slower one's chunk unless the
/// buffers held back for order reach a small bound (a slow reader of the output), and the
/// CPUs stay busy while output is written.
///
/// # Errors
/// `make_render` failed (then nothing is rendered, whatever `produce` did), writing to `out`
/// failed (a closed pipe included; work stops soon after), or `produce` did (after what it
/// gave has been written).
pub fn render_streamed<T: Send, W: Write + Send, R>(
    produce: impl FnOnce(&mut dyn FnMut(T) -> bool) -> anyhow::Result<()> + Send,
    ahead: usize,
    out: &mut W,
    make_render: impl FnOnce() -> anyhow::Result<R>,
) -> anyhow::Result<(usize, usize)>
where
    R: Fn(&mut Vec<u8>, &T) -> (usize, usize) + Sync,
{
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let order = InOrder::new(out, workers);
    let feed = Feed::new(ahead);
    let claim = || feed.take(&order);
    let produced = std::thread::scope(|scope| {
        let producer = scope.spawn(|| {
            // Closed however `produce` ends (a panic too), so that no worker waits forever.
            let _close = Closing {
                feed: &feed,
                always: true,
            };
            let mut give = |chunk: T| feed.give(chunk, &order);
            produce(&mut give)
        });
        let made = {
            // Should it panic, the producer must not wait for room forever.
            let _close = Closing {
                feed: &feed,
                always: false,
            };
            make_render()
        };
        let render = match made {
            Ok(render) => render,
            Err(e) => {
                // The producer stops at its next chunk; what it says no longer matters.
                feed.close();
                let _ = crate::parallel::joined(producer.join());
                return Err(e);
            }
        };
        // The workers borrow `render`, made inside this scope: a scope of their own.
        std::thread::scope(|workers_scope| {
            // A worker whose rendering panics closes the feed, so that the producer does not
            // wait for room forever.
            let work = || {
                let _close = Closing {
                    feed: &feed,
                    always: false,
                };
                order.work(&claim, &render);
            };
            for _ in 1..workers {
                workers_scope.spawn(work);
            }
            work();
        });
        // The workers have ended: a producer still waiting for room finds the work stopped.
        feed.close();
        Ok(crate::parallel::joined(producer.join()))
    })?;
    let totals = order.totals()?;
    produced?;
    Ok(totals)
}

/// Closes a feed when dropped: always, or only while unwinding.
struct Closing<'a, T> {
    feed: &'a Feed<T>,
    always: bool,
}

impl<T> Drop for Closing<'_, T> {
    fn drop(&mut self) {
        if self.always || std::thread::panicking() {
            self.feed.close();
        }
    }
}

/// The chunks of [`render_streamed`] between the producer and the workers.
///
/// Waking a thread is a system call, and on a machine with as many workers as CPUs a woken
/// producer takes a CPU from a worker: so a waiting thread is woken only when it has
/// something to do, and the producer, once the queue is full, only when half of it has
/// been taken (it then gives that half in one go).
struct Feed<T> {
    state: Mutex<FeedState<T>>,
    /// Signalled for the producer: room in the queue, or the feed closed.
    room: Condvar,
    /// Signalled for the workers: a chunk, or the feed closed.
    given: Condvar,
    ahead: usize,
}

struct FeedState<T> {
    queue: std::collections::VecDeque<T>,
    /// The index of the chunk at the front of the queue.
    next: usize,
    /// No more chunks will come.
    closed: bool,
    /// The producer waits for room.
    producer_waits: bool,
    /// How many workers wait for a chunk.
    workers_wait: usize,
}

impl<T> Feed<T> {
    fn new(ahead: usize) -> Self {
        Feed {
            state: Mutex::new(FeedState {
                queue: std::collections::VecDeque::new(),
                next: 0,
                closed: false,
                producer_waits: false,
                workers_wait: 0,
            }),
            room: Condvar::new(),
            given: Condvar::new(),
            ahead: ahead.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FeedState<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `chunk`; when `ahead` chunks wait, first waits until half of them have been
    /// taken. False once the work has stopped.
    fn give<W: Write>(&self, chunk: T, order: &InOrder<'_, W>) -> bool {
        let mut st = self.lock();
        if st.queue.len() >= self.ahead {
            st.producer_waits = true;
            while st.queue.len() > self.ahead / 2 && !st.closed && !order.stopped() {
                st = self.room.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            st.producer_waits = false;
        }
        if st.closed || order.stopped() {
            return false;
        }
        st.queue.push_back(chunk);
        if st.workers_wait > 0 {
            self.given.notify_one();
        }
        true
    }

    /// The next chunk and its index, waiting for one; `None` when the feed is closed and
    /// empty or the work has stopped.
    fn take<W: Write>(&self, order: &InOrder<'_, W>) -> Option<(usize, T)> {
        let mut st = self.lock();
        loop {
            if order.stopped() {
                return None;
            }
            if let Some(chunk) = st.queue.pop_front() {
                let index = st.next;
                st.next += 1;
                if st.producer_waits && st.queue.len() <= self.ahead / 2 {
                    self.room.notify_one();
                }
                return Some((index, chunk));
            }
            if st.closed {
                return None;
            }
            st.workers_wait += 1;
            st = self.given.wait(st).unwrap_or_else(|p| p.into_inner());
            st.workers_wait -= 1;
        }
    }

    /// No more chunks: wakes everyone waiting.
    fn close(&self) {
        self.lock().closed = true;
        self.room.notify_all();
        self.given.notify_all();
    }
}

/// What a buffer of [`render_streamed`] first holds room for.
const FIRST_BUFFER_BYTES: usize = 128 * 1024;

/// The shared state of [`render_streamed`]'s workers.
struct InOrder<'w, W> {
    /// Set when the work stops (an error), read without the lock by the feed.
    stop: AtomicBool,
    state: Mutex<OrderState>,
    /// Signalled when a buffer has been written (room to render more) or work has stopped.
    room: Condvar,
    /// Only ever locked by the one worker whose turn it is to write.
    out: Mutex<&'w mut W>,
    held_back_limit: usize,
}

/// Ends the work of every worker when dropped, which happens only while unwinding.
struct StopOnPanic<'a, 'w, W: Write>(&'a InOrder<'w, W>);

impl<W: Write> Drop for StopOnPanic<'_, '_, W> {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        self.0.fail(
            &mut st,
            std::io::Error::other("a report could not be rendered"),
        );
    }
}

#[derive(Default)]
struct OrderState {
    /// The chunk whose buffer is written next.
    next_to_write: usize,
    /// Rendered buffers waiting for their turn, by chunk index.
    ready: std::collections::BTreeMap<usize, Vec<u8>>,
    /// Written buffers, for reuse.
    spare: Vec<Vec<u8>>,
    /// A worker is writing; the others only hand over their buffers.
    writing: bool,
    /// How many workers wait for room.
    waiting: usize,
    documents: usize,
    failed: usize,
    error: Option<std::io::Error>,
}

impl<'w, W: Write> InOrder<'w, W> {
    fn new(out: &'w mut W, workers: usize) -> Self {
        InOrder {
            stop: AtomicBool::new(false),
            state: Mutex::new(OrderState::default()),
            room: Condvar::new(),
            out: Mutex::new(out),
            held_back_limit: 4 * workers,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OrderState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True once the work has stopped.
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Records `error` as what stopped the work (the first one kept) and wakes the waiting.
    fn fail(&self, st: &mut OrderState, error: std::io::Error) {
        st.error.get_or_insert(error);
        self.stop.store(true, Ordering::Relaxed);
        self.room.notify_all();
    }

    /// The documents and failures counted, or the error that stopped the work.
    fn totals(self) -> std::io::Result<(usize, usize)> {
        let state = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        match state.error {
            Some(e) => Err(e),
            None => Ok((state.documents, state.failed)),
        }
    }

    /// Claims chunks in order with `claim` (an index and the chunk) until there are none,
    /// renders each and writes the buffers in index order.
    fn work<C>(
        &self,
        claim: &(impl Fn() -> Option<(usize, C)> + Sync),
        render: &(impl Fn(&mut Vec<u8>, &C) -> (usize, usize) + Sync),
    ) {
        loop {
            let mut buffer = {
                let mut st = self.lock();
                // Hold back while too many finished buffers wait for an earlier one: the
                // writer (or the worker with that earlier chunk) makes room.
                while st.error.is_none() && st.ready.len() >= self.held_back_limit {
                    st.waiting += 1;
                    st = self.room.wait(st).unwrap_or_else(|p| p.into_inner());
                    st.waiting -= 1;
                }
                if st.error.is_some() {
                    return;
                }
                st.spare.pop().unwrap_or_default()
            };
            let Some((index, chunk)) = claim() else {
                return;
            };
            buffer.clear();
            // A new buffer starts at the size of a usual chunk's reports (a piece of about
            // a hundred documents), not grown by doubling and copying.
            buffer.reserve(FIRST_BUFFER_BYTES);
            let (documents, failed) = {
                // Should rendering panic, the others must not wait for this chunk forever:
                // the guard stops the work, and the scope then passes the panic on.
                let guard = StopOnPanic(self);
                let counts = render(&mut buffer, &chunk);
                std::mem::forget(guard);
                counts
            };
            let mut st = self.lock();
            st.documents += documents;
            st.failed += failed;
            st.ready.insert(index, buffer);
            if st.writing {
                continue;
            }
            st.writing = true;
            loop {
                let next = st.next_to_write;
                let Some(text) = st.ready.remove(&next) else {
                    break;
                };
                st.next_to_write += 1;
                drop(st);
                let written = self
                    .out
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .write_all(&text);
                st = self.lock();
                st.spare.push(text);
                if let Err(e) = written {
                    self.fail(&mut st, e);
                    break;
                }
                // Waking costs a system call: only when a worker is held back.
                if st.waiting > 0 {
                    self.room.notify_all();
                }
            }
            st.writing = false;
            if st.error.is_some() {
                self.room.notify_all();
                return;
            }
        }
    }
}

/// Standard output for large reports: written straight to the file descriptor (after
/// anything already printed), without the line buffering of `std::io::Stdout`, which scans
/// every buffer for its last newline.
///
/// # Errors
/// The descriptor could not be duplicated.
pub fn raw_stdout() -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    use std::os::fd::AsFd;
    std::io::stdout().flush()?;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    // Small: the reports come in buffers of tens of kilobytes, which a buffer smaller than
    // they are passes straight to the descriptor instead of copying.
    Ok(std::io::BufWriter::with_capacity(
        16 * 1024,
        std::fs::File::from(fd),
    ))
}

/// Appends JSON text to a byte buffer. Each method writes one value; `key` writes `"name":`.
/// Separators between members are the caller's (`raw(b",")`), which keeps the writer a plain
/// list of appends. Reports written for every document give a separator and the key after it
/// as one raw piece (`raw(b",\"line\":")`): one append instead of four.
pub struct JsonOut<'a>(pub &'a mut Vec<u8>);

impl JsonOut<'_> {
    /// Raw bytes (punctuation, or JSON text made elsewhere).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }

    /// `"name":` for a key that needs no escaping (the callers' keys are ASCII letters).
    pub fn key(&mut self, name: &str) -> &mut Self {
        self.0.push(b'"');
        self.0.extend_from_slice(name.as_bytes());
        self.0.extend_from_slice(b"\":");
        self
    }

    /// A string, escaped as `serde_json` escapes it.
    pub fn str(&mut self, s: &str) -> &mut Self {
        escape_into(self.0, s);
        self
    }

    /// A string or `null`.
    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        cxsched_core::json_bytes::escape_opt_into(self.0, s);
        self
    }

    /// An unsigned integer in decimal.
    pub fn uint(&mut self, n: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        self.raw(decimal(n, &mut digits))
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.raw(if b { b"true" } else { b"false" })
    }

    /// A list of strings.
    pub fn str_list<S: AsRef<str>>(&mut self, items: &[S]) -> &mut Self {
        self.0.push(b'[');
        for (i, s) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            self.str(s.as_ref());
        }
        self.raw(b"]")
    }

    /// A list of validation issues: `[{"path":…,"message":…}, …]`.
    pub fn issues(&mut self, issues: &[cxsched_core::Issue]) -> &mut Self {
        self.0.push(b'[');
        for (i, issue) in issues.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            self.raw(b"{\"path\":")
                .str(&issue.path)
                .raw(b",\"message\":")
                .str(&issue.message)
                .raw(b"}");
        }
        self.raw(b"]")
    }
}

pub use cxsched_core::json_bytes::escape_into;

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        escape_into(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = [
            "",
            "plain",
            "exactly8",
            "a \"quoted\" word and a back\\slash",
            "tab\there, newline\nthere, and \r\u{8}\u{c}",
            "control \u{1} \u{1f} \u{7f} and unicode – é 🙂 at any offset",
            "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
            "../shared/peer/ts-seed/bench/payloads.jsonl:20000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every byte that matters at every position of a longer string.
        for c in (0u8..0x80).map(char::from).chain(['é', '–', '🙂']) {
            for at in 0..17 {
                let mut s: String = "x".repeat(at);
                s.push(c);
                s.push_str("yyyyyyyy");
                samples.push(s);
            }
        }
        for s in &samples {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn numbers_and_lists_match_serde_json() {
        for n in [0u64, 7, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            JsonOut(&mut out).uint(n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
        let issues = vec![
            cxsched_core::Issue {
                path: "timeWindows[0].endTime".into(),
                message: "expected \"HH:MM:SS\"".into(),
            },
            cxsched_core::Issue {
                path: String::new(),
                message: "x".into(),
            },
        ];
        let mut out = Vec::new();
        JsonOut(&mut out).issues(&issues);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&issues).unwrap()
        );
        let mut out = Vec::new();
        JsonOut(&mut out)
            .str_list(&["a", "b\"c"])
            .raw(b",")
            .str_list::<&str>(&[]);
        assert_eq!(String::from_utf8(out).unwrap(), r#"["a","b\"c"],[]"#);
    }

    /// `render_streamed` of the chunks `0..n`, given as they would be read.
    fn stream<W: Write + Send>(
        n: usize,
        out: &mut W,
        render: impl Fn(&mut Vec<u8>, &usize) -> (usize, usize) + Sync,
    ) -> anyhow::Result<(usize, usize)> {
        render_streamed(
            |give| {
                for i in 0..n {
                    if i % 50 == 0 {
                        // Uneven reading: now and then a slow read.
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    if !give(i) {
                        break;
                    }
                }
                Ok(())
            },
            8,
            out,
            || Ok(render),
        )
    }

    /// Chunks that take very different times to make and to render still come out in
    /// order, every one once.
    #[test]
    fn reports_come_out_in_chunk_order_whatever_the_render_times() {
        let mut out = Vec::new();
        let (documents, failed) = stream(500, &mut out, |buf, &i| {
            // Uneven work: every seventh chunk is slow.
            if i % 7 == 0 {
                std::thread::sleep(std::time::Duration::from_micros(300));
            }
            buf.extend_from_slice(format!("{i}\n").as_bytes());
            (2, usize::from(i % 3 == 0))
        })
        .unwrap();
        let expected: String = (0..500).map(|i| format!("{i}\n")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        assert_eq!((documents, failed), (1000, 167));
    }

    /// A writer that fails (a closed pipe) ends the run with its error; no worker hangs and
    /// the producer stops giving.
    #[test]
    fn a_failing_writer_stops_the_work_with_its_error() {
        struct Closed(usize);
        impl Write for Closed {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::ErrorKind::BrokenPipe.into());
                }
                self.0 -= 1;
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let err = stream(10_000, &mut Closed(5), |buf, _| {
            rendered.fetch_add(1, Ordering::Relaxed);
            buf.push(b'x');
            (1, 0)
        })
        .unwrap_err();
        let io = err
            .downcast_ref::<std::io::Error>()
            .expect("the writer's error");
        assert_eq!(io.kind(), std::io::ErrorKind::BrokenPipe);
        assert!(rendered.load(Ordering::Relaxed) < 10_000, "work went on");
    }

    #[test]
    fn no_chunks_no_output() {
        let mut out = Vec::new();
        let counts = stream(0, &mut out, |_, _| (1, 1)).unwrap();
        assert_eq!(counts, (0, 0));
        assert!(out.is_empty());
    }

    /// The producer's error ends the run once what it gave before has been written.
    #[test]
    fn a_producer_error_comes_after_what_it_gave() {
        let mut out = Vec::new();
        let err = render_streamed(
            |give| {
                for i in 0..100usize {
                    give(i);
                }
                anyhow::bail!("line 101 is not UTF-8")
            },
            4,
            &mut out,
            || {
                Ok(|buf: &mut Vec<u8>, &i: &usize| {
                    buf.extend_from_slice(format!("{i}\n").as_bytes());
                    (1, 0)
                })
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "line 101 is not UTF-8");
        let expected: String = (0..100).map(|i| format!("{i}\n")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    /// A chunk whose rendering panics ends the run with that panic, however many chunks are
    /// waiting behind it: no worker is left waiting for it, nor the producer for room.
    #[test]
    fn a_panic_while_rendering_is_passed_on_not_a_hang() {
        let outcome = std::panic::catch_unwind(|| {
            let mut out = Vec::new();
            stream(1000, &mut out, |buf, &i| {
                assert!(i != 3, "rendering chunk 3 failed");
                std::thread::sleep(std::time::Duration::from_micros(50));
                buf.push(b'x');
                (1, 0)
            })
        });
        assert!(outcome.is_err());
    }

    /// A producer that panics ends the run with that panic: no worker waits for its chunks.
    #[test]
    fn a_panic_while_producing_is_passed_on_not_a_hang() {
        let outcome = std::panic::catch_unwind(|| {
            let mut out = Vec::new();
            render_streamed(
                |give| {
                    give(0);
                    panic!("the file could not be cut")
                },
                4,
                &mut out,
                || {
                    Ok(|buf: &mut Vec<u8>, _: &usize| {
                        buf.push(b'x');
                        (1, 0)
                    })
                },
            )
        });
        assert!(outcome.is_err());
    }

    /// A render of the chunks `0..n`.
    type Render = fn(&mut Vec<u8>, &usize) -> (usize, usize);

    /// What renders cannot be made (a rule pack that does not parse): that error, nothing
    /// written, and the producer, however much it had to give, stopped rather than left
    /// waiting for room.
    #[test]
    fn a_render_that_cannot_be_made_ends_the_run_with_nothing_written() {
        let given = std::sync::atomic::AtomicUsize::new(0);
        let mut out = Vec::new();
        let err = render_streamed(
            |give| {
                for i in 0..10_000usize {
                    if !give(i) {
                        break;
                    }
                    given.fetch_add(1, Ordering::Relaxed);
                }
                anyhow::bail!("the file is not UTF-8")
            },
            4,
            &mut out,
            || -> anyhow::Result<Render> {
                // The producer fills its queue meanwhile.
                std::thread::sleep(std::time::Duration::from_millis(20));
                anyhow::bail!("the rule pack does not parse")
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "the rule pack does not parse");
        assert!(out.is_empty());
        assert!(
            given.load(Ordering::Relaxed) < 10_000,
            "the producer went on"
        );
    }

    /// Making what renders panics: that panic is passed on, and the producer is not left
    /// waiting for room.
    #[test]
    fn a_panic_while_making_the_render_is_passed_on_not_a_hang() {
        let outcome = std::panic::catch_unwind(|| {
            let mut out = Vec::new();
            render_streamed(
                |give| {
                    for i in 0..10_000usize {
                        if !give(i) {
                            break;
                        }
                    }
                    Ok(())
                },
                4,
                &mut out,
                || -> anyhow::Result<Render> {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    panic!("the rule pack could not be made")
                },
            )
        });
        assert!(outcome.is_err());
    }
}
