"""A supply plan line's admin form in words (walker 13: 扩展维度 and 投放范围 read "[]", the tiers bare
numbers): the extension dimensions as checkboxes by their names, the scope as the areas the plan import
reads (东城区、南溪; 东城区（城网）、青山（农网）), the tiers as D30 … D1, the tag filter by the retailer flag
it selects. What is saved is what the engine reads (`allocation.engine.cells`): dimension codes in their
order, cells of codes and registry ids; a form saved unchanged leaves the line as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget, UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from core.display import tier_text
from core.imports.columns import normalise_label
from retailers import labels
from retailers.models import CountyBranch, MarketDepartment, Retailer
from retailers.vocabulary import TIER_MAX, TIER_MIN

from .engine.cells import DIMENSION_COLUMNS, TAG_COLUMNS
from .imports import guess_dimensions, plan_vocabulary
from .models import ExtensionDimension, ReleaseMethod, SupplyPlanLine, tag_words
from .plan_labels import ALIAS_SEPARATORS, parse_area

MAX_DIMENSIONS = 2  # docs/domain.md §4: tier × 1–2 extension dimensions
AREA_SEPARATOR = "、"
TIER_CHOICES = [(t, tier_text(t)) for t in range(TIER_MAX, TIER_MIN - 1, -1)]


def _retailer_field(dimension: str):
    return Retailer._meta.get_field(DIMENSION_COLUMNS[dimension].removesuffix("_id"))


def dimension_words(dimensions) -> str:
    """["county", "market_type"] → 区县局 + 市场类型; none → —."""
    names = dict(ExtensionDimension.choices)
    return " + ".join(str(names.get(d, d)) for d in dimensions or ()) or "—"


class ScopeWords:
    """The areas of a line's scope as the plan import writes and reads them (`plan_labels.parse_area`), in
    the reader's language too (城网 / Urban network); one set of registry look-ups per page."""

    def __init__(self):
        vocab: dict[str, Mapping[str, object]] = dict(plan_vocabulary())
        for dimension in DIMENSION_COLUMNS:
            field = _retailer_field(dimension)
            if field.choices:  # the labels shown in the reader's language read back too
                shown = {normalise_label(str(label)): code for code, label in field.flatchoices if code != ""}
                vocab[dimension] = {**shown, **vocab.get(dimension, {})}
        groups = Retailer.objects.exclude(integrity_group="").values_list("integrity_group", flat=True).distinct()
        vocab[ExtensionDimension.INTEGRITY_GROUP] = {normalise_label(g): g for g in groups}
        self.vocab = vocab
        self.branches = {
            pk: [short, labels.branch_short_name(name), name, *_aliases(aliases)]
            for pk, name, short, aliases in CountyBranch.objects.values_list("pk", "name", "short_name", "aliases")
        }
        self.departments = {
            pk: [name, *_aliases(aliases)]
            for pk, name, aliases in MarketDepartment.objects.values_list("pk", "name", "aliases")
        }

    def spellings(self, dimension: str, value) -> list[str]:
        """How a stored value may be written, the plainest first (a branch by its short name)."""
        if dimension == ExtensionDimension.COUNTY:
            found = self.branches.get(value, [])
        elif dimension == ExtensionDimension.MARKET_DEPARTMENT:
            found = self.departments.get(value, [])
        else:
            field = _retailer_field(dimension)
            shown = dict(field.flatchoices).get(value) if field.choices else None
            names = self.vocab.get(dimension, {})
            found = [str(shown)] if shown is not None else []
            found += [k for k, v in names.items() if v == value] if isinstance(names, dict) else []
        return [s for s in dict.fromkeys([*found, str(value)]) if s]

    def cell(self, cell: dict, dimensions: list[str]) -> str:
        """One cell as an area token the import reads back to the same cell: 南溪, 东城区（城网）."""
        keys = list(cell)
        options = [self.spellings(k, cell[k]) for k in keys]
        if keys == list(dimensions) and len(keys) in (1, 2):
            for combo in itertools.product(*options):
                token = combo[0] if len(combo) == 1 else f"{combo[0]}（{combo[1]}）"
                if parse_area(token, list(dimensions), self.vocab) == ([cell], []):
                    return token
        return " · ".join(o[0] for o in options)  # a cell of other dimensions: shown, kept unless edited

    def text(self, scope, dimensions) -> str:
        return AREA_SEPARATOR.join(self.cell(c, list(dimensions or ())) for c in scope or () if isinstance(c, dict))

    def parse(self, text: str, dimensions: list[str]) -> tuple[list[dict], list[str], list[str]]:
        """The cells an area text names, the dimensions they were read in (guessed as the import does when
        none is chosen) and the words not understood."""
        dims = list(dimensions) or guess_dimensions(text, self.vocab)
        cells, unknown = parse_area(text, dims, self.vocab)
        return cells, (dims if cells else list(dimensions)), unknown


def _aliases(text: str) -> list[str]:
    return [a for a in ALIAS_SEPARATORS.split(text or "") if a]


def scope_words(line: SupplyPlanLine, words: ScopeWords | None = None) -> str:
    """A line's scope for a reader: its areas, or the whole city."""
    return (words or ScopeWords()).text(line.scope, line.dimensions) or gettext("the whole city")


def _label(name: str):
    return capfirst(SupplyPlanLine._meta.get_field(name).verbose_name)


class SupplyPlanLineForm(forms.ModelForm):
    dimensions = forms.MultipleChoiceField(
        label=_label("dimensions"),
        choices=ExtensionDimension.choices,
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_(
            "Method B: the one or two dimensions the caps are set by besides the tier (档位+区县: 区县局). "
            "With two, the one higher in this list comes first."
        ),
    )
    scope = forms.CharField(
        label=_label("scope"),
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text=_(
            "The areas served, as the supply plan import reads them, separated by 、: with one dimension its "
            "values (东城区、南溪; 城网), with two the first with the second in brackets (东城区（城网）、青山（农网）). "
            "Empty = the whole city."
        ),
    )
    highest_tier = forms.TypedChoiceField(
        label=_label("highest_tier"), choices=TIER_CHOICES, coerce=int, widget=UnfoldAdminSelectWidget
    )
    lowest_tier = forms.TypedChoiceField(
        label=_label("lowest_tier"), choices=TIER_CHOICES, coerce=int, widget=UnfoldAdminSelectWidget
    )
    tag_filter = forms.ChoiceField(
        label=_label("tag_filter"),
        required=False,
        widget=UnfoldAdminSelectWidget,
        help_text=_("Only retailers with this flag are served."),
    )

    class Meta:
        model = SupplyPlanLine
        # every field but the area as written (`area_text`): what the scope box says when it is changed
        fields = (
            "cycle", "product", "target", "method", "dimensions", "scope", "highest_tier", "lowest_tier",
            "tag_filter", "biweekly_double", "allow_over", "remarks", "cell_ratios", "selected_retailers",
        )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_words = ScopeWords()
        line = self.instance
        self.scope_shown = self.scope_words.text(line.scope, line.dimensions) if line.pk else ""
        self.initial["scope"] = self.scope_shown
        if "scope" in self.fields:
            self.fields["scope"].widget.attrs["placeholder"] = gettext("the whole city")
        self.initial["dimensions"] = list(line.dimensions or []) if line.pk else []
        tags = [("", gettext("All retailers (no filter)")), *((code, tag_words(code)) for code in TAG_COLUMNS)]
        if line.tag_filter and line.tag_filter not in TAG_COLUMNS:  # kept as it is, never lost by a save
            tags.append((line.tag_filter, line.tag_filter))
        if "tag_filter" in self.fields:
            self.fields["tag_filter"].choices = tags

    def _before(self) -> tuple[list, list]:
        line = self.instance
        return (list(line.dimensions or []), list(line.scope or [])) if line.pk else ([], [])

    def clean_dimensions(self):
        chosen = self.cleaned_data.get("dimensions") or []
        before, _scope = self._before()
        if set(chosen) == set(before):
            return before  # as stored, in its order
        dims = [d for d in before if d in chosen] + [d for d in chosen if d not in before]
        if len(dims) > MAX_DIMENSIONS:
            raise forms.ValidationError(gettext("Choose at most two dimensions."))
        return dims

    def clean(self):
        data = super().clean()
        dims = data.get("dimensions")
        if dims is None or "scope" not in data:
            return data
        text = (data.get("scope") or "").strip()
        before_dims, before_scope = self._before()
        if dims == before_dims and text == self.scope_shown.strip():
            data["scope"] = before_scope  # unchanged: as stored
        elif len(text) > SupplyPlanLine._meta.get_field("area_text").max_length:
            self.add_error("scope", gettext("Write the areas in at most 300 characters."))
        else:
            cells, read_as, unknown = self.scope_words.parse(text, dims)
            if unknown and read_as:
                self.add_error(
                    "scope",
                    gettext("Not understood as %(dimensions)s: %(words)s")
                    % {"dimensions": dimension_words(read_as), "words": "、".join(unknown)},
                )
            elif unknown:
                self.add_error(
                    "scope",
                    gettext("Not understood: %(words)s. Choose the dimension the areas are named in.")
                    % {"words": "、".join(unknown)},
                )
            else:
                data["scope"] = cells
                data["dimensions"] = dims or (read_as if cells else [])  # as the import reads an area with no type
                self.instance.area_text = text
        if data.get("method") == ReleaseMethod.TIER_EXTENDED and not data.get("dimensions"):
            self.add_error("dimensions", gettext("Method B needs one or two dimensions."))
        return data
