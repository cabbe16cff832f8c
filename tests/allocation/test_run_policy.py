"""The policy a run applies: one shape (`allocation.engine.compute.Policy`), built at the run's start, kept
with the run as JSON, and read back by every group the run computes and by every read of its quotas."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from allocation.engine.rules import Reason, Rules
from allocation.explanations import retailer_quota_explanations
from allocation.models import AllocationPolicy, AllocationRun, CellReport
from allocation.policy import Policy, policy_dump, policy_from_model, policy_load
from allocation.selectors import active_policy, quotas_frame
from allocation.services import allocation_policy_get_or_create, allocation_run_create
from allocation.tasks import allocation_run_finish_task, allocation_run_group_task
from compliance.models import ComplianceStanding
from compliance.selectors import repeat_violator_ids
from core.exceptions import DomainError
from core.models import Run
from cycles.services import cycle_get_or_create
from retailers.models import Retailer

# Every field non-default (see `Policy` and `Rules`).
EVERY_FIELD = Policy(
    name="winter",
    rules=Rules(
        vulnerable_bonus=3,
        credit_factors={"B": 0.9, "C": 0.75, "D": 0.25},
        ceiling=12,
        respread=False,
        violation_factor=0.6,
        repeat_violators=frozenset({7, 3, 11}),
    ),
    max_step=5,
    default_top_ratio=3.5,
    band_cut_tiers=(25, 15, 5),
    demand_weeks=6,
    full_order_uplift=0.45,
    reported_demand_weight=0.75,
)

finite = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
policies = st.builds(
    Policy,
    name=st.text(max_size=30),
    rules=st.builds(
        Rules,
        vulnerable_bonus=st.integers(0, 100),
        credit_factors=st.dictionaries(st.text(min_size=1, max_size=3), finite, max_size=5),
        ceiling=st.none() | st.integers(0, 10_000),
        violation_factor=finite,
        respread=st.booleans(),
        repeat_violators=st.frozensets(st.integers(1, 2**31 - 1), max_size=20),
    ),
    max_step=st.none() | st.integers(0, 1000),
    default_top_ratio=finite,
    band_cut_tiers=st.lists(st.integers(1, 30), max_size=5).map(tuple),
    demand_weeks=st.integers(1, 52),
    full_order_uplift=finite,
    reported_demand_weight=st.floats(min_value=0, max_value=1, allow_nan=False),
)


def test_every_field_differs_from_the_default():
    default = Policy()
    for name in (
        "name", "max_step", "default_top_ratio", "band_cut_tiers", "demand_weeks", "full_order_uplift",
        "reported_demand_weight",
    ):  # fmt: skip
        assert getattr(EVERY_FIELD, name) != getattr(default, name), name
    for name in Rules.__dataclass_fields__:
        assert getattr(EVERY_FIELD.rules, name) != getattr(default.rules, name), name


@given(policies)
def test_the_json_round_trip_is_lossless(policy):
    assert policy_load(json.loads(json.dumps(policy_dump(policy)))) == policy


@pytest.mark.django_db
def test_a_run_keeps_every_field_of_its_policy():
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 3, 2))
    kept = AllocationRun.objects.create(
        run=Run.objects.create(job="allocation"), cycle=cycle, policy=policy_dump(EVERY_FIELD)
    )
    assert policy_load(AllocationRun.objects.get(pk=kept.pk).policy) == EVERY_FIELD


@pytest.mark.django_db
def test_the_run_keeps_every_field_of_the_policy_row():
    row = AllocationPolicy.objects.create(
        name="winter", vulnerable_bonus=3, credit_factors={"B": 0.9, "C": 0.75, "D": 0.25},
        violation_factor=Decimal("0.60"), retailer_ceiling=12, respread_penalties=False, max_step=5,
        default_top_ratio=Decimal("3.50"), demand_weeks=6, full_order_uplift=Decimal("0.45"), band_cut_tiers=[25, 15, 5],
        reported_demand_weight=Decimal("0.75"),
    )  # fmt: skip
    row.refresh_from_db()
    policy = policy_from_model(row, repeat_violators=[11, 3, 7])
    assert policy == EVERY_FIELD
    fields = {f.name for f in AllocationPolicy._meta.concrete_fields} - {"id", "is_active"}
    assert set(policy_dump(policy)) == fields | {"repeat_violators"}  # a new policy field must reach the run


def test_runs_stored_before_load_with_the_defaults():
    assert policy_load({}) == policy_load(None) == Policy()
    before_violators = {  # a run kept before repeat violators counted
        "name": "default", "vulnerable_bonus": 1, "credit_factors": {"C": 0.8, "D": 0.5}, "retailer_ceiling": 6,
        "respread_penalties": True, "max_step": None, "default_top_ratio": 2.0, "demand_weeks": 4,
        "full_order_uplift": 0.2, "band_cut_tiers": [21, 11],
    }  # fmt: skip
    policy = policy_load(before_violators)
    assert policy.rules.ceiling == 6
    assert policy.rules.violation_factor == 1.0
    assert policy.rules.repeat_violators == frozenset()
    assert policy.reported_demand_weight == 0.0  # runs from before demand reports blended none
    assert policy_dump(policy) == {
        **before_violators, "violation_factor": 1.0, "repeat_violators": [], "reported_demand_weight": 0.0,
    }  # fmt: skip


@pytest.mark.django_db
def test_the_policy_selector_only_reads(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        policy = active_policy()
    assert policy.pk is None
    assert not AllocationPolicy.objects.exists()
    assert policy_from_model(policy, repeat_violators=[]) == Policy(
        name="default", rules=Rules(violation_factor=0.9), reported_demand_weight=0.5
    )  # the model's defaults
    saved = allocation_policy_get_or_create()
    assert saved.pk is not None
    assert saved.is_active
    assert active_policy() == saved


def _standing(retailer_id: int, *, repeat: bool) -> None:
    ComplianceStanding.objects.update_or_create(
        retailer_id=retailer_id,
        defaults={
            "as_of": dt.date(2026, 1, 1), "inspections": 2, "violating_inspections": 2 if repeat else 0, "lines": 4,
            "compliant_lines": 0 if repeat else 4, "compliance_rate": 0.0 if repeat else 1.0, "repeat_violator": repeat,
        },
    )  # fmt: skip


def _released(allocation_run) -> list:
    return sorted(CellReport.objects.filter(allocation=allocation_run).values_list("plan_line", "cell", "released"))


def _sorted(frame):
    return frame.sort_values(["retailer", "plan_line"]).reset_index(drop=True)


@pytest.mark.django_db
@override_settings(ALLOCATION_GROUP_SIZE=3)
def test_a_standing_changed_after_the_run_started_changes_nothing_in_that_run(planned, monkeypatch):
    """The violators (and the policy) a run started with are what every one of its groups computes
    with, however late a worker computes it, and what its explanations say."""
    policy = active_policy()
    policy.vulnerable_bonus = 0  # nothing fills what the penalty takes: the cells' released totals show it
    policy.violation_factor = Decimal("0.5")
    policy.save()
    plain = allocation_run_create(cycle=planned)
    quotas = quotas_frame(plain)
    row = quotas[(quotas["reasons"] == 0) & (quotas["quota"] >= 2)].iloc[0]  # a plain tier cap of 2 or more
    violator = Retailer.objects.get(pk=int(row["retailer"]))
    _standing(violator.pk, repeat=True)
    reference = allocation_run_create(cycle=planned)  # in one pass, the violator counted
    assert _released(reference) != _released(plain)

    sent = {}
    monkeypatch.setattr("allocation.services.allocation_run_dispatch", lambda **kwargs: sent.update(kwargs))
    fanned = allocation_run_create(cycle=planned, fan_out=True)
    assert len(sent["groups"]) > 1
    _standing(violator.pk, repeat=False)  # after the run started: the standing and the policy change
    AllocationPolicy.objects.update(violation_factor=Decimal("0.8"))
    assert repeat_violator_ids() == []
    for line_ids in sent["groups"]:  # as the workers would, each reading the run afresh
        allocation_run_group_task(allocation_run_id=fanned.pk, line_ids=line_ids, total_lines=sent["total_lines"])
    allocation_run_finish_task(allocation_run_id=fanned.pk)

    fanned = AllocationRun.objects.get(pk=fanned.pk)
    assert fanned.is_complete
    assert fanned.policy["repeat_violators"] == [violator.pk]
    assert _released(fanned) == _released(reference)
    assert _sorted(quotas_frame(fanned)).equals(_sorted(quotas_frame(reference)))
    mine = quotas_frame(fanned)
    mine = mine[(mine["retailer"] == violator.pk) & (mine["plan_line"] == row["plan_line"])].iloc[0]
    assert mine["quota"] == row["quota"] // 2
    assert Reason(int(mine["reasons"])) == Reason.VIOLATION
    with translation.override("en"):
        explained = retailer_quota_explanations(retailer=violator, cycle=planned, allocation_run=fanned)
    line = next(x for x in explained if x["product"].pk == int(row["product"]))
    assert line["quota"] == row["quota"] // 2
    assert any("price-tag violations in recent inspections: quota × 0.5" in r for r in line["reasons"])

    after = allocation_run_create(cycle=planned)  # a run started after the change applies the change
    assert after.policy["repeat_violators"] == []
    assert _released(after) == _released(plain)


@pytest.mark.django_db
def test_a_policy_that_cannot_apply_refuses_the_run_and_blocks_nothing(planned, supervisor):
    # A supervisor typed text where a factor belongs: the run is refused with the reason, no job run
    # is left "running" (which would block the cycle until it is taken as stale), and once the policy
    # is mended the next run goes through.
    policy = allocation_policy_get_or_create()
    AllocationPolicy.objects.filter(pk=policy.pk).update(credit_factors={"C": "八折", "D": 0.5})
    with translation.override("en"), pytest.raises(DomainError, match="per credit rating"):
        allocation_run_create(cycle=planned)
    assert not Run.objects.filter(job="allocation").exists()
    AllocationPolicy.objects.filter(pk=policy.pk).update(credit_factors={"C": 0.8, "D": 0.5}, band_cut_tiers=[21, "x"])
    with translation.override("zh-hans"), pytest.raises(DomainError, match="1 到 30 之间的档位"):
        allocation_run_create(cycle=planned)
    AllocationPolicy.objects.filter(pk=policy.pk).update(band_cut_tiers=[21, 11])
    assert allocation_run_create(cycle=planned).is_complete
    assert list(Run.objects.filter(job="allocation").values_list("status", flat=True)) == ["succeeded"]


@pytest.mark.parametrize(
    ("credit_factors", "band_cut_tiers", "bad"),
    [
        ({"C": 0.8, "D": 0.5}, [21, 11], set()),
        ({}, [], set()),
        ({"C": 1.5}, [21], {"credit_factors"}),  # a factor above 1 would raise the quota
        ({"C": None}, [21], {"credit_factors"}),
        (["C", 0.8], [21], {"credit_factors"}),
        ({"C": 0.8}, [31], {"band_cut_tiers"}),
        ({"C": 0.8}, {"A": 21}, {"band_cut_tiers"}),
        ({"C": True}, [True], {"credit_factors", "band_cut_tiers"}),
    ],
)
def test_the_policy_form_names_each_json_setting_the_computation_cannot_read(credit_factors, band_cut_tiers, bad):
    policy = AllocationPolicy(name="p", credit_factors=credit_factors, band_cut_tiers=band_cut_tiers)
    if not bad:
        policy.clean()
        return
    with pytest.raises(ValidationError) as raised:
        policy.clean()
    assert set(raised.value.message_dict) == bad
