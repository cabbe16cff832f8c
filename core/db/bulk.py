"""Bulk writes: PostgreSQL COPY, chunked INSERTs elsewhere.

`bulk_write` takes rows (tuples of Python values, as for the model's fields) from
any iterable; `bulk_write_frames` takes
DataFrame chunks of numeric columns and, on PostgreSQL, encodes them straight
into COPY's binary format with numpy (no per-row Python). Decimal columns in
frames are given as integers in minor units (10**decimal_places).

While a COPY runs, its connection takes no other statement: a generator feeding
rows must not query the database (write progress between calls instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

import numpy as np
import pandas as pd
from django.db import connection, models

from .pgbinary import encode_frame, header, trailer

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


def bulk_write(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows (values in `columns` order) and return how many were written."""
    fields = _db_columns(model, columns)
    written = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            qn = connection.ops.quote_name
            cols = ", ".join(qn(f.column) for f in fields)
            with cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            sql = _insert_sql(model, fields)
            iterator = iter(rows)
            while chunk := list(islice(iterator, SQLITE_CHUNK)):
                prepared = [[f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)] for row in chunk]
                cursor.executemany(sql, prepared)
                written += len(chunk)
    return written


def bulk_write_frames(model: type[models.Model], columns: Sequence[str], frames: Iterable[pd.DataFrame]) -> int:
    """Insert DataFrame chunks holding `columns` (ints, nullable ints, decimals in minor units)."""
    fields = _db_columns(model, columns)
    written = 0
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
    scales = {f.name: 10 ** f.decimal_places for f in fields if isinstance(f, models.DecimalField)}
    with connection.cursor() as cursor:
        for frame in frames:
            out = {}
            for f in fields:
                col = frame[f.name]
                if f.name in scales:
                    out[f.name] = (col.to_numpy(dtype=np.int64) / scales[f.name]).round(f.decimal_places).tolist()
                else:
                    out[f.name] = col.astype(object).where(col.notna(), None).tolist()
            cursor.executemany(sql, list(zip(*out.values(), strict=True)))
            written += len(frame)
    return written
