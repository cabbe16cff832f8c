import datetime as dt

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter
from django.urls.converters import StringConverter

from . import views


class DateConverter(StringConverter):
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return dt.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DateConverter, "date")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<date:starts_on>/", views.cycle_detail, name="cycle"),
    path("prices/", views.prices, name="prices"),
    path("prices/tags/", views.tag_sheet, name="tag_sheet"),
    path("notices/", views.notices, name="notices"),
    path("tier/", views.tier, name="tier"),
    path("stock/", views.stock, name="stock"),
    path("profit/", views.profit, name="profit"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="portal/password_changed.html"),
        name="password_changed",
    ),
]
