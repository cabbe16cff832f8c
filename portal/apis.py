"""The retailer's own data over the API (`/api/v1/me/…`) and token login for apps."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import CachedTokenAuthentication
from accounts.permissions import IsRetailer
from accounts.throttling import LoginAttemptsApi
from allocation.quota_sheets import published_allocation_run_id
from cycles.apis import cycle_from_param
from tiers.apis import TierExplanationOutput, tier_payload

from . import selectors


class TokenApi(LoginAttemptsApi, ObtainAuthToken):
    """License number (`username`) + password → an API token. Failures count towards the lock-out;
    attempts towards the client address's login budget (`accounts.throttling`)."""

    @extend_schema(
        operation_id="auth_token",
        request=inline_serializer(
            "TokenInput", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeOutput(serializers.Serializer):
    customer_code = serializers.CharField()
    license_no = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.IntegerField(allow_null=True)
    order_cycle_kind = serializers.CharField()
    order_weekday = serializers.IntegerField(allow_null=True)


class MeApi(APIView):
    permission_classes = [IsRetailer]

    @extend_schema(responses=MeOutput, operation_id="me")
    def get(self, request):
        return Response(MeOutput(_retailer(request)).data)


class QuotaOutput(serializers.Serializer):
    product_code = serializers.CharField(source="product.code")
    product_name = serializers.CharField(source="product.name")
    price_band = serializers.CharField(source="product.price_band.label", default=None)
    wholesale_price = serializers.DecimalField(source="product.wholesale_price", max_digits=10, decimal_places=2)
    retail_price = serializers.DecimalField(source="product.retail_price", max_digits=10, decimal_places=2)
    margin_per_carton = serializers.DecimalField(source="margin", max_digits=10, decimal_places=2)
    quota = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class MyQuotasOutput(serializers.Serializer):
    cycle = serializers.CharField(source="cycle.label")
    starts_on = serializers.DateField(source="cycle.starts_on")
    status = serializers.CharField(source="cycle.status")
    published = serializers.BooleanField()
    cartons = serializers.IntegerField()
    tier = serializers.IntegerField(
        allow_null=True, help_text="the tier the published quotas were computed with (as stored by the run)"
    )
    tier_now = serializers.IntegerField(allow_null=True, help_text="the shop's tier in today's registry")
    tier_note = serializers.CharField(help_text="when the two differ, says so in the caller's language; else empty")
    quotas = QuotaOutput(many=True)


class QuotaSheetTokenAuthentication(CachedTokenAuthentication):
    """Token authentication that reads the token's user and its cached quota sheet in one round trip."""

    def prefetch_keys(self, request, token: str) -> list[str]:
        if request.query_params.get("cycle"):
            return []
        return selectors.sheet_prefetch_keys(token, timezone.localdate(), ("api",))


class QuotaSheetTokenScheme(OpenApiAuthenticationExtension):
    """The same `Authorization: Token …` header as everywhere; named apart because OpenAPI
    components must not share a name across classes."""

    target_class = QuotaSheetTokenAuthentication
    name = "retailerTokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=self.target.keyword)


class MyQuotasApi(APIView):
    """This retailer's quotas in a cycle, with prices, margin and reasons. By default the cycle its
    phone's home page shows: the published one it orders next, else today's."""

    permission_classes = [IsRetailer]
    authentication_classes = [SessionAuthentication, QuotaSheetTokenAuthentication]

    @extend_schema(
        operation_id="me_quotas",
        parameters=[OpenApiParameter(
                "cycle", str,
                description="YEAR-MONTH-WEEK (e.g. 2026-11-4) or cycle id; default: the published cycle "
                "the shop orders next, else today's",
            ),],
        responses=MyQuotasOutput,
    )
    def get(self, request):
        token = request.auth if isinstance(request.auth, str) else None
        today = timezone.localdate()
        named = cycle_from_param(request.query_params.get("cycle"))
        visit = selectors.portal_visit(
            request.user, today, kinds=() if named else ("api",), token=token,
            prefetched=None if named else getattr(request, "prefetched", None),
        )  # fmt: skip
        if named:
            if visit.retailer is None:
                raise NotFound(_("This login has no shop."))
            cycle, allocation_id = named, published_allocation_run_id(named)
        else:
            default = selectors.default_cycle(visit=visit, today=today)
            if default is None:
                raise NotFound(_("This login has no shop."))
            cycle, allocation_id = default
        if cycle is None:
            raise NotFound(_("No order cycle is planned."))

        def payload(sheet) -> bytes:
            data = {
                "cycle": cycle, "published": sheet.published, "cartons": sheet.cartons,
                "tier": sheet.tier.used if sheet.tier else None, "tier_now": sheet.tier.now if sheet.tier else None,
                "tier_note": sheet.tier_words, "quotas": [line for group in sheet.groups for line in group.lines],
            }  # fmt: skip
            return json.dumps(
                MyQuotasOutput(data).data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
            ).encode()

        # The JSON is cached as bytes and sent as it is: every phone asks, and re-rendering the same
        # payload was a third of a warm request.
        body = selectors.cached_sheet("api", visit=visit, cycle=cycle, allocation_id=allocation_id, build=payload)
        return HttpResponse(body, content_type="application/json")


class MyTierApi(APIView):
    """This retailer's tier and why: score parts, cut lines, the distance to the next tier."""

    permission_classes = [IsRetailer]

    @extend_schema(responses=TierExplanationOutput, operation_id="me_tier")
    def get(self, request):
        return Response(tier_payload(_retailer(request)))


def _retailer(request):
    retailer = selectors.retailer_of(request.user)
    if retailer is None:
        raise NotFound(_("This login has no shop."))
    return retailer
