"""PostgreSQL restarted (every connection dropped): the next request succeeds.

Production keeps connections open between requests (CONN_MAX_AGE) and checks them
before reuse (CONN_HEALTH_CHECKS). This test gives the test connection the same two
settings, has PostgreSQL terminate it the way a restart does, and sends the next
request through the real WSGI handler (which runs Django's request_started signal,
unlike the test client).
"""

from __future__ import annotations

import io

import psycopg
import pytest
from django.db import connection

from config.wsgi import application

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; CI runs it"),
]


def _get(path: str) -> tuple[str, bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    status: list[str] = []
    body = b"".join(application(environ, lambda s, h, *a: status.append(s)))
    return status[0], body


def test_the_request_after_the_database_dropped_every_connection_succeeds(
    reference_loaded, settings
) -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    try:
        status, _ = _get("/api/v1/regions/")
        assert status.startswith("200")
        before = connection.connection.info.backend_pid  # kept open for the next request

        params = connection.get_connection_params()
        with psycopg.connect(**{**params, "autocommit": True}) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [before])

        status, body = _get("/api/v1/regions/")
        assert status.startswith("200"), body[:500]
        assert connection.connection.info.backend_pid != before
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
