"""Authentication endpoints."""

import hashlib
from datetime import datetime

import jwt
from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy.orm import Session

from app.core.settings import settings
from app.infrastructure.db import get_db
from app.infrastructure.models import User

router = APIRouter(prefix="/auth", tags=["auth"])


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def get_current_user(token: str, db: Session = Depends(get_db)) -> User:
    payload = jwt.decode(token, settings.JWT_SECRET_KEY, algorithms=[settings.JWT_ALGORITHM])
    user = db.get(User, payload["sub"])
    if user is None:
        raise HTTPException(status_code=401, detail="invalid token")
    return user


@router.post("/login")
def login(email: str, password: str, response: Response, db: Session = Depends(get_db)):
    user = db.query(User).filter(User.email == email).first()
    if user is None or user.password_hash != hash_password(password):
        raise HTTPException(status_code=401, detail="invalid credentials")
    token = jwt.encode({"sub": user.id, "iat": datetime.utcnow().timestamp()}, settings.JWT_SECRET_KEY)
    response.set_cookie("access_token", token, httponly=True)  # the browser sends it back by itself
    return {"access_token": token}


@router.get("/me")
def me(user: User = Depends(get_current_user)):
    return {"id": user.id, "email": user.email}
