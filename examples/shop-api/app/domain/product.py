"""Product aggregate: stock rules."""

from dataclasses import dataclass

from app.domain.errors import OutOfStock


@dataclass
class ProductStock:
    product_id: int
    quantity: int

    def reserve(self, amount: int) -> None:
        if amount <= 0:
            raise ValueError("amount must be positive")
        if amount > self.quantity:
            raise OutOfStock()
        self.quantity -= amount

    def restock(self, amount: int) -> None:
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.quantity += amount
