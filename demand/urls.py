from django.urls import path

from . import views

app_name = "demand"
urlpatterns = [
    path("", views.report, name="report"),
]
