"""The importer contract and the one service every import goes through."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from importlib import import_module
from pathlib import Path
from typing import IO

import pandas as pd
from django.conf import settings
from django.db import transaction

from core.exceptions import InvalidInput, RowError
from core.runs import tracked_run

from .columns import Column, ParsedTable, parse_table
from .formulas import formula_errors
from .reading import read_table


@dataclass
class ImportCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Importer(ABC):
    """One kind of file. Subclasses declare columns, cross-row checks and the write."""

    kind: str
    columns: list[Column]

    def parse(self, frame: pd.DataFrame) -> ParsedTable:
        table = parse_table(frame, self.columns)
        if not any(e.row == 1 for e in table.errors):  # headers are there: check rows against each other and the db
            table.errors.extend(self.check(table.frame, table.headers))
            table.errors.sort(key=lambda e: (e.row, e.column))
        return table

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        """Problems across rows or against the database; `headers` names each key's column."""
        return []

    @abstractmethod
    def write(self, table: ParsedTable, *, actor=None) -> ImportCounts:
        """Write validated rows; runs inside the import's transaction."""


IMPORTERS: dict[str, str] = settings.IMPORTERS  # kind → dotted path of its Importer (the project's settings)


def importer_for(kind: str) -> Importer:
    try:
        module_name, class_name = IMPORTERS[kind].rsplit(".", 1)
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}; choose from {', '.join(sorted(IMPORTERS))}") from None
    return getattr(import_module(module_name), class_name)()


def import_table(*, kind: str, frame: pd.DataFrame, dry_run: bool = False, actor=None) -> ImportCounts:
    """Validate every row, then write all rows in one transaction (rolled back on a dry run)."""
    importer = importer_for(kind)
    table = importer.parse(frame)
    if table.errors:
        raise InvalidInput(table.errors)
    with transaction.atomic():
        counts = importer.write(table, actor=actor)
        counts.rows = len(table.frame)
        if dry_run:
            transaction.set_rollback(True)
    return counts


def import_file(
    *, kind: str, source: str | Path | IO[bytes], name: str | None = None, dry_run: bool = False, actor=None
) -> ImportCounts:
    """Import one file as a tracked Run (job ``import_<kind>``; one at a time per kind)."""
    with tracked_run(job=f"import_{kind}", actor=actor, params={"file": str(name or source), "dry_run": dry_run}) as run:
        run.stage("read", 5)
        frame = read_table(source, name)
        formulas = formula_errors(source, name, list(frame.columns))  # calamine reads their cached values
        if formulas:
            raise InvalidInput(formulas)
        run.count(rows=len(frame))
        run.stage("validate and write", 30)
        counts = import_table(kind=kind, frame=frame, dry_run=dry_run, actor=actor)
        run.count(**counts.as_dict())
    return counts
