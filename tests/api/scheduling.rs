//! How the server process asks the kernel to share the CPU: password hashing
//! runs on threads that yield to the threads serving requests.

use std::time::Instant;

use crate::process::{DEADLINE, ServerProcess, latchkey_command};

/// The name and nice value of every thread of `pid`, from `/proc`.
fn threads(pid: u32) -> Vec<(String, i32)> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("/proc/PID/task");
    tasks
        .filter_map(|task| {
            let path = task.ok()?.path();
            let name = std::fs::read_to_string(path.join("comm")).ok()?;
            let stat = std::fs::read_to_string(path.join("stat")).ok()?;
            // Fields after the parenthesised name: state is field 3, nice 19.
            let after_name = stat.rsplit_once(") ")?.1;
            let nice = after_name.split(' ').nth(16)?.parse().ok()?;
            Some((name.trim().to_owned(), nice))
        })
        .collect()
}

#[test]
fn hashing_threads_run_at_a_lower_priority_than_the_request_threads() {
    if !std::path::Path::new("/proc/self/task").exists() {
        eprintln!("!!! SKIPPED: no /proc, so thread priorities cannot be read !!!");
        return;
    }
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().display().to_string();
    let mut command = latchkey_command(&["--data-dir", &dir, "serve", "--bind", "127.0.0.1:0"]);
    command.env("LATCHKEY_HASH_WORKERS", "3");
    let mut server = ServerProcess::spawn(command);
    server.wait_until_listening();

    // Each hashing thread lowers itself as it starts, which may be just
    // after the server reports that it listens.
    let started = Instant::now();
    loop {
        let all = threads(server.pid());
        let hashing: Vec<i32> = all
            .iter()
            .filter(|(name, _)| name.starts_with("latchkey-hash"))
            .map(|(_, nice)| *nice)
            .collect();
        let serving: Vec<i32> = all
            .iter()
            .filter(|(name, _)| !name.starts_with("latchkey-hash"))
            .map(|(_, nice)| *nice)
            .collect();
        if hashing == [5, 5, 5] {
            assert!(
                serving.iter().all(|&nice| nice == 0),
                "other threads: {all:?}"
            );
            return;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "hashing threads are not at nice 5: {all:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
