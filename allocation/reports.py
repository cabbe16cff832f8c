"""The run report as a spreadsheet (XLSX in the admin, CSV from the command)."""

from __future__ import annotations

import tablib


def report_dataset(rows: list[dict]) -> tablib.Dataset:
    headers = list(rows[0]) if rows else ["product_code", "cell", "target", "released", "error", "warnings"]
    return tablib.Dataset(*[[r[h] for h in headers] for r in rows], headers=headers)
