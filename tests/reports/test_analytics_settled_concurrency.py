"""Two transactions refreshing one enterprise's settled result take turns, and two
settling into the same cells both count (real transactions on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from assessments.models import SettledCell, SettledResult
from assessments.services.cells import cells_drift
from assessments.services.settled import settled_result_refresh
from tests.factories import EnterpriseFactory
from tests.reports.analytics_data import settle
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reference(reference_loaded: None) -> None:
    """Reference data first, then the personas and the framework."""


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="row locks need PostgreSQL; CI runs this on it"
)
def test_concurrent_refreshes_of_one_enterprise_both_succeed_and_leave_one_row(
    personas, report_framework
) -> None:
    settle(personas.enterprise, LEVEL1, days_ago=5)
    latest = settle(personas.enterprise, BEST, confirmed="L2", days_ago=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                settled_result_refresh(
                    enterprise_id=personas.enterprise.pk, framework_id=latest.framework_id
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    rows = SettledResult.objects.filter(enterprise=personas.enterprise)
    assert [row.assessment_id for row in rows] == [latest.pk]


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="row locks need PostgreSQL; CI runs this on it"
)
def test_concurrent_settlements_into_one_cell_both_count(personas, report_framework) -> None:
    """Two firms with the same city, industry and size settle at once: each transaction
    adds its increment to the same cells, and both land."""
    firms = [
        EnterpriseFactory(name=f"同格企业{i}", region_id="320505", industry_id="C34")
        for i in range(2)
    ]
    for firm in firms:
        store_submitted(firm, LEVEL1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh(firm) -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                settled_result_refresh(
                    enterprise_id=firm.pk, framework_id=report_framework.framework_id
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh, args=(firm,)) for firm in firms]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert cells_drift() == []
    counted = SettledCell.objects.filter(
        framework=report_framework.framework_id, city="3205", industry="C34", cluster="", gate=-1
    )
    assert sum(cell.n for cell in counted) == 2
