"""Worker heartbeats: how the queue tells a dead worker's job from a slow one."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per live worker process, touched every JOBS_HEARTBEAT_SECONDS."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
