"""The permission matrix: every route x every persona x own / other tenant.

Routes come from the URL configuration itself: a route with no entry in `MATRIX` fails
`test_every_route_has_an_entry_in_the_matrix`, so no new endpoint can skip it. Each
request runs inside a savepoint that is rolled back, so a permitted write by one persona
does not change what the next one sees.

Statuses are written "own/other": `own` is the request aimed at the personas'
enterprise (Suzhou), `other` at the outsider enterprise (Nanjing); routes that are not
tenant-bound have the same status twice. Write requests carry an empty body: a persona
allowed to write gets the validation error (400) or the action's own answer, one who is
not gets 403 or 404 (another tenant's object does not exist for them).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.matrix import MATRIX, PERSONAS, SKIPPED_PREFIXES
from tests.security.world import build_tenants


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and not (prefix + str(entry.pattern)).startswith(SKIPPED_PREFIXES)
            ):
                names.add(entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_has_an_entry_in_the_matrix() -> None:
    missing = sorted(_route_names() - set(MATRIX))
    stale = sorted(set(MATRIX) - _route_names())
    assert missing == [], f"routes without an entry in tests/security/matrix.py: {missing}"
    assert stale == [], f"matrix entries for routes that no longer exist: {stale}"


@pytest.fixture
def world(personas, test_framework):
    own, other = build_tenants(personas)
    users = {"anonymous": None, **personas.all()}
    return {"own": own, "other": other}, users


def _request(client: Client, method: str, url: str, api: bool):
    call = getattr(client, method.lower())
    if method == "GET":
        return call(url)
    if api:
        return call(url, data={}, content_type="application/json")
    return call(url, data={})


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CASES = [(name, method) for name in sorted(MATRIX) for method in MATRIX[name].methods]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_each_persona_gets_the_expected_status(world, name: str, method: str) -> None:
    tenants, users = world
    row = MATRIX[name]
    expected = row.methods[method]
    actual: dict[str, str] = {}
    for persona in PERSONAS:
        statuses = []
        for side in ("own", "other"):
            url = tenants[side].url(name, row.target)
            client = Client()
            if users[persona] is not None:
                client.force_login(users[persona])
            with transaction.atomic():
                response = _request(client, method, url, api=name.startswith("api-"))
                transaction.set_rollback(True)
            statuses.append(str(response.status_code))
        actual[persona] = "/".join(statuses)
    assert actual == expected


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_methods_a_route_does_not_list_are_refused(world, name: str) -> None:
    """A signed-in administrator gets 405 for every method the matrix does not list."""
    tenants, users = world
    row = MATRIX[name]
    url = tenants["own"].url(name, row.target)
    client = Client()
    client.force_login(users["admin"])
    for method in METHODS:
        if method in row.methods:
            continue
        with transaction.atomic():
            response = _request(client, method, url, api=name.startswith("api-"))
            transaction.set_rollback(True)
        assert response.status_code == 405, f"{method} {url}: {response.status_code}"
