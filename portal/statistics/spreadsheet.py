"""The statistics' tables as an Excel workbook (XLSX): one sheet per table, the title and
column names in the reader's language, right to left for an Arabic reader.

Every cell is written as what it is — a number as a number, anything else as text with
``write_string`` — so a value that starts with ``=`` (a service a planner named so) is
never a formula: no cell of the file holds one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

import xlsxwriter

# What a sheet's name may not hold, and how long it may be (Excel's rules).
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
MAX_COLUMN_WIDTH = 60


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts, unique in the workbook, from a table's title."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'")[:MAX_SHEET_NAME] or "Blad"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def workbook(
    tables: Iterable[tuple[str, Sequence[str], Sequence[Sequence[object]]]],
    *,
    right_to_left: bool = False,
) -> bytes:
    """The workbook of ``tables`` (title, column names, rows) as bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    taken: set[str] = set()
    for title, columns, rows in tables:
        sheet = book.add_worksheet(sheet_name(title, taken))
        if right_to_left:
            sheet.right_to_left()
        sheet.write_string(0, 0, title, bold)
        widths = [len(str(column)) for column in columns]
        for col, column in enumerate(columns):
            sheet.write_string(2, col, str(column), bold)
        for row_number, row in enumerate(rows, start=3):
            for col, cell in enumerate(row):
                if isinstance(cell, bool) or not isinstance(cell, int | float):
                    sheet.write_string(row_number, col, "" if cell is None else str(cell))
                else:
                    sheet.write_number(row_number, col, cell)
                if col < len(widths):
                    widths[col] = max(widths[col], len(str(cell)))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, MAX_COLUMN_WIDTH))
        sheet.freeze_panes(3, 0)
    book.close()
    return out.getvalue()
