"""`/ws/sessions/{id}`: the live stream of one session, and its client messages.

The client's first message carries its token (`{"type": "auth", "token": ...}`): tokens
never travel in URLs, which servers and proxies write to their logs.

The sender drains the client's outbox; the receiver reads the client's messages. A
refused connection gets one `error` message and a close code 4000 + the HTTP status
(4429: its user opened streams too fast, `Quotas.stream_connects_per_min`). Every
refusal, and every stream closed for flooding, counts against the client's address
(`limits.stream_refusal_limiter`); an address over that limit is refused at the
handshake with HTTP 429, a second late (`_deny_slowly`), before anything is read.
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from medtwin.service import auth, sessions
from medtwin.service.client_messages import parse_auth_message
from medtwin.service.errors import (
    NotFoundError,
    ServiceError,
    TooManyRequestsError,
    UnauthorizedError,
    one_line,
)
from medtwin.service.messages import (
    OVERFLOW_CLOSE_CODE,
    REFUSED_CLOSE_BASE,
    ErrorMessage,
    to_text,
)
from medtwin.service.outbox import Outbox
from medtwin.service.views.deps import MAX_SESSION_ID, client_address

router = APIRouter(tags=["stream"])
AUTH_TIMEOUT_S = 10.0
HANDSHAKE_DELAY_S = 1.0
MAX_HELD_HANDSHAKES = 64


@router.websocket("/ws/sessions/{session_id}")
async def stream(websocket: WebSocket, session_id: int) -> None:
    app = websocket.app
    manager, open_streams = app.state.manager, app.state.open_streams
    refused = f"stream:{client_address(websocket)}"
    try:
        app.state.stream_refusals.check("streams from this address", refused)
    except TooManyRequestsError as error:
        await _deny_slowly(app, websocket, error)
        return
    await websocket.accept()
    try:
        token = await _first_message_token(websocket)
        if not 1 <= session_id <= MAX_SESSION_ID:
            raise NotFoundError(f"session {session_id}: no such session")
        with app.state.sessionmaker() as db:
            username = auth.authenticate(token, db, app.state.secret)
            _check_connect(app, username)
            app.state.quotas.check_new_stream(username, open_streams[username])
            live, subscriber = sessions.subscribe(db, manager, session_id, username)
    except ServiceError as error:
        app.state.stream_refusals.failed(refused)
        await websocket.send_text(to_text(ErrorMessage(detail=error.detail)))
        await websocket.close(code=REFUSED_CLOSE_BASE + error.status, reason=error.detail[:120])
        return
    open_streams[username] += 1
    sender = asyncio.create_task(_send(websocket, subscriber.outbox))
    allowance = app.state.quotas.stream_bucket(manager.settings.clock.now)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if not allowance.take():
                app.state.stream_refusals.failed(refused)
                await _close_flooding(websocket, subscriber.outbox, app.state.quotas)
                break
            reply = await _handle(app, session_id, username, message)
            if reply is not None:
                subscriber.outbox.put_message(to_text(reply))
    except WebSocketDisconnect:
        pass
    finally:
        open_streams[username] -= 1
        if live is not None:
            live.unsubscribe(subscriber)
        subscriber.outbox.close()
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


async def _deny_slowly(app, websocket: WebSocket, error: TooManyRequestsError) -> None:
    """Refuse the handshake itself (HTTP 429 with Retry-After), after HANDSHAKE_DELAY_S:
    nothing is accepted, read or looked up for an address that keeps being refused, and
    a client that retries at once, ignoring Retry-After, gets one answer a second per
    connection instead of hundreds (refusing 410 a second at once took half a core,
    benchmarks/service_load.py). At most MAX_HELD_HANDSHAKES wait at once (each holds a
    socket); beyond them a refusal is at once."""
    if app.state.held_handshakes < MAX_HELD_HANDSHAKES:
        app.state.held_handshakes += 1
        try:
            await app.state.manager.settings.clock.sleep(HANDSHAKE_DELAY_S)
        finally:
            app.state.held_handshakes -= 1
    headers = {"Retry-After": str(error.retry_after_s)}
    response = JSONResponse({"detail": error.detail}, status_code=error.status, headers=headers)
    await websocket.send_denial_response(response)


def _check_connect(app, username: str) -> None:
    """Refuse (429) a stream its user opened too soon after others."""
    allowances = app.state.stream_connects
    if username not in allowances:
        allowances[username] = app.state.quotas.connect_bucket(app.state.manager.settings.clock.now)
    app.state.quotas.check_stream_connect(username, allowances[username])


async def _close_flooding(websocket: WebSocket, outbox: Outbox, quotas) -> None:
    """Tell a client over its message rate why, and close its stream (1008)."""
    detail = (f"message: more than {quotas.stream_message_burst} messages at once or "
              f"{quotas.stream_messages_per_s:g} per second; the stream is closed")  # fmt: skip
    outbox.close()
    with contextlib.suppress(Exception):
        await websocket.send_text(to_text(ErrorMessage(detail=detail)))
        await websocket.close(code=OVERFLOW_CLOSE_CODE, reason="too many messages")


async def _first_message_token(websocket: WebSocket) -> str:
    """The token of the client's first message, which must come within AUTH_TIMEOUT_S."""
    try:
        first = await asyncio.wait_for(websocket.receive(), AUTH_TIMEOUT_S)
    except TimeoutError:
        raise UnauthorizedError(f"first message: no token within {AUTH_TIMEOUT_S:g} s") from None
    return parse_auth_message(first.get("text"))


async def _send(websocket: WebSocket, outbox: Outbox) -> None:
    with contextlib.suppress(Exception):
        while (item := await outbox.get()) is not None:
            if isinstance(item, bytes):
                await websocket.send_bytes(item)
            else:
                await websocket.send_text(item)
        if outbox.overflowed:
            await websocket.close(code=OVERFLOW_CLOSE_CODE, reason="client too slow")


async def _handle(app, session_id: int, username: str, message: dict) -> ErrorMessage | None:
    """The reply to one client message: None when accepted, else an `error` message."""
    try:
        with app.state.sessionmaker() as db:
            await sessions.handle_message(db, app.state.manager, session_id, username, message)
    except ServiceError as error:
        return ErrorMessage(detail=error.detail)
    except ValueError as error:  # ActionError and the clock's range
        return ErrorMessage(detail=one_line(str(error)))
    return None
