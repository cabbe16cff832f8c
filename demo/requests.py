"""The demo city's requests and complaints (docs/domain.md §9): over the last 8 weeks about one shop
in twenty files a request, and the shops that get demo logins two or three each (one resolved and
rated, one answered, one filed today), so a retailer login sees every state. Most are answered
within the policy's time and resolved, many rated; some are answered late, some never: those past
their time are escalated here, as the nightly job would, so the supervisor's queue, the managers'
overdue lists and the figures all show something. Written in bulk with an audit entry per step."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.models import AuditEntry
from retailers.models import Retailer
from service_requests.engine.workdays import add_working_days
from service_requests.models import AuthorRole, RequestMessage, ServiceRequest, Status
from service_requests.selectors import LOCAL, local_naive, request_policy, work_calendar
from service_requests.services import OBJECT_TYPE, requests_escalate

from .services import BATCH, demo_login_retailers

CATEGORIES = ["quota", "product", "price", "delivery", "service", "other"]
CATEGORY_SHARES = [0.35, 0.2, 0.15, 0.15, 0.1, 0.05]
TEXTS = {
    "quota": ["这周紧俏烟的限量太少了，能不能多给两条？", "我们店的档位是不是该调一调了？生意比去年好。",
              "上周有一个规格没投放给我们，是什么原因？"],
    "product": ["顾客老问有没有新品，能不能进一点？", "想订细支的品规，系统里找不到。", "能不能多投一些高端烟，附近写字楼的客人要。"],
    "price": ["隔壁店的价格比指导价低，我们卖不动。", "价签上的价格和系统里不一样，以哪个为准？"],
    "delivery": ["送货比约定时间晚了两个小时。", "这次送来的货少了一条，请核实。", "送货员能不能早上十点前到？"],
    "service": ["客户经理好久没来了，有问题想当面问问。", "订货系统老是登录不上。"],
    "other": ["想了解一下诚信互助小组怎么加入。", "结算的银行账户要换，怎么办手续？"],
}  # fmt: skip
ANSWERS = {
    "quota": ["已向营销中心反映，下周按档位上浮一条。", "档位每月重新评定，您近三个月的订货已计入，下次评定会调整。"],
    "product": ["已登记您的品规需求，到货后优先投放。", "该品规本周有货源，请在访销日前订货。"],
    "price": ["已安排专管员核查，请您继续按指导价销售。", "以系统里的指导价为准，价签我下次拜访时帮您更换。"],
    "delivery": ["已联系配送中心核实，少的一条明天补送。", "已和送货线路协调，以后上午送达。"],
    "service": ["本周四上午上门拜访。", "已重置账号，请用新密码登录。"],
    "other": ["已把申请表发到您的手机，填好后交给我。", "请带营业执照和新账户信息到市场部办理。"],
}
FOLLOW_UPS = ["好的，谢谢。", "什么时候能解决？", "收到。"]
SHARE = 0.05  # of the active retailers with a manager file a request in the 8 weeks
WEEKS = 8
# the demo login shops' requests: days ago, how it went (None: at random)
LOGIN_SCRIPTS = [[(20, "resolved_rated"), (5, "answered"), (0, "open")], [(12, "resolved_rated"), (1, "open")]]


def _aware(moment: pd.Timestamp | None) -> dt.datetime | None:
    """A naive local time as an aware one, to the second."""
    return None if moment is None else moment.floor("s").to_pydatetime().replace(tzinfo=LOCAL)


def demo_requests_create(*, today: dt.date | None = None, seed: int = 19) -> str:
    """Requests of the last 8 weeks (see the module); none added if there are requests already."""
    if ServiceRequest.objects.exists():
        return "requests exist: none added"
    now = timezone.now() if today is None else dt.datetime.combine(today, dt.time(12, 0), LOCAL)
    local_now = pd.Timestamp(local_naive(now))
    rng = np.random.default_rng(seed)
    policy = request_policy()
    calendar = work_calendar(policy)
    shops = list(Retailer.objects.filter(status="active", manager__isnull=False).order_by("pk").values_list("pk", "manager_id"))
    if not shops:
        return "no retailers with a manager: no requests"
    logins = [(s.pk, s.manager_id) for s in demo_login_retailers()]
    # (retailer, manager, days ago, script)
    scripted = {pk for pk, _m in logins}
    rows = [(pk, m, int(rng.integers(0, WEEKS * 7)), None) for pk, m in shops if rng.random() < SHARE and pk not in scripted]
    for k, (pk, manager) in enumerate(logins):
        rows += [(pk, manager, days, script) for days, script in LOGIN_SCRIPTS[min(k, 1)]]
    n = len(rows)
    hour = rng.uniform(8, 20, n)
    filed = [
        min(local_now.normalize() - pd.Timedelta(days=d) + pd.Timedelta(hours=float(h)), local_now - pd.Timedelta(minutes=30)).floor("min")
        for (_pk, _m, d, _s), h in zip(rows, hour, strict=True)
    ]  # fmt: skip
    due = add_working_days(filed, policy.answer_within_days, calendar)
    outcome = rng.choice(["in_time", "late", "never"], size=n, p=[0.75, 0.13, 0.12])
    categories = rng.choice(CATEGORIES, size=n, p=CATEGORY_SHARES)
    made, steps, messages = [], [], []
    for i, (pk, manager, _days, script) in enumerate(rows):
        # wall-clock hours ≤ working hours, so an answer within the time in wall hours is within it
        how = outcome[i] if script is None else "never" if script == "open" else "in_time"
        if how == "never":
            answered = None
        elif how == "late":
            answered = due[i] + pd.Timedelta(hours=float(rng.uniform(2, 72)))
        else:  # most within the first day
            answered = filed[i] + pd.Timedelta(hours=float(rng.uniform(0.5, 24)))
        if answered is not None and answered >= local_now:
            answered = None if script is None else local_now - pd.Timedelta(minutes=5)
        resolved = None
        if answered is not None and script != "answered" and (script == "resolved_rated" or rng.random() < 0.8):
            resolved = min(answered + pd.Timedelta(hours=float(rng.uniform(0, 12))), local_now - pd.Timedelta(minutes=1))
        rating = None
        if resolved is not None and (script == "resolved_rated" or rng.random() < 0.6):
            rating = int(rng.choice([1, 2, 3, 4, 5], p=[0.04, 0.08, 0.18, 0.35, 0.35]))
        made.append(
            ServiceRequest(
                retailer_id=pk, manager_id=manager, category=categories[i], text=str(rng.choice(TEXTS[categories[i]])),
                filed_at=_aware(filed[i]), due_at=_aware(due[i]), answered_at=_aware(answered),
                resolved_at=_aware(resolved), rating=rating, rated_at=_aware(resolved) if rating else None,
                status=Status.RESOLVED if resolved is not None else Status.ANSWERED if answered is not None else Status.OPEN,
            )  # fmt: skip
        )
    with transaction.atomic():
        made = ServiceRequest.objects.bulk_create(made, batch_size=BATCH)
        asked_back = []
        for request in made:
            steps.append((request.pk, request.filed_at, None, "request.file", Status.OPEN, None))
            if request.answered_at:
                messages.append(RequestMessage(request=request, author_id=request.manager_id, role=AuthorRole.MANAGER,
                                               text=str(rng.choice(ANSWERS[request.category])), at=request.answered_at))
                steps.append((request.pk, request.answered_at, request.manager_id, "request.answer", Status.ANSWERED, None))
                follow_up = request.answered_at + dt.timedelta(hours=3)
                if request.resolved_at is None and follow_up < now and rng.random() < 0.3:  # the retailer asks back
                    messages.append(RequestMessage(request=request, role=AuthorRole.RETAILER, text=str(rng.choice(FOLLOW_UPS)), at=follow_up))
                    steps.append((request.pk, follow_up, None, "request.follow_up", Status.OPEN, None))
                    asked_back.append(request.pk)
            if request.resolved_at:
                steps.append((request.pk, request.resolved_at, request.manager_id, "request.resolve", Status.RESOLVED, None))
            if request.rating:
                steps.append((request.pk, request.rated_at, None, "request.rate", Status.RESOLVED, request.rating))
        RequestMessage.objects.bulk_create(messages, batch_size=BATCH)
        ServiceRequest.objects.filter(pk__in=asked_back).update(status=Status.OPEN)  # waits for its manager again
        entries = AuditEntry.objects.bulk_create(
            [
                AuditEntry(actor_id=actor, action=action, object_type=OBJECT_TYPE, object_id=str(pk), reason="",
                           after={"status": status, "escalated": False, "rating": rating})
                for pk, _at, actor, action, status, rating in steps
            ],
            batch_size=BATCH,
        )  # fmt: skip
        for entry, step in zip(entries, steps, strict=True):  # `at` is stamped on insert: set each step's time
            entry.at = step[1]
        AuditEntry.objects.bulk_update(entries, ["at"], batch_size=BATCH)
    escalated = requests_escalate(now=now)["escalated"]
    unresolved = ServiceRequest.objects.exclude(status=Status.RESOLVED).count()
    return f"{len(made)} demo requests ({unresolved} not resolved, {escalated} escalated as unanswered past their time)"
