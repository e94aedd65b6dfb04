"""What users do to sessions: create, join, look, order, control the clock, end, note.

Every function checks the caller's role (`roles`) and then hands over to the live
session (`runtime`) or the store; the HTTP and WebSocket views only translate.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from sqlalchemy.orm import Session

from medtwin.actions import ActionError, parse_order, parse_timed_order
from medtwin.monitor_layout import MonitorLayout
from medtwin.patients import PatientError, load_patient, named_patients, patient_from_dict
from medtwin.service import roles, store
from medtwin.service.case_room import RoomCase, handover, library_case
from medtwin.service.client_messages import OrderMessage, parse_client_message
from medtwin.service.db import SessionRow
from medtwin.service.errors import ConflictError, InvalidError, NotFoundError
from medtwin.service.executors import PREPARATION, SESSION_WRITES, run_in
from medtwin.service.outbox import Outbox
from medtwin.service.preparation import drug_models, prepare_drugs
from medtwin.service.quotas import Quotas
from medtwin.service.runtime import (
    TREND_WINDOW_S,
    LiveSession,
    SessionManager,
    Subscriber,
    event_record,
    events_for,
    session_fields,
    snapshot_message,
    trend_table,
)

CUSTOM_PATIENT_NAME = "custom patient"
DEFAULT_PATIENT = "standard-male"
DEFAULT_QUOTAS = Quotas()


def resolve_patient(spec: str | dict) -> dict[str, Any]:
    """The patient's fields for a library name or a mapping of patient fields.

    Only library names are accepted as text: a client never names a file on the server.
    """
    if isinstance(spec, str):
        if spec not in named_patients():
            raise PatientError(
                f"unknown patient {spec!r}; named patients: {', '.join(named_patients())}"
            )
        patient = load_patient(spec)
    else:
        patient = patient_from_dict({"name": CUSTOM_PATIENT_NAME, **spec})
    return patient.model_dump(mode="json")


def describe(row: SessionRow, live: LiveSession | None, role: str) -> dict[str, Any]:
    """The session as the contract shows it, with the caller's role."""
    return {**session_fields(live if live is not None else row), "role": role}


async def create(
    db: Session,
    manager: SessionManager,
    username: str,
    title: str,
    patient: str | dict | None,
    seed: int | None,
    protocol: list[str] = (),
    quotas: Quotas = DEFAULT_QUOTAS,
    case: str | None = None,
) -> dict[str, Any]:
    """A new running session, of `patient` or running the library case `case` (its
    patient, seed, insults, phases and scoring); its twin plays the timed orders of
    `protocol` (each checked first), queued in the twin's scheduler and kept by its
    first checkpoint."""
    loaded = None
    if case is not None:
        if patient is not None:
            raise InvalidError("patient: a case brings its own patient; give a case or a patient")
        if protocol:
            raise InvalidError(
                "protocol: a case session runs its case's own timeline; give timed orders "
                "in a session without a case"
            )
        try:
            loaded = library_case(case)
        except ValueError as error:
            raise InvalidError(str(error)) from None
        fields = loaded.patient.model_dump(mode="json")
        seed = loaded.case.seed if seed is None else seed
    else:
        fields = resolve_patient(DEFAULT_PATIENT if patient is None else patient)
    seed = 0 if seed is None else seed
    quotas.check_new_session(db, username)
    release(db)
    try:
        twin = await asyncio.to_thread(manager.new_twin, fields, seed)
    except ValueError as error:
        raise InvalidError(f"patient: {error}") from None
    for index, text in enumerate(protocol):
        try:
            twin.schedule(*parse_timed_order(text), source=username)
        except ActionError as error:
            raise InvalidError(f"protocol[{index}]: {error}") from None
    planned = [entry.action for entry in twin.scheduler.entries()]
    if loaded is not None:
        planned += [parse_order(order) for order in case_orders(loaded.case)]
    if drugs := drug_models(twin, planned):
        await run_in(PREPARATION, prepare_drugs, twin, drugs)  # not later, on a tick
    trainees: set[str] = set()
    room = None if loaded is None else RoomCase(loaded, twin, trainees.__contains__)
    if room is not None:
        room.start()
    quotas.check_new_session(db, username)  # again: others may have been made meanwhile
    row = store.add_session(db, title, fields, seed, username, case_name=case)
    release(db)
    live = manager.launch(row, twin, room, trainees)
    await live.checkpoint()
    return describe(row, live, "instructor")


def case_orders(case) -> list[str]:
    """Every order a case gives itself: at its start and on entering each phase."""
    return [*case.start, *(order for phase in case.phases for order in phase.on_enter)]


def release(db: Session) -> None:
    """Give the request's database connection back before waiting on a live session's
    writes, which need one of their own: holding it, a burst of orders took every
    connection of the pool and each waited for another (benchmarks/service_load.py).
    The session opens a new connection if it is used again."""
    db.close()


def join(
    db: Session,
    manager: SessionManager,
    username: str,
    code: str,
    role: str,
    quotas: Quotas = DEFAULT_QUOTAS,
) -> dict:
    """Join by code; a participant keeps the role they already have."""
    row = store.find_session_by_code(db, code.strip().upper())
    if row is None:
        raise NotFoundError(f"code {code!r}: no session has this join code")
    existing = store.role_of(db, row.id, username)
    if existing is None:
        quotas.check_new_participant(db, row.id)
        store.add_participant(db, row.id, username, role)
    return describe(row, manager.get(row.id), existing or role)


def list_for(db: Session, manager: SessionManager, username: str) -> list[dict[str, Any]]:
    rows = store.sessions_of(db, username)
    return [describe(row, manager.get(row.id), role) for row, role in rows]


def access(db: Session, session_id: int, username: str, permission: str) -> tuple[SessionRow, str]:
    """The session and the caller's role, if the role grants `permission`."""
    row = store.get_session(db, session_id)
    if row is None:
        raise NotFoundError(f"session {session_id}: no such session")
    role = roles.require(store.role_of(db, session_id, username), permission, session_id)
    return row, role


def detail(db: Session, manager: SessionManager, session_id: int, username: str) -> dict:
    row, role = access(db, session_id, username, "view")
    participants = store.participants(db, session_id)
    return {**describe(row, manager.get(session_id), role), "participants": participants}


def live_session(manager: SessionManager, row: SessionRow) -> LiveSession:
    live = manager.get(row.id)
    if live is None:
        raise ConflictError(f"session {row.id} is {row.status}: it is not running on this server")
    return live


async def give_order(
    db: Session, manager: SessionManager, session_id: int, username: str, order: str
) -> dict[str, Any]:
    row, role = access(db, session_id, username, "order")
    action = parse_order(order)
    if action.insult:
        roles.require(role, "inject", session_id)
    release(db)
    event = await live_session(manager, row).apply(action, source=username, role=role)
    return event_record(event)


async def fire_case_event(
    db: Session, manager: SessionManager, session_id: int, username: str, name: str
) -> dict[str, Any]:
    """The instructor fires one of the case's prepared events ("handlers")."""
    row, _ = access(db, session_id, username, "inject")
    release(db)
    try:
        return await live_session(manager, row).fire_case_event(name, username)
    except ValueError as error:
        raise InvalidError(str(error)) from None


async def set_clock(
    db: Session,
    manager: SessionManager,
    session_id: int,
    username: str,
    action: str | None = None,
    speed: float | None = None,
) -> dict[str, Any]:
    row, role = access(db, session_id, username, "control")
    live = live_session(manager, row)
    release(db)
    await live.set_clock(action=action, speed=speed)
    return describe(row, live, role)


async def end(db: Session, manager: SessionManager, session_id: int, username: str) -> dict:
    row, role = access(db, session_id, username, "control")
    live = live_session(manager, row)
    release(db)
    await live.end()
    return describe(row, live, role)


async def add_note(
    db: Session, manager: SessionManager, session_id: int, username: str, text: str
) -> dict[str, Any]:
    row, _ = access(db, session_id, username, "notes")
    release(db)
    live = manager.get(session_id)
    if live is not None:
        return await live.add_note(text, username)
    await run_in(SESSION_WRITES, _add_stored_note, manager, session_id, row.time_s, text, username)
    return {"text": text, "time_s": row.time_s}


async def say(
    db: Session, manager: SessionManager, session_id: int, username: str, text: str
) -> dict[str, Any]:
    """A call-out to the team, timestamped in the session's log (a trainee's counts for
    the case's expected call-outs)."""
    row, role = access(db, session_id, username, "talk")
    release(db)
    return await live_session(manager, row).say(text, username, role)


async def set_layout(
    db: Session, manager: SessionManager, session_id: int, username: str, role: str,
    layout: MonitorLayout,
) -> dict[str, Any]:  # fmt: skip
    """The instructor sets what the monitors of everyone of `role` show."""
    row, _ = access(db, session_id, username, "control")
    release(db)
    return await live_session(manager, row).set_layout(role, layout)


async def share_prompts(
    db: Session, manager: SessionManager, session_id: int, username: str, share: bool
) -> dict[str, bool]:
    row, _ = access(db, session_id, username, "control")
    release(db)
    await live_session(manager, row).set_share_prompts(share)
    return {"share": share}


async def override(
    db: Session,
    manager: SessionManager,
    session_id: int,
    username: str,
    signal: str,
    value: float,
    seconds: float,
) -> dict[str, Any]:
    """The instructor shows a vital sign other than it is, for `seconds` (an inject)."""
    row, _ = access(db, session_id, username, "inject")
    release(db)
    try:
        return await live_session(manager, row).override(signal, value, seconds, username)
    except ValueError as error:
        raise InvalidError(str(error)) from None


def _add_stored_note(
    manager: SessionManager, session_id: int, time_s: float, text: str, author: str
) -> None:
    with manager.make_db() as db:
        store.add_note(db, session_id, time_s, text, author)


def events(db: Session, manager: SessionManager, session_id: int, username: str) -> list[dict]:
    row, role = access(db, session_id, username, "view")
    live = manager.get(session_id)
    if live is not None:
        return live.events(role)
    return events_for(role, row.status, store.events_of(db, session_id))


def history(
    db: Session, manager: SessionManager, session_id: int, username: str, since_s: float
) -> dict[str, Any]:
    access(db, session_id, username, "view")
    if not math.isfinite(since_s):
        since_s = -math.inf
    live = manager.get(session_id)
    if live is not None:
        return live.history(since_s)
    return trend_table(store.vitals_since(db, session_id, since_s))


def subscribe(
    db: Session, manager: SessionManager, session_id: int, username: str
) -> tuple[LiveSession | None, Subscriber]:
    """The caller's subscription to a session's stream, starting with its snapshot.

    A session that is not live (ended before a restart) gets a snapshot from the store
    and nothing after it.
    """
    row, role = access(db, session_id, username, "view")
    live = manager.get(session_id)
    session = {**describe(row, live, role), "participants": store.participants(db, session_id)}
    notes = store.notes_of(db, session_id) if roles.allowed(role, "notes") else None
    messages = store.team_messages_of(db, session_id)
    if live is not None:
        return live, live.subscribe(role, session, notes, messages)
    trend = store.vitals_since(db, session_id, row.time_s - TREND_WINDOW_S)
    records = events_for(role, row.status, store.events_of(db, session_id))
    subscriber = Subscriber(role, Outbox(manager.settings.outbox_size))
    vitals = trend[-1][1] if trend else {}
    told = None if row.case_name is None else handover(library_case(row.case_name))
    subscriber.outbox.put_message(
        snapshot_message(session, vitals, records, trend, notes, handover=told, messages=messages)
    )
    return None, subscriber


async def handle_message(
    db: Session, manager: SessionManager, session_id: int, username: str, frame: dict
) -> None:
    """Carry out one stream message from a client (the same rules as the REST routes)."""
    message = parse_client_message(frame.get("text"))
    if isinstance(message, OrderMessage):
        await give_order(db, manager, session_id, username, message.order)
    else:
        await set_clock(db, manager, session_id, username, message.action, message.speed)
