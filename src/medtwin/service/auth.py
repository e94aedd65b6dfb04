"""Passwords and tokens: scrypt hashes with a per-user salt, HMAC-SHA256 bearer tokens.

A token is `base64url(username|expiry) . base64url(hmac)`, signed with the service's key
(`medtwin.service.keys`: environment or key file, never the database), so tokens survive
restarts. The
dependency `current_user` accepts `Authorization: Bearer <token>` and gives the
username.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from medtwin.service.db import User
from medtwin.service.errors import UnauthorizedError
from medtwin.service.store import token_version

ACCESS_LIFETIME_S = 15 * 60
"""Access tokens authorise requests for a quarter hour; refresh tokens renew them."""
REFRESH_LIFETIME_S = 12 * 3600
LIFETIMES_S = {"access": ACCESS_LIFETIME_S, "refresh": REFRESH_LIFETIME_S}
REFRESH_ADVICE = {"access": "renew it with POST /api/refresh", "refresh": "log in again"}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """`scrypt$<salt hex>$<hash hex>` of `password` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored`, compared in constant time."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return hmac.compare_digest(digest, expected)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _unb64(text: str) -> bytes:
    """Decode unpadded base64url, refusing (ValueError) any other spelling of the same
    bytes: the decoder skips characters outside the alphabet, so without this check a
    token with extra characters would still be accepted."""
    if not _BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:
        raise ValueError("not the canonical base64url spelling")
    return data


@dataclass(frozen=True)
class Claims:
    """What a valid token says: its kind, its user, and the user's token generation."""

    kind: str
    username: str
    version: int


def make_token(
    username: str,
    secret: bytes,
    version: int = 0,
    kind: str = "access",
    lifetime_s: float | None = None,
) -> str:
    """A signed `kind` token (access or refresh) for `username` at token generation
    `version`, valid for `lifetime_s` (by default the kind's lifetime)."""
    lifetime_s = LIFETIMES_S[kind] if lifetime_s is None else lifetime_s
    payload = f"{kind}|{username}|{version}|{int(time.time() + lifetime_s)}".encode()
    signature = hmac.new(secret, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


def read_token(token: str, secret: bytes, now: float | None = None) -> Claims:
    """The claims of a valid token; `UnauthorizedError` if forged, malformed or expired."""
    try:
        payload_text, signature_text = token.split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except ValueError:
        raise UnauthorizedError("token: malformed; log in again to get a new one") from None
    expected = hmac.new(secret, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise UnauthorizedError("token: invalid signature; log in again to get a new one")
    kind, username, version, expiry = (payload.decode(errors="replace").split("|") + [""] * 4)[:4]
    if kind not in LIFETIMES_S or not version.isdigit():
        raise UnauthorizedError("token: malformed; log in again to get a new one")
    if not expiry.isdigit() or int(expiry) < (time.time() if now is None else now):
        raise UnauthorizedError(f"token: expired; {REFRESH_ADVICE[kind]}")
    return Claims(kind, username, int(version))


def get_db(request: Request):
    """A database session for one request."""
    with request.app.state.sessionmaker() as db:
        yield db


def authenticate(token: str | None, db: Session, secret: bytes, kind: str = "access") -> str:
    """The existing user a valid, unrevoked `kind` token names."""
    if not token:
        raise UnauthorizedError("Authorization: missing; send 'Authorization: Bearer <token>'")
    claims = read_token(token, secret)
    if claims.kind != kind:
        raise UnauthorizedError(f"token: a {claims.kind} token, where a {kind} token is needed")
    if db.scalar(select(User.id).where(User.username == claims.username)) is None:
        raise UnauthorizedError(f"token: user {claims.username!r} no longer exists")
    if claims.version != token_version(db, claims.username):
        raise UnauthorizedError("token: revoked (logged out); log in again")
    return claims.username


def current_user(request: Request, db: Session = Depends(get_db)) -> str:  # noqa: B008
    """FastAPI dependency: the username of the request's bearer token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if header and scheme.lower() != "bearer":
        raise UnauthorizedError("Authorization: must be 'Bearer <token>'")
    return authenticate(token.strip() or None, db, request.app.state.secret)
