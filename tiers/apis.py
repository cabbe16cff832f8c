"""A retailer's tier over the API (v1): the caller sees only the retailers its role allows (404 otherwise)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from retailers.selectors import retailers_visible_to

from .selectors import tier_explanation


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
    returned_quantity = serializers.IntegerField(required=False)  # cartons returned in the window, not counted
    idle = serializers.BooleanField(required=False)  # bought nothing in the window: the lowest tier by score


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
