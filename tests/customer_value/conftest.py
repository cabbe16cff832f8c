import pandas as pd
import pytest

from customer_value.engine.risk import REQUEST_COLUMNS
from customer_value.services import customer_value_nightly
from profitability.services import profit_figures_nightly
from tests.portal.conftest import city, manager1, manager2, other_shop, shop  # noqa: F401 - shared fixtures


@pytest.fixture
def signals(monkeypatch):
    """The request and survey signals as their apps hand them over (`request_signals`,
    `group_satisfaction`), from frames a test fills: none by default."""
    box = {
        "requests": pd.DataFrame(
            {c: pd.Series(dtype=float) for c in REQUEST_COLUMNS}, index=pd.Index([], name="retailer")
        ),
        "satisfaction": pd.DataFrame({"index": pd.Series(dtype=float), "wave_id": pd.Series(dtype="Int64")}),
    }
    monkeypatch.setattr("customer_value.selectors.request_signals", lambda *, retailer_ids, today: box["requests"])
    monkeypatch.setattr("customer_value.selectors.group_satisfaction", lambda *, retailer_ids: box["satisfaction"])
    return box


@pytest.fixture
def profits(city):  # noqa: F811
    return profit_figures_nightly(today=city)


@pytest.fixture
def values(city, profits, signals):  # noqa: F811
    """Tonight's segments and churn risk for the demo city (no requests, no survey answers)."""
    return customer_value_nightly(today=city)
