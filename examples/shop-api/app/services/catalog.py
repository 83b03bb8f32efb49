"""Catalog use cases."""

import csv
import io

from sqlalchemy.orm import Session

from app.infrastructure.models import Product
from app.services.metrics import metrics


def import_products_csv(db: Session, content: bytes) -> int:
    """Parse a CSV upload and create the products it lists."""
    reader = csv.DictReader(io.StringIO(content.decode()))
    count = 0
    for row in reader:
        db.add(Product(name=row["name"], price=float(row["price"]), stock=int(row["stock"])))
        count += 1
    db.commit()
    metrics.increment("products.imported", count)
    return count
