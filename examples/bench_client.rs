//! The load client for what a fixed-body generator (oha) cannot do. Used by
//! `bench/run`; talks only to the URL it is given (the bench gives 127.0.0.1).
//!
//! `bench_client refresh URL EMAIL PASSWORD CONCURRENCY SECONDS`
//!   CONCURRENCY chains, each logs in once and then refreshes its own token
//!   in a loop: every refresh rotates the token, so each request needs the
//!   answer of the one before.
//! `bench_client login URL EMAIL PASSWORD CONCURRENCY SECONDS`
//!   CONCURRENCY closed loops of password grants, with latencies kept apart
//!   per status, so the 503s of an overloaded hasher do not hide the latency
//!   of the logins that were admitted.
//!
//! Prints one JSON line. The run is bounded by SECONDS (at most 600).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Deserialize;

#[derive(Deserialize)]
struct TokenResponse {
    refresh_token: String,
}

/// Latencies (microseconds) by HTTP status; 0 stands for a transport error.
type ByStatus = BTreeMap<u16, Vec<u64>>;

struct Run {
    url: String,
    email: String,
    password: String,
    deadline: Instant,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, url, email, password, concurrency, seconds] = &args[..] else {
        eprintln!("usage: bench_client refresh|login URL EMAIL PASSWORD CONCURRENCY SECONDS");
        std::process::exit(2);
    };
    let concurrency = concurrency
        .parse::<usize>()
        .expect("CONCURRENCY")
        .clamp(1, 10_000);
    let seconds: f64 = seconds.parse().expect("SECONDS");
    let duration = Duration::from_secs_f64(seconds.clamp(0.1, 600.0));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    let (by_status, elapsed) = runtime.block_on(async {
        // Refresh chains log in first; that setup is not what is measured.
        let mut first_tokens = Vec::new();
        if mode == "refresh" {
            for _ in 0..concurrency {
                let token = password_grant(&client, url, email, password)
                    .await
                    .expect("setup login");
                first_tokens.push(token);
            }
        }
        let run = std::sync::Arc::new(Run {
            url: url.clone(),
            email: email.clone(),
            password: password.clone(),
            deadline: Instant::now() + duration,
        });
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        let mut first_tokens = first_tokens.into_iter();
        for _ in 0..concurrency {
            let (client, run) = (client.clone(), run.clone());
            match mode.as_str() {
                "refresh" => {
                    let token = first_tokens.next().expect("one token per chain");
                    tasks.spawn(refresh_chain(client, run, token));
                }
                "login" => {
                    tasks.spawn(login_loop(client, run));
                }
                other => panic!("unknown mode {other}"),
            }
        }
        let mut all = ByStatus::new();
        while let Some(done) = tasks.join_next().await {
            for (status, mut latencies) in done.expect("task") {
                all.entry(status).or_default().append(&mut latencies);
            }
        }
        (all, started.elapsed())
    });
    print_summary(mode, concurrency, elapsed, by_status);
}

async fn password_grant(
    client: &reqwest::Client,
    url: &str,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let response = client
        .post(format!("{url}/token"))
        .form(&[("username", email), ("password", password)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("login answered {}", response.status()));
    }
    let body: TokenResponse = response.json().await.map_err(|e| e.to_string())?;
    Ok(body.refresh_token)
}

async fn refresh_chain(
    client: reqwest::Client,
    run: std::sync::Arc<Run>,
    first: String,
) -> ByStatus {
    let mut by_status = ByStatus::new();
    let mut token = first;
    while Instant::now() < run.deadline {
        let started = Instant::now();
        let sent = client
            .post(format!("{}/token", run.url))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", &token)])
            .send()
            .await;
        let status = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.json::<TokenResponse>().await {
                    Ok(body) if status == 200 => token = body.refresh_token,
                    _ => {}
                }
                status
            }
            Err(_) => 0,
        };
        let micros = started.elapsed().as_micros() as u64;
        by_status.entry(status).or_default().push(micros);
        if status != 200 {
            // The chain is broken (its token is gone); start a new one.
            match password_grant(&client, &run.url, &run.email, &run.password).await {
                Ok(fresh) => token = fresh,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
    by_status
}

async fn login_loop(client: reqwest::Client, run: std::sync::Arc<Run>) -> ByStatus {
    let mut by_status = ByStatus::new();
    while Instant::now() < run.deadline {
        let started = Instant::now();
        let sent = client
            .post(format!("{}/token", run.url))
            .form(&[("username", &run.email), ("password", &run.password)])
            .send()
            .await;
        let status = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                // Read the body so the connection is reused.
                let _ = response.bytes().await;
                status
            }
            Err(_) => 0,
        };
        by_status
            .entry(status)
            .or_default()
            .push(started.elapsed().as_micros() as u64);
    }
    by_status
}

fn print_summary(mode: &str, concurrency: usize, elapsed: Duration, by_status: ByStatus) {
    let seconds = elapsed.as_secs_f64();
    let mut parts = Vec::new();
    for (status, mut latencies) in by_status {
        latencies.sort_unstable();
        let at = |q: f64| {
            let index = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len());
            latencies[index - 1] as f64 / 1000.0
        };
        parts.push(format!(
            "\"{status}\":{{\"count\":{},\"per_second\":{:.1},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3}}}",
            latencies.len(),
            latencies.len() as f64 / seconds,
            at(0.50),
            at(0.99),
            at(1.0),
        ));
    }
    println!(
        "{{\"mode\":\"{mode}\",\"concurrency\":{concurrency},\"seconds\":{seconds:.3},\"by_status\":{{{}}}}}",
        parts.join(",")
    );
}
