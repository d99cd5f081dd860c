//! The per-call access log: one line per finished call with the method, the
//! status code, the latency and the request and response bytes (target
//! `arabic_text::access`).
//!
//! Why not a `tracing` event and span per call, as before: formatting them
//! through `tracing-subscriber` cost about 14,000 instructions a call
//! (callgrind, docs/performance.md "Per call"), a seventh of a whole 1 KB
//! Normalize. Here a call hands a small [`AccessEntry`] to the log writer (a
//! lock and a move; [`super::logwriter`]) and the writer thread formats it,
//! off the request path, into exactly the line the `tracing` event made (text
//! or JSON; a test compares them). The lines still obey the log filter
//! (`--log`: `info,arabic_text::access=off` silences them), and where the
//! server's own log writer is not installed (a program that embeds the server
//! with its own subscriber) they are `tracing` events as before.
//!
//! Successful calls can be rate-limited ([`OkLines`]: `--access-log-ok`);
//! failed calls are always logged.

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::config::OkLines;
use super::metrics::{MethodId, code_name};

/// The `tracing` target of access lines (what `--log` filters on).
pub const TARGET: &str = "arabic_text::access";

/// Whether the log filter lets access lines through: a cached callsite check
/// (a few instructions), made before anything is built for the line.
pub fn enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::INFO)
}

/// One finished call, as the access log writes it.
#[derive(Debug)]
pub struct AccessEntry {
    /// When the call ended (the line's timestamp).
    pub time: SystemTime,
    /// The method, when it is a known one.
    pub method: MethodId,
    /// The request path when the method is not a known one (caller text:
    /// escaped in JSON).
    pub other_path: Option<Box<str>>,
    /// The status code.
    pub code: tonic::Code,
    /// From the request headers to the end of the response.
    pub latency_us: u64,
    /// Encoded request bytes received.
    pub request_bytes: u64,
    /// Encoded response bytes sent.
    pub response_bytes: u64,
    /// Successful calls not logged since the previous logged one (only when
    /// successful calls are rate-limited).
    pub skipped: Option<u64>,
}

impl AccessEntry {
    /// The request path: `/` + the known method, or the path as it came.
    fn write_path(&self, out: &mut Vec<u8>) {
        match (self.method.known(), &self.other_path) {
            (Some(name), _) => {
                out.push(b'/');
                out.extend_from_slice(name.as_bytes());
            }
            (None, Some(path)) => out.extend_from_slice(path.as_bytes()),
            (None, None) => {}
        }
    }

    /// The request path as a string (for the `tracing` event).
    fn path(&self) -> String {
        let mut out = Vec::new();
        self.write_path(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Appends the line's numbers in the event's field order, each as
    /// `{before}{name}{between}{value}` (` name=value` in text, `,"name":value`
    /// in JSON); `skipped` only when set, as the event leaves out a `None`.
    fn write_numbers(&self, out: &mut Vec<u8>, before: &str, between: &str) {
        let numbers = [
            ("latency_us", Some(self.latency_us)),
            ("request_bytes", Some(self.request_bytes)),
            ("response_bytes", Some(self.response_bytes)),
            ("skipped", self.skipped),
        ];
        for (name, value) in numbers {
            if let Some(value) = value {
                let _ = write!(out, "{before}{name}{between}{value}");
            }
        }
    }

    /// Appends the line `tracing-subscriber`'s text format makes of the
    /// event [`Self::emit_event`] sends (ANSI off).
    pub fn write_text(&self, out: &mut Vec<u8>) {
        write_timestamp(out, self.time);
        out.extend_from_slice(b"  INFO grpc{method=");
        self.write_path(out);
        out.extend_from_slice(b"}: arabic_text::access: call method=");
        self.write_path(out);
        out.extend_from_slice(b" code=");
        out.extend_from_slice(code_name(self.code).as_bytes());
        self.write_numbers(out, " ", "=");
        out.push(b'\n');
    }

    /// Appends the line `tracing-subscriber`'s JSON format (flattened event,
    /// no span list) makes of the event [`Self::emit_event`] sends.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"timestamp\":\"");
        write_timestamp(out, self.time);
        out.extend_from_slice(b"\",\"level\":\"INFO\",\"message\":\"call\",\"method\":");
        match (self.method.known(), &self.other_path) {
            (Some(_), _) => {
                out.push(b'"');
                self.write_path(out);
                out.push(b'"');
            }
            (None, path) => {
                let _ = serde_json::to_writer(&mut *out, path.as_deref().unwrap_or(""));
            }
        }
        out.extend_from_slice(b",\"code\":\"");
        out.extend_from_slice(code_name(self.code).as_bytes());
        out.push(b'"');
        self.write_numbers(out, ",\"", "\":");
        out.extend_from_slice(b",\"target\":\"arabic_text::access\"}\n");
    }

    /// Sends the line as a `tracing` event in a `grpc` span, for whatever
    /// subscriber the embedding program installed (the slow path: used only
    /// when the server's log writer is not installed).
    pub fn emit_event(&self) {
        let path = self.path();
        let span = tracing::info_span!("grpc", method = %path);
        tracing::info!(
            target: "arabic_text::access",
            parent: &span,
            method = %path,
            code = %code_name(self.code),
            latency_us = self.latency_us,
            request_bytes = self.request_bytes,
            response_bytes = self.response_bytes,
            skipped = self.skipped,
            "call"
        );
    }
}

/// Writes `time` as RFC 3339 UTC with microseconds
/// (`2026-12-05T12:56:43.826450Z`), as `tracing-subscriber`'s default timer
/// does; times before 1970 are written as 1970-01-01T00:00:00.000000Z.
fn write_timestamp(out: &mut Vec<u8>, time: SystemTime) {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_micros()
    );
}

/// The (year, month, day) of a count of days since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// What the access log does with one finished call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No line (a successful call over the rate limit).
    Skip,
    /// A line, with the `skipped` field when successful calls are
    /// rate-limited.
    Log {
        /// Successful calls not logged since the previous logged one.
        skipped: Option<u64>,
    },
}

/// The rate limit of successful calls' lines: a window of one second and
/// the lines it has given, in one atomic word, so calls never lock for it.
#[derive(Debug)]
pub struct AccessLog {
    /// Which successful calls get a line.
    ok: OkLines,
    /// The origin of the one-second windows.
    origin: Instant,
    /// The current window (seconds since `origin`, high 32 bits) and the
    /// lines it gave (low 32 bits).
    window: AtomicU64,
    /// Successful calls not logged since the last logged one.
    skipped: AtomicU64,
}

impl AccessLog {
    /// The access log's policy for successful calls.
    pub fn new(ok: OkLines) -> Self {
        Self {
            ok,
            origin: Instant::now(),
            window: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        }
    }

    /// Whether a call that ended at `now`, successfully or not, gets a line.
    pub fn admit(&self, success: bool, now: Instant) -> Verdict {
        let limit = match self.ok {
            _ if !success => return Verdict::Log { skipped: None },
            OkLines::All => return Verdict::Log { skipped: None },
            OkLines::None => return Verdict::Skip,
            OkLines::PerSecond(n) => u64::from(n),
        };
        let second = now.saturating_duration_since(self.origin).as_secs() & 0xffff_ffff;
        let mut current = self.window.load(Ordering::Relaxed);
        loop {
            let next = if current >> 32 != second {
                (second << 32) | 1
            } else if current & 0xffff_ffff < limit {
                current + 1
            } else {
                self.skipped.fetch_add(1, Ordering::Relaxed);
                return Verdict::Skip;
            };
            match self.window.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Verdict::Log {
                        skipped: Some(self.skipped.swap(0, Ordering::Relaxed)),
                    };
                }
                Err(seen) => current = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc_with_microseconds() {
        let at = |secs: u64, micros: u64| {
            let mut out = Vec::new();
            write_timestamp(
                &mut out,
                UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_micros(micros),
            );
            String::from_utf8(out).unwrap_or_default()
        };
        // Reference values from Python's datetime.utcfromtimestamp.
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(951_782_400, 1), "2000-02-29T00:00:00.000001Z");
        assert_eq!(at(1_796_475_403, 826_450), "2026-12-05T12:56:43.826450Z");
        assert_eq!(at(4_107_542_399, 999_999), "2100-02-28T23:59:59.999999Z");
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
        assert_eq!(at(253_402_300_799, 0), "9999-12-31T23:59:59.000000Z");
    }

    #[test]
    fn failed_calls_are_always_logged_and_successful_ones_rate_limited() {
        let start = Instant::now();
        let log = AccessLog::new(OkLines::PerSecond(3));
        let ok: Vec<Verdict> = (0..5).map(|_| log.admit(true, start)).collect();
        assert_eq!(
            ok,
            [
                Verdict::Log { skipped: Some(0) },
                Verdict::Log { skipped: Some(0) },
                Verdict::Log { skipped: Some(0) },
                Verdict::Skip,
                Verdict::Skip,
            ]
        );
        assert_eq!(log.admit(false, start), Verdict::Log { skipped: None });
        let later = start + Duration::from_secs(2);
        assert_eq!(log.admit(true, later), Verdict::Log { skipped: Some(2) });
        assert_eq!(log.admit(true, later), Verdict::Log { skipped: Some(0) });

        let none = AccessLog::new(OkLines::None);
        assert_eq!(none.admit(true, start), Verdict::Skip);
        assert_eq!(none.admit(false, start), Verdict::Log { skipped: None });
        let all = AccessLog::new(OkLines::All);
        assert!((0..1000).all(|_| all.admit(true, start) == Verdict::Log { skipped: None }));
    }
}
