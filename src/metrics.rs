//! Counters for `GET /metrics`, in the Prometheus text exposition format
//! (version 0.0.4). One [`Metrics`] lives in each server's `AppState`; there
//! is no global registry.
//!
//! Written by hand rather than with a metrics crate because what is needed
//! is small (two counters and a histogram family) and the well-kept Rust
//! client speaks OpenMetrics, not the plain text format scrapers expect.
//! Gauges (hashing jobs, pool connections) are not stored here: they are
//! read from their source at scrape time, so they cannot drift.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The Content-Type of the exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latency bucket bounds in seconds: Prometheus' defaults, which span both a
/// cached `/healthz` and a login that waits for the hashing pool.
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request that matched no route. Raw paths are never
/// labels: every scanner probing `/wp-admin/...` would add a series.
const UNMATCHED_ROUTE: &str = "unmatched";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Succeeded,
    Failed,
    /// Refused by per-account or per-address throttling, without hashing.
    Throttled,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, Histogram>>,
    logins_succeeded: AtomicU64,
    logins_failed: AtomicU64,
    logins_throttled: AtomicU64,
    refresh_reuse: AtomicU64,
    sessions_checked_in_memory: AtomicU64,
    sessions_checked_in_database: AtomicU64,
}

/// Route pattern (e.g. `/token`) and status code.
type RequestKey = (String, u16);

#[derive(Default)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last one is `+Inf`.
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    count: u64,
    sum_seconds: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let index = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[index] += 1;
        self.count += 1;
        self.sum_seconds += seconds;
    }
}

/// Values read from elsewhere at scrape time.
pub struct Gauges {
    /// Hashing jobs a worker has taken so far.
    pub hash_jobs_started: u64,
    /// Their summed wait in the queue, in seconds.
    pub hash_wait_seconds: f64,
    /// Hashing jobs finished so far.
    pub hash_jobs_finished: u64,
    /// Their summed running time, in seconds.
    pub hash_run_seconds: f64,
    /// Hashing jobs queued or running.
    pub hash_jobs: usize,
    /// Workers plus queue slots: beyond it, logins get 503.
    pub hash_capacity: usize,
    pub pool_connections: u32,
    pub pool_idle_connections: u32,
    pub pool_max_connections: u32,
}

impl Metrics {
    pub fn observe_request(&self, route: Option<&str>, status: u16, elapsed: Duration) {
        let key = (route.unwrap_or(UNMATCHED_ROUTE).to_owned(), status);
        // A panic elsewhere while holding the lock leaves the counts usable.
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        requests
            .entry(key)
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_login(&self, outcome: LoginOutcome) {
        let counter = match outcome {
            LoginOutcome::Succeeded => &self.logins_succeeded,
            LoginOutcome::Failed => &self.logins_failed,
            LoginOutcome::Throttled => &self.logins_throttled,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// A rotated refresh token presented again: its family was revoked.
    pub fn observe_refresh_reuse(&self) {
        self.refresh_reuse.fetch_add(1, Ordering::Relaxed);
    }

    /// A token's session checked: from memory (nothing changed since it was
    /// last read) or in the database.
    pub fn observe_session_check(&self, in_memory: bool) {
        let counter = if in_memory {
            &self.sessions_checked_in_memory
        } else {
            &self.sessions_checked_in_database
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The whole exposition, metric families in a fixed order.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        out.push_str(concat!(
            "# HELP latchkey_build_info The running latchkey version; always 1.\n",
            "# TYPE latchkey_build_info gauge\n",
        ));
        let _ = writeln!(
            out,
            "latchkey_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        self.render_requests(&mut out);
        self.render_logins(&mut out);
        self.render_session_checks(&mut out);
        render_gauges(&mut out, gauges);
        out
    }

    fn render_requests(&self, out: &mut String) {
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(concat!(
            "# HELP latchkey_http_requests_total HTTP requests answered, by route pattern and status.\n",
            "# TYPE latchkey_http_requests_total counter\n",
        ));
        for ((route, status), histogram) in requests.iter() {
            let labels = format!("route=\"{}\",status=\"{status}\"", escape(route));
            let _ = writeln!(
                out,
                "latchkey_http_requests_total{{{labels}}} {}",
                histogram.count
            );
        }
        out.push_str(concat!(
            "# HELP latchkey_http_request_duration_seconds Time from receiving a request to its response, by route pattern and status.\n",
            "# TYPE latchkey_http_request_duration_seconds histogram\n",
        ));
        for ((route, status), histogram) in requests.iter() {
            let labels = format!("route=\"{}\",status=\"{status}\"", escape(route));
            let mut cumulative = 0;
            for (bound, count) in LATENCY_BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "latchkey_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "latchkey_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "latchkey_http_request_duration_seconds_sum{{{labels}}} {}",
                histogram.sum_seconds
            );
            let _ = writeln!(
                out,
                "latchkey_http_request_duration_seconds_count{{{labels}}} {}",
                histogram.count
            );
        }
    }

    fn render_logins(&self, out: &mut String) {
        render_labelled_counters(
            out,
            "latchkey_logins_total",
            "Password logins, by result (failed: wrong email or password, or a disabled user; throttled: refused unhashed).",
            "result",
            &[
                ("succeeded", &self.logins_succeeded),
                ("failed", &self.logins_failed),
                ("throttled", &self.logins_throttled),
            ],
        );
        let _ = write!(
            out,
            concat!(
                "# HELP latchkey_refresh_reuse_detected_total Rotated refresh tokens presented again (each revoked its session).\n",
                "# TYPE latchkey_refresh_reuse_detected_total counter\n",
                "latchkey_refresh_reuse_detected_total {}\n",
            ),
            self.refresh_reuse.load(Ordering::Relaxed)
        );
    }

    fn render_session_checks(&self, out: &mut String) {
        render_labelled_counters(
            out,
            "latchkey_session_checks_total",
            "Tokens whose session and user were checked, by where (memory: unchanged since the database last said so).",
            "source",
            &[
                ("memory", &self.sessions_checked_in_memory),
                ("database", &self.sessions_checked_in_database),
            ],
        );
    }
}

/// One counter family with one label: its HELP and TYPE lines, then a line
/// per value of the label.
fn render_labelled_counters(
    out: &mut String,
    name: &str,
    help: &str,
    label: &str,
    counters: &[(&str, &AtomicU64)],
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (value, counter) in counters {
        let _ = writeln!(
            out,
            "{name}{{{label}=\"{value}\"}} {}",
            counter.load(Ordering::Relaxed)
        );
    }
}

fn render_gauges(out: &mut String, gauges: &Gauges) {
    let in_use = gauges
        .pool_connections
        .saturating_sub(gauges.pool_idle_connections);
    let _ = write!(
        out,
        concat!(
            "# HELP latchkey_password_hash_jobs Password hashing jobs queued or running.\n",
            "# TYPE latchkey_password_hash_jobs gauge\n",
            "latchkey_password_hash_jobs {}\n",
            "# HELP latchkey_password_hash_capacity Hashing jobs that may be queued or running at once; beyond it logins get 503.\n",
            "# TYPE latchkey_password_hash_capacity gauge\n",
            "latchkey_password_hash_capacity {}\n",
            "# HELP latchkey_db_pool_connections Open database connections in the pool, by state.\n",
            "# TYPE latchkey_db_pool_connections gauge\n",
            "latchkey_db_pool_connections{{state=\"idle\"}} {}\n",
            "latchkey_db_pool_connections{{state=\"in_use\"}} {}\n",
            "# HELP latchkey_db_pool_max_connections The most connections the pool opens.\n",
            "# TYPE latchkey_db_pool_max_connections gauge\n",
            "latchkey_db_pool_max_connections {}\n",
        ),
        gauges.hash_jobs,
        gauges.hash_capacity,
        gauges.pool_idle_connections,
        in_use,
        gauges.pool_max_connections,
    );
    let _ = write!(
        out,
        concat!(
            "# HELP latchkey_password_hash_queue_wait_seconds Time hashing jobs waited for a worker.\n",
            "# TYPE latchkey_password_hash_queue_wait_seconds summary\n",
            "latchkey_password_hash_queue_wait_seconds_sum {}\n",
            "latchkey_password_hash_queue_wait_seconds_count {}\n",
            "# HELP latchkey_password_hash_seconds Time hashing jobs ran (one argon2 or bcrypt verification, or a new hash, each).\n",
            "# TYPE latchkey_password_hash_seconds summary\n",
            "latchkey_password_hash_seconds_sum {}\n",
            "latchkey_password_hash_seconds_count {}\n",
        ),
        gauges.hash_wait_seconds,
        gauges.hash_jobs_started,
        gauges.hash_run_seconds,
        gauges.hash_jobs_finished,
    );
}

/// Label values are route patterns we define, but escape anyway so a
/// pattern with a quote can never break the format.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauges() -> Gauges {
        Gauges {
            hash_jobs_started: 7,
            hash_wait_seconds: 0.25,
            hash_jobs_finished: 6,
            hash_run_seconds: 0.125,
            hash_jobs: 3,
            hash_capacity: 10,
            pool_connections: 4,
            pool_idle_connections: 1,
            pool_max_connections: 8,
        }
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_in_the_count() {
        let metrics = Metrics::default();
        for ms in [1, 20, 20, 700, 30_000] {
            metrics.observe_request(Some("/token"), 200, Duration::from_millis(ms));
        }
        let text = metrics.render(&gauges());
        let bucket = |le: &str| {
            let prefix = format!(
                "latchkey_http_request_duration_seconds_bucket{{route=\"/token\",status=\"200\",le=\"{le}\"}} "
            );
            text.lines()
                .find_map(|l| l.strip_prefix(&prefix))
                .unwrap_or_else(|| panic!("no bucket le={le} in\n{text}"))
                .to_owned()
        };
        assert_eq!(bucket("0.005"), "1");
        assert_eq!(bucket("0.025"), "3");
        assert_eq!(bucket("0.5"), "3");
        assert_eq!(bucket("1"), "4");
        assert_eq!(bucket("10"), "4");
        assert_eq!(bucket("+Inf"), "5");
        assert!(text.contains(
            "latchkey_http_request_duration_seconds_count{route=\"/token\",status=\"200\"} 5\n"
        ));
        assert!(text.contains("latchkey_http_requests_total{route=\"/token\",status=\"200\"} 5\n"));
    }

    #[test]
    fn unmatched_requests_share_one_label() {
        let metrics = Metrics::default();
        metrics.observe_request(None, 404, Duration::from_millis(1));
        metrics.observe_request(None, 404, Duration::from_millis(1));
        let text = metrics.render(&gauges());
        assert!(
            text.contains("latchkey_http_requests_total{route=\"unmatched\",status=\"404\"} 2\n")
        );
    }

    #[test]
    fn gauges_show_in_use_connections() {
        let text = Metrics::default().render(&gauges());
        assert!(text.contains("latchkey_db_pool_connections{state=\"in_use\"} 3\n"));
        assert!(text.contains("latchkey_db_pool_connections{state=\"idle\"} 1\n"));
        assert!(text.contains("latchkey_password_hash_jobs 3\n"));
    }

    #[test]
    fn logins_are_counted_by_result() {
        let metrics = Metrics::default();
        metrics.observe_login(LoginOutcome::Failed);
        metrics.observe_login(LoginOutcome::Failed);
        metrics.observe_login(LoginOutcome::Succeeded);
        let text = metrics.render(&gauges());
        assert!(text.contains("latchkey_logins_total{result=\"succeeded\"} 1\n"));
        assert!(text.contains("latchkey_logins_total{result=\"failed\"} 2\n"));
    }
}
