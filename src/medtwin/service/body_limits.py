"""Request-size limits on every route: a body over its route's limit is refused with 413
naming the limit, before it is read whole.

A declared `Content-Length` over the limit is refused at once; a body sent without one
(chunked) is counted as it arrives and refused as soon as it passes the limit, so that
no client makes the server buffer more than the limit. WebSocket frames are limited by
the server (`medtwin serve` gives uvicorn `ws_max_size`) and, per message, by
`client_messages.MAX_MESSAGE_BYTES`.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_LIMIT_BYTES = 32 * 1024
"""Every JSON body but a new session's: the largest field is a 2,000-character note,
at most 24 kB even with every character escaped as a surrogate pair (12 bytes)."""
ROUTE_LIMITS_BYTES = {
    ("POST", "/api/sessions"): 256 * 1024,
    ("POST", "/api/twins"): 16 * 1024 * 1024,
    ("POST", "/api/twins/{id}/observations"): 1024 * 1024,
}
"""A new session: a patient's fields and up to 200 timed orders of 500 characters. A
new twin: a patient's FHIR record (Synthea bundles of decades of care run to several
megabytes). Observations: a Bundle of a few minutes of 1 Hz numerics (about a
kilobyte an Observation)."""


def body_limit_bytes(method: str, path: str) -> int:
    """The largest body `method path` accepts (`{id}` stands for any one path segment)."""
    parts = (path.rstrip("/") or "/").split("/")
    for (route_method, route), limit in ROUTE_LIMITS_BYTES.items():
        pattern = route.split("/")
        if (
            route_method == method
            and len(pattern) == len(parts)
            and all(want in ("{id}", part) for want, part in zip(pattern, parts, strict=True))
        ):
            return limit
    return DEFAULT_LIMIT_BYTES


def _too_large(size: str, limit: int, method: str, path: str) -> HTTPException:
    return HTTPException(
        413, f"body: {size} is over the limit of {limit} bytes for {method} {path}"
    )


class BodySizeLimit:
    """ASGI middleware refusing bodies over `body_limit_bytes` with 413."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        limit = body_limit_bytes(method, path)
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, receive, send, declared.decode("latin-1"), limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(f"more than {limit} bytes", limit, method, path)
            return message

        await self.app(scope, counting_receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, declared: str, limit: int) -> None:
    """A 413 (or 400 for a malformed length) without reading the body."""
    method, path = scope["method"], scope["path"]
    if declared.isdigit():
        detail = _too_large(f"{declared} bytes", limit, method, path).detail
        status = 413
    else:
        detail, status = f"Content-Length = {declared[:40]!r}: must be a number of bytes", 400
    response = JSONResponse({"detail": detail}, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)
