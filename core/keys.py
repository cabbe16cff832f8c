"""Whether a value could be the key of a row: an id read from an address, a form or a query (a letter,
a fraction or a number past the column is the key of no row). Looked up anyway, such a value is refused
by Django ("Field 'id' expected a number") or by the database (SQLite: "Python int too large to convert",
PostgreSQL: "integer out of range"), a server error; checked first, it is a missing record
(`core.admin_autocomplete` for the admin's pages and lists; the services that take an id from a page)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection


def key_field(field):
    """The column a key of `field` is compared with: a relation's target (a compliance standing's key is
    its retailer's id)."""
    while field.is_relation:
        field = field.target_field
    return field


def in_range(field, number: int) -> bool:
    """Whether `number` fits the integer column of `field` (the database's own bounds)."""
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


def is_key(field, value) -> bool:
    """Whether `value` could be a key of `field` (a primary key, or the field a relation points at): read
    as the field reads it and, for a number, within its column. A letter ("abc"), a fraction ("1.5") or a
    number past the column ("99999999999999999999999") is the key of no row; looked up, it is refused by
    Django ("Field 'id' expected a number") or by the database (SQLite: "Python int too large")."""
    field = key_field(field)
    try:
        value = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return in_range(field, value) if isinstance(value, int) else value is not None
