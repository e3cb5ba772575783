"""Run a background worker for ingest jobs: `manage.py ingest_worker`.

Any number of workers may run, on this machine or others sharing the database (and the
files the jobs name). Each job is claimed by exactly one worker; a worker killed mid-job
is noticed by the others within JOBS_STALE_SECONDS and its job requeued or marked failed.
`--check-alive` exits 0 when a worker on this host has sent a heartbeat lately (health check).
"""

import logging
import socket
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs.models import WorkerHeartbeat
from jobs.worker import HeartbeatWorker


class Command(DBWorkerCommand):
    help = "Process background ingest jobs from the database queue (Ctrl+C stops after the current job)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument("--check-alive", action="store_true", help="Exit 0 if a worker on this host is alive.")

    def handle(self, *args, check_alive: bool = False, **options):
        if check_alive:
            return self.check_alive()
        self.configure_logging(options["verbosity"])
        logging.getLogger("jobs").setLevel(logging.INFO if options["verbosity"] >= 1 else logging.CRITICAL)
        worker = HeartbeatWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        worker.configure_signals()
        worker.run()

    def check_alive(self) -> None:
        cutoff = timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS)
        if not WorkerHeartbeat.objects.filter(hostname=socket.gethostname()[:255], last_seen__gte=cutoff).exists():
            host, seconds = socket.gethostname(), settings.JOBS_STALE_SECONDS
            raise CommandError(f"no worker on {host} sent a heartbeat in the last {seconds}s")
        self.stdout.write("alive")
