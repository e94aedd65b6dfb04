"""`POST /api/users` (register) and `POST /api/login` (a bearer token)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request

from medtwin.service import auth, store
from medtwin.service.errors import ConflictError, UnauthorizedError
from medtwin.service.passwords import check_password
from medtwin.service.schemas import Credentials, TokenOut, UserOut
from medtwin.service.views.deps import Db, client_address

router = APIRouter(prefix="/api", tags=["users"])


@router.post("/users", status_code=201, response_model=UserOut)
async def register(body: Credentials, db: Db) -> UserOut:
    check_password(body.password, body.username)
    if store.find_user(db, body.username) is not None:
        raise ConflictError(f"username {body.username!r} is taken; choose another")
    password_hash = await asyncio.to_thread(auth.hash_password, body.password)
    store.add_user(db, body.username, password_hash)
    return UserOut(username=body.username)


@router.post("/login", response_model=TokenOut)
async def login(body: Credentials, db: Db, request: Request) -> TokenOut:
    limiter = request.app.state.login_limiter
    keys = (f"client:{client_address(request)}", f"account:{body.username.casefold()}")
    limiter.check("login", *keys)
    user = store.find_user(db, body.username)
    stored = user.password_hash if user else auth.hash_password("not a real password")
    matches = await asyncio.to_thread(auth.verify_password, body.password, stored)
    if user is None or not matches:
        limiter.failed(*keys)
        raise UnauthorizedError("username or password: wrong")
    limiter.succeeded(keys[1])
    token = auth.make_token(user.username, request.app.state.secret)
    return TokenOut(token=token, username=user.username)
