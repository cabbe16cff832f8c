"""Filing, answering, resolving, follow-up, rating and escalation: who may act, what is stored, and
an audit entry for every step (docs/domain.md §9). Times are Asia/Shanghai; November 2026 as in the
engine's tests (Fri 6, Sat 7, Sun 8, Mon 9, Tue 10, Wed 11)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.exceptions import AccessDenied
from core.models import AuditEntry
from core.nightly import run_nightly
from service_requests.models import RequestMessage, RequestPolicy, ServiceRequest, Status
from service_requests.selectors import request_queue
from service_requests.services import (
    RequestInvalid,
    request_answer,
    request_file,
    request_follow_up,
    request_rate,
    requests_escalate,
)

from .conftest import at, png

pytestmark = pytest.mark.django_db


def steps(request) -> list[tuple[str, str | None]]:
    entries = AuditEntry.objects.filter(object_type="service_request", object_id=str(request.pk)).order_by("pk")
    return [(e.action, e.actor.username if e.actor else None) for e in entries]


def file(shop, when="2026-11-06 15:00", **kwargs):
    kwargs.setdefault("category", "quota")
    kwargs.setdefault("text", "这周的紧俏烟限量太少，能否多给两条？")
    return request_file(user=shop.login, now=at(when), **kwargs)


def test_a_retailer_files_a_request_to_its_managers_queue_due_in_two_working_days(shop_a, manager_a):
    filed = file(shop_a, photo=png())
    assert (filed.retailer, filed.manager, filed.status, filed.category) == (shop_a, manager_a, Status.OPEN, "quota")
    assert filed.filed_at == at("2026-11-06 15:00")
    assert filed.due_at == at("2026-11-10 15:00")  # Fri 15:00 + 2 working days = Tue 15:00
    assert filed.photo.name.endswith(".png")  # a PNG named .jpg is stored as what it is
    assert steps(filed) == [("request.file", shop_a.license_no)]
    entry = AuditEntry.objects.get(object_id=str(filed.pk))
    assert entry.after == {"status": "open", "escalated": False, "rating": None}


def test_the_policy_sets_the_time_and_its_holidays_are_skipped(shop_a):
    RequestPolicy.objects.update(answer_within_days=3, holidays="2026-11-09\n2026-11-10")
    # Fri 15:00: 9 h; Mon, Tue holidays; Wed 24 h (33), Thu 24 h (57); 15 h on Fri 13 = 72 h → Fri 13 15:00
    assert file(shop_a).due_at == at("2026-11-13 15:00")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": "   "}, "text", "Please write what it is about."),
        ({"category": "tax"}, "category", "Choose what the request is about."),
        ({"text": "长" * 2001}, "text", "At most 2000 characters (this one has 2001)."),
        ({"photo": SimpleUploadedFile("a.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")}, "photo",
         "This file is not a picture."),
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_written(shop_a, kwargs, field, message):
    with translation.override("en"), pytest.raises(RequestInvalid) as refused:
        file(shop_a, **kwargs)
    assert refused.value.errors[field] == [message]
    assert not ServiceRequest.objects.exists()
    assert not AuditEntry.objects.filter(object_type="service_request").exists()


def test_a_photo_over_8_mb_is_refused(shop_a):
    big = SimpleUploadedFile("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(RequestInvalid) as refused:
        file(shop_a, photo=big)
    assert list(refused.value.errors) == ["photo"]


def test_only_a_retailers_own_login_files(manager_a, supervisor, shop_a):
    for user in (manager_a, supervisor):
        with pytest.raises(AccessDenied):
            request_file(user=user, category="quota", text="x")


def test_the_manager_answers_then_resolves_and_each_step_is_audited(shop_a, manager_a):
    filed = file(shop_a)
    request_answer(actor=manager_a, service_request=filed, text="已反映给营销中心。", now=at("2026-11-09 10:00"))
    filed.refresh_from_db()
    assert (filed.status, filed.answered_at, filed.resolved_at) == (Status.ANSWERED, at("2026-11-09 10:00"), None)
    # resolving an answered request needs no more text
    request_answer(actor=manager_a, service_request=filed, text="", resolve=True, now=at("2026-11-10 09:00"))
    filed.refresh_from_db()
    assert (filed.status, filed.answered_at, filed.resolved_at) == (
        Status.RESOLVED, at("2026-11-09 10:00"), at("2026-11-10 09:00"),
    )  # fmt: skip
    assert [m.role for m in filed.messages.all()] == ["manager"]
    assert steps(filed) == [
        ("request.file", shop_a.license_no), ("request.answer", "mgr_a"), ("request.resolve", "mgr_a"),
    ]  # fmt: skip
    with pytest.raises(RequestInvalid, match="这条诉求已办结。"):
        request_answer(actor=manager_a, service_request=filed, text="再补充一句")


def test_an_answer_needs_text_unless_it_resolves_an_answered_request(shop_a, manager_a):
    filed = file(shop_a)
    with pytest.raises(RequestInvalid):
        request_answer(actor=manager_a, service_request=filed, text=" ", resolve=True)  # nothing answered yet
    assert not RequestMessage.objects.exists()
    request_answer(actor=manager_a, service_request=filed, text="好的，已办。", resolve=True)
    filed.refresh_from_db()
    assert filed.status == Status.RESOLVED
    assert filed.answered_at == filed.resolved_at


def test_another_manager_cannot_answer_and_a_supervisor_can(shop_a, manager_b, supervisor):
    filed = file(shop_a)
    with pytest.raises(AccessDenied):
        request_answer(actor=manager_b, service_request=filed, text="不是我的客户", resolve=True)
    with pytest.raises(AccessDenied):
        request_answer(actor=shop_a.login, service_request=filed, text="我自己答复")
    filed.refresh_from_db()
    assert (filed.status, filed.messages.count()) == (Status.OPEN, 0)
    assert steps(filed) == [("request.file", shop_a.license_no)]
    request_answer(actor=supervisor, service_request=filed, text="营销中心已处理。", resolve=True)
    assert filed.messages.get().role == "supervisor"


def test_a_reassigned_retailers_requests_go_with_it(shop_a, manager_a, manager_b):
    filed = file(shop_a)
    shop_a.manager = manager_b
    shop_a.save(update_fields=["manager"])
    with pytest.raises(AccessDenied):
        request_answer(actor=manager_a, service_request=filed, text="我还是能答吗")
    request_answer(actor=manager_b, service_request=filed, text="新客户经理来答复。")
    filed.refresh_from_db()
    assert filed.manager == manager_a  # the figures keep the manager it was filed to


def test_the_retailer_follows_up_and_rates_once(shop_a, shop_a2, manager_a):
    filed = file(shop_a)
    with pytest.raises(RequestInvalid, match="还没有可评价的答复"):
        request_rate(user=shop_a.login, service_request=filed, rating=5)
    request_answer(actor=manager_a, service_request=filed, text="下周调整。")
    request_follow_up(user=shop_a.login, service_request=filed, text="下周是哪天？")
    filed.refresh_from_db()
    assert filed.status == Status.OPEN  # waits for the manager again
    with pytest.raises(AccessDenied):
        request_follow_up(user=shop_a2.login, service_request=filed, text="别人的诉求")
    with pytest.raises(AccessDenied):
        request_rate(user=shop_a2.login, service_request=filed, rating=1)
    with pytest.raises(AccessDenied):
        request_rate(user=manager_a, service_request=filed, rating=5)
    for bad in (0, 6, "五", None):
        with pytest.raises(RequestInvalid):
            request_rate(user=shop_a.login, service_request=filed, rating=bad)
    request_rate(user=shop_a.login, service_request=filed, rating=4)
    with pytest.raises(RequestInvalid, match="已经评价过了"):
        request_rate(user=shop_a.login, service_request=filed, rating=5)
    request_answer(actor=manager_a, service_request=filed, text="周三。", resolve=True)
    with pytest.raises(RequestInvalid, match="已办结；如仍有问题，请提交新的诉求"):
        request_follow_up(user=shop_a.login, service_request=filed, text="还有问题")
    filed.refresh_from_db()
    assert filed.rating == 4
    assert [a for a, _ in steps(filed)] == [
        "request.file", "request.answer", "request.follow_up", "request.rate", "request.answer", "request.resolve",
    ]  # fmt: skip


def test_an_unanswered_request_escalates_once_when_its_time_runs_out(shop_a, shop_b, manager_b, supervisor):
    late = file(shop_a)  # due Tue 10 15:00
    answered = file(shop_b)
    request_answer(actor=manager_b, service_request=answered, text="收到。", now=at("2026-11-09 09:00"))
    assert requests_escalate(now=at("2026-11-10 14:59")) == {"escalated": 0}
    assert requests_escalate(now=at("2026-11-10 15:00")) == {"escalated": 1}
    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.escalated_at == at("2026-11-10 15:00")
    assert late.status == Status.OPEN
    assert answered.escalated_at is None  # answered in time: the resolution is another matter
    assert steps(late)[-1] == ("request.escalate", None)
    entry = AuditEntry.objects.filter(action="request.escalate").get()
    assert entry.before["escalated"] is False
    assert entry.after["escalated"] is True
    assert entry.reason
    assert requests_escalate(now=at("2026-11-12 15:00")) == {"escalated": 0}  # once
    # the supervisor's queue puts it first; the manager's lists it as overdue before newer requests
    newer = file(shop_a, when="2026-11-11 09:00")
    queue = list(request_queue(user=supervisor, now=at("2026-11-11 10:00")).order_by("urgency", "-filed_at"))
    assert queue[0] == late
    assert newer in queue


def test_the_escalation_is_a_nightly_job(shop_a):
    file(shop_a, when="2026-01-05 09:00")  # long overdue by now
    results = run_nightly(only=["requests_escalate"])
    assert results == {"requests_escalate": {"escalated": 1}}
    assert ServiceRequest.objects.get().escalated_at is not None
