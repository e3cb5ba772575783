"""A django-tasks-db worker that also sends heartbeats and recovers dead workers' jobs."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from jobs.models import WorkerHeartbeat
from jobs.services import jobs_recover_stale

logger = logging.getLogger("jobs")


class HeartbeatWorker(Worker):
    """Claims jobs like django-tasks-db's worker (one row lock per claim, so each job runs once),
    and keeps a heartbeat row fresh from a thread, so a worker killed mid-job is noticed by the
    others (or by its own restart) within JOBS_STALE_SECONDS, and its job requeued."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._stop = threading.Event()

    def run(self) -> None:
        self.beat()
        thread = threading.Thread(target=self._beat_forever, name="heartbeat", daemon=True)
        thread.start()
        try:
            self.recover()
            super().run()
        finally:
            self._stop.set()
            thread.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        )

    def _beat_forever(self) -> None:
        while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
            try:
                self.beat()
                self.recover()
            except Exception:  # a database blip: the next beat tries again
                logger.exception("heartbeat of %s failed", self.worker_id)
            close_old_connections()
        connection.close()

    def recover(self) -> None:
        requeued, failed = jobs_recover_stale()
        if requeued or failed:
            logger.warning("recovered jobs of dead workers: %d requeued, %d failed", requeued, failed)
