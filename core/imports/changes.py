"""What an import will change, worked out before anything is written.

Each importer plans first (`Importer.plan`: reads the database, writes nothing) and then writes exactly
its plan (`Importer.write`). The plan keeps the counts, the first `SHOWN` changed rows (the record, by
code and name, and each field's old and new value), how many rows change each field that matters more
(a price, a tier, a manager, a status) and a digest of every change in the file: the admin's preview
shows the rows and remembers the digest; the confirmation plans again inside its transaction and writes
nothing if the digest differs (the file or the registry changed since the preview).

Values are kept as stored and put into words when shown, in the reader's language: each importer says
per field how (`Shown`: the field's label, a money amount with 元 and thousands separators, a choice's
label, a tier as D19, a person by name).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from core.display import CARTONS, YUAN, figure, person_name, tier_text
from core.exceptions import DomainError, Reason

SHOWN = 50  # changed rows a preview lists; the rest are counted
BLANK = "—"


@dataclass
class ImportCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class PreviewOutdated(DomainError):
    """The import would now change other things than its preview showed: nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            Reason(
                gettext_noop(
                    "The file or the data in the system changed since the preview; nothing was written. "
                    "Check what the import would change now and confirm again."
                )
            )
        )


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value) or str(value) == "<NA>"


def plain(value: Any) -> str:
    return BLANK if _blank(value) else str(value)


def money(value: Any) -> str:
    """12,345.60 元 (yuan in English)."""
    return BLANK if _blank(value) else figure(Decimal(str(value)), YUAN)


def cartons(value: Any) -> str:
    """1,234 条."""
    return BLANK if _blank(value) else figure(int(value), CARTONS)


def number(value: Any) -> str:
    return BLANK if _blank(value) else figure(value)


def yes_no(value: Any) -> str:
    return BLANK if _blank(value) else gettext("Yes") if value else gettext("No")


def tier(value: Any) -> str:
    return BLANK if _blank(value) else tier_text(int(value))


def day(value: Any) -> str:
    return BLANK if _blank(value) else value.isoformat() if isinstance(value, dt.date) else str(value)


def choice(choices: Iterable[tuple[Any, Any]]) -> Callable[[Any], str]:
    """A stored value as its choice's label (有效, not active)."""
    labels = dict(choices)
    return lambda value: BLANK if _blank(value) else str(labels.get(value, value))


def person(users: dict[int, Any]) -> Callable[[Any], str]:
    """A user's id as the person's name (`users`: id → user, loaded with the plan)."""
    return lambda value: BLANK if _blank(value) else person_name(users.get(value)) if value in users else str(value)


@dataclass(frozen=True)
class Shown:
    """How a field a plan names is shown: its label, its values in words, and whether a change of it
    matters more (marked on the preview, and counted for the whole file)."""

    label: Any
    words: Callable[[Any], str] = plain
    key: bool = False


def label(model: type[Model], name: str) -> Any:
    """A model field's own label (lazy: read in the reader's language)."""
    return model._meta.get_field(name).verbose_name


@dataclass(frozen=True)
class FieldChange:
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RowChange:
    """One row of the file that creates or changes a record: its spreadsheet row, the record as people
    know it (code and name; data, never translated) and each field's old and new value (a new record:
    old is None)."""

    row: int
    record: str
    created: bool
    fields: tuple[FieldChange, ...]


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The fields of `new` whose value differs from `old`'s, in `new`'s order."""
    return [FieldChange(k, old.get(k), v) for k, v in new.items() if old.get(k) != v]


@dataclass
class ImportPlan:
    """What an import will write (see the module's docstring). `work`: what the importer's write needs."""

    counts: ImportCounts
    changes: list[RowChange]
    key_rows: dict[str, int]
    digest: str
    work: Any = None

    @property
    def changed(self) -> int:
        return self.counts.created + self.counts.updated

    @property
    def more(self) -> int:
        """Changed rows beyond those listed."""
        return self.changed - len(self.changes)

    def words(self, shown: dict[str, Shown]) -> dict:
        """The plan as the preview shows it, in the reader's language."""

        def one(change: FieldChange, created: bool) -> dict:
            spec = shown.get(change.key) or Shown(change.key)
            return {
                "label": capfirst(str(spec.label)),
                "old": None if created else spec.words(change.old),
                "new": spec.words(change.new),
                "key": spec.key,
            }

        order = {key: n for n, key in enumerate(shown)}
        rows = []
        for row in self.changes:
            fields = [one(c, row.created) for c in sorted(row.fields, key=lambda c: order.get(c.key, len(order)))]
            if row.created:  # what a new record will hold: its blank fields left out
                fields = [f for f in fields if f["new"] != BLANK]
            rows.append({"row": row.row, "record": row.record, "created": row.created, "fields": fields,
                         "key": any(f["key"] for f in fields) and not row.created})  # fmt: skip
        key_rows = [
            {"label": capfirst(str(spec.label)), "rows": self.key_rows[k], "text": f"{self.key_rows[k]:,}"}
            for k, spec in shown.items()
            if self.key_rows.get(k)
        ]
        return {"rows": rows, "more": self.more, "more_text": f"{self.more:,}", "key_rows": key_rows}


@dataclass
class ChangeLog:
    """Collects a plan while an importer works it out, row by row (`created`, `updated`, `unchanged`) or,
    for a vectorised importer, in bulk (`count`, `hash`, `keyed`, and `created`/`updated` for the rows
    it lists)."""

    key_fields: frozenset[str] = frozenset()
    shown: int = SHOWN
    counts: ImportCounts = field(default_factory=ImportCounts)
    changes: list[RowChange] = field(default_factory=list)
    key_rows: Counter = field(default_factory=Counter)
    _hash: Any = field(default_factory=hashlib.sha256)

    def _add(self, row: int, record: str, created: bool, fields: list[FieldChange], counted: bool) -> None:
        if counted:
            if created:
                self.counts.created += 1
            else:
                self.counts.updated += 1
                self.key_rows.update({c.key for c in fields if c.key in self.key_fields})
            self.hash(repr((int(row), created, [(c.key, c.old, c.new) for c in fields])).encode())
        if len(self.changes) < self.shown:
            self.changes.append(RowChange(int(row), record, created, tuple(fields)))

    def created(self, row: int, record: str, fields: dict[str, Any], *, counted: bool = True) -> None:
        self._add(row, record, True, [FieldChange(k, None, v) for k, v in fields.items()], counted)

    def updated(self, row: int, record: str, fields: list[FieldChange], *, counted: bool = True) -> None:
        self._add(row, record, False, fields, counted)

    def unchanged(self, n: int = 1) -> None:
        self.counts.unchanged += n

    def count(self, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        self.counts.created += created
        self.counts.updated += updated
        self.counts.unchanged += unchanged

    def keyed(self, key: str, rows: int) -> None:
        self.key_rows[key] += rows

    def hash(self, data: bytes) -> None:
        self._hash.update(data)

    @property
    def full(self) -> bool:
        return len(self.changes) >= self.shown

    def plan(self, work: Any = None) -> ImportPlan:
        return ImportPlan(
            counts=self.counts,
            changes=self.changes,
            key_rows={k: n for k, n in self.key_rows.items() if n},
            digest=self._hash.hexdigest(),
            work=work,
        )
