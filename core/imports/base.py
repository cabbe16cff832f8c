"""The importer contract and the one service every import goes through.

An importer plans (reads the database, writes nothing: what each row will create or change) and then
writes exactly its plan. The admin's preview is the plan alone (`import_preview`): no transaction, no
Run. A confirmed import plans again inside its transaction and, given the preview's digest
(`expected`), writes nothing if the plan differs (`PreviewOutdated`: the file or the registry changed).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from importlib import import_module
from pathlib import Path
from typing import IO

import pandas as pd
from django.conf import settings
from django.db import transaction

from core.exceptions import InvalidInput, RowError
from core.models import Run
from core.runs import RunTracker, run_progress, run_start, run_tracked

from .changes import ImportCounts, ImportPlan, PreviewOutdated, Shown
from .columns import Column, ParsedTable, parse_table
from .formulas import formula_errors
from .reading import read_table

__all__ = ["ImportCounts", "ImportPlan", "Importer", "PreviewOutdated", "import_file", "import_preview", "import_table"]


class Importer(ABC):
    """One kind of file. Subclasses declare columns, cross-row checks, the plan and its write."""

    kind: str
    columns: list[Column]
    fields: dict[str, Shown] = {}  # how each field its plans name is shown

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
    def plan(self, table: ParsedTable) -> ImportPlan:
        """What the validated rows will create and change; reads the database, writes nothing."""

    @abstractmethod
    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        """Write `plan` (made in the same transaction); runs inside the import's transaction."""

    def shown(self, plan: ImportPlan) -> dict[str, Shown]:
        """How the fields `plan` names are shown (an importer naming people loads their names here)."""
        return self.fields


ROW_ERRORS_KEPT = 500  # row problems kept on a failed import's run
IMPORTERS: dict[str, str] = settings.IMPORTERS  # kind → dotted path of its Importer (the project's settings)


def importer_for(kind: str) -> Importer:
    try:
        module_name, class_name = IMPORTERS[kind].rsplit(".", 1)
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}; choose from {', '.join(sorted(IMPORTERS))}") from None
    return getattr(import_module(module_name), class_name)()


def _parsed(importer: Importer, frame: pd.DataFrame) -> ParsedTable:
    table = importer.parse(frame)
    if table.errors:
        raise InvalidInput(table.errors)
    return table


def import_table(
    *, kind: str, frame: pd.DataFrame, dry_run: bool = False, actor=None, expected: str | None = None
) -> ImportCounts:
    """Validate every row, plan, then write the plan in one transaction. A dry run plans only (writes
    nothing). `expected`: the digest of the plan a preview showed; a different plan writes nothing
    (PreviewOutdated)."""
    importer = importer_for(kind)
    table = _parsed(importer, frame)
    if dry_run:
        counts = importer.plan(table).counts
        counts.rows = len(table.frame)
        return counts
    with transaction.atomic():
        plan = importer.plan(table)
        if expected is not None and plan.digest != expected:
            raise PreviewOutdated
        counts = importer.write(table, plan, actor=actor)
        counts.rows = len(table.frame)
    return counts


def import_preview(*, kind: str, source: str | Path | IO[bytes], name: str | None = None) -> tuple[ImportPlan, dict]:
    """The admin's preview of a file: every row checked (InvalidInput names the bad ones) and the plan
    with its words (`ImportPlan.words`) in the reader's language. Reads only: no transaction, no Run."""
    frame = read_table(source, name)
    formulas = formula_errors(source, name, list(frame.columns))
    if formulas:
        raise InvalidInput(formulas)
    importer = importer_for(kind)
    plan = importer.plan(_parsed(importer, frame))
    plan.counts.rows = len(frame)
    return plan, plan.words(importer.shown(plan))


def import_run_start(*, kind: str, name: str, actor=None, queued: bool = False) -> Run:
    """Open the Run of a confirmed import (job ``import_<kind>``; RunOverlap if one of this kind is under
    way), before its work starts, so the page that confirmed it can follow its progress. `queued`: a
    worker will do it (pending until the worker takes it)."""
    return run_start(job=f"import_{kind}", actor=actor, params={"file": name}, queued=queued)


def import_file(
    *, kind: str, source: str | Path | IO[bytes], name: str | None = None, dry_run: bool = False, actor=None,
    run: Run | None = None, expected: str | None = None,
) -> ImportCounts:
    """Import one file as a tracked Run (job ``import_<kind>``; one at a time per kind): `run` if one was
    opened for it (`import_run_start`), else a new one. A dry run checks every row and writes nothing,
    and is no Run: only an import that writes is one. `expected`: the digest of the plan its preview
    showed (`import_table`)."""
    if dry_run:
        return _import(kind=kind, source=source, name=name, dry_run=True, actor=actor, tracker=None)
    if run is None:
        run = import_run_start(kind=kind, name=str(name or source), actor=actor)
    with run_tracked(run) as tracker:
        return _import(kind=kind, source=source, name=name, dry_run=False, actor=actor, tracker=tracker,
                       expected=expected)  # fmt: skip


def _import(
    *, kind: str, source, name, dry_run: bool, actor, tracker: RunTracker | None, expected: str | None = None
) -> ImportCounts:
    def stage(step: str, progress: int) -> None:
        if tracker is not None:
            tracker.stage(step, progress)

    stage("read", 5)
    frame = read_table(source, name)
    try:
        formulas = formula_errors(source, name, list(frame.columns))  # calamine reads their cached values
        if formulas:
            raise InvalidInput(formulas)
        if tracker is not None:
            tracker.count(rows=len(frame))
        stage("validate and write", 30)
        counts = import_table(kind=kind, frame=frame, dry_run=dry_run, actor=actor, expected=expected)
    except InvalidInput as exc:  # kept on the run, for its page to list (the error text only counts them)
        if tracker is not None:
            shown = [e.stored() for e in exc.errors[:ROW_ERRORS_KEPT]]  # reasons kept as msgids
            run_progress(tracker.run, progress=tracker.run.progress, step=tracker.run.step,
                         counts={"row_errors": shown, "row_error_count": len(exc.errors)})  # fmt: skip
        raise
    if tracker is not None:
        tracker.count(**counts.as_dict())
    return counts
