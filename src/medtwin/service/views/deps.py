"""Dependencies shared by the routes: the database session, the caller, the manager."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from medtwin.service.auth import current_user, get_db
from medtwin.service.runtime import SessionManager
from medtwin.service.tracking import TwinManager


def get_manager(request: Request) -> SessionManager:
    return request.app.state.manager


def get_twins(request: Request) -> TwinManager:
    return request.app.state.twins


Db = Annotated[Session, Depends(get_db)]
User = Annotated[str, Depends(current_user)]
Manager = Annotated[SessionManager, Depends(get_manager)]
Twins = Annotated[TwinManager, Depends(get_twins)]
MAX_SESSION_ID = 2**31 - 1
"""The largest id every database's INTEGER column holds (PostgreSQL's is 32-bit)."""
SessionId = Annotated[int, Path(ge=1, le=MAX_SESSION_ID, description="a session's id")]
"""A session id as the database can hold it (larger ids are refused, not a 500)."""
TwinId = Annotated[int, Path(ge=1, le=MAX_SESSION_ID, description="a twin's id")]


def client_address(request: HTTPConnection) -> str:
    """The address a request or stream came from (as the server sees it; behind a
    reverse proxy, uvicorn's --proxy-headers makes it the client's)."""
    return request.client.host if request.client else "unknown"
