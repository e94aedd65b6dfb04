"""A session's debrief, open to everyone in it once the session is over.

Everything is revealed: every event (the instructor's injects too), the instructor's
notes and vital-sign overrides, the team's call-outs and 12-lead ECGs, the whole trend
from the first second, and, for a case session, its run log
scored against the case, the coach's prompts, the HTML report of `training.debrief`
and the run's xAPI statements (`training.xapi`), the team as a Group of its trainees.
The monitor's waveforms of any moment are replayed from the logged orders, and a
case's what-if (`training.whatif`) forks the run at any moment with another order.
"""

from __future__ import annotations

import math
from datetime import UTC
from typing import Any

from sqlalchemy.orm import Session

from medtwin.actions import Event
from medtwin.patients import patient_from_dict
from medtwin.physiology_events import SOURCES as TWIN_MADE
from medtwin.service import store
from medtwin.service.case_room import instructor_records, library_case, score_summary
from medtwin.service.codec import FRAME_CHANNELS, WAVEFORM_RATE_HZ
from medtwin.service.db import SessionRow
from medtwin.service.errors import ConflictError, InvalidError, NotFoundError
from medtwin.service.runtime import SessionManager, events_for, trend_table
from medtwin.service.sessions import access, describe
from medtwin.training.debrief import debrief_html
from medtwin.training.errors import CaseError
from medtwin.training.loading import LoadedCase
from medtwin.training.runlog import RunLog
from medtwin.training.scoring import Score, callout_rows, score_run
from medtwin.training.whatif import what_if, what_if_html
from medtwin.training.xapi.statements import Session as XapiSession
from medtwin.training.xapi.statements import learner_agent, run_statements
from medtwin.twin import Twin

OVER = ("ended", "errored")


def debrief(db: Session, manager: SessionManager, session_id: int, username: str) -> dict:
    """The whole session for its debrief: what `GET /api/sessions/{id}/debrief` sends."""
    row, role = _over(db, session_id, username)
    case = None
    messages = store.team_messages_of(db, session_id)
    if row.case_name is not None:
        loaded, log, score = _scored(row)
        messages = with_callouts_met(messages, callout_rows(log, score))
        case = {
            "name": loaded.case.name,
            "title": loaded.case.title,
            "score": score_summary(score),
            "entries": instructor_records(log.entries),
            "points": [point.text for point in loaded.case.debrief],
            "objectives": [
                {"id": o.id, "text": o.text, "score": o.score} for o in score.objectives
            ],
        }
    return {
        "session": {
            **describe(row, manager.get(session_id), role),
            "participants": store.participants(db, session_id),
        },
        "events": events_for(role, row.status, store.events_of(db, session_id)),
        "notes": store.notes_of(db, session_id),
        "messages": messages,
        "overrides": store.overrides_of(db, session_id),
        "twelve_leads": store.twelve_leads_of(db, session_id),
        "history": trend_table(store.vitals_since(db, session_id, -math.inf)),
        "case": case,
    }


def with_callouts_met(messages: list[dict], callouts: list[dict]) -> list[dict]:
    """The team's messages, each with the expected call-outs it met (`met`), from the
    case's scored call-outs (the trainees' messages)."""
    met = {(c["time_s"], c["author"], c["text"]): c["met"] for c in callouts}
    return [{**m, "met": met.get((m["time_s"], m["author"], m["text"]), [])} for m in messages]


def report_html(db: Session, session_id: int, username: str) -> str:
    """The case's HTML debrief report of the session."""
    row, _ = _over(db, session_id, username)
    loaded, log, score = _scored(_with_case(row))
    return debrief_html(loaded, log, score)


def xapi_statements(db: Session, session_id: int, username: str) -> list[dict[str, Any]]:
    """The session's run as xAPI statements, its actor the team of trainees."""
    row, _ = _over(db, session_id, username)
    loaded, log, score = _scored(_with_case(row))
    trainees = sorted(p["username"] for p in store.participants(db, session_id)
                      if p["role"] == "trainee")  # fmt: skip
    actor = team_agent(trainees or [row.instructor])
    started = row.created if row.created.tzinfo else row.created.replace(tzinfo=UTC)
    return run_statements(loaded, log, score, XapiSession(actor=actor, started_at=started))


def replayed_twin(row: SessionRow, events: list[Event], until_s: float, keep_s: float) -> Twin:
    """The session's twin played again from its first second to `until_s`, keeping the
    last `keep_s` of waveforms: every logged order at its time (the case's and the
    protocol's too), none of what follows from them by itself (scheduled ends, the
    physiology's and the ventilator's own events), which the engine makes again (it is
    deterministic)."""
    twin = Twin(patient_from_dict(row.patient), seed=row.seed, waveform_seconds=keep_s)
    for event in events:
        if event.time_s > until_s:
            break
        if event.source in TWIN_MADE or event.cause is not None:
            continue
        if event.time_s > twin.time_s:
            twin.advance(event.time_s - twin.time_s)
        twin.apply(event.action, source=event.source, note=event.note)
    if until_s > twin.time_s:
        twin.advance(until_s - twin.time_s)
    return twin


def waveforms(db: Session, session_id: int, username: str, at_s: float, seconds: float) -> dict:
    """The monitor's waveforms of `seconds` from `at_s`, replayed: {time_s, rate_hz,
    channels: {name: [...]}}."""
    row, _ = _over(db, session_id, username)
    if not 0 <= at_s <= row.time_s:
        raise InvalidError(f"at = {at_s:g} s is outside the session (0 to {row.time_s:g} s)")
    end_s = min(at_s + seconds, row.time_s)
    events = store.events_of(db, session_id)
    twin = replayed_twin(row, events, end_s, keep_s=end_s - at_s + 1.0)
    times, channels = twin.waveform_samples(WAVEFORM_RATE_HZ, since_s=at_s)
    return {"time_s": float(times[0]) if len(times) else at_s, "rate_hz": WAVEFORM_RATE_HZ,
            "channels": {name: [None if math.isnan(v) else round(float(v), 4)
                                for v in channels[name]]
                         for name in FRAME_CHANNELS}}  # fmt: skip


def what_if_report(
    db: Session, session_id: int, username: str, at_s: float, order: str, alone: bool
) -> str:
    """The case run as it was and as it would have been with `order` at `at_s`."""
    row, _ = _over(db, session_id, username)
    loaded, log, _ = _scored(_with_case(row))
    try:
        return what_if_html(loaded, what_if(loaded, log, at_s, order, alone=alone))
    except CaseError as error:
        raise InvalidError("; ".join(p.message for p in error.problems)) from None


def team_agent(usernames: list[str]) -> dict[str, Any]:
    """One learner as an Agent, a team as an anonymous Group of them."""
    if len(usernames) == 1:
        return learner_agent(usernames[0])
    return {"objectType": "Group", "member": [learner_agent(name) for name in usernames]}


def _over(db: Session, session_id: int, username: str) -> tuple[SessionRow, str]:
    row, role = access(db, session_id, username, "view")
    if row.status not in OVER:
        raise ConflictError(
            f"session {session_id} is {row.status}: its debrief opens when the instructor ends it"
        )
    return row, role


def _with_case(row: SessionRow) -> SessionRow:
    if row.case_name is None:
        raise NotFoundError(f"session {row.id} ran no case: it has no case report")
    return row


def _scored(row: SessionRow) -> tuple[LoadedCase, RunLog, Score]:
    loaded = library_case(row.case_name)
    if not row.case_log:
        raise ConflictError(f"session {row.id}: its case log was not written (it {row.status})")
    log = RunLog.from_json_lines(row.case_log, f"session {row.id}")
    return loaded, log, score_run(loaded.case, log)
