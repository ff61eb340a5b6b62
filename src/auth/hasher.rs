//! The bounded password-hashing pool: a fixed set of threads and a bounded
//! queue. When both are full, new work is refused at once (503) instead of
//! piling up memory and latency.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::credentials::Password;
use super::failure_time::{self, FailureTime};
use super::password::{self, HashError, Verification};
use crate::auth::random::random_token;
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
    queue: Arc<Queue>,
    cost: Argon2Cost,
    /// A real argon2id hash of a random password at the current cost:
    /// unknown users are checked against it, so they cost the same.
    dummy_hash: Arc<str>,
    in_flight: Arc<AtomicUsize>,
    totals: Arc<JobTotals>,
    failure_time: Arc<FailureTime>,
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
pub struct JobTotalsSnapshot {
    pub started: u64,
    pub wait_seconds: f64,
    pub finished: u64,
    pub run_seconds: f64,
}

impl JobTotals {
    pub fn snapshot(&self) -> JobTotalsSnapshot {
        let seconds = |micros: &AtomicU64| micros.load(Ordering::Relaxed) as f64 / 1e6;
        JobTotalsSnapshot {
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
        let dummy = Password::for_login(&random_token(32));
        let dummy_hash = password::hash(cost, &dummy)?.into();

        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: (0..workers).map(|_| Condvar::new()).collect(),
            capacity: workers + queue,
        });
        for index in 0..workers {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("latchkey-hash-{index}"))
                .spawn(move || work(&shared, index))
                .map_err(|e| HashError::new(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            queue: Arc::new(Queue(shared)),
            cost,
            dummy_hash,
            in_flight: Arc::new(AtomicUsize::new(0)),
            totals: Arc::new(JobTotals::default()),
            failure_time: Arc::default(),
        })
    }

    /// How long each kind of stored hash takes to verify.
    pub fn failure_time(&self) -> &FailureTime {
        &self.failure_time
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

    /// Whether a job offered now would find room. Only a hint (another job
    /// may take the room first), but it lets a login be turned away before
    /// it costs a database round while the pool is full, which is all the
    /// time under a login flood.
    pub fn has_room(&self) -> bool {
        self.in_flight() < self.queue.0.capacity
    }

    /// Verifies on the pool; see [`password::verify`].
    pub async fn verify(
        &self,
        password: Password,
        stored: String,
    ) -> Result<Verification, Saturated> {
        Ok(self.verify_timed(password, stored).await?.0)
    }

    /// [`Hasher::verify`], also telling how long the verification itself
    /// ran (not its wait in the queue); the time is recorded for its kind
    /// of hash in [`Hasher::failure_time`].
    pub async fn verify_timed(
        &self,
        password: Password,
        stored: String,
    ) -> Result<(Verification, Duration), Saturated> {
        let cost = self.cost;
        let times = Arc::clone(&self.failure_time);
        self.submit(move || {
            let started = Instant::now();
            let verification = password::verify(cost, &password, &stored);
            let ran = started.elapsed();
            // The upgrade's hashing is not verification time.
            if matches!(verification, Verification::Mismatch) {
                times.observe(failure_time::kind_of(&stored), ran);
            }
            (verification, ran)
        })
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
        let counted = InFlight::count(&self.in_flight);
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
            drop(counted);
            let _ = reply.send(result);
        });
        // A refused job is dropped here, and a job that panics is unwound
        // on its worker: either way its count goes with it.
        self.queue.0.offer(job)?;
        answer.await.map_err(|_| Saturated)
    }
}

/// One job counted in [`Hasher::in_flight`] until this is dropped.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn count(in_flight: &Arc<AtomicUsize>) -> Self {
        in_flight.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(in_flight))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
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
///
/// Measured again (issue 22) on 2 other cores, SQLite, 8 s a run: the
/// fair split is `/users/me` closed-loop at 64 connections beside 16
/// clients logging in (both targets: half of what each does alone, 10,300
/// rps and 51 logins/s); the open loop is `/users/me` at half its capacity
/// (10,000-12,000 req/s) beside 8 and 64 login clients.
///
/// | nice | fair split: rps, logins/s | open loop p99: alone, beside 8, beside 64 |
/// | ---- | ------------------------- | ----------------------------------------- |
/// | 0    | 5,386, 66.5               | 6.6 ms, 3.9 s, 4.2 s                      |
/// | 5    | 10,394, 59.4              | 9.8 ms, 996 ms, 755 ms                    |
/// | 10   | 14,868, 49.3              | 4.6 ms, 205 ms, 184 ms                    |
/// | 19   | 17,341, 29.8              | 8.9 ms, 141 ms, 91 ms                     |
///
/// Only 5 meets both halves of the fair split, barely. No niceness keeps
/// the open loop's p99 near 5 ms beside a flood, even at 19 where logins
/// get little CPU: the load generator shares the two cores, and argon2's
/// 19 MiB per hash evicts the caches of whatever runs beside it (our
/// reading; not profiled). One hashing worker at nice 19 gave 16 ms beside
/// 8 clients and 118 ms beside 64, with 20 logins/s and thousands of 503s.
///
/// Since sessions are remembered (`crate::auth::live_sessions`),
/// `/users/me` needs no database hop and serves 57,000-60,000 rps alone,
/// so in the fair split it keeps the cores busy where it used to wait.
/// Measured once more, SQLite, 8 s a run (targets: 29,000 rps and 54
/// logins/s):
///
/// | nice | fair split: rps, logins/s |
/// | ---- | ------------------------- |
/// | 0    | 30,018, 40.0              |
/// | 2    | 35,506, 36.2              |
/// | 5    | 42,937, 28.6              |
///
/// No niceness meets both halves now: giving hashing more than the
/// requests' share would need a negative niceness, which an unprivileged
/// service cannot take, and would undo what isolation gained. 5 stays.
///
/// Other scheduling classes, tried from outside the process on a faster
/// machine (2 cores, kernel 6.18, SQLite, 12 s a run; `/users/me` alone:
/// 72,789 rps closed-loop, so the open loop runs at 36,000 req/s; fair
/// split targets 36,400 rps and 73 logins/s):
///
/// | hashing threads            | open loop p99: alone, beside 8, beside 64 | fair split: rps, logins/s |
/// | -------------------------- | ----------------------------------------- | ------------------------- |
/// | nice 5 (this constant)     | 2.1 ms, 22 ms, 31 ms                      | 48,049, 55.4              |
/// | `SCHED_IDLE`               | 2.5 ms, 4.3 ms, 4.6 ms                    | 62,302, 32.2              |
/// | `SCHED_BATCH`, nice 5      | 2.6 ms, 101 ms, 50 ms                     | 44,028, 49.4              |
/// | nice 5, 0.1 ms slice       | 1.8 ms, 82 ms, 27 ms                      | 50,027, 55.7              |
/// | idle, nice 5 when starved  | 1.6 ms, 11 ms, 28 ms                      | 45,102, 50.8              |
///
/// Only `SCHED_IDLE` isolates: the kernel lets a woken request thread
/// preempt an idle-class thread at once, whereas a nice-0 thread that has
/// served many requests waits for its fair share behind hashing of any
/// niceness. But it costs two fifths of the logins once requests keep
/// both cores busy, and on a host whose CPU is taken by anything else it
/// could stall them for seconds: for a login service, worse than a slower
/// `/users/me`. The last row switched a thread to nice 5 while it got
/// under 40% of a core over 20 ms; the shares of the two loads overlap at
/// any window tried (20 ms to 1 s), so it switched in the open loop too.
/// Switching back from `SCHED_IDLE` also needs `RLIMIT_NICE` or
/// `CAP_SYS_NICE`.
const HASHING_NICENESS: i32 = 5;

/// How long a hashing thread keeps its argon2 memory (19 MiB at the
/// default cost) with no job to run, once logins follow one another: a
/// job that arrives within this time of the last makes its worker keep
/// the memory, so a stream of logins (even one client at a time) pays no
/// page faults. A lone login, the first after a pause, gives it back as
/// soon as it is done: a server with a login now and then never sits on
/// it. Allocating it afresh costs about a millisecond, which a stream pays
/// once, on its second login.
const KEEP_MEMORY_WHILE_IDLE: Duration = Duration::from_secs(1);

/// The jobs and the idle workers, shared by the pool's threads.
struct Shared {
    state: Mutex<State>,
    /// One per worker: its idle wait ends when `offer` picks it.
    wake: Vec<Condvar>,
    /// Jobs that may be queued or running at once.
    capacity: usize,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    running: usize,
    /// Idle workers, the one that finished last on top.
    idle: Vec<usize>,
    closed: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `job` and wakes the worker that went idle last: its core's
    /// cache still holds much of its argon2 memory. Woken in turns (as
    /// with a shared channel), two workers ran each verification 7-18%
    /// slower than one worker running them all (2 cores, one login at a
    /// time, measured over several runs).
    fn offer(&self, job: Job) -> Result<(), Saturated> {
        let mut state = self.lock();
        if state.closed || state.jobs.len() + state.running >= self.capacity {
            return Err(Saturated);
        }
        state.jobs.push_back(job);
        if let Some(worker) = state.idle.pop() {
            self.wake[worker].notify_one();
        }
        Ok(())
    }
}

/// Closes the pool when the last [`Hasher`] clone is dropped: the workers
/// finish the queued jobs and exit.
struct Queue(Arc<Shared>);

impl Drop for Queue {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.closed = true;
        state.idle.clear();
        drop(state);
        for wake in &self.0.wake {
            wake.notify_all();
        }
    }
}

fn work(shared: &Shared, index: usize) {
    // Without this, a login flood that keeps every core hashing makes each
    // request wait for the end of a time slice. Best effort: where the
    // call is refused, hashing still works.
    let thread = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(thread), HASHING_NICENESS) {
        tracing::debug!(error = %e, "could not lower the priority of a hashing thread");
    }
    // When this worker last finished a job, and whether the job it ran
    // last came alone (not within `KEEP_MEMORY_WHILE_IDLE` of the one
    // before), so that its memory goes back as soon as nothing is queued.
    let mut last_finished: Option<Instant> = None;
    let mut came_alone = false;
    let mut state = shared.lock();
    loop {
        if let Some(job) = state.jobs.pop_front() {
            came_alone = last_finished.is_none_or(|at| at.elapsed() >= KEEP_MEMORY_WHILE_IDLE);
            state.running += 1;
            // Never hold the lock while a job runs.
            drop(state);
            // A panic (a bug) costs its request a 503, not a worker.
            if std::panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                tracing::error!("a password hashing job panicked");
            }
            last_finished = Some(Instant::now());
            state = shared.lock();
            state.running -= 1;
        } else if state.closed {
            return;
        } else if came_alone {
            came_alone = false;
            drop(state);
            password::release_kept_memory();
            // A job queued meanwhile is found at the top of the loop.
            state = shared.lock();
        } else {
            state.idle.push(index);
            let (guard, waited) = shared.wake[index]
                .wait_timeout_while(state, KEEP_MEMORY_WHILE_IDLE, |s| s.idle.contains(&index))
                .unwrap_or_else(PoisonError::into_inner);
            state = guard;
            if waited.timed_out() && state.idle.contains(&index) {
                drop(state);
                password::release_kept_memory();
                // Picked meanwhile, it finds itself out of `idle` at once.
                state = shared.wake[index]
                    .wait_while(shared.lock(), |s| s.idle.contains(&index))
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::password::CHEAP;

    fn worker_name() -> String {
        std::thread::current().name().unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn one_job_at_a_time_keeps_going_to_the_worker_that_ran_the_last() {
        let hasher = Hasher::start(3, 4, CHEAP).expect("start");
        // As between two logins: the worker that answered is idle again.
        let all_idle = || async {
            while hasher.queue.0.lock().idle.len() < 3 {
                tokio::task::yield_now().await;
            }
        };
        all_idle().await;
        let first = hasher.submit(worker_name).await.expect("admitted");
        for _ in 0..20 {
            all_idle().await;
            assert_eq!(hasher.submit(worker_name).await.expect("admitted"), first);
        }
    }

    #[tokio::test]
    async fn beyond_workers_plus_queue_jobs_are_refused_at_once() {
        let hasher = Hasher::start(2, 3, CHEAP).expect("start");
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let blocked = Arc::new(Mutex::new(blocked));
        let mut admitted = Vec::new();
        for _ in 0..5 {
            let blocked = Arc::clone(&blocked);
            let hasher = hasher.clone();
            admitted.push(tokio::spawn(async move {
                hasher
                    .submit(move || {
                        let _ = blocked.lock().map(|b| b.recv());
                    })
                    .await
            }));
        }
        while hasher.in_flight() < 5 {
            tokio::task::yield_now().await;
        }
        assert!(
            hasher.submit(|| ()).await.is_err(),
            "a sixth job is refused"
        );
        assert!(!hasher.has_room(), "and the pool says so beforehand");
        for _ in 0..5 {
            release.send(()).expect("release a job");
        }
        for job in admitted {
            assert!(job.await.expect("task").is_ok());
        }
        assert!(hasher.has_room());
        assert!(
            hasher.submit(|| ()).await.is_ok(),
            "room again once they ran"
        );
    }

    #[tokio::test]
    async fn a_job_that_panics_is_refused_and_takes_neither_a_worker_nor_a_slot() {
        // Without a worker left, a job would wait for ever: bound each wait.
        async fn within<T>(job: impl Future<Output = T>) -> T {
            tokio::time::timeout(std::time::Duration::from_secs(10), job)
                .await
                .expect("answered within 10 s")
        }
        let hasher = Hasher::start(1, 1, CHEAP).expect("start");
        for _ in 0..3 {
            let panicked = within(hasher.submit(|| panic!("a bug in a hashing job"))).await;
            assert!(panicked.is_err());
        }
        assert_eq!(hasher.in_flight(), 0);
        let name = within(hasher.submit(worker_name)).await;
        assert_eq!(name.ok().as_deref(), Some("latchkey-hash-0"));
    }

    /// Runs a login on `hasher`'s one worker, and waits until that worker
    /// is idle again (as between two logins of one client).
    async fn login_and_wait_for_idle(hasher: &Hasher, stored: &str) {
        let verified = hasher
            .verify(Password::for_login("secret"), stored.to_owned())
            .await;
        assert!(matches!(verified, Ok(Verification::Match { .. })));
        while hasher.queue.0.lock().idle.is_empty() {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_lone_login_gives_its_argon2_memory_back_at_once() {
        let hasher = Hasher::start(1, 1, CHEAP).expect("start");
        let stored = password::hash(CHEAP, &Password::for_login("secret")).expect("hash");
        login_and_wait_for_idle(&hasher, &stored).await;
        // A second job right after the first is itself in a stream, so
        // it does not give anything back before it reads the count.
        let kept = hasher.submit(password::kept_memory_blocks).await;
        assert_eq!(kept.expect("admitted"), 0, "nothing kept after one login");
    }

    #[tokio::test]
    async fn logins_in_a_stream_keep_argon2_memory_until_a_pause() {
        let hasher = Hasher::start(1, 1, CHEAP).expect("start");
        let stored = password::hash(CHEAP, &Password::for_login("secret")).expect("hash");
        login_and_wait_for_idle(&hasher, &stored).await;
        login_and_wait_for_idle(&hasher, &stored).await;
        let kept = hasher.submit(password::kept_memory_blocks).await;
        assert!(kept.expect("admitted") > 0, "kept between logins");

        tokio::time::sleep(KEEP_MEMORY_WHILE_IDLE + Duration::from_millis(500)).await;
        let kept = hasher.submit(password::kept_memory_blocks).await;
        assert_eq!(kept.expect("admitted"), 0, "given back after a pause");
    }
}
