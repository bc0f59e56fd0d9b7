"""Preparation for `make serve` (bin/serve): the services answer, the database exists,
and the secrets production settings require exist for this checkout.

    python -m config.serve prepare var/serve.env

Exits non-zero with a message saying what to start or set when PostgreSQL or Redis does
not answer. Writes `var/serve.env` (mode 600, ignored by git) once with a random
DJANGO_SECRET_KEY and an Ed25519 GRADIENT_CERTIFICATE_SIGNING_KEY, and reuses it on
every later run, so sessions and issued certificates survive a restart. Those values
are for this machine only; a real deployment gets its own from its secret store.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from config import env


class NotReady(Exception):
    """A service `make serve` needs does not answer; the message says what to do."""


def check_postgres(url: str) -> None:
    """PostgreSQL answers at `url`; the database is created when it does not exist."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise NotReady(f"DATABASE_URL must point at PostgreSQL for make serve, not {url!r}.")
    name = parts.path.lstrip("/")
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise NotReady(
                f"PostgreSQL does not answer at {parts.hostname}:{parts.port or 5432} "
                f"({str(exc).strip().splitlines()[0]}). Start it (for example "
                "`pg_ctlcluster 15 main start`) or set DATABASE_URL."
            ) from exc
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"created database {name}")


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        parts = urlsplit(url)
        raise NotReady(
            f"Redis does not answer at {parts.hostname}:{parts.port or 6379} ({exc}). "
            "Start it (for example `redis-server --daemonize yes`) or set CELERY_BROKER_URL."
        ) from exc


def check_port(bind: str) -> None:
    """Nothing listens on the address gunicorn is to bind (`host:port`)."""
    import socket

    host, _, port = bind.rpartition(":")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host or "127.0.0.1", int(port)))
        except OSError as exc:
            raise NotReady(
                f"{bind} is in use ({exc.strerror}); stop what listens there or choose "
                "another port, e.g. `make serve PORT=8001`."
            ) from exc


def signing_key() -> str:
    """A fresh Ed25519 private key as base64 of its 32 raw bytes (what signing reads)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode()


def ensure_secrets(path: Path) -> bool:
    """Write the local secrets file unless it exists; True when it was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Local secrets for `make serve` on this machine only; generated once, never commit.",
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
        f"GRADIENT_CERTIFICATE_SIGNING_KEY={signing_key()}",
    ]
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    tmp.replace(path)
    return True


def prepare(secrets_path: Path) -> None:
    if not env.DATABASE_URL or not env.CELERY_BROKER_URL:
        raise NotReady("make serve needs DATABASE_URL and CELERY_BROKER_URL (bin/serve sets both).")
    check_postgres(env.DATABASE_URL)
    check_redis(env.CELERY_BROKER_URL)
    check_port(env.WEB_BIND)
    if ensure_secrets(secrets_path):
        print(f"generated local secrets into {secrets_path} (kept for later runs)")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "prepare":
        print("usage: python -m config.serve prepare SECRETS_FILE", file=sys.stderr)
        return 2
    try:
        prepare(Path(argv[1]))
    except NotReady as exc:
        print(f"make serve: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
