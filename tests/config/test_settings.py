"""Production settings refuse to start without their secrets, and pass check --deploy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRADIENT_CERTIFICATE"))
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_ALLOWED_HOSTS": "gradient.example.com",
        },
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 60,
        },
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 30 + "Q7#v" + "z" * 30,
            "DJANGO_ALLOWED_HOSTS": "gradient.example.com",
            "GRADIENT_CERTIFICATE_SIGNING_KEY": "A" * 43 + "=",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_certificate_signing_key() -> None:
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "gradient.example.com",
        },
    )
    assert result.returncode != 0
    assert "GRADIENT_CERTIFICATE_SIGNING_KEY" in result.stderr


def test_production_sends_cookies_over_https_only_with_hsts_and_redirects() -> None:
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
        "for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'DEBUG']}))"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 30 + "Q7#v" + "z" * 30,
            "DJANGO_ALLOWED_HOSTS": "gradient.example.com",
            "GRADIENT_CERTIFICATE_SIGNING_KEY": "A" * 43 + "=",
        },
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_AGE": 8 * 60 * 60,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "DEBUG": False,
    }


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 30 + "Q7#v" + "z" * 30,
    "DJANGO_ALLOWED_HOSTS": "gradient.example.com",
    "GRADIENT_CERTIFICATE_SIGNING_KEY": "A" * 43 + "=",
}

PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; from django.db import connection; "
    "from django.core.files.storage import storages; "
    "print(json.dumps({'middleware': s.MIDDLEWARE, 'storages': s.STORAGES, "
    "'conn_max_age': connection.settings_dict['CONN_MAX_AGE'], "
    "'health_checks': connection.settings_dict['CONN_HEALTH_CHECKS'], "
    "'queue': s.CELERY_TASK_DEFAULT_QUEUE, 'media': type(storages['default']).__name__}))"
)


def production_settings(**extra: str) -> dict:
    import json

    result = run_manage("shell", "-c", PRINT_SETTINGS, env={**PRODUCTION_ENV, **extra})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_serves_static_files_hashed_and_compressed_through_whitenoise() -> None:
    values = production_settings(DATABASE_URL="postgresql://u@127.0.0.1:5432/gradient")
    assert values["middleware"][:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]
    assert values["storages"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    # Persistent connections, checked before each reuse.
    assert values["conn_max_age"] == 60 and values["health_checks"] is True


def test_media_moves_to_an_s3_compatible_store_when_a_bucket_is_named() -> None:
    on_disk = production_settings()
    assert on_disk["media"] == "FileSystemStorage"
    s3 = production_settings(
        GRADIENT_MEDIA_S3_BUCKET="gradient-media",
        GRADIENT_MEDIA_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        GRADIENT_MEDIA_S3_ADDRESSING_STYLE="path",
        DJANGO_CONN_MAX_AGE="0",
        GRADIENT_CELERY_QUEUE="gradient-site-a",
    )
    backend = s3["storages"]["default"]
    assert backend["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["media"] == "S3Storage"  # django-storages is installed and configured
    options = backend["OPTIONS"]
    assert options["bucket_name"] == "gradient-media"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] == "private" and options["file_overwrite"] is True
    assert s3["conn_max_age"] == 0
    assert s3["queue"] == "gradient-site-a"


def test_make_serve_writes_its_local_secrets_once_and_privately(tmp_path: Path) -> None:
    from config.serve import ensure_secrets
    from reports.signing import _load_configured

    path = tmp_path / "var" / "serve.env"
    assert ensure_secrets(path) is True
    first = path.read_text()
    assert ensure_secrets(path) is False
    assert path.read_text() == first  # kept: sessions and certificates survive restarts
    assert path.stat().st_mode & 0o777 == 0o600
    values = dict(line.split("=", 1) for line in first.splitlines() if "=" in line)
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert _load_configured(values["GRADIENT_CERTIFICATE_SIGNING_KEY"]).public_key()


def test_make_serve_says_what_to_start_when_a_service_does_not_answer() -> None:
    import pytest

    from config.serve import NotReady, check_postgres, check_redis

    with pytest.raises(NotReady, match=r"PostgreSQL does not answer at 127\.0\.0\.1:1"):
        check_postgres("postgresql://postgres@127.0.0.1:1/gradient")
    with pytest.raises(NotReady, match=r"Redis does not answer at 127\.0\.0\.1:1"):
        check_redis("redis://127.0.0.1:1/0")
    with pytest.raises(NotReady, match="must point at PostgreSQL"):
        check_postgres("sqlite:///var/db.sqlite3")


def test_make_serve_says_when_its_port_is_taken() -> None:
    import socket

    import pytest

    from config.serve import NotReady, check_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(NotReady, match=f"127.0.0.1:{port} is in use"):
            check_port(f"127.0.0.1:{port}")
    check_port(f"127.0.0.1:{port}")  # free again
