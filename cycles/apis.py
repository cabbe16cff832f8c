"""Order cycles over the API (v1), for customer managers and supervisors, and `?cycle=` for every API."""

import re

from django.utils.translation import gettext as _
from rest_framework import exceptions, generics, serializers

from accounts.permissions import IsStaffRole

from .models import OrderCycle
from .selectors import CYCLE_LABEL, cycle_by_label

ID = re.compile(r"[1-9][0-9]{0,17}")  # an id below 10**18 (a bigint); ASCII digits only


class OrderCycleOutput(serializers.ModelSerializer):
    class Meta:
        model = OrderCycle
        fields = [
            "id",
            "label",
            "year",
            "month",
            "week_seq",
            "starts_on",
            "ends_on",
            "order_opens_on",
            "order_closes_on",
            "status",
        ]


class OrderCycleListApi(generics.ListAPIView):
    permission_classes = [IsStaffRole]
    serializer_class = OrderCycleOutput
    filterset_fields = {"status": ["exact"], "year": ["exact"], "month": ["exact"], "starts_on": ["gte", "lte"]}
    queryset = OrderCycle.objects.order_by("-starts_on")


class OrderCycleDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsStaffRole]
    serializer_class = OrderCycleOutput
    queryset = OrderCycle.objects.all()


def cycle_from_param(value: str | None):
    """An order cycle from `?cycle=` (or a body's `cycle`): its label YEAR-MONTH-WEEK (e.g. 2026-11-4)
    or its id; anything else is a 400 naming `cycle`, a cycle that does not exist a 404."""
    value = (value or "").strip()
    if not value:
        return None
    label = CYCLE_LABEL.fullmatch(value)
    if ID.fullmatch(value):
        found = OrderCycle.objects.filter(pk=int(value)).first()
    elif label and 1 <= int(label[2]) <= 12 and int(label[3]) >= 1:
        found = cycle_by_label(value)
    else:
        raise exceptions.ValidationError(
            {"cycle": [_("Name the order cycle as year-month-week, such as 2026-11-4, or by its id, not “%(value)s”.")
                       % {"value": value[:40]}]}
        )
    if found is None:
        raise exceptions.NotFound(_("There is no order cycle %(value)s.") % {"value": value[:40]})
    return found
