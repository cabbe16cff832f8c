"""Why an import wrote a retailer's history row ("customer import", "assignment import") is kept as its
English msgid and read in the reader's language on the retailer's history page (issue 19: 客户导入 was
shown in English on a Chinese page); the assignment's audit entry likewise."""


import pytest
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry
from retailers.imports import ASSIGNMENT_IMPORT
from retailers.models import Retailer
from retailers.services import retailers_update
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


@pytest.mark.parametrize(
    ("headers", "words"), [(ZH, ("零售户档案导入", "客户经理分配导入")), (EN, ("customer import", "assignment import"))]
)
def test_the_import_reasons_read_in_each_language(client, supervisor, retailer_of_a, manager_b, headers, words):
    retailers_update(retailers=[retailer_of_a], fields=["name"], actor=supervisor, reason="customer import")
    retailer_of_a.manager = manager_b
    retailers_update(retailers=[retailer_of_a], fields=["manager"], actor=supervisor, reason=ASSIGNMENT_IMPORT.msgid)
    AuditEntry.objects.create(
        actor=supervisor, action="retailer.assign_manager", object_type="retailer", object_id=str(retailer_of_a.pk),
        reason=ASSIGNMENT_IMPORT.text(),
    )  # fmt: skip
    client.force_login(supervisor)
    history = shown(
        client.get(reverse("admin:retailers_retailer_history", args=[retailer_of_a.pk]), **headers).content
    )
    assert words[0] in history
    assert words[1] in history
    audit = shown(client.get(reverse("admin:core_auditentry_changelist"), **headers).content)
    assert words[1] in audit
    assert Retailer.history.filter(history_change_reason="customer import").exists()  # the msgid at rest
    with translation.override("en"):
        assert AuditEntry.objects.get(action="retailer.assign_manager").reason_words == "assignment import"
