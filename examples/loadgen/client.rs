//! The request loadgen sends and the two client stacks that send it: the
//! lean h2 engine (gRPC over the h2 crate, written here) and tonic.

use std::sync::Arc;
use std::time::Duration;

use arabic_text::pb;
use clap::ValueEnum;
use prost::Message as _;
use prost::bytes::{Buf as _, BufMut as _, Bytes};
use tonic::client::Grpc;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::{Channel, Endpoint};

/// The client stacks the generator can drive.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Engine {
    /// gRPC over the h2 crate, written here: what a lean generator needs.
    H2,
    /// A tonic `Channel` (tower buffer, hyper, h2).
    Tonic,
}

/// The RPCs the generator can call.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Rpc {
    Normalize,
    Segment,
    Entities,
    Analyze,
}

/// One request, encoded once: the generator sends the same bytes on every
/// call, as h2load sends a prebuilt frame, so the client's CPU goes to the
/// transport and not to building and encoding messages.
#[derive(Clone)]
pub struct Payload {
    /// The method's path, e.g. `/arabic.text.v1.TextAnalysisService/Normalize`.
    pub path: http::uri::PathAndQuery,
    /// The protobuf encoding of the request message.
    pub message: Bytes,
    /// The same message as a gRPC frame (5-byte prefix first).
    pub frame: Bytes,
}

impl Payload {
    /// The request of `rpc` for a document with `content`.
    pub fn new(rpc: Rpc, content: &str) -> anyhow::Result<Self> {
        let document = Some(pb::Document {
            content: content.to_owned(),
            language_code: String::new(),
        });
        let (method, message) = match rpc {
            Rpc::Normalize => (
                "Normalize",
                pb::NormalizeRequest {
                    document,
                    ..Default::default()
                }
                .encode_to_vec(),
            ),
            Rpc::Segment => (
                "Segment",
                pb::SegmentRequest {
                    document,
                    ..Default::default()
                }
                .encode_to_vec(),
            ),
            Rpc::Entities => (
                "ExtractEntities",
                pb::ExtractEntitiesRequest {
                    document,
                    ..Default::default()
                }
                .encode_to_vec(),
            ),
            Rpc::Analyze => (
                "Analyze",
                pb::AnalyzeRequest {
                    document,
                    ..Default::default()
                }
                .encode_to_vec(),
            ),
        };
        // The gRPC length-prefixed frame: flag 0 (uncompressed), the
        // message's length as a big-endian u32, the message.
        let mut frame = Vec::with_capacity(5 + message.len());
        frame.push(0);
        frame.extend_from_slice(&u32::try_from(message.len())?.to_be_bytes());
        frame.extend_from_slice(&message);
        Ok(Self {
            path: format!("/arabic.text.v1.TextAnalysisService/{method}").parse()?,
            message: message.into(),
            frame: frame.into(),
        })
    }
}

/// A codec that sends prebuilt message bytes and skips the response message
/// (its grpc-status is still checked by tonic): no per-call encoding or
/// decoding on the client.
#[derive(Clone, Copy, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = ();
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = tonic::Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Self::Error> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = ();
    type Error = tonic::Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<()>, Self::Error> {
        src.advance(src.remaining());
        Ok(Some(()))
    }
}

/// A handle on one connection, cheap to clone: each call runs on a clone.
#[derive(Clone)]
pub enum Client {
    /// The h2 engine's connection.
    H2(Arc<H2Conn>),
    /// A tonic channel.
    Tonic(Grpc<Channel>),
}

impl Client {
    /// Opens a connection to `addr` with `engine`, for calls of `payload`
    /// with a deadline of `timeout`.
    pub async fn connect(
        engine: Engine,
        addr: &str,
        payload: &Payload,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        Ok(match engine {
            Engine::H2 => {
                let conn = H2Conn::new(addr, payload, timeout)?;
                // Connect now, so a wrong address fails at start-up.
                conn.sender()
                    .await
                    .map_err(|s| anyhow::anyhow!("{}", s.message()))?;
                Client::H2(Arc::new(conn))
            }
            Engine::Tonic => {
                let channel = Endpoint::from_shared(addr.to_owned())?
                    .tcp_nodelay(true)
                    .connect()
                    .await?;
                Client::Tonic(Grpc::new(channel))
            }
        })
    }

    /// One unary call; `Ok` when the server answered grpc-status 0.
    pub async fn call(
        &mut self,
        payload: &Payload,
        timeout: Duration,
    ) -> Result<(), tonic::Status> {
        match self {
            Client::H2(conn) => match tokio::time::timeout(timeout, conn.call(payload)).await {
                Ok(result) => result,
                Err(_) => Err(tonic::Status::deadline_exceeded("client-side deadline")),
            },
            Client::Tonic(client) => {
                client
                    .ready()
                    .await
                    .map_err(|e| tonic::Status::unavailable(format!("client not ready: {e}")))?;
                let mut request = tonic::Request::new(payload.message.clone());
                request.set_timeout(timeout);
                client
                    .unary(request, payload.path.clone(), RawCodec)
                    .await
                    .map(|_| ())
            }
        }
    }
}

/// One HTTP/2 connection of the h2 engine, opened again after it breaks
/// (a server that restarts or drains), so calls fail with UNAVAILABLE while
/// it is gone and succeed again once it is back, as with tonic.
pub struct H2Conn {
    /// `host:port` to connect to.
    authority: String,
    /// The request URI (`http://host:port/package.Service/Method`).
    uri: http::Uri,
    /// The request headers (content-type, te, grpc-timeout).
    headers: http::HeaderMap,
    /// The live connection's handle and its generation (bumped on each
    /// reconnect, so a stale failure does not drop a fresh connection).
    slot: tokio::sync::Mutex<(Option<h2::client::SendRequest<Bytes>>, u64)>,
}

impl H2Conn {
    /// A connection to `addr` (`http://host:port`) for calls of `payload`
    /// with a deadline of `timeout`, opened on first use.
    fn new(addr: &str, payload: &Payload, timeout: Duration) -> anyhow::Result<Self> {
        let uri: http::Uri = addr.parse()?;
        anyhow::ensure!(
            uri.scheme_str() == Some("http"),
            "the h2 engine speaks cleartext HTTP/2 only (http://host:port); use --engine tonic"
        );
        let authority = uri
            .authority()
            .ok_or_else(|| anyhow::anyhow!("{addr}: no host:port"))?
            .to_string();
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "content-type",
            http::HeaderValue::from_static("application/grpc"),
        );
        headers.insert("te", http::HeaderValue::from_static("trailers"));
        headers.insert(
            "grpc-timeout",
            http::HeaderValue::from_str(&format!("{}m", timeout.as_millis()))?,
        );
        Ok(Self {
            uri: format!("http://{authority}{}", payload.path).parse()?,
            headers,
            authority,
            slot: tokio::sync::Mutex::new((None, 0)),
        })
    }

    /// The live connection's handle, connecting first if there is none.
    async fn sender(&self) -> Result<(h2::client::SendRequest<Bytes>, u64), tonic::Status> {
        let mut slot = self.slot.lock().await;
        if let Some(send) = &slot.0 {
            return Ok((send.clone(), slot.1));
        }
        let tcp = tokio::net::TcpStream::connect(&self.authority)
            .await
            .map_err(|e| tonic::Status::unavailable(format!("tcp connect error: {e}")))?;
        tcp.set_nodelay(true)
            .map_err(|e| tonic::Status::unavailable(format!("set_nodelay: {e}")))?;
        let (send, connection) = h2::client::Builder::new()
            .initial_window_size(2 << 20)
            .initial_connection_window_size(8 << 20)
            .handshake(tcp)
            .await
            .map_err(|e| h2_status(&e))?;
        tokio::spawn(async move {
            // Ends when the server closes the connection; calls then see the error.
            let _ = connection.await;
        });
        slot.0 = Some(send.clone());
        slot.1 += 1;
        Ok((send, slot.1))
    }

    /// Forgets the connection of `generation` after a failure on it.
    async fn broken(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if slot.1 == generation {
            slot.0 = None;
        }
    }

    /// One unary call over this connection.
    async fn call(&self, payload: &Payload) -> Result<(), tonic::Status> {
        let (send, generation) = self.sender().await?;
        let mut request = http::Request::new(());
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        let result = exchange(send, request, payload).await;
        if let Err((_, true)) = &result {
            self.broken(generation).await;
        }
        result.map_err(|(status, _)| status)
    }
}

/// Sends `payload` on a new stream and reads the answer: the response message
/// must be one whole length-prefixed frame and grpc-status must be 0. On
/// error, also says whether the connection itself failed.
async fn exchange(
    send: h2::client::SendRequest<Bytes>,
    request: http::Request<()>,
    payload: &Payload,
) -> Result<(), (tonic::Status, bool)> {
    let conn_err = |e: h2::Error| (h2_status(&e), e.is_go_away() || e.is_io() || !e.is_reset());
    let mut send = send.ready().await.map_err(conn_err)?;
    let (response, mut stream) = send.send_request(request, false).map_err(conn_err)?;
    stream
        .send_data(payload.frame.clone(), true)
        .map_err(conn_err)?;
    let response = response.await.map_err(conn_err)?;
    let (head, mut body) = response.into_parts();
    // A trailers-only answer (an error, usually) carries grpc-status in the head.
    if let Some(status) = grpc_status(&head.headers) {
        return status.map_err(|s| (s, false));
    }
    if head.status != http::StatusCode::OK {
        return Err((
            tonic::Status::unknown(format!("HTTP status {}", head.status)),
            false,
        ));
    }
    let mut received = 0usize;
    let mut prefix = [0u8; 5];
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(conn_err)?;
        for (i, &b) in chunk
            .iter()
            .take(5usize.saturating_sub(received))
            .enumerate()
        {
            prefix[received + i] = b;
        }
        received += chunk.len();
        // Lets the server send more (stream and connection windows).
        let _ = body.flow_control().release_capacity(chunk.len());
    }
    let trailers = body.trailers().await.map_err(conn_err)?;
    match trailers.as_ref().and_then(grpc_status) {
        Some(Ok(())) => {
            let len = u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
            if received < 5 || received != 5 + len {
                return Err((
                    tonic::Status::internal(format!(
                        "response of {received} bytes is not one gRPC message of {len}"
                    )),
                    false,
                ));
            }
            Ok(())
        }
        Some(Err(status)) => Err((status, false)),
        None => Err((
            tonic::Status::internal("no grpc-status in the trailers"),
            false,
        )),
    }
}

/// The grpc-status (and grpc-message) of a header map, if it has one.
fn grpc_status(headers: &http::HeaderMap) -> Option<Result<(), tonic::Status>> {
    let code = headers
        .get("grpc-status")?
        .to_str()
        .ok()?
        .parse::<i32>()
        .ok()?;
    let code = tonic::Code::from_i32(code);
    if code == tonic::Code::Ok {
        return Some(Ok(()));
    }
    let message = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Some(Err(tonic::Status::new(code, message)))
}

/// The gRPC status of an HTTP/2 error, mapped as tonic maps them.
fn h2_status(e: &h2::Error) -> tonic::Status {
    use h2::Reason;
    let code = match e.reason() {
        _ if e.is_io() || e.is_go_away() => tonic::Code::Unavailable,
        Some(Reason::REFUSED_STREAM) => tonic::Code::Unavailable,
        Some(Reason::CANCEL) => tonic::Code::Cancelled,
        Some(Reason::ENHANCE_YOUR_CALM) => tonic::Code::ResourceExhausted,
        Some(Reason::INADEQUATE_SECURITY) => tonic::Code::PermissionDenied,
        Some(_) => tonic::Code::Internal,
        None => tonic::Code::Unavailable,
    };
    tonic::Status::new(code, format!("h2 protocol error: {e}"))
}
