#!/bin/sh
# Container start: wait for the database, migrate, load the bundled content and the PDFs in
# PAPERS_DIR, then run the command (gunicorn by default; `ingest_worker` for workers).
# MIGRATE_ON_START=false / LOAD_CONTENT_ON_START=false skip those steps (workers, replicas).
set -eu

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

"$PYTHON" manage.py wait_for_db --timeout "${DB_WAIT_SECONDS:-60}"

if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
  "$PYTHON" manage.py migrate --noinput
fi

if [ "${LOAD_CONTENT_ON_START:-true}" = "true" ]; then
  mkdir -p "${PAPERS_DIR:-data/papers}"
  # A PDF that fails to ingest is reported and skipped; it must not keep the site down.
  "$PYTHON" manage.py ingest --pdf-only content "${PAPERS_DIR:-data/papers}" \
    || echo "entrypoint: some files failed to ingest (see above); serving anyway" >&2
fi

exec "$@"
