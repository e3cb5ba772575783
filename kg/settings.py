"""Settings for Mianjing Graph, read from the environment (12-factor).

Every setting is listed in `.env.example`. Production secrets have no default:
with DEBUG off, SECRET_KEY must be set.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is not set; it is required when DEBUG is off")
    # Only with DEBUG on, for development; `make run` generates a real key in data/.
    SECRET_KEY = "insecure-dev-key-mianjing-graph-local-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "kg",
    "papers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "kg.middleware.ReadRequiresLoginMiddleware",
    # Last, as django-axes asks: it turns a throttled login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kg.urls"
WSGI_APPLICATION = "kg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def database_config() -> dict:
    default_url = f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
    url = os.environ.get("DATABASE_URL", "") or default_url
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is malformed ({exc})") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # WAL, immediate write transactions and a busy timeout: several threads
        # and processes can write without "database is locked".
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests get a file of their own (one per process), not shared-cache memory: threads
        # writing at once then wait on the busy timeout instead of "database table is locked".
        config["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"mianjing-test-{os.getpid()}.sqlite3")}
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif engine == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    else:
        raise ImproperlyConfigured(f"DATABASE_URL must be sqlite:// or postgres://, not {url.split(':')[0]!r}")
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Reading is public on a personal instance; the Docker image turns this on.
READ_REQUIRES_LOGIN = env_bool("READ_REQUIRES_LOGIN")
AUTHENTICATION_BACKENDS = [
    "kg.auth_backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES (a wrong guess elsewhere locks nobody else).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"

PAPERS_DIR = Path(os.environ.get("PAPERS_DIR", DATA_DIR / "papers"))
CONTENT_DIR = BASE_DIR / "content"
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", 300)
PDF_MAX_BYTES = env_int("PDF_MAX_BYTES", 50 * 1024 * 1024)
PDF_PARSE_TIMEOUT = env_int("PDF_PARSE_TIMEOUT", 60)
# Rendering the worst case at this size stays under a second (python -m kg.notes.worstcase).
NOTE_MAX_BYTES = env_int("NOTE_MAX_BYTES", 32 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The cap on uploads is enforced while the body streams in (see papers/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "papers.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mianjing",
        "TIMEOUT": 3600,
    }
}
# Every cache keys on the content version. 0: read it from the database on every request;
# N: a process re-reads it at most every N ms, so a page served from the cache touches no
# database, and another process's edit shows within N ms (this process's own at once).
CONTENT_VERSION_TTL_MS = env_int("CONTENT_VERSION_TTL_MS", 0)

# Deployment: HTTPS behind a proxy, all from the environment.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# Probes answer over plain HTTP too: a container health check or load balancer asks them directly.
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from our own static files, never
# inline or eval (htmx is told so by the htmx-config meta tag in base.html). Inline style
# *attributes* stay allowed because KaTeX positions glyphs with them; style sheets are ours only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Background jobs (ingest of many files) on a database-backed queue: rows in the same
# database as everything else, so a job enqueued in a rolled-back transaction never exists.
# Workers: `manage.py ingest_worker`. TASKS_BACKEND=immediate runs jobs inline (no worker).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(os.environ.get("TASKS_BACKEND", "database"), "invalid"),
    }
}
if TASKS["default"]["BACKEND"] == "invalid":
    raise ImproperlyConfigured("TASKS_BACKEND must be database or immediate")
# A worker whose heartbeat is older than this is presumed dead; its running job is retried
# (up to JOBS_MAX_ATTEMPTS attempts in all) or marked failed.
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 5)
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 30)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
