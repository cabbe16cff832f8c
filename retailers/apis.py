"""Retailer API (v1): the caller sees only the retailers its role allows (404 otherwise)."""

import django_filters
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IsStaffRole

from .classification.selectors import tier_explanation
from .models import Retailer
from .selectors import retailers_visible_to


class TierExplanationOutput(serializers.Serializer):
    customer_code = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)
    raw_tier = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    parts = serializers.DictField(child=serializers.FloatField())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    quantity = serializers.IntegerField(allow_null=True)
    value_per_carton = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    cut_score = serializers.FloatField(allow_null=True)
    next_cut_score = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True)
    next_tier_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    next_tier_quantity = serializers.IntegerField(allow_null=True)
    window_start = serializers.DateField(allow_null=True)
    window_end = serializers.DateField(allow_null=True)
    national_type = serializers.CharField(allow_blank=True)


def tier_payload(retailer) -> dict:
    explanation = tier_explanation(retailer=retailer)
    data = {"customer_code": retailer.customer_code, "tier": retailer.tier, "parts": {}, "national_type": ""}
    if explanation is not None:
        data.update(
            {k: getattr(explanation, k) for k in TierExplanationOutput().fields if hasattr(explanation, k)},
            window_start=explanation.window[0],
            window_end=explanation.window[1],
        )
    return TierExplanationOutput(data).data


class RetailerTierApi(APIView):
    """Why a retailer has its tier: score parts, cut lines, the distance to the next tier."""

    @extend_schema(responses=TierExplanationOutput, operation_id="retailer_tier")
    def get(self, request, pk: int):
        return Response(tier_payload(get_object_or_404(retailers_visible_to(user=request.user), pk=pk)))


class RetailerFilter(django_filters.FilterSet):
    tier = django_filters.NumberFilter()
    tier_min = django_filters.NumberFilter(field_name="tier", lookup_expr="gte")
    tier_max = django_filters.NumberFilter(field_name="tier", lookup_expr="lte")
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
