"""Allocation API (v1) for customer managers and supervisors: supply plans, runs and their
reports, quotas per cycle and product, exceptions. Retailers use `/api/v1/me/…` instead."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStaffRole
from core import params
from core.api import IdFilter
from cycles.apis import cycle_from_param
from pricing.models import Product
from retailers.models import Retailer
from retailers.selectors import retailers_visible_to, scope_to_visible_retailers

from .models import AllocationRun, QuotaException, SupplyPlanLine
from .reports import report_rows
from .selectors import published_allocation_run, quotas_frame
from .services import QUOTA_MAX, quota_exception_set


class SupplyPlanFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id")
    product = django_filters.CharFilter(field_name="product__code")

    class Meta:
        model = SupplyPlanLine
        fields = ["cycle", "product", "method"]


class SupplyPlanLineOutput(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.label")
    product_code = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")

    class Meta:
        model = SupplyPlanLine
        fields = [
            "id", "cycle", "product_code", "product_name", "target", "method", "dimensions", "scope", "area_text",
            "highest_tier", "lowest_tier", "tag_filter", "biweekly_double", "allow_over", "remarks", "cell_ratios",
        ]  # fmt: skip


class SupplyPlanListApi(generics.ListAPIView):
    permission_classes = [IsStaffRole]
    serializer_class = SupplyPlanLineOutput
    filterset_class = SupplyPlanFilter
    queryset = SupplyPlanLine.objects.select_related("cycle", "product").order_by("-cycle__starts_on", "product__code")


class AllocationRunOutput(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.label")
    status = serializers.CharField(source="run.status")
    progress = serializers.IntegerField(source="run.progress")
    step = serializers.CharField(source="run.step_words")  # in the caller's language
    error = serializers.CharField(source="run.error_words")  # in the caller's language

    class Meta:
        model = AllocationRun
        fields = [
            "id",
            "cycle",
            "status",
            "progress",
            "step",
            "error",
            "is_complete",
            "is_published",
            "published_at",
            "created_at",
        ]


class AllocationRunListApi(generics.ListAPIView):
    permission_classes = [IsStaffRole]
    serializer_class = AllocationRunOutput
    filterset_fields = {"cycle": ["exact"], "is_published": ["exact"], "is_complete": ["exact"]}
    queryset = AllocationRun.objects.select_related("cycle", "run").order_by("-created_at", "-pk")


class AllocationReportApi(APIView):
    """The run report: one row per product and cell (target, released, error, caps D30…D1, eligible N30…N1, warnings)."""

    permission_classes = [IsStaffRole]

    @extend_schema(
        operation_id="allocation_report",
        parameters=[OpenApiParameter("product", str, description="only this product code")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        allocation_run = get_object_or_404(AllocationRun.objects.select_related("cycle"), pk=pk)
        rows = report_rows(allocation_run)
        product = request.query_params.get("product")
        return Response([r for r in rows if not product or r["product_code"] == product])


class CycleQuotaOutput(serializers.Serializer):
    retailer = serializers.IntegerField()
    customer_code = serializers.CharField()
    product_code = serializers.CharField()
    tier = serializers.IntegerField(help_text="the tier the run computed the quota with (as stored)")
    tier_now = serializers.IntegerField(allow_null=True, help_text="the retailer's tier in today's registry")
    cell = serializers.CharField()
    cap = serializers.IntegerField()
    quota = serializers.IntegerField()
    reasons = serializers.IntegerField(
        help_text="bitmask: 1 rotation, 2 credit, 4 ceiling, 8 vulnerable, 16 by demand, 32 selected, 64 exception"
    )


class CycleQuotasApi(generics.GenericAPIView):
    """Quotas of the caller's retailers in a cycle's published run (or `?run=`), one product at a time."""

    permission_classes = [IsStaffRole]
    serializer_class = CycleQuotaOutput

    @extend_schema(
        operation_id="cycle_quotas",
        parameters=[
            OpenApiParameter("cycle", str, required=True, description="YEAR-MONTH-WEEK or cycle id"),
            OpenApiParameter("product", str, required=True, description="product code"),
            OpenApiParameter("run", int, description="an unpublished run of the cycle (default: the published one)"),
        ],
    )
    def get(self, request):
        asked = params.required(request, cycle=_("order cycle"), product=_("product code"))  # both named if missing
        cycle, code = cycle_from_param(asked["cycle"]), asked["product"]
        product = Product.objects.filter(code=code).first()
        line = SupplyPlanLine.objects.filter(cycle=cycle, product=product).first() if product else None
        if line is None:
            raise NotFound(
                _("Product %(code)s is not in the supply plan of cycle %(cycle)s.")
                % {"code": code[:40], "cycle": cycle}
            )
        allocation_run_id = params.identifier(request, "run", label=_("allocation run number"))
        allocation_run = (
            AllocationRun.objects.filter(cycle=cycle, pk=allocation_run_id, is_complete=True).first()
            if allocation_run_id
            else published_allocation_run(cycle)
        )
        if allocation_run is None:
            raise NotFound(_("Cycle %(cycle)s has no published quotas.") % {"cycle": cycle})
        visible = (
            None
            if request.user.is_supervisor
            else list(retailers_visible_to(user=request.user).values_list("pk", flat=True))
        )
        frame = quotas_frame(
            allocation_run, visible, plan_line_ids=[line.pk]
        ).sort_values("retailer")
        known = {
            pk: (code, tier)
            for pk, code, tier in Retailer.objects.filter(pk__in=frame["retailer"].tolist()).values_list(
                "pk", "customer_code", "tier"
            )
        }
        rows = [
            {
                "retailer": int(r.retailer),
                "customer_code": known[r.retailer][0],
                "product_code": code,
                "tier": int(r.tier),
                "tier_now": known[r.retailer][1],
                "cell": r.cell,
                "cap": int(r.cap),
                "quota": int(r.quota),
                "reasons": int(r.reasons),
            }  # fmt: skip
            for r in frame.itertuples()
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CycleQuotaOutput(page, many=True).data)


class QuotaExceptionFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id")
    product = django_filters.CharFilter(field_name="product__code")
    retailer = IdFilter(field_name="retailer_id")

    class Meta:
        model = QuotaException
        fields = ["cycle", "product", "retailer"]


class QuotaExceptionOutput(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.label")
    product = serializers.CharField(source="product.code")
    approved_by = serializers.CharField(source="approved_by.username")

    class Meta:
        model = QuotaException
        fields = ["id", "cycle", "product", "retailer", "quota", "reason", "approved_by", "created_at"]


class QuotaExceptionInput(serializers.Serializer):
    cycle = serializers.CharField(help_text="YEAR-MONTH-WEEK or cycle id")
    product = serializers.CharField(help_text="product code")
    retailer = serializers.IntegerField()
    quota = serializers.IntegerField(min_value=0, max_value=QUOTA_MAX)  # cartons of one product (as the service)
    reason = serializers.CharField(allow_blank=False, trim_whitespace=True)


class QuotaExceptionListApi(generics.ListAPIView):
    """Exceptions on the caller's retailers; a supervisor creates one with a reason (audited)."""

    permission_classes = [IsStaffRole]
    serializer_class = QuotaExceptionOutput
    filterset_class = QuotaExceptionFilter

    def get_queryset(self):
        queryset = QuotaException.objects.select_related("cycle", "product", "approved_by").order_by("-created_at")
        return scope_to_visible_retailers(queryset, user=self.request.user)

    @extend_schema(
        request=QuotaExceptionInput, responses={201: QuotaExceptionOutput}, operation_id="quota_exception_create"
    )
    def post(self, request):
        if not request.user.is_supervisor:
            raise PermissionDenied(_("Only a supervisor approves quota exceptions."))
        data = QuotaExceptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = cycle_from_param(data.validated_data["cycle"])
        product = get_object_or_404(Product, code=data.validated_data["product"])
        retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=data.validated_data["retailer"])
        exception = quota_exception_set(
            cycle=cycle, product=product, retailer=retailer, quota=data.validated_data["quota"],
            reason=data.validated_data["reason"], approver=request.user,
        )  # fmt: skip
        return Response(QuotaExceptionOutput(exception).data, status=status.HTTP_201_CREATED)
