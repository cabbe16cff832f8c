"""Shared bench helpers: a throwaway PostgreSQL database, Django setup, stage timing, peak memory."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/test", "-qc", sql], check=True)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/test") as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@contextlib.contextmanager
def fresh_database(name: str, keep: bool = False, reuse: bool = False):
    """Create an empty PostgreSQL database, point Django at it, migrate; drop it afterwards.
    `reuse`: take the database as a kept earlier run left it, if there is one (and keep it)."""
    keep = keep or reuse
    if not (reuse and database_exists(name)):
        psql(f"DROP DATABASE IF EXISTS {name}")
        psql(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distribution.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            psql(f"DROP DATABASE IF EXISTS {name}")


class Stages:
    """Prints one line per stage: seconds, rows, rows/s, peak memory."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, float, int | None]] = []
        print(f"# {title}", flush=True)

    @contextlib.contextmanager
    def stage(self, name: str, rows: int | None = None):
        started = time.perf_counter()
        box: dict = {"rows": rows}
        yield box
        seconds = time.perf_counter() - started
        self.rows.append((name, seconds, box["rows"]))
        rate = f"{box['rows'] / seconds:,.0f} rows/s" if box["rows"] else ""
        count = f"{box['rows']:,} rows" if box["rows"] else ""
        print(f"{name:<44} {seconds:8.2f} s  {count:>16}  {rate:>18}  peak {peak_mb():,.0f} MB", flush=True)
