"""Retailer API (v1): the caller sees only the retailers its role allows (404 otherwise)."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, generics, serializers

from accounts.permissions import IsStaffRole
from core.api import WholeNumberFilter

from .models import Retailer
from .selectors import retailers_visible_to


class RetailerFilter(django_filters.FilterSet):
    tier = WholeNumberFilter(max_value=30)
    tier_min = WholeNumberFilter(field_name="tier", lookup_expr="gte", max_value=30)
    tier_max = WholeNumberFilter(field_name="tier", lookup_expr="lte", max_value=30)
    manager = django_filters.CharFilter(field_name="manager__username")

    class Meta:
        model = Retailer
        fields = [
            "tier", "branch", "department", "business_format", "market_type", "status", "credit_rating",
            "order_cycle_kind", "is_vulnerable", "manager",
        ]  # fmt: skip


class RetailerOutput(serializers.ModelSerializer):
    branch = serializers.CharField(source="branch.name")
    department = serializers.CharField(source="department.name", default=None)
    manager = serializers.CharField(source="manager.username", default=None)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Retailer
        fields = [
            "id", "customer_code", "license_no", "name", "owner_name", "phone", "address", "branch", "department",
            "manager", "business_format", "market_type", "urban_rural_code", "tier", "order_cycle_kind",
            "order_weekday", "order_week_parity", "credit_rating", "is_vulnerable", "status", "has_login",
        ]  # fmt: skip

    def get_has_login(self, retailer) -> bool:
        return retailer.user_id is not None


class RetailerListApi(generics.ListAPIView):
    """The retailers the caller may see (a manager: theirs; a supervisor: all), filtered and searched."""

    permission_classes = [IsStaffRole]
    serializer_class = RetailerOutput
    filterset_class = RetailerFilter
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["customer_code", "license_no", "name", "owner_name", "phone"]
    ordering_fields = ["customer_code", "tier", "name"]
    ordering = ["customer_code"]

    def get_queryset(self):
        return retailers_visible_to(user=self.request.user).select_related("branch", "department", "manager")


class RetailerDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsStaffRole]
    serializer_class = RetailerOutput

    def get_queryset(self):
        return retailers_visible_to(user=self.request.user).select_related("branch", "department", "manager")
