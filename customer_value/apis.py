"""Customer value over the API (v1): tonight's value, segment, visit frequency and churn risk with its
reasons of the caller's retailers (`/api/v1/customer-values/`; a manager: their own, a supervisor: all,
a retailer: refused), riskiest first, as the admin list. Never the points per signal: with the score
they would give the survey's part away."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.permissions import IsStaffRole
from core.api import IdFilter

from .engine.segments import Segment
from .models import CustomerValue
from .reasons import reasons
from .selectors import values_visible_to


class CustomerValueFilter(django_filters.FilterSet):
    segment = django_filters.ChoiceFilter(
        choices=[(s.name.lower(), s.name.lower()) for s in Segment], method="by_segment",
        help_text="keep, develop, grow or watch",
    )  # fmt: skip
    risk_min = django_filters.NumberFilter(field_name="risk", lookup_expr="gte", help_text="churn risk at least")
    manager = IdFilter(field_name="retailer__manager_id", help_text="customer manager id")
    retailer = IdFilter(field_name="retailer_id")

    class Meta:
        model = CustomerValue
        fields = ["segment", "risk_min", "manager", "retailer"]

    def by_segment(self, queryset, name, value):
        return queryset.filter(segment=int(Segment[value.upper()]))


class CustomerValueOutput(serializers.ModelSerializer):
    as_of = serializers.DateField(source="value_run.as_of", help_text="the night it was computed")
    customer_code = serializers.CharField(source="retailer.customer_code")
    shop = serializers.CharField(source="retailer.name")
    manager = serializers.IntegerField(source="retailer.manager_id", allow_null=True)
    tier = serializers.IntegerField(source="retailer.tier", allow_null=True)
    segment = serializers.SerializerMethodField(help_text="keep, develop, grow or watch")
    segment_label = serializers.CharField(source="get_segment_display", help_text="in the reader's language")
    reasons = serializers.SerializerMethodField(help_text="the churn risk's main reasons, in the reader's language")

    class Meta:
        model = CustomerValue
        fields = [
            "as_of", "retailer", "customer_code", "shop", "manager", "tier", "segment", "segment_label",
            "visit_weeks", "gross_profit", "cartons", "value", "value_per_carton", "value_percentile", "peer_count",
            "peer_median", "peer_gap", "gap_share", "trend", "risk", "reasons",
        ]  # fmt: skip

    def get_segment(self, row: CustomerValue) -> str:
        return Segment(row.segment).name.lower()

    def get_reasons(self, row: CustomerValue) -> list[str]:
        return reasons(row, row.value_run.policy)


@extend_schema(summary="Tonight's customer value and churn risk of the caller's retailers, riskiest first")
class CustomerValueListApi(generics.ListAPIView):
    permission_classes = [IsStaffRole]
    serializer_class = CustomerValueOutput
    filterset_class = CustomerValueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, built without a database
            return CustomerValue.objects.none()
        rows = values_visible_to(user=self.request.user)
        return rows.select_related("retailer", "value_run").order_by("-risk", "retailer__customer_code")
