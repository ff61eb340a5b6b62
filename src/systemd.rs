//! The service manager's side of serving: socket activation, the notify
//! protocol (`READY=1`, `STOPPING=1`, `STATUS=`) and the watchdog. Outside
//! systemd every function here does nothing, so the same binary runs from a
//! shell, under systemd, or under `systemd-socket-activate`.

use std::net::TcpListener;
use std::time::Duration;

use anyhow::Context;
use sd_notify::NotifyState;

/// The listening socket systemd passed in (`LISTEN_FDS`, fd 3), if any.
/// `LISTEN_PID` must name this process, so a variable inherited by accident
/// from a parent is ignored.
pub fn inherited_listener() -> anyhow::Result<Option<TcpListener>> {
    let mut fds = listenfd::ListenFd::from_env();
    if fds.len() > 1 {
        tracing::warn!(
            sockets = fds.len(),
            "systemd passed several sockets; latchkey serves the first only (keep one ListenStream=)"
        );
    }
    fds.take_tcp_listener(0)
        .context("the socket passed by systemd (LISTEN_FDS) is not a listening TCP socket")
}

/// Migrations are applied and the socket is listening.
pub fn notify_ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// Shutdown has begun; in-flight requests are finishing.
pub fn notify_stopping() {
    send(&[
        NotifyState::Stopping,
        NotifyState::Status("finishing in-flight requests"),
    ]);
}

/// How often to ping the watchdog: half the interval systemd expects
/// (`WatchdogSec=`), as sd_watchdog_enabled(3) advises, so one late tick
/// does not get the service killed. `None` when no watchdog is set.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled()
        .filter(|timeout| !timeout.is_zero())
        .map(|timeout| timeout / 2)
}

pub fn notify_watchdog() {
    send(&[NotifyState::Watchdog]);
}

/// A lost notification must not stop the server, but it would leave systemd
/// waiting (start-up timeout) or kill the service (watchdog), so say why.
fn send(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::warn!(error = %e, "cannot notify the service manager (NOTIFY_SOCKET)");
    }
}
