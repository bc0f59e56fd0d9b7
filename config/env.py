"""The one module that reads the process environment.

Every setting that may vary between machines comes through here, so that a
reader can see in one place what an operator may configure.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def require(name: str) -> str:
    value = get(name)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} must be set in production.")
    return value


def get_bool(name: str, default: bool = False) -> bool:
    value = get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_int(name: str, default: int) -> int:
    value = get(name)
    return default if value is None else int(value)


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DATABASE_URL = get("DATABASE_URL")
# Seconds a database connection is kept open between requests (0: one per request). Every
# reuse starts with a health check, so a restarted PostgreSQL costs one retry, not an error.
DB_CONN_MAX_AGE = get_int("DJANGO_CONN_MAX_AGE", 60)
CELERY_BROKER_URL = get("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
# The queue every task goes to and every worker consumes: give each site (or the
# integration tests) its own when several share one Redis.
CELERY_QUEUE = get("GRADIENT_CELERY_QUEUE", "celery")
SECRET_KEY = get("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = get_list("DJANGO_ALLOWED_HOSTS")
DEBUG = get_bool("DJANGO_DEBUG", False)
MEDIA_ROOT = get("GRADIENT_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
# Media (evidence, generated PDFs) on an S3-compatible object store instead of
# MEDIA_ROOT: naming a bucket switches it on. The store must be private; files are
# served through the views that check access, never by public URL.
MEDIA_S3_BUCKET = get("GRADIENT_MEDIA_S3_BUCKET")
MEDIA_S3_ENDPOINT_URL = get("GRADIENT_MEDIA_S3_ENDPOINT_URL")  # MinIO, Ceph, OSS, COS...
MEDIA_S3_REGION = get("GRADIENT_MEDIA_S3_REGION")
MEDIA_S3_ACCESS_KEY_ID = get("GRADIENT_MEDIA_S3_ACCESS_KEY_ID")
MEDIA_S3_SECRET_ACCESS_KEY = get("GRADIENT_MEDIA_S3_SECRET_ACCESS_KEY")
MEDIA_S3_PREFIX = get("GRADIENT_MEDIA_S3_PREFIX", "media")
MEDIA_S3_ADDRESSING_STYLE = get("GRADIENT_MEDIA_S3_ADDRESSING_STYLE")  # "path" for MinIO
STATIC_ROOT = get("GRADIENT_STATIC_ROOT", str(BASE_DIR / "var" / "static"))
EMAIL_URL_HOST = get("EMAIL_HOST")
EMAIL_PORT = get_int("EMAIL_PORT", 25)
# Production sends by SMTP (EMAIL_HOST, EMAIL_PORT); `make serve` prints mail instead.
EMAIL_BACKEND = get("DJANGO_EMAIL_BACKEND")
DEFAULT_FROM_EMAIL = get("DEFAULT_FROM_EMAIL", "Gradient <noreply@gradient.local>")
SITE_URL = get("GRADIENT_SITE_URL", "http://127.0.0.1:8000")
CERTIFICATE_SIGNING_KEY = get("GRADIENT_CERTIFICATE_SIGNING_KEY")

# Production behind TLS: redirect to https and mark cookies secure. `make serve` turns
# both off, as it serves plain http on 127.0.0.1.
SECURE_SSL_REDIRECT = get_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_COOKIES = get_bool("DJANGO_SECURE_COOKIES", True)
HSTS_SECONDS = get_int("DJANGO_HSTS_SECONDS", 31536000)

# Process sizes (config/gunicorn.py, Celery workers). Scale out by running more of
# the same processes on more hosts; these size each process.
WEB_BIND = get("GRADIENT_WEB_BIND") or f"127.0.0.1:{get('PORT', '8000')}"
WEB_CONCURRENCY = get_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
WEB_THREADS = get_int("GRADIENT_WEB_THREADS", 4)
WEB_TIMEOUT = get_int("GRADIENT_WEB_TIMEOUT", 30)
WEB_KEEPALIVE = get_int("GRADIENT_WEB_KEEPALIVE", 75)
WEB_ACCESS_LOG = get_bool("GRADIENT_WEB_ACCESS_LOG", True)
CELERY_WORKER_CONCURRENCY = get_int("CELERY_WORKER_CONCURRENCY", 2)
