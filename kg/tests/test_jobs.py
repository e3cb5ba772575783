"""Background ingest jobs on the database queue: enqueue on commit, exactly-once claims by
several workers, idempotent jobs, and recovery when a worker is killed mid-job."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import WorkerHeartbeat
from jobs.services import WORKER_LOST, ingest_enqueue, jobs_recover_stale
from jobs.tasks import ingest_file
from kg.models import Chapter
from kg.tests.job_tasks import slow_marker
from kg.tests.test_accounts import library_fingerprint
from papers.models import Paper
from papers.tests.pdf_factory import make_pdf

ROOT = Path(__file__).resolve().parents[2]


def write_pdfs(folder: Path, count: int, prefix: str = "Report") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{prefix.lower()}-{n}.pdf"
        path.write_bytes(make_pdf(title=f"{prefix} {n}: Tiny Model Technical Report"))
        paths.append(path)
    return paths


def run_worker_in_process() -> None:
    call_command("ingest_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_enqueues_nothing(tmp_path):
    [pdf] = write_pdfs(tmp_path, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        ingest_enqueue(paths=[pdf])
        raise RuntimeError("the surrounding work failed")
    assert DBTaskResult.objects.count() == 0
    run_worker_in_process()
    assert Paper.objects.count() == 0

    with transaction.atomic():
        ingest_enqueue(paths=[pdf])
    assert DBTaskResult.objects.ready().count() == 1
    run_worker_in_process()
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.SUCCESSFUL, job.traceback
    assert job.return_value["results"][0]["status"] == "new"
    assert Paper.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_running_a_job_twice_gives_the_same_database_state(tmp_path):
    [pdf] = write_pdfs(tmp_path, 1)
    first = ingest_file.call(str(pdf))
    after_once = library_fingerprint()
    second = ingest_file.call(str(pdf))
    assert first["results"][0]["status"] == "new"
    assert second["results"][0]["status"] == "unchanged"
    assert library_fingerprint() == after_once
    assert len(list((Path(tmp_path) / "media" / "papers").glob("*.pdf"))) == 1


@pytest.mark.django_db(transaction=True)
def test_a_bad_file_fails_its_job_with_the_reason_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "page.pdf"
    bad.write_text("<html><body>not a pdf</body></html>")
    [good] = write_pdfs(tmp_path / "ok", 1)
    ingest_enqueue(paths=[bad, good])
    run_worker_in_process()
    jobs = {job.args_kwargs["args"][0]: job for job in DBTaskResult.objects.all()}
    failed = jobs[str(bad.resolve())]
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "jobs.tasks.IngestFailed" and "not a PDF" in failed.traceback
    assert jobs[str(good.resolve())].status == TaskResultStatus.SUCCESSFUL
    assert Paper.objects.count() == 1


@pytest.mark.django_db
def test_recovery_requeues_then_fails_jobs_of_dead_workers(settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", last_seen=now)
    WorkerHeartbeat.objects.create(worker_id="dead", last_seen=now - timezone.timedelta(minutes=5))

    def running(*workers: str) -> DBTaskResult:
        result = slow_marker.enqueue("/nonexistent", 0, "x").db_result
        DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.RUNNING, worker_ids=list(workers))
        return result

    busy = running("alive")
    orphan = running("dead")
    unknown = running("never-registered")
    exhausted = running("dead", "dead-2", "dead")
    assert jobs_recover_stale() == (2, 1)
    status = {r.pk: r for r in DBTaskResult.objects.all()}
    assert status[busy.pk].status == TaskResultStatus.RUNNING
    assert status[orphan.pk].status == TaskResultStatus.READY
    assert status[unknown.pk].status == TaskResultStatus.READY
    assert status[exhausted.pk].status == TaskResultStatus.FAILED
    assert status[exhausted.pk].exception_class_path == WORKER_LOST


# --- Worker processes against the test database -------------------------------------------


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(settings, name: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": "test-worker",
        "DEBUG": "false",
        **env,
    }
    log = open(Path(settings.MEDIA_ROOT).parent / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", "ingest_worker", "--no-startup-delay", "--interval", "0.2", "--worker-id", name],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.mark.django_db(transaction=True)
def test_two_workers_ingest_a_batch_each_file_stored_once(settings, tmp_path):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    pdfs = write_pdfs(tmp_path / "batch", 12)
    # The same bytes under other names: must not become second papers or second files.
    duplicates = []
    for n in range(3):
        copy = tmp_path / "batch" / f"copy-{n}.pdf"
        copy.write_bytes(pdfs[n].read_bytes())
        duplicates.append(copy)
    workers = [start_worker(settings, "worker-a"), start_worker(settings, "worker-b")]
    try:
        wait_for(lambda: WorkerHeartbeat.objects.count() == 2, 60, "both workers to start")
        ingest_enqueue(paths=pdfs + duplicates)
        elapsed = wait_for(lambda: not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists(),
                           180, "the batch to finish")
    finally:
        stop(*workers)
    jobs = list(DBTaskResult.objects.all())
    assert len(jobs) == 15
    assert all(job.status == TaskResultStatus.SUCCESSFUL for job in jobs), [j.traceback for j in jobs][:2]
    assert all(len(job.worker_ids) == 1 for job in jobs), "a job was claimed twice"
    claimed_by = {job.worker_ids[0] for job in jobs}
    assert claimed_by == {"worker-a", "worker-b"}
    assert Paper.objects.count() == 12
    assert len(set(Paper.objects.values_list("sha256", flat=True))) == 12
    stored = list((Path(settings.MEDIA_ROOT) / "papers").glob("*"))
    assert len(stored) == 12, "each file is stored exactly once"
    assert {p.file.name for p in Paper.objects.all()} == {f"papers/{f.name}" for f in stored}
    share = {w: sum(job.worker_ids[0] == w for job in jobs) for w in claimed_by}
    print(f"\n{connection.vendor}: 15 jobs (12 files + 3 duplicates) in {elapsed:.1f}s by two workers {share}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_has_its_job_retried_within_a_minute(settings, tmp_path):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    fast = {"JOBS_HEARTBEAT_SECONDS": "1", "JOBS_STALE_SECONDS": "5"}
    marker = tmp_path / "started"
    first = start_worker(settings, "doomed", **fast)
    second = None
    try:
        wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="doomed").exists(), 60, "the first worker")
        result = slow_marker.enqueue(str(marker), 4.0, "made-once")
        wait_for(marker.exists, 60, "the job to start")
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        marker.unlink()
        second = start_worker(settings, "rescuer", **fast)
        job = DBTaskResult.objects.get(pk=result.id)
        assert job.status == TaskResultStatus.RUNNING and job.worker_ids == ["doomed"]
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).worker_ids[-1:] == ["rescuer"], 60, "the retry")
        retried_after = time.monotonic() - killed_at
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL, 60,
                 "the retry to finish")
    finally:
        stop(first, *(w for w in [second] if w))
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.worker_ids == ["doomed", "rescuer"]
    assert Chapter.objects.filter(slug="made-once").count() == 1
    print(f"\nkilled mid-job: retried {retried_after:.1f}s after the kill (stale after 5s)")
    assert retried_after < 60


@pytest.mark.django_db
def test_enqueue_ingest_queues_one_job_per_pdf(tmp_path, django_capture_on_commit_callbacks):
    write_pdfs(tmp_path / "folder", 3)
    (tmp_path / "folder" / "notes.txt").write_text("not a pdf")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("enqueue_ingest", str(tmp_path / "folder"), verbosity=0)
    assert DBTaskResult.objects.ready().count() == 3
    with pytest.raises(CommandError, match="no such file"):
        call_command("enqueue_ingest", str(tmp_path / "missing"), verbosity=0)


@pytest.mark.django_db
def test_worker_health_check_follows_the_heartbeat(settings):
    with pytest.raises(CommandError, match="no worker"):
        call_command("ingest_worker", "--check-alive")
    WorkerHeartbeat.objects.create(worker_id="here", hostname=socket.gethostname(), last_seen=timezone.now())
    call_command("ingest_worker", "--check-alive", stdout=open(os.devnull, "w"))  # noqa: SIM115
    stale = timezone.now() - timezone.timedelta(seconds=settings.JOBS_STALE_SECONDS + 1)
    WorkerHeartbeat.objects.update(last_seen=stale)
    with pytest.raises(CommandError, match="no worker"):
        call_command("ingest_worker", "--check-alive")
