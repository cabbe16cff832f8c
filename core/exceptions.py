"""Domain exceptions shared by the apps."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop


class DomainError(Exception):
    """A business rule refused the operation; the message is for the user."""


class RunOverlap(DomainError):
    """A run of the same job over the same scope is already active."""


class AccessDenied(DomainError):
    """The actor may not act on this object."""


class Verbatim(str):
    """A value a Reason shows as it was written, never through the catalog: a person's words (a
    supervisor's reason), a name, a figure already formatted."""

    __slots__ = ()


class Reason:
    """Why something happened or was refused, in the words of whoever reads it: the English msgid and
    its values, translated each time it is shown ("not a number" → 不是数字), so a reason kept on a run
    or an audit entry (`stored`, `from_stored`; `text` and `shown` in a text column) reads in the
    language of the page that lists it, whoever wrote it in whichever language. A value may be a Reason
    itself (the kind of a column: "unknown %(what)s" of "market type"), a `Verbatim` (shown as written)
    or a number; a plain string is read through the catalog."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params) -> None:
        self.msgid, self.params = msgid, params

    def _values(self) -> dict:
        return {
            k: v if isinstance(v, int | float) and not isinstance(v, bool) else str(v) for k, v in self.params.items()
        }

    def __str__(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        try:
            return text % self._values()
        except (KeyError, TypeError, ValueError):  # a translation that lost a value: the English
            return self.msgid % self._values()

    def __repr__(self) -> str:
        return f"Reason({self.msgid!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other) if isinstance(other, Reason | str) else NotImplemented

    def __hash__(self) -> int:  # as its text: a Reason and the string it reads as are one set member
        return hash(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def stored(self) -> dict:
        """As JSON keeps it (a run's row errors)."""
        return {"msgid": self.msgid, "params": {k: _stored_value(v) for k, v in self.params.items()}}

    @classmethod
    def from_stored(cls, data) -> Reason | str:
        """Back from `stored`; a plain string (a run kept before reasons were stored so) as it was, translated."""
        if isinstance(data, dict) and "msgid" in data:
            return cls(data["msgid"], **{k: cls.from_stored(v) for k, v in (data.get("params") or {}).items()})
        if isinstance(data, dict) and "verbatim" in data:
            return Verbatim(data["verbatim"])
        if isinstance(data, int | float) and not isinstance(data, bool):
            return data
        return cls(data) if isinstance(data, str) and "%" not in data else str(data)

    def text(self) -> str:
        """As a text column keeps it (an audit entry's reason, a run's error): read back by `shown`."""
        return json.dumps(self.stored(), ensure_ascii=False)

    @classmethod
    def kept(cls, text: str | None) -> Reason | str:
        """A text column's value back as `text` kept it: a Reason (to raise or keep again as it is); any
        other text (a person's words, a row written before reasons were kept so) as it is."""
        if not text or not text.startswith('{"msgid"'):
            return text or ""
        try:
            data = json.loads(text)
        except ValueError:
            return text
        return cls.from_stored(data)

    @classmethod
    def shown(cls, text: str | None) -> str:
        """A text column's value in the reader's language: a Reason kept by `text`, translated now; any
        other text (a person's words, a row written before reasons were kept so) as it is."""
        return str(cls.kept(text))


def _stored_value(value):
    if isinstance(value, Reason):
        return value.stored()
    if isinstance(value, Verbatim):
        return {"verbatim": str(value)}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


def label_reason(label) -> Reason | Verbatim:
    """A choice's label (`CycleStatus(cycle.status).label`, a lazy translation of an English msgid) as a
    Reason's value: read in the reader's language wherever the Reason is shown; any other label as written."""
    args = getattr(label, "_args", None) if isinstance(label, Promise) else None
    if args and len(args) == 1 and isinstance(args[0], str):
        return Reason(args[0])
    return Verbatim(str(label))


def reason_of(exc: BaseException) -> Reason | None:
    """The Reason an exception was raised with (`DomainError(Reason(...))`), to keep as it is."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Reason) else None


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of an input file. `row` is the spreadsheet row number (header = 1)."""

    row: int
    column: str
    value: str
    reason: Reason | str  # a Reason: shown in the reader's language

    def __str__(self) -> str:
        shown = f" ({self.value!r})" if self.value else ""
        return gettext("row %(row)s, column %(column)s%(value)s: %(reason)s") % {
            "row": self.row, "column": self.column, "value": shown, "reason": self.reason,
        }  # fmt: skip

    def stored(self) -> dict:
        """As JSON keeps it (a run's row errors); `shown` reads it back."""
        reason = self.reason.stored() if isinstance(self.reason, Reason) else str(self.reason)
        return {"row": self.row, "column": self.column, "value": self.value, "reason": reason}

    @staticmethod
    def shown(data: dict) -> dict:
        """A stored row error with its reason in the reader's language."""
        return {**data, "reason": str(Reason.from_stored(data.get("reason", "")))}


class InvalidInput(DomainError):
    """An input file had bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        count = Verbatim(f"{len(errors):,}")
        super().__init__(Reason(gettext_noop("%(n)s problem(s) in the input; nothing was written"), n=count))
