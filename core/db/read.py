"""Read a query's rows into a DataFrame: through COPY … TO STDOUT on PostgreSQL (millions of rows
in seconds, no Python tuple per row), through the cursor elsewhere."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from django.db import connection

from .bulk import is_postgresql


def read_frame(sql: str, params: Sequence, columns: list[str], *, dates: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of `sql` (placeholders %s) as a frame with `columns`; `dates` are parsed as datetime64."""
    connection.ensure_connection()
    if is_postgresql():
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", list(params)) as copy:
                for block in copy:
                    buffer.write(block)
        buffer.seek(0)
        if not buffer.getbuffer().nbytes:
            frame = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
        else:
            frame = pd.read_csv(buffer, header=None, names=columns)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    for name in dates:
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")  # one resolution on every backend
    return frame
