from tests.portal.conftest import city, manager1, manager2, other_shop, shop  # noqa: F401 - shared fixtures
