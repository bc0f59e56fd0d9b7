"""Settings shared by every environment. Values that vary come from config.env."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.SECRET_KEY or "dev-insecure-key-only-for-the-embedded-default"
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # axes before enterprises: its sign-in signal receivers run first, so the audit log
    # can tell whether a failed attempt tripped the lockout.
    "axes",
    "csp",
    "enterprises",
    "assessments",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.DomainErrorMiddleware",
    "enterprises.audit.AuditRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if env.DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            env.DATABASE_URL, conn_max_age=env.DB_CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
            # Concurrent writers (two tabs autosaving) wait for the lock instead of
            # failing with "database is locked": take it at BEGIN, wait up to 20 s,
            # and let readers proceed beside the writer (WAL).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "enterprises.User"
# Applied by every service that sets a password (registration, adding a member,
# provisioning officers and assessors); errors are reported against `password`.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "enterprises.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes watches every authenticate() call (sign-in page, admin, API token) and
# refuses it during a lockout; the model backend then does the real check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Sign-in throttling: after GRADIENT_SIGNIN_FAILURE_LIMIT failures for one username from
# one address, that pair is locked for GRADIENT_SIGNIN_LOCKOUT_MINUTES (measured from the
# failure that tripped it; attempts during the lockout do not extend it). A successful
# sign-in clears the count. Staff unlock early in the admin (Axes > access attempts) or
# with `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env.get_int("GRADIENT_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("GRADIENT_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "enterprises.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "enterprises.signin.client_ip"
# Sign-ins are recorded in the audit log (enterprises.AuditEvent), not twice.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Behind a reverse proxy, the request header (as a META key, e.g. HTTP_X_REAL_IP) that the
# proxy sets to the client's address; unset, the peer address (REMOTE_ADDR) is used.
GRADIENT_CLIENT_IP_HEADER = env.get("GRADIENT_CLIENT_IP_HEADER")

# Sessions: a working day at most (8 h from sign-in, not renewed by activity), and gone
# when the browser closes, since factory-floor computers are shared.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content Security Policy: scripts and styles only from our own static files (no inline
# script or style, no eval); images also as data: URIs (QR codes); nothing may frame us.
# The PDF templates keep inline styles: WeasyPrint renders them, no browser does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.STATIC_ROOT
# Uploaded evidence and generated PDFs live outside the web root and are served
# only through views that check access.
MEDIA_ROOT = env.MEDIA_ROOT
MEDIA_URL = "/media/"
# Every web and worker host must see the same media: MEDIA_ROOT on a shared filesystem
# (NFS, CephFS...) or, when a bucket is named, an S3-compatible object store.
if env.MEDIA_S3_BUCKET:
    _media_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.MEDIA_S3_BUCKET,
            "endpoint_url": env.MEDIA_S3_ENDPOINT_URL,
            "region_name": env.MEDIA_S3_REGION,
            "access_key": env.MEDIA_S3_ACCESS_KEY_ID,
            "secret_key": env.MEDIA_S3_SECRET_ACCESS_KEY,
            "location": env.MEDIA_S3_PREFIX,
            "addressing_style": env.MEDIA_S3_ADDRESSING_STYLE,
            # Private objects; downloads go through the views that check access.
            "default_acl": "private",
            "querystring_auth": True,
            # A generated file keeps its fixed name when re-rendered (reports/storage.py).
            "file_overwrite": True,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES: dict[str, dict[str, Any]] = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an anonymous call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gradient API",
    "DESCRIPTION": "智造梯度 Gradient: smart-factory gradient self-assessment API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The embedded default: with no broker configured, tasks run in-process (and Celery is
# pointed at its in-memory transport so nothing tries to reach a broker).
GRADIENT_BROKER_CONFIGURED = env.CELERY_BROKER_URL is not None
CELERY_BROKER_URL = env.CELERY_BROKER_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = env.CELERY_RESULT_BACKEND
CELERY_TASK_DEFAULT_QUEUE = env.CELERY_QUEUE
CELERY_TASK_ALWAYS_EAGER = not GRADIENT_BROKER_CONFIGURED
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, not when it was received: a worker killed
# mid-task (OOM, deploy, lost host) leaves the message to be delivered again, which is
# safe because every task is idempotent (reports/tasks.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message reserved per worker process at a time: a long PDF never holds back the
# short tasks queued behind it while another process idles.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.CELERY_WORKER_CONCURRENCY
# WeasyPrint's caches grow: recycle a worker process now and then.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# Default limits; each task sets tighter ones.
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis redelivers an unacknowledged message after this many seconds: longer than
    # any task may run (the hard limit) and any retry countdown, so a slow task is never
    # run twice at once.
    "visibility_timeout": 3600,
    # Bounded connects and reads (kombu waits forever by default), for a Redis that
    # vanishes without refusing connections: a failover, a dropped route.
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
# Redis down must cost a request about a second, not its whole timeout: an enqueue that
# fails is logged and left to beat's sweeps (tests/faults/test_broker_down.py). Sending
# retries the broker three times within about a second (Celery's default, spelled
# out). Before publishing, the sender also subscribes to the task's result on the result
# backend (the broker's Redis by default), which by default retries 20 times a second
# apart: a PDF request during an outage waited 19 s. One retry there, bounded sockets.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Losing the broker connection cancels running tasks (their messages come back anyway
# with acks_late) instead of finishing them and being unable to acknowledge.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Results (ids of issued certificates, counts) are kept a day in the result backend;
# progress that pages show lives in the database (GeneratedFile), which every web
# process reads.
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
GRADIENT_SITE_URL = env.SITE_URL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # WeasyPrint and fontTools narrate every render step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes narrates each sign-in at INFO; the audit log has them already.
        "axes": {"level": "WARNING"},
    },
}

GRADIENT_LEVEL_LABEL = _("Smart-factory gradient")

# Evidence uploads: at most this many bytes per file (20 MB by default).
GRADIENT_EVIDENCE_MAX_BYTES = env.get_int("GRADIENT_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Certificates: Ed25519 key (base64 raw or PEM) from the environment; without it a
# development key is generated into var/ (ignored by git).
GRADIENT_CERTIFICATE_SIGNING_KEY = env.CERTIFICATE_SIGNING_KEY
GRADIENT_DEV_SIGNING_KEY_FILE = str(BASE_DIR / "var" / "certificate-signing-key.pem")
GRADIENT_CERTIFICATE_VALID_DAYS = env.get_int("GRADIENT_CERTIFICATE_VALID_DAYS", 730)
# Peer comparisons and benchmarks need at least this many enterprises in a group.
GRADIENT_BENCHMARK_MIN_GROUP = env.get_int("GRADIENT_BENCHMARK_MIN_GROUP", 5)
# Export files are deleted this many days after they are made (the job stays listed).
GRADIENT_EXPORT_RETENTION_DAYS = env.get_int("GRADIENT_EXPORT_RETENTION_DAYS", 7)

# A rejected supplier import's problems stay downloadable (as a sheet) this long.
GRADIENT_IMPORT_ERRORS_TTL_HOURS = env.get_int("GRADIENT_IMPORT_ERRORS_TTL_HOURS", 24)
# Supply-chain reminders: an invitation unanswered for more than this many days, a
# requirement deadline within this many days. At most one email a week per supplier;
# a failed send is retried this many times within the week.
GRADIENT_REMINDER_INVITATION_DAYS = env.get_int("GRADIENT_REMINDER_INVITATION_DAYS", 7)
GRADIENT_REMINDER_DEADLINE_DAYS = env.get_int("GRADIENT_REMINDER_DEADLINE_DAYS", 14)
GRADIENT_REMINDER_MAX_ATTEMPTS = env.get_int("GRADIENT_REMINDER_MAX_ATTEMPTS", 5)

# Every periodic schedule, in one place.
CELERY_BEAT_SCHEDULE = {
    "settle-unsettled-assessments": {
        "task": "reports.sweep_unsettled",
        "schedule": 600.0,
    },
    # Rewrites the current quarter's analytics snapshot of every bureau scope, so a
    # finished quarter keeps the figures of its last run (reports/analytics/snapshots.py).
    "build-analytics-snapshots": {
        "task": "reports.build_analytics_snapshots",
        "schedule": 6 * 3600.0,
    },
    # Daily in the morning (CELERY_TIMEZONE, Beijing time): claim and send this week's
    # reminders. Safe to run twice: each supplier's week is claimed by a unique row.
    "supply-reminders": {
        "task": "reports.supply_reminders",
        "schedule": crontab(hour=9, minute=30),
    },
    # Hourly: resend reminders whose sending failed or whose task was lost.
    "supply-reminders-retry": {
        "task": "reports.supply_reminders_retry",
        "schedule": crontab(minute=15),
    },
    # Nightly (Beijing time): what the dashboards read ahead (settled cells, chain
    # standings) checked against its rows, and rebuilt if a bulk write went past it.
    "check-analytics-tables": {
        "task": "reports.check_analytics_tables",
        "schedule": crontab(hour=3, minute=40),
    },
    "sweep-exports": {
        "task": "reports.sweep_exports",
        "schedule": 300.0,
    },
    "requeue-stale-generated-files": {
        "task": "reports.requeue_stale_files",
        "schedule": 300.0,
    },
}
