"""The admin's search pickers (autocomplete) in words a person tells apart (issue 19).

Django's `AutocompleteJsonView` labels each result with the model's `__str__` (a retailer as its code
and name: two shops called 便利店 look alike). `ReadableAutocompleteJsonView` asks the admin of the
model searched for an `autocomplete_text(obj)` first (a retailer: name, licence, tier, area, manager).
The results stay what that admin's `get_queryset` and `get_search_results` give the user: a customer
manager finds only their own retailers. `distribution/urls.py` serves it at the admin's own
autocomplete address, so every autocomplete field uses it.

The form's own admin may narrow the choices of one of its fields (`autocomplete_choices`).

`AutocompleteTextAdmin` labels the chosen value the same way when a form shows it again."""

from __future__ import annotations

from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class ReadableAutocompleteJsonView(AutocompleteJsonView):
    def get_queryset(self):
        """What the searched model's admin gives, narrowed by the form's own admin where it says so
        (`autocomplete_choices(request, field_name, queryset)`, e.g. no withdrawn product for a new
        quota exception)."""
        queryset = super().get_queryset()
        source = self.admin_site._registry.get(self.source_field.model)
        narrow = getattr(source, "autocomplete_choices", None)
        return narrow(self.request, self.source_field.name, queryset) if narrow is not None else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        text = getattr(self.model_admin, "autocomplete_text", None)
        if text is not None:
            result["text"] = text(obj)
        return result


class AutocompleteTextAdmin:
    """A form's autocomplete fields show their chosen value by the target admin's `autocomplete_text`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in self.get_autocomplete_fields(request):
            target = self.admin_site._registry.get(db_field.remote_field.model)
            text = getattr(target, "autocomplete_text", None)
            if text is not None:
                field.label_from_instance = text
        return field
