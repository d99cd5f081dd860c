//! A bare tonic server for the service's API whose Normalize answers the
//! request's text unchanged: the peer the service is measured against
//! (scripts/perf/grpc-vs-echo.sh, docs/performance.md "Per call").
//!
//! It is the floor of what a unary call costs with this stack: the same
//! tonic, prost, hyper and tokio versions and the same release profile as the
//! service (it is built from this workspace), the same generated code, so it
//! decodes the same request and encodes a response of about the same size
//! (the text and the offset encoding; the service's answer to loadgen's 1 KB
//! request also carries its alignment edits, about 110 bytes more). No
//! layers, no limits, no logs, no metrics, no validation; the other RPCs are
//! UNIMPLEMENTED.
//!
//! ```text
//! cargo build --release --example echo
//! taskset -c 0 target/release/examples/echo --listen 127.0.0.1:50052
//! ```

use std::net::SocketAddr;

use arabic_text::pb;
use arabic_text::pb::text_analysis_service_server::{
    TextAnalysisService, TextAnalysisServiceServer,
};
use clap::Parser;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status, Streaming};

/// Command-line options.
#[derive(Debug, Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:50052")]
    listen: SocketAddr,
}

/// The echo service: no state.
#[derive(Clone, Copy, Debug, Default)]
struct Echo;

#[tonic::async_trait]
impl TextAnalysisService for Echo {
    async fn normalize(
        &self,
        request: Request<pb::NormalizeRequest>,
    ) -> Result<Response<pb::NormalizeResponse>, Status> {
        let request = request.into_inner();
        Ok(Response::new(pb::NormalizeResponse {
            normalized_text: request.document.map(|d| d.content).unwrap_or_default(),
            alignment: Vec::new(),
            offset_encoding: request.offset_encoding.max(1),
        }))
    }

    async fn segment(
        &self,
        _: Request<pb::SegmentRequest>,
    ) -> Result<Response<pb::SegmentResponse>, Status> {
        Err(Status::unimplemented("echo serves Normalize only"))
    }

    async fn extract_entities(
        &self,
        _: Request<pb::ExtractEntitiesRequest>,
    ) -> Result<Response<pb::ExtractEntitiesResponse>, Status> {
        Err(Status::unimplemented("echo serves Normalize only"))
    }

    async fn analyze(
        &self,
        _: Request<pb::AnalyzeRequest>,
    ) -> Result<Response<pb::AnalyzeResponse>, Status> {
        Err(Status::unimplemented("echo serves Normalize only"))
    }

    type AnalyzeStreamStream = tokio_stream::Empty<Result<pb::AnalyzeStreamResponse, Status>>;

    async fn analyze_stream(
        &self,
        _: Request<Streaming<pb::AnalyzeStreamRequest>>,
    ) -> Result<Response<Self::AnalyzeStreamStream>, Status> {
        Err(Status::unimplemented("echo serves Normalize only"))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("echo on {}", listener.local_addr()?);
    // The same transport settings the service sets (TCP_NODELAY), nothing else.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    Server::builder()
        .add_service(TextAnalysisServiceServer::new(Echo))
        .serve_with_incoming(incoming)
        .await?;
    Ok(())
}
