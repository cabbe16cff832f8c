"""A setting's change form posted with nothing changed writes no history row and no admin log entry
(tester 2026-11-27: each unchanged save added an empty 已修改 row): every admin with history
(`core.admin_mixins.ReadOnlyHistoryAdmin`, through `core.admin_history.UnchangedSaveAdmin`)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.security.rows import CONFIG, form_data

pytestmark = pytest.mark.django_db


def _posted(form) -> dict:
    """What the browser posts for the form as it stands: a JSON value as its field writes it ("[]", not an
    empty list, which a post leaves out), and the hidden initial value of a field with a callable default."""
    data = form_data(form)
    for name, value in list(data.items()):
        field = form.fields[name]
        if isinstance(value, list | dict):
            data[name] = value = field.prepare_value(value)
        if field.show_hidden_initial:  # a field with a callable default: its initial value posted beside it
            data[f"initial-{name}"] = value
    return data


@pytest.mark.parametrize("kind", list(CONFIG))
def test_an_unchanged_setting_saves_nothing(client, supervisor, kind):
    make, _attack = CONFIG[kind]
    obj = make()
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    client.force_login(supervisor)
    data = _posted(client.get(url).context["adminform"].form)
    versions, logs = obj.history.count(), LogEntry.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert obj.history.count() == versions
    assert LogEntry.objects.count() == logs
