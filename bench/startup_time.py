"""Times latchkey from process start to the first 200 from /healthz.

    python3 bench/startup_time.py RUNS PORT -- COMMAND...

Each run starts COMMAND (which must serve on 127.0.0.1:PORT), polls
/healthz every millisecond until it answers 200 (at most 10 s), then stops
the process with SIGTERM. Prints one JSON line with every time and the
median, in milliseconds. Start-up includes migrations, the pool, the keys
and the hasher's dummy hash: everything before the server can answer.
"""

import http.client
import json
import signal
import subprocess
import sys
import time


def one_run(command: list[str], port: int) -> float:
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit(f"the server exited with status {process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return (time.monotonic() - started) * 1000
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.001)
        sys.exit("the server was not ready within 10 s")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    runs, port = int(sys.argv[1]), int(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1 :]
    times = [one_run(command, port) for _ in range(max(1, min(runs, 50)))]
    ordered = sorted(times)
    print(json.dumps({
        "runs_ms": [round(t, 1) for t in times],
        "median_ms": round(ordered[len(ordered) // 2], 1),
        "min_ms": round(ordered[0], 1),
    }))


if __name__ == "__main__":
    main()
