import pytest
from django.core.management import call_command
from django.utils import translation

from allocation.models import SupplyPlanLine
from core.exceptions import InvalidInput
from core.imports.base import import_table
from core.imports.reading import read_table
from retailers.models import CountyBranch

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(samples):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))


def test_sample_plan_with_messy_areas_and_spellings(samples, registry, capsys):
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    lines = {line.product.code: line for line in SupplyPlanLine.objects.select_related("product", "cycle")}
    assert len(lines) == 13
    assert lines["91000001"].cycle.label == "2026-11-4"
    assert (lines["91000001"].method, lines["91000001"].lowest_tier, lines["91000001"].scope) == ("A", 5, [])
    assert lines["91000002"].method == "A"  # 按档位统一投放
    assert lines["91000004"].method == "B"  # 按档位拓展投放
    branch = {b.short_name: b.pk for b in CountyBranch.objects.all()}
    assert lines["91000003"].scope == [{"county": branch["东城"]}, {"county": branch["南溪"]}]  # 东城区，南溪
    assert [c["urban_rural_code"] for c in lines["91000005"].scope] == ["111", "112", "121", "122"]  # -- and . and ，
    assert [c["business_format"] for c in lines["91000006"].scope] == ["S", "Y", "Z"]
    assert lines["91000007"].scope == [
        {"county": branch["东城"], "market_type": "urban"},
        {"county": branch["青山"], "market_type": "rural"},
        {"county": branch["西岭"], "market_type": "urban"},
    ]
    assert lines["91000008"].tag_filter == "pos_supplier"
    assert lines["91000012"].biweekly_double is True  # 两周一访上浮100%
    assert lines["91000009"].method == "C"
    assert lines["91000013"].target == 0
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "13 rows: 0 created, 0 updated, 13 unchanged"


def test_unknown_area_and_method_are_named_and_nothing_written(samples, registry):
    frame = read_table(samples / "supply_plan.xlsx")
    frame.loc[4, "DELIVERY_AREA"] = "东城区，火星"
    frame.loc[5, "DELIVERY_METHOD"] = "随便投放"
    frame.loc[6, "DELIVERY_ETYPE"] = "档位+星座"
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="supply_plan", frame=frame)
    with translation.override("en"):  # the reasons below in English
        found = {(e.row, e.column, e.value, str(e.reason)) for e in caught.value.errors}
    assert (4, "DELIVERY_AREA", "火星", "unknown area for 档位+区县") in found
    assert (5, "DELIVERY_METHOD", "随便投放", "unknown release method") in found
    assert any(e.row == 6 and e.column == "DELIVERY_ETYPE" for e in caught.value.errors)
    assert not SupplyPlanLine.objects.exists()


def test_sample_plan_on_sample_customers_every_tier_line_allocated_or_explained(samples, registry):
    from allocation.run_steps import allocation_compute
    from cycles.models import OrderCycle

    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    for cycle in OrderCycle.objects.filter(supply_plan__isnull=False).distinct():
        lines, results, _bands, _registry = allocation_compute(cycle=cycle)
        for result in results:
            line = lines[result.line_id]
            if line.method not in ("A", "B"):
                continue
            cells = result.cells
            released = sum(c.released for c in cells)
            assert released <= line.target, line.product.code
            if released == 0:  # e.g. the 0-carton line 91000013: a named reason, never silence
                assert any(c.warnings for c in cells), line.product.code
            else:
                assert all((c.caps[1:] >= c.caps[:-1]).all() for c in cells)
            if line.target > 100:
                assert released >= 0.95 * line.target, (line.product.code, released, line.target)


def test_branches_by_any_unique_prefix_short_name_or_alias(samples, registry):
    """Marketing-system exports write county branches short ("丹江" for 丹江口市烟草专卖局(营销部))."""
    danjiang = CountyBranch.objects.create(name="丹江口市烟草专卖局(营销部)", short_name="丹江口")
    wudang = CountyBranch.objects.create(name="武当山特区烟草专卖局", short_name="武当山", aliases="武当, 特区")
    frame = read_table(samples / "supply_plan.xlsx")
    frame.loc[4, "DELIVERY_AREA"] = "丹江，武当"  # a prefix of the name, an alias
    frame.loc[8, "DELIVERY_AREA"] = "丹江（城网）、特区（农网）"
    import_table(kind="supply_plan", frame=frame)
    assert SupplyPlanLine.objects.get(product__code="91000003").scope == [
        {"county": danjiang.pk},
        {"county": wudang.pk},
    ]
    assert SupplyPlanLine.objects.get(product__code="91000007").scope == [
        {"county": danjiang.pk, "market_type": "urban"},
        {"county": wudang.pk, "market_type": "rural"},
    ]


def test_an_ambiguous_prefix_is_a_named_error(samples, registry):
    CountyBranch.objects.create(name="丹江口市烟草专卖局(营销部)", short_name="丹江口")
    CountyBranch.objects.create(name="丹凤县烟草专卖局", short_name="丹凤")
    frame = read_table(samples / "supply_plan.xlsx")
    frame.loc[4, "DELIVERY_AREA"] = "丹"
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="supply_plan", frame=frame)
    (error,) = [e for e in caught.value.errors if e.row == 4]
    assert error.column == "DELIVERY_AREA"
    assert "丹江口市烟草专卖局(营销部)" in error.reason
    assert "丹凤县烟草专卖局" in error.reason
    assert not SupplyPlanLine.objects.exists()


@pytest.mark.parametrize("value", ["D99", "D3O", "第三十一档", "D0", "三十档半"])
def test_an_invalid_tier_is_a_row_error_never_a_default(samples, registry, value):
    frame = read_table(samples / "supply_plan.xlsx")
    frame.loc[2, "HIGHEST_GRADE"] = value
    frame.loc[3, "LOWEST_GRADE"] = value
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="supply_plan", frame=frame)
    found = {(e.row, e.column, e.value) for e in caught.value.errors}
    assert (2, "HIGHEST_GRADE", value) in found
    assert (3, "LOWEST_GRADE", value) in found
    assert not SupplyPlanLine.objects.exists()
