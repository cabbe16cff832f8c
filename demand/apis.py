"""Demand reports over the API (v1): a retailer reads and sets its own (`/api/v1/me/demand/`); customer
managers and supervisors list their retailers' (`/api/v1/demand-reports/`)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsRetailer, IsStaffRole
from core.api import IdFilter
from cycles.apis import cycle_from_param
from pricing.models import Product
from retailers.models import Retailer

from .models import MAX_CARTONS, DemandReport
from .selectors import demand_reports_visible_to, demand_window, open_demand_cycles, retailer_demand_lines
from .services import closed_message, demand_report_save


class DemandLineOutput(serializers.Serializer):
    product_code = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    suggested = serializers.IntegerField(allow_null=True, help_text="cartons from recent orders (the form's start)")
    reported = serializers.IntegerField(allow_null=True, help_text="cartons reported; null = no report")


class MyDemandOutput(serializers.Serializer):
    cycle = serializers.CharField(source="window.cycle.label")
    is_open = serializers.BooleanField(source="window.is_open")
    closed_because = serializers.CharField(
        source="window.closed_because", help_text="'' open; allocation, status or ordering"
    )
    message = serializers.CharField(help_text="why it is closed, in the reader's language ('' when open)")
    last_day = serializers.DateField(source="window.last_day", help_text="the latest day it stays open")
    lines = DemandLineOutput(many=True)


class DemandLineInput(serializers.Serializer):
    product_code = serializers.CharField(max_length=32)
    cartons = serializers.IntegerField(
        min_value=0, max_value=MAX_CARTONS, allow_null=True, help_text="null withdraws the product's report"
    )


class MyDemandInput(serializers.Serializer):
    cycle = serializers.CharField(required=False, help_text="YEAR-MONTH-WEEK or id; default: the first open cycle")
    lines = DemandLineInput(many=True, allow_empty=False, label=gettext_lazy("Products reported"))


def _retailer(request) -> Retailer:
    retailer = Retailer.objects.filter(user=request.user).first()
    if retailer is None:
        raise NotFound(_("This login has no shop."))
    return retailer


def _cycle(value: str | None):
    cycle = cycle_from_param(value)
    if cycle is None:
        cycles = open_demand_cycles(today=timezone.localdate())
        if not cycles:
            raise NotFound(_("No cycle takes demand reports now."))
        cycle = cycles[0]
    return cycle


def _payload(retailer: Retailer, cycle) -> dict:
    window = demand_window(cycle=cycle, today=timezone.localdate())
    data = {
        "window": window, "message": "" if window.is_open else closed_message(window),
        "lines": retailer_demand_lines(retailer=retailer, cycle=cycle),
    }  # fmt: skip
    return MyDemandOutput(data).data


class MyDemandApi(APIView):
    """This retailer's demand report for a cycle (default: the first cycle open for reports): every product
    on sale with the cartons suggested from its recent orders and the cartons it reported."""

    permission_classes = [IsRetailer]

    @extend_schema(
        operation_id="me_demand",
        parameters=[OpenApiParameter("cycle", str, description="YEAR-MONTH-WEEK (e.g. 2026-11-4) or cycle id")],
        responses=MyDemandOutput,
    )
    def get(self, request):
        retailer = _retailer(request)
        return Response(_payload(retailer, _cycle(request.query_params.get("cycle"))))

    @extend_schema(operation_id="me_demand_set", request=MyDemandInput, responses=MyDemandOutput)
    def post(self, request):
        """Report (or change, or with null withdraw) the cartons wanted of the products named; others stay."""
        retailer = _retailer(request)
        given = MyDemandInput(data=request.data)
        given.is_valid(raise_exception=True)
        cycle = _cycle(given.validated_data.get("cycle"))
        lines = given.validated_data["lines"]
        codes = [line["product_code"] for line in lines]
        if len(set(codes)) < len(codes):
            raise ValidationError({"lines": [_("Name each product once.")]})
        ids = dict(Product.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [c for c in codes if c not in ids]
        if unknown:
            raise ValidationError({"lines": [_("No such product: %(ids)s.") % {"ids": ", ".join(unknown)}]})
        demand_report_save(
            retailer=retailer, cycle=cycle, cartons={ids[line["product_code"]]: line["cartons"] for line in lines},
            actor=request.user,
        )  # fmt: skip
        return Response(_payload(retailer, cycle))


class DemandReportFilter(django_filters.FilterSet):
    cycle = django_filters.CharFilter(method="by_cycle", help_text="YEAR-MONTH-WEEK or id")
    retailer = IdFilter(field_name="retailer_id")
    product = django_filters.CharFilter(field_name="product__code")

    class Meta:
        model = DemandReport
        fields = ["cycle", "retailer", "product"]

    def by_cycle(self, queryset, name, value):
        return queryset.filter(cycle=cycle_from_param(value))


class DemandReportOutput(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.label")
    customer_code = serializers.CharField(source="retailer.customer_code")
    product_code = serializers.CharField(source="product.code")

    class Meta:
        model = DemandReport
        fields = ["id", "cycle", "retailer", "customer_code", "product_code", "cartons", "suggested", "updated_at"]


class DemandReportListApi(generics.ListAPIView):
    """Demand reports of the caller's retailers (a supervisor: all)."""

    permission_classes = [IsStaffRole]
    serializer_class = DemandReportOutput
    filterset_class = DemandReportFilter

    def get_queryset(self):
        return demand_reports_visible_to(user=self.request.user).order_by(
            "-cycle__starts_on", "retailer_id", "product__code"
        )
