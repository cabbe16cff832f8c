from django.urls import path

from .apis import RetailerTierApi

urlpatterns = [
    path("retailers/<int:pk>/tier/", RetailerTierApi.as_view(), name="retailer-tier"),
]
