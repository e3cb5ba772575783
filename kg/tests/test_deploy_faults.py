"""Faults and load against gunicorn on a PostgreSQL cluster of the test's own (never the shared one):

- PostgreSQL stopped during load: requests fail fast (no hangs), succeed again within seconds of
  its return (CONN_HEALTH_CHECKS drops dead pooled connections), and no data is lost;
- 50 concurrent users on the main pages for a minute (LOAD_SECONDS): zero errors.

Slow (a cluster, gunicorn, a minute of load): `pytest -m slow kg/tests/test_deploy_faults.py`.
"""

import contextlib
import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_BIN, reason="PostgreSQL server binaries not installed"),
]


@pytest.fixture(autouse=True)
def only_when_asked(request):
    # Minutes of load: run when selected with `-m slow` (CI does, once), not in every `make test`.
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("load and fault test: run with -m slow")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster under /tmp, run as the postgres user when we are root."""

    def __init__(self):
        self.bin = PG_BIN[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="mj-pg-", dir="/tmp"))
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/mianjing"

    def run(self, *command: str) -> None:
        line = " ".join(command)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            subprocess.run(["su", "postgres", "-c", line], check=True, capture_output=True, timeout=120)
        else:
            subprocess.run(line, shell=True, check=True, capture_output=True, timeout=120)  # noqa: S602

    def init(self) -> None:
        self.run(f"{self.bin}/initdb", "-D", f"{self.dir}/db", "-A", "trust", "-U", "postgres")
        self.start()
        self.run(f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "mianjing")

    def start(self) -> None:
        options = f"'-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1'"
        self.run(f"{self.bin}/pg_ctl", "-D", f"{self.dir}/db", "-o", options, "-l", f"{self.dir}/log", "-w", "start")

    def stop(self) -> None:
        self.run(f"{self.bin}/pg_ctl", "-D", f"{self.dir}/db", "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def app_env(cluster: Cluster, media: Path) -> dict[str, str]:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return env | {"DATABASE_URL": cluster.url, "SECRET_KEY": "fault-test-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
                  "MEDIA_ROOT": str(media), "DATA_DIR": str(media.parent), "CONN_MAX_AGE": "60"}


@pytest.fixture
def server(tmp_path):
    cluster = Cluster()
    cluster.init()
    env = app_env(cluster, tmp_path / "media")
    gunicorn = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                       timeout=300)
        seed = "from kg.tests.factories import small_library; small_library()"
        subprocess.run([sys.executable, "manage.py", "shell", "-c", seed], cwd=ROOT, env=env, check=True, timeout=120)
        # As `make run` and the image do: hashed static files for WhiteNoise (staticfiles/ is git-ignored).
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True, timeout=300)
        port = free_port()
        with open(tmp_path / "gunicorn.log", "w") as log:
            gunicorn = subprocess.Popen(
                [str(GUNICORN), "kg.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8",
                 "--timeout", "60"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )
        deadline = time.monotonic() + 60
        while get(port, "/livez")[0] != 200:
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start")
            time.sleep(0.3)
        yield cluster, port, env
    finally:
        if gunicorn:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        cluster.remove()


def get(port: int, path: str, timeout: float = 30) -> tuple[int, float]:
    started = time.monotonic()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        status = connection.getresponse().status
        connection.close()
    except OSError:
        status = 0
    return status, time.monotonic() - started


def hammer(port: int, paths: list[str], users: int, seconds: float, log: list) -> None:
    stop_at = time.monotonic() + seconds

    def user(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            status, took = get(port, path)
            log.append((time.monotonic(), path, status, took))
            i += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


PAGES = ["/", "/concepts/mla/", "/papers/", "/search/?q=MLA", "/questions/", "/healthz"]


def test_postgres_restart_during_load(server):
    cluster, port, env = server
    log: list = []
    load = threading.Thread(target=hammer, args=(port, PAGES, 8, 30.0, log))
    load.start()
    time.sleep(8)
    stopping_at = time.monotonic()
    cluster.stop()
    down_at = time.monotonic()
    time.sleep(6)
    starting_at = time.monotonic()
    cluster.start()
    up_at = time.monotonic()
    load.join()

    before = [e for e in log if e[0] < stopping_at]
    during = [e for e in log if e[0] - e[3] > down_at and e[0] < starting_at]
    after_ok = [e for e in log if e[0] - e[3] >= up_at and e[2] == 200]
    assert before and all(e[2] == 200 for e in before), {e[2] for e in before}
    assert during, "no request was made while the database was down"
    assert all(e[2] in (500, 503) for e in during), {e[2] for e in during}
    slowest_down = max(e[3] for e in during)
    assert slowest_down < 6, f"a request hung {slowest_down:.1f}s while the database was down"
    recovered_after = min(e[0] for e in after_ok) - up_at
    assert recovered_after < 5
    settled = [e for e in log if e[0] - e[3] >= up_at + recovered_after + 2]
    assert settled and all(e[2] == 200 for e in settled), {e[2] for e in settled}
    count = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                            "from kg.models import Concept; print(Concept.objects.count())"],
                           cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert count.stdout.strip().splitlines()[-1] == "5"  # small_library's concepts: nothing lost
    print(f"\nPostgreSQL down 6s under 8 users: {len(during)} requests failed fast (slowest {slowest_down:.2f}s), "
          f"first success {recovered_after:.2f}s after restart, {len(settled)} requests after all 200")


def test_fifty_users_for_a_minute_see_no_errors(server):
    _, port, _ = server
    seconds = float(os.environ.get("LOAD_SECONDS", "60"))
    log: list = []
    hammer(port, PAGES, 50, seconds, log)
    errors = [e for e in log if e[2] != 200]
    latencies = sorted(e[3] for e in log)
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    print(f"\n50 users x {seconds:.0f}s: {len(log)} requests, {len(errors)} errors, p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms")
    assert len(log) > 100
    assert not errors, sorted({(e[1], e[2]) for e in errors})[:10]
