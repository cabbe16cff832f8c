"""What a file of each kind holds, for the import page (walker 13: a supervisor could not import a supply
plan without help): each column's heading, whether it is required, every header the import accepts for
it (the same list a file missing it is told, `columns.accepted_headers`) and what to write in it; and an
empty template workbook of those headings.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .base import importer_for
from .columns import Column, accepted_headers, boolean, date, template_heading, tier

# What a column read by one of the shared parsers takes, when the importer does not say (`Column.description`).
PARSER_HINTS = {
    tier: _("a tier: D30 … D1 or 三十档 … 一档"),
    boolean: _("yes or no: 是/否 or 1/0"),
    date: _("a date: YYYY-MM-DD"),
}


@dataclass(frozen=True)
class ColumnGuide:
    heading: str  # as the empty template writes it
    required: bool
    accepted: str  # the headers the import reads as this column, for the page's reader
    description: str


def column_guide(kind: str) -> list[ColumnGuide]:
    """The columns of a kind's file, in the importer's order."""
    return [_guide(column) for column in importer_for(kind).columns]


def _guide(column: Column) -> ColumnGuide:
    description = column.description or PARSER_HINTS.get(column.parser, "")
    accepted = accepted_headers(column, language=get_language() or "")
    return ColumnGuide(template_heading(column), column.required, accepted, str(description))


def template_workbook(kind: str, title: str) -> bytes:
    """An empty workbook of a kind's headings (required ones in bold); every column formatted as text, so
    a code or licence number keeps its digits as typed."""
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "-", title)[:31] or "-"
    columns = importer_for(kind).columns
    sheet.append([template_heading(c) for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=column.required)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(cell.value) + 4)
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
