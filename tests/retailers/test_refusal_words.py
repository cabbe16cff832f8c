"""A service's refusal reads in the reader's language (tester 2026-11-27: these three were English on
Chinese pages): a password reset by a manager of another shop, a login name already taken, a
negative stock count."""

import pytest
from django.utils import translation

from accounts.models import Role
from core.exceptions import DomainError
from retailers.logins import retailer_login_reset
from stock.services import stock_count_record
from tests.factories import ProductFactory, RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db


def refusal(call) -> dict[str, str]:
    with pytest.raises(DomainError) as refused:
        call()
    words = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words[language] = str(refused.value)
    return words


def test_the_refusals_read_in_either_language():
    other = UserFactory(username="m-other", role=Role.MANAGER)
    shop = RetailerFactory(license_no="420100000001")
    assert refusal(lambda: retailer_login_reset(retailer=shop, actor=other)) == {
        "zh-hans": "只有该零售户的客户经理或主管可以设置其密码。",
        "en": "Only the retailer's customer manager or a supervisor sets its password.",
    }
    UserFactory(username="420100000001", role=Role.RETAILER)  # the name its login would take
    boss = UserFactory(username="boss", role=Role.SUPERVISOR)
    assert refusal(lambda: retailer_login_reset(retailer=shop, actor=boss)) == {
        "zh-hans": "登录名 420100000001 已被其他用户占用。",
        "en": "The login name 420100000001 is taken by another user.",
    }
    product = ProductFactory()
    count = lambda: stock_count_record(retailer=shop, product=product, cartons=-1, source="visit", actor=boss)  # noqa: E731
    assert refusal(count) == {"zh-hans": "库存条数不能为负数。", "en": "A stock count cannot be negative."}
