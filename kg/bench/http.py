"""HTTP under load: gunicorn as in the Docker image, wrk on loopback, one endpoint at a time."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# wrk reports p50/p90/p99 by default; this script adds p95 and error counts in one line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.2f %.3f %.3f %.3f %.3f %d %d\\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class LoadResult:
    path: str
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


class Server:
    """A gunicorn process serving the project, configured as the Docker image does."""

    def __init__(self, *, port: int, env: dict[str, str], workers: int = 2, threads: int = 4):
        self.port = port
        self.env = env
        self.cmd = [
            str(Path(sys.executable).with_name("gunicorn")), "kg.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(self.cmd, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/livez", timeout=2):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not start within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def warm(self, path: str, times: int = 3) -> None:
        for _ in range(times):
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=120) as response:  # noqa: S310
                response.read()

    def worker_rss_mb(self) -> float:
        """Largest resident memory among the gunicorn workers."""
        if not self.process:
            return 0.0
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        rss = [_rss_kb(int(pid)) for pid in children.split()]
        return max(rss, default=0) / 1024


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match.group(1)) if match else 0


def wrk(*, port: int, path: str, seconds: int, connections: int = 50, threads: int = 2) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
             f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration, p50, p95, p99, _mean, socket_errors, status_errors = line.split()[1:]
    return LoadResult(
        path=path, requests=int(requests), rps=int(requests) / float(duration),
        p50_ms=float(p50), p95_ms=float(p95), p99_ms=float(p99), errors=int(socket_errors) + int(status_errors),
    )
