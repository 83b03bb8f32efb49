"""Product endpoints."""

import requests
from fastapi import APIRouter, Depends, UploadFile
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.settings import settings
from app.infrastructure.db import get_db
from app.infrastructure.models import Product
from app.services.catalog import import_products_csv

router = APIRouter(prefix="/products", tags=["products"])


@router.get("/")
def list_products(page: int = 1, db: Session = Depends(get_db)):
    products = db.query(Product).all()
    start = (page - 1) * settings.PAGE_SIZE
    return products[start : start + settings.PAGE_SIZE]


@router.get("/search")
def search_products(q: str, db: Session = Depends(get_db)):
    rows = db.execute(text(f"SELECT id, name FROM products WHERE name LIKE '%{q}%'"))
    return [dict(r._mapping) for r in rows]


@router.post("/")
def create_product(name: str, price: float, db: Session = Depends(get_db)):
    product = Product(name=name, price=price)
    db.add(product)
    db.commit()
    print("created product", product.id)
    return {"id": product.id}


@router.post("/import")
async def import_products(file: UploadFile, db: Session = Depends(get_db)):
    content = await file.read()
    count = import_products_csv(db, content)
    return {"imported": count}


@router.get("/{product_id}/price-in")
async def price_in_currency(product_id: int, currency: str, db: Session = Depends(get_db)):
    product = db.get(Product, product_id)
    rate = requests.get(f"https://api.exchangerate.host/latest?base=EUR&symbols={currency}", timeout=5).json()
    return {"id": product.id, "price": float(product.price) * rate["rates"][currency]}
