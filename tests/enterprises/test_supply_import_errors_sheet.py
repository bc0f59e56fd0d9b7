"""A rejected bulk import's problems as a downloadable xlsx sheet, for the uploader only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from enterprises.models import Membership, Role, SupplierImportRejection, SupplierLink
from enterprises.services_supply import sheet_text
from tests.conftest import Personas, api_as
from tests.factories import UserFactory, valid_uscc

pytestmark = pytest.mark.django_db


def import_url(personas: Personas) -> str:
    return f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/import/"


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("s.csv", text.encode("utf-8"), content_type="text/csv")


def bad_file() -> SimpleUploadedFile:
    good = valid_uscc()
    return csv_file(
        [
            ["统一社会信用代码", "企业名称", "联系邮箱"],
            [good, "好的供应商", "good@example.com"],  # row 2: fine
            ['=HYPERLINK("http://evil.example")', "", "not-an-email"],  # row 3
            [good, "+重复", "dup@example.com"],  # row 4: duplicate of row 2
        ]
    )


def rejected(personas: Personas, user=None) -> dict:
    response = api_as(user or personas.admin).post(
        import_url(personas), {"file": bad_file()}, format="multipart"
    )
    assert response.status_code == 400
    return response.json()


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_rejected_import_names_an_errors_sheet_with_every_problem(personas: Personas) -> None:
    body = rejected(personas)
    assert body["errors_sheet_url"].startswith(import_url(personas) + "errors/")
    response = api_as(personas.admin).get(body["errors_sheet_url"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert rows[0] == ["行号", "列", "原值", "问题"]
    # The file-level summary first (no row number), then one line per problem.
    assert rows[1][0] in ("", None) and rows[1][1] == "文件"
    problems = {(row[0], row[1]) for row in rows[2:]}
    assert problems == {
        (3, "统一社会信用代码"),
        (3, "企业名称"),
        (3, "联系邮箱"),
        (4, "统一社会信用代码"),
    }
    assert len(rows) - 2 == len(body["rows"])
    assert SupplierLink.objects.filter(anchor=personas.enterprise).count() == 0


def test_formula_like_cells_are_written_as_text(personas: Personas) -> None:
    body = rejected(personas)
    content = api_as(personas.admin).get(body["errors_sheet_url"]).content
    sheet = load_workbook(io.BytesIO(content)).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@"))
    values = [cell.value for cell in sheet["C"]]
    assert '\'=HYPERLINK("HTTP://EVIL.EXAMPLE")' in values  # the code as read (upper-cased)
    assert "'+重复" not in values  # a name that is fine is not listed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 512", "'+86 512"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("苏州\x07公司", "苏州公司"),
        ("plain", "plain"),
        (7, 7),
        (None, ""),
    ],
)
def test_sheet_text_escapes_what_a_spreadsheet_would_evaluate(value, expected) -> None:
    assert sheet_text(value) == expected


def test_a_file_error_also_gets_a_sheet(personas: Personas) -> None:
    response = api_as(personas.admin).post(
        import_url(personas),
        {"file": csv_file([["uscc", "name"], [valid_uscc(), "甲"]])},
        format="multipart",
    )
    assert response.status_code == 400
    rows = sheet_rows(api_as(personas.admin).get(response.json()["errors_sheet_url"]).content)
    assert len(rows) == 2
    assert rows[1][1] == "文件"
    assert "contact_email" in rows[1][3]


DOWNLOAD = {
    "admin": 200,  # the uploader
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), DOWNLOAD.items())
def test_only_the_uploader_downloads_the_errors_sheet(
    personas: Personas, persona: str, expected: int
) -> None:
    url = rejected(personas)["errors_sheet_url"]
    assert api_as(personas.all()[persona]).get(url).status_code == expected


def test_another_admin_of_the_same_anchor_gets_404(personas: Personas) -> None:
    url = rejected(personas)["errors_sheet_url"]
    colleague = UserFactory(username="second-admin")
    Membership.objects.create(user=colleague, enterprise=personas.enterprise, role=Role.ADMIN)
    assert api_as(colleague).get(url).status_code == 404
    # The colleague's own rejection is theirs alone, in turn.
    theirs = rejected(personas, colleague)["errors_sheet_url"]
    assert api_as(personas.admin).get(theirs).status_code == 404
    assert api_as(colleague).get(theirs).status_code == 200


def test_an_anonymous_caller_gets_401(personas: Personas) -> None:
    url = rejected(personas)["errors_sheet_url"]
    assert api_as(None).get(url).status_code == 401


def test_the_sheet_expires_and_old_rejections_are_purged(personas: Personas, settings) -> None:
    settings.GRADIENT_IMPORT_ERRORS_TTL_HOURS = 24
    url = rejected(personas)["errors_sheet_url"]
    old = timezone.now() - dt.timedelta(hours=25)
    SupplierImportRejection.objects.update(created_at=old)
    assert api_as(personas.admin).get(url).status_code == 404
    rejected(personas)  # recording a new rejection purges the expired one
    assert SupplierImportRejection.objects.count() == 1
    assert not SupplierImportRejection.objects.filter(created_at=old).exists()


def test_an_unknown_token_is_404(personas: Personas) -> None:
    url = f"{import_url(personas)}errors/00000000-0000-4000-8000-000000000000/"
    assert api_as(personas.admin).get(url).status_code == 404


def test_the_page_offers_the_errors_sheet_beside_the_problem_table(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.admin)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/import/", {"file": bad_file()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "import-problems" in html
    rejection = SupplierImportRejection.objects.get()
    link = f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/import/errors/{rejection.pk}/"
    assert link in html
    assert "下载这些问题" in html
    download = client.get(link)
    assert download.status_code == 200
    assert sheet_rows(download.content)[0] == ["行号", "列", "原值", "问题"]
