"""Requests over the API (`/api/v1/requests/`): a retailer files, follows up and rates its own; a
customer manager answers and resolves their retailers' (a supervisor: any); figures for staff. Every
object is looked up among the caller's visible requests (404 otherwise), and every write goes through
`service_requests.services`, which checks who acts again."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import IsRetailer, IsStaffRole
from core import params
from core.exceptions import AccessDenied

from .models import RATING_MAX, RATING_MIN, TEXT_MAX, Category, ServiceRequest, Status
from .selectors import LEVELS, overdue_q, request_figures, request_visible_to, requests_visible_to
from .services import RequestInvalid, request_answer, request_file, request_follow_up, request_rate


class RequestFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("overdue"))

    class Meta:
        model = ServiceRequest
        fields = ["status", "category", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q(timezone.now())) if value else queryset.exclude(overdue_q(timezone.now()))


class MessageOutput(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    text = serializers.CharField()
    at = serializers.DateTimeField()


class RequestOutput(serializers.ModelSerializer):
    retailer_code = serializers.CharField(source="retailer.customer_code")
    retailer_name = serializers.CharField(source="retailer.name")
    category_label = serializers.CharField(source="get_category_display")
    # plain text in the schema: "status" enums of other endpoints have other values
    status = serializers.CharField(help_text="open (awaiting an answer), answered or resolved")
    status_label = serializers.CharField(source="get_status_display")
    overdue = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id", "retailer", "retailer_code", "retailer_name", "category", "category_label", "status",
            "status_label", "text", "photo_url", "filed_at", "due_at", "answered_at", "resolved_at", "escalated_at",
            "overdue", "rating", "rated_at",
        ]  # fmt: skip

    def get_overdue(self, obj) -> bool:
        return obj.status != Status.RESOLVED and obj.due_at <= timezone.now()

    def get_photo_url(self, obj) -> str | None:
        return reverse("service_requests:photo", args=[obj.pk]) if obj.photo else None


class RequestDetailOutput(RequestOutput):
    messages = MessageOutput(many=True)

    class Meta(RequestOutput.Meta):
        fields = [*RequestOutput.Meta.fields, "messages"]


class RequestFileInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, label=gettext_lazy("category"))
    text = serializers.CharField(max_length=TEXT_MAX, label=gettext_lazy("Your request"))
    photo = serializers.FileField(required=False, help_text="JPEG, PNG or WebP, at most 8 MB")


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, default="", label=gettext_lazy("Your reply"))
    resolve = serializers.BooleanField(
        default=False,
        label=gettext_lazy("Resolve the request"),
        help_text="staff only: resolve the request with this answer",
    )


class RatingInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX)


class FigureRowOutput(serializers.Serializer):
    label = serializers.CharField()
    requests = serializers.IntegerField()
    answered = serializers.IntegerField()
    median_response_hours = serializers.FloatField(allow_null=True)
    median_response_days = serializers.FloatField(allow_null=True)
    resolved = serializers.IntegerField()
    resolved_share = serializers.FloatField(allow_null=True)
    judged = serializers.IntegerField()
    in_time = serializers.IntegerField()
    in_time_share = serializers.FloatField(allow_null=True)
    open_overdue = serializers.IntegerField()
    rated = serializers.IntegerField()
    mean_rating = serializers.FloatField(allow_null=True)


class FiguresOutput(serializers.Serializer):
    level = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = FigureRowOutput(many=True)
    total = FigureRowOutput(allow_null=True)


def _refused(exc: RequestInvalid) -> ValidationError:
    return ValidationError(exc.errors)


def _visible(request, pk: int) -> ServiceRequest:
    found = request_visible_to(user=request.user, pk=pk)
    if found is None:
        raise NotFound(_("No such request."))
    return found


class RequestListApi(generics.ListAPIView):
    """GET: the caller's visible requests (a retailer: its own; a manager: their retailers'; a
    supervisor: all), newest first. POST: a retailer files one (multipart for a photo)."""

    serializer_class = RequestOutput
    filterset_class = RequestFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsRetailer()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return requests_visible_to(user=self.request.user).select_related("retailer").order_by("-filed_at", "-pk")

    @extend_schema(request=RequestFileInput, responses={201: RequestDetailOutput}, operation_id="request_file")
    def post(self, request):
        data = RequestFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            filed = request_file(user=request.user, **data.validated_data)
        except RequestInvalid as exc:
            raise _refused(exc) from exc
        return Response(RequestDetailOutput(filed).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    @extend_schema(responses=RequestDetailOutput, operation_id="request_detail")
    def get(self, request, pk: int):
        return Response(RequestDetailOutput(_visible(request, pk)).data)


class RequestReplyApi(APIView):
    """A message on the request: a retailer's reply on its own request, or the answer of its customer
    manager or a supervisor (`resolve` resolves it; staff only)."""

    @extend_schema(request=ReplyInput, responses={201: RequestDetailOutput}, operation_id="request_reply")
    def post(self, request, pk: int):
        found = _visible(request, pk)
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        text, resolve = data.validated_data["text"], data.validated_data["resolve"]
        user = request.user
        try:
            if user.role == Role.RETAILER:
                if resolve:
                    raise PermissionDenied(_("Only the customer manager or a supervisor resolves a request."))
                found = request_follow_up(user=user, service_request=found, text=text)
            else:
                found = request_answer(actor=user, service_request=found, text=text, resolve=resolve)
        except RequestInvalid as exc:
            raise _refused(exc) from exc
        except AccessDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(RequestDetailOutput(found).data, status=status.HTTP_201_CREATED)


class RequestRatingApi(APIView):
    permission_classes = [IsRetailer]

    @extend_schema(request=RatingInput, responses=RequestDetailOutput, operation_id="request_rate")
    def post(self, request, pk: int):
        found = _visible(request, pk)
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            found = request_rate(user=request.user, service_request=found, rating=data.validated_data["rating"])
        except RequestInvalid as exc:
            raise _refused(exc) from exc
        except AccessDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(RequestDetailOutput(found).data)


class RequestFiguresApi(APIView):
    """Count, median response time (working hours and days), share resolved in time and mean rating of
    the requests filed from `start` to `end` (default: the 90 days to today) by manager, department or branch."""

    permission_classes = [IsStaffRole]

    @extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(LEVELS), description="default manager"),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses=FiguresOutput,
        operation_id="request_figures",
    )
    def get(self, request):
        level = params.choice(request, "level", LEVELS, label=_("Grouping"), default="manager")
        end = params.date(request, "end", label=_("End date"), default=timezone.localdate())
        start = params.date(request, "start", label=_("Start date"), default=end - dt.timedelta(days=89))
        if start > end:
            raise params.BadParameter("start", _("The start date is after the end date."))
        return Response(FiguresOutput(request_figures(user=request.user, level=level, start=start, end=end)).data)
