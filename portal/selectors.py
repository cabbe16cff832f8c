"""What a retailer's phone pages show. Everything is read for the logged-in retailer only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.authtoken.models import Token

from allocation.models import AllocationRun, CellReport, SupplyPlanLine
from allocation.quota_sheets import QuotaSheet, published_allocation_run_id, quota_sheet
from cycles.models import VISIBLE_STATUSES, OrderCycle
from cycles.selectors import WindowState, current_cycle, cycle_window, next_ordering_cycle, published_cycles_ahead
from pricing.models import Lifecycle, Product
from retailers.models import Retailer

SHEET_KINDS = ("api", "page")
SHEET_TTL = 10 * 60  # seconds
CURRENT_TTL = 60
CURRENT_LOCAL_TTL = 10
T = TypeVar("T")
local_cache = caches["local"]  # this process's memory


def retailer_of(user) -> Retailer | None:
    """The shop behind a retailer login (None for anyone else). Cached for SHEET_TTL: a registry
    edit (name, tier) shows on the phone within that time."""
    return portal_visit(user, timezone.localdate()).retailer


Ahead = tuple[tuple[OrderCycle, int | None], ...]  # published cycles not yet ended and their runs
Current = tuple[OrderCycle | None, int | None, Ahead]  # today's cycle, its published run, the cycles ahead


def _current(today: dt.date) -> Current:
    """Today's cycle and its published run's id, and the published cycles not yet ended with
    theirs (a retailer's home shows the one it orders next): every phone asks, so they are kept in
    this process for CURRENT_LOCAL_TTL and in the shared cache for CURRENT_TTL."""
    key = f"portal:current:v2:{today.isoformat()}"
    current = local_cache.get(key)
    if current is None:
        current = cache.get(key)
        if current is None:
            cycle = current_cycle(today)
            ahead = tuple((c, published_allocation_run_id(c)) for c in published_cycles_ahead(today))
            current = (cycle, published_allocation_run_id(cycle) if cycle else None, ahead)
            cache.set(key, current, CURRENT_TTL)
        local_cache.set(key, current, CURRENT_LOCAL_TTL)
    return current


SHEET_FORMAT = 3  # bumped when what a sheet caches changes shape (2: the API caches JSON bytes; 3: the tier used)


def _sheet_key(kind: str, allocation_id: int, owner: str, language: str) -> str:
    """`owner`: "u<user id>" (a session), or "t<token>" for the API, so a request reads its user
    and its sheet in one cache round trip (`visit_keys`, `sheet_prefetch_keys`)."""
    return f"portal:{kind}:f{SHEET_FORMAT}:{allocation_id}:{owner}:{language}"


def _retailer_key(user_id) -> str:
    return f"portal:retailer:{user_id}"


def _sheet_keys(owner: str, current: Current, kinds: tuple[str, ...]) -> dict[str, str]:
    """kind → the cache key of the owner's sheet of that kind today (none before a run is published)."""
    _cycle, allocation_id, _ahead = current
    language = get_language()
    return {kind: _sheet_key(kind, allocation_id, owner, language) for kind in kinds} if allocation_id else {}


def _ahead_sheet_keys(owner: str, current: Current, kinds: tuple[str, ...]) -> list[str]:
    """The cache keys of the owner's sheets of `kinds` for the published cycles ahead (the home
    page and the API's default may show one of them), read in the same round trip as today's."""
    _cycle, allocation_id, ahead = current
    language = get_language()
    return [
        _sheet_key(kind, run_id, owner, language)
        for kind in kinds for _c, run_id in ahead if run_id and run_id != allocation_id
    ]  # fmt: skip


def _default_key(owner: str, today: dt.date, current: Current) -> str:
    """The cache key of which cycle the owner's API reads by default today (`default_cycle`). It
    names the date and the published runs, so publishing a cycle starts a new one."""
    _cycle, allocation_id, ahead = current
    runs = "-".join(str(run_id or 0) for _c, run_id in ahead)
    return f"portal:default:{today.isoformat()}:{allocation_id or 0}:{runs}:{owner}"


def _owner_keys(owner: str, today: dt.date, kinds: tuple[str, ...], current: Current | None = None) -> list[str]:
    """Every cache key a visit of `kinds` reads besides the shop: today's sheets, the sheets of the
    cycles ahead, and for the API which cycle it reads by default."""
    current = current or _current(today)
    keys = [*_sheet_keys(owner, current, kinds).values(), *_ahead_sheet_keys(owner, current, kinds)]
    return [*keys, _default_key(owner, today, current)] if "api" in kinds else keys


def visit_keys(user_id, today: dt.date, kinds: tuple[str, ...]) -> list[str]:
    """The cache keys a session's visit reads: the shop and its sheets of `kinds`. The page reads
    them with the session's user, in one round trip (`accounts.cache.read_ahead`)."""
    return [_retailer_key(user_id), *_owner_keys(f"u{user_id}", today, kinds)]


def sheet_prefetch_keys(token: str, today: dt.date, kinds: tuple[str, ...]) -> list[str]:
    """The cache keys a token's visit reads: the API's token authentication reads them with the
    token's user, in one round trip."""
    return _owner_keys(f"t{token}", today, kinds)


@dataclass
class Visit:
    """What one phone request needs, read in one shared-cache round trip when warm."""

    user_id: int | None
    cycle: OrderCycle | None
    allocation_id: int | None
    sheets: dict[str, object]  # kind → the cached sheet, where cached
    owner: str = ""
    found: dict[str, object] = field(default_factory=dict)  # what was read from the cache
    ahead: Ahead = ()  # the published cycles not yet ended, with their runs' ids

    @cached_property
    def retailer(self) -> Retailer | None:
        """The shop behind the login: from what was read, else the cache, else the database."""
        return _retailer_of_user(self.user_id, self.found)


def _retailer_of_user(user_id: int | None, found: dict) -> Retailer | None:
    if user_id is None:
        return None
    key = _retailer_key(user_id)
    retailer = found.get(key) or cache.get(key)
    if retailer is None:
        retailer = Retailer.objects.filter(user_id=user_id).first()
        if retailer is not None:
            cache.set(key, retailer, SHEET_TTL)
    return retailer


def portal_visit(
    user, today: dt.date, kinds: tuple[str, ...] = (), *, token: str | None = None, prefetched: dict | None = None
) -> Visit:
    """The retailer behind `user`, today's cycle and published run, and the cached sheets of
    `kinds` (per token when the request came with one). `prefetched`: what a request read already
    with its user (`visit_keys`, `sheet_prefetch_keys`); without it they are read here, in one round trip."""
    current = _current(today)
    cycle, allocation_id, ahead = current
    if user is None or not user.is_authenticated or getattr(user, "role", None) != "retailer":
        return Visit(None, cycle, allocation_id, {}, ahead=ahead)
    owner = f"t{token}" if token else f"u{user.pk}"
    sheet_keys = _sheet_keys(owner, current, kinds)
    if prefetched is None:
        found = cache.get_many([_retailer_key(user.pk), *_owner_keys(owner, today, kinds, current)])
    else:
        found = dict(prefetched)
    sheets = {kind: found[key] for kind, key in sheet_keys.items() if key in found}
    return Visit(user.pk, cycle, allocation_id, sheets, owner, found, ahead)


def default_cycle(*, visit: Visit, today: dt.date) -> tuple[OrderCycle | None, int | None] | None:
    """The cycle the API reads when none is named, and its published run: the one the home page
    shows (`home_cycle`). Which one it is, is kept per login for SHEET_TTL, so a warm request
    needs no shop: a change of ordering rhythm or order day shows within that time, like the shop's
    name. None: the login has no shop."""
    key = _default_key(visit.owner, today, (visit.cycle, visit.allocation_id, visit.ahead))
    cycle_id = visit.found.get(key)
    if cycle_id is not None:
        for cycle, run_id in ((visit.cycle, visit.allocation_id), *visit.ahead):
            if cycle is not None and cycle.pk == cycle_id:
                return cycle, run_id
    if visit.retailer is None:
        return None
    cycle, run_id, _pending = home_cycle(visit=visit, retailer=visit.retailer, today=today)
    if cycle is not None:
        cache.set(key, cycle.pk, SHEET_TTL)
    return cycle, run_id


def cached_sheet(
    kind: str, *, visit: Visit, cycle: OrderCycle, allocation_id: int | None, build: Callable[[QuotaSheet], T]
) -> T:
    """`build(quota_sheet(...))` (an API payload, a page fragment), cached per published run
    (`allocation_id`, None if the cycle has none), retailer login (or API token) and language.
    Exceptions drop it at once (`quotas_changed`, see `receivers`); price changes show within SHEET_TTL."""
    if allocation_id is None:
        return build(QuotaSheet(cycle, False, []))
    if allocation_id == visit.allocation_id and kind in visit.sheets:
        return visit.sheets[kind]
    key = _sheet_key(kind, allocation_id, visit.owner, get_language())
    if key in visit.found:  # a cycle ahead's sheet, read with the visit
        return visit.found[key]
    value = cache.get(key)  # a cycle named by the request (a miss costs a build anyway)
    if value is None:
        value = build(quota_sheet(retailer=visit.retailer, cycle=cycle))
        cache.set(key, value, SHEET_TTL)
    return value


def retailer_sheet_keys(*, allocation_id: int, retailer_id: int) -> list[str]:
    """The cache keys of every sheet a retailer's login may have cached for a published run: each
    kind, for its session and each of its API tokens, in each language (none for a shop without a login)."""
    user_id = Retailer.objects.filter(pk=retailer_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return []
    owners = [
        f"u{user_id}",
        *(f"t{key}" for key in Token.objects.filter(user_id=user_id).values_list("key", flat=True)),
    ]
    return [
        _sheet_key(kind, allocation_id, owner, code)
        for kind in SHEET_KINDS for owner in owners for code, _ in settings.LANGUAGES
    ]  # fmt: skip


def visible_cycles(*, limit: int = 12) -> list[OrderCycle]:
    """The cycles whose quotas a retailer may read, newest first: published ones ahead, then past ones."""
    return list(OrderCycle.objects.filter(status__in=VISIBLE_STATUSES).order_by("-starts_on")[:limit])


def home_cycle(*, visit: Visit, retailer: Retailer, today: dt.date) -> tuple[OrderCycle | None, int | None, bool]:
    """The cycle the home page shows and its published run's id: the published cycle the retailer
    orders next (its window open or yet to open), else today's cycle. The flag is True in the
    second case: no published cycle is left for it to order in (the next one is not published yet)."""
    found = next_ordering_cycle(
        cycles=[cycle for cycle, _run in visit.ahead], today=today, rhythm=retailer.order_cycle_kind,
        parity=retailer.order_week_parity, weekday=retailer.order_weekday,
    )  # fmt: skip
    for cycle, run_id in visit.ahead:
        if found is not None and cycle.pk == found.pk:
            return cycle, run_id, False
    return visit.cycle, visit.allocation_id, True


def _days_hours(delta: dt.timedelta | None) -> tuple[int, int] | None:
    """A span in whole days and hours, rounded down, as the page shows it."""
    if delta is None:
        return None
    return delta.days, delta.seconds // 3600


@dataclass
class OrderWindow:
    opens_on: dt.date
    closes_on: dt.date  # the last day to order: the day before the order day
    order_day: dt.date | None  # the retailer's own order day in this cycle
    orders_this_cycle: bool
    time_left: dt.timedelta | None  # while open: until the end of ordering (the end of `closes_on`)
    next_pending: bool = False  # ordering here is over and the next cycle is not published yet
    state: str = WindowState.OPEN
    time_to_open: dt.timedelta | None = None  # before the window: until 00:00 of `opens_on`

    @property
    def left(self) -> tuple[int, int] | None:
        """The time left to order in whole days and hours, rounded down (None unless the window is open)."""
        return _days_hours(self.time_left)

    @property
    def until_open(self) -> tuple[int, int] | None:
        """The time until ordering opens in whole days and hours, rounded down (None unless not yet open)."""
        return _days_hours(self.time_to_open)

    @property
    def not_yet_open(self) -> bool:
        return self.state == WindowState.NOT_YET

    @property
    def is_open(self) -> bool:
        return self.state == WindowState.OPEN

    @property
    def closed(self) -> bool:
        return self.state == WindowState.CLOSED


def order_window(
    *, retailer: Retailer, cycle: OrderCycle, now: dt.datetime | None = None, next_pending: bool = False
) -> OrderWindow:
    """The retailer's ordering window in `cycle` (`cycles.selectors.cycle_window`) and where `now`
    falls in it: not yet open (ordering opens at 00:00 of its first day: the time until then), open
    (the time left until the end of its last day) or closed."""
    now = now or timezone.localtime()
    window = cycle_window(
        cycle=cycle, rhythm=retailer.order_cycle_kind, parity=retailer.order_week_parity, weekday=retailer.order_weekday
    )
    state = window.state_at(now)
    left = window.closes_at - now if state == WindowState.OPEN else None
    to_open = window.opens_at - now if state == WindowState.NOT_YET else None
    return OrderWindow(window.opens_on, window.closes_on, window.order_day, window.orders_this_cycle, left,
                       next_pending and left is None and to_open is None, state, to_open)  # fmt: skip


@dataclass
class Notices:
    new: list[Product]
    withdrawn: list[Product]
    scarce: list[tuple[Product, list[Product]]]  # a scarce product and substitutes in its price band


def notices(*, retailer: Retailer, cycle: OrderCycle | None, substitutes: int = 3) -> Notices:
    """New and withdrawn products; this cycle's scarce products (marked scarce or rotating) with
    substitutes from the same price band that are not scarce."""
    new = list(Product.objects.filter(lifecycle=Lifecycle.NEW).select_related("price_band").order_by("code"))
    withdrawn = list(Product.objects.filter(lifecycle=Lifecycle.WITHDRAWN).order_by("-updated_at")[:20])
    scarce_ids: set[int] = set(Product.objects.filter(is_scarce=True).values_list("pk", flat=True))
    if cycle is not None:
        allocation_run = AllocationRun.objects.filter(cycle=cycle, is_published=True).first()
        if allocation_run is not None:
            lines = CellReport.objects.filter(allocation=allocation_run, rotated=True).values("plan_line")
            scarce_ids |= set(SupplyPlanLine.objects.filter(pk__in=lines).values_list("product_id", flat=True))
    scarce = list(Product.objects.filter(pk__in=scarce_ids).select_related("price_band").order_by("code"))
    plenty = Product.objects.filter(lifecycle=Lifecycle.ACTIVE).exclude(pk__in=scarce_ids).order_by("-wholesale_price")
    pairs = []
    for product in scarce:
        same_band = plenty.filter(Q(price_band=product.price_band) if product.price_band_id else Q(pk__in=[]))
        pairs.append((product, list(same_band[:substitutes])))
    return Notices(new, withdrawn, pairs)


def price_list(*, query: str = "") -> list[Product]:
    """Products on sale with the prices to post on their tags, dearest first."""
    products = Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN).select_related("price_band")
    if query:
        products = products.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(brand__icontains=query))
    return list(products.order_by("-retail_price", "code"))
