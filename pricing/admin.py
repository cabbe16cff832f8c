from django.contrib import admin
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from core.admin_mixins import ReadOnlyHistoryAdmin, SupervisorEditsAdmin

from .models import Lifecycle, PriceBand, PriceClassRule, Product, ProductPrice


class ProductPriceInline(TabularInline):
    model = ProductPrice
    extra = 0
    ordering = ("-effective_from",)


@admin.register(Product)
class ProductAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = (
        "code", "name", "brand", "price_class", "price_band", "wholesale_price", "retail_price",
        "margin_per_carton", "lifecycle", "is_scarce",
    )  # fmt: skip
    list_filter = ("price_class", "price_band", "lifecycle", "is_scarce", "brand")
    search_fields = ("code", "name", "brand")
    readonly_fields = ("price_class", "price_band", "wholesale_price", "retail_price", "allocation_price")
    inlines = [ProductPriceInline]
    list_select_related = ("price_band",)

    def autocomplete_text(self, product) -> str:
        """A product in a search picker (core.admin_autocomplete): name, brand, code, price class and
        wholesale price, "长河(硬红) · 长河 · 编码 91000001 · 一类 · 批发价 260.00 元/条"; a new or withdrawn
        product says so."""
        return " · ".join(
            part for part in (
                product.name, product.brand, gettext("code %(code)s") % {"code": product.code},
                product.get_price_class_display(),
                gettext("wholesale %(price)s yuan a carton") % {
                    "price": number_format(product.wholesale_price, 2, force_grouping=True)},
                product.get_lifecycle_display() if product.lifecycle != Lifecycle.ACTIVE else "",
            ) if part
        )  # fmt: skip

    @admin.display(description=_("margin per carton (yuan)"))
    def margin_per_carton(self, product):
        return number_format(product.margin_per_carton, 2, force_grouping=True)


@admin.register(ProductPrice)
class ProductPriceAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("product", "effective_from", "wholesale_price", "retail_price", "allocation_price")
    list_filter = ("effective_from", "product__price_class")
    search_fields = ("product__code", "product__name")
    date_hierarchy = "effective_from"
    list_select_related = ("product",)


@admin.register(PriceClassRule)
class PriceClassRuleAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = ("price_class", "min_allocation_price", "min_wholesale_price")
    search_fields = ("price_class",)
    list_filter = ("price_class",)


@admin.register(PriceBand)
class PriceBandAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = ("label", "min_wholesale_price")
    search_fields = ("label",)
    list_filter = ("label",)
