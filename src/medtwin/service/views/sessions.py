"""The session endpoints of docs/service-api.md: create, join, read, order, fire a case's
events, clock, end, notes, and the debrief once a session is over."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from medtwin.monitor_layout import MonitorLayout
from medtwin.service import debriefs, sessions
from medtwin.service.errors import NotFoundError
from medtwin.service.messages import EventRecord
from medtwin.service.schemas import (
    CaseEventIn,
    CaseEventOut,
    ClockIn,
    History,
    JoinRequest,
    LayoutIn,
    NoteIn,
    NoteOut,
    OrderIn,
    OverrideIn,
    SessionCreate,
    SessionOut,
    ShareIn,
    TeamMessageIn,
    TeamMessageOut,
    WhatIfIn,
)
from medtwin.service.views.deps import Db, Manager, SessionId, User, client_address

router = APIRouter(prefix="/api/sessions", tags=["sessions"])


@router.post("", status_code=201, response_model=SessionOut, response_model_exclude_none=True)
async def create_session(
    body: SessionCreate, db: Db, user: User, manager: Manager, request: Request
) -> dict:
    return await sessions.create(db, manager, user, body.title, body.patient, body.seed,
                                 body.protocol, request.app.state.quotas,
                                 body.case)  # fmt: skip


@router.post("/join", response_model=SessionOut, response_model_exclude_none=True)
async def join_session(
    body: JoinRequest, db: Db, user: User, manager: Manager, request: Request
) -> dict:
    limiter = request.app.state.join_limiter
    key = f"join:{client_address(request)}"
    limiter.check("code", key)
    try:
        return sessions.join(db, manager, user, body.code, body.role, request.app.state.quotas)
    except NotFoundError:
        limiter.failed(key)
        raise


@router.get("", response_model=list[SessionOut], response_model_exclude_none=True)
async def my_sessions(db: Db, user: User, manager: Manager) -> list[dict]:
    return sessions.list_for(db, manager, user)


@router.get("/{session_id}", response_model=SessionOut)
async def get_session(session_id: SessionId, db: Db, user: User, manager: Manager) -> dict:
    return sessions.detail(db, manager, session_id, user)


@router.post("/{session_id}/orders", status_code=201, response_model=EventRecord)
async def give_order(session_id: SessionId, body: OrderIn, db: Db, user: User, manager: Manager):
    return await sessions.give_order(db, manager, session_id, user, body.order)


@router.post("/{session_id}/clock", response_model=SessionOut, response_model_exclude_none=True)
async def set_clock(session_id: SessionId, body: ClockIn, db: Db, user: User, manager: Manager):
    return await sessions.set_clock(db, manager, session_id, user, body.action, body.speed)


@router.post("/{session_id}/end", response_model=SessionOut, response_model_exclude_none=True)
async def end_session(session_id: SessionId, db: Db, user: User, manager: Manager) -> dict:
    return await sessions.end(db, manager, session_id, user)


@router.post("/{session_id}/notes", status_code=201, response_model=NoteOut)
async def add_note(session_id: SessionId, body: NoteIn, db: Db, user: User, manager: Manager):
    return await sessions.add_note(db, manager, session_id, user, body.text)


@router.get("/{session_id}/events", response_model=list[EventRecord])
async def get_events(session_id: SessionId, db: Db, user: User, manager: Manager) -> list[dict]:
    return sessions.events(db, manager, session_id, user)


@router.get("/{session_id}/history", response_model=History)
async def get_history(
    session_id: SessionId, db: Db, user: User, manager: Manager, since: float = -1.0
) -> dict:
    return sessions.history(db, manager, session_id, user, since)


@router.post("/{session_id}/case-events", status_code=201, response_model=CaseEventOut)
async def fire_case_event(
    session_id: SessionId, body: CaseEventIn, db: Db, user: User, manager: Manager
) -> dict:
    return await sessions.fire_case_event(db, manager, session_id, user, body.name)


@router.get("/{session_id}/debrief")
async def get_debrief(session_id: SessionId, db: Db, user: User, manager: Manager) -> dict:
    return debriefs.debrief(db, manager, session_id, user)


@router.get("/{session_id}/debrief/report", response_class=HTMLResponse)
async def get_debrief_report(session_id: SessionId, db: Db, user: User) -> HTMLResponse:
    return HTMLResponse(debriefs.report_html(db, session_id, user))


@router.get("/{session_id}/debrief/xapi")
async def get_debrief_xapi(session_id: SessionId, db: Db, user: User) -> list[dict]:
    return debriefs.xapi_statements(db, session_id, user)


@router.post("/{session_id}/messages", status_code=201, response_model=TeamMessageOut)
async def say(session_id: SessionId, body: TeamMessageIn, db: Db, user: User, manager: Manager):
    return await sessions.say(db, manager, session_id, user, body.text)


@router.post("/{session_id}/coach")
async def share_prompts(
    session_id: SessionId, body: ShareIn, db: Db, user: User, manager: Manager
) -> dict:
    return await sessions.share_prompts(db, manager, session_id, user, body.share)


@router.post("/{session_id}/layout")
async def set_layout(
    session_id: SessionId, body: LayoutIn, db: Db, user: User, manager: Manager
) -> dict:
    layout = MonitorLayout(**body.model_dump(exclude={"role"}))
    return await sessions.set_layout(db, manager, session_id, user, body.role, layout)


@router.post("/{session_id}/overrides", status_code=201)
async def override(
    session_id: SessionId, body: OverrideIn, db: Db, user: User, manager: Manager
) -> dict:
    return await sessions.override(db, manager, session_id, user, body.signal, body.value,
                                   body.seconds)  # fmt: skip


@router.get("/{session_id}/debrief/waveforms")
async def get_debrief_waveforms(
    session_id: SessionId,
    db: Db,
    user: User,
    at: Annotated[float, Query(ge=0, le=1e7, description="simulated s")] = 0.0,
    seconds: Annotated[float, Query(gt=0, le=60)] = 10.0,
) -> dict:
    return await asyncio.to_thread(debriefs.waveforms, db, session_id, user, at, seconds)


@router.post("/{session_id}/debrief/whatif", response_class=HTMLResponse)
async def what_if(session_id: SessionId, body: WhatIfIn, db: Db, user: User) -> HTMLResponse:
    html = await asyncio.to_thread(debriefs.what_if_report, db, session_id, user, body.at_s,
                                   body.order, body.alone)  # fmt: skip
    return HTMLResponse(html)
