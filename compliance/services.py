"""The nightly compliance standing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.nightly import keeps_own_run
from core.runs import tracked_run

from .engine.checks import standings
from .models import ComplianceStanding, InspectionLine
from .selectors import compliance_policy, inspection_checks

STANDING_JOB = "compliance_standing"
STANDING_COLUMNS = [
    "inspections", "violating_inspections", "lines", "compliant_lines", "compliance_rate", "repeat_violator",
]  # fmt: skip


@keeps_own_run
def compliance_standing_refresh(*, today: dt.date | None = None) -> dict:
    """Every inspected retailer's standing over the policy's window, replaced in one transaction (a
    failed night keeps yesterday's; a re-run gives the same rows). Runs before the allocation."""
    today = today or timezone.localdate()
    policy = compliance_policy()
    with tracked_run(job=STANDING_JOB, scope=today.isoformat()) as run:
        run.stage("read", 10)
        since = today - dt.timedelta(weeks=policy.window_weeks)
        lines = InspectionLine.objects.filter(inspection__visited_on__gt=since, inspection__visited_on__lte=today)
        checks = inspection_checks(lines, policy=policy)
        out = (
            standings(checks, repeat_violations=policy.repeat_violations)
            if not checks.empty
            else pd.DataFrame(columns=STANDING_COLUMNS)
        )
        run.stage("write", 60)
        with transaction.atomic():
            ComplianceStanding.objects.all().delete()
            ComplianceStanding.objects.bulk_create(
                (
                    ComplianceStanding(retailer_id=int(retailer), as_of=today, **{c: row[c] for c in STANDING_COLUMNS})
                    for retailer, row in out.iterrows()
                ),
                batch_size=2000,
            )
        counts = {"retailers": len(out), "repeat_violators": int(out["repeat_violator"].sum()) if len(out) else 0}
        run.count(**counts)
    return counts
