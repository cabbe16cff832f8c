"""Closed vocabularies of the retailer registry (docs/domain.md §2).

Stored values are short stable codes; labels are translated display values
(the Chinese labels of the marketing system's exports in zh-hans).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessFormat(models.TextChoices):
    CONVENIENCE = "Z", _("Convenience store")
    GROCERY = "B", _("Grocery")
    SUPERMARKET = "S", _("Supermarket")
    MALL = "N", _("Shopping mall")
    TOBACCO_SHOP = "Y", _("Tobacco and liquor shop")
    ENTERTAINMENT = "F", _("Entertainment and services")
    OTHER = "Q", _("Other")


class MarketType(models.TextChoices):
    URBAN = "urban", _("Urban network")
    RURAL = "rural", _("Rural network")


class UrbanRuralCode(models.TextChoices):
    CITY_CORE = "111", _("Main urban area")
    URBAN_FRINGE = "112", _("Urban-rural fringe")
    TOWN_CENTRE = "121", _("Town centre")
    TOWN_FRINGE = "122", _("Town-rural fringe")
    SPECIAL = "123", _("Special area")
    TOWNSHIP_CENTRE = "210", _("Township centre")
    VILLAGE = "220", _("Village")


class TradeArea(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    MARKET = "market", _("Market")
    INDUSTRIAL = "industrial", _("Industrial")
    ENTERTAINMENT = "entertainment", _("Commerce and entertainment")
    OFFICE = "office", _("Office")
    TOURIST = "tourist", _("Tourist site")
    TRANSPORT = "transport", _("Transport hub")
    SCHOOL = "school", _("School district")
    OTHER = "other", _("Other")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class OrderCycleKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Biweekly")
    NOT_SERVED = "not_served", _("Not served")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class RetailerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


TIER_MIN = 1
TIER_MAX = 30
