"""A JSON setting edited as plain lines, never as JSON: a mapping as "key: value" lines (a key may be
written as its label: 城网: 4), a list of records as one line of values each ("春节 2026-02-03
2026-03-03"), a list of numbers or of number rows as one line each. The admin's editable JSON fields
use it (`core.admin_mixins.LabelledJsonAdmin`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _


def _scalar(text: str) -> Any:
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d*\.\d+|-?\d+\.\d*", text):
        return float(text)
    return text


def _show(value: Any) -> str:
    return " ".join(_show(v) for v in value) if isinstance(value, list | tuple) else str(value)


class JsonLinesField(forms.CharField):
    """`shape` is "mapping", "records" (with `keys`), "rows" or "values"; `key_labels` maps codes to words."""

    def __init__(self, *, shape: str, keys: tuple[str, ...] = (), key_labels: dict | None = None, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5, "cols": 50}))
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(strip=False, **kwargs)
        self.shape, self.keys = shape, keys
        self.key_labels = {str(k): str(v) for k, v in (key_labels or {}).items()}

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        if not value:
            return ""
        if self.shape == "mapping":
            return "\n".join(f"{self.key_labels.get(str(k), k)}: {_show(v)}" for k, v in value.items())
        if self.shape == "records":
            return "\n".join(" ".join(str(row.get(k, "")) for k in self.keys) for row in value)
        return "\n".join(_show(v) for v in value)

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if self.shape == "mapping":
            codes = {label: code for code, label in self.key_labels.items()}
            result = {}
            for line in lines:
                match = re.match(r"^(.+?)\s*[:：]\s*(.*)$", line)
                if not match:
                    raise forms.ValidationError(_t("Write one “name: value” per line: %(line)s") % {"line": line})
                key, rest = match.groups()
                result[codes.get(key, key)] = _scalar(rest)
            return result
        if self.shape == "records":
            rows = []
            for line in lines:
                parts = line.split()
                if len(parts) != len(self.keys):
                    raise forms.ValidationError(
                        _t("Each line needs %(count)d values separated by spaces: %(line)s")
                        % {"count": len(self.keys), "line": line}
                    )
                rows.append(dict(zip(self.keys, (_scalar(p) for p in parts), strict=True)))
            return rows
        if self.shape == "rows":
            return [[_scalar(p) for p in line.split()] for line in lines]
        return [_scalar(p) for line in lines for p in line.replace(",", " ").replace("，", " ").split()]


def json_lines_field(model_field, *, key_labels: dict | None = None, help_text=None) -> JsonLinesField | None:
    """The lines field for a model's JSON field, its shape read from the field's default (None when the
    default does not tell: an empty list)."""
    default = model_field.get_default()
    keys: tuple[str, ...] = ()
    if isinstance(default, dict):
        shape = "mapping"
    elif not isinstance(default, list) or not default:
        return None
    elif isinstance(default[0], dict):
        shape, keys = "records", tuple(default[0])
    elif isinstance(default[0], list | tuple):
        shape = "rows"
    else:
        shape = "values"
    return JsonLinesField(
        shape=shape, keys=keys, key_labels=key_labels, label=capfirst(model_field.verbose_name),
        required=not model_field.blank, help_text=help_text if help_text is not None else _("One entry per line."),
    )  # fmt: skip
