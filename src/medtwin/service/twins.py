"""What clinicians do with patients' twins: build one, look, send observations, follow
its live estimate, compare plans, delete it.

A twin is its owner's: another user gets 403, as a stranger to a session does. Each
function checks the caller and then hands over to the tracked twin (`tracking`) or to
the library (`assimilation`, `interop`, `planning`); the HTTP view only translates.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from medtwin.assimilation.from_record import twin_from_fhir
from medtwin.assimilation.twin_file import patient_document
from medtwin.interop.fhir_observations import ObservationBatch, json_object, read_observations
from medtwin.interop.measurement import InteropError
from medtwin.patients import PatientError, patient_from_dict
from medtwin.planning import PlanError
from medtwin.planning.outcomes import OUTCOMES
from medtwin.service import store
from medtwin.service.db import TwinRow
from medtwin.service.errors import (
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    UnsupportedMediaTypeError,
)
from medtwin.service.quotas import Quotas
from medtwin.service.schemas import PlansIn, TwinCreate
from medtwin.service.sessions import release, resolve_patient
from medtwin.service.tracking import TrackedTwin, TwinManager

OBSERVATION_MEDIA_TYPES = ("application/fhir+json", "application/json")
"""What an Observation POST may be sent as: FHIR's JSON media type (FHIR R4 3.1.0.1.10,
"Content Types and encodings") or plain JSON."""


def describe(source: TrackedTwin | TwinRow, full: bool = False) -> dict[str, Any]:
    """A twin as the contract shows it; `full` adds the fit, conditions, medications,
    ignored codes and the latest estimate."""
    document = source.document
    out = {"id": source.id, "title": source.title, "members": source.members,
           "seed": source.seed, "patient": document["patient"],
           "record": document.get("record")}  # fmt: skip
    if full:
        out.update({name: document.get(name) or [] for name in ("conditions", "medications",
                                                                 "ignored")})  # fmt: skip
        out["fit"] = document.get("fit")
        out["estimate"] = getattr(source, "estimate", None)
    return finite(out)


def finite(value: Any) -> Any:
    """`value` with every NaN or infinite float as None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


async def create(
    db: Session, manager: TwinManager, username: str, body: TwinCreate, quotas: Quotas
) -> dict[str, Any]:
    """A new twin, fitted to its record (in a worker thread) and tracked from now."""
    quotas.check_new_twin(db, username)
    release(db)
    document = await asyncio.to_thread(_document, body)
    sync = await asyncio.to_thread(manager.new_sync, document, body.members, body.seed)
    quotas.check_new_twin(db, username)  # again: others may have been made meanwhile
    row = store.add_twin(db, body.title, username, document, body.members, body.seed)
    release(db)
    return describe(manager.launch(row, sync), full=True)


def _document(body: TwinCreate) -> dict[str, Any]:
    """The twin file's document of the body's record or patient."""
    if body.bundle is None:
        return patient_document(patient_from_dict(resolve_patient(body.patient)))
    try:
        return twin_from_fhir(body.bundle, body.reference_bundles, seed=body.seed)
    except (InteropError, PatientError) as error:
        raise InvalidError(f"bundle: {error}") from None


def access(db: Session, twin_id: int, username: str) -> TwinRow:
    """The twin, if the caller owns it."""
    row = store.get_twin(db, twin_id)
    if row is None:
        raise NotFoundError(f"twin {twin_id}: no such twin")
    if row.owner != username:
        raise ForbiddenError(f"twin {twin_id}: not yours; a twin is seen by the user who made it")
    return row


def tracked_twin(manager: TwinManager, row: TwinRow) -> TrackedTwin:
    tracked = manager.get(row.id)
    if tracked is None:
        raise ConflictError(f"twin {row.id}: not tracked on this server (see its log)")
    return tracked


def list_for(db: Session, username: str) -> list[dict[str, Any]]:
    return [describe(row) for row in store.twins_of(db, username)]


def detail(db: Session, manager: TwinManager, twin_id: int, username: str) -> dict[str, Any]:
    row = access(db, twin_id, username)
    return describe(manager.get(twin_id) or row, full=True)


async def observe(
    db: Session,
    manager: TwinManager,
    twin_id: int,
    username: str,
    payload: bytes,
    content_type: str | None,
    quotas: Quotas,
) -> dict[str, Any]:
    """Read a FHIR Observation or Bundle of them and hand its values to the twin's live
    estimator; values too far from the clock are refused now, with the reason. A body
    with nothing to assimilate is refused (422) naming the field, value and what is
    allowed, and changes nothing."""
    tracked = tracked_twin(manager, access(db, twin_id, username))
    release(db)
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in OBSERVATION_MEDIA_TYPES:
        raise UnsupportedMediaTypeError(
            f"Content-Type {content_type!r}: send {' or '.join(OBSERVATION_MEDIA_TYPES)}"
        )
    source = f"FHIR POST by {username}"
    try:
        batch = await asyncio.to_thread(_read, payload, source, tracked.patient_resource)
    except InteropError as error:
        raise InvalidError(str(error)) from None
    queued, refused = [], []
    for measurement in batch.measurements:
        reason = tracked.sync.out_of_time(measurement)
        if reason:
            refused.append({**measurement.to_dict(), "reason": reason})
        else:
            queued.append(measurement.to_dict())
    if not queued:
        first = refused[0]
        raise InvalidError(
            f"{first['source']}: {first['signal']} at {first['time']}: {first['reason']}; "
            f"live values must be timed at most {tracked.sync.estimator.late_window_s:g} s "
            f"before and {tracked.sync.future_tolerance.total_seconds():g} s after the "
            "server's clock (replay recordings with `medtwin replay`)"
        )
    quotas.check_values_waiting(twin_id, tracked.sync.pending, len(batch.measurements))
    tracked.submit(batch.measurements)  # the loop logs the refused ones too
    return {"queued": queued, "refused": refused, "ignored": [asdict(i) for i in batch.ignored]}


def _read(payload: bytes, source: str, patient: str | None) -> ObservationBatch:
    return read_observations(json_object(payload, source), source, patient)


def track(
    db: Session, manager: TwinManager, twin_id: int, username: str, after: int
) -> dict[str, Any]:
    """The twin's estimates and decisions numbered after `after`."""
    tracked = tracked_twin(manager, access(db, twin_id, username))
    return finite(tracked.since(after))


async def plans(
    db: Session, manager: TwinManager, twin_id: int, username: str, body: PlansIn
) -> dict[str, Any]:
    """The plans compared from the twin's present (assimilated) state."""
    tracked = tracked_twin(manager, access(db, twin_id, username))
    release(db)
    try:
        results = await tracked.compare(body.plans, body.horizon_s, body.every_s)
    except PlanError as error:
        raise InvalidError(str(error)) from None
    outcomes = {name: {"signal": signal, "low": low, "high": high}
                for name, (signal, low, high) in OUTCOMES.items()}  # fmt: skip
    start = tracked.estimate["time"] if tracked.estimate else None
    return finite({"members": tracked.members, "horizon_s": body.horizon_s,
                   "every_s": body.every_s, "start": start, "outcomes": outcomes,
                   "plans": [result.to_dict() for result in results]})  # fmt: skip


async def delete(db: Session, manager: TwinManager, twin_id: int, username: str) -> None:
    """Stop tracking the twin (its last step written) and forget it and its journal."""
    access(db, twin_id, username)
    release(db)
    await manager.remove(twin_id)
    store.delete_twin(db, twin_id)
