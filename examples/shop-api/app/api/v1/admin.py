"""Admin endpoints."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.infrastructure.db import get_db
from app.infrastructure.models import User

router = APIRouter(prefix="/admin", tags=["admin"])


@router.delete("/users/{user_id}")
def delete_user(user_id: int, db: Session = Depends(get_db)):
    user = db.get(User, user_id)
    db.delete(user)
    db.commit()
    return {"deleted": user_id}


@router.get("/health")
def admin_health():
    return {"status": "ok", "scope": "admin"}
