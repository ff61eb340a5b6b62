//! Per-client-address limits on password attempts, kept in memory on each
//! instance: so many failures per window, so many attempts per minute.
//! IPv6 clients are counted per /64, the block one subscriber usually holds.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before expired ones are swept, bounding memory under a
/// flood from many addresses.
const SWEEP_ABOVE: usize = 100_000;
const MINUTE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
pub struct AddressPolicy {
    pub failure_limit: u32,
    pub failure_window: Duration,
    pub attempts_per_minute: u32,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    count: u32,
}

impl Window {
    fn new(now: Instant) -> Self {
        Self {
            started: now,
            count: 0,
        }
    }

    /// The count in the window of `length` containing `now`.
    fn current(&mut self, now: Instant, length: Duration) -> &mut u32 {
        if now.duration_since(self.started) >= length {
            *self = Self::new(now);
        }
        &mut self.count
    }

    fn remaining(&self, now: Instant, length: Duration) -> Duration {
        length.saturating_sub(now.duration_since(self.started))
    }
}

#[derive(Debug)]
struct Counters {
    failures: Window,
    attempts: Window,
}

pub struct AddressLimits {
    policy: AddressPolicy,
    counters: Mutex<HashMap<IpAddr, Counters>>,
}

impl AddressLimits {
    pub fn new(policy: AddressPolicy) -> Self {
        Self {
            policy,
            counters: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `address`, or says how long it must wait.
    pub fn admit(&self, address: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let policy = self.policy;
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counters.len() > SWEEP_ABOVE {
            counters.retain(|_, c| {
                now.duration_since(c.failures.started) < policy.failure_window
                    || now.duration_since(c.attempts.started) < MINUTE
            });
        }
        let entry = counters.entry(bucket(address)).or_insert_with(|| Counters {
            failures: Window::new(now),
            attempts: Window::new(now),
        });
        if *entry.failures.current(now, policy.failure_window) >= policy.failure_limit {
            return Err(entry.failures.remaining(now, policy.failure_window));
        }
        let attempts = entry.attempts.current(now, MINUTE);
        if *attempts >= policy.attempts_per_minute {
            return Err(entry.attempts.remaining(now, MINUTE));
        }
        *attempts += 1;
        Ok(())
    }

    /// Counts a failed attempt from `address`.
    pub fn record_failure(&self, address: IpAddr) {
        let now = Instant::now();
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = counters.get_mut(&bucket(address)) {
            *entry.failures.current(now, self.policy.failure_window) += 1;
        }
    }
}

fn bucket(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(failures: u32, attempts: u32) -> AddressLimits {
        AddressLimits::new(AddressPolicy {
            failure_limit: failures,
            failure_window: Duration::from_secs(300),
            attempts_per_minute: attempts,
        })
    }

    #[test]
    fn failures_beyond_the_limit_must_wait() {
        let limits = limits(3, 100);
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        for _ in 0..3 {
            assert!(limits.admit(ip).is_ok());
            limits.record_failure(ip);
        }
        let wait = limits.admit(ip).expect_err("fourth attempt waits");
        assert!(wait > Duration::from_secs(290));
        assert!(
            limits.admit("192.0.2.2".parse().expect("ip")).is_ok(),
            "other addresses are not affected"
        );
    }

    #[test]
    fn attempts_per_minute_are_capped_and_ipv6_counts_per_64() {
        let limits = limits(100, 2);
        assert!(limits.admit("2001:db8::1".parse().expect("ip")).is_ok());
        assert!(limits.admit("2001:db8::2".parse().expect("ip")).is_ok());
        assert!(
            limits.admit("2001:db8::3".parse().expect("ip")).is_err(),
            "same /64"
        );
        assert!(
            limits.admit("2001:db8:0:1::1".parse().expect("ip")).is_ok(),
            "another /64"
        );
    }
}
