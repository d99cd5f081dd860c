//! The connections tonic serves: accepted here, counted against the
//! connection limit, given a deadline for their handshake (TLS, when on, and
//! the HTTP/2 preface), and described by a [`ConnInfo`] that tonic puts in
//! every request's extensions, so the gRPC edge can keep one connection from
//! holding more than its share of the server's limits.
//!
//! Why: tonic's own incoming stream accepts every connection and waits for
//! its preface for ever; 10,000 silent TCP connections held 132 MiB.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::Sleep;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;

use super::conn::{ConnInfo, ConnLoad};
use super::metrics::Metrics;
use super::tls::TlsFiles;

/// The HTTP/2 client preface (`PRI * HTTP/2.0 ...`) is 24 bytes: a
/// connection that has not sent them by the handshake deadline is closed.
const PREFACE_BYTES: usize = 24;

/// Limits of the connections.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Most connections open at once; more are closed as soon as they are
    /// accepted (the client sees a reset and can retry another replica).
    pub max_connections: usize,
    /// Time from accept to the end of the TLS handshake and the HTTP/2
    /// preface.
    pub handshake_timeout: Duration,
}

/// The plaintext or TLS stream of a connection.
enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP (boxed: it is much larger than a TCP stream).
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

/// A served connection: its stream, its slot under the connection limit and
/// the deadline for its HTTP/2 preface.
pub struct Conn {
    /// The bytes.
    stream: Stream,
    /// What the observer sees of it.
    info: ConnInfo,
    /// Its place under the connection limit, given back when it closes.
    _permit: OwnedSemaphorePermit,
    /// Until [`PREFACE_BYTES`] have been read: when they must have arrived.
    preface: Option<Pin<Box<Sleep>>>,
    /// Bytes read so far, until the preface is complete.
    read: usize,
    /// Where the open connections are counted (one less on drop).
    metrics: Arc<Metrics>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.metrics.connections.dec();
    }
}

impl Connected for Conn {
    type ConnectInfo = ConnInfo;

    fn connect_info(&self) -> ConnInfo {
        self.info.clone()
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let poll = match &mut this.stream {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        };
        if let Some(deadline) = &mut this.preface {
            if let Poll::Ready(Ok(())) = poll {
                this.read += buf.filled().len() - before;
                if this.read >= PREFACE_BYTES {
                    this.preface = None;
                }
            } else if poll.is_pending() && deadline.as_mut().poll(cx).is_ready() {
                this.metrics.connection_refused("handshake");
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no HTTP/2 preface before the handshake timeout",
                )));
            }
        }
        poll
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match &self.stream {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.stream {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The next connection id.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Accepts connections on `listener` until the returned stream is dropped
/// (tonic drops it when shutdown starts, which closes the listener):
/// connections beyond the limit are closed at once, TLS handshakes (when
/// `tls` is set) run concurrently, each within the handshake timeout, and the
/// HTTP/2 preface must follow within the same timeout.
pub fn incoming(
    listener: TcpListener,
    limits: ConnectionLimits,
    tls: Option<Arc<TlsFiles>>,
    metrics: Arc<Metrics>,
) -> ReceiverStream<io::Result<Conn>> {
    let (tx, rx) = mpsc::channel::<io::Result<Conn>>(64);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = tx.closed() => return,
                accepted = listener.accept() => accepted,
            };
            let (tcp, remote) = match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
                metrics.connection_refused("limit");
                drop(tcp);
                continue;
            };
            let _ = tcp.set_nodelay(true);
            let (tx, tls, metrics) = (tx.clone(), tls.clone(), Arc::clone(&metrics));
            let timeout = limits.handshake_timeout;
            tokio::spawn(async move {
                let deadline = tokio::time::Instant::now() + timeout;
                let stream = match tls {
                    None => Stream::Plain(tcp),
                    Some(files) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(files.config());
                        match tokio::time::timeout_at(deadline, acceptor.accept(tcp)).await {
                            Ok(Ok(s)) => Stream::Tls(Box::new(s)),
                            Ok(Err(e)) => {
                                tracing::debug!(error = %e, ?remote, "TLS handshake failed");
                                metrics.connection_refused("handshake");
                                return;
                            }
                            Err(_) => {
                                metrics.connection_refused("handshake");
                                return;
                            }
                        }
                    }
                };
                let tls = matches!(stream, Stream::Tls(_));
                metrics.connections.inc();
                let conn = Conn {
                    stream,
                    info: ConnInfo {
                        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                        remote: Some(remote),
                        tls,
                        load: Arc::new(ConnLoad::default()),
                    },
                    _permit: permit,
                    preface: Some(Box::pin(tokio::time::sleep_until(deadline))),
                    read: 0,
                    metrics,
                };
                let _ = tx.send(Ok(conn)).await;
            });
        }
    });
    ReceiverStream::new(rx)
}
