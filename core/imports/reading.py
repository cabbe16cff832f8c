"""Read CSV/XLSX exports into string frames, keeping spreadsheet row numbers.

A file that cannot be read as what its name says (empty, cut short, a CSV renamed .xlsx, not UTF-8)
is `UnreadableFile`, naming the file and what is wrong, before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd
from django.utils.translation import gettext_noop

from core.exceptions import DomainError, Reason, Verbatim

HEADER_ROW = 1  # spreadsheet rows are numbered from 1; data starts at HEADER_ROW + 1
WORKBOOK_SIGNATURES = {
    ".xlsx": b"PK\x03\x04",  # a zip archive
    ".xlsm": b"PK\x03\x04",
    ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # an OLE2 compound file
}
TEXT_SUFFIXES = {".csv", ".txt"}
# A cell is blank only when it is empty: pandas would read "NA", "N/A", "null", "None", "nan" or "#N/A" as
# blank too, so a word in a number column was reported as a required value left blank (tester
# 2026-11-28), where it is a value that is not a number.
AS_WRITTEN = {"keep_default_na": False, "na_values": [""]}


class UnreadableFile(DomainError, ValueError):
    """The file cannot be read at all; nothing was written. The message names the file. Raised with a
    Reason (`reason`: an English msgid, or a Reason), so the import's run keeps it in no one language."""

    def __init__(self, filename: str, reason: str | Reason):
        self.filename = filename
        self.reason = reason if isinstance(reason, Reason) else Reason(reason)
        super().__init__(
            Reason(
                gettext_noop("%(file)s cannot be read: %(reason)s Nothing was written."),
                file=Verbatim(filename),
                reason=self.reason,
            )
        )


def _head(source: str | Path | IO[bytes], size: int = 8) -> bytes:
    """The first bytes of the file (a file object is put back where it was)."""
    if hasattr(source, "read"):
        position = source.tell()
        head = source.read(size)
        source.seek(position)
        return head
    with open(source, "rb") as handle:
        return handle.read(size)


def read_table(source: str | Path | IO[bytes], name: str | None = None) -> pd.DataFrame:
    """All cells as stripped strings (blank = NA). The index is the spreadsheet row number.

    Fully empty rows (a stray empty row in an export) are dropped; numbering is kept.
    """
    filename = Path(str(name or getattr(source, "name", source))).name
    suffix = Path(filename).suffix.lower()
    if suffix not in WORKBOOK_SIGNATURES and suffix not in TEXT_SUFFIXES:
        raise UnreadableFile(filename, gettext_noop("use an .xlsx or .csv file."))
    head = _head(source)  # FileNotFoundError passes through: the caller names the path
    if not head:
        raise UnreadableFile(filename, gettext_noop("the file is empty."))
    try:
        if suffix in WORKBOOK_SIGNATURES:
            if not head.startswith(WORKBOOK_SIGNATURES[suffix]):
                raise UnreadableFile(
                    filename,
                    gettext_noop("it is not an Excel workbook (perhaps a CSV or another file given an Excel name)."),
                )
            frame = pd.read_excel(source, dtype=str, sheet_name=0, engine="calamine", **AS_WRITTEN)  # ~8x faster than openpyxl
        else:
            if head.startswith(WORKBOOK_SIGNATURES[".xlsx"]):
                raise UnreadableFile(filename, gettext_noop("it is an Excel workbook: give it the .xlsx name."))
            frame = pd.read_csv(source, dtype=str, encoding="utf-8-sig", skip_blank_lines=False, **AS_WRITTEN)
    except UnreadableFile:
        raise
    except UnicodeDecodeError as exc:
        raise UnreadableFile(filename, gettext_noop("it is not UTF-8 text: save it as “CSV UTF-8”.")) from exc
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFile(filename, gettext_noop("the file is empty.")) from exc
    except pd.errors.ParserError as exc:
        raise UnreadableFile(filename, gettext_noop("its rows do not split into the same columns.")) from exc
    except Exception as exc:  # the workbook readers raise their own kinds for a damaged file
        raise UnreadableFile(filename, gettext_noop("the workbook is damaged or cut short.")) from exc
    if not isinstance(frame.index, pd.RangeIndex):
        # The first row has more cells than the header: pandas reads the extra ones as row labels, not
        # as an error (tester 2026-11-27: "客户编码,客户经理" over "104201470816,manager1,extra").
        raise UnreadableFile(filename, gettext_noop("its rows do not split into the same columns."))
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda s: s.str.strip()).replace("", pd.NA)
    frame.index = frame.index + HEADER_ROW + 1
    return frame.dropna(how="all")
