//! Load generator for the gRPC API.
//!
//! Closed loop (default): `--concurrency` workers each send the next call as soon
//! as the previous one answers. Open loop (`--rate R`): calls start on a fixed
//! schedule of R per second whatever the latency, and latency is measured from
//! the scheduled start, so a stalled server cannot hide its queueing
//! (no coordinated omission).
//!
//! ```text
//! cargo run --release --example loadgen -- --addr http://127.0.0.1:50051 \
//!     --rpc normalize --concurrency 64 --connections 4 --duration 10 --doc-bytes 1024
//! cargo run --release --example loadgen -- --rate 12000 --duration 10 --cpus 1
//! ```
//! Prints calls/s, p50/p90/p99/max latency and errors by status code.
//!
//! Lean on purpose, so that on a small machine it measures the server and not
//! itself (scripts/perf/loadgen-vs-h2load.sh compares it with h2load):
//! - the request is encoded once and every call sends the same bytes;
//! - the default engine (`--engine h2`) speaks gRPC over the h2 crate itself:
//!   one task per call on one runtime thread (`--threads`), no tower buffer or
//!   hyper dispatch task in between; it still checks every answer (HTTP status,
//!   grpc-status, one whole response message) and reopens a broken connection.
//!   `--engine tonic` sends the same bytes through a tonic `Channel`;
//! - the open loop is paced by a timerfd on the runtime thread (no pacer thread,
//!   no channel), and starts all calls due at each tick (`--tick-us`, 250) so
//!   they leave in one write; latency still counts from each call's own slot;
//! - results come back to one task, without a lock;
//! - `--cpus 1` (a CPU list such as `0`, `0,2` or `2-3`) pins the whole
//!   generator to those CPUs (`sched_setaffinity`), so client and server can be
//!   kept apart (`taskset -c 0 arabic-text serve` beside `loadgen --cpus 1`).
//!
//! `--write-frame FILE` writes the request's gRPC frame (the body for h2load's
//! `-d`) and exits.
//!
//! `--record FILE` also writes one CSV line per call (`start_us,end_us,code,message`,
//! wall-clock microseconds since the Unix epoch, warm-up included), so a script
//! can split the calls around an event such as SIGTERM sent to the server.

use std::collections::BTreeMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use tokio::io::unix::AsyncFd;

#[path = "loadgen/client.rs"]
mod client;

use client::{Client, Engine, Payload, Rpc};

/// Command-line options.
#[derive(Debug, Parser)]
struct Args {
    /// Server address.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    addr: String,
    /// The RPC to call.
    #[arg(long, value_enum, default_value_t = Rpc::Normalize)]
    rpc: Rpc,
    /// Concurrent calls in flight (closed loop), or the cap on in-flight calls (open loop).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// HTTP/2 connections to spread the calls over.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Seconds to measure.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of warm-up before measuring.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Size of each document in bytes (Arabic news-like text, cut on a char boundary).
    #[arg(long, default_value_t = 1024)]
    doc_bytes: usize,
    /// Open-loop mode: calls started per second.
    #[arg(long)]
    rate: Option<f64>,
    /// Per-call deadline in milliseconds (sent as grpc-timeout).
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
    /// Write one CSV line per call (start_us,end_us,code,message; Unix-epoch
    /// microseconds) to this file, for analyses around an event.
    #[arg(long)]
    record: Option<std::path::PathBuf>,
    /// Closed loop: pause this long after a failed call, so workers do not
    /// spin on a server that is gone (connection refused) and steal its CPU.
    #[arg(long, default_value_t = 0)]
    error_backoff_ms: u64,
    /// Runtime worker threads; 1 runs everything on one thread (the pacer
    /// of the open loop aside), which costs the least CPU.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Pin the generator (all its threads) to these CPUs: a list like
    /// `0`, `0,2` or `2-3`.
    #[arg(long)]
    cpus: Option<String>,
    /// Open loop: the pacer's tick in microseconds. Each tick starts every
    /// call whose scheduled time has come, so calls due together leave in one
    /// write (fewer syscalls for client and server); latency still counts
    /// from each call's own scheduled time, so a coarser tick shows as up to
    /// one tick of added latency, never as less.
    #[arg(long, default_value_t = 250)]
    tick_us: u64,
    /// The client stack: `h2` speaks gRPC over the h2 crate directly (one
    /// task per call, prebuilt frames, no tower/hyper layers; the lean
    /// default), `tonic` goes through a tonic `Channel` as applications do.
    #[arg(long, value_enum, default_value_t = Engine::H2)]
    engine: Engine,
    /// Write the gRPC frame of the request (5-byte prefix + protobuf message)
    /// to this file and exit: the body for h2load's `-d`, the same bytes the
    /// generator sends.
    #[arg(long)]
    write_frame: Option<std::path::PathBuf>,
}

/// Parses a CPU list (`0`, `0,2`, `2-3,5`).
fn parse_cpus(list: &str) -> anyhow::Result<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => cpus.extend(a.trim().parse::<usize>()?..=b.trim().parse::<usize>()?),
            None => cpus.push(part.parse()?),
        }
    }
    anyhow::ensure!(!cpus.is_empty(), "empty CPU list {list:?}");
    Ok(cpus)
}

/// Pins this process's calling thread, and so every thread it starts later,
/// to `cpus`.
fn pin_to(cpus: &[usize]) -> anyhow::Result<()> {
    // SAFETY: cpu_set_t is plain data that CPU_ZERO/CPU_SET initialize, and
    // sched_setaffinity only reads the set we pass with its exact size.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_ZERO(&mut set);
        for &cpu in cpus {
            anyhow::ensure!(cpu < libc::CPU_SETSIZE as usize, "CPU {cpu} out of range");
            libc::CPU_SET(cpu, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if rc != 0 {
        anyhow::bail!(
            "sched_setaffinity({cpus:?}): {}",
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

/// One call for `--record`: start and end (Unix-epoch microseconds) and the
/// gRPC code name (`Ok` for success).
struct CallRecord {
    /// When the call started (scheduled start in open loop).
    start_us: u64,
    /// When its answer (or error) arrived.
    end_us: u64,
    /// Its outcome.
    code: tonic::Code,
    /// The error message (empty on success), to tell transport errors apart.
    message: String,
}

impl CallRecord {
    /// A record of a call that started at `start` and ended at `end`.
    fn new(
        clock: WallClock,
        start: Instant,
        end: Instant,
        result: &Result<(), tonic::Status>,
    ) -> Self {
        let (code, message) = match result {
            Ok(()) => (tonic::Code::Ok, String::new()),
            Err(s) => (s.code(), s.message().replace([',', '\n', '\r'], " ")),
        };
        Self {
            start_us: clock.us(start),
            end_us: clock.us(end),
            code,
            message,
        }
    }
}

/// Microseconds since the Unix epoch of an `Instant`, via a base pair taken at
/// start-up (monotonic within the run, comparable with `date +%s%N`).
#[derive(Clone, Copy)]
struct WallClock {
    /// A monotonic instant ...
    base: Instant,
    /// ... and the wall-clock microseconds at that instant.
    base_us: u64,
}

impl WallClock {
    fn new() -> Self {
        let base_us = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        Self {
            base: Instant::now(),
            base_us,
        }
    }

    fn us(&self, t: Instant) -> u64 {
        self.base_us + t.saturating_duration_since(self.base).as_micros() as u64
    }
}

/// Arabic text the documents are cut from (written for this tool).
const TEXT: &str = "أعلنت وزارة الصحة في بغداد يوم الاثنين 22 يناير 2024 عن افتتاح مستشفى جديد \
في مدينة البصرة، بكلفة بلغت 35 مليون دولار. وقال الوزير صالح الحسناوي للصحفيين إن المستشفى \
سيخدم أكثر من ٥٠٠ ألف نسمة، وإنّ العمل بدأ قبل عامين بالتعاون مع منظمة الصحة العالمية. \
وأضاف أن الحكومة العراقية تخطط لبناء مستشفيات أخرى في الموصل وكركوك والنجف خلال العام المقبل، \
مشيرًا إلى أن نسبة الإنجاز في مشاريع القطاع الصحي بلغت 75% حتى الآن. ";

/// Latencies and outcomes gathered by the workers.
#[derive(Default)]
struct Stats {
    /// Latency of each successful call, in microseconds.
    latencies_us: Vec<u64>,
    /// Failed calls by gRPC code name.
    errors: BTreeMap<String, u64>,
    /// Every call, when `--record` is set.
    records: Vec<CallRecord>,
    /// Open loop: how late each measured call started after its scheduled
    /// time, in microseconds: the generator's own lag, part of its latency.
    lags_us: Vec<u64>,
}

fn document(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + TEXT.len());
    while text.len() < bytes {
        text.push_str(TEXT);
    }
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// A periodic timer on a `timerfd`, read through the runtime's reactor: it
/// wakes the runtime thread itself at the OS timer's precision (tokio's own
/// timer ticks in milliseconds), with no pacer thread and no channel hop.
struct Ticker {
    /// The timerfd, registered with the reactor.
    fd: AsyncFd<OwnedFd>,
}

impl Ticker {
    /// A timer that fires every `interval`, first after one `interval`.
    fn new(interval: Duration) -> anyhow::Result<Self> {
        // SAFETY: timerfd_create has no memory arguments; a non-negative
        // return is a new descriptor that we own.
        let raw = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if raw < 0 {
            anyhow::bail!("timerfd_create: {}", std::io::Error::last_os_error());
        }
        // SAFETY: `raw` is a valid descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let ts = libc::timespec {
            tv_sec: interval.as_secs() as libc::time_t,
            tv_nsec: interval.subsec_nanos() as libc::c_long,
        };
        let spec = libc::itimerspec {
            it_interval: ts,
            it_value: ts,
        };
        // SAFETY: `spec` is a valid itimerspec; the old value is not asked for.
        let rc = unsafe { libc::timerfd_settime(fd.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
        if rc != 0 {
            anyhow::bail!("timerfd_settime: {}", std::io::Error::last_os_error());
        }
        // SAFETY: an OwnedFd keeps its descriptor open, and always the same
        // one, for as long as the AsyncFd owns it.
        let fd = unsafe { AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE) }
            .map_err(std::io::Error::from)?;
        Ok(Self { fd })
    }

    /// Waits for the next expiry.
    async fn tick(&self) -> std::io::Result<()> {
        loop {
            let mut guard = self.fd.readable().await?;
            let read = guard.try_io(|fd| {
                let mut expirations = 0u64;
                // SAFETY: reads 8 bytes into a valid u64.
                let n = unsafe {
                    libc::read(
                        fd.as_raw_fd(),
                        (&raw mut expirations).cast::<libc::c_void>(),
                        8,
                    )
                };
                if n == 8 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
            if let Ok(result) = read {
                return result;
            }
        }
    }
}

/// Settings of the open loop.
struct OpenLoop {
    /// Calls started per second.
    rate: f64,
    /// Most calls in flight; a call due beyond it is counted as `ClientOverflow`.
    cap: usize,
    /// Per-call deadline.
    timeout: Duration,
    /// Calls scheduled before this are warm-up and not counted.
    warmup_end: Instant,
    /// No call is scheduled from this instant on.
    end: Instant,
    /// Record every call (`--record`) with this clock.
    record: Option<WallClock>,
    /// The pacer's tick.
    tick: Duration,
}

/// Open loop: calls start on a fixed schedule of `rate` per second, paced by
/// a timerfd on this runtime thread; latency counts from the scheduled start.
/// Results come back through a `JoinSet` to this one task, so no lock and no
/// channel is on the path of a call.
async fn open_loop(clients: &[Client], payload: &Payload, o: OpenLoop) -> anyhow::Result<Stats> {
    let interval = Duration::from_secs_f64(1.0 / o.rate.max(1.0));
    // A wake-up per call when calls are further apart than a tick; else
    // several calls per tick (each still timed from its own scheduled start).
    let ticker = Ticker::new(interval.max(o.tick).max(Duration::from_micros(10)))?;
    let mut stats = Stats::default();
    let expected = o.rate * o.end.saturating_duration_since(o.warmup_end).as_secs_f64();
    stats.latencies_us.reserve(expected as usize + 1024);
    let mut in_flight = tokio::task::JoinSet::new();
    let mut next = Instant::now();
    let mut i = 0usize;
    loop {
        let now = Instant::now();
        while next <= now && next < o.end {
            let scheduled = next;
            next += interval;
            if in_flight.len() >= o.cap {
                if scheduled >= o.warmup_end {
                    *stats.errors.entry("ClientOverflow".into()).or_default() += 1;
                }
                continue;
            }
            let mut client = clients[i % clients.len()].clone();
            i += 1;
            let payload = payload.clone();
            let timeout = o.timeout;
            in_flight.spawn(async move {
                let started = Instant::now();
                let result = client.call(&payload, timeout).await;
                (scheduled, started, Instant::now(), result)
            });
        }
        if next >= o.end && in_flight.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            done = in_flight.join_next(), if !in_flight.is_empty() => {
                let Some(done) = done else { continue };
                let (scheduled, started, ended, result) = done?;
                if let Some(clock) = o.record {
                    stats.records.push(CallRecord::new(clock, scheduled, ended, &result));
                }
                if scheduled < o.warmup_end {
                    continue;
                }
                stats
                    .lags_us
                    .push(started.saturating_duration_since(scheduled).as_micros() as u64);
                match result {
                    Ok(()) => stats
                        .latencies_us
                        .push(ended.saturating_duration_since(scheduled).as_micros() as u64),
                    Err(status) => {
                        *stats.errors.entry(format!("{:?}", status.code())).or_default() += 1
                    }
                }
            }
            tick = ticker.tick(), if next < o.end => tick?,
        }
    }
    Ok(stats)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)] as f64 / 1000.0
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(list) = &args.cpus {
        pin_to(&parse_cpus(list)?)?;
    }
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()?
    };
    runtime.block_on(run(args))
}

/// Locks the gathered stats (a poisoned lock still holds valid numbers).
fn lock(stats: &Mutex<Stats>) -> std::sync::MutexGuard<'_, Stats> {
    stats
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn run(args: Args) -> anyhow::Result<()> {
    let content = document(args.doc_bytes);
    let payload = Payload::new(args.rpc, &content)?;
    if let Some(path) = &args.write_frame {
        std::fs::write(path, &payload.frame)?;
        println!(
            "wrote {} ({} bytes: 5-byte gRPC prefix + {:?} request of {} bytes of text) for {}",
            path.display(),
            payload.message.len() + 5,
            args.rpc,
            content.len(),
            payload.path
        );
        return Ok(());
    }
    let timeout = Duration::from_millis(args.timeout_ms);
    let mut clients = Vec::new();
    for _ in 0..args.connections.max(1) {
        clients.push(Client::connect(args.engine, &args.addr, &payload, timeout).await?);
    }
    let record = args.record.is_some();
    let clock = WallClock::new();
    let backoff = Duration::from_millis(args.error_backoff_ms);
    let stats = Arc::new(Mutex::new(Stats::default()));
    let warmup_end = Instant::now() + Duration::from_secs_f64(args.warmup);
    let end = warmup_end + Duration::from_secs_f64(args.duration);

    let mut tasks = Vec::new();
    match args.rate {
        None => {
            for i in 0..args.concurrency.max(1) {
                let mut client = clients[i % clients.len()].clone();
                let (payload, stats) = (payload.clone(), stats.clone());
                tasks.push(tokio::spawn(async move {
                    let mut local = Stats::default();
                    loop {
                        let t0 = Instant::now();
                        if t0 >= end {
                            break;
                        }
                        let result = client.call(&payload, timeout).await;
                        if record {
                            local
                                .records
                                .push(CallRecord::new(clock, t0, Instant::now(), &result));
                        }
                        if result.is_err() && !backoff.is_zero() {
                            tokio::time::sleep(backoff).await;
                        }
                        if t0 < warmup_end {
                            continue;
                        }
                        match result {
                            Ok(()) => local.latencies_us.push(t0.elapsed().as_micros() as u64),
                            Err(status) => {
                                *local
                                    .errors
                                    .entry(format!("{:?}", status.code()))
                                    .or_default() += 1
                            }
                        }
                    }
                    let mut all = lock(&stats);
                    all.latencies_us.extend(local.latencies_us);
                    all.records.extend(local.records);
                    for (code, n) in local.errors {
                        *all.errors.entry(code).or_default() += n;
                    }
                }));
            }
        }
        Some(rate) => {
            let open = open_loop(
                &clients,
                &payload,
                OpenLoop {
                    rate,
                    cap: args.concurrency.max(1),
                    timeout,
                    warmup_end,
                    end,
                    record: record.then_some(clock),
                    tick: Duration::from_micros(args.tick_us),
                },
            )
            .await?;
            let mut all = lock(&stats);
            all.latencies_us = open.latencies_us;
            all.errors = open.errors;
            all.records = open.records;
            all.lags_us = open.lags_us;
        }
    }
    for task in tasks {
        task.await?;
    }

    let mut stats = lock(&stats);
    if let Some(path) = &args.record {
        use std::io::Write as _;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(out, "start_us,end_us,code,message")?;
        stats.records.sort_unstable_by_key(|r| r.start_us);
        for r in &stats.records {
            writeln!(
                out,
                "{},{},{:?},{}",
                r.start_us, r.end_us, r.code, r.message
            )?;
        }
        out.flush()?;
    }
    stats.latencies_us.sort_unstable();
    let ok = stats.latencies_us.len() as u64;
    let failed: u64 = stats.errors.values().sum();
    let l = &stats.latencies_us;
    println!(
        "rpc={:?} doc_bytes={} concurrency={} connections={} mode={}",
        args.rpc,
        content.len(),
        args.concurrency,
        args.connections,
        args.rate
            .map_or("closed-loop".to_owned(), |r| format!("open-loop {r}/s"))
    );
    println!(
        "ok={ok} failed={failed} rps={:.0} p50={:.2}ms p90={:.2}ms p99={:.2}ms max={:.2}ms",
        ok as f64 / args.duration,
        percentile(l, 0.50),
        percentile(l, 0.90),
        percentile(l, 0.99),
        percentile(l, 1.0)
    );
    if !stats.lags_us.is_empty() {
        stats.lags_us.sort_unstable();
        // Worded apart from the summary line's keys, which scripts grep.
        println!(
            "start lag behind schedule (client's own): median {:.3} ms, 99th percentile {:.3} ms",
            percentile(&stats.lags_us, 0.50),
            percentile(&stats.lags_us, 0.99)
        );
    }
    for (code, n) in &stats.errors {
        println!("errors {code}={n}");
    }
    Ok(())
}
