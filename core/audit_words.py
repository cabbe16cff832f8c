"""An audit entry in words (tester 2026-11-27: "零售户 1447" with no shop name, "操作人 —" on a request a
retailer filed, a product as its code): the object by what people call it (a retailer by its name and
licence, a run by its job and number), who acted (a staff member by name, a retailer's login by its shop,
"the retailer" or "the system" when the entry names no one) and each kept value in words (a product by
its name, a manager by name, a time in local time).

Core names no app above it: each app says, from its `AppConfig.ready`, how its records read
(`audit_objects_register`, `audit_values_register`), which keys of its entries have words of their own
(`audit_keys_register`) and which of its actions a retailer or the system takes (`audit_actors_register`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from .display import person_name
from .labels import _words, job_label, labelled_values, value_words

RETAILER, SYSTEM = "retailer", "system"


@dataclass(frozen=True)
class Records:
    """How a kind of record is found by a kept id or code (`field`) and read (`words`)."""

    model: str  # "app_label.ModelName"
    words: Callable[[Any], str]
    field: str = "pk"
    select_related: tuple[str, ...] = ()

    def find(self, keys: Iterable) -> dict[str, str]:
        """Each key (as text) → the words of its record; keys with no record are left out."""
        keys = {str(k) for k in keys if k not in (None, "")}
        if not keys:
            return {}
        model = apps.get_model(self.model)
        if self.field == "pk":
            keys = {k for k in keys if k.isdigit()}
        rows = model._default_manager.filter(**{f"{self.field}__in": keys}).select_related(*self.select_related)
        return {str(getattr(row, self.field)): self.words(row) for row in rows}


_OBJECTS: dict[str, Records] = {}  # object type → its records
_VALUES: dict[tuple[str, str], Records] = {}  # (action or "*", kept key) → the records its values name
_KEYS: dict[tuple[str, str], Any] = {}  # (action or "*", kept key) → its label
_ACTORS: dict[str, str] = {}  # action → who takes it when the entry names no one (RETAILER, SYSTEM)


def audit_objects_register(object_type: str, records: Records) -> None:
    _OBJECTS[object_type] = records


def audit_values_register(key: str, records: Records, *, action: str = "*") -> None:
    _VALUES[(action, key)] = records


def audit_keys_register(labels: dict[str, Any], *, action: str = "*") -> None:
    _KEYS.update({(action, key): label for key, label in labels.items()})


def audit_actors_register(*actions: str, actor: str) -> None:
    _ACTORS.update(dict.fromkeys(actions, actor))


# ---------------------------------------------------------------- core's own


def _user_words(user) -> str:
    """A staff member by name; a retailer's login by its shop (城关便利店（零售户本人）)."""
    retailer = getattr(user, "retailer", None)  # the shop whose login it is
    if retailer is not None:
        return gettext("%(shop)s (the retailer)") % {"shop": retailer.name or retailer.license_no}
    return person_name(user)


def _login_words(user) -> str:
    return f"{user.get_username()} · {_user_words(user)}"


def _register_core() -> None:
    audit_objects_register("run", Records("core.Run", lambda run: f"{job_label(run.job)} #{run.pk}"))
    audit_objects_register(
        "login", Records(settings.AUTH_USER_MODEL, _login_words, field="username", select_related=("retailer",))
    )
    audit_values_register("manager_id", Records(settings.AUTH_USER_MODEL, person_name))
    audit_keys_register(
        {
            "manager_id": gettext_lazy("customer manager"), "ip": gettext_lazy("IP address"),
            "path": gettext_lazy("address asked for"), "last_attempt": gettext_lazy("last attempt"),
        }
    )  # fmt: skip
    audit_actors_register("run.stale", "login.locked", actor=SYSTEM)


# ---------------------------------------------------------------- reading entries


def objects_words(entries: Iterable) -> dict[int, str]:
    """Each entry's object in words (entry pk → words), a page of entries in one query per kind."""
    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        wanted[entry.object_type].add(entry.object_id)
    found = {kind: _OBJECTS[kind].find(ids) for kind, ids in wanted.items() if kind in _OBJECTS}
    shown = {}
    for entry in entries:
        words = found.get(entry.object_type, {}).get(str(entry.object_id))
        shown[entry.pk] = words or (f"#{entry.object_id}" if entry.object_id else "—")
    return shown


def actor_words(entry) -> str:
    """Who acted: a staff member by name, a retailer's login by its shop; an entry naming no one by who
    takes its action (the retailer, the system), else —."""
    if entry.actor is not None:
        return _user_words(entry.actor)
    kind = _ACTORS.get(entry.action)
    if kind == RETAILER:
        return gettext("the retailer")
    if kind == SYSTEM:
        return gettext("the system")
    return "—"


def _field(model, key: str):
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        return None


def values_words(entry, data):
    """A kept before/after as labelled lines: a key by its words for the entry's action, else as the field
    of that name of the entry's object (a request's status: 状态), else through the catalog; a value by
    the record it names (a product's code: its name, a manager's id: the name), else by that field's
    choices (a request's "open": 待处理, not another model's choice of the same code), else as
    `core.labels.value_words` reads it (times in local time)."""
    if not isinstance(data, dict):
        return labelled_values(data)
    if not data:
        return "—"
    records = _OBJECTS.get(entry.object_type)
    model = apps.get_model(records.model) if records is not None else None
    rows = []
    for key, value in data.items():
        field = _field(model, key)
        label = _KEYS.get((entry.action, key), _KEYS.get(("*", key)))
        if label is None:
            label = field.verbose_name if field is not None else _words(key)
        label = str(label)
        shown = None
        named = _VALUES.get((entry.action, key), _VALUES.get(("*", key)))
        if named is not None and isinstance(value, str | int) and not isinstance(value, bool):
            shown = named.find([value]).get(str(value))
        if shown is None and field is not None and field.choices and isinstance(value, str | int):
            shown = dict(field.flatchoices).get(value)
        rows.append((label[:1].upper() + label[1:], str(shown) if shown is not None else value_words(value)))
    return format_html('<dl class="labelled-values">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))
