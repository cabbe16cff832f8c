"""Domain exceptions shared by the apps."""

from dataclasses import dataclass


class DomainError(Exception):
    """A business rule refused the operation; the message is for the user."""


class RunOverlap(DomainError):
    """A run of the same job over the same scope is already active."""


class AccessDenied(DomainError):
    """The actor may not act on this object."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of an input file. `row` is the spreadsheet row number (header = 1)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = f" ({self.value!r})" if self.value else ""
        return f"row {self.row}, column {self.column}{shown}: {self.reason}"


class InvalidInput(DomainError):
    """An input file had bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the input; nothing was written")
