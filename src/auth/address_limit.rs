//! Per-client-address limits on password attempts, kept in memory on each
//! instance: so many failures per window, so many attempts per minute.
//! IPv6 clients are counted per /64, the block one subscriber usually holds,
//! and each /48 (one site) also as a whole, with `SITE_SHARE` times the
//! allowance: rotating through a /48's 65,536 /64s buys no more guesses
//! than that, nor room to push other addresses' counters out of the table.
//!
//! Both tables have a fixed upper size; see `table.rs` for what is evicted
//! when they are full, and why that does not free a throttled address.

mod table;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use table::Table;

/// Addresses (IPv4, IPv6 /64) tracked at once: about 100 bytes each.
const ADDRESS_CAPACITY: usize = 65_536;
/// IPv6 /48s tracked at once.
const SITE_CAPACITY: usize = 16_384;
/// How many addresses' allowance one IPv6 /48 gets in all.
const SITE_SHARE: u32 = 16;

#[derive(Debug, Clone, Copy)]
pub struct AddressPolicy {
    pub failure_limit: u32,
    pub failure_window: Duration,
    pub attempts_per_minute: u32,
}

pub struct AddressLimits {
    policy: AddressPolicy,
    addresses: Table<Bucket>,
    sites: Table<u64>,
}

/// What one client is counted as: an IPv4 address or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    V4(u32),
    V6(u64),
}

impl AddressLimits {
    pub fn new(policy: AddressPolicy) -> Self {
        Self::with_capacity(policy, ADDRESS_CAPACITY, SITE_CAPACITY)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.addresses.len()
    }

    fn with_capacity(policy: AddressPolicy, addresses: usize, sites: usize) -> Self {
        Self {
            policy,
            addresses: Table::new(addresses, policy.failure_window),
            sites: Table::new(sites, policy.failure_window),
        }
    }

    /// Counts an attempt from `address`, or says how long it must wait.
    pub fn admit(&self, address: IpAddr) -> Result<(), Duration> {
        self.admit_at(address, Instant::now())
    }

    fn admit_at(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let p = self.policy;
        let (bucket, site) = buckets(address);
        // A refused /48 touches no /64 entry, so its flood cannot fill the
        // address table.
        if let Some(site) = site {
            let limits = (
                p.failure_limit.saturating_mul(SITE_SHARE),
                p.attempts_per_minute.saturating_mul(SITE_SHARE),
            );
            if let Some(wait) = self.sites.with(site, now, |c| {
                c.wait(now, p.failure_window, limits.0, limits.1)
            }) {
                return Err(wait);
            }
        }
        self.addresses.with(bucket, now, |c| {
            match c.wait(
                now,
                p.failure_window,
                p.failure_limit,
                p.attempts_per_minute,
            ) {
                Some(wait) => Err(wait),
                None => {
                    c.count_attempt(now);
                    Ok(())
                }
            }
        })?;
        // Counted only once the /64 admits too; concurrent attempts may pass
        // the /48 check together, overshooting by at most that many.
        if let Some(site) = site {
            self.sites.with(site, now, |c| c.count_attempt(now));
        }
        Ok(())
    }

    /// Counts a failed attempt from `address`.
    pub fn record_failure(&self, address: IpAddr) {
        let now = Instant::now();
        let window = self.policy.failure_window;
        let (bucket, site) = buckets(address);
        self.addresses
            .with(bucket, now, |c| c.count_failure(now, window));
        if let Some(site) = site {
            self.sites.with(site, now, |c| c.count_failure(now, window));
        }
    }
}

/// The bucket of `address`, and for IPv6 its /48.
fn buckets(address: IpAddr) -> (Bucket, Option<u64>) {
    let v6 = match address {
        IpAddr::V4(v4) => return (Bucket::V4(v4.to_bits()), None),
        IpAddr::V6(v6) => v6,
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return (Bucket::V4(v4.to_bits()), None);
    }
    let prefix_64 = (v6.to_bits() >> 64) as u64;
    (Bucket::V6(prefix_64), Some(prefix_64 >> 16))
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
    fn a_million_addresses_leave_the_table_at_its_fixed_size() {
        let limits = limits(30, 300);
        for n in 0..1_000_000u32 {
            let _ = limits.admit(IpAddr::V4(n.into()));
        }
        assert!(limits.len() <= 65_536, "{} entries", limits.len());
    }

    #[test]
    fn a_flood_of_fresh_addresses_does_not_free_a_throttled_one() {
        let limits = AddressLimits::with_capacity(
            AddressPolicy {
                failure_limit: 3,
                failure_window: Duration::from_secs(300),
                attempts_per_minute: 300,
            },
            1_024,
            64,
        );
        let attacker: IpAddr = "192.0.2.66".parse().expect("ip");
        for _ in 0..3 {
            assert!(limits.admit(attacker).is_ok());
            limits.record_failure(attacker);
        }
        for n in 0..200_000u32 {
            let flood = IpAddr::V4((0x0a00_0000 + n).into());
            if limits.admit(flood).is_ok() {
                // Each even fails twice, one short of the limit.
                limits.record_failure(flood);
                limits.record_failure(flood);
            }
        }
        assert!(limits.len() <= 1_024);
        assert!(limits.admit(attacker).is_err(), "still throttled");
    }

    #[test]
    fn a_flood_from_one_ipv6_48_is_throttled_as_a_whole() {
        let limits = limits(30, 300);
        let admitted = (0..65_536u32)
            .filter(|n| {
                let subnet = (*n as u16).to_be_bytes();
                let address = std::net::Ipv6Addr::new(
                    0x2001,
                    0xdb8,
                    0x77,
                    u16::from_be_bytes(subnet),
                    0,
                    0,
                    0,
                    1,
                );
                limits.admit(IpAddr::V6(address)).is_ok()
            })
            .count();
        assert_eq!(admitted, 16 * 300, "one /48 gets sixteen addresses' worth");
        assert!(
            limits.admit("2001:db8:78::1".parse().expect("ip")).is_ok(),
            "another /48 is not affected"
        );
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
