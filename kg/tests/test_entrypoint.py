"""The container entrypoint, run outside Docker with a command override instead of gunicorn:
it waits for the database, migrates, ingests content and PAPERS_DIR, then runs the command."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from papers.tests.pdf_factory import make_pdf

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"

# The entrypoint makes its own databases (a SQLite file, a fresh PostgreSQL one), whatever the
# suite runs on: run it once, in the SQLite pass of CI, not again in the PostgreSQL pass.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="makes its own databases; runs in the SQLite pass",
)


def run_entrypoint(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "MEDIA_ROOT", "PAPERS_DIR", "DATA_DIR"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base |= {
        "PYTHON": sys.executable,
        "SECRET_KEY": "entrypoint-test-" + "k" * 40,
        "DATA_DIR": str(tmp_path / "data"),
        "PAPERS_DIR": str(tmp_path / "papers"),
        "DB_WAIT_SECONDS": "10",
    }
    override = [sys.executable, "-c", "print('SERVING instead of gunicorn')"]
    return subprocess.run(
        [str(ENTRYPOINT), *override], cwd=tmp_path, env={**base, **env}, capture_output=True, text=True, timeout=300
    )


def put_a_report(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir(exist_ok=True)
    (tmp_path / "papers" / "tiny.pdf").write_bytes(make_pdf(title="Entrypoint-V1 Technical Report"))


def test_entrypoint_on_sqlite_sets_up_then_runs_the_command(tmp_path):
    put_a_report(tmp_path)
    result = run_entrypoint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("SERVING instead of gunicorn")
    db = sqlite3.connect(tmp_path / "data" / "db.sqlite3")
    assert db.execute("SELECT count(*) FROM django_migrations WHERE app = 'kg'").fetchone()[0] >= 1
    assert db.execute("SELECT count(*) FROM papers_paper").fetchone()[0] == 1
    db.close()
    # A restart changes nothing: migrations and ingest are idempotent.
    again = run_entrypoint(tmp_path)
    assert again.returncode == 0, again.stderr
    db = sqlite3.connect(tmp_path / "data" / "db.sqlite3")
    assert db.execute("SELECT count(*) FROM papers_paper").fetchone()[0] == 1
    db.close()
    assert len(list((tmp_path / "data" / "media" / "papers").glob("*.pdf"))) == 1


def test_entrypoint_for_a_worker_skips_setup(tmp_path):
    result = run_entrypoint(tmp_path, MIGRATE_ON_START="false", LOAD_CONTENT_ON_START="false")
    assert result.returncode == 0, result.stderr
    assert "SERVING" in result.stdout and "Applying" not in result.stdout
    db = sqlite3.connect(tmp_path / "data" / "db.sqlite3")
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'").fetchone()[0] == 0
    db.close()


def test_entrypoint_stops_with_one_line_when_the_database_never_answers(tmp_path):
    result = run_entrypoint(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere", DB_WAIT_SECONDS="2")
    assert result.returncode != 0
    assert "SERVING" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "database not reachable" in lines[0], result.stderr




def test_entrypoint_on_postgresql(tmp_path, empty_postgres):
    import psycopg

    put_a_report(tmp_path)
    result = run_entrypoint(tmp_path, DATABASE_URL=empty_postgres)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("SERVING instead of gunicorn")
    with psycopg.connect(empty_postgres) as db:
        assert db.execute("SELECT count(*) FROM papers_paper").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 10
