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

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream::StreamExt as _;
use tonic::{Request, Status, Streaming};

use super::deadline::deadline;
use super::errors;
use super::observe::HeldResponse;
use super::request::Violations;
use crate::pb;
use crate::server::conn::ConnLoad;

/// How many stream items are read ahead of the one being answered: bounds the
/// memory of one stream (backpressure) while keeping a few cores busy.
pub const STREAM_READ_AHEAD: usize = 4;

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

/// One answer and the response budget it holds (none for errors).
type Answer = (
    Result<pb::AnalyzeStreamResponse, Status>,
    Option<HeldResponse>,
);

/// The answers of one AnalyzeStream call, in request order. The budget an
/// answer holds is given back when tonic asks for the next answer: tonic
/// encodes an answer before asking again, and the observer asks tonic again
/// only once it has handed the previous bytes to HTTP/2.
#[derive(Debug)]
pub struct Answers {
    /// The writer's answers.
    answers: mpsc::Receiver<Answer>,
    /// The budget of the answer tonic took last.
    sent: Option<HeldResponse>,
}

impl tokio_stream::Stream for Answers {
    type Item = Result<pb::AnalyzeStreamResponse, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.sent = None;
        match self.answers.poll_recv(cx) {
            Poll::Ready(Some((answer, held))) => {
                self.sent = held;
                Poll::Ready(Some(answer))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// An item's analysis: its answer and the budget it holds.
type Analysis = JoinHandle<Result<(pb::AnalyzeResponse, HeldResponse), Status>>;

/// One item being analysed (its id and task), or the read error that ends the
/// stream after the items before it.
type Pending = Result<(String, Analysis), Status>;

/// Runs one AnalyzeStream call on a connection (`conn`, whose share its
/// items count against): spawns its reader and its deadline-bounded writer
/// and returns the stream of answers.
pub fn analyze_stream<A: AnalyzeItem>(
    service: A,
    request: Request<Streaming<pb::AnalyzeStreamRequest>>,
    conn: Arc<ConnLoad>,
) -> Answers {
    let deadline = deadline(&request);
    // Items being analysed, in request order; its capacity is the read-ahead.
    let (pending_tx, pending_rx) = mpsc::channel(STREAM_READ_AHEAD);
    let (out_tx, out_rx) = mpsc::channel(STREAM_READ_AHEAD);
    let reader = Reader {
        service,
        inbound: request.into_inner(),
        deadline,
        conn,
        pending: pending_tx,
    };
    let writer = Writer {
        pending: pending_rx,
        out: out_tx.clone(),
    };
    let limit = StreamDeadline {
        at: deadline,
        out: out_tx,
    };
    tokio::spawn(reader.run());
    tokio::spawn(limit.bound(writer.run()));
    Answers {
        answers: out_rx,
        sent: None,
    }
}

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
                        let Some(request) = item.request else {
                            let mut v = Violations::default();
                            v.add("request", "a request is required");
                            return Err(errors::invalid_argument(&v));
                        };
                        service
                            .analyze_item(request, "request.", deadline, conn)
                            .await
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

/// Sends each item's answer, in request order, as its analysis finishes.
struct Writer {
    /// Items being analysed, from the reader.
    pending: mpsc::Receiver<Pending>,
    /// The answers to the caller.
    out: mpsc::Sender<Answer>,
}

impl Writer {
    /// Writes until the reader is done, a read error ends the stream, or the
    /// caller is gone.
    async fn run(mut self) {
        while let Some(pending) = self.pending.recv().await {
            let (id, task) = match pending {
                Ok(item) => item,
                Err(status) => {
                    let _ = self.out.send((Err(status), None)).await;
                    return;
                }
            };
            let mut held = None;
            let result = match task.await {
                Ok(Ok((response, budget))) => {
                    held = Some(budget);
                    pb::analyze_stream_response::Result::Response(response)
                }
                Ok(Err(status)) => stream_error(&status),
                Err(e) => {
                    let message = if e.is_panic() {
                        errors::panic_message(&*e.into_panic()).to_owned()
                    } else {
                        "cancelled".to_owned()
                    };
                    stream_error(&errors::internal_panic(&message))
                }
            };
            let response = pb::AnalyzeStreamResponse {
                id,
                result: Some(result),
            };
            if self.out.send((Ok(response), held)).await.is_err() {
                return;
            }
        }
    }
}

/// The stream's deadline. tonic's grpc-timeout only bounds the time to the
/// response headers; a stream's deadline is enforced here: at expiry the
/// stream ends with DEADLINE_EXCEEDED and the pending items are dropped.
struct StreamDeadline {
    /// When the stream must end; `None`: never.
    at: Option<Instant>,
    /// Where the DEADLINE_EXCEEDED status goes.
    out: mpsc::Sender<Answer>,
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
                let _ = self
                    .out
                    .send((
                        Err(Status::deadline_exceeded("the stream's deadline passed")),
                        None,
                    ))
                    .await;
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
