"""HTTP under load: gunicorn as in the Docker image, wrk on loopback, one endpoint at a time."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

# wrk prints p50/p75/p90/p99 for humans; this `done` hook adds p95, a mean and the error
# counts (socket errors, and responses with status >= 400) in one line that parses reliably.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.2f %.3f %.3f %.3f %.3f %d %d\\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
"""

# The Docker image runs `gunicorn kg.wsgi --threads 4` with WEB_CONCURRENCY=3 processes.
DOCKER_WORKERS = 3
DOCKER_THREADS = 4


class WrkError(RuntimeError):
    pass


@dataclass
class LoadResult:
    path: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    errors: int

    def as_dict(self) -> dict:
        return asdict(self)


def parse_wrk(output: str, *, path: str = "") -> LoadResult:
    """The figures in the RESULT line that WRK_SCRIPT writes at the end of a run."""
    line = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise WrkError(f"wrk printed no RESULT line for {path or 'the run'}: {output.strip()[-200:]!r}")
    fields = line.split()[1:]
    if len(fields) != 8:
        raise WrkError(f"wrk RESULT line has {len(fields)} fields, expected 8: {line!r}")
    requests, duration, p50, p95, p99, mean, socket_errors, status_errors = fields
    seconds = float(duration)
    return LoadResult(
        path=path, requests=int(requests), seconds=seconds, rps=int(requests) / seconds if seconds else 0.0,
        p50_ms=float(p50), p95_ms=float(p95), p99_ms=float(p99), mean_ms=float(mean),
        errors=int(socket_errors) + int(status_errors),
    )


def wrk(*, port: int, path: str, seconds: int, connections: int = 50, threads: int = 2) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        completed = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
             f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    if completed.returncode:
        raise WrkError(f"wrk exited {completed.returncode} on {path}: {completed.stderr.strip()[-200:]}")
    return parse_wrk(completed.stdout, path=path)


class Server:
    """A gunicorn process serving the project, configured as the Docker image does."""

    def __init__(self, *, port: int, env: dict[str, str], workers: int = DOCKER_WORKERS,
                 threads: int = DOCKER_THREADS):
        self.port = port
        self.env = env
        self.workers = workers
        self.threads = threads
        self.cmd = [
            str(Path(sys.executable).with_name("gunicorn")), "kg.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
            # A cold graph build at scale takes seconds: not a reason to kill the worker.
            "--timeout", "120",
        ]
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Server":
        with socket.socket() as probe:  # another server on the port would answer in gunicorn's place
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken by another server")
        self.process = subprocess.Popen(self.cmd, cwd=Path(__file__).resolve().parents[2], env=self.env,
                                        start_new_session=True)
        # The master builds the caches before forking the workers (gunicorn.conf.py).
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} before answering")
            try:
                with urllib.request.urlopen(self.url("/livez"), timeout=2):  # noqa: S310 (loopback)
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not start within 300 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # workers stuck in a long request
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def get(self, path: str, *, timeout: float = 300) -> tuple[int, bytes]:
        """Status and body; status 0 when the server did not answer within `timeout` seconds."""
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as response:  # noqa: S310 (loopback)
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError as exc:
            return 0, str(exc).encode()

    def warm(self, paths: list[str], *, rounds: int = 2) -> dict[str, tuple[int, int]]:
        """Request every path from every worker: per-process caches (graph, search, trace) get built here.

        Requests go out many at a time so that each worker accepts some; returns the
        status and body size of each path.
        """
        seen: dict[str, tuple[int, int]] = {}
        fan_out = self.workers * self.threads * 2
        with ThreadPoolExecutor(max_workers=fan_out) as pool:
            for _ in range(rounds):
                for path in paths:
                    for status, body in pool.map(self.get, [path] * fan_out):
                        seen[path] = (status, len(body))
        return seen

    def workers_pids(self) -> list[int]:
        if not self.process:
            return []
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in children.split()]

    def worker_rss_mb(self) -> float:
        """Largest resident memory among the gunicorn workers (pages shared with the master count in full)."""
        return max((rss_kb(pid) for pid in self.workers_pids()), default=0) / 1024

    def worker_pss_mb(self) -> float:
        """Largest proportional memory among the workers: each shared page divided among its sharers."""
        return max((pss_kb(pid) for pid in self.workers_pids()), default=0) / 1024


def rss_kb(pid: int) -> int:
    return _kb(f"/proc/{pid}/status", "VmRSS")


def pss_kb(pid: int) -> int:
    return _kb(f"/proc/{pid}/smaps_rollup", "Pss")


def _kb(path: str, field: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else 0
