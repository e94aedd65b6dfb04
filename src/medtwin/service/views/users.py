"""Accounts: register, log in (access and refresh tokens), refresh, log out."""

from __future__ import annotations

import asyncio
import functools

from fastapi import APIRouter, Request

from medtwin.service import auth, store
from medtwin.service.errors import ConflictError, UnauthorizedError
from medtwin.service.passwords import check_password
from medtwin.service.schemas import Credentials, RefreshIn, TokenOut, UserOut
from medtwin.service.sessions import release
from medtwin.service.views.deps import Db, User, client_address

router = APIRouter(prefix="/api", tags=["users"])


@router.post("/users", status_code=201, response_model=UserOut)
async def register(body: Credentials, db: Db) -> UserOut:
    check_password(body.password, body.username)
    if store.find_user(db, body.username) is not None:
        raise ConflictError(f"username {body.username!r} is taken; choose another")
    release(db)  # not held while the hash is made
    password_hash = await asyncio.to_thread(auth.hash_password, body.password)
    store.add_user(db, body.username, password_hash)
    return UserOut(username=body.username)


@functools.cache
def _unknown_user_hash() -> str:
    """A hash to check an unknown user's password against, so that they are refused in
    the time a wrong password takes; made once (a scrypt hash on the event loop held up
    every session for its 0.05 s at each unknown login)."""
    return auth.hash_password("not a real password")


@router.post("/login", response_model=TokenOut)
async def login(body: Credentials, db: Db, request: Request) -> TokenOut:
    limiter = request.app.state.login_limiter
    keys = (f"client:{client_address(request)}", f"account:{body.username.casefold()}")
    limiter.check("login", *keys)
    user = store.find_user(db, body.username)
    release(db)  # not held while the password is checked
    stored = user.password_hash if user else await asyncio.to_thread(_unknown_user_hash)
    matches = await asyncio.to_thread(auth.verify_password, body.password, stored)
    if user is None or not matches:
        limiter.failed(*keys)
        raise UnauthorizedError("username or password: wrong")
    limiter.succeeded(keys[1])
    return _tokens(db, user.username, request.app.state.secret)


@router.post("/refresh", response_model=TokenOut)
async def refresh(body: RefreshIn, db: Db, request: Request) -> TokenOut:
    """A new access token (and refresh token) for a valid, unrevoked refresh token."""
    secret = request.app.state.secret
    username = auth.authenticate(body.refresh_token, db, secret, kind="refresh")
    return _tokens(db, username, secret)


@router.post("/logout", status_code=204)
async def logout(db: Db, user: User) -> None:
    """Revoke every access and refresh token of the caller (every device)."""
    store.revoke_tokens(db, user)


def _tokens(db, username: str, secret: bytes) -> TokenOut:
    version = store.token_version(db, username)
    return TokenOut(
        token=auth.make_token(username, secret, version, "access"),
        refresh_token=auth.make_token(username, secret, version, "refresh"),
        username=username,
        expires_in_s=auth.ACCESS_LIFETIME_S,
    )
