from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from core.audit_words import Records, audit_objects_register

        def run_words(allocation_run) -> str:  # #3（2026-11-4 周期）, beside its kind: 投放计算
            return gettext("#%(number)s (cycle %(cycle)s)") % {
                "number": allocation_run.pk, "cycle": allocation_run.cycle.label,
            }  # fmt: skip

        audit_objects_register(
            "allocation_run", Records("allocation.AllocationRun", run_words, select_related=("cycle",))
        )
