"""The column parsers every import shares: a value that is not what the column holds is a named
error on its row, never silently blank or a default."""

import pandas as pd
from django.utils import translation

from core.imports.columns import tier


def test_tier_reads_every_spelling_and_names_every_bad_value():
    col = pd.Series(["D5", "D99", "", None, "三十档", "30.0", "D3O", "第十二档", "7", "D0", float("nan")])
    values, errors = tier(col)
    assert values.tolist() == [5, pd.NA, pd.NA, pd.NA, 30, 30, pd.NA, 12, 7, pd.NA, pd.NA]
    bad = [i for i, e in errors.items() if not pd.isna(e)]
    assert bad == [1, 6, 9]  # D99, D3O, D0: errors; blanks are simply missing
    with translation.override("en"):
        assert str(errors[1]) == "not a tier (一档…三十档 or D1…D30)"
    with translation.override("zh-hans"):  # the reason reads in the reader's language
        assert str(errors[1]) == "不是档位（一档…三十档 或 D1…D30）"


def test_decimal_names_a_number_too_large_for_the_field_instead_of_failing():
    # Prices are max_digits 10, 2 places: below 10⁸. 1e400, 27 digits, 1E+30 and forty 9s were a 500
    # (quantizing them raised InvalidOperation); 99,999,999.99 is the largest that fits.
    from decimal import Decimal

    from core.imports.columns import decimal

    col = pd.Series(["1e400", "1" + "0" * 26, "1E+30", "9" * 40, "99999999.99", "100000000", "12.5"])
    values, errors = decimal(2, positive=True)(col)
    bad = [i for i, e in errors.items() if not pd.isna(e)]
    assert bad == [0, 1, 2, 3, 5]
    assert values[4] == Decimal("99999999.99")
    assert values[6] == Decimal("12.5")
    with translation.override("zh-hans"):
        assert str(errors[0]) == "数值过大（须小于 100,000,000）"
