"""Bulk writes: PostgreSQL COPY, chunked INSERTs elsewhere; `bulk_update` for changed rows.

`bulk_write` takes rows (tuples of Python values, as for the model's fields) from
any iterable; `bulk_write_frames` takes
DataFrame chunks of numeric columns and, on PostgreSQL, encodes them straight
into COPY's binary format with numpy (no per-row Python). Decimal columns in
frames are given as integers in minor units (10**decimal_places).

While a COPY runs, its connection takes no other statement: a generator feeding
rows must not query the database (write progress between calls instead).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from itertools import islice

import numpy as np
import pandas as pd
from django.db import connection, models, transaction

from .pgbinary import binary_encodable, encode_frame, header, trailer

SQLITE_CHUNK = 5000


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _db_columns(model: type[models.Model], columns: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in columns]


def _insert_sql(model: type[models.Model], fields: list[models.Field]) -> str:
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608


def bulk_write(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *, pg_types: Sequence[str] = ()
) -> int:
    """Insert rows (values in `columns` order) and return how many were written.

    `pg_types` (PostgreSQL type names, one per column) send the rows as binary COPY: faster for
    binary columns (no hex text) and numbers."""
    fields = _db_columns(model, columns)
    written = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            qn = connection.ops.quote_name
            cols = ", ".join(qn(f.column) for f in fields)
            options = " (FORMAT BINARY)" if pg_types else ""
            with cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN{options}") as copy:
                if pg_types:
                    copy.set_types(list(pg_types))
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            sql = _insert_sql(model, fields)
            iterator = iter(rows)
            while chunk := list(islice(iterator, SQLITE_CHUNK)):
                prepared = [
                    [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)] for row in chunk
                ]
                cursor.executemany(sql, prepared)
                written += len(chunk)
    return written


def bulk_update(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Save `fields` of these existing rows (all of one model) and return how many were given.

    Django's `bulk_update` builds one CASE WHEN per field and row: ~2.5 ms a row for a registry
    row of 13 fields (37 s for a 15,000-row export, bench/foundation.py). On PostgreSQL the
    rows go by COPY into a temporary table and one UPDATE ... FROM sets them; elsewhere one
    UPDATE statement per row, sent together (executemany)."""
    if not objs:
        return 0
    model = type(objs[0])
    concrete = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    rows = [
        [pk.get_db_prep_save(obj.pk, connection), *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete)]
        for obj in objs
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgresql():
            scratch = qn(f"bulk_update_{uuid.uuid4().hex[:12]}")
            cols = ", ".join(qn(f.column) for f in [pk, *concrete])
            create = f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"  # noqa: S608
            cursor.execute(create)
            with cursor.cursor.copy(f"COPY {scratch} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{qn(f.column)} = u.{qn(f.column)}" for f in concrete)
            key = qn(pk.column)
            cursor.execute(f"UPDATE {table} SET {sets} FROM {scratch} u WHERE {table}.{key} = u.{key}")  # noqa: S608
            cursor.execute(f"DROP TABLE {scratch}")
        else:
            sets = ", ".join(f"{qn(f.column)} = %s" for f in concrete)
            sql = f"UPDATE {table} SET {sets} WHERE {qn(pk.column)} = %s"  # noqa: S608 - identifiers quoted
            cursor.executemany(sql, [[*row[1:], row[0]] for row in rows])
    return len(objs)


def _csv_text(frame: pd.DataFrame, fields: list[models.Field]) -> str:
    """The frame as CSV for COPY: decimals from minor units, booleans as t/f, NA as empty."""
    out = {}
    for f in fields:
        col = frame[f.name]
        if isinstance(f, models.DecimalField):
            units = col.to_numpy(dtype=np.int64)
            scale = 10**f.decimal_places
            whole, frac = np.divmod(np.abs(units), scale)
            sign = np.where(units < 0, "-", "")
            text = (
                pd.Series(sign)
                + pd.Series(whole).astype(str)
                + "."
                + pd.Series(frac).astype(str).str.zfill(f.decimal_places)
            )
            out[f.name] = text.to_numpy()
        elif isinstance(f, models.BooleanField):
            out[f.name] = np.where(col.to_numpy(dtype=bool), "t", "f")
        elif isinstance(f, models.IntegerField):
            out[f.name] = col.astype("Int64").to_numpy(dtype=object, na_value=None)  # no "27.0" for nullable ints
        else:
            out[f.name] = col.to_numpy()
    return pd.DataFrame(out).to_csv(header=False, index=False, na_rep="")


def bulk_write_frames(model: type[models.Model], columns: Sequence[str], frames: Iterable[pd.DataFrame]) -> int:
    """Insert DataFrame chunks holding `columns` (decimals as integers in minor units).

    On PostgreSQL, numeric-only frames go as binary COPY (numpy-encoded), frames with text as
    CSV COPY (non-null text columns keep empty strings).
    """
    fields = _db_columns(model, columns)
    written = 0
    if is_postgresql() and not all(binary_encodable(f) for f in fields):
        qn = connection.ops.quote_name
        cols = ", ".join(qn(f.column) for f in fields)
        keep_empty = [qn(f.column) for f in fields if isinstance(f, models.CharField | models.TextField) and not f.null]
        options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(keep_empty)})" if keep_empty else "")
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN ({options})") as copy:
                for frame in frames:
                    copy.write(_csv_text(frame, fields))
                    written += len(frame)
        return written
    if is_postgresql():
        qn = connection.ops.quote_name
        cols = ", ".join(qn(f.column) for f in fields)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(header())
                for frame in frames:
                    copy.write(encode_frame(frame, fields))
                    written += len(frame)
                copy.write(trailer())
        return written

    sql = _insert_sql(model, fields)
    scales = {f.name: 10**f.decimal_places for f in fields if isinstance(f, models.DecimalField)}
    with connection.cursor() as cursor:
        for frame in frames:
            out = {}
            for f in fields:
                col = frame[f.name]
                if f.name in scales:
                    units = col.to_numpy(dtype=np.float64) / scales[f.name]
                    out[f.name] = [None if np.isnan(v) else v for v in units.round(f.decimal_places).tolist()]
                elif isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
                    out[f.name] = [d.isoformat() for d in pd.to_datetime(col).dt.date]
                else:
                    out[f.name] = col.astype(object).where(col.notna(), None).tolist()
            cursor.executemany(sql, list(zip(*out.values(), strict=True)))
            written += len(frame)
    return written
