# Mianjing Graph: one image for the web server (gunicorn) and the ingest workers.
FROM python:3.11-slim-bookworm

# The image's own settings are production ones; .env / docker-compose.yml supply the rest
# (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL). See .env.example for every setting.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    DATA_DIR=/data \
    MEDIA_ROOT=/data/media \
    PAPERS_DIR=/data/papers \
    READ_REQUIRES_LOGIN=true \
    SECURE_SSL_REDIRECT=true \
    SECURE_HSTS_SECONDS=31536000 \
    SECURE_HSTS_INCLUDE_SUBDOMAINS=true \
    SECURE_HSTS_PRELOAD=true \
    SESSION_COOKIE_SECURE=true \
    CSRF_COOKIE_SECURE=true \
    CONTENT_VERSION_TTL_MS=1000 \
    WEB_CONCURRENCY=3

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime dependencies only: requirements.txt lists tests and tooling after this marker line.
COPY requirements.txt .
RUN sed '/^# tests and tooling/,$d' requirements.txt > /tmp/runtime-requirements.txt \
    && pip install --no-cache-dir -r /tmp/runtime-requirements.txt \
    && rm /tmp/runtime-requirements.txt

COPY --chown=app:app . .

# Static files are collected into the image; WhiteNoise serves them with hashed names.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
        python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/collectstatic.sqlite3* \
    && mkdir -p /data/media /data/papers \
    && chown -R app:app /data /app/staticfiles \
    && chmod +x docker/entrypoint.sh

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
# --timeout above PDF_PARSE_TIMEOUT: an upload is parsed within its request.
CMD ["gunicorn", "kg.wsgi", "--bind", "0.0.0.0:8000", "--threads", "4", "--timeout", "120", "--access-logfile", "-"]
