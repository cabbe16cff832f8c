from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal import views as portal_views

admin.site.site_header = _("Retailer guidance service")
admin.site.site_title = _("Retailer guidance")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", portal_views.entry, name="entry"),
    path("m/inspections/", include("compliance.urls")),
    path("m/", include("portal.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("distribution.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
