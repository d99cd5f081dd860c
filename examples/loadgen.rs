//! Load generator for the gRPC API: a real tonic client.
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
//! cargo run --release --example loadgen -- --rate 12000 --duration 10
//! ```
//! Prints calls/s, p50/p90/p99/max latency and errors by status code.
//!
//! Lean on purpose, so that on a small machine it measures the server and not
//! itself: one runtime thread by default (`--threads`), requests built once,
//! results gathered without an async lock, and `--cpus 1` (a CPU list such as
//! `0`, `0,2` or `2-3`) pins the whole generator to those CPUs
//! (`sched_setaffinity`), so client and server can be kept apart
//! (`taskset -c 0 arabic-text serve` beside `loadgen --cpus 1`).
//!
//! `--record FILE` also writes one CSV line per call (`start_us,end_us,code,message`,
//! wall-clock microseconds since the Unix epoch, warm-up included), so a script
//! can split the calls around an event such as SIGTERM sent to the server.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use arabic_text::pb;
use clap::{Parser, ValueEnum};
use pb::text_analysis_service_client::TextAnalysisServiceClient;
use std::sync::Mutex;
use tonic::transport::{Channel, Endpoint};

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
    /// A record of a call that started at `start` and ended now.
    fn new(clock: WallClock, start: Instant, result: &Result<(), tonic::Status>) -> Self {
        let (code, message) = match result {
            Ok(()) => (tonic::Code::Ok, String::new()),
            Err(s) => (s.code(), s.message().replace([',', '\n', '\r'], " ")),
        };
        Self {
            start_us: clock.us(start),
            end_us: clock.us(Instant::now()),
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

/// The RPCs the generator can call.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Rpc {
    Normalize,
    Segment,
    Entities,
    Analyze,
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

async fn call(
    client: &mut TextAnalysisServiceClient<Channel>,
    rpc: Rpc,
    content: &str,
    timeout: Duration,
) -> Result<(), tonic::Status> {
    let document = Some(pb::Document {
        content: content.to_owned(),
        language_code: String::new(),
    });
    macro_rules! send {
        ($method:ident, $req:expr) => {{
            let mut request = tonic::Request::new($req);
            request.set_timeout(timeout);
            client.$method(request).await.map(|_| ())
        }};
    }
    match rpc {
        Rpc::Normalize => send!(
            normalize,
            pb::NormalizeRequest {
                document,
                ..Default::default()
            }
        ),
        Rpc::Segment => send!(
            segment,
            pb::SegmentRequest {
                document,
                ..Default::default()
            }
        ),
        Rpc::Entities => {
            send!(
                extract_entities,
                pb::ExtractEntitiesRequest {
                    document,
                    ..Default::default()
                }
            )
        }
        Rpc::Analyze => send!(
            analyze,
            pb::AnalyzeRequest {
                document,
                ..Default::default()
            }
        ),
    }
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
    let content: Arc<str> = document(args.doc_bytes).into();
    let mut clients = Vec::new();
    for _ in 0..args.connections.max(1) {
        let channel = Endpoint::from_shared(args.addr.clone())?
            .tcp_nodelay(true)
            .connect()
            .await?;
        clients.push(TextAnalysisServiceClient::new(channel));
    }
    let timeout = Duration::from_millis(args.timeout_ms);
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
                let (content, stats) = (content.clone(), stats.clone());
                let rpc = args.rpc;
                tasks.push(tokio::spawn(async move {
                    let mut local = Stats::default();
                    loop {
                        let t0 = Instant::now();
                        if t0 >= end {
                            break;
                        }
                        let result = call(&mut client, rpc, &content, timeout).await;
                        if record {
                            local.records.push(CallRecord::new(clock, t0, &result));
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
            let interval = Duration::from_secs_f64(1.0 / rate.max(1.0));
            let permits = Arc::new(tokio::sync::Semaphore::new(args.concurrency.max(1)));
            // tokio's timer has millisecond resolution: paced by it, calls
            // would leave in bursts at each tick and up to 1 ms of the
            // client's own timer lag would count as latency. A thread that
            // sleeps to each start time paces at the OS timer's precision
            // (tens of microseconds); latency still counts from the schedule.
            let (tx, mut starts) = tokio::sync::mpsc::unbounded_channel::<Instant>();
            let pacer = std::thread::spawn(move || {
                let mut next = Instant::now();
                while next < end {
                    let now = Instant::now();
                    if next > now {
                        std::thread::sleep(next - now);
                    }
                    if tx.send(next).is_err() {
                        break;
                    }
                    next += interval;
                }
            });
            let mut i = 0usize;
            while let Some(scheduled) = starts.recv().await {
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    if scheduled >= warmup_end {
                        *lock(&stats)
                            .errors
                            .entry("ClientOverflow".into())
                            .or_default() += 1;
                    }
                    continue;
                };
                let mut client = clients[i % clients.len()].clone();
                i += 1;
                let (content, stats) = (content.clone(), stats.clone());
                let rpc = args.rpc;
                tasks.push(tokio::spawn(async move {
                    let result = call(&mut client, rpc, &content, timeout).await;
                    drop(permit);
                    let mut all = lock(&stats);
                    if record {
                        all.records.push(CallRecord::new(clock, scheduled, &result));
                    }
                    if scheduled < warmup_end {
                        return;
                    }
                    match result {
                        Ok(()) => all
                            .latencies_us
                            .push(scheduled.elapsed().as_micros() as u64),
                        Err(status) => {
                            *all.errors
                                .entry(format!("{:?}", status.code()))
                                .or_default() += 1
                        }
                    }
                }));
            }
            if pacer.join().is_err() {
                anyhow::bail!("the pacer thread panicked");
            }
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
    for (code, n) in &stats.errors {
        println!("errors {code}={n}");
    }
    Ok(())
}
