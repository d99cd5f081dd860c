//! The connections tonic serves: accepted here, counted against the
//! connection limit, given a deadline for their handshake (TLS, when on, and
//! the HTTP/2 preface), and described by a [`ConnInfo`] that tonic puts in
//! every request's extensions, so the gRPC edge can keep one connection from
//! holding more than its share of the server's limits.
//!
//! A connection counts against the limit once it has sent its preface:
//! before that it waits among the [`Waiting`] connections, whose number is
//! bounded by the same limit and whose oldest is closed when a new one needs
//! the room. Silent connections thus hold at most the limit's worth of
//! sockets and never keep an honest caller (who sends its preface at once)
//! out.
//!
//! Why: tonic's own incoming stream accepts every connection and waits for
//! its preface for ever; 10,000 silent TCP connections held 132 MiB. With
//! the limit taken at accept, 2,000 silent connections then kept every new
//! caller out for the handshake timeout.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};
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
    /// Most connections served at once (past their HTTP/2 preface); when
    /// they are all taken, more are closed as soon as they are accepted (the
    /// client sees a reset and can retry another replica). Also the most
    /// connections waiting for their preface.
    pub max_connections: usize,
    /// Time from accept to the end of the TLS handshake and the HTTP/2
    /// preface.
    pub handshake_timeout: Duration,
    /// The request idle timeout, passed to every call in its [`ConnInfo`].
    pub idle_timeout: Duration,
}

/// The connections accepted that have not yet sent their HTTP/2 preface,
/// oldest first (ids grow), each with the sender that closes it.
#[derive(Debug)]
struct Waiting {
    /// Most connections waiting at once.
    max: usize,
    /// Their closers, by connection id.
    closers: Mutex<BTreeMap<u64, oneshot::Sender<()>>>,
}

impl Waiting {
    /// Locks the map (every change is one insert or removal).
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, oneshot::Sender<()>>> {
        self.closers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds connection `id`, closing the oldest waiting one when `max` are
    /// waiting; the receiver fires when `id` is closed that way.
    fn enter(&self, id: u64) -> oneshot::Receiver<()> {
        let (close, closed) = oneshot::channel();
        let mut closers = self.lock();
        while closers.len() >= self.max.max(1) {
            let Some((_, oldest)) = closers.pop_first() else {
                break;
            };
            let _ = oldest.send(());
        }
        closers.insert(id, close);
        closed
    }

    /// Removes connection `id` (its preface arrived, or it closed).
    fn leave(&self, id: u64) {
        self.lock().remove(&id);
    }
}

/// Where a connection stands against the limits.
enum Slot {
    /// Waiting for its preface: closed if the oldest when room is needed.
    Waiting {
        /// Fires when it is closed to make room.
        closed: oneshot::Receiver<()>,
        /// The waiting connections, which it leaves when its preface comes.
        waiting: Arc<Waiting>,
        /// The limit's slots, one of which it takes once its preface came.
        slots: Arc<Semaphore>,
    },
    /// Served under the limit.
    Served {
        /// Its place under the limit, given back when it closes.
        _permit: OwnedSemaphorePermit,
    },
}

/// The plaintext or TLS stream of a connection.
enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP (boxed: it is much larger than a TCP stream).
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

/// A served connection: its stream, its place under the connection limits
/// and the deadline for its HTTP/2 preface.
pub struct Conn {
    /// The bytes.
    stream: Stream,
    /// What the observer sees of it.
    info: ConnInfo,
    /// Waiting for its preface, or served under the limit.
    slot: Slot,
    /// Until [`PREFACE_BYTES`] have been read: when they must have arrived.
    preface: Option<Pin<Box<Sleep>>>,
    /// Bytes read so far, until the preface is complete.
    read: usize,
    /// Where the open connections are counted (one less on drop).
    metrics: Arc<Metrics>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Slot::Waiting { waiting, .. } = &self.slot {
            waiting.leave(self.info.id);
        }
        self.metrics.connections.dec();
    }
}

impl Conn {
    /// Its preface has come: it leaves the waiting connections and takes a
    /// slot under the limit, or is refused when they are all taken.
    fn promote(&mut self) -> io::Result<()> {
        let Slot::Waiting { waiting, slots, .. } = &self.slot else {
            return Ok(());
        };
        waiting.leave(self.info.id);
        match Arc::clone(slots).try_acquire_owned() {
            Ok(permit) => {
                self.slot = Slot::Served { _permit: permit };
                Ok(())
            }
            Err(_) => {
                self.metrics.connection_refused("limit");
                Err(io::Error::other("the connection limit is reached"))
            }
        }
    }

    /// Whether it was closed to make room for a newer waiting connection
    /// (registering the waker if not).
    fn poll_evicted(&mut self, cx: &mut Context<'_>) -> bool {
        match &mut self.slot {
            Slot::Waiting { closed, .. } => Pin::new(closed).poll(cx).is_ready(),
            Slot::Served { .. } => false,
        }
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
        let Some(deadline) = &mut this.preface else {
            return poll;
        };
        if let Poll::Ready(Ok(())) = poll {
            this.read += buf.filled().len() - before;
            if this.read >= PREFACE_BYTES {
                this.preface = None;
                if let Err(e) = this.promote() {
                    return Poll::Ready(Err(e));
                }
            }
        } else if poll.is_pending() {
            let expired = deadline.as_mut().poll(cx).is_ready();
            if expired || this.poll_evicted(cx) {
                this.metrics.connection_refused("handshake");
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no HTTP/2 preface before the handshake timeout, or before newer \
                     connections needed the room",
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
/// HTTP/2 preface must follow within the same timeout; until it has, a
/// connection waits outside the limit, and the oldest waiting one is closed
/// when the waiting ones are as many as the limit.
pub fn incoming(
    listener: TcpListener,
    limits: ConnectionLimits,
    tls: Option<Arc<TlsFiles>>,
    metrics: Arc<Metrics>,
) -> ReceiverStream<io::Result<Conn>> {
    let (tx, rx) = mpsc::channel::<io::Result<Conn>>(64);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let waiting = Arc::new(Waiting {
        max: limits.max_connections.max(1),
        closers: Mutex::new(BTreeMap::new()),
    });
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
            // Served connections take every slot: no room for this one.
            if slots.available_permits() == 0 {
                metrics.connection_refused("limit");
                drop(tcp);
                continue;
            }
            let _ = tcp.set_nodelay(true);
            let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            // In accept order, so the oldest waiting is closed first.
            let mut closed = waiting.enter(id);
            let (tx, tls, metrics) = (tx.clone(), tls.clone(), Arc::clone(&metrics));
            let (waiting, slots) = (Arc::clone(&waiting), Arc::clone(&slots));
            let (timeout, idle_timeout) = (limits.handshake_timeout, limits.idle_timeout);
            tokio::spawn(async move {
                let deadline = tokio::time::Instant::now() + timeout;
                let stream = match tls {
                    None => Stream::Plain(tcp),
                    Some(files) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(files.config());
                        let handshake = tokio::time::timeout_at(deadline, acceptor.accept(tcp));
                        let accepted = tokio::select! {
                            accepted = handshake => accepted.ok(),
                            _ = &mut closed => None,
                        };
                        match accepted {
                            Some(Ok(s)) => Stream::Tls(Box::new(s)),
                            Some(Err(e)) => {
                                tracing::debug!(error = %e, ?remote, "TLS handshake failed");
                                metrics.connection_refused("handshake");
                                waiting.leave(id);
                                return;
                            }
                            None => {
                                metrics.connection_refused("handshake");
                                waiting.leave(id);
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
                        id,
                        remote: Some(remote),
                        tls,
                        load: Arc::new(ConnLoad::default()),
                        idle_timeout,
                    },
                    slot: Slot::Waiting {
                        closed,
                        waiting,
                        slots,
                    },
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
