"""The anchor firm's supplier export as a job: consent decides what each row holds."""

from __future__ import annotations

import pytest

from enterprises.errors import Forbidden, ValidationFailed
from enterprises.models import SupplierLink
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.conftest import LEVEL1, store_submitted
from tests.reports.export_helpers import read_rows, run_export

pytestmark = pytest.mark.django_db


def _supplier(anchor, name: str, status: str) -> SupplierLink:
    supplier = EnterpriseFactory(name=name, region_id="320505")
    store_submitted(supplier, LEVEL1)
    return SupplierLink.objects.create(
        anchor=anchor,
        supplier=supplier,
        supplier_uscc=supplier.uscc,
        supplier_name=name,
        status=status,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_anchor_exports_levels_only_of_suppliers_that_consented(
    personas: Personas, report_framework, fmt: str
) -> None:
    anchor = personas.anchor_enterprise
    _supplier(anchor, "同意供应商", SupplierLink.Status.ACCEPTED)
    _supplier(anchor, "撤回供应商", SupplierLink.Status.REVOKED)
    job = run_export(personas.anchor, "anchor.suppliers", fmt, anchor=str(anchor.pk))
    header, *rows = read_rows(job)
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"同意供应商", "撤回供应商", personas.enterprise.name}
    level = header.index("等级")
    assert by_name["同意供应商"][level] not in (None, "")
    assert all(cell in (None, "") for cell in by_name["撤回供应商"][level:])
    assert job.rows_total == 3


def test_another_firms_suppliers_cannot_be_requested(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as refused:
        run_export(personas.outsider, "anchor.suppliers", anchor=str(personas.anchor_enterprise.pk))
    assert "filters.anchor" in refused.value.errors


def test_someone_without_an_enterprise_may_not_export_suppliers(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        run_export(personas.officer, "anchor.suppliers", anchor=str(personas.enterprise.pk))
