//! AnalyzeStream: items read ahead from the caller, analysed concurrently,
//! answered in request order, the whole stream bounded by its deadline.

use tokio::sync::mpsc;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Status, Streaming};

use super::deadline::deadline;
use super::errors;
use super::request::Violations;
use super::service::TextAnalysis;
use crate::pb;

/// How many stream items are read ahead of the one being answered: bounds the
/// memory of one stream (backpressure) while keeping a few cores busy.
pub const STREAM_READ_AHEAD: usize = 4;

/// Runs one AnalyzeStream call: the stream of answers, in request order.
pub fn analyze_stream(
    service: TextAnalysis,
    request: Request<Streaming<pb::AnalyzeStreamRequest>>,
) -> ReceiverStream<Result<pb::AnalyzeStreamResponse, Status>> {
    let deadline = deadline(&request);
    let mut inbound = request.into_inner();
    // Items being analysed, in request order; its capacity is the read-ahead.
    let (pending_tx, mut pending_rx) = mpsc::channel(STREAM_READ_AHEAD);
    let (out_tx, out_rx) = mpsc::channel(STREAM_READ_AHEAD);
    let out_tx_for_deadline = out_tx.clone();
    tokio::spawn(async move {
        while let Some(item) = inbound.next().await {
            match item {
                Ok(item) => {
                    let service = service.clone();
                    let id = item.id.clone();
                    let task = tokio::spawn(async move {
                        let Some(request) = item.request else {
                            let mut v = Violations::default();
                            v.add("request", "a request is required");
                            return Err(errors::invalid_argument(&v));
                        };
                        service.analyze_one(request, "request.", deadline).await
                    });
                    // Waits while STREAM_READ_AHEAD items are pending.
                    if pending_tx.send(Ok((id, task))).await.is_err() {
                        return;
                    }
                }
                Err(status) => {
                    // The client's side failed (e.g. over-size item): end
                    // the stream with that status after the pending items.
                    let status = errors::stream_read_error(status);
                    let _ = pending_tx.send(Err(status)).await;
                    return;
                }
            }
        }
    });
    let writer = async move {
        while let Some(pending) = pending_rx.recv().await {
            let (id, task) = match pending {
                Ok(item) => item,
                Err(status) => {
                    let _ = out_tx.send(Err(status)).await;
                    return;
                }
            };
            let result = match task.await {
                Ok(Ok(response)) => pb::analyze_stream_response::Result::Response(response),
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
            if out_tx.send(Ok(response)).await.is_err() {
                return;
            }
        }
    };
    // tonic's grpc-timeout only bounds the time to the response headers;
    // a stream's deadline is enforced here: at expiry the stream ends with
    // DEADLINE_EXCEEDED and the pending items are dropped.
    let expiry_tx = out_tx_for_deadline;
    tokio::spawn(async move {
        match deadline {
            None => writer.await,
            Some(d) => {
                tokio::select! {
                    () = writer => {}
                    () = tokio::time::sleep_until(d.into()) => {
                        let _ = expiry_tx
                            .send(Err(Status::deadline_exceeded("the stream's deadline passed")))
                            .await;
                    }
                }
            }
        }
    });
    ReceiverStream::new(out_rx)
}

/// The per-item error of a stream item that failed.
fn stream_error(status: &Status) -> pb::analyze_stream_response::Result {
    pb::analyze_stream_response::Result::Error(pb::StreamItemError {
        code: status.code() as i32,
        message: status.message().to_owned(),
    })
}
