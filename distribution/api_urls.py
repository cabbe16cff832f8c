"""`/api/v1/`: every endpoint of the service's API, by area."""

from django.urls import path

from allocation import apis as allocation
from customer_value import apis as customer_value
from cycles import apis as cycles
from demand import apis as demand
from portal import apis as me
from retailers import apis as retailers
from service_requests import apis as service_requests
from surveys import apis as surveys
from tiers import apis as tiers

urlpatterns = [
    path("auth/token/", me.TokenApi.as_view(), name="api-token"),
    path("me/", me.MeApi.as_view(), name="api-me"),
    path("me/quotas/", me.MyQuotasApi.as_view(), name="api-me-quotas"),
    path("me/tier/", me.MyTierApi.as_view(), name="api-me-tier"),
    path("me/demand/", demand.MyDemandApi.as_view(), name="api-me-demand"),
    path("me/surveys/", surveys.MySurveyListApi.as_view(), name="api-me-surveys"),
    path("me/surveys/<int:wave_id>/", surveys.MySurveyApi.as_view(), name="api-me-survey"),
    path("retailers/", retailers.RetailerListApi.as_view(), name="api-retailers"),
    path("retailers/<int:pk>/", retailers.RetailerDetailApi.as_view(), name="api-retailer"),
    path("retailers/<int:pk>/tier/", tiers.RetailerTierApi.as_view(), name="retailer-tier"),
    path("cycles/", cycles.OrderCycleListApi.as_view(), name="api-cycles"),
    path("cycles/<int:pk>/", cycles.OrderCycleDetailApi.as_view(), name="api-cycle"),
    path("supply-plans/", allocation.SupplyPlanListApi.as_view(), name="api-supply-plans"),
    path("allocation-runs/", allocation.AllocationRunListApi.as_view(), name="api-allocation-runs"),
    path("allocation-runs/<int:pk>/report/", allocation.AllocationReportApi.as_view(), name="api-allocation-report"),
    path("quotas/", allocation.CycleQuotasApi.as_view(), name="api-quotas"),
    path("quota-exceptions/", allocation.QuotaExceptionListApi.as_view(), name="api-quota-exceptions"),
    path("requests/", service_requests.RequestListApi.as_view(), name="api-requests"),
    path("requests/figures/", service_requests.RequestFiguresApi.as_view(), name="api-request-figures"),
    path("requests/<int:pk>/", service_requests.RequestDetailApi.as_view(), name="api-request"),
    path("requests/<int:pk>/replies/", service_requests.RequestReplyApi.as_view(), name="api-request-replies"),
    path("requests/<int:pk>/rating/", service_requests.RequestRatingApi.as_view(), name="api-request-rating"),
    path("demand-reports/", demand.DemandReportListApi.as_view(), name="api-demand-reports"),
    path("survey-waves/", surveys.SurveyWaveListApi.as_view(), name="api-survey-waves"),
    path("survey-waves/<int:pk>/results/", surveys.SurveyWaveResultsApi.as_view(), name="api-survey-wave-results"),
    path("customer-values/", customer_value.CustomerValueListApi.as_view(), name="api-customer-values"),
]
