//! The `TextAnalysisService` implementation and the one path every call takes:
//! observed by the observer layer ([`super::observe`]), validated by
//! [`super::request`], admitted once its request is complete (an analysis
//! permit, then its estimated working memory: [`super::admission`]), run
//! inline or on the bounded blocking pool (by its work), answered by
//! [`super::response`] within the response budget. The unary RPCs share one
//! generic helper (`TextAnalysis::unary`); AnalyzeStream runs each item
//! through the same validation, admission and execution. Nothing a caller
//! sends makes it panic or answer INTERNAL.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use tokio::sync::Semaphore;
use tonic::{Request, Response, Status, Streaming};

use super::admission::Admission;
use super::deadline::deadline;
use super::errors;
use super::observe::HeldResponse;
use super::request::{
    self, AnalyzeCall, EntitiesCall, Limits, NormalizeCall, SegmentCall, Violations,
};
use super::response::{self, InvalidSpan};
use super::stream::{self, AnalyzeItem, Answers};
use crate::pb;
use crate::pb::text_analysis_service_server::TextAnalysisService;
use crate::server::conn::{ConnInfo, ConnLoad};
use crate::server::metrics::Metrics;
use arabic_text_core::Analyzer;
use arabic_text_core::entities::gazetteer;
use arabic_text_core::memory;

/// Tuning of the service, from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct ServiceOptions {
    /// Request limits.
    pub limits: Limits,
    /// Documents at least this long (bytes) run on the blocking pool.
    pub blocking_threshold_bytes: usize,
    /// Most documents analysed at once on the blocking pool.
    pub blocking_threads: usize,
    /// Largest encoded response of one call or stream item (bytes); bigger
    /// ones get RESOURCE_EXHAUSTED: bounds the memory one call can hold.
    pub max_response_bytes: usize,
    /// Memory (bytes of encoded responses) that responses (unary, and
    /// AnalyzeStream items) not yet read by their callers may hold together;
    /// beyond it calls get RESOURCE_EXHAUSTED with RetryInfo until readers
    /// catch up.
    pub response_budget_bytes: usize,
    /// Most calls (or stream items) being analysed at once; 0: no limit.
    pub max_concurrency: usize,
    /// Estimated working memory of the analyses running at once (bytes).
    pub work_budget_bytes: usize,
}

/// The response budget is counted in KiB so it fits a semaphore's permits.
const BUDGET_UNIT: usize = 1024;

/// A validated call: how much text it carries and how it runs (the analyzer,
/// then the response). Implemented by each RPC's call type of
/// [`super::request`]; also what `arabic-text local` runs.
pub trait Call: Send + 'static {
    /// The response message.
    type Response: prost::Message + Send + 'static;

    /// The RPC, as the metrics' `method` label names it.
    const METHOD: &'static str;

    /// The caller's document, which every call analyses.
    fn text(&self) -> &str;

    /// The document's length in bytes: counted in the metrics.
    fn text_len(&self) -> usize {
        self.text().len()
    }

    /// The estimated working memory of [`Call::run`] (bytes), reserved
    /// before it starts: analysis' bound (`memory::working_memory_estimate`)
    /// unless the call does less.
    fn working_memory(&self) -> usize {
        memory::working_memory_estimate(self.text())
    }

    /// An estimate of the call's work in text-byte equivalents, compared
    /// with the blocking threshold (inline or on the pool): the text, plus
    /// the request gazetteer's size where the call extracts entities.
    fn work(&self) -> usize {
        self.text_len()
    }

    /// Runs the analyzer on the call and builds its response.
    fn run(&self, analyzer: &Analyzer) -> Result<Self::Response, InvalidSpan>;
}

impl Call for NormalizeCall {
    type Response = pb::NormalizeResponse;

    const METHOD: &'static str = "arabic.text.v1.TextAnalysisService/Normalize";

    fn text(&self) -> &str {
        &self.text
    }

    fn working_memory(&self) -> usize {
        memory::normalize_memory_estimate(&self.text)
    }

    fn run(&self, analyzer: &Analyzer) -> Result<Self::Response, InvalidSpan> {
        let normalized = analyzer.normalize(&self.text, &self.options);
        response::normalize_response(&self.text, &normalized, self.unit)
    }
}

impl Call for SegmentCall {
    type Response = pb::SegmentResponse;

    const METHOD: &'static str = "arabic.text.v1.TextAnalysisService/Segment";

    fn text(&self) -> &str {
        &self.text
    }

    fn run(&self, analyzer: &Analyzer) -> Result<Self::Response, InvalidSpan> {
        let seg = analyzer.segment(&self.text, &self.options);
        response::segment_response(&self.text, &seg, &self.normalize, self.unit, self.detail)
    }
}

impl Call for EntitiesCall {
    type Response = pb::ExtractEntitiesResponse;

    const METHOD: &'static str = "arabic.text.v1.TextAnalysisService/ExtractEntities";

    fn text(&self) -> &str {
        &self.text
    }

    fn work(&self) -> usize {
        gazetteer::work_estimate(self.text.len(), &self.options.gazetteer)
    }

    fn run(&self, analyzer: &Analyzer) -> Result<Self::Response, InvalidSpan> {
        let found = analyzer.extract_entities(&self.text, &self.options);
        response::entities_response(&self.text, &found, self.unit)
    }
}

impl Call for AnalyzeCall {
    type Response = pb::AnalyzeResponse;

    const METHOD: &'static str = "arabic.text.v1.TextAnalysisService/Analyze";

    fn text(&self) -> &str {
        &self.text
    }

    fn work(&self) -> usize {
        gazetteer::work_estimate(self.text.len(), &self.options.entities.gazetteer)
    }

    fn run(&self, analyzer: &Analyzer) -> Result<Self::Response, InvalidSpan> {
        let analysis = analyzer.analyze(&self.text, &self.options);
        response::analyze_response(
            &self.text,
            &analysis,
            &self.options.normalize,
            self.unit,
            self.detail,
        )
    }
}

/// Validates a request message into its call, given the limits.
type Validate<Req, C> = fn(Req, Limits) -> Result<C, Violations>;

/// What running a call costs, known before it runs.
#[derive(Clone, Copy, Debug)]
pub struct Work {
    /// The document's length in bytes (metrics).
    pub text_len: usize,
    /// Text-byte equivalents, compared with the blocking threshold.
    pub cost: usize,
    /// Estimated working memory in bytes, reserved before the work.
    pub memory: usize,
}

impl Work {
    /// The cost of `call`.
    fn of<C: Call>(call: &C) -> Self {
        Self {
            text_len: call.text_len(),
            cost: call.work(),
            memory: call.working_memory(),
        }
    }
}

/// What a request's connection holds of the shared limits (a connection of
/// its own when the request did not come through the connection layer).
fn conn_load<T>(request: &Request<T>) -> Arc<ConnLoad> {
    request
        .extensions()
        .get::<ConnInfo>()
        .map_or_else(ConnLoad::detached, |c| Arc::clone(&c.load))
}

/// State shared by every call.
#[derive(Debug)]
struct Shared {
    /// The analyzer, set once the models are loaded (readiness).
    analyzer: Arc<OnceLock<Arc<Analyzer>>>,
    /// Tuning.
    options: ServiceOptions,
    /// Permits for blocking-pool work: bounds the CPU given to big documents.
    blocking: Arc<Semaphore>,
    /// KiB of encoded responses that may wait to be read.
    response_budget: Arc<Semaphore>,
    /// Analysis permits and the working-memory budget.
    admission: Admission,
    /// Metrics (bytes analysed).
    metrics: Arc<Metrics>,
}

/// The gRPC service; cheap to clone.
#[derive(Clone, Debug)]
pub struct TextAnalysis {
    /// Shared state.
    shared: Arc<Shared>,
}

impl TextAnalysis {
    /// A service whose analyzer appears in `analyzer` once loaded; calls before
    /// that get UNAVAILABLE.
    pub fn new(
        analyzer: Arc<OnceLock<Arc<Analyzer>>>,
        options: ServiceOptions,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                analyzer,
                blocking: Arc::new(Semaphore::new(options.blocking_threads.max(1))),
                response_budget: Arc::new(Semaphore::new(
                    (options.response_budget_bytes / BUDGET_UNIT).clamp(1, Semaphore::MAX_PERMITS),
                )),
                admission: Admission::new(
                    options.max_concurrency,
                    options.work_budget_bytes,
                    Arc::clone(&metrics),
                ),
                options,
                metrics,
            }),
        }
    }

    /// Runs `work` on `call` once its estimated working memory is reserved
    /// (RESOURCE_EXHAUSTED if it is over the whole budget): inline when its
    /// cost (text and request gazetteer, see [`Call::work`]) is small, on the
    /// bounded blocking pool otherwise; panics become INTERNAL, an expired
    /// deadline stops the work before it starts.
    async fn execute<C, R>(
        &self,
        call: C,
        cost: Work,
        deadline: Option<Instant>,
        work: fn(&C, &Analyzer) -> Result<R, InvalidSpan>,
    ) -> Result<R, Status>
    where
        C: Send + 'static,
        R: Send + 'static,
    {
        let analyzer = Arc::clone(self.shared.analyzer.get().ok_or_else(errors::not_ready)?);
        // Held until the work is done; waiting is cancellation-safe.
        let _memory = self.shared.admission.reserve_memory(cost.memory).await?;
        self.shared.metrics.text_bytes.inc_by(cost.text_len as u64);
        let expired = move || deadline.is_some_and(|d| Instant::now() >= d);
        let outcome = if cost.cost < self.shared.options.blocking_threshold_bytes {
            std::panic::catch_unwind(AssertUnwindSafe(|| work(&call, &analyzer)))
                .map_err(|p| errors::internal_panic(errors::panic_message(&*p)))?
        } else {
            // Waiting for a permit is cancellation-safe: if the deadline fires
            // (tonic drops this future) the queued work never starts.
            let permit = Arc::clone(&self.shared.blocking)
                .acquire_owned()
                .await
                .map_err(|_| Status::unavailable("server is shutting down"))?;
            let task = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                if expired() {
                    return None;
                }
                Some(work(&call, &analyzer))
            });
            match task.await {
                Ok(Some(outcome)) => outcome,
                Ok(None) => return Err(errors::deadline_exceeded()),
                Err(e) if e.is_panic() => {
                    let payload = e.into_panic();
                    return Err(errors::internal_panic(errors::panic_message(&*payload)));
                }
                Err(_) => return Err(Status::cancelled("analysis task cancelled")),
            }
        };
        outcome.map_err(|e| errors::internal_span(&e))
    }

    /// The flow of every unary RPC: validate the request (INVALID_ARGUMENT
    /// with every violation), take an analysis permit (the request is
    /// complete now), run the call inline or on the pool, respond within the
    /// response budget.
    async fn unary<Req, C: Call>(
        &self,
        request: Request<Req>,
        validate: Validate<Req, C>,
    ) -> Result<Response<C::Response>, Status> {
        let deadline = deadline(&request);
        let conn = conn_load(&request);
        let call = validate(request.into_inner(), self.shared.options.limits)
            .map_err(|v| errors::invalid_argument(&v))?;
        let permit = self.shared.admission.admit(&conn, C::METHOD)?;
        let work = Work::of(&call);
        let message = self.execute(call, work, deadline, C::run).await?;
        drop(permit);
        let held = self.hold_response(&message)?;
        let mut response = Response::new(message);
        response.extensions_mut().insert(held);
        Ok(response)
    }

    /// The share of the response budget `message` holds until its last byte
    /// is handed to HTTP/2, or RESOURCE_EXHAUSTED: over the per-call limit,
    /// or the budget is held by responses not yet read.
    fn hold_response<M: prost::Message>(&self, message: &M) -> Result<HeldResponse, Status> {
        let size = self.check_response_size(message)?;
        let units = u32::try_from(size.div_ceil(BUDGET_UNIT).max(1)).unwrap_or(u32::MAX);
        let permit = Arc::clone(&self.shared.response_budget)
            .try_acquire_many_owned(units)
            .map_err(|_| errors::response_budget_exhausted(size))?;
        Ok(HeldResponse(Arc::new(permit)))
    }

    /// The encoded size of `message`, or RESOURCE_EXHAUSTED when it is over
    /// the per-call response limit.
    fn check_response_size<M: prost::Message>(&self, message: &M) -> Result<usize, Status> {
        let size = message.encoded_len();
        let limit = self.shared.options.max_response_bytes;
        if size > limit {
            return Err(errors::response_too_large(size, limit));
        }
        Ok(size)
    }
}

impl AnalyzeItem for TextAnalysis {
    /// Validates, admits and runs one AnalyzeStream item as a unary Analyze
    /// would be (its own analysis permit, taken now that the item is
    /// complete, and its share of the response budget); `prefix` is
    /// prepended to the field paths of its violations.
    async fn analyze_item(
        &self,
        request: pb::AnalyzeRequest,
        prefix: &'static str,
        deadline: Option<Instant>,
        conn: Arc<ConnLoad>,
    ) -> Result<(pb::AnalyzeResponse, HeldResponse), Status> {
        let call = request::analyze_request(request, self.shared.options.limits, prefix)
            .map_err(|v| errors::invalid_argument(&v))?;
        let permit = self
            .shared
            .admission
            .admit(&conn, "arabic.text.v1.TextAnalysisService/AnalyzeStream")?;
        let work = Work::of(&call);
        let response = self.execute(call, work, deadline, AnalyzeCall::run).await?;
        drop(permit);
        let held = self.hold_response(&response)?;
        Ok((response, held))
    }
}

#[tonic::async_trait]
impl TextAnalysisService for TextAnalysis {
    async fn normalize(
        &self,
        request: Request<pb::NormalizeRequest>,
    ) -> Result<Response<pb::NormalizeResponse>, Status> {
        self.unary(request, request::normalize_request).await
    }

    async fn segment(
        &self,
        request: Request<pb::SegmentRequest>,
    ) -> Result<Response<pb::SegmentResponse>, Status> {
        self.unary(request, request::segment_request).await
    }

    async fn extract_entities(
        &self,
        request: Request<pb::ExtractEntitiesRequest>,
    ) -> Result<Response<pb::ExtractEntitiesResponse>, Status> {
        self.unary(request, request::entities_request).await
    }

    async fn analyze(
        &self,
        request: Request<pb::AnalyzeRequest>,
    ) -> Result<Response<pb::AnalyzeResponse>, Status> {
        self.unary(request, |r, limits| request::analyze_request(r, limits, ""))
            .await
    }

    type AnalyzeStreamStream = Answers;

    async fn analyze_stream(
        &self,
        request: Request<Streaming<pb::AnalyzeStreamRequest>>,
    ) -> Result<Response<Self::AnalyzeStreamStream>, Status> {
        let conn = conn_load(&request);
        Ok(Response::new(stream::analyze_stream(
            self.clone(),
            request,
            conn,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arabic_text_core::AnalyzeOptions;
    use arabic_text_core::normalize::NormalizeOptions;
    use arabic_text_core::offsets::OffsetUnit;
    use arabic_text_core::segment::SegmentOptions;
    use proptest::prelude::*;

    fn service(blocking_threshold_bytes: usize) -> TextAnalysis {
        let cell = Arc::new(OnceLock::new());
        let _ = cell.set(Arc::new(Analyzer::embedded().expect("models")));
        TextAnalysis::new(
            cell,
            ServiceOptions {
                limits: Limits {
                    max_text_bytes: 1 << 20,
                },
                blocking_threshold_bytes,
                blocking_threads: 1,
                max_response_bytes: 1 << 20,
                response_budget_bytes: 1 << 20,
                max_concurrency: 4,
                work_budget_bytes: 1 << 30,
            },
            Arc::new(Metrics::new()),
        )
    }

    /// The cost of a test call on a text of `n` bytes.
    fn work(n: usize) -> Work {
        Work {
            text_len: n,
            cost: n,
            memory: n,
        }
    }

    fn boom(_: &String, _: &Analyzer) -> Result<u8, InvalidSpan> {
        panic!("analyzer bug")
    }

    #[allow(clippy::ptr_arg)] // the call type here is String
    fn answer(text: &String, _: &Analyzer) -> Result<usize, InvalidSpan> {
        Ok(text.len())
    }

    #[tokio::test]
    async fn panics_in_analysis_become_internal_inline_and_on_the_pool() {
        for threshold in [usize::MAX, 0] {
            let status = service(threshold)
                .execute("x".to_owned(), work(1), None, boom)
                .await
                .expect_err("a panic is an error");
            assert_eq!(
                status.code(),
                tonic::Code::Internal,
                "threshold {threshold}"
            );
        }
    }

    #[tokio::test]
    async fn expired_deadlines_stop_queued_work_before_it_starts() {
        let past = Instant::now();
        let status = service(0)
            .execute("text".to_owned(), work(4), Some(past), answer)
            .await
            .expect_err("deadline passed");
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
        let later = Instant::now() + std::time::Duration::from_secs(60);
        let ok = service(0)
            .execute("text".to_owned(), work(4), Some(later), answer)
            .await;
        assert_eq!(ok.ok(), Some(4));
    }

    #[tokio::test]
    async fn calls_before_the_models_load_are_unavailable() {
        let svc = TextAnalysis::new(
            Arc::new(OnceLock::new()),
            ServiceOptions {
                limits: Limits { max_text_bytes: 10 },
                blocking_threshold_bytes: 10,
                blocking_threads: 1,
                max_response_bytes: 10,
                response_budget_bytes: 10,
                max_concurrency: 1,
                work_budget_bytes: 10,
            },
            Arc::new(Metrics::new()),
        );
        let status = svc
            .execute("t".to_owned(), work(1), None, answer)
            .await
            .expect_err("not ready");
        assert_eq!(status.code(), tonic::Code::Unavailable);
    }

    /// The offsets, in `unit`, of every char boundary of `text`.
    fn boundaries(text: &str, unit: OffsetUnit) -> std::collections::BTreeSet<u32> {
        let mut set = std::collections::BTreeSet::new();
        let mut n = 0u32;
        set.insert(0);
        for c in text.chars() {
            n += match unit {
                OffsetUnit::Utf8 => c.len_utf8() as u32,
                OffsetUnit::Utf16 => c.len_utf16() as u32,
                OffsetUnit::CodePoint => 1,
            };
            set.insert(n);
        }
        set
    }

    fn check(span: Option<pb::TextSpan>, b: &std::collections::BTreeSet<u32>) {
        let span = span.expect("every span is set");
        assert!(span.start <= span.end);
        assert!(b.contains(&span.start), "start {} off boundary", span.start);
        assert!(b.contains(&span.end), "end {} off boundary", span.end);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn analyze_offsets_are_in_bounds_and_on_boundaries_in_every_unit(text in "\\PC{0,60}|[\\u{600}-\\u{6ff} \u{1F600}\u{200c}a-z0-9.!؟]{0,80}") {
            let analyzer = Analyzer::embedded().expect("embedded models load");
            for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
                let call = AnalyzeCall {
                    text: text.clone(),
                    options: AnalyzeOptions::default(),
                    unit,
                    detail: Default::default(),
                };
                let r = call.run(&analyzer).expect("no invalid span");
                let b = boundaries(&text, unit);
                let nb = boundaries(&r.normalized_text, unit);
                for s in &r.sentences { check(s.span, &b); }
                for t in &r.tokens {
                    check(t.span, &b);
                    for s in &t.segments { check(s.span, &b); }
                }
                for e in &r.entities { for m in &e.mentions { check(m.span, &b); } }
                for a in &r.alignment { check(a.original, &b); check(a.normalized, &nb); }
                let seg = SegmentCall {
                    text: text.clone(),
                    options: SegmentOptions::default(),
                    normalize: NormalizeOptions::default(),
                    unit,
                    detail: Default::default(),
                }.run(&analyzer).expect("no invalid span");
                prop_assert_eq!(seg.tokens.len(), r.tokens.len());
                for t in &seg.tokens { check(t.span, &b); }
            }
        }
    }
}
