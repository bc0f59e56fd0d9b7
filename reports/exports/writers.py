"""File writers for exports: CSV (UTF-8 with a byte-order mark, so that Excel reads
Chinese correctly) and xlsx (openpyxl's write-only mode, which streams rows to disk).

Both write batch by batch to a file on disk, so memory stays bounded by one batch.
Text that a spreadsheet could take for a formula (starting with = + - @, a tab or a
carriage return) is neutralised: in CSV it gets a leading apostrophe, the usual
defence, since the CSV carries no types; in xlsx it is written as a string cell with
Excel's "quote prefix" flag, so the text stays exactly as it was and is never a formula,
not even after the cell is edited.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576  # including the header row
XLSX_MAX_CELL_CHARS = 32_767


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def escape_formula(value: str) -> str:
    """The CSV defence: a leading apostrophe before formula-like text."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class ExportWriter(Protocol):
    extension: str
    content_type: str
    max_rows: int | None

    def write_header(self, headers: Sequence[str]) -> None: ...

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value


class CsvWriter:
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    max_rows: int | None = None

    def __init__(self, path: Path) -> None:
        self._file = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._csv = csv.writer(self._file)

    def write_header(self, headers: Sequence[str]) -> None:
        self._csv.writerow([_csv_cell(h) for h in headers])

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        cell = _csv_cell
        self._csv.writerows([cell(v) for v in row] for row in rows)

    def close(self) -> None:
        self._file.close()


class XlsxWriter:
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    max_rows: int | None = XLSX_MAX_ROWS - 1

    def __init__(self, path: Path, *, sheet_title: str = "export") -> None:
        self._path = path
        self._book = Workbook(write_only=True)
        # Sheet titles: at most 31 characters, none of []:*?/\
        title = "".join(ch for ch in sheet_title if ch not in "[]:*?/\\")[:31] or "export"
        self._sheet = self._book.create_sheet(title)
        self._sheet.freeze_panes = "A2"

    def _cell(self, value: Any) -> Any:
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if len(value) > XLSX_MAX_CELL_CHARS:
                value = value[:XLSX_MAX_CELL_CHARS]
            if value.startswith(FORMULA_PREFIXES):
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.data_type = "s"  # openpyxl took "=..." for a formula
                cell.quotePrefix = True
                return cell
        return value

    def write_header(self, headers: Sequence[str]) -> None:
        bold = Font(bold=True)
        row = []
        for header in headers:
            cell = self._cell(header)
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(self._sheet, value=cell)
            cell.font = bold
            row.append(cell)
        self._sheet.append(row)

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        append = self._sheet.append
        for row in rows:
            append([self._cell(v) if isinstance(v, str) else v for v in row])

    def close(self) -> None:
        self._book.save(self._path)


def writer_for(fmt: str, path: Path, *, sheet_title: str = "export") -> ExportWriter:
    if fmt == "csv":
        return CsvWriter(path)
    if fmt == "xlsx":
        return XlsxWriter(path, sheet_title=sheet_title)
    raise ValueError(f"unknown export format {fmt!r}")
