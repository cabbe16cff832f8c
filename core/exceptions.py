"""Domain exceptions shared by the apps."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext


class DomainError(Exception):
    """A business rule refused the operation; the message is for the user."""


class RunOverlap(DomainError):
    """A run of the same job over the same scope is already active."""


class AccessDenied(DomainError):
    """The actor may not act on this object."""


class Reason:
    """Why a row of an input file is refused, in the words of whoever reads it: the English msgid and
    its values, translated each time it is shown ("not a number" → 不是数字), so a reason kept on a run
    (`stored`, `from_stored`) reads in the language of the page that lists it. A value may be a Reason
    itself (the kind of a column: "unknown %(what)s" of "market type")."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params) -> None:
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        text = gettext(self.msgid)
        return text % {k: str(v) for k, v in self.params.items()} if self.params else text

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
        return {
            "msgid": self.msgid,
            "params": {k: v.stored() if isinstance(v, Reason) else str(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_stored(cls, data) -> Reason | str:
        """Back from `stored`; a plain string (a run kept before reasons were stored so) as it was, translated."""
        if isinstance(data, dict) and "msgid" in data:
            return cls(data["msgid"], **{k: cls.from_stored(v) for k, v in (data.get("params") or {}).items()})
        return cls(data) if isinstance(data, str) and "%" not in data else str(data)


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
        super().__init__(f"{len(errors)} problem(s) in the input; nothing was written")
