"""Requests and complaints (诉求, docs/domain.md §9): a retailer files one on its phone; it goes to its
customer manager's queue; the manager answers and resolves it; unanswered past the policy's time it is
escalated to the supervisors; the retailer follows up and rates the answer. Written only through
`service_requests.services` (each step audited)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.display import words
from retailers.models import Retailer

from .engine.workdays import parse_dates

RATING_MIN, RATING_MAX = 1, 5
TEXT_MAX = 2000


class Category(models.TextChoices):
    QUOTA = "quota", pgettext_lazy("request category", "Quota")
    PRICE = "price", pgettext_lazy("request category", "Price")
    PRODUCT = "product", pgettext_lazy("request category", "Product wanted")
    DELIVERY = "delivery", pgettext_lazy("request category", "Delivery")
    SERVICE = "service", pgettext_lazy("request category", "Service")
    OTHER = "other", pgettext_lazy("request category", "Other")


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "Awaiting an answer")
    ANSWERED = "answered", pgettext_lazy("request status", "Answered")
    RESOLVED = "resolved", pgettext_lazy("request status", "Resolved")


class AuthorRole(models.TextChoices):
    RETAILER = "retailer", _("Retailer")
    MANAGER = "manager", _("Customer manager")
    SUPERVISOR = "supervisor", _("Supervisor")


def _dates_field_check(value: str) -> None:
    _dates, bad = parse_dates(value)
    if bad:
        raise ValidationError(
            _("Not a date (write YYYY-MM-DD): %(pieces)s") % {"pieces": words(bad[:5])}, code="invalid"
        )


class RequestPolicy(models.Model):
    """How long a manager has to answer, and the company's working-day calendar. One row; every change kept."""

    answer_within_days = models.PositiveSmallIntegerField(
        _("working days to answer"), default=2, validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "A request not answered within this many working days is escalated to the supervisors; one "
            "resolved within them is resolved in time."
        ),
    )  # fmt: skip
    holidays = models.TextField(
        _("holidays"), blank=True, validators=[_dates_field_check],
        help_text=_("Weekdays off (public holidays), one date a line as YYYY-MM-DD: they are not working days."),
    )  # fmt: skip
    extra_workdays = models.TextField(
        _("weekend working days"), blank=True, validators=[_dates_field_check],
        help_text=_("Saturdays and Sundays worked in exchange for a holiday (调休), one date a line as YYYY-MM-DD."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request policy")
        verbose_name_plural = _("request policy")

    def __str__(self) -> str:
        return str(_("request policy"))


class ServiceRequest(models.Model):
    retailer = models.ForeignKey(
        Retailer, models.PROTECT, related_name="service_requests", verbose_name=_("retailer")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("customer manager"), help_text=_("The retailer's customer manager when it was filed."),
    )  # fmt: skip
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    text = models.TextField(_("request"), max_length=TEXT_MAX)
    photo = models.FileField(_("photo"), upload_to="requests/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    filed_at = models.DateTimeField(_("filed at"))
    due_at = models.DateTimeField(_("answer due by"))
    answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["retailer", "filed_at"], name="request_retailer_filed"),
            models.Index(fields=["status", "due_at"], name="request_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="request_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"


class RequestMessage(models.Model):
    """One message after the request itself: a manager's or supervisor's answer, or the retailer's reply."""

    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="messages", verbose_name=_("request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    role = models.CharField(_("from"), max_length=12, choices=AuthorRole.choices)
    text = models.TextField(_("message"), max_length=TEXT_MAX)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.at:%Y-%m-%d %H:%M}"
