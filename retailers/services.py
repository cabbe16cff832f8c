"""Writes to the retailer registry in bulk, with history kept in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone

from core.db import bulk_update, bulk_write

from .models import Retailer

HISTORY_META = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
CHUNK = 5000


def retailers_history_snapshot(*, pks: Sequence[int], history_type: str, actor=None, reason: str = "") -> int:
    """Record the current state of these retailers as history rows ('+' created, '~' changed).

    One INSERT ... SELECT per chunk: the database copies the rows, no model instances.
    """
    history = Retailer.history.model
    tracked = [f.column for f in history._meta.fields if f.name not in HISTORY_META]
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in tracked)
    meta = ", ".join(qn(c) for c in ("history_date", "history_change_reason", "history_type", "history_user_id"))
    now = timezone.now()
    written = 0
    select = (
        f"INSERT INTO {qn(history._meta.db_table)} ({cols}, {meta}) "  # noqa: S608 - identifiers quoted
        f"SELECT {cols}, %s, %s, %s, %s FROM {qn(Retailer._meta.db_table)} WHERE "
    )
    head = [now, reason or None, history_type, actor.pk if actor else None]
    with connection.cursor() as cursor:
        for start in range(0, len(pks), CHUNK):
            chunk = list(pks[start : start + CHUNK])
            cursor.execute(select + f"{qn('id')} IN ({', '.join(['%s'] * len(chunk))})", [*head, *chunk])
            written += cursor.rowcount
    return written


@transaction.atomic
def retailers_create(*, retailers: Sequence[Retailer], actor=None, reason: str = "") -> list[int]:
    """Insert new retailers (COPY on PostgreSQL) and their '+' history rows; returns their ids."""
    if not retailers:
        return []
    now = timezone.now()
    fields = [f for f in Retailer._meta.concrete_fields if not f.primary_key]
    for retailer in retailers:
        retailer.created_at = retailer.updated_at = now
    bulk_write(Retailer, [f.name for f in fields], ([getattr(r, f.attname) for f in fields] for r in retailers))
    codes = [r.customer_code for r in retailers]
    ids = []
    for start in range(0, len(codes), CHUNK):
        ids += list(
            Retailer.objects.filter(customer_code__in=codes[start : start + CHUNK]).values_list("pk", flat=True)
        )
    retailers_history_snapshot(pks=ids, history_type="+", actor=actor, reason=reason)
    return ids


@transaction.atomic
def retailers_update(*, retailers: Sequence[Retailer], fields: Sequence[str], actor=None, reason: str = "") -> int:
    """Save changed fields of existing retailers and record '~' history rows."""
    if not retailers:
        return 0
    now = timezone.now()
    for retailer in retailers:
        retailer.updated_at = now
    bulk_update(retailers, [*fields, "updated_at"])
    retailers_history_snapshot(pks=[r.pk for r in retailers], history_type="~", actor=actor, reason=reason)
    return len(retailers)
