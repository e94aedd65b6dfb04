"""Messages a stream's client may send: first its token, then orders and clock changes,
as JSON text.

Anything else (binary, over `MAX_MESSAGE_BYTES`, not JSON, an unknown type, a bad field)
is refused with an `InvalidError` naming what was wrong.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from medtwin.service.errors import InvalidError, UnauthorizedError, validation_line
from medtwin.service.schemas import ClockIn, OrderIn

MAX_MESSAGE_BYTES = 4096


class OrderMessage(OrderIn):
    type: Literal["order"]


class ClockMessage(ClockIn):
    type: Literal["clock"]


ClientMessage = Annotated[OrderMessage | ClockMessage, Field(discriminator="type")]
_ADAPTER = TypeAdapter(ClientMessage)


class AuthMessage(BaseModel):
    """The first message of every stream: the bearer token, so that it never travels in
    a URL (which servers and proxies log)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["auth"]
    token: str = Field(max_length=1024)


def parse_auth_message(text: str | None) -> str:
    """The token of a stream's first message; `UnauthorizedError` if it is not one."""
    if text is None or len(text.encode()) > MAX_MESSAGE_BYTES:
        raise UnauthorizedError('first message: send {"type": "auth", "token": "<token>"}')
    try:
        return AuthMessage.model_validate_json(text).token
    except ValidationError:
        raise UnauthorizedError(
            'first message: send {"type": "auth", "token": "<token>"} before anything else'
        ) from None


def parse_client_message(text: str | None) -> OrderMessage | ClockMessage:
    """The validated message of one WebSocket frame."""
    if text is None:
        raise InvalidError("message: send JSON text frames, not binary")
    size = len(text.encode())
    if size > MAX_MESSAGE_BYTES:
        raise InvalidError(f"message: {size} bytes is over the limit of {MAX_MESSAGE_BYTES} bytes")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{error.msg} at character {error.pos}"
        raise InvalidError(f"message: not valid JSON ({where})") from None
    if not isinstance(payload, dict) or payload.get("type") not in ("order", "clock"):
        kind = payload.get("type") if isinstance(payload, dict) else type(payload).__name__
        raise InvalidError(f"type = {kind!r}: allowed message types are 'order' and 'clock'")
    try:
        return _ADAPTER.validate_python(payload)
    except ValidationError as error:
        errors = [{**e, "loc": e["loc"][1:]} for e in error.errors()]  # drop the tag
        raise InvalidError(validation_line(errors)) from None
