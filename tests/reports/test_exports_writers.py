"""CSV and xlsx writers: Excel-friendly encoding, formula-like text neutralised, values kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.exports.writers import CsvWriter, XlsxWriter, escape_formula

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
HARMLESS = ["苏州精密制造", "a=b", "1-2", "", "email@example.com"]


def test_formula_like_text_gets_a_leading_apostrophe_and_other_text_does_not() -> None:
    assert [escape_formula(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [escape_formula(v) for v in HARMLESS] == HARMLESS


def test_csv_starts_with_a_byte_order_mark_and_escapes_every_formula_like_cell(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.csv"
    writer = CsvWriter(path)
    writer.write_header(["名称", "=header"])
    writer.write_rows([[v, -5] for v in HOSTILE + HARMLESS])
    writer.write_rows([[True, None], [False, 2.5]])
    writer.close()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "'=header"]
    assert [row[0] for row in rows[1 : 1 + len(HOSTILE)]] == ["'" + v for v in HOSTILE]
    assert [row[0] for row in rows[1 + len(HOSTILE) : -2]] == HARMLESS
    # Numbers are numbers, not text: a negative number is not escaped.
    assert {row[1] for row in rows[1:-2]} == {"-5"}
    assert rows[-2:] == [["TRUE", ""], ["FALSE", "2.5"]]


def test_xlsx_keeps_formula_like_text_as_quoted_strings_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    writer = XlsxWriter(path, sheet_title="评估[答案]")
    writer.write_header(["名称", "=header"])
    writer.write_rows([[v, -5] for v in HOSTILE + HARMLESS])
    writer.write_rows([[True, None, 2.5]])
    writer.close()
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.title == "评估答案"
    cells = list(sheet.iter_rows())
    assert [c.value for c in cells[0][:2]] == ["名称", "=header"]
    assert cells[0][1].data_type == "s" and cells[0][1].quotePrefix
    for row, value in zip(cells[1 : 1 + len(HOSTILE)], HOSTILE, strict=True):
        assert row[0].data_type == "s", value
        assert row[0].quotePrefix, value
        assert row[0].value == value.replace("\r", "\n") or row[0].value == value
        assert row[1].value == -5 and row[1].data_type == "n"
    for row, value in zip(cells[1 + len(HOSTILE) : -1], HARMLESS, strict=True):
        assert row[0].value == (value or None)
        assert not row[0].quotePrefix
    assert not any(c.data_type == "f" for row in cells for c in row)
    assert [c.value for c in cells[-1][:3]] == [True, None, 2.5]


def test_xlsx_drops_characters_excel_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    writer = XlsxWriter(path)
    writer.write_header(["text"])
    writer.write_rows([["bell\x07 and null\x00 removed"]])
    writer.close()
    sheet = load_workbook(path).worksheets[0]
    assert sheet["A2"].value == "bell and null removed"


@pytest.mark.parametrize("writer_class", [CsvWriter, XlsxWriter])
def test_writers_stream_many_batches_into_one_file(tmp_path: Path, writer_class: type) -> None:
    path = tmp_path / f"out.{writer_class.extension}"
    writer = writer_class(path)
    writer.write_header(["n", "text"])
    for start in range(0, 3000, 1000):
        writer.write_rows([[n, f"行{n}"] for n in range(start, start + 1000)])
    writer.close()
    if writer_class is CsvWriter:
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
        assert rows[1:] == [[str(n), f"行{n}"] for n in range(3000)]
    else:
        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert rows == [[n, f"行{n}"] for n in range(3000)]
