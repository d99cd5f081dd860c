//! Admission of calls: the pools that bound what calls hold together, shared
//! fairly between connections, and the working-memory budget of the analyses
//! running at once.
//!
//! - Analysis permits ([`Admission::admit`]): a call takes one when its
//!   request is complete and decoded (an AnalyzeStream item when it is), and
//!   gives it back when its analysis is done; beyond the limit calls are shed
//!   at once with RESOURCE_EXHAUSTED. A call whose request never completes
//!   holds none, so headers alone (or streams that stay open) cannot take
//!   the server's capacity.
//! - Request bytes ([`FairPool`] in the observer): the bytes of request
//!   messages still being received.
//! - Working memory ([`Admission::reserve_memory`]): the analysis' estimated
//!   working memory (`arabic_text_core::memory`), reserved before the work
//!   starts: a text whose estimate is over the whole budget is refused with
//!   RESOURCE_EXHAUSTED, others wait until the running analyses leave room.
//!
//! Fairness: a connection may hold at most its share of a pool, the total
//! divided by the number of connections holding some of it (counting the one
//! asking), and never more than half of it, so one connection (or one client
//! with many calls on it) always leaves room for another.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Status;

use super::errors;
use crate::server::conn::ConnLoad;
use crate::server::metrics::{MethodLabels, Metrics};

/// Units of a pool that many connections share, each up to its share.
#[derive(Debug)]
pub struct FairPool {
    /// Units in the pool.
    total: usize,
    /// The share no connection is held below (e.g. one full request
    /// message), so a connection can always make progress when the pool has
    /// room.
    min_share: usize,
    /// Which counter of a connection's [`ConnLoad`] this pool keeps.
    held: fn(&ConnLoad) -> &AtomicUsize,
    /// Units taken, and connections holding some.
    state: Mutex<PoolState>,
}

/// The mutable part of a [`FairPool`].
#[derive(Debug, Default)]
struct PoolState {
    /// Units taken, by every connection.
    used: usize,
    /// Connections holding at least one unit.
    active: usize,
}

/// Why units were not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The pool is used up.
    Full,
    /// The connection already holds its share (the share, in units).
    OverShare(usize),
}

impl FairPool {
    /// A pool of `total` units whose per-connection counter is `held`; no
    /// connection's share is below `min_share`.
    pub fn new(total: usize, min_share: usize, held: fn(&ConnLoad) -> &AtomicUsize) -> Arc<Self> {
        Arc::new(Self {
            total,
            min_share: min_share.min(total),
            held,
            state: Mutex::new(PoolState::default()),
        })
    }

    /// The pool's size.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The share of a connection when `active` connections hold units.
    fn share(&self, active: usize) -> usize {
        (self.total / active.max(2)).max(self.min_share).max(1)
    }

    /// Locks the state (a panic while holding it cannot leave it half
    /// changed: every change is two additions).
    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds `units` to what `conn` holds, if the pool and its share allow.
    fn take(&self, conn: &ConnLoad, units: usize) -> Result<(), Refusal> {
        let mut state = self.lock();
        let held = (self.held)(conn);
        let had = held.load(Ordering::Relaxed);
        let active = state.active + usize::from(had == 0);
        let share = self.share(active);
        if state.used.saturating_add(units) > self.total {
            return Err(Refusal::Full);
        }
        if had.saturating_add(units) > share {
            return Err(Refusal::OverShare(share));
        }
        state.used += units;
        if had == 0 && units > 0 {
            state.active += 1;
        }
        held.store(had + units, Ordering::Relaxed);
        Ok(())
    }

    /// Gives back `units` that `conn` holds.
    fn give_back(&self, conn: &ConnLoad, units: usize) {
        if units == 0 {
            return;
        }
        let mut state = self.lock();
        let held = (self.held)(conn);
        let had = held.load(Ordering::Relaxed);
        let units = units.min(had);
        state.used = state.used.saturating_sub(units);
        if had == units {
            state.active = state.active.saturating_sub(1);
        }
        held.store(had - units, Ordering::Relaxed);
    }

    /// Units taken by every connection (for tests and metrics).
    pub fn used(&self) -> usize {
        self.lock().used
    }

    /// An empty share of this pool for `conn`, to grow with [`Share::grow`].
    pub fn share_for(self: &Arc<Self>, conn: Arc<ConnLoad>) -> Share {
        Share {
            pool: Arc::clone(self),
            conn,
            units: 0,
        }
    }
}

/// Units of a [`FairPool`] held by one call of a connection; given back on
/// drop.
#[derive(Debug)]
pub struct Share {
    /// The pool.
    pool: Arc<FairPool>,
    /// The connection whose share this counts against.
    conn: Arc<ConnLoad>,
    /// Units held.
    units: usize,
}

impl Share {
    /// Takes `units` more.
    pub fn grow(&mut self, units: usize) -> Result<(), Refusal> {
        self.pool.take(&self.conn, units)?;
        self.units += units;
        Ok(())
    }

    /// Gives back everything held, keeping the share for reuse.
    pub fn release(&mut self) {
        self.pool.give_back(&self.conn, self.units);
        self.units = 0;
    }

    /// Units held.
    pub fn units(&self) -> usize {
        self.units
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        self.release();
    }
}

/// The working-memory budget is counted in KiB so it fits a semaphore's
/// permits.
const MEMORY_UNIT: usize = 1024;

/// The analysis permits and the working-memory budget, with the shed counter.
#[derive(Debug)]
pub struct Admission {
    /// Permits of analysis calls in flight; `None`: no limit.
    permits: Option<Arc<FairPool>>,
    /// KiB of estimated working memory of the analyses running at once.
    memory: Arc<Semaphore>,
    /// The budget in bytes, for the refusal's message.
    memory_bytes: usize,
    /// Where shed calls are counted.
    metrics: Arc<Metrics>,
}

impl Admission {
    /// At most `max_concurrency` analysis calls at once (0: no limit) and
    /// `memory_bytes` of estimated working memory.
    pub fn new(max_concurrency: usize, memory_bytes: usize, metrics: Arc<Metrics>) -> Self {
        let units = (memory_bytes / MEMORY_UNIT).clamp(1, Semaphore::MAX_PERMITS);
        Self {
            permits: (max_concurrency > 0)
                .then(|| FairPool::new(max_concurrency, 1, |c| &c.analysis)),
            memory: Arc::new(Semaphore::new(units)),
            memory_bytes,
            metrics,
        }
    }

    /// An analysis permit for a call of `method` (a metrics label) on
    /// `conn`, or RESOURCE_EXHAUSTED with RetryInfo at once (counted as
    /// shed): the server is at capacity, or the connection holds its share.
    pub fn admit(&self, conn: &Arc<ConnLoad>, method: &str) -> Result<Option<Share>, Status> {
        let Some(pool) = &self.permits else {
            return Ok(None);
        };
        let mut share = pool.share_for(Arc::clone(conn));
        match share.grow(1) {
            Ok(()) => Ok(Some(share)),
            Err(refusal) => {
                self.metrics
                    .shed
                    .get_or_create(&MethodLabels {
                        method: method.to_owned(),
                    })
                    .inc();
                Err(match refusal {
                    Refusal::Full => errors::overloaded(pool.total()),
                    Refusal::OverShare(share) => errors::connection_share(share, pool.total()),
                })
            }
        }
    }

    /// Reserves `estimate` bytes of working memory for an analysis, waiting
    /// while running analyses hold the budget; RESOURCE_EXHAUSTED at once when
    /// the estimate alone is over the whole budget.
    pub async fn reserve_memory(&self, estimate: usize) -> Result<OwnedSemaphorePermit, Status> {
        let units = estimate.div_ceil(MEMORY_UNIT).max(1);
        let Ok(units) = u32::try_from(units) else {
            return Err(errors::working_memory_too_large(
                estimate,
                self.memory_bytes,
            ));
        };
        if units as usize > self.budget_units() {
            return Err(errors::working_memory_too_large(
                estimate,
                self.memory_bytes,
            ));
        }
        Arc::clone(&self.memory)
            .acquire_many_owned(units)
            .await
            .map_err(|_| Status::unavailable("server is shutting down"))
    }

    /// The budget in units.
    fn budget_units(&self) -> usize {
        (self.memory_bytes / MEMORY_UNIT).clamp(1, Semaphore::MAX_PERMITS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(total: usize, min_share: usize) -> Arc<FairPool> {
        FairPool::new(total, min_share, |c| &c.analysis)
    }

    #[test]
    fn a_lone_connection_takes_half_and_leaves_the_rest_to_others() {
        let pool = pool(8, 1);
        let (a, b) = (ConnLoad::detached(), ConnLoad::detached());
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut s = pool.share_for(Arc::clone(&a));
            s.grow(1).expect("within half");
            held.push(s);
        }
        let mut s = pool.share_for(Arc::clone(&a));
        assert_eq!(s.grow(1), Err(Refusal::OverShare(4)));
        for _ in 0..4 {
            let mut s = pool.share_for(Arc::clone(&b));
            s.grow(1).expect("the other half");
            held.push(s);
        }
        let c = ConnLoad::detached();
        let mut s = pool.share_for(Arc::clone(&c));
        assert_eq!(s.grow(1), Err(Refusal::Full));
        assert_eq!(pool.used(), 8);
        held.clear();
        assert_eq!(pool.used(), 0);
        assert_eq!(a.analysis.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn the_share_shrinks_as_connections_join() {
        let pool = pool(12, 1);
        let conns: Vec<_> = (0..3).map(|_| ConnLoad::detached()).collect();
        let mut held = Vec::new();
        let mut take = |c: &Arc<ConnLoad>| {
            let mut s = pool.share_for(Arc::clone(c));
            let r = s.grow(1);
            held.push(s);
            r
        };
        // Two connections hold 3 each; a third joins: the share is 12/3 = 4.
        for _ in 0..3 {
            take(&conns[0]).expect("a");
            take(&conns[1]).expect("b");
        }
        for _ in 0..4 {
            take(&conns[2]).expect("c up to its share");
        }
        assert_eq!(take(&conns[2]), Err(Refusal::OverShare(4)));
        take(&conns[0]).expect("a up to 4");
        assert_eq!(take(&conns[0]), Err(Refusal::OverShare(4)));
    }

    #[test]
    fn the_minimum_share_lets_a_full_message_through() {
        // 64 KiB of request bytes, messages of up to 16 KiB, 10 connections.
        let pool = FairPool::new(64, 16, |c| &c.request_kib);
        let conns: Vec<_> = (0..10).map(|_| ConnLoad::detached()).collect();
        let mut shares: Vec<_> = conns
            .iter()
            .map(|c| pool.share_for(Arc::clone(c)))
            .collect();
        for s in shares.iter_mut().take(3) {
            s.grow(16).expect("16 KiB each");
        }
        assert_eq!(shares[3].grow(16), Ok(()));
        assert_eq!(shares[4].grow(1), Err(Refusal::Full));
        shares[0].release();
        assert_eq!(shares[0].units(), 0);
        shares[4].grow(16).expect("room again");
    }

    #[tokio::test]
    async fn working_memory_over_the_budget_is_refused_and_the_rest_waits() {
        let admission = Admission::new(4, 10 * MEMORY_UNIT, Arc::new(Metrics::new()));
        let status = admission
            .reserve_memory(11 * MEMORY_UNIT)
            .await
            .expect_err("over the whole budget");
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        let first = admission
            .reserve_memory(6 * MEMORY_UNIT)
            .await
            .expect("fits");
        let second = admission.reserve_memory(6 * MEMORY_UNIT);
        tokio::pin!(second);
        let waited =
            tokio::time::timeout(std::time::Duration::from_millis(50), second.as_mut()).await;
        assert!(waited.is_err(), "waits while the first holds the budget");
        drop(first);
        let _admitted = second.await.expect("admitted once the first is done");
    }
}
