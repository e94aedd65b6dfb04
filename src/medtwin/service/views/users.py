"""`POST /api/users` (register) and `POST /api/login` (a bearer token)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request

from medtwin.service import auth, store
from medtwin.service.errors import ConflictError, UnauthorizedError
from medtwin.service.schemas import Credentials, TokenOut, UserOut
from medtwin.service.views.deps import Db

router = APIRouter(prefix="/api", tags=["users"])


@router.post("/users", status_code=201, response_model=UserOut)
async def register(body: Credentials, db: Db) -> UserOut:
    if store.find_user(db, body.username) is not None:
        raise ConflictError(f"username {body.username!r} is taken; choose another")
    password_hash = await asyncio.to_thread(auth.hash_password, body.password)
    store.add_user(db, body.username, password_hash)
    return UserOut(username=body.username)


@router.post("/login", response_model=TokenOut)
async def login(body: Credentials, db: Db, request: Request) -> TokenOut:
    user = store.find_user(db, body.username)
    stored = user.password_hash if user else auth.hash_password("not a real password")
    matches = await asyncio.to_thread(auth.verify_password, body.password, stored)
    if user is None or not matches:
        raise UnauthorizedError("username or password: wrong")
    token = auth.make_token(user.username, request.app.state.secret)
    return TokenOut(token=token, username=user.username)
