//! Times one argon2id verification at the configured cost, the unit of the
//! login benchmark's physical limit (cores / verification time).
//!
//! `cargo run --release --example argon2_verify_time [-- ROUNDS]`
//!
//! The cost comes from the same settings the server reads (`LATCHKEY_ARGON2_*`,
//! `LATCHKEY_CONFIG`), and the verification goes through the server's own
//! `password::verify`, so the figure is what one login costs, nothing less.
//! Prints one JSON line: the median and the fastest single-thread time, and
//! the time per verification with one thread per core running at once (a
//! check that the cores really are free).

use std::time::{Duration, Instant};

use latchkey::auth::credentials::Password;
use latchkey::auth::password::{self, Verification};
use latchkey::config::{Flags, Settings};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("ROUNDS must be a number"))
        .unwrap_or(40)
        .clamp(3, 10_000);
    let settings = Settings::load(&Flags::default()).expect("settings");
    let cost = settings.argon2;
    let secret = Password::for_login("correct horse battery staple");
    let stored = password::hash(cost, &secret).expect("hash");

    // Warm up once: the first run pays for page faults on the 19 MiB block.
    verify_once(cost, &secret, &stored);
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            verify_once(cost, &secret, &stored);
            started.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let fastest = times[0];

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| {
                for _ in 0..rounds {
                    verify_once(cost, &secret, &stored);
                }
            });
        }
    });
    let parallel_each = started.elapsed() / (rounds * cores) as u32 * cores as u32;

    println!(
        "{{\"m_kib\":{},\"t\":{},\"p\":{},\"rounds\":{},\"cores\":{},\
         \"median_ms\":{:.3},\"fastest_ms\":{:.3},\"parallel_each_ms\":{:.3}}}",
        cost.m_kib,
        cost.t,
        cost.p,
        rounds,
        cores,
        median.as_secs_f64() * 1e3,
        fastest.as_secs_f64() * 1e3,
        parallel_each.as_secs_f64() * 1e3,
    );
}

fn verify_once(cost: latchkey::config::Argon2Cost, secret: &Password, stored: &str) {
    let outcome = password::verify(cost, secret, stored);
    assert_eq!(outcome, Verification::Match { upgraded: None });
}
