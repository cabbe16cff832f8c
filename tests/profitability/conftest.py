import pytest

from profitability.services import profit_figures_nightly
from tests.portal.conftest import city, manager1, manager2, other_shop, shop  # noqa: F401 - shared fixtures


@pytest.fixture
def profits(city):  # noqa: F811
    """Tonight's profitability figures for the demo city."""
    return profit_figures_nightly(today=city)
