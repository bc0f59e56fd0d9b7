"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation in `/api/schema/` is called with generated input, signed in as an
enterprise admin and as a bureau officer: no response may be a server error, and every
documented response must match its schema. The WSGI app is called in-process, so the
requests see the test's database (personas and their data).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's test client stops each request from closing the database connection
    (inside the test's transaction that would close it); calling the WSGI app directly
    needs the same, or the next query runs on a closed connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _call(case, user) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {_token(user)}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_no_operation_fails_or_breaks_its_schema_for_an_enterprise_admin(case, personas) -> None:
    _call(case, personas.admin)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_no_operation_fails_or_breaks_its_schema_for_a_bureau_officer(case, personas) -> None:
    _call(case, personas.officer)
