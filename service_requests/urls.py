from django.urls import path

from . import views

app_name = "service_requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/photo/", views.request_photo, name="photo"),
]
