"""Every admin list can be narrowed: filters or search on every list people work through (issue 19).
The exceptions are named: one-row policies and the scheduler's own small tables."""

from django.contrib import admin

ONE_ROW_OR_LIBRARY = {
    "allocation.AllocationPolicy", "compliance.CompliancePolicy", "service_requests.RequestPolicy",
    "django_celery_beat.ClockedSchedule", "django_celery_beat.CrontabSchedule",
    "django_celery_beat.IntervalSchedule", "django_celery_beat.SolarSchedule", "auth.Group",
    "retailers.CountyBranch",
}  # fmt: skip


def _has_filters(model_admin) -> bool:
    overridden = type(model_admin).get_list_filter is not admin.ModelAdmin.get_list_filter
    return bool(model_admin.list_filter) or overridden or bool(model_admin.date_hierarchy)


def test_every_list_has_filters_or_search():
    missing = [
        f"{model._meta.label}: {'no filters' if not _has_filters(model_admin) else 'no search'}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.label not in ONE_ROW_OR_LIBRARY
        and not (_has_filters(model_admin) and (model_admin.search_fields or model_admin.date_hierarchy))
    ]
    assert missing == []
