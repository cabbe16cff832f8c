"""Every warning the allocation engine can write, and every kind of cell, reads in Chinese on the
report and run pages (issue 19): no code, no English left."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from allocation.engine.cells import DIMENSION_COLUMNS
from allocation.reports import cell_text, warning_text
from tests.factories import BranchFactory, DepartmentFactory

ENGINE = Path(__file__).resolve().parents[2] / "allocation" / "engine"
PARAMS = {"band": "一类", "tier": 21, "cartons": 1234, "eligible": 56, "target": 2000, "most": 1500}


def _engine_codes() -> set[str]:
    codes = set()
    for source in ENGINE.glob("*.py"):
        codes |= set(re.findall(r'"code": *"([a-z_]+)"', source.read_text(encoding="utf-8")))
        codes |= set(re.findall(r'"code": *"([a-z_]+)" if', source.read_text(encoding="utf-8")))
        codes |= set(re.findall(r'else "([a-z_]+)"\}', source.read_text(encoding="utf-8")))
    return codes


def test_the_engine_writes_the_codes_we_know():
    assert {"empty_scope", "no_selected", "band_cut", "rotation", "not_searched"} <= _engine_codes()


@pytest.mark.parametrize("code", sorted(_engine_codes()))
def test_every_warning_reads_in_chinese_with_grouped_figures(code):
    warning = {"code": code, **PARAMS}
    with translation.override("zh-hans"):
        text = warning_text(warning)
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not re.search(r"[A-Za-z]{2,}", text), text  # no English word, no code (D21 is a tier)
    assert "1234" not in text
    assert "2000" not in text
    with translation.override("en"):
        assert not re.search(r"[\u4e00-\u9fff]", warning_text({"code": code, "tier": 21, "cartons": 1, "eligible": 1,
                                                                "target": 1, "most": 1, "band": "A"}))  # fmt: skip


def test_every_kind_of_cell_reads_in_words(db):
    department = DepartmentFactory(name="城关市场部")
    branch = BranchFactory(name="丹江口市烟草专卖局(营销部)")
    values = {
        "county": branch.pk, "market_department": department.pk, "market_type": "urban", "urban_rural_code": "111",
        "business_format": "Z", "trade_area": next(iter(dict(_choices("trade_area")))), "credit_rating": "A",
        "integrity_group": "诚信一组",
    }  # fmt: skip
    assert set(values) == set(DIMENSION_COLUMNS)  # a new dimension needs its words here too
    with translation.override("zh-hans"):
        text = cell_text(json.dumps(values))
        assert cell_text("") == cell_text("{}") == "全部范围"
    assert text.startswith("丹江口市烟草专卖局(营销部) · 城关市场部 · 城网")
    assert not re.search(r"[A-Za-z]{2,}|_", text), text


def _choices(field: str):
    from retailers.models import Retailer

    return Retailer._meta.get_field(field).flatchoices
