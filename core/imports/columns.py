"""Column specs and vectorised cell parsers.

A parser takes a column of stripped strings (NA = blank) and returns the parsed
values and a Series of error reasons (NA where the cell is fine).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
from django.utils.translation import gettext_noop

from core.exceptions import Reason, RowError, Verbatim

Parser = Callable[[pd.Series], tuple[pd.Series, pd.Series]]


@dataclass(frozen=True)
class Column:
    """One logical column: its key in our code and the headers it may carry in a file."""

    key: str
    headers: tuple[str, ...]
    parser: Parser
    required: bool = False
    description: str = ""
    extra_checks: tuple[Callable[[pd.Series], pd.Series], ...] = field(default=())


_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_CODE_NAME = re.compile(r"[a-z][a-z0-9_]*")  # our own key of a column (customer_code, target): accepted, not shown
_LOWER = re.compile(r"[a-z]")


def accepted_headers(column: Column, *, language: str | None = None) -> str:
    """The headers a column may carry, as a file missing the column is told them (`parse_table`: every one)
    and the import page's column guide lists them for its reader (`language`): the exports' (YEAR), the
    Chinese (年份) and, to an English reader, our English export's (Customer code); never our own code
    names (customer_code)."""
    if language is None:
        return "、".join(column.headers)
    english = language.startswith("en")
    shown = [
        h for h in column.headers
        if _CHINESE.search(h) or (not _CODE_NAME.fullmatch(h) and (english or not _LOWER.search(h)))
    ]  # fmt: skip
    return "、".join(shown)


def template_heading(column: Column) -> str:
    """The heading an empty template gives a column: its first Chinese header (年份), as exports write it."""
    return next((h for h in column.headers if _CHINESE.search(h)), column.headers[0])


def _no_errors(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="object")


def normalise_label(value: str) -> str:
    """Fold the spelling noise of exports: full-width brackets, spaces, case."""
    table = str.maketrans({"（": "(", "）": ")", "　": "", " ": ""})
    return value.translate(table).upper()


def text(max_length: int) -> Parser:
    def parse(col: pd.Series) -> tuple[pd.Series, pd.Series]:
        errors = _no_errors(col.index)
        errors[col.str.len() > max_length] = Reason(gettext_noop("longer than %(n)s characters"), n=max_length)
        return col, errors

    return parse


def code(max_length: int = 32) -> Parser:
    """An identifier: digits and letters; spreadsheet floats like '1042.0' are folded back."""

    def parse(col: pd.Series) -> tuple[pd.Series, pd.Series]:
        values = col.str.replace(r"\.0$", "", regex=True)
        errors = _no_errors(col.index)
        bad = values.notna() & ~values.str.fullmatch(r"[0-9A-Za-z_\-]+", na=False)
        errors[bad] = Reason(gettext_noop("not a code (letters and digits only)"))
        errors[values.str.len() > max_length] = Reason(gettext_noop("longer than %(n)s characters"), n=max_length)
        return values, errors

    return parse


def choice(mapping: Mapping[str, object], what: str) -> Parser:
    """Map labels (any of their spellings) to stored values; unknown labels are errors."""
    folded = {normalise_label(k): v for k, v in mapping.items()}

    def parse(col: pd.Series) -> tuple[pd.Series, pd.Series]:
        values = col.map(lambda v: folded.get(normalise_label(v)) if isinstance(v, str) else pd.NA)
        errors = _no_errors(col.index)
        errors[col.notna() & values.isna()] = Reason(gettext_noop("unknown %(what)s"), what=Reason(what))
        return values, errors

    return parse


INTEGER_MAX = 2**31 - 1  # the database's integer column (PostgreSQL's integer, Django's IntegerField)


def _bound(n: int) -> int | Verbatim:
    """A limit as a reason shows it: 12 as it is, 2,147,483,647 with its thousands separators."""
    return n if abs(n) < 10_000 else Verbatim(f"{n:,}")


def integer(minimum: int | None = None, maximum: int = INTEGER_MAX) -> Parser:
    """A whole number within [minimum, maximum]; the maximum is at most the database's integer column, so
    a cell past it (99999999999999999999999, 1e30) is a row error naming row, column and limit, never a
    server error from the cast or the database."""
    maximum = min(maximum, INTEGER_MAX)

    def parse(col: pd.Series) -> tuple[pd.Series, pd.Series]:
        numbers = pd.to_numeric(col, errors="coerce")
        errors = _no_errors(col.index)
        errors[col.notna() & numbers.isna()] = Reason(gettext_noop("not a number"))
        finite = numbers.notna() & np.isfinite(numbers)
        errors[numbers.notna() & ~finite] = Reason(gettext_noop("not a number"))  # inf, -inf
        whole = finite & (numbers % 1 != 0)
        errors[whole] = Reason(gettext_noop("not a whole number"))
        if minimum is not None:
            errors[finite & (numbers < minimum)] = Reason(gettext_noop("below %(n)s"), n=_bound(minimum))
        errors[finite & (numbers > maximum)] = Reason(gettext_noop("above %(n)s"), n=_bound(maximum))
        values = numbers.where(errors.isna()).round().astype("Int64")
        return values, errors

    return parse


def decimal(places: int = 2, minimum: Decimal | None = None, positive: bool = False, max_digits: int = 10) -> Parser:
    """A decimal with at most `places` decimals and `max_digits` digits in all (the model field's
    own bounds: a larger number is a row error, never a 500 from the database or from rounding)."""
    quantum = Decimal(1).scaleb(-places)
    limit = Decimal(10) ** (max_digits - places)

    def to_decimal(value: object) -> object:
        if not isinstance(value, str):
            return pd.NA
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

    def parse(col: pd.Series) -> tuple[pd.Series, pd.Series]:
        numbers = col.map(to_decimal)
        errors = _no_errors(col.index)
        errors[numbers.map(lambda v: v is None)] = Reason(gettext_noop("not a number"))
        ok = numbers.map(lambda v: isinstance(v, Decimal))
        if positive:
            errors[ok & numbers.map(lambda v: isinstance(v, Decimal) and v <= 0)] = Reason(
                gettext_noop("must be greater than 0")
            )
        if minimum is not None:
            errors[ok & numbers.map(lambda v: isinstance(v, Decimal) and v < minimum)] = Reason(
                gettext_noop("below %(n)s"), n=minimum
            )
        too_large = ok & numbers.map(lambda v: isinstance(v, Decimal) and abs(v) >= limit)
        errors[too_large] = Reason(gettext_noop("too large (below %(n)s)"), n=f"{limit:,}")
        ok &= ~too_large
        too_fine = ok & numbers.map(lambda v: isinstance(v, Decimal) and abs(v) < limit and v != v.quantize(quantum))  # 1e400 cannot be quantized
        errors[too_fine] = Reason(gettext_noop("more than %(n)s decimal places"), n=places)
        values = numbers.where(errors.isna() & ok, pd.NA)
        return values, errors

    return parse


TRUE_WORDS = {"1", "Y", "YES", "TRUE", "是", "T", "有"}
FALSE_WORDS = {"0", "N", "NO", "FALSE", "否", "F", "无"}


def boolean(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    folded = col.map(lambda v: normalise_label(v).removesuffix(".0") if isinstance(v, str) else pd.NA)
    values = folded.map(lambda v: True if v in TRUE_WORDS else False if v in FALSE_WORDS else pd.NA)
    errors = _no_errors(col.index)
    errors[col.notna() & values.isna()] = Reason(gettext_noop("not yes/no (use 1/0 or 是/否)"))
    return values, errors


def date(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = pd.to_datetime(col, errors="coerce", format="mixed")
    errors = _no_errors(col.index)
    errors[col.notna() & parsed.isna()] = Reason(gettext_noop("not a date (use YYYY-MM-DD)"))
    return parsed.dt.date.where(parsed.notna(), pd.NA), errors


CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(word: str) -> int | None:
    """一 … 九十九 as written in exports (十, 十一, 二十, 二十三, 三十)."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if "十" in word:
        tens, _, ones = word.partition("十")
        t = CHINESE_DIGITS.get(tens, None) if tens else 1
        o = CHINESE_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return CHINESE_DIGITS.get(word) if len(word) == 1 else None


_TIER_PATTERN = re.compile(r"^(?:D|第)?([0-9]+|[一二两三四五六七八九十]+)(?:档)?$")


def tier(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """一档…三十档, D1…D30, 第N档 or a plain number, 1–30."""

    invalid = -1  # a sentinel, not None: pandas may read None as missing and drop the error

    def parse_one(value: object) -> int | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if pd.isna(value):
                return None
            value = str(value)
        if not isinstance(value, str):
            return None
        if not value.strip():
            return None
        match = _TIER_PATTERN.match(normalise_label(value).removesuffix(".0"))
        number = chinese_number(match.group(1)) if match else None
        return number if number is not None and 1 <= number <= 30 else invalid

    parsed = [parse_one(v) for v in col.tolist()]
    errors = _no_errors(col.index)
    bad = pd.Series([v == invalid for v in parsed], index=col.index)
    errors[bad] = Reason(gettext_noop("not a tier (一档…三十档 or D1…D30)"))
    values = pd.Series([None if v in (None, invalid) else v for v in parsed], index=col.index, dtype="Int64")
    return values, errors


@dataclass
class ParsedTable:
    """The clean values (one column per key, index = row number) and every problem found."""

    frame: pd.DataFrame
    errors: list[RowError]
    headers: dict[str, str] = field(default_factory=dict)  # key -> header read (or the first accepted one)
    present: set[str] = field(default_factory=set)  # keys whose column is in the file


def parse_table(frame: pd.DataFrame, columns: list[Column]) -> ParsedTable:
    """Resolve headers, parse every cell, and collect every problem (no early exit)."""
    errors: list[RowError] = []
    by_header = {normalise_label(h): h for h in frame.columns}
    out = pd.DataFrame(index=frame.index)
    headers: dict[str, str] = {}
    for column in columns:
        header = next((by_header[normalise_label(h)] for h in column.headers if normalise_label(h) in by_header), None)
        headers[column.key] = header or column.headers[0]
        if header is None:
            if column.required:
                errors.append(
                    RowError(
                        1,
                        column.headers[0],
                        "",
                        Reason(
                            gettext_noop("missing column (accepted headers: %(headers)s)"),
                            headers=accepted_headers(column),
                        ),
                    )
                )
            out[column.key] = pd.Series(pd.NA, index=frame.index, dtype="object")
            continue
        raw = frame[header].astype("object").where(frame[header].notna(), pd.NA)
        values, problems = column.parser(raw)
        if column.required:
            problems = problems.where(raw.notna(), Reason(gettext_noop("required value is blank")))
        for check in column.extra_checks:
            extra = check(values)
            problems = problems.where(problems.notna(), extra)
        for row, reason in problems.dropna().items():
            value = raw.get(row)
            errors.append(RowError(int(row), header, "" if value is pd.NA else str(value), reason))
        out[column.key] = values.astype("object")
    errors.sort(key=lambda e: (e.row, e.column))
    present = {key for key, header in headers.items() if header in frame.columns}
    return ParsedTable(out, errors, headers, present)


def duplicate_errors(values: pd.Series, header: str) -> list[RowError]:
    """Every row whose key repeats an earlier row of the same file."""
    first_row: dict[object, int] = {}
    errors = []
    for row, value in values.dropna().items():
        if value in first_row:
            errors.append(
                RowError(
                    int(row), header, str(value), Reason(gettext_noop("repeats row %(row)s"), row=first_row[value])
                )
            )
        else:
            first_row[value] = int(row)
    return errors


def unknown_code_errors(values: pd.Series, header: str, known: set[str], reason: str | Reason) -> list[RowError]:
    """Every row whose code is not among `known`, with `reason` (e.g. "no retailer with this customer code")."""
    reason = reason if isinstance(reason, Reason) else Reason(reason)
    return [RowError(int(row), header, value, reason) for row, value in values.dropna().items() if value not in known]


def repeated_key_errors(keys: pd.DataFrame, header: str, shown: str, note: str) -> list[RowError]:
    """Every row whose key (all columns of `keys`, blank rows dropped) repeats an earlier row;
    the error shows the row's `shown` column under `header`, e.g. "repeats row 3 (same retailer, product)"."""
    keys = keys.dropna()
    first: dict[tuple, int] = {}
    errors = []
    for row, key in zip(keys.index, keys.itertuples(index=False, name=None), strict=True):
        if key in first:
            errors.append(
                RowError(
                    int(row),
                    header,
                    str(keys.at[row, shown]),
                    Reason(gettext_noop("repeats row %(row)s (%(note)s)"), row=first[key], note=Reason(note)),
                )
            )
        else:
            first[key] = int(row)
    return errors
