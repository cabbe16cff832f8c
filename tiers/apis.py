"""A retailer's tier over the API (v1): the caller sees only the retailers its role allows (404 otherwise)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from retailers.selectors import retailers_visible_to

from .selectors import HeldBy, TierSource, tier_explanation


class TierOverrideOutput(serializers.Serializer):
    """A supervisor's override after the last re-rating; `approver` (the supervisor's name) for staff only."""

    at = serializers.DateTimeField()
    old_tier = serializers.IntegerField(allow_null=True)
    new_tier = serializers.IntegerField()
    reason = serializers.CharField()
    approver = serializers.CharField(required=False)


class TierExplanationOutput(serializers.Serializer):
    customer_code = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)  # the tier the retailer has now
    # what set it: the last published re-rating, a supervisor's override after it, or the
    # company's records (an import) after it; cut scores and gap are always those of `tier`
    source = serializers.ChoiceField(
        choices=[TierSource.RERATING, TierSource.OVERRIDE, TierSource.RECORDS], required=False
    )
    override = TierOverrideOutput(allow_null=True, required=False)
    rerated_tier = serializers.IntegerField(allow_null=True, required=False)  # the re-rating's tier
    # why the re-rating's tier is not the score's: the move limit or "upgrades at least downgrades"
    held_by = serializers.ChoiceField(choices=["", HeldBy.MOVE_LIMIT, HeldBy.UPGRADES], required=False)
    published_at = serializers.DateTimeField(allow_null=True, required=False)  # of that re-rating
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


def tier_payload(retailer, *, viewer=None) -> dict:
    """The explanation as the API gives it; the approver's name only to a staff `viewer` (a
    retailer reads that the company set its tier, and why)."""
    explanation = tier_explanation(retailer=retailer)
    data = {"customer_code": retailer.customer_code, "tier": retailer.tier, "parts": {}, "national_type": ""}
    if explanation is not None:
        fields = TierExplanationOutput().fields
        data.update(
            {k: getattr(explanation, k) for k in fields if hasattr(explanation, k) and k != "override"},
            window_start=explanation.window[0] if explanation.window else None,
            window_end=explanation.window[1] if explanation.window else None,
        )
        note = explanation.override
        if note is not None:
            data["override"] = {
                "at": note.at,
                "old_tier": note.old_tier,
                "new_tier": note.new_tier,
                "reason": note.reason,
            }
            if viewer is not None and viewer.is_staff:
                data["override"]["approver"] = note.approver
        else:
            data["override"] = None
    return TierExplanationOutput(data).data


class RetailerTierApi(APIView):
    """Why a retailer has its tier: score parts, cut lines, the distance to the next tier."""

    @extend_schema(responses=TierExplanationOutput, operation_id="retailer_tier")
    def get(self, request, pk: int):
        retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=pk)
        return Response(tier_payload(retailer, viewer=request.user))
