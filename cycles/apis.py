"""Order cycles over the API (v1), for customer managers and supervisors, and `?cycle=` for every API."""

from rest_framework import exceptions, generics, serializers

from accounts.permissions import IsStaffRole

from .models import OrderCycle
from .selectors import cycle_by_label


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
    """An order cycle from `?cycle=`: its label YEAR-MONTH-WEEK (e.g. 2026-11-4) or its id."""
    if not value:
        return None
    if value.isdigit():
        found = OrderCycle.objects.filter(pk=int(value)).first()
    else:
        try:
            found = cycle_by_label(value)
        except ValueError as exc:
            raise exceptions.ValidationError({"cycle": [str(exc) + " or a cycle id"]}) from exc
    if found is None:
        raise exceptions.NotFound(f"no order cycle {value}")
    return found
