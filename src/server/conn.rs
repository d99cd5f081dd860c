//! What the server knows of one client connection (a leaf: the connection
//! layer makes it, tonic puts it in every request's extensions, and the gRPC
//! edge reads it to share its limits fairly between connections).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

/// One connection, as every request on it sees it.
#[derive(Clone, Debug)]
pub struct ConnInfo {
    /// Unique per connection for the life of the process: in debug logs.
    pub id: u64,
    /// The peer's address: in debug logs of refused handshakes and calls.
    pub remote: Option<SocketAddr>,
    /// Whether the connection is TLS.
    pub tls: bool,
    /// What the connection's calls hold of the shared limits, so one
    /// connection cannot hold more than its share.
    pub load: Arc<ConnLoad>,
    /// The server's request idle timeout, which also bounds how long the
    /// answers of a stream on this connection may go unread (zero: never);
    /// carried here because the stream only sees its request.
    pub idle_timeout: Duration,
}

/// What one connection's calls hold of the server's shared pools; each
/// counter is changed only under its pool's lock (see
/// [`crate::grpc::admission::FairPool`]).
#[derive(Debug, Default)]
pub struct ConnLoad {
    /// Analysis permits held (calls being analysed).
    pub analysis: AtomicUsize,
    /// KiB of request messages being received (not yet complete).
    pub request_kib: AtomicUsize,
}

impl ConnLoad {
    /// The load of a call whose connection is not known (a call made
    /// without the connection layer, as unit tests do): a connection of its
    /// own.
    pub fn detached() -> Arc<Self> {
        Arc::new(Self::default())
    }
}
