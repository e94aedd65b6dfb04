"""Dependencies shared by the routes: the database session, the caller, the manager."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from medtwin.service.auth import current_user, get_db
from medtwin.service.runtime import SessionManager


def get_manager(request: Request) -> SessionManager:
    return request.app.state.manager


Db = Annotated[Session, Depends(get_db)]
User = Annotated[str, Depends(current_user)]
Manager = Annotated[SessionManager, Depends(get_manager)]
MAX_SESSION_ID = 2**31 - 1
"""The largest id every database's INTEGER column holds (PostgreSQL's is 32-bit)."""
SessionId = Annotated[int, Path(ge=1, le=MAX_SESSION_ID, description="a session's id")]
"""A session id as the database can hold it (larger ids are refused, not a 500)."""


def client_address(request: Request) -> str:
    """The address the request came from (as the server sees it; behind a reverse proxy,
    uvicorn's --proxy-headers makes it the client's)."""
    return request.client.host if request.client else "unknown"
