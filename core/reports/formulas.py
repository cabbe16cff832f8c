"""Text a spreadsheet would run as a formula, made inert: the one rule for every CSV and XLSX we write.

Excel, WPS and LibreOffice read a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula when the file is opened or the cell is edited, so a shop or product
named `=HYPERLINK("http://…","点击")` would come out of an export as a live link or worse ("CSV
injection"; openpyxl even writes such a string as a formula cell). Such text gets a leading
apostrophe: it is shown as written, apostrophe included, and never evaluated. Numbers stay numbers,
and text that is only a number ("-12", "-3.5%", "+1,234.50") is left alone: a negative figure is
not a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import tablib

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?")


def neutralise(value):
    """The value to write in a CSV/XLSX cell: formula-like text behind an apostrophe, anything else as is."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_row(values: Iterable) -> list:
    return [neutralise(v) for v in values]


def neutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of a tablib dataset (django-import-export's, the allocation report's) with every cell made safe."""
    return tablib.Dataset(
        *(neutralise_row(row) for row in dataset),
        headers=neutralise_row(dataset.headers) if dataset.headers else None,
        title=dataset.title,
    )
