"""A policy the system saved with the defaults is named "default" at rest (looked up by it) and reads as
默认方案 / "Default policy" wherever its name is shown (issue 19): its title, the admin's list, its page
and form, a run's policy as applied; in the reader's language. A name a supervisor typed stays as typed."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.models import AllocationPolicy, AllocationRun
from allocation.policy import policy_dump, policy_from_model
from allocation.selectors import active_policy
from allocation.services import allocation_policy_get_or_create
from core.labels import DEFAULT_POLICY_NAME
from core.models import Run, RunStatus
from customer_value.models import ValuePolicy, ValueRun
from customer_value.selectors import policy_snapshot, value_policy
from customer_value.services import value_policy_get_or_create
from cycles.services import cycle_get_or_create
from tests.words import EN, ZH, shown
from tiers.models import ClassificationScheme
from tiers.services import active_scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]
WORDS = {"zh-hans": "默认方案", "en": "Default policy"}
SCHEME_WORDS = {"zh-hans": "默认方案", "en": "Default scheme"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_default_policys_title_in_each_language(language):
    allocation, value = allocation_policy_get_or_create(), value_policy_get_or_create()
    assert (allocation.name, value.name) == (DEFAULT_POLICY_NAME, DEFAULT_POLICY_NAME)  # at rest: the code
    with translation.override(language):
        assert str(allocation) == WORDS[language]
        assert str(value) == WORDS[language]
    assert active_policy() == allocation  # still found by its name
    assert value_policy() == value


@pytest.mark.parametrize(("language", "headers"), [("zh-hans", ZH), ("en", EN)])
def test_the_default_classification_scheme_too(client, supervisor, language, headers):
    # The migration's scheme was stored as 默认方案: now the code, shown in the reader's language.
    scheme = active_scheme()
    assert scheme.name == DEFAULT_POLICY_NAME
    assert ClassificationScheme.history.filter(name="默认方案").count() == 0
    with translation.override(language):
        assert str(scheme) == SCHEME_WORDS[language]
    client.force_login(supervisor)
    listed = shown(client.get(reverse("admin:tiers_classificationscheme_changelist"), **headers).content)
    assert SCHEME_WORDS[language] in listed
    assert ("默认方案" in listed) == (language == "zh-hans")


def test_a_typed_name_stays_as_typed():
    policy = AllocationPolicy.objects.create(name="城区旺季方案")
    with translation.override("en"):
        assert str(policy) == "城区旺季方案"


@pytest.mark.parametrize(("language", "headers"), [("zh-hans", ZH), ("en", EN)])
def test_the_admin_list_and_page_name_it_in_words(client, supervisor, manager_a, language, headers):
    allocation, value = allocation_policy_get_or_create(), value_policy_get_or_create()
    client.force_login(supervisor)
    for model, policy in (("allocation_allocationpolicy", allocation), ("customer_value_valuepolicy", value)):
        listed = shown(client.get(reverse(f"admin:{model}_changelist"), **headers).content)
        assert WORDS[language] in listed
        assert not re.search(r"(?<![\w-])default(?![\w-])", listed), listed
        form = client.get(reverse(f"admin:{model}_change", args=[policy.pk]), **headers)
        assert re.search(rf'name="name" value="{WORDS[language]}"', form.content.decode())
    client.force_login(manager_a)  # reads it, may not change it: the words as text
    page = client.get(reverse("admin:allocation_allocationpolicy_change", args=[allocation.pk]), **headers)
    assert WORDS[language] in shown(page.content)
    assert not re.search(r"(?<![\w-])default(?![\w-])", shown(page.content))


def test_saving_the_form_keeps_the_code(client, supervisor):
    policy = allocation_policy_get_or_create()
    client.force_login(supervisor)
    url = reverse("admin:allocation_allocationpolicy_change", args=[policy.pk])
    form = client.get(url, **ZH).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["name"] = form["name"].field.prepare_value(policy.name)  # as the page shows it: 默认方案
    data["vulnerable_bonus"] = 2
    data["credit_factors"] = form["credit_factors"].field.prepare_value(policy.credit_factors)
    response = client.post(url, {k: v for k, v in data.items() if v is not False}, **ZH)
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert (policy.name, policy.vulnerable_bonus) == (DEFAULT_POLICY_NAME, 2)
    assert active_policy() == policy


@pytest.mark.parametrize(("language", "headers"), [("zh-hans", ZH), ("en", EN)])
def test_a_runs_policy_as_applied_names_it_in_words(client, supervisor, language, headers):
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    kept = policy_dump(policy_from_model(allocation_policy_get_or_create(), repeat_violators=set()))
    run = AllocationRun.objects.create(
        run=Run.objects.create(job="allocation", status=RunStatus.SUCCEEDED), cycle=cycle, is_complete=True,
        policy=kept,
    )  # fmt: skip
    value_run = ValueRun.objects.create(
        run=Run.objects.create(job="customer_value", status=RunStatus.SUCCEEDED), as_of=dt.date(2026, 11, 29),
        policy=policy_snapshot(value_policy_get_or_create()),
    )  # fmt: skip
    client.force_login(supervisor)
    for page in (
        reverse("admin:allocation_allocationrun_change", args=[run.pk]),
        reverse("admin:customer_value_valuerun_change", args=[value_run.pk]),
    ):
        text = shown(client.get(page, **headers).content)
        assert WORDS[language] in text, page
        assert not re.search(r"(?<![\w-])default(?![\w-])", text), page
    assert ValuePolicy.objects.get().name == DEFAULT_POLICY_NAME


def test_an_export_of_the_policies_names_it_in_words(client, supervisor):
    import io

    import openpyxl

    allocation_policy_get_or_create()
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:allocation_allocationpolicy_export"),
        {"format": "1", "resource": "0", "allocationpolicyresource_name": "on"},
        **ZH,
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["默认方案"]


def test_a_version_page_of_the_policy_names_it_in_words(client, supervisor):
    policy = allocation_policy_get_or_create()
    policy.vulnerable_bonus = 2
    policy.save()
    version = policy.history.earliest()
    client.force_login(supervisor)
    url = reverse("admin:allocation_allocationpolicy_simple_history", args=[policy.pk, version.history_id])
    for headers, words in ((ZH, "默认方案"), (EN, "Default policy")):
        text = shown(client.get(url, **headers).content)
        assert words in text
        assert not re.search(r"(?<![\w-])default(?![\w-])", text), text
