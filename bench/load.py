"""Issue 16 targets: a 50,000-retailer city on PostgreSQL, the production web server (Granian, WSGI)
on 127.0.0.1, authenticated retailers each fetching their own quotas: the API ≥ 1,500 requests/s
and the phone page ≥ 800 requests/s, p99 under 100 ms at 50 concurrent clients, no errors.

    .venv/bin/python bench/load.py [--retailers 50000] [--products 60] [--logins 5000]
                                   [--connections 50] [--seconds 20] [--client-threads 2] [--workers 3] [--threads 2] [--server granian]
                                   [--keep] [--reuse [--sample N] [--warm]] [--only api]

Needs `wrk` (Debian: apt-get install wrk). Setup, not timed: the registry and catalogue, a
supply plan for this week's cycle computed and published, `--logins` retailers with a login,
an API token and a session each. Then wrk drives `--connections` keep-alive clients, each
request as a random one of those retailers (a Lua script picks the token or session cookie), first
against `/api/v1/me/quotas/`, then against the phone page `/m/`. The first pass asks for every login
once (4 at a time) so each payload or page is built and cached; the figures are from a second,
timed pass. Redis is the cache (CACHE_URL), as in production; sessions are kept on the server as
production keeps them (SESSION_ENGINE: rows with a copy in Redis), and each phone also sends the
CSRF cookie a browser keeps from its first page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import PG, ROOT, fresh_database

REDIS = "redis://127.0.0.1:6379/8"
UNUSABLE = "!"  # no password: the bench logs in by token and session  # noqa: S105
PORT = 8765

# Each request is one of the logins' requests, formatted once at start (formatting one per request
# took the client's share of the 2 cores from the server's).
LUA = """
local requests = {}
init = function(args)
  for line in io.lines("%(file)s") do
    requests[#requests + 1] = wrk.format(
      "GET", "%(path)s", {["%(header)s"] = "%(prefix)s" .. line, ["Accept-Language"] = "zh-hans"})
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
request = function()
  return requests[math.random(#requests)]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d seconds=%%.2f rps=%%.1f p50_ms=%%.2f p99_ms=%%.2f max_ms=%%.2f errors=%%d non2xx=%%d\\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def setup(retailers: int, products: int, logins: int) -> tuple[list[str], list[str]]:
    import numpy as np
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from allocation.models import SupplyPlanLine
    from allocation.services import allocation_run_create, allocation_run_publish
    from cycles.calendar import cycle_monday
    from cycles.services import cycle_get_or_create
    from demo.city import build_city
    from demo.services import _catalogue, _registry
    from retailers.models import Retailer

    started = time.perf_counter()
    today = timezone.localdate()
    city = build_city(retailers=retailers, products=products, seed=5)
    managers = {i: User.objects.create(username=f"m{i}", role=Role.MANAGER).pk for i in range(len(city.managers))}
    boss = User.objects.create(username="boss", role=Role.SUPERVISOR)
    with transaction.atomic():
        _registry(city, managers)
        product_ids = _catalogue(city, today)
    cycle = cycle_get_or_create(starts_on=cycle_monday(today))
    rng = np.random.default_rng(2)
    SupplyPlanLine.objects.bulk_create(
        SupplyPlanLine(
            cycle=cycle,
            product_id=int(pid),
            target=int(rng.integers(retailers // 5, retailers * 3)),
            method="B" if k % 3 else "A",
            dimensions=["market_type"] if k % 3 else [],
        )  # fmt: skip
        for k, pid in enumerate(product_ids)
    )
    allocation_run_publish(allocation_run=allocation_run_create(cycle=cycle), approver=boss)
    shops = list(
        Retailer.objects.filter(status="active", tier__isnull=False)
        .order_by("?")
        .values_list("pk", "license_no")[:logins]
    )
    users = User.objects.bulk_create(
        User(username=license_no, role=Role.RETAILER, is_staff=False, password=UNUSABLE) for _, license_no in shops
    )
    for (pk, _), user in zip(shops, users, strict=True):
        Retailer.objects.filter(pk=pk).update(user=user)
    Token.objects.bulk_create(Token(user=u, key=Token.generate_key()) for u in users)
    print(
        f"setup: {retailers:,} retailers, {products} products published in cycle {cycle}, "
        f"{len(users):,} retailer logins, in {time.perf_counter() - started:.1f} s (not timed)",
        flush=True,
    )
    return retailer_logins()


def retailer_logins(limit: int | None = None) -> tuple[list[str], list[str]]:
    """Each retailer login's API token, and its phone's cookies: a session (kept by SESSION_ENGINE,
    as a login keeps it) and the CSRF cookie a browser keeps from its first page."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string
    from rest_framework.authtoken.models import Token

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    tokens, sessions = [], []
    for token in Token.objects.filter(user__role="retailer").select_related("user").order_by("user_id")[:limit]:
        store = SessionStore()
        store[SESSION_KEY] = str(token.user.pk)
        store[BACKEND_SESSION_KEY] = "accounts.backends.RoleBackend"
        store[HASH_SESSION_KEY] = token.user.get_session_auth_hash()
        store.save()
        tokens.append(token.key)
        csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        sessions.append(f"{store.session_key}; csrftoken={csrf}")
    return tokens, sessions


def wrk(path: str, header: str, prefix: str, creds: list[str], connections: int, seconds: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "creds.txt"
        file.write_text("\n".join(creds) + "\n")
        script = Path(tmp) / "load.lua"
        script.write_text(LUA % {"file": file, "path": path, "header": header, "prefix": prefix})
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script),
             f"http://127.0.0.1:{PORT}{path}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    match = re.search(r"RESULT (.*)", out)
    return dict(kv.split("=") for kv in match.group(1).split())


def first_looks(path: str, header: str, prefix: str, creds: list[str], clients: int = 4) -> dict:
    """Ask for every login exactly once (`clients` at a time), so each payload or page is built and
    cached before the timed pass; returns the same figures as `wrk`."""

    def look(cred: str) -> float:
        started = time.perf_counter()
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}", headers={header: prefix + cred, "Accept-Language": "zh-hans"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            answer.read()
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        took = sorted(pool.map(look, creds))
    seconds = time.perf_counter() - started
    return {
        "requests": len(took), "rps": len(took) / seconds,
        "p50_ms": took[len(took) // 2] * 1000, "p99_ms": took[int(len(took) * 0.99)] * 1000,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, default=50_000)
    parser.add_argument("--products", type=int, default=60)
    parser.add_argument("--logins", type=int, default=5_000)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--client-threads", type=int, default=2, help="wrk's threads (the load generator's)")
    # Granian, 3 workers of 2 threads each, did best on this 2-core machine, which also runs wrk,
    # PostgreSQL and Redis (docs/benchmarks.md, session 10); production runs the same.
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument(
        "--server",
        choices=("granian", "gunicorn"),
        default="granian",
        help="gunicorn (sync workers, needs `pip install gunicorn`) to compare",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards (bench_load)")
    parser.add_argument("--reuse", action="store_true", help="take the kept bench database as it is (skips setup)")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="with --reuse: keep the cache a previous pass filled (no flush, no first looks)",
    )
    parser.add_argument(
        "--sample", type=int, help="with --reuse: only this many of the kept logins (quicker first looks)"
    )
    parser.add_argument("--only", help="only the endpoints whose path holds this (api, /m/)")
    args = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    os.environ["CACHE_URL"] = REDIS
    if not (args.warm and args.reuse):
        subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    name = "bench_load"
    with fresh_database(name, keep=args.keep, reuse=args.reuse):
        tokens, sessions = retailer_logins(args.sample) if args.reuse else ([], [])
        if not tokens:
            tokens, sessions = setup(args.retailers, args.products, args.logins)
        else:  # the cache was emptied above: the first reads fill it, as after publishing
            print(f"setup: reused the kept database {name} ({len(tokens):,} retailer logins)", flush=True)
        from django.conf import settings
        from django.db import connections

        connections.close_all()
        env = {
            **os.environ, "DATABASE_URL": f"{PG}/{name}", "CACHE_URL": REDIS, "DJANGO_SETTINGS_MODULE": "distribution.settings",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only"), "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }  # fmt: skip
        if args.server == "granian":  # as README's production steps run it
            command = [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                       "--port", str(PORT), "--workers", str(args.workers), "--blocking-threads", str(args.threads),
                       "--backlog", "2048", "--log-level", "warning", "--no-ws", "distribution.wsgi:application"]  # fmt: skip
        else:
            command = [sys.executable, "-m", "gunicorn", "distribution.wsgi", "-b", f"127.0.0.1:{PORT}",
                       "-w", str(args.workers), "--worker-class", "gthread" if args.threads > 1 else "sync",
                       "--threads", str(args.threads), "--log-level", "warning", "--backlog", "2048"]  # fmt: skip
        server = subprocess.Popen(command, cwd=ROOT, env=env)  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}/m/login/", timeout=2)  # noqa: S310
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            print(
                f"# load: {args.server} -w {args.workers} ({args.threads} thread(s) each) on 127.0.0.1, PostgreSQL, Redis cache, sessions {settings.SESSION_ENGINE}; "
                f"wrk -t{args.client_threads} -c{args.connections} -d{args.seconds}s, each request a random one of "
                f"{len(tokens):,} retailers ({dt.datetime.now(dt.UTC).date()})",
                flush=True,
            )
            cases = [
                ("API  /api/v1/me/quotas/", "/api/v1/me/quotas/", "Authorization", "Token ", tokens),
                ("page /m/", "/m/", "Cookie", "sessionid=", sessions),
            ]
            for label, path, header, prefix, creds in cases:
                if args.only and args.only not in path:
                    continue
                probe = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={header: prefix + creds[0]})
                with urllib.request.urlopen(probe, timeout=30) as answer:  # noqa: S310
                    body = answer.read()
                    print(f"  probe {path}: HTTP {answer.status}, {len(body):,} bytes", flush=True)
                # First look of every retailer, each asked exactly once (the payload or page is built
                # and cached), then the timed pass.
                if args.warm and args.reuse:
                    print("  first looks: skipped (--warm: the cache as a previous pass left it)", flush=True)
                else:
                    cold = first_looks(path, header, prefix, creds)
                    print(
                        f"  first looks, 4 clients: {float(cold['rps']):.0f} requests/s, p50 {float(cold['p50_ms']):.1f} ms, "
                        f"p99 {float(cold['p99_ms']):.1f} ms ({int(cold['requests']):,} requests)",
                        flush=True,
                    )
                r = wrk(path, header, prefix, creds, args.connections, args.seconds, args.client_threads)
                print(
                    f"{label:<26} {float(r['rps']):8.0f} requests/s  p50 {float(r['p50_ms']):6.1f} ms  "
                    f"p99 {float(r['p99_ms']):6.1f} ms  max {float(r['max_ms']):6.1f} ms  "
                    f"requests {int(r['requests']):,}  errors {r['errors']}  non-2xx {r['non2xx']}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
