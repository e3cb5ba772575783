"""Enqueueing ingest jobs, and recovering the jobs of workers that died."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import WorkerHeartbeat
from jobs.tasks import ingest_file

logger = logging.getLogger("jobs")

WORKER_LOST = "jobs.services.WorkerLost"


def ingest_enqueue(*, paths: Iterable[Path], force: bool = False) -> None:
    """Queue one ingest job per file, sent only when the surrounding transaction commits.

    A transaction that rolls back after calling this leaves no job behind, with any backend.
    """
    for path in paths:
        args = (str(Path(path).resolve()),)
        transaction.on_commit(lambda args=args: ingest_file.enqueue(*args, force=force), robust=False)


def jobs_recover_stale(*, now=None) -> tuple[int, int]:
    """Requeue or fail the running jobs whose worker stopped sending heartbeats.

    A job goes back to the queue until it has been tried JOBS_MAX_ATTEMPTS times; then it is
    marked failed with the reason. Returns (requeued, failed).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    live = set(WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values_list("worker_id", flat=True))
    requeued = failed = 0
    with transaction.atomic():
        for job in DBTaskResult.objects.running().select_for_update(skip_locked=True).order_by("started_at"):
            worker = job.worker_ids[-1] if job.worker_ids else ""
            if worker in live:
                continue
            attempts = len(job.worker_ids)
            if attempts >= settings.JOBS_MAX_ATTEMPTS:
                job.status = TaskResultStatus.FAILED
                job.finished_at = now
                job.exception_class_path = WORKER_LOST
                job.traceback = f"worker {worker} stopped answering during attempt {attempts}; no attempts left"
                job.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
                logger.warning("job %s of dead worker %s failed after %d attempts", job.id, worker, attempts)
            else:
                job.status = TaskResultStatus.READY
                job.save(update_fields=["status"])
                requeued += 1
                logger.warning("job %s of dead worker %s requeued after attempt %d", job.id, worker, attempts)
    # Forget workers long gone.
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(seconds=10 * settings.JOBS_STALE_SECONDS)).delete()
    return requeued, failed
