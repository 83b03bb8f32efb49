import pytest

from app.domain.errors import OutOfStock
from app.domain.product import ProductStock


def test_reserve_decrements_stock():
    stock = ProductStock(product_id=1, quantity=5)
    stock.reserve(2)
    assert stock.quantity == 3


def test_reserve_more_than_available_fails():
    with pytest.raises(OutOfStock):
        ProductStock(product_id=1, quantity=1).reserve(2)
