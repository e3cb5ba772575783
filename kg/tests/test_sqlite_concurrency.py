"""SQLite for concurrent use: WAL, immediate write transactions and a busy timeout let 8 threads
write at once without "database is locked" — through Django, on a file database."""

import sqlite3
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.db.models import F

from kg.models import Concept, ContentVersion

THREADS = 8
WRITES = 25

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite configuration test")


def test_connection_options_take_effect(db):
    # Django 5.1+ runs `init_command` on every new SQLite connection; 5.2 keeps it.
    assert not connection.settings_dict["NAME"].startswith(":memory:") and "mode=memory" not in str(
        connection.settings_dict["NAME"]
    )
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert connection.transaction_mode == "IMMEDIATE"


def run_threads(work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def target(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # every failure is the finding
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_eight_threads_write_at_once_without_lock_errors():
    ContentVersion.objects.get_or_create(id=1)

    def work(n: int) -> None:
        for i in range(WRITES):
            with transaction.atomic():
                # Read, then write: the pattern that fails with deferred transactions.
                version = ContentVersion.objects.get(id=1).version
                Concept.objects.create(slug=f"t{n}-{i}", name=f"Thread {n} write {i} after {version}")
                ContentVersion.objects.filter(id=1).update(version=F("version") + 1)

    errors = run_threads(work)
    locked = [e for e in errors if "locked" in str(e)]
    print(f"\n{THREADS} threads x {WRITES} writes: {len(locked)} 'database is locked', {len(errors)} errors")
    assert not errors, errors[:3]
    assert Concept.objects.filter(slug__startswith="t").count() == THREADS * WRITES
    assert ContentVersion.objects.get(id=1).version == THREADS * WRITES


def test_the_same_load_without_these_settings_does_lock(tmp_path: Path):
    """The control: plain deferred transactions with no busy timeout fail under this load,
    so the test above would fail if the settings were lost."""
    path = tmp_path / "plain.sqlite3"
    setup = sqlite3.connect(path)
    setup.executescript("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO counter VALUES (1, 0);")
    setup.close()

    def work(n: int) -> None:
        db = sqlite3.connect(path, timeout=0, isolation_level="DEFERRED")
        try:
            for _ in range(WRITES):
                with db:
                    n_now = db.execute("SELECT n FROM counter WHERE id = 1").fetchone()[0]
                    db.execute("UPDATE counter SET n = ? WHERE id = 1", (n_now + 1,))
        finally:
            db.close()

    errors = run_threads(work)
    assert any("locked" in str(e) for e in errors)
