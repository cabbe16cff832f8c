"""Allocation runs: open a run version of a cycle's quotas and compute it (in process or on the
workers, see `run_steps` and `tasks`), publish it atomically; supervisor exceptions; closing a
cycle's books (KPIs); the nightly job."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from compliance.selectors import repeat_violator_ids
from core.broker import BrokerUnavailable, broker_check
from core.display import tier_text, words
from core.exceptions import AccessDenied, DomainError, Reason, Verbatim, label_reason, reason_of
from core.models import AuditEntry
from core.runs import run_error, run_fail, run_heartbeat, run_progress, run_start
from cycles.models import CycleStatus, OrderCycle
from orders.models import Order
from pricing.models import Lifecycle
from retailers.models import Retailer
from retailers.vocabulary import RetailerStatus

from .engine.cells import TAG_COLUMNS, eligible, line_cells, orders_this_cycle
from .models import (
    AllocationPolicy,
    AllocationRun,
    CycleKpi,
    QuotaException,
    SupplyPlanLine,
)
from .policy import policy_dump, policy_from_model, policy_load
from .quota_cache import retailer_quotas_forget
from .reports import publish_summary
from .run_steps import allocation_run_compute_group, allocation_run_fail, plan_lines, registry_facts
from .selectors import (
    DEFAULT_POLICY_NAME,
    active_policy,
    cell_key,
    line_given,
    plan_line_input,
    quotas_frame,
    quotas_run,
    registry_frame,
)
from .tasks import allocation_run_dispatch, allocation_run_finish_if_running

JOB = "allocation"
START_ACTION = "allocation.start"  # a run a supervisor started in the admin (audited)
# The most cartons of one product one shop may be given in one cycle, by the run or by an exception: a
# quota is kept in two bytes (RetailerQuotas.entries). The admin's form and the API refuse more too.
QUOTA_MAX = 65_535
QUOTA_RANGE = gettext_noop("A quota is between 0 and %(max)s cartons.")


def allocation_policy_get_or_create() -> AllocationPolicy:
    """The active allocation policy, saved with the defaults of docs/domain.md §4 when there is none yet
    (as `active_policy` reads it: a run applies a policy row that exists)."""
    policy = active_policy()
    if policy.pk is None:
        policy = AllocationPolicy.objects.get_or_create(
            name=DEFAULT_POLICY_NAME, defaults={"is_active": policy.is_active}
        )[0]
    return policy


def _cycle_is(message: str, cycle: OrderCycle) -> DomainError:
    """A refusal naming the cycle and its status, kept as a Reason (the nightly job keeps it on its run)."""
    return DomainError(
        Reason(message, cycle=Verbatim(cycle.label), status=label_reason(CycleStatus(cycle.status).label))
    )


def allocation_run_start(*, cycle: OrderCycle, product_codes: list[str] | None = None, actor=None) -> AllocationRun:
    """Open a new run version for the cycle (never two at once; never for a published cycle).

    The run keeps the policy it applies, with the repeat violators of this moment: every group
    of the run, computed now or later on a worker, and every read of its quotas use that."""
    cycle.refresh_from_db(fields=["status"])
    if cycle.status in (CycleStatus.PUBLISHED, CycleStatus.CLOSED):
        raise _cycle_is(gettext_noop("Cycle %(cycle)s is %(status)s: it changes only by audited exceptions."), cycle)
    if not SupplyPlanLine.objects.filter(cycle=cycle).exists():
        raise DomainError(Reason(gettext_noop("Cycle %(cycle)s has no supply plan."), cycle=Verbatim(cycle.label)))
    policy_row = allocation_policy_get_or_create()
    try:  # before the job run opens: a policy that cannot apply must not leave a run "running"
        policy_row.clean()
        policy = policy_from_model(policy_row, repeat_violators=repeat_violator_ids())
    except (ValidationError, TypeError, ValueError) as exc:
        name = (
            Reason(gettext_noop("Default policy"))
            if policy_row.name == DEFAULT_POLICY_NAME
            else Verbatim(policy_row.name)
        )
        raise DomainError(Reason(
            gettext_noop("the allocation policy “%(name)s” cannot be applied: %(error)s"),
            name=name, error=Verbatim("; ".join(getattr(exc, "messages", [str(exc)]))),
        )) from exc  # fmt: skip
    job_run = run_start(job=JOB, scope=cycle.label, actor=actor, params={"products": product_codes or []})
    try:
        return AllocationRun.objects.create(run=job_run, cycle=cycle, policy=policy_dump(policy))
    except BaseException as exc:
        run_fail(job_run, error=run_error(exc))
        raise


def line_groups(cycle: OrderCycle, product_codes: list[str] | None = None, size: int | None = None) -> list[list[int]]:
    """Plan lines in groups of about `size` for workers; a price band's method C lines stay in one group.

    Method C lines whose product has no price band are one unit too: `run_steps.allocation_compute`
    computes them together and a group writes (and first deletes) the rows of every line it computed,
    so split over two groups the one written last deleted the other's rows."""
    size = size or settings.ALLOCATION_GROUP_SIZE
    units: dict[object, list[int]] = {}  # a band's lines, or one line
    for line in plan_lines(cycle, product_codes):
        key = ("band", line.product.price_band_id) if line.method == "C" else line.pk
        units.setdefault(key, []).append(line.pk)
    groups: list[list[int]] = [[]]
    for unit in units.values():
        if groups[-1] and len(groups[-1]) + len(unit) > size:
            groups.append([])
        groups[-1].extend(unit)
    return [g for g in groups if g]


def allocation_run_create(
    *,
    cycle: OrderCycle,
    product_codes: list[str] | None = None,
    actor=None,
    fan_out: bool = False,
    audited: bool = False,
) -> AllocationRun:
    """Compute and store a cycle's quotas as a new, unpublished run version.

    `audited`: a supervisor asked for it in the admin (not the night's job): an audit entry
    (`allocation.start`) names who, the cycle and its plan as soon as the run opens, however it ends.

    In process, all lines in one pass (one registry load); with `fan_out` the groups go to the `allocation` queue as a
    Celery chord and this returns at once (the run's progress and status tell the rest). A broker that does not
    answer fails the run at once with a plain message (BrokerUnavailable, a DomainError).
    """
    if audited and not getattr(actor, "is_supervisor", False):
        raise AccessDenied(Reason(gettext_noop("Only a supervisor starts an allocation run.")))
    allocation_run = allocation_run_start(cycle=cycle, product_codes=product_codes, actor=actor)
    groups = line_groups(cycle, product_codes)
    total = sum(len(g) for g in groups)
    if audited:
        AuditEntry.objects.create(
            actor=actor, action=START_ACTION, object_type="allocation_run", object_id=str(allocation_run.pk),
            after={"cycle": cycle.label, "lines": total, "run": allocation_run.run_id},
        )  # fmt: skip
    if fan_out and len(groups) > 1:
        try:
            broker_check()
            allocation_run_dispatch(allocation_run_id=allocation_run.pk, groups=groups, total_lines=total)
        except BrokerUnavailable as exc:
            allocation_run_fail(allocation_run=allocation_run, error=reason_of(exc) or str(exc))
            raise
        except Exception as exc:  # e.g. the broker went away while the groups were sent: those sent find the run failed
            reason = Reason(
                gettext_noop(
                    "Sending the work to the workers failed (%(error)s); the run was marked failed. Start it again."
                ),
                error=Verbatim(str(exc)),
            )
            allocation_run_fail(allocation_run=allocation_run, error=reason)
            raise BrokerUnavailable(reason) from exc
        return allocation_run
    try:
        run_progress(allocation_run.run, progress=5, step="compute")
        with run_heartbeat(allocation_run.run):
            allocation_run_compute_group(
                allocation_run=allocation_run, line_ids=[i for ids in groups for i in ids], total_lines=total
            )
    except BaseException as exc:
        allocation_run_fail(allocation_run=allocation_run, error=run_error(exc))
        raise
    if not allocation_run_finish_if_running(allocation_run):  # failed meanwhile (by a supervisor, or as stale)
        allocation_run.run.refresh_from_db()
        raise DomainError(Reason.kept(allocation_run.run.error))  # its Reason as kept: the nightly job keeps it
    return allocation_run


@transaction.atomic(durable=True)
def allocation_run_publish(*, allocation_run: AllocationRun, approver, registry_changes: dict | None = None) -> None:
    """Make this run the cycle's published quotas in one short transaction.

    `registry_changes`: what the confirmation warned had changed in the registry since the run
    (`freshness.RunFreshness.audit`), kept in the audit entry when the supervisor published anyway."""
    if not approver.is_supervisor:
        raise DomainError(Reason(gettext_noop("Only a supervisor publishes quotas.")))
    cycle = OrderCycle.objects.select_for_update().get(pk=allocation_run.cycle_id)
    if cycle.status in (CycleStatus.PUBLISHED, CycleStatus.CLOSED):
        raise _cycle_is(gettext_noop("Cycle %(cycle)s is already %(status)s."), cycle)
    allocation_run.refresh_from_db()
    if not allocation_run.is_complete:
        raise DomainError(
            Reason(
                gettext_noop("Allocation run #%(run)s did not complete: it cannot be published."), run=allocation_run.pk
            )
        )
    latest = AllocationRun.objects.filter(cycle=cycle, is_complete=True).order_by("-created_at", "-pk").first()
    if latest.pk != allocation_run.pk:
        raise DomainError(
            Reason(
                gettext_noop("Allocation run #%(run)s is not the cycle's latest (#%(latest)s)."),
                run=allocation_run.pk, latest=latest.pk,
            )
        )  # fmt: skip
    summary = publish_summary(allocation_run)
    if summary.retargeted:  # the plan moved since the run: its quotas answer a target that is no longer the plan's
        raise DomainError(
            Reason(
                gettext_noop(
                    "The target of %(products)s changed since this run was computed: compute the cycle again, "
                    "then publish."
                ),
                products=Verbatim(words(f"{line.product_code} {line.product_name}" for line in summary.retargeted)),
            )
        )
    above = summary.above
    if above:  # exceptions approved since the run: a new run holds them and shares the rest
        raise DomainError(
            Reason(
                gettext_noop(
                    "After exceptions, %(products)s hold more than their target: compute the cycle again (the "
                    "run holds the exceptions and shares what they leave), then publish."
                ),
                products=Verbatim(words(f"{line.product_code} {line.product_name}" for line in above)),
            )
        )
    if summary.partial:  # a run of some products (`run_allocation --product`), or lines added since: they'd read nothing
        raise DomainError(
            Reason(
                gettext_noop(
                    "Allocation run #%(run)s computed %(computed)s of the cycle's %(planned)s plan lines: publishing "
                    "it would leave the other products without quotas. Compute the whole cycle, then publish."
                ),
                run=allocation_run.pk, computed=Verbatim(f"{summary.lines:,}"), planned=Verbatim(f"{summary.planned:,}"),
            )
        )  # fmt: skip
    now = timezone.now()
    AllocationRun.objects.filter(pk=allocation_run.pk).update(is_published=True, published_at=now)
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    AuditEntry.objects.create(
        actor=approver, action="allocation.publish", object_type="allocation_run", object_id=str(allocation_run.pk),
        after={"cycle": cycle.label, "published_at": now.isoformat(),
               **({"registry_changed_since_run": registry_changes} if registry_changes else {})},
    )  # fmt: skip


class ShopNotServed(DomainError):
    """An exception would give cartons to a shop the line may not give any: not active (suspended or
    closed: every carton goes to a real licensed retailer, docs/domain.md §4), or out of the line's reach
    (its scope, tier range, tag filter, order rhythm or selection)."""


class AboveTarget(DomainError):
    """An exception would take the line's quotas above its target (the supply), which the line does not allow."""


ABOVE_TARGET = gettext_noop(
    "This product's target this cycle is %(target)s cartons; the other retailers already have %(others)s "
    "cartons: this retailer's quota can be set to at most %(most)s cartons (it is %(shop)s now)."
)
ABOVE_TARGET_BEFORE_PUBLISHING = gettext_noop(
    "This product's target this cycle is %(target)s cartons; exceptions for other retailers hold %(others)s "
    "cartons: this retailer's quota can be set to at most %(most)s cartons (it is %(shop)s now). The other "
    "retailers share what the exceptions leave when the quotas are computed again."
)


@transaction.atomic
def quota_exception_set(
    *, cycle: OrderCycle, product, retailer: Retailer, quota: int, reason: str, approver
) -> QuotaException:
    """A supervisor sets one retailer's quota of one product in one cycle, with a reason (audited).

    The only change a published cycle accepts; a closed cycle accepts none. What the exception must
    satisfy is `quota_exception_check`'s, with the line's row locked meanwhile (two exceptions of one
    line at once cannot both take its last cartons).
    """
    if not approver.is_supervisor:
        raise DomainError(Reason(gettext_noop("Only a supervisor approves quota exceptions.")))
    if not reason.strip():
        raise DomainError(Reason(gettext_noop("An exception needs a reason.")))
    list(SupplyPlanLine.objects.select_for_update().filter(cycle=cycle, product=product))
    line = quota_exception_check(cycle=cycle, product=product, retailer=retailer, quota=quota)
    current = QuotaException.objects.filter(cycle=cycle, product=product, retailer=retailer).first()
    before = {"quota": current.quota, "reason": current.reason} if current else None
    exception, _created = QuotaException.objects.update_or_create(
        cycle=cycle,
        product=product,
        retailer=retailer,
        defaults={
            "quota": quota, "reason": reason, "approved_by": approver,
            **_shop_when_approved(cycle=cycle, line=line, retailer=retailer),
        },
    )  # fmt: skip
    AuditEntry.objects.create(
        actor=approver, action="allocation.exception", object_type="retailer", object_id=str(retailer.pk), reason=reason,
        before=before, after={"cycle": cycle.label, "product": product.code, "quota": quota},
    )  # fmt: skip
    # Forget the retailer's cached quotas now and again after commit (a read in between re-caches the old ones).
    retailer_quotas_forget(cycle=cycle, retailer_id=retailer.pk)
    transaction.on_commit(lambda: retailer_quotas_forget(cycle=cycle, retailer_id=retailer.pk))
    return exception


def quota_exception_check(*, cycle: OrderCycle, product, retailer: Retailer, quota: int) -> SupplyPlanLine:
    """What an exception must satisfy, whoever asks (the service; the admin's form before it asks to
    confirm): a quota of 0 to 65,535 cartons; a product on sale and in the cycle's plan; a cycle not
    closed; more cartons only to an active shop the line reaches (`ShopNotServed`; a quota no higher than
    the shop's now, 0 included, is taken from any shop: a held shop the registry has since moved out of
    the line's reach can still be lowered); within the line's target unless the line may exceed it
    (`AboveTarget`; a quota no higher than the shop's now is always taken): on a published cycle the line's
    quotas, this one with them; before publishing the cycle's exceptions on the line, this one with them, as
    the next run holds them and shares the rest (publishing refuses a run the exceptions take above its
    target until the cycle is computed again). Returns the plan line."""
    if not 0 <= quota <= QUOTA_MAX:
        raise DomainError(Reason(QUOTA_RANGE, max=Verbatim(f"{QUOTA_MAX:,}")))
    if product.lifecycle == Lifecycle.WITHDRAWN:  # as the admin's form refuses it, for every path
        raise DomainError(
            Reason(
                gettext_noop("%(product)s is withdrawn: a withdrawn product takes no new exception."),
                product=Verbatim(product.name),
            )
        )
    cycle.refresh_from_db(fields=["status"])
    if cycle.status == CycleStatus.CLOSED:
        raise DomainError(Reason(gettext_noop("Cycle %(cycle)s is closed."), cycle=Verbatim(cycle.label)))
    line = SupplyPlanLine.objects.filter(cycle=cycle, product=product).first()
    if line is None:
        raise DomainError(
            Reason(
                gettext_noop("%(product)s is not in the supply plan of cycle %(cycle)s."),
                product=Verbatim(str(product)), cycle=Verbatim(cycle.label),
            )
        )  # fmt: skip
    given = line_given(cycle=cycle, line=line, retailer_id=retailer.pk)
    if quota > given.shop:  # lowering a shop's quota gives no carton: taken whoever and wherever the shop is now
        status = Retailer.objects.values_list("status", flat=True).get(pk=retailer.pk)  # as the registry has it now
        if status != RetailerStatus.ACTIVE:
            raise ShopNotServed(
                Reason(
                    gettext_noop(
                        "The status of %(retailer)s is %(status)s: an exception gives cartons only to an active retailer."
                    ),
                    retailer=Verbatim(retailer.name), status=label_reason(RetailerStatus(status).label),
                )
            )  # fmt: skip
        # reached: the run computed the shop as one of the line's retailers, or today's registry places it in the line
        why = None if given.shop_in_run else _out_of_reach(cycle=cycle, line=line, retailer=retailer)
        if why is not None:
            raise ShopNotServed(
                Reason(
                    gettext_noop(
                        "This cycle's release of %(product)s does not reach %(retailer)s: %(why)s. An exception "
                        "gives cartons only to a retailer the release serves."
                    ),
                    product=Verbatim(product.name), retailer=Verbatim(retailer.name), why=why,
                )
            )  # fmt: skip
    if not line.allow_over and quota > given.shop:
        if cycle.status == CycleStatus.PUBLISHED:  # the others' quotas are promises: only what they leave
            others, message = given.others, ABOVE_TARGET
        else:  # the next run holds the exceptions and shares the rest among the others (`LineInput.held`)
            others = (
                QuotaException.objects.filter(cycle=cycle, product=product)
                .exclude(retailer=retailer)
                .aggregate(total=Sum("quota"))["total"]
                or 0
            )
            message = ABOVE_TARGET_BEFORE_PUBLISHING
        left = max(line.target - others, 0)
        if quota > left:
            # what the supervisor may set this shop's quota to (not "more" on top of what it holds):
            # up to what is left, or keep what it has
            raise AboveTarget(
                Reason(
                    message, target=Verbatim(f"{line.target:,}"), others=Verbatim(f"{others:,}"),
                    most=Verbatim(f"{max(left, given.shop):,}"), shop=Verbatim(f"{given.shop:,}"),
                )
            )  # fmt: skip
    return line


def _out_of_reach(*, cycle: OrderCycle, line: SupplyPlanLine, retailer: Retailer) -> Reason | None:
    """Why the line does not reach the shop in today's registry (the engine's eligibility,
    `engine.cells.eligible`, and method E's selection); None when it does."""
    registry = registry_frame([retailer.pk])
    reached = bool(eligible(registry, plan_line_input(line), cycle.week_parity).iloc[0])
    if reached and (line.method != "E" or line.selected_retailers.filter(pk=retailer.pk).exists()):
        return None
    if reached:
        return Reason(gettext_noop("it is not among the release's selected retailers"))
    shop = registry.iloc[0]
    tier = None if pd.isna(shop["tier"]) else int(shop["tier"])
    if tier is None or not line.lowest_tier <= tier <= line.highest_tier:
        return Reason(
            gettext_noop("its tier %(tier)s is outside the release's tiers D%(lowest)s–D%(highest)s"),
            tier=Verbatim(tier_text(tier)), lowest=line.lowest_tier, highest=line.highest_tier,
        )  # fmt: skip
    if not bool(orders_this_cycle(registry, cycle.week_parity).iloc[0]):
        return Reason(gettext_noop("it does not order in this cycle"))
    if line.tag_filter and not bool(shop[TAG_COLUMNS[line.tag_filter]]):
        label = Retailer._meta.get_field(TAG_COLUMNS[line.tag_filter]).verbose_name
        return Reason(gettext_noop("the release is only for retailers marked “%(tag)s”"), tag=label_reason(label))
    return Reason(gettext_noop("it is outside the release's area (%(area)s)"), area=Verbatim(line.area_text or "—"))


def _shop_when_approved(*, cycle: OrderCycle, line: SupplyPlanLine, retailer: Retailer) -> dict:
    """What an exception keeps of the shop, as a run keeps it (`run_steps.registry_facts`): its tier,
    credit rating and facts in the registry now (repeat violators as the cycle's run counted them), and its
    cell on the line. A shop the run has no row for reads these, never the registry of a later day."""
    allocation_run = quotas_run(cycle)
    policy = policy_load(allocation_run.policy if allocation_run else {"repeat_violators": repeat_violator_ids()})
    registry = registry_frame([retailer.pk])
    facts = registry_facts(registry, policy).iloc[0]
    cell = ""
    if line.method in ("A", "B") and line.dimensions:  # methods C, D and E have one cell: the whole scope
        chosen, cells = line_cells(registry, plan_line_input(line), cycle.week_parity)
        if not chosen.empty:
            cell = cell_key(cells[int(chosen["cell"].iloc[0])], list(line.dimensions))
    tier = facts["tier"]
    return {
        "tier": None if pd.isna(tier) else int(tier),
        "credit_rating": str(facts["credit_rating"] or ""),
        "facts": int(facts["facts"]),
        "cell": cell,
    }


def cycle_kpis_compute(*, cycle: OrderCycle) -> int:
    """Per product and tier: offered, ordering, full orders, repeat, quota and ordered totals (idempotent)."""
    allocation_run = AllocationRun.objects.filter(cycle=cycle, is_published=True).select_related("cycle").first()
    if allocation_run is None:
        return 0
    quotas = quotas_frame(allocation_run)[["retailer", "product", "tier", "quota"]]
    orders = pd.DataFrame(
        Order.objects.filter(cycle=cycle).values_list("retailer_id", "product_id", "ordered_qty"),
        columns=["retailer", "product", "ordered"],
    )
    previous = OrderCycle.objects.filter(starts_on__lt=cycle.starts_on).order_by("-starts_on").first()
    before = pd.DataFrame(
        Order.objects.filter(cycle=previous, ordered_qty__gt=0).values_list("retailer_id", "product_id")
        if previous
        else [],
        columns=["retailer", "product"],
    ).assign(before=True)
    frame = quotas.merge(orders, on=["retailer", "product"], how="left").merge(
        before, on=["retailer", "product"], how="left"
    )
    frame["ordered"] = frame["ordered"].fillna(0).astype(np.int64)
    frame["before"] = frame["before"].astype("boolean").fillna(False).astype(bool)
    frame = frame.assign(
        ordering=frame["ordered"] > 0,
        full=frame["ordered"] >= frame["quota"],
        repeat=(frame["ordered"] > 0) & frame["before"],
    )
    table = frame.groupby(["product", "tier"]).agg(
        offered=("retailer", "size"), ordering=("ordering", "sum"), full_orders=("full", "sum"), repeat=("repeat", "sum"),
        previous_ordering=("before", "sum"), quota_total=("quota", "sum"), ordered_total=("ordered", "sum"),
    ).reset_index()  # fmt: skip
    with transaction.atomic():
        CycleKpi.objects.filter(cycle=cycle).delete()
        CycleKpi.objects.bulk_create(
            CycleKpi(cycle=cycle, product_id=int(r.product), tier=int(r.tier), **{k: int(getattr(r, k)) for k in (
                "offered", "ordering", "full_orders", "repeat", "previous_ordering", "quota_total", "ordered_total")})
            for r in table.itertuples()
        )  # fmt: skip
    return len(table)


def allocation_nightly(*, today: dt.date | None = None) -> dict[str, int]:
    """Nightly: KPIs for recently closed cycles; a fresh run for the next cycle whose plan is in and unpublished."""
    today = today or timezone.localdate()
    counts = {"kpi_rows": 0, "runs": 0}
    for cycle in OrderCycle.objects.filter(status=CycleStatus.CLOSED, ends_on__gte=today - dt.timedelta(weeks=2)):
        counts["kpi_rows"] += cycle_kpis_compute(cycle=cycle)
    upcoming = (
        OrderCycle.objects.filter(starts_on__gt=today, status__in=[CycleStatus.DRAFT, CycleStatus.COMPUTED], supply_plan__isnull=False)
        .distinct().order_by("starts_on").first()
    )  # fmt: skip
    if upcoming is not None:
        allocation_run_create(cycle=upcoming, fan_out=settings.ALLOCATION_FAN_OUT)
        counts["runs"] = 1
    return counts
