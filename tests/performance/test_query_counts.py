"""Every page and API call does a fixed number of queries, whatever the number of rows.

The routes come from the permission matrix (tests/security/matrix.py), which the URL
configuration itself keeps complete: every route with a GET that answers 200 to some
persona is requested by each representative persona it answers 200 to, in the
matrix's world (tests/security/world.py) grown once (so that every list holds at least
one row of each kind), then again after two more rounds of growth (tests/performance/
growth.py: at least three of each), and the two query counts must be equal. A route
whose GET answers 200 to nobody is listed in `EXCLUDED` with the reason; the list is
checked against the matrix, so a stale exclusion fails as a missing one does.

A count that grows is an N+1 to fix in the code (select_related, prefetch_related, an
annotation, a bulk loader), never here. Timings do not belong here: see benchmarks/.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.performance.growth import World, grow
from tests.security.matrix import MATRIX, PERSONAS
from tests.security.world import ROUTE_KWARGS, Tenant, build_tenants

# One persona per way of seeing the site: the editor and viewer see what the admin
# sees, the outsider and the other officer are the admin and the officer of the other
# tenant.
REPRESENTATIVES = ("anonymous", "admin", "anchor", "officer", "assessor", "platform_admin")

EXCLUDED = {
    "certificate-pdf": "answers 202 while a Celery job makes the PDF (then redirects to it)",
    "report-pdf": "answers 202 while a Celery job makes the PDF (then redirects to it)",
    "set_language": "redirects (302) for everyone: nothing is listed",
}

# Targets beyond the matrix's: a settled assessment of the larger shipped framework,
# with adopted plan items (the world's small framework has one possible plan item).
EXTRA_TARGETS = {
    "rich": lambda world, tenant: {"pk": world.rich[tenant.enterprise.pk].pk},
}


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    persona: str
    query: str = ""  # "{enterprise}" stands for the tenant enterprise's id

    def __str__(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.name}{query} [{self.target}] as {self.persona}"


def _matrix_cases() -> list[Case]:
    cases = []
    for name, row in sorted(MATRIX.items()):
        statuses = row.methods.get("GET")
        if statuses is None or name in EXCLUDED:
            continue
        for persona in REPRESENTATIVES:
            if statuses[persona].split("/")[0] == "200":
                cases.append(Case(name, row.target, persona))
    return cases


# The same routes on what the matrix's targets leave out: the questionnaire of a draft
# (the matrix points it at a settled assessment), a plan with many adopted items,
# analytics on the framework the world's results are on, filtered lists.
VARIANTS = [
    Case("assessment-detail", "draft", "admin"),
    Case("api-assessment", "draft", "admin"),
    Case("api-assessment-result", "draft", "admin"),
    Case("assessment-result", "rich", "admin"),
    Case("api-assessment-result", "rich", "admin"),
    Case("assessment-plan", "rich", "admin"),
    Case("assessment-plan", "rich", "officer"),
    Case("api-assessment-plan", "rich", "admin"),
    Case("api-assessment", "rich", "admin"),
    Case("assessment-detail", "rich", "admin"),
    Case("api-assessments", "none", "admin", "status=submitted"),
    Case("analytics", "none", "officer", "framework=test-fw"),
    Case("analytics", "none", "officer", "framework=test-fw&cluster=iot&region=320505"),
    Case("analytics-enterprises", "none", "officer", "framework=test-fw"),
    Case("analytics-enterprises", "none", "officer", "framework=test-fw&assessed=yes&level=L1"),
    Case("analytics-enterprises", "none", "officer", "framework=test-fw&anchor={enterprise}"),
    Case("api-analytics-summary", "none", "officer", "framework=test-fw"),
    Case("api-analytics-enterprises", "none", "officer", "framework=test-fw"),
    Case("audit-events", "none", "platform_admin", "action=membership.added"),
    Case("api-audit-events", "none", "platform_admin", "enterprise={enterprise}"),
]

CASES = _matrix_cases() + VARIANTS


def _url(world: World, tenant: Tenant, case: Case) -> str:
    if case.target in EXTRA_TARGETS:
        kwargs = EXTRA_TARGETS[case.target](world, tenant)
    else:
        kwargs = dict(ROUTE_KWARGS[case.target](tenant))
    query = [
        str(kwargs.pop("?", "")).lstrip("?"),
        case.query.format(enterprise=tenant.enterprise.pk),
    ]
    query = [part for part in query if part]
    return reverse(case.name, kwargs=kwargs) + ("?" + "&".join(query) if query else "")


def _clients(personas) -> dict[str, Client]:
    users = {"anonymous": None, **personas.all()}
    clients = {}
    for persona in REPRESENTATIVES:
        client = Client()
        if users[persona] is not None:
            client.force_login(users[persona])
        clients[persona] = client
    return clients


def _queries(client: Client, url: str) -> list[str]:
    """The SQL one GET runs (the response read to its end), rolled back afterwards."""
    # The log keeps the last 9,000 queries only, and the capture counts by position in it.
    connection.queries_log.clear()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        transaction.set_rollback(True)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def _sweep(world: World) -> dict[Case, list[str]]:
    clients = _clients(world.personas)
    found = {}
    for case in CASES:
        url = _url(world, world.own, case)
        _queries(clients[case.persona], url)  # warm the per-process caches
        found[case] = _queries(clients[case.persona], url)
    return found


def _shape(sql: str) -> str:
    """A query without its column list and literal values, to name what repeats."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, flags=re.DOTALL)
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)[:400]


def _report(before: list[str], after: list[str]) -> str:
    more = Counter(map(_shape, after)) - Counter(map(_shape, before))
    return "\n".join(f"      +{n} {sql}" for sql, n in more.most_common())


def test_every_get_route_is_swept_or_excluded_with_a_reason() -> None:
    with_get = {name for name, row in MATRIX.items() if "GET" in row.methods}
    answering = {
        name
        for name in with_get
        if any("200" in status.split("/") for status in MATRIX[name].methods["GET"].values())
    }
    stale = sorted(set(EXCLUDED) - (with_get - answering))
    missing = sorted(with_get - answering - set(EXCLUDED))
    unswept = sorted(answering - {case.name for case in CASES})
    assert stale == [], f"excluded routes that are gone or answer 200 to someone: {stale}"
    assert missing == [], f"GET routes answering 200 to nobody, to exclude with a reason: {missing}"
    assert unswept == [], f"routes answering 200 that no representative persona sweeps: {unswept}"
    assert set(REPRESENTATIVES) <= set(PERSONAS)


def test_no_page_or_api_call_does_more_queries_when_the_rows_grow(
    personas, test_framework, settings
) -> None:
    # Comparisons show groups of two firms or more, so that the lists behind them are full.
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 2
    own, other = build_tenants(personas)
    world = World(own=own, other=other, personas=personas)
    grow(world)
    before = _sweep(world)
    grow(world)
    grow(world)
    after = _sweep(world)
    grown = [case for case in CASES if len(after[case]) != len(before[case])]
    report = "\n".join(
        f"  {case}: {len(before[case])} -> {len(after[case])} queries\n"
        + _report(before[case], after[case])
        for case in grown
    )
    assert grown == [], f"query counts that grow with the rows:\n{report}"
