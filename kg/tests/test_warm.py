"""gunicorn as configured by gunicorn.conf.py: the master warms the caches, then forks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kg.memory import limit_arenas, release

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(tmp_path: Path, **env: str) -> tuple[int, str]:
    """Start gunicorn on an empty migrated SQLite database, ask one trace, stop it: (status, log)."""
    base = {**os.environ, "SECRET_KEY": "test-only", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DATA_DIR": str(tmp_path), **env}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=base, check=True)
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen([gunicorn, "kg.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                                "--log-level", "info"], cwd=ROOT, env=base, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/trace?q=MLA", timeout=10) as response:
                    status = response.status
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        _, log = process.communicate(timeout=30)
    return status, log


def test_the_master_warms_the_caches_before_forking(tmp_path):
    status, log = serve(tmp_path)
    assert status == 200
    assert "caches warmed in" in log
    assert log.index("caches warmed in") < log.index("Booting worker")


def test_warming_can_be_turned_off(tmp_path):
    status, log = serve(tmp_path, WARM_ON_START="false")
    assert status == 200 and "caches warmed" not in log


def test_memory_helpers_run_on_this_platform():
    limit_arenas(2)
    release()  # no error, whatever the C library


def test_a_bad_warm_on_start_is_one_line_and_no_server(tmp_path):
    env = {**os.environ, "SECRET_KEY": "test-only", "DEBUG": "false", "WARM_ON_START": "maybe",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run([gunicorn, "kg.wsgi", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "WARM_ON_START must be true or false, not 'maybe'" in result.stderr
    assert "Booting worker" not in result.stderr
