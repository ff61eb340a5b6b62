//! The bounded password-hashing pool: a fixed set of threads and a bounded
//! queue. When both are full, new work is refused at once (503) instead of
//! piling up memory and latency.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::credentials::Password;
use super::password::{self, HashError, Verification};
use crate::config::Argon2Cost;

type Job = Box<dyn FnOnce() + Send>;

/// All workers are busy and the queue is full.
#[derive(Debug, thiserror::Error)]
#[error("password hashing is saturated")]
pub struct Saturated;

#[derive(Debug, thiserror::Error)]
pub enum HasherError {
    #[error(transparent)]
    Saturated(#[from] Saturated),
    #[error(transparent)]
    Hash(#[from] HashError),
}

#[derive(Clone)]
pub struct Hasher {
    sender: SyncSender<Job>,
    cost: Argon2Cost,
    /// A real argon2id hash of a random password at the current cost:
    /// unknown users are checked against it, so they cost the same.
    dummy_hash: Arc<str>,
    in_flight: Arc<AtomicUsize>,
    totals: Arc<JobTotals>,
}

/// Jobs so far: how long they waited in the queue and how long they ran.
#[derive(Default)]
pub struct JobTotals {
    started: AtomicU64,
    wait_micros: AtomicU64,
    finished: AtomicU64,
    run_micros: AtomicU64,
}

/// A reading of [`JobTotals`], in seconds.
pub struct JobTotalsRead {
    pub started: u64,
    pub wait_seconds: f64,
    pub finished: u64,
    pub run_seconds: f64,
}

impl JobTotals {
    pub fn read(&self) -> JobTotalsRead {
        let seconds = |micros: &AtomicU64| micros.load(Ordering::Relaxed) as f64 / 1e6;
        JobTotalsRead {
            started: self.started.load(Ordering::Relaxed),
            wait_seconds: seconds(&self.wait_micros),
            finished: self.finished.load(Ordering::Relaxed),
            run_seconds: seconds(&self.run_micros),
        }
    }
}

fn micros_since(instant: Instant) -> u64 {
    u64::try_from(instant.elapsed().as_micros()).unwrap_or(u64::MAX)
}

impl Hasher {
    /// Starts `workers` threads with room for `queue` waiting jobs.
    pub fn start(workers: usize, queue: usize, cost: Argon2Cost) -> Result<Self, HashError> {
        let mut random = [0u8; 32];
        rand::fill(&mut random);
        let dummy = Password::for_login(&base64_encode(&random));
        let dummy_hash = password::hash(cost, &dummy)?.into();

        let (sender, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..workers {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("latchkey-hash-{index}"))
                .spawn(move || work(&receiver))
                .map_err(|e| HashError::new(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            sender,
            cost,
            dummy_hash,
            in_flight: Arc::new(AtomicUsize::new(0)),
            totals: Arc::new(JobTotals::default()),
        })
    }

    pub fn cost(&self) -> Argon2Cost {
        self.cost
    }

    pub fn dummy_hash(&self) -> &str {
        &self.dummy_hash
    }

    /// How long jobs waited for a worker and ran, in total.
    pub fn totals(&self) -> &JobTotals {
        &self.totals
    }

    /// Jobs queued or running right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Verifies on the pool; see [`password::verify`].
    pub async fn verify(
        &self,
        password: Password,
        stored: String,
    ) -> Result<Verification, Saturated> {
        let cost = self.cost;
        self.submit(move || password::verify(cost, &password, &stored))
            .await
    }

    /// Hashes a new password on the pool.
    pub async fn hash(&self, password: Password) -> Result<String, HasherError> {
        let cost = self.cost;
        Ok(self
            .submit(move || password::hash(cost, &password))
            .await??)
    }

    async fn submit<T, F>(&self, task: F) -> Result<T, Saturated>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let in_flight = Arc::clone(&self.in_flight);
        in_flight.fetch_add(1, Ordering::Relaxed);
        let totals = Arc::clone(&self.totals);
        let queued = Instant::now();
        let job: Job = Box::new(move || {
            totals
                .wait_micros
                .fetch_add(micros_since(queued), Ordering::Relaxed);
            totals.started.fetch_add(1, Ordering::Relaxed);
            let running = Instant::now();
            let result = task();
            totals
                .run_micros
                .fetch_add(micros_since(running), Ordering::Relaxed);
            totals.finished.fetch_add(1, Ordering::Relaxed);
            // Before replying: whoever sees the answer must not still see
            // this job counted.
            in_flight.fetch_sub(1, Ordering::Relaxed);
            let _ = reply.send(result);
        });
        match self.sender.try_send(job) {
            Ok(()) => answer.await.map_err(|_| Saturated),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.in_flight.fetch_sub(1, Ordering::Relaxed);
                Err(Saturated)
            }
        }
    }
}

/// How much the hashing threads defer to the threads that serve requests:
/// at nice 5 the kernel weighs them about 1 to 3. Measured on 2 cores, a
/// login flood beside `GET /users/me` at concurrency 8:
///
/// | nice | `/users/me` p99 | logins/s beside it | admitted/s, 32 clients, queue full |
/// | ---- | --------------- | ------------------ | ---------------------------------- |
/// | 0    | 9.8 ms          | 77                 | 77                                 |
/// | 5    | 5.6 ms          | 61                 | 59                                 |
/// | 10   | 4.8 ms          | 45                 | 46                                 |
///
/// 5 keeps requests quick without letting cheap 503s crowd out hashing.
const HASHING_NICENESS: i32 = 5;

fn work(receiver: &Mutex<Receiver<Job>>) {
    // Without this, a login flood that keeps every core hashing makes each
    // request wait for the end of a time slice. Best effort: where the
    // call is refused, hashing still works.
    let thread = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(thread), HASHING_NICENESS) {
        tracing::debug!(error = %e, "could not lower the priority of a hashing thread");
    }
    loop {
        // Hold the lock only while taking a job, never while running it.
        let job = match receiver.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return, // every sender dropped: the server is gone
        }
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
