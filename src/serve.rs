//! `latchkey serve` from start to exit: take systemd's socket or bind our
//! own, say `READY=1` once migrations ran and the socket listens, feed the
//! watchdog, and on SIGTERM (or SIGINT) say `STOPPING=1`, stop accepting,
//! let in-flight requests finish and return, so the process exits 0.

use std::task::Poll;
use std::time::Duration;

use actix_web::rt::signal::unix::{SignalKind, signal};
use anyhow::Context;

use crate::config::Settings;
use crate::startup::Application;
use crate::systemd;

/// Runs the server until a stop signal. Call inside an actix system.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    // Installed first: a SIGTERM during migrations then stops the server as
    // soon as it is up, instead of killing the process half-way.
    let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;

    let inherited = systemd::inherited_listener()?;
    let app = Application::build_on(settings, inherited).await?;
    systemd::notify_ready(&format!("serving on port {}", app.port()));

    if let Some(interval) = systemd::watchdog_interval() {
        tracing::info!(
            interval_ms = interval.as_millis(),
            "feeding the systemd watchdog"
        );
        actix_web::rt::spawn(feed_watchdog(interval));
    }

    let handle = app.handle();
    actix_web::rt::spawn(async move {
        let received = std::future::poll_fn(|cx| {
            if term.poll_recv(cx).is_ready() {
                Poll::Ready("SIGTERM")
            } else if int.poll_recv(cx).is_ready() {
                Poll::Ready("SIGINT")
            } else {
                Poll::Pending
            }
        })
        .await;
        tracing::info!(
            event = "shutdown_started",
            signal = received,
            "no longer accepting connections; finishing in-flight requests"
        );
        systemd::notify_stopping();
        handle.stop(true).await;
    });

    app.run_until_stopped().await?;
    tracing::info!(event = "shutdown_complete", "latchkey stopped");
    Ok(())
}

/// Pings from the main event loop, the one that accepts connections and
/// handles signals, so a wedged loop stops the pings and systemd restarts
/// the service.
async fn feed_watchdog(interval: Duration) {
    let mut ticks = actix_web::rt::time::interval(interval);
    loop {
        ticks.tick().await;
        systemd::notify_watchdog();
    }
}
