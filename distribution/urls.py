from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.admin_autocomplete import ReadableAutocompleteJsonView
from portal import views as portal_views

admin.site.site_header = _("Retailer guidance service")
admin.site.site_title = _("Retailer guidance")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", portal_views.entry, name="entry"),
    path("m/inspections/", include("compliance.urls")),
    path("m/surveys/", include("surveys.urls")),
    path("m/demand/", include("demand.urls")),
    path("m/requests/", include("service_requests.urls")),
    path("m/", include("portal.urls")),
    # The admin's search pickers in words (core.admin_autocomplete), at the admin's own address and
    # under its URL name (cycles.admin orders a picker's cycles by it).
    path(
        "admin/autocomplete/",
        admin.site.admin_view(ReadableAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("distribution.api_urls")),
    # The schema and its docs need a login (SPECTACULAR_SETTINGS); the docs page sends a visitor to
    # the admin's login. Swagger UI's own script is a second request (no inline script: the CSP).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="schema"), login_url="admin:login"),
        name="api-docs",
    ),
    path("healthz", core_views.healthz, name="healthz"),
]

# Error answers in the reader's language: the API's JSON error body under /api/, else a short page in the
# phone frame's style (core.errors; templates/400.html … 500.html)
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
