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
CELERY_BROKER_URL = get("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
SECRET_KEY = get("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = get_list("DJANGO_ALLOWED_HOSTS")
DEBUG = get_bool("DJANGO_DEBUG", False)
MEDIA_ROOT = get("GRADIENT_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
STATIC_ROOT = get("GRADIENT_STATIC_ROOT", str(BASE_DIR / "var" / "static"))
EMAIL_URL_HOST = get("EMAIL_HOST")
EMAIL_PORT = get_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = get("DEFAULT_FROM_EMAIL", "Gradient <noreply@gradient.local>")
SITE_URL = get("GRADIENT_SITE_URL", "http://127.0.0.1:8000")
CERTIFICATE_SIGNING_KEY = get("GRADIENT_CERTIFICATE_SIGNING_KEY")
