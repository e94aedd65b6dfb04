"""Reading and writing the service's rows; every function takes an open database session.

No rules live here (who may do what is `sessions`, when to write is `runtime`): only
the queries, so that each piece of SQL has one home.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from medtwin.actions import Event
from medtwin.assimilation.step_input import StepInput
from medtwin.service.db import (
    CODE_LENGTH,
    CaseEventRow,
    EventRow,
    LayoutRow,
    Note,
    OverrideRow,
    Participant,
    SessionRow,
    SnapshotRow,
    TeamMessageRow,
    TokenVersion,
    TwelveLeadRow,
    TwinCheckpointRow,
    TwinRow,
    TwinStepRow,
    User,
    VitalsRow,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1: they look alike
"""31**8 codes (`db.CODE_LENGTH`): guessing one of 1,000 live sessions takes centuries
(service/limits.py)."""
SNAPSHOTS_KEPT = 2
ACTIVE = ("running", "paused")


# --- users -------------------------------------------------------------------------
def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def token_version(db: Session, username: str) -> int:
    """The user's current token generation (0 until they first log out)."""
    row = db.get(TokenVersion, username)
    return 0 if row is None else row.version


def revoke_tokens(db: Session, username: str) -> None:
    """Invalidate every token issued to `username` so far."""
    row = db.get(TokenVersion, username)
    if row is None:
        db.add(TokenVersion(username=username, version=1))
    else:
        row.version += 1
    db.commit()


def set_password(db: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    db.commit()


def add_user(db: Session, username: str, password_hash: str) -> User:
    user = User(username=username, password_hash=password_hash)
    db.add(user)
    db.commit()
    return user


# --- sessions and participants -------------------------------------------------------
def new_code(db: Session) -> str:
    """A join code no other session has."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalar(select(SessionRow.id).where(SessionRow.code == code)) is None:
            return code


def add_session(
    db: Session,
    title: str,
    patient: dict,
    seed: int,
    instructor: str,
    case_name: str | None = None,
) -> SessionRow:
    """A running session with its creator as instructor (running `case_name`, if given)."""
    row = SessionRow(code=new_code(db), title=title, patient=patient, seed=seed,
                     status="running", speed=1.0, time_s=0.0, instructor=instructor,
                     case_name=case_name)  # fmt: skip
    db.add(row)
    db.flush()
    db.add(Participant(session_id=row.id, username=instructor, role="instructor"))
    db.commit()
    return row


def get_session(db: Session, session_id: int) -> SessionRow | None:
    return db.get(SessionRow, session_id)


def find_session_by_code(db: Session, code: str) -> SessionRow | None:
    return db.scalar(select(SessionRow).where(SessionRow.code == code))


def active_sessions(db: Session) -> Sequence[SessionRow]:
    return db.scalars(select(SessionRow).where(SessionRow.status.in_(ACTIVE))).all()


def find_active_session_titled(db: Session, title: str) -> SessionRow | None:
    query = select(SessionRow).where(SessionRow.title == title, SessionRow.status.in_(ACTIVE))
    return db.scalars(query).first()


def role_of(db: Session, session_id: int, username: str) -> str | None:
    query = select(Participant.role).where(
        Participant.session_id == session_id, Participant.username == username
    )
    return db.scalar(query)


def add_participant(db: Session, session_id: int, username: str, role: str) -> None:
    db.add(Participant(session_id=session_id, username=username, role=role))
    db.commit()


def participants(db: Session, session_id: int) -> list[dict[str, str]]:
    query = select(Participant).where(Participant.session_id == session_id).order_by(Participant.id)
    return [{"username": p.username, "role": p.role} for p in db.scalars(query)]


def sessions_of(db: Session, username: str) -> list[tuple[SessionRow, str]]:
    query = (
        select(SessionRow, Participant.role)
        .join(Participant, Participant.session_id == SessionRow.id)
        .where(Participant.username == username)
        .order_by(SessionRow.id)
    )
    return [(row, role) for row, role in db.execute(query)]


def active_sessions_run_by(db: Session, username: str) -> int:
    """How many running or paused sessions `username` is the instructor of."""
    query = select(func.count(SessionRow.id)).where(
        SessionRow.instructor == username, SessionRow.status.in_(ACTIVE)
    )
    return db.scalar(query)


def participant_count(db: Session, session_id: int) -> int:
    query = select(func.count(Participant.id)).where(Participant.session_id == session_id)
    return db.scalar(query)


def update_clock(db: Session, session_id: int, status: str, speed: float, time_s: float) -> None:
    row = db.get(SessionRow, session_id)
    if row is not None:
        row.status, row.speed, row.time_s = status, speed, time_s
        db.commit()


# --- events, vitals, snapshots, notes -----------------------------------------------
def add_events(db: Session, session_id: int, events: Iterable[Event]) -> None:
    for event in events:
        db.add(EventRow(session_id=session_id, time_s=event.time_s, order=event.order(),
                        action=event.action.model_dump(mode="json"), source=event.source,
                        note=event.note, queued=event.queued, cause=event.cause))  # fmt: skip
    db.commit()


def events_of(db: Session, session_id: int) -> list[Event]:
    query = select(EventRow).where(EventRow.session_id == session_id).order_by(EventRow.id)
    return [
        Event(
            time_s=row.time_s,
            action=row.action,
            source=row.source,
            note=row.note,
            queued=row.queued,
            cause=row.cause,
        )
        for row in db.scalars(query)
    ]


def add_vitals(db: Session, session_id: int, rows: Iterable[tuple[float, dict]]) -> None:
    """Store 1 Hz vitals; a value the monitor cannot give (NaN) is stored as JSON null,
    which every database takes (PostgreSQL refuses NaN in JSON)."""
    db.add_all(VitalsRow(session_id=session_id, time_s=t, values=json_values(v)) for t, v in rows)
    db.commit()


def json_values(values: dict[str, float]) -> dict[str, float | None]:
    """`values` with every non-finite number as None (JSON null)."""
    return {name: value if math.isfinite(value) else None for name, value in values.items()}


def vitals_since(db: Session, session_id: int, since_s: float) -> list[tuple[float, dict]]:
    query = (
        select(VitalsRow.time_s, VitalsRow.values)
        .where(VitalsRow.session_id == session_id, VitalsRow.time_s > since_s)
        .order_by(VitalsRow.time_s)
    )
    return [(t, v) for t, v in db.execute(query)]


def save_snapshot(
    db: Session, session_id: int, time_s: float, events_count: int, blob: bytes
) -> None:
    """Add a snapshot and forget all but the latest SNAPSHOTS_KEPT of the session."""
    db.add(SnapshotRow(session_id=session_id, time_s=time_s, events_count=events_count,
                       blob=blob))  # fmt: skip
    db.flush()
    kept = select(SnapshotRow.id).where(SnapshotRow.session_id == session_id)
    kept = kept.order_by(SnapshotRow.id.desc()).limit(SNAPSHOTS_KEPT)
    db.execute(
        delete(SnapshotRow).where(
            SnapshotRow.session_id == session_id, SnapshotRow.id.not_in(kept.scalar_subquery())
        )
    )
    db.commit()


def latest_snapshot(db: Session, session_id: int) -> SnapshotRow | None:
    query = select(SnapshotRow).where(SnapshotRow.session_id == session_id)
    return db.scalars(query.order_by(SnapshotRow.id.desc())).first()


def add_note(db: Session, session_id: int, time_s: float, text: str, author: str) -> Note:
    note = Note(session_id=session_id, time_s=time_s, text=text, author=author)
    db.add(note)
    db.commit()
    return note


def notes_of(db: Session, session_id: int) -> list[dict]:
    query = select(Note).where(Note.session_id == session_id).order_by(Note.id)
    return [{"text": n.text, "time_s": n.time_s} for n in db.scalars(query)]


def add_case_event(
    db: Session, session_id: int, time_s: float, name: str, author: str, events_before: int
) -> None:
    db.add(CaseEventRow(session_id=session_id, time_s=time_s, name=name, author=author,
                        events_before=events_before))  # fmt: skip
    db.commit()


def case_events_of(db: Session, session_id: int) -> list[CaseEventRow]:
    query = select(CaseEventRow).where(CaseEventRow.session_id == session_id)
    return list(db.scalars(query.order_by(CaseEventRow.id)))


def add_team_message(db: Session, session_id: int, time_s: float, author: str, text: str) -> None:
    db.add(TeamMessageRow(session_id=session_id, time_s=time_s, author=author, text=text))
    db.commit()


def team_messages_of(db: Session, session_id: int) -> list[dict]:
    query = select(TeamMessageRow).where(TeamMessageRow.session_id == session_id)
    return [{"author": m.author, "text": m.text, "time_s": m.time_s}
            for m in db.scalars(query.order_by(TeamMessageRow.id))]  # fmt: skip


def add_override(
    db: Session, session_id: int, time_s: float, signal: str, value: float, seconds: float,
    author: str,
) -> None:  # fmt: skip
    db.add(OverrideRow(session_id=session_id, time_s=time_s, signal=signal, value=value,
                       seconds=seconds, author=author))  # fmt: skip
    db.commit()


def overrides_of(db: Session, session_id: int) -> list[dict]:
    query = select(OverrideRow).where(OverrideRow.session_id == session_id)
    return [{"time_s": o.time_s, "signal": o.signal, "value": o.value, "seconds": o.seconds,
             "author": o.author} for o in db.scalars(query.order_by(OverrideRow.id))]  # fmt: skip


def add_twelve_leads(db: Session, session_id: int, recordings: Iterable[dict]) -> None:
    """Store 12-lead recordings (`electrocardiograph.recording`)."""
    db.add_all(TwelveLeadRow(session_id=session_id, time_s=r["time_s"],
                             recording=json.dumps(r)) for r in recordings)  # fmt: skip
    db.commit()


def twelve_leads_of(db: Session, session_id: int) -> list[dict]:
    """The session's 12-lead recordings, in the order they were taken."""
    query = select(TwelveLeadRow.recording).where(TwelveLeadRow.session_id == session_id)
    return [json.loads(text) for text in db.scalars(query.order_by(TwelveLeadRow.id))]


def add_layout(db: Session, session_id: int, role: str, layout: dict) -> None:
    db.add(LayoutRow(session_id=session_id, role=role, layout=json.dumps(layout)))
    db.commit()


def layouts_of(db: Session, session_id: int) -> dict[str, dict]:
    """The latest layout set for each role of the session."""
    query = select(LayoutRow).where(LayoutRow.session_id == session_id)
    return {row.role: json.loads(row.layout) for row in db.scalars(query.order_by(LayoutRow.id))}


def set_share_prompts(db: Session, session_id: int, share: bool) -> None:
    row = db.get(SessionRow, session_id)
    if row is not None:
        row.share_prompts = share
        db.commit()


def save_case_log(db: Session, session_id: int, log_text: str) -> None:
    row = db.get(SessionRow, session_id)
    if row is not None:
        row.case_log = log_text
        db.commit()


# --- patients' twins -----------------------------------------------------------------
def add_twin(
    db: Session, title: str, owner: str, document: dict, members: int, seed: int
) -> TwinRow:
    row = TwinRow(title=title, owner=owner, document=document, members=members, seed=seed)
    db.add(row)
    db.commit()
    return row


def get_twin(db: Session, twin_id: int) -> TwinRow | None:
    return db.get(TwinRow, twin_id)


def twins_of(db: Session, owner: str) -> Sequence[TwinRow]:
    return db.scalars(select(TwinRow).where(TwinRow.owner == owner).order_by(TwinRow.id)).all()


def all_twins(db: Session) -> Sequence[TwinRow]:
    return db.scalars(select(TwinRow).order_by(TwinRow.id)).all()


def twin_count_of(db: Session, owner: str) -> int:
    return db.scalar(select(func.count(TwinRow.id)).where(TwinRow.owner == owner))


def delete_twin(db: Session, twin_id: int) -> None:
    """Forget the twin, its journal and its checkpoint."""
    db.execute(delete(TwinStepRow).where(TwinStepRow.twin_id == twin_id))
    db.execute(delete(TwinCheckpointRow).where(TwinCheckpointRow.twin_id == twin_id))
    db.execute(delete(TwinRow).where(TwinRow.id == twin_id))
    db.commit()


def add_twin_step(db: Session, twin_id: int, number: int, step: StepInput) -> None:
    """Journal step `number` of the twin's live estimator (before it is applied)."""
    record = step.to_dict()
    db.add(TwinStepRow(twin_id=twin_id, number=number, time=record["time"],
                       arrivals=record["arrivals"]))  # fmt: skip
    db.commit()


def twin_steps_of(db: Session, twin_id: int, after: int = 0) -> list[StepInput]:
    """The twin's journal after step `after`, in step order (ValueError naming the step
    of a damaged row or the first one missing: without it, a replay would not give the
    estimate back)."""
    query = select(TwinStepRow).where(TwinStepRow.twin_id == twin_id, TwinStepRow.number > after)
    steps = []
    for row in db.scalars(query.order_by(TwinStepRow.number)):
        if row.number != after + len(steps) + 1:
            raise ValueError(f"twin {twin_id} journal: step {after + len(steps) + 1} is missing")
        try:
            steps.append(StepInput.from_dict({"time": row.time, "arrivals": row.arrivals}))
        except ValueError as error:
            raise ValueError(f"twin {twin_id} journal step {row.number}: {error}") from None
    return steps


def save_twin_checkpoint(db: Session, twin_id: int, number: int, blob: bytes) -> None:
    """Keep `blob` as the twin's checkpoint after step `number`, in place of the one
    before, and forget the steps it holds (one transaction: all or nothing)."""
    db.execute(delete(TwinCheckpointRow).where(TwinCheckpointRow.twin_id == twin_id))
    db.execute(
        delete(TwinStepRow).where(TwinStepRow.twin_id == twin_id, TwinStepRow.number <= number)
    )
    db.add(TwinCheckpointRow(twin_id=twin_id, number=number, blob=blob))
    db.commit()


def twin_checkpoint(db: Session, twin_id: int) -> TwinCheckpointRow | None:
    return db.scalar(select(TwinCheckpointRow).where(TwinCheckpointRow.twin_id == twin_id))
