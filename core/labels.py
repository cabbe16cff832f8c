"""Words for the codes that job runs and audit entries store (a job's name, an audit action, the kind of
object it touched, the keys of a run's parameters and counts), so no page shows them as code.

The words for the upper apps' codes are settings (`JOB_LABELS`, `AUDIT_ACTION_LABELS`,
`AUDIT_OBJECT_LABELS` in distribution/settings.py): core names no app above it. A code without a word
there is read through the catalog with its underscores as spaces ("weekly_purchases" → "weekly
purchases" → 周购进汇总), else shown as those words."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from core import display
from core.exceptions import Reason, RowError


def _words(code: str) -> str:
    return gettext(code.replace("_", " ").replace(".", " "))


def job_label(job: str) -> str:
    label = getattr(settings, "JOB_LABELS", {}).get(job)
    return str(label) if label else _words(job)


def task_label(task: str) -> str:
    """A Celery task's registered name in words (`TASK_LABELS`: "core.nightly" → 夜间作业); one without
    words as it is registered."""
    label = getattr(settings, "TASK_LABELS", {}).get(task)
    return str(label) if label else task


def audit_action_label(action: str) -> str:
    label = getattr(settings, "AUDIT_ACTION_LABELS", {}).get(action)
    return str(label) if label else _words(action)


def audit_object_label(object_type: str) -> str:
    label = getattr(settings, "AUDIT_OBJECT_LABELS", {}).get(object_type)
    return str(label) if label else _words(object_type)


# The name the system gives a policy it saves with the defaults (allocation, customer value, the tier
# classification scheme); looked up by it, so it stays this code at rest and is shown as words
# (`POLICY_NAME`, `SCHEME_NAME`: 默认方案 / "Default policy").
DEFAULT_POLICY_NAME = "default"


class Worded(NamedTuple):
    """A field whose stored value is a code the system wrote: `shown` words it, `stored` reads the words
    back from a form. A model names such fields in `worded_fields` ({field name: Worded}); the admin
    shows them in words in its lists, forms and read-only pages, and `labelled_values` in a kept copy."""

    shown: Callable[[Any], str]
    stored: Callable[[str], Any]


def _default_named(words: str) -> Worded:
    """The name "default" (`DEFAULT_POLICY_NAME`) shown as `words` (an English msgid) in the reader's
    language; any other name as it was typed."""

    def shown(name: str) -> str:
        return gettext(words) if name == DEFAULT_POLICY_NAME else name

    def stored(text: str) -> str:
        return DEFAULT_POLICY_NAME if text in {gettext(words), words} else text

    return Worded(shown, stored)


POLICY_NAME = _default_named(gettext_noop("Default policy"))  # allocation, customer value: 默认方案
SCHEME_NAME = _default_named(gettext_noop("Default scheme"))  # tier classification: 默认方案


def policy_name_words(name: str) -> str:
    """A policy's name as a person reads it: the one the system named "default" is 默认方案 (Default policy)."""
    return POLICY_NAME.shown(name)


def worded_field(model, name: str) -> Worded | None:
    return (getattr(model, "worded_fields", None) or {}).get(name) if model is not None else None


def stored_words(text: str) -> str:
    """Text the system stored for people to read: a Reason kept as text (`Reason.text`) or a code or
    short English phrase (a job's stage, "read and score"), in the reader's language."""
    return Reason.shown(text) if text.startswith('{"msgid"') else _words(text)


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def value_words(value: Any) -> str:
    """A stored value as a person reads it: numbers grouped by thousands, yes/no, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value.startswith('{"msgid"'):  # a reason kept as text (a run's step, error)
        return Reason.shown(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | Decimal):
        return number_format(value, force_grouping=True)
    if isinstance(value, float):
        return number_format(round(value, 4), force_grouping=True)
    if isinstance(value, list | tuple):
        return display.words(value_words(v) for v in value) if value else "—"
    if isinstance(value, dict) and "msgid" in value:  # a row error's reason as a run keeps it
        return str(Reason.from_stored(value))
    if isinstance(value, dict) and {"row", "column", "value", "reason"} == value.keys():  # a row error kept
        return str(RowError(**RowError.shown(value)))
    if isinstance(value, dict):
        return "；".join(f"{_words(str(k))}: {value_words(v)}" for k, v in value.items())
    if isinstance(value, dt.datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_MOMENT.match(value) and (moment := parse_datetime(value)) is not None:
        return value_words(moment)  # a time kept as text (published_at): in local time, as the page writes times
    if isinstance(value, str) and value in _choice_labels():  # a stored code: "answered" → 已答复
        return str(_choice_labels()[value])
    return _words(value) if isinstance(value, str) and "_" in value and " " not in value else str(value)


@functools.cache
def _choice_labels() -> dict[str, Any]:
    """Every choice code of the project's models (of 3 letters or more) → its label (lazy)."""
    labels: dict[str, Any] = {}
    for model in apps.get_models():
        for field in model._meta.fields:
            for code, label in field.flatchoices or ():
                if isinstance(code, str) and len(code) >= 3 and code != str(label):
                    labels.setdefault(code, label)
    return labels


def labelled_values(
    data: Any,
    *,
    model: type[models.Model] | None = None,
    key_label: Callable[[str], str] = _words,
    value_shown: Callable[[str, Any], str] | None = None,
) -> SafeString | str:
    """A stored dict (a run's parameters, a policy as applied) as labelled lines: each key named by the
    model field of that name (its verbose name, its choice label) or by `key_label` (the catalog); each
    value by `value_shown(key, value)` when given, else as `value_words` reads it."""
    if not isinstance(data, dict):
        return value_words(data)
    if not data:
        return "—"
    rows = []
    for key, value in data.items():
        label, shown = key_label(str(key)), value
        if value_shown is not None:
            shown = value_shown(str(key), value)
        field = _field(model, str(key))
        worded = worded_field(model, str(key))
        if worded is not None and isinstance(value, str):
            shown = worded.shown(value)
        if field is not None:
            label = str(field.verbose_name)
            if field.choices and not isinstance(value, list | dict):
                shown = dict(field.flatchoices).get(value, value)
        rows.append((label[:1].upper() + label[1:], str(shown) if shown is not value else value_words(value)))
    return format_html('<dl class="labelled-values">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# ---------------------------------------------------------------- a run's counts, parameters and timings


def _run_words(setting: str, job: str, key: str):
    """A key's word in `setting` (RUN_COUNT_LABELS, RUN_COUNT_VALUE_LABELS): the job's own, else every job's."""
    words = getattr(settings, setting, {})
    found = (words.get(job) or {}).get(key)
    return found if found is not None else (words.get("*") or {}).get(key, words.get(key))


def count_label(job: str, key: str) -> str:
    """A key of a run's counts or parameters in words ("ups" of a tier classification → 升档户数)."""
    label = _run_words("RUN_COUNT_LABELS", job, key)
    return str(label) if label else _words(key)


def count_value_words(job: str, key: str, value: Any) -> str:
    """A count's value in words: a coded value the settings word (`RUN_COUNT_VALUE_LABELS`: "none",
    "requests, satisfaction" → 无, 客户诉求、满意度测评), anything else as `value_words` reads it."""
    words = getattr(settings, "RUN_COUNT_VALUE_LABELS", {}).get(key)
    if words and isinstance(value, str | list | tuple):
        codes = [c.strip() for c in (value.split(",") if isinstance(value, str) else value) if str(c).strip()]
        return "、".join(str(words.get(c, _words(c))) for c in codes) or "—"
    return value_words(value)


def run_counts_words(job: str, data: Any) -> SafeString | str:
    """A run's counts or parameters as labelled lines in the reader's language, named for its job."""
    return labelled_values(
        data, key_label=lambda key: count_label(job, key), value_shown=lambda key, v: count_value_words(job, key, v)
    )


def run_timings_words(data: Any) -> SafeString | str:
    """A run's timings as labelled lines: a stage by its name in the catalog, a whole nightly job by its name."""
    return labelled_values(data, key_label=lambda key: job_label(key) if key in _job_codes() else _words(key))


def _job_codes() -> set[str]:
    return set(getattr(settings, "JOB_LABELS", {}))


def run_scope_words(scope: str) -> str:
    """What a run was for: a night's date as a date (2026年11月27日), a cycle as its label, none as —."""
    if not scope:
        return "—"
    try:
        return date_format(dt.date.fromisoformat(scope)) if len(scope) == 10 else scope
    except ValueError:
        return scope
