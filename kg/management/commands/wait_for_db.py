"""Wait until the database answers: `manage.py wait_for_db --timeout 60`.

Used by the container entrypoint, so a web or worker container started beside a database
that is still booting waits for it instead of failing its migrations.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Wait until the database accepts connections (exits non-zero after --timeout seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0, help="Seconds to wait at most (default 60).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between attempts (default 1).")

    def handle(self, *args, timeout: float, interval: float, verbosity: int, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
                break
            except OperationalError as exc:
                connection.close()
                if time.monotonic() >= deadline:
                    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise CommandError(f"database not reachable after {timeout:g}s: {reason}") from None
                time.sleep(interval)
        if verbosity >= 1:
            self.stdout.write(f"database is up ({connection.vendor})")
