//! A batching, non-blocking log sink for `tracing-subscriber`: each log line is
//! appended to a shared buffer under a short lock, and one background thread
//! writes the buffer out every few milliseconds or as soon as it holds a batch.
//!
//! Per-line hand-off (a channel to a writer thread, as `tracing-appender`
//! does) wakes that thread for nearly every line of a busy server: at 12k
//! calls/s that is 12k thread wake-ups and `write`s a second, about a tenth of
//! the server's CPU on a two-core machine. Here a line costs a `memcpy`, and
//! a second of access logs a few hundred writes. Callers never block on
//! stdout: when it cannot keep up and [`MAX_BUFFERED`] bytes are waiting,
//! lines are dropped and counted, and the count is reported in the stream
//! and in the `log_lines_dropped` metric.
//!
//! Access-log entries ([`AccessEntry`]) come in unformatted ([`push_access`]):
//! the writer thread formats them in their place among the other lines, so
//! a call pays for a move, not for formatting.
//!
//! [`subscriber`] is the server's `tracing` subscriber on this sink.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::access::AccessEntry;
use super::metrics::LOG_LINES_DROPPED;

/// Bytes buffered before the writer thread is woken at once.
const BATCH: usize = 64 << 10;

/// Longest a line waits before it is written (when the batch is not full).
const LINGER: Duration = Duration::from_millis(20);

/// Bytes of log lines held while the output is slow; beyond this, lines are
/// dropped (and counted) instead of stalling the calls that log them.
pub const MAX_BUFFERED: usize = 16 << 20;

/// What an access entry counts for against [`BATCH`] and [`MAX_BUFFERED`]:
/// about the length of its line.
const ENTRY_BYTES: usize = 192;

/// The sink access entries go to, once [`install_access_sink`] ran.
static ACCESS_SINK: OnceLock<BatchedWriter> = OnceLock::new();

/// State shared by the writers and the writer thread.
#[derive(Default)]
struct Buffer {
    /// Lines waiting to be written.
    pending: Vec<u8>,
    /// Access entries waiting to be formatted, each with the length
    /// `pending` had when it came (where its line goes).
    entries: Vec<(usize, AccessEntry)>,
    /// Lines dropped since the last report because `pending` was full.
    dropped: u64,
    /// Set when the sink is dropped: write what is left and stop.
    closed: bool,
}

/// The shared buffer and the signal that wakes the writer thread.
struct Shared {
    /// Lines waiting for the writer thread, and whether the sink closed.
    buffer: Mutex<Buffer>,
    /// Notified when a batch is full or the sink closes.
    ready: Condvar,
    /// Report dropped lines as a JSON object (else as a text line).
    json: bool,
}

/// The sink: a [`tracing_subscriber::fmt::MakeWriter`] whose writers append
/// to the shared buffer. Cheap to clone.
#[derive(Clone)]
pub struct BatchedWriter {
    /// Shared with the writer thread.
    shared: Arc<Shared>,
}

/// Keeps the writer thread alive; dropping it writes every buffered line and
/// joins the thread (hold it until the process exits).
pub struct FlushGuard {
    /// Shared with the writers.
    shared: Arc<Shared>,
    /// The writer thread.
    thread: Option<JoinHandle<()>>,
}

/// Starts the writer thread on `out` and returns the sink and its guard;
/// `json` says how to report dropped lines (the format of the other lines).
pub fn batched<W: Write + Send + 'static>(out: W, json: bool) -> (BatchedWriter, FlushGuard) {
    let shared = Arc::new(Shared {
        buffer: Mutex::default(),
        ready: Condvar::new(),
        json,
    });
    let worker = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("log-writer".to_owned())
        .spawn(move || write_loop(&worker, out))
        .ok();
    (
        BatchedWriter {
            shared: Arc::clone(&shared),
        },
        FlushGuard { shared, thread },
    )
}

/// The writer thread: waits for a batch (or [`LINGER`]), swaps the buffer
/// out and writes it without holding the lock.
fn write_loop<W: Write>(shared: &Shared, mut out: W) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut entries = Vec::new();
    let mut formatted = Vec::new();
    loop {
        let (closed, dropped) = {
            let mut buf = shared.lock();
            if buf.pending.is_empty() && buf.entries.is_empty() && !buf.closed {
                buf = shared
                    .ready
                    .wait_timeout(buf, LINGER)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            std::mem::swap(&mut batch, &mut buf.pending);
            std::mem::swap(&mut entries, &mut buf.entries);
            (buf.closed, std::mem::take(&mut buf.dropped))
        };
        if !entries.is_empty() {
            format_entries(&batch, &mut entries, shared.json, &mut formatted);
            std::mem::swap(&mut batch, &mut formatted);
            formatted.clear();
            // Give back what a burst took.
            if formatted.capacity() > 4 * BATCH {
                formatted.shrink_to(BATCH);
            }
            if entries.capacity() > 4 * BATCH / ENTRY_BYTES {
                entries.shrink_to(BATCH / ENTRY_BYTES);
            }
        }
        if dropped > 0 {
            let _ = if shared.json {
                writeln!(
                    out,
                    "{{\"level\":\"WARN\",\"target\":\"arabic_text::logwriter\",\"message\":\"{dropped} log lines dropped: output too slow\"}}"
                )
            } else {
                writeln!(
                    out,
                    "WARN arabic_text::logwriter: {dropped} log lines dropped: output too slow"
                )
            };
        }
        if !batch.is_empty() {
            // A failing stdout (closed pipe) must not take the server down:
            // the lines are lost, the calls go on.
            let _ = out.write_all(&batch);
            let _ = out.flush();
            batch.clear();
            if batch.capacity() > 4 * BATCH {
                batch.shrink_to(BATCH);
            }
        }
        if closed {
            let mut buf = shared.lock();
            let rest = std::mem::take(&mut buf.pending);
            let mut rest_entries = std::mem::take(&mut buf.entries);
            drop(buf);
            format_entries(&rest, &mut rest_entries, shared.json, &mut formatted);
            let _ = out.write_all(&formatted);
            let _ = out.flush();
            return;
        }
    }
}

/// Writes into `out` the lines of `lines` with the `entries`' lines, each in
/// its place, and empties `entries`.
fn format_entries(
    lines: &[u8],
    entries: &mut Vec<(usize, AccessEntry)>,
    json: bool,
    out: &mut Vec<u8>,
) {
    out.reserve(lines.len() + entries.len() * ENTRY_BYTES);
    let mut written = 0;
    for (at, entry) in entries.drain(..) {
        out.extend_from_slice(lines.get(written..at).unwrap_or_default());
        written = written.max(at);
        if json {
            entry.write_json(out);
        } else {
            entry.write_text(out);
        }
    }
    out.extend_from_slice(lines.get(written..).unwrap_or_default());
}

/// Makes `sink` the destination of [`push_access`] (once per process; the
/// server's [`super::init_tracing`] does it with the sink of its subscriber).
pub fn install_access_sink(sink: BatchedWriter) {
    let _ = ACCESS_SINK.set(sink);
}

/// Queues an access entry for the writer thread, or gives it back when no
/// sink is installed (the caller then sends it as a `tracing` event).
pub fn push_access(entry: AccessEntry) -> Result<(), AccessEntry> {
    let Some(sink) = ACCESS_SINK.get() else {
        return Err(entry);
    };
    sink.push(entry);
    Ok(())
}

impl BatchedWriter {
    /// Queues an access entry (dropped and counted when the buffer is full,
    /// like a line).
    fn push(&self, entry: AccessEntry) {
        self.shared.queue(ENTRY_BYTES, |buf| {
            let at = buf.pending.len();
            buf.entries.push((at, entry));
        });
    }
}

impl Shared {
    /// The buffer, locked; a poisoned lock is taken as it is, since logging
    /// must never panic (every change to the buffer is a push or a swap).
    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `bytes` worth of log to the buffer with `add`, the one path of
    /// lines and access entries: nothing once the sink closed, dropped and
    /// counted when the buffer would go over [`MAX_BUFFERED`], and the writer
    /// thread woken when this fills a [`BATCH`].
    fn queue(&self, bytes: usize, add: impl FnOnce(&mut Buffer)) {
        let mut buf = self.lock();
        if buf.closed {
            return;
        }
        let queued = buf.pending.len() + buf.entries.len() * ENTRY_BYTES;
        if queued + bytes > MAX_BUFFERED {
            buf.dropped += 1;
            LOG_LINES_DROPPED.inc();
            return;
        }
        add(&mut buf);
        let wake = queued < BATCH && queued + bytes >= BATCH;
        drop(buf);
        if wake {
            self.ready.notify_one();
        }
    }
}

/// The server's `tracing` subscriber: `filter`, then text (no ANSI colours)
/// or JSON lines (flattened events, no span list) on `writer`.
pub fn subscriber<W>(
    json: bool,
    filter: tracing_subscriber::EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    if json {
        Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(false)
                .finish(),
        )
    } else {
        Box::new(builder.with_ansi(false).finish())
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One log line's writer: `tracing-subscriber` formats a whole event and
/// hands it over in one `write`.
pub struct LineWriter<'a> {
    /// Where the bytes go.
    shared: &'a Shared,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.shared
            .queue(line.len(), |buf| buf.pending.extend_from_slice(line));
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BatchedWriter {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::super::metrics::MethodId;
    use super::*;

    /// A `Write` that appends to a shared vector.
    #[derive(Clone, Default)]
    struct Collect(Arc<Mutex<Vec<u8>>>);

    impl Write for Collect {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Collect {
        type Writer = Self;
        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    /// The line `tracing-subscriber` makes of an access entry's event, as
    /// the server's subscriber is configured (the line the writer thread
    /// must reproduce).
    fn via_tracing(entry: &AccessEntry, json: bool) -> String {
        let out = Collect::default();
        let filter = tracing_subscriber::EnvFilter::new("info");
        let subscriber = subscriber(json, filter, out.clone());
        tracing::subscriber::with_default(subscriber, || entry.emit_event());
        let text = out.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
        String::from_utf8(text).unwrap_or_default()
    }

    /// The line the log writer makes of the entry.
    fn direct(entry: &AccessEntry, json: bool) -> String {
        let mut out = Vec::new();
        if json {
            entry.write_json(&mut out);
        } else {
            entry.write_text(&mut out);
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// The line without its timestamp (the event takes the time it is
    /// formatted; the timestamp's format is tested in `access`).
    fn untimed(line: &str, json: bool) -> String {
        if json {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            let keys: Vec<String> = v
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.remove("timestamp");
            }
            format!("{keys:?} {v}")
        } else {
            line.split_once(' ')
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or_default()
        }
    }

    #[test]
    fn lines_are_those_the_tracing_event_made() {
        let entries = [
            AccessEntry {
                time: SystemTime::now(),
                method: MethodId::of_path("/arabic.text.v1.TextAnalysisService/Normalize"),
                other_path: None,
                code: tonic::Code::Ok,
                latency_us: 197,
                request_bytes: 1035,
                response_bytes: 1149,
                skipped: None,
            },
            AccessEntry {
                time: SystemTime::now(),
                method: MethodId::UNKNOWN,
                other_path: Some("/x.Y/Z\"q%22\\é".into()),
                code: tonic::Code::Unimplemented,
                latency_us: 23,
                request_bytes: 0,
                response_bytes: 0,
                skipped: None,
            },
            AccessEntry {
                time: SystemTime::now(),
                method: MethodId::of_path("/grpc.health.v1.Health/Check"),
                other_path: None,
                code: tonic::Code::Ok,
                latency_us: u64::MAX,
                request_bytes: 5,
                response_bytes: 7,
                skipped: Some(12_345),
            },
        ];
        for entry in &entries {
            for json in [false, true] {
                let ours = direct(entry, json);
                let theirs = via_tracing(entry, json);
                assert!(ours.ends_with('\n') && ours.matches('\n').count() == 1);
                assert_eq!(untimed(&ours, json), untimed(&theirs, json), "json={json}");
                assert_eq!(ours.len(), theirs.len(), "{ours} vs {theirs}");
            }
        }
    }

    fn text(c: &Collect) -> String {
        String::from_utf8_lossy(&c.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }

    #[test]
    fn every_line_is_written_in_order_by_the_time_the_guard_drops() {
        use tracing_subscriber::fmt::MakeWriter as _;
        let out = Collect::default();
        let (sink, guard) = batched(out.clone(), false);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let sink = sink.clone();
                std::thread::spawn(move || {
                    for i in 0..5_000 {
                        let _ = sink
                            .make_writer()
                            .write(format!("thread {t} line {i}\n").as_bytes());
                    }
                })
            })
            .collect();
        for t in threads {
            let _ = t.join();
        }
        drop(guard);
        let all = text(&out);
        assert_eq!(all.lines().count(), 20_000);
        for t in 0..4 {
            let mine: Vec<usize> = all
                .lines()
                .filter_map(|l| l.strip_prefix(&format!("thread {t} line ")))
                .filter_map(|n| n.parse().ok())
                .collect();
            assert_eq!(mine, (0..5_000).collect::<Vec<_>>(), "thread {t}");
        }
    }

    #[test]
    fn a_quiet_line_is_written_without_waiting_for_a_batch() {
        use tracing_subscriber::fmt::MakeWriter as _;
        let out = Collect::default();
        let (sink, _guard) = batched(out.clone(), false);
        let _ = sink.make_writer().write(b"one line\n");
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while text(&out).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(text(&out), "one line\n");
    }

    /// A `Write` that blocks until released, like a stdout nobody reads.
    struct Stuck(Arc<(Mutex<bool>, Condvar)>);

    impl Write for Stuck {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            let (lock, cv) = &*self.0;
            let mut open = lock.lock().unwrap_or_else(PoisonError::into_inner);
            while !*open {
                open = cv.wait(open).unwrap_or_else(PoisonError::into_inner);
            }
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stuck_output_drops_lines_instead_of_blocking_or_growing() {
        use tracing_subscriber::fmt::MakeWriter as _;
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let (sink, guard) = batched(Stuck(Arc::clone(&gate)), false);
        let line = [b'x'; 1024];
        // First let the writer thread take one line and block in the stuck
        // output: otherwise, on a loaded machine, it may start late, take a
        // full buffer and its drop count, and leave too little to drop again.
        let _ = sink.make_writer().write(b"first\n");
        let taken = |s: &BatchedWriter| {
            s.shared
                .buffer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pending
                .is_empty()
        };
        let wait = std::time::Instant::now();
        while !taken(&sink) && wait.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let start = std::time::Instant::now();
        for _ in 0..(3 * MAX_BUFFERED / line.len()) {
            let _ = sink.make_writer().write(&line);
        }
        let elapsed = start.elapsed();
        let (pending, dropped) = {
            let buf = sink
                .shared
                .buffer
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            (buf.pending.len(), buf.dropped)
        };
        let counted = LOG_LINES_DROPPED.get();
        // Release the stuck output before asserting: a failed assertion
        // must fail the test, not hang it in the guard's join.
        *gate.0.lock().unwrap_or_else(PoisonError::into_inner) = true;
        gate.1.notify_all();
        drop(guard);
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
        assert!(pending <= MAX_BUFFERED, "{pending}");
        assert!(dropped > 0);
        assert!(counted >= dropped, "{counted} < {dropped}");
    }
}
