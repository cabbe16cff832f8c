"""The retailer's phone pages: filing (a refused form comes back with each problem beside its field),
reading the answer, replying and rating — all in Chinese, no codes shown."""

import re

import pytest
from django.urls import reverse

from service_requests.models import ServiceRequest
from service_requests.services import request_answer

from .conftest import png

pytestmark = pytest.mark.django_db


def field_error(page: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="err_{field}">(.*?)</p>', page)
    return found.group(1) if found else ""


def test_filing_on_the_phone(client, shop_a, manager_a):
    client.force_login(shop_a.login)
    page = client.get(reverse("service_requests:new")).content.decode()
    for label in ("货源定量", "价格", "品规需求", "送货", "服务", "其他", "2 个工作日内答复"):
        assert label in page
    response = client.post(reverse("service_requests:new"), {"category": "delivery", "text": "  ", "photo": png()})
    page = response.content.decode()
    assert response.status_code == 200
    assert field_error(page, "text") == "请写明诉求内容。"
    assert field_error(page, "photo") == "没有提交成功：请重新选择照片。"
    assert '<option value="delivery" selected>' in page  # kept as chosen
    assert not ServiceRequest.objects.exists()
    response = client.post(reverse("service_requests:new"), {"category": "", "text": "送货员态度不好"})
    assert field_error(response.content.decode(), "category") == "请选择诉求类别。"
    response = client.post(
        reverse("service_requests:new"), {"category": "delivery", "text": "送货员态度不好", "photo": png()}
    )
    filed = ServiceRequest.objects.get()
    assert response["Location"] == reverse("service_requests:detail", args=[filed.pk])
    page = client.get(response["Location"]).content.decode()
    assert "送货员态度不好" in page
    assert f'src="{reverse("service_requests:photo", args=[filed.pk])}"' in page
    assert "待答复" in page
    assert f"将于 {filed.due_at.astimezone().strftime('%Y-%m-%d')}" in page
    assert 'id="rate"' not in page  # nothing to rate yet
    listing = client.get(reverse("service_requests:list")).content.decode()
    assert "送货" in listing
    assert "待答复" in listing
    assert "delivery" not in re.sub(r"<[^>]+>", "", listing)


def test_reading_the_answer_replying_and_rating(client, shop_a, manager_a):
    client.force_login(shop_a.login)
    client.post(reverse("service_requests:new"), {"category": "quota", "text": "紧俏烟能否多给？"})
    filed = ServiceRequest.objects.get()
    request_answer(actor=manager_a, service_request=filed, text="本周已按档位上浮一条。")
    url = reverse("service_requests:detail", args=[filed.pk])
    page = client.get(url).content.decode()
    assert "本周已按档位上浮一条。" in page
    assert "已答复" in page
    assert 'id="rate"' in page
    response = client.post(url, {"action": "rate"})
    assert field_error(response.content.decode(), "rating") == "请选择 1 至 5 星。"
    assert client.post(url, {"action": "reply", "reply-text": "谢谢，收到。"}).status_code == 302
    assert client.post(url, {"action": "rate", "rate-rating": "4"}).status_code == 302
    page = client.get(url).content.decode()
    assert "谢谢，收到。" in page
    assert "★★★★<" in page
    assert 'id="rate"' not in page
    filed.refresh_from_db()
    assert (filed.rating, filed.status) == (4, "open")  # the reply puts it back in the manager's queue
