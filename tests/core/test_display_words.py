"""Lists and counted nouns as each language writes them (core.display)."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from core.display import CARTONS, POINTS, figure, plural_count, words


def test_a_list_reads_as_the_language_writes_one():
    with translation.override("zh-hans"):
        assert words(["长河(金)", "云峰(精品)", "黄山"]) == "长河(金)、云峰(精品)、黄山"
    with translation.override("en"):
        assert words(["Changhe", "Yunfeng", "Huangshan"]) == "Changhe, Yunfeng, Huangshan"
        assert words([]) == ""
        assert Template("{% load display %}{{ names|words }}").render(Context({"names": ["a", "b"]})) == "a, b"


def test_a_counted_noun_takes_its_plural_form():
    assert [plural_count(v) for v in (1, 1.0, Decimal("1.00"), "1", 2, 0.5, 1.5, "1,234", None)] == [
        1, 1, 1, 1, 2, 0, 0, 0, 0,
    ]  # fmt: skip
    with translation.override("en"):
        assert figure(1, CARTONS) == "1 carton"
        assert figure(1234, CARTONS) == "1,234 cartons"
        assert figure(0.5, CARTONS) == "0.5 cartons"
        assert figure(1, POINTS) == "1 point"
    with translation.override("zh-hans"):
        assert figure(1234, CARTONS) == "1,234 条"
        assert figure(1, POINTS) == "1 分"


def test_a_list_in_a_sentence_ends_with_and():
    from core.display import words_and

    with translation.override("en"):
        assert words_and(["value per carton", "purchase amount"]) == "value per carton and purchase amount"
        assert words_and(["a", "b", "c"]) == "a, b and c"
        assert words_and(["a"]) == "a"
    with translation.override("zh-hans"):
        assert words_and(["单条值", "购进金额", "购进条数"]) == "单条值、购进金额和购进条数"
