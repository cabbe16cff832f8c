from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceRequestsConfig(AppConfig):
    name = "service_requests"
    verbose_name = _("Requests")

    def ready(self) -> None:
        from core.audit_words import RETAILER, SYSTEM, Records, audit_actors_register, audit_objects_register

        def request_words(request) -> str:  # #12 价格咨询 · 城关便利店
            return f"#{request.pk} {request.get_category_display()} · {request.retailer.name or request.retailer.license_no}"

        audit_objects_register(
            "service_request", Records("service_requests.ServiceRequest", request_words, select_related=("retailer",))
        )
        # filed, followed up and rated by the retailer's own login (an entry the demo wrote names no one)
        audit_actors_register("request.file", "request.follow_up", "request.rate", actor=RETAILER)
        audit_actors_register("request.escalate", actor=SYSTEM)  # the nightly escalation
