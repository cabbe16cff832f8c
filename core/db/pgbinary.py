"""Vectorised encoder for PostgreSQL's binary COPY format (ints, bools, numerics, floats, dates).

Each tuple is: int16 field count, then per field an int32 length (-1 = NULL) and
the value in network byte order. Rows sharing a NULL pattern have one fixed
layout, so each pattern is encoded as one numpy structured array.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db import models

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
NUMERIC_POS, NUMERIC_NEG = 0x0000, 0x4000


def header() -> bytes:
    return SIGNATURE + np.array([0, 0], dtype=">i4").tobytes()


def trailer() -> bytes:
    return np.array([-1], dtype=">i2").tobytes()


def _kind(field: models.Field) -> str:
    internal = field.get_internal_type()
    if isinstance(field, models.ForeignKey):
        internal = field.target_field.get_internal_type()
    if internal in {"BigAutoField", "BigIntegerField", "PositiveBigIntegerField"}:
        return "int8"
    if internal in {"AutoField", "IntegerField", "PositiveIntegerField"}:
        return "int4"
    if internal in {"SmallIntegerField", "PositiveSmallIntegerField", "SmallAutoField"}:
        return "int2"
    if internal == "BooleanField":
        return "bool"
    if internal == "DecimalField":
        return "numeric"
    if internal == "FloatField":
        return "float8"
    if internal == "DateField":
        return "date"
    raise TypeError(f"binary COPY does not encode {field.name} ({internal})")


def binary_encodable(field: models.Field) -> bool:
    try:
        _kind(field)
    except TypeError:
        return False
    return True


_WIDTH = {"int8": 8, "int4": 4, "int2": 2, "bool": 1, "float8": 8, "date": 4, "numeric": 8 + 3 * 2}
PG_EPOCH_DAYS = 10957  # 2000-01-01, PostgreSQL's day zero, in days since 1970-01-01


def _numeric_parts(minor_units: np.ndarray, scale: int) -> dict[str, np.ndarray]:
    """A fixed three-digit base-10000 numeric (weight 1): up to 99,999,999 with `scale` <= 4 decimals."""
    sign = np.where(minor_units < 0, NUMERIC_NEG, NUMERIC_POS)
    absolute = np.abs(minor_units)
    whole, frac = np.divmod(absolute, 10**scale)
    if (whole >= 10**8).any():
        raise OverflowError("numeric value too large for the fixed binary layout")
    return {
        "d0": whole // 10000,
        "d1": whole % 10000,
        "d2": frac * 10 ** (4 - scale),
        "sign": sign,
    }


def encode_frame(frame: pd.DataFrame, fields: list[models.Field]) -> bytes:
    if frame.empty:
        return b""
    kinds = [_kind(f) for f in fields]
    nulls = np.column_stack([frame[f.name].isna().to_numpy() for f in fields])
    codes = nulls.astype(np.int64) @ (1 << np.arange(len(fields), dtype=np.int64))  # one int per NULL pattern
    chunks = []
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        pattern = nulls[rows[0]]
        dtype = [("n", ">i2")]
        for i, kind in enumerate(kinds):
            dtype.append((f"l{i}", ">i4"))
            if pattern[i]:
                continue
            if kind == "numeric":
                dtype += [(f"h{i}", ">i2", (4,)), (f"d{i}", ">i2", (3,))]
            else:
                dtype.append((f"v{i}", {"int8": ">i8", "int4": ">i4", "int2": ">i2", "bool": "u1", "float8": ">f8", "date": ">i4"}[kind]))
        out = np.zeros(len(rows), dtype=dtype)
        out["n"] = len(fields)
        for i, (field, kind) in enumerate(zip(fields, kinds, strict=True)):
            if pattern[i]:
                out[f"l{i}"] = -1
                continue
            out[f"l{i}"] = _WIDTH[kind]
            values = frame[field.name].to_numpy()[rows]
            if kind == "numeric":
                parts = _numeric_parts(values.astype(np.int64), field.decimal_places)
                out[f"h{i}"] = np.column_stack(
                    [np.full(len(rows), 3), np.ones(len(rows)), parts["sign"], np.full(len(rows), field.decimal_places)]
                )
                out[f"d{i}"] = np.column_stack([parts["d0"], parts["d1"], parts["d2"]])
            elif kind == "bool":
                out[f"v{i}"] = values.astype(bool)
            elif kind == "float8":
                out[f"v{i}"] = values.astype(np.float64)
            elif kind == "date":
                days = pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)
                out[f"v{i}"] = days - PG_EPOCH_DAYS
            else:
                out[f"v{i}"] = values.astype(np.int64)
        chunks.append(out.tobytes())
    return b"".join(chunks)
