"""Order cycles over the API (v1), for customer managers and supervisors."""

from rest_framework import generics, serializers

from core.api import IsStaffRole

from .models import OrderCycle


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
