"""Bulk supplier import: xlsx or CSV (UTF-8 or GBK), validated whole, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from enterprises.models import SupplierLink
from tests.conftest import Personas, api_as
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db


def import_url(personas: Personas) -> str:
    return f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/import/"


def csv_file(rows: list[list[str]], encoding: str = "utf-8", name: str = "s.csv"):
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list[str]], name: str = "s.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def links_of(personas: Personas) -> int:
    return SupplierLink.objects.filter(anchor=personas.enterprise).count()


IMPORT = {
    "admin": 201,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), IMPORT.items())
def test_only_the_admin_imports_suppliers(personas: Personas, persona: str, expected: int) -> None:
    upload = csv_file([["uscc", "name", "contact_email"], [valid_uscc(), "甲", "a@example.com"]])
    response = api_as(personas.all()[persona]).post(
        import_url(personas), {"file": upload}, format="multipart"
    )
    assert response.status_code == expected
    assert links_of(personas) == (1 if expected == 201 else 0)


@pytest.mark.parametrize(("persona", "expected"), {**IMPORT, "admin": 200}.items())
def test_only_the_admin_downloads_the_template(
    personas: Personas, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).get(f"{import_url(personas)}template/")
    assert response.status_code == expected
    if expected == 200:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]] == ["统一社会信用代码", "企业名称", "联系邮箱"]


def test_a_filled_in_template_imports_and_emails_the_unregistered(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    client = api_as(personas.admin)
    template = client.get(f"{import_url(personas)}template/").content
    book = load_workbook(io.BytesIO(template))
    first, second = valid_uscc(), valid_uscc()
    book.active.append([first, "供应商一", "one@example.com"])
    book.active.append([second, "供应商二", "two@example.com"])
    book.active.append([personas.outsider_enterprise.uscc, "南京他方", ""])
    out = io.BytesIO()
    book.save(out)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            import_url(personas),
            {"file": SimpleUploadedFile("t.xlsx", out.getvalue())},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 3
    assert links_of(personas) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.com", "two@example.com"]
    registered = SupplierLink.objects.get(supplier_uscc=personas.outsider_enterprise.uscc)
    assert registered.supplier == personas.outsider_enterprise


def test_a_gbk_csv_with_chinese_headers_imports(personas: Personas) -> None:
    upload = csv_file(
        [
            ["统一社会信用代码", "企业名称", "联系邮箱"],
            [valid_uscc(), "苏州供应商", "s@example.com"],
        ],
        encoding="gbk",
    )
    response = api_as(personas.admin).post(
        import_url(personas), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert SupplierLink.objects.get(anchor=personas.enterprise).supplier_name == "苏州供应商"


def test_one_bad_row_imports_nothing_and_every_problem_is_named(personas: Personas) -> None:
    good, duplicate = valid_uscc(), valid_uscc()
    bad = duplicate[:-1] + ("0" if duplicate[-1] != "0" else "1")
    SupplierLink.objects.create(
        anchor=personas.enterprise, supplier_uscc=valid_uscc("320506"), supplier_name="已有"
    )
    existing = SupplierLink.objects.get(anchor=personas.enterprise).supplier_uscc
    rows = [
        ["uscc", "name", "contact_email"],
        [good, "好的", "good@example.com"],  # row 2
        [bad, "校验位错", "bad@example.com"],  # row 3
        [duplicate, "重复一", "d1@example.com"],  # row 4
        [duplicate, "重复二", "d2@example.com"],  # row 5
        [existing, "已有", "e@example.com"],  # row 6
        ["", "", "not-an-email"],  # row 7
    ]
    response = api_as(personas.admin).post(
        import_url(personas), {"file": xlsx_file(rows)}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert body["errors"]["file"]
    found = {(p["row"], p["column"]) for p in body["rows"]}
    assert found == {
        (3, "uscc"),
        (5, "uscc"),
        (6, "uscc"),
        (7, "uscc"),
        (7, "name"),
        (7, "contact_email"),
    }
    assert links_of(personas) == 1  # only the one that was there before


def test_missing_columns_are_a_file_error(personas: Personas) -> None:
    upload = csv_file([["uscc", "name"], [valid_uscc(), "甲"]])
    response = api_as(personas.admin).post(
        import_url(personas), {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "contact_email" in response.json()["errors"]["file"][0]
    assert response.json()["rows"] == []


@pytest.mark.parametrize(
    "upload",
    [
        None,
        SimpleUploadedFile("e.csv", b""),
        SimpleUploadedFile("x.xlsx", b"PK not really a workbook"),
    ],
)
def test_a_missing_empty_or_unreadable_file_is_a_file_error(personas: Personas, upload) -> None:
    data = {"file": upload} if upload is not None else {}
    response = api_as(personas.admin).post(import_url(personas), data, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    assert links_of(personas) == 0


def test_an_import_does_a_fixed_number_of_queries_and_links_registered_suppliers(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EnterpriseFactory

    client = api_as(personas.admin)

    def count(rows: int, registered) -> int:
        body = [["uscc", "name", "contact_email"]]
        body += [[valid_uscc(), f"供应商{i}", f"s{i}@example.com"] for i in range(rows)]
        body.append([registered.uscc, "已注册供应商", ""])
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                import_url(personas), {"file": csv_file(body)}, format="multipart"
            )
        assert response.status_code == 201, response.content
        return len(ctx.captured_queries)

    first = EnterpriseFactory()
    few = count(3, first)
    assert count(40, EnterpriseFactory()) == few
    assert SupplierLink.objects.get(anchor=personas.enterprise, supplier=first).status == "invited"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count(2, EnterpriseFactory())
    assert len(mail.outbox) == 2  # the two unregistered ones, in one batch after commit
