from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.retailers, name="retailers"),
    path("<int:retailer_pk>/", views.inspect, name="inspect"),
    path("<int:retailer_pk>/compliance/", views.compliance, name="compliance"),
    path("<int:retailer_pk>/tags/", views.tag_sheet, name="tag_sheet"),
]
