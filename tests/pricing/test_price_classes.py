from orders.engine.weekly import CLASS_COLUMNS
from pricing.engine.classes import PRICE_CLASSES
from pricing.models import PriceClass


def test_the_engine_knows_the_same_price_classes_as_the_model():
    # The pure engines read the class codes without Django; the model labels the same codes.
    assert [c.value for c in PriceClass] == list(PRICE_CLASSES) == ["I", "II", "III", "IV", "V"]
    assert list(CLASS_COLUMNS.values()) == [f"cartons_class_{c}" for c in ("i", "ii", "iii", "iv", "v")]
