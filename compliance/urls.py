from django.urls import path

from . import count_views, views

app_name = "inspections"
urlpatterns = [
    path("", views.retailers, name="retailers"),
    path("<int:retailer_pk>/", views.inspect, name="inspect"),
    path("<int:retailer_pk>/compliance/", views.compliance, name="compliance"),
    path("<int:retailer_pk>/tags/", views.tag_sheet, name="tag_sheet"),
    path("<int:retailer_pk>/count/", count_views.count_stock, name="count"),
]
