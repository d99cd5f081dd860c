//! AnalyzeStream as three named parts: the [`Reader`] takes items from the
//! caller and starts each one's analysis (at most [`STREAM_READ_AHEAD`] ahead
//! of the answers), the [`Writer`] sends the answers in request order, and the
//! [`StreamDeadline`] ends the whole stream when the caller's deadline passes.
//!
//! Each item takes an analysis permit of its own once it is complete (a
//! stream that stays open holds none between items), and each answer holds
//! its share of the response budget until tonic asks for the next one, by
//! which time it has been encoded and handed to HTTP/2 ([`Answers`]): a
//! caller that does not read its answers holds no more than the budget.
//!
//! What an unread answer holds is what the budget counts: an answer is
//! encoded as soon as its analysis is done and waits as bytes (decoded
//! structs are several times larger than their encoding: unread streams held
//! ~840 MiB under a 256 MiB budget when they waited decoded), and it is
//! decoded again only when tonic takes it (prost's encoding is canonical, so
//! the bytes sent are the same). The answers waiting on one stream are
//! bounded in bytes ([`STREAM_WINDOW_BYTES`]): beyond it the writer waits
//! for the caller to read, the reader stops taking items, and HTTP/2 flow
//! control pushes back on the caller. A stream whose answers are not read
//! for the connection's idle timeout ends with DEADLINE_EXCEEDED and drops
//! the answers it was holding.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use prost::Message as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio_stream::StreamExt as _;
use tonic::codegen::Bytes;
use tonic::{Request, Status, Streaming};

use super::deadline::deadline;
use super::errors;
use super::observe::HeldResponse;
use super::request::Violations;
use crate::pb;
use crate::server::conn::{ConnInfo, ConnLoad};

/// How many stream items are read ahead of the one being answered: bounds the
/// memory of one stream (backpressure) while keeping a few cores busy.
pub const STREAM_READ_AHEAD: usize = 4;

/// Encoded bytes of answers one stream may hold before its caller reads
/// them (one default-size largest answer); an answer bigger than this waits
/// alone. Beyond it the stream stops producing until the caller reads.
pub const STREAM_WINDOW_BYTES: usize = 4 * 1024 * 1024;

/// The stream window is counted in KiB so it fits a semaphore's permits.
const WINDOW_UNIT: usize = 1024;

/// What a stream needs of the service: one item's request validated (field
/// paths under `prefix`), admitted against the connection's share (`conn`)
/// and analysed, as a unary Analyze would be, with the response budget its
/// answer holds.
pub trait AnalyzeItem: Clone + Send + Sync + 'static {
    /// Validates and runs one item.
    fn analyze_item(
        &self,
        request: pb::AnalyzeRequest,
        prefix: &'static str,
        deadline: Option<Instant>,
        conn: Arc<ConnLoad>,
    ) -> impl Future<Output = Result<(pb::AnalyzeResponse, HeldResponse), Status>> + Send;
}

/// One answer, encoded (an `AnalyzeStreamResponse`) or the status that ends
/// the stream, with what it holds until tonic has taken it.
#[derive(Debug)]
struct Answer {
    /// The encoded answer, or the final status.
    message: Result<Bytes, Status>,
    /// Its share of the response budget (none for item errors and statuses).
    held: Option<HeldResponse>,
    /// Its share of the stream's window (none for the final status).
    window: Option<OwnedSemaphorePermit>,
}

impl Answer {
    /// The status that ends the stream.
    fn end(status: Status) -> Self {
        Self {
            message: Err(status),
            held: None,
            window: None,
        }
    }
}

/// The answers of one stream waiting for tonic, shared by the writer (and
/// the deadline), which push them, and [`Answers`], which hands them to
/// tonic. Not a channel: when the answers go unread the writer drops the
/// ones waiting, which a channel's sender cannot.
#[derive(Debug, Default)]
struct Outbox {
    /// The queue and its wakers.
    state: Mutex<OutboxState>,
}

/// The mutable part of an [`Outbox`].
#[derive(Debug, Default)]
struct OutboxState {
    /// Answers not yet taken, in order.
    queue: VecDeque<Answer>,
    /// No more answers will come (the writer and the deadline are done).
    done: bool,
    /// tonic dropped the [`Answers`] (the caller is gone): the writer stops.
    gone: bool,
    /// The task of [`Answers`], woken when an answer comes.
    waker: Option<Waker>,
}

impl Outbox {
    /// Locks the state (every change leaves it whole).
    fn lock(&self) -> MutexGuard<'_, OutboxState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `answer`; false when the caller is gone.
    fn push(&self, answer: Answer) -> bool {
        let mut state = self.lock();
        if state.gone || state.done {
            return false;
        }
        state.queue.push_back(answer);
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
        true
    }

    /// Drops the answers waiting (and what they hold) and ends the stream
    /// with `status`.
    fn abandon(&self, status: Status) {
        let dropped = {
            let mut state = self.lock();
            let dropped = std::mem::take(&mut state.queue);
            state.queue.push_back(Answer::end(status));
            dropped
        };
        // Outside the lock: dropping gives back budget and window.
        drop(dropped);
        self.close();
    }

    /// No more answers come.
    fn close(&self) {
        let mut state = self.lock();
        state.done = true;
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }
}

/// Closes the outbox when the task that fills it ends, however it ends.
struct CloseOnDrop(Arc<Outbox>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The answers of one AnalyzeStream call, in request order. The budget and
/// window an answer holds are given back when tonic asks for the next
/// answer: tonic encodes an answer before asking again, and the observer
/// asks tonic again only once it has handed the previous bytes to HTTP/2.
#[derive(Debug)]
pub struct Answers {
    /// The writer's answers.
    outbox: Arc<Outbox>,
    /// What the answer tonic took last holds.
    sent: Option<(Option<HeldResponse>, Option<OwnedSemaphorePermit>)>,
}

impl Drop for Answers {
    fn drop(&mut self) {
        let dropped = {
            let mut state = self.outbox.lock();
            state.gone = true;
            std::mem::take(&mut state.queue)
        };
        drop(dropped);
    }
}

impl tokio_stream::Stream for Answers {
    type Item = Result<pb::AnalyzeStreamResponse, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.sent = None;
        let answer = {
            let mut state = self.outbox.lock();
            match state.queue.pop_front() {
                Some(answer) => answer,
                None if state.done => return Poll::Ready(None),
                None => {
                    state.waker = Some(cx.waker().clone());
                    return Poll::Pending;
                }
            }
        };
        self.sent = Some((answer.held, answer.window));
        // Decoding what this module encoded cannot fail; if it did, the
        // stream ends with INTERNAL rather than a wrong answer.
        Poll::Ready(Some(answer.message.and_then(|bytes| {
            pb::AnalyzeStreamResponse::decode(bytes)
                .map_err(|e| Status::internal(format!("a stream answer did not decode: {e}")))
        })))
    }
}

/// An item's analysis: its encoded answer and the budget it holds.
type Analysis = JoinHandle<(Bytes, Option<HeldResponse>)>;

/// One item being analysed (its id and task), or the read error that ends the
/// stream after the items before it.
type Pending = Result<(String, Analysis), Status>;

/// Runs one AnalyzeStream call on a connection (`conn`, whose share its
/// items count against): spawns its reader and its deadline-bounded writer
/// and returns the stream of answers. The connection's idle timeout (in the
/// request's [`ConnInfo`]; none without the connection layer) bounds how long
/// its answers may go unread.
pub fn analyze_stream<A: AnalyzeItem>(
    service: A,
    request: Request<Streaming<pb::AnalyzeStreamRequest>>,
    conn: Arc<ConnLoad>,
) -> Answers {
    let deadline = deadline(&request);
    let unread_timeout = request
        .extensions()
        .get::<ConnInfo>()
        .map(|c| c.idle_timeout)
        .filter(|t| !t.is_zero());
    // Items being analysed, in request order; its capacity is the read-ahead.
    let (pending_tx, pending_rx) = mpsc::channel(STREAM_READ_AHEAD);
    let outbox = Arc::new(Outbox::default());
    let reader = Reader {
        service,
        inbound: request.into_inner(),
        deadline,
        conn,
        pending: pending_tx,
    };
    let writer = Writer {
        pending: pending_rx,
        outbox: Arc::clone(&outbox),
        window: Arc::new(Semaphore::new(WINDOW_UNITS)),
        unread_timeout,
    };
    let limit = StreamDeadline {
        at: deadline,
        outbox: Arc::clone(&outbox),
    };
    tokio::spawn(reader.run());
    let close = CloseOnDrop(Arc::clone(&outbox));
    tokio::spawn(async move {
        let _close = close;
        limit.bound(writer.run()).await;
    });
    Answers { outbox, sent: None }
}

/// The stream window in units.
const WINDOW_UNITS: usize = STREAM_WINDOW_BYTES / WINDOW_UNIT;

/// Reads the caller's items and starts the analysis of each.
struct Reader<A> {
    /// The service that analyses an item.
    service: A,
    /// The caller's items.
    inbound: Streaming<pb::AnalyzeStreamRequest>,
    /// The stream's deadline: an item's work does not start after it.
    deadline: Option<Instant>,
    /// The connection's share of the limits, which every item counts against.
    conn: Arc<ConnLoad>,
    /// Where started items go, in order; full when the read-ahead is reached.
    pending: mpsc::Sender<Pending>,
}

impl<A: AnalyzeItem> Reader<A> {
    /// Reads until the caller half-closes, fails, or the writer is gone.
    async fn run(mut self) {
        while let Some(item) = self.inbound.next().await {
            match item {
                Ok(item) => {
                    let service = self.service.clone();
                    let deadline = self.deadline;
                    let conn = Arc::clone(&self.conn);
                    let id = item.id.clone();
                    let task = tokio::spawn(async move {
                        let result = match item.request {
                            Some(request) => {
                                service
                                    .analyze_item(request, "request.", deadline, conn)
                                    .await
                            }
                            None => {
                                let mut v = Violations::default();
                                v.add("request", "a request is required");
                                Err(errors::invalid_argument(&v))
                            }
                        };
                        // Encoded now: an answer waits as the bytes its
                        // budget counts, not as a larger decoded struct.
                        encode_answer(item.id, result)
                    });
                    // Waits while STREAM_READ_AHEAD items are pending.
                    if self.pending.send(Ok((id, task))).await.is_err() {
                        return;
                    }
                }
                Err(status) => {
                    // The client's side failed (e.g. over-size item): end
                    // the stream with that status after the pending items.
                    let status = errors::stream_read_error(status);
                    let _ = self.pending.send(Err(status)).await;
                    return;
                }
            }
        }
    }
}

/// The encoded `AnalyzeStreamResponse` of item `id` and the budget its
/// response holds (none for an item error).
fn encode_answer(
    id: String,
    result: Result<(pb::AnalyzeResponse, HeldResponse), Status>,
) -> (Bytes, Option<HeldResponse>) {
    let (result, held) = match result {
        Ok((response, held)) => (
            pb::analyze_stream_response::Result::Response(response),
            Some(held),
        ),
        Err(status) => (stream_error(&status), None),
    };
    let answer = pb::AnalyzeStreamResponse {
        id,
        result: Some(result),
    };
    (Bytes::from(answer.encode_to_vec()), held)
}

/// Sends each item's answer, in request order, as its analysis finishes,
/// while the stream's window has room.
struct Writer {
    /// Items being analysed, from the reader.
    pending: mpsc::Receiver<Pending>,
    /// The answers to the caller.
    outbox: Arc<Outbox>,
    /// KiB of answers the stream may hold unread ([`STREAM_WINDOW_BYTES`]).
    window: Arc<Semaphore>,
    /// How long the writer waits for the caller to read before it ends the
    /// stream; `None`: for ever.
    unread_timeout: Option<Duration>,
}

impl Writer {
    /// Writes until the reader is done, a read error ends the stream, the
    /// answers go unread for the timeout, or the caller is gone.
    async fn run(mut self) {
        while let Some(pending) = self.pending.recv().await {
            let (bytes, held) = match pending {
                Ok((id, task)) => match task.await {
                    Ok(answer) => answer,
                    Err(e) => {
                        let message = if e.is_panic() {
                            errors::panic_message(&*e.into_panic()).to_owned()
                        } else {
                            "cancelled".to_owned()
                        };
                        encode_answer(id, Err(errors::internal_panic(&message)))
                    }
                },
                Err(status) => {
                    self.outbox.push(Answer::end(status));
                    return;
                }
            };
            let units = bytes.len().div_ceil(WINDOW_UNIT).clamp(1, WINDOW_UNITS);
            let units = u32::try_from(units).unwrap_or(u32::MAX);
            let room = Arc::clone(&self.window).acquire_many_owned(units);
            let window = match self.unread_timeout {
                None => room.await,
                Some(timeout) => match tokio::time::timeout(timeout, room).await {
                    Ok(window) => window,
                    Err(_) => {
                        self.outbox.abandon(unread(timeout));
                        return;
                    }
                },
            };
            // The window is never closed; if it were, the stream ends.
            let Ok(window) = window else { return };
            let answer = Answer {
                message: Ok(bytes),
                held,
                window: Some(window),
            };
            if !self.outbox.push(answer) {
                return;
            }
        }
    }
}

/// The status of a stream whose answers went unread for `timeout`.
fn unread(timeout: Duration) -> Status {
    Status::deadline_exceeded(format!(
        "the stream's answers were not read for {} s (the server's request idle timeout); \
         the answers waiting were dropped",
        timeout.as_secs_f64()
    ))
}

/// The stream's deadline. tonic's grpc-timeout only bounds the time to the
/// response headers; a stream's deadline is enforced here: at expiry the
/// stream ends with DEADLINE_EXCEEDED and the pending items are dropped.
struct StreamDeadline {
    /// When the stream must end; `None`: never.
    at: Option<Instant>,
    /// Where the DEADLINE_EXCEEDED status goes.
    outbox: Arc<Outbox>,
}

impl StreamDeadline {
    /// Runs `writer` until it finishes or the deadline passes.
    async fn bound(self, writer: impl Future<Output = ()>) {
        let Some(at) = self.at else {
            return writer.await;
        };
        tokio::select! {
            () = writer => {}
            () = tokio::time::sleep_until(at.into()) => {
                self.outbox.push(Answer::end(Status::deadline_exceeded(
                    "the stream's deadline passed",
                )));
            }
        }
    }
}

/// The per-item error of a stream item that failed.
fn stream_error(status: &Status) -> pb::analyze_stream_response::Result {
    pb::analyze_stream_response::Result::Error(pb::StreamItemError {
        code: status.code() as i32,
        message: status.message().to_owned(),
    })
}
