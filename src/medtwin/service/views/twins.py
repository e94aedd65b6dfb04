"""The patients' twins endpoints of docs/service-api.md: build, list, read, observe,
track, compare plans, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from medtwin.service import twins
from medtwin.service.schemas import (
    ObservationsOut,
    PlansIn,
    PlansOut,
    Track,
    TwinCreate,
    TwinOut,
    TwinSummary,
)
from medtwin.service.views.deps import Db, TwinId, Twins, User

router = APIRouter(prefix="/api/twins", tags=["twins"])
After = Annotated[int, Query(ge=0, description="the number of the last item seen")]


@router.post("", status_code=201, response_model=TwinOut)
async def create_twin(body: TwinCreate, db: Db, user: User, manager: Twins, request: Request):
    return await twins.create(db, manager, user, body, request.app.state.quotas)


@router.get("", response_model=list[TwinSummary])
async def my_twins(db: Db, user: User) -> list[dict]:
    return twins.list_for(db, user)


@router.get("/{twin_id}", response_model=TwinOut)
async def get_twin(twin_id: TwinId, db: Db, user: User, manager: Twins) -> dict:
    return twins.detail(db, manager, twin_id, user)


@router.post("/{twin_id}/observations", status_code=202, response_model=ObservationsOut)
async def post_observations(twin_id: TwinId, request: Request, db: Db, user: User,
                            manager: Twins) -> dict:  # fmt: skip
    """A FHIR R4 Observation or a Bundle of them (application/fhir+json)."""
    payload = await request.body()
    content_type = request.headers.get("content-type")
    quotas = request.app.state.quotas
    return await twins.observe(db, manager, twin_id, user, payload, content_type, quotas)


@router.get("/{twin_id}/track", response_model=Track)
async def get_track(twin_id: TwinId, db: Db, user: User, manager: Twins, after: After = 0) -> dict:
    return twins.track(db, manager, twin_id, user, after)


@router.post("/{twin_id}/plans", response_model=PlansOut)
async def compare_plans(twin_id: TwinId, body: PlansIn, db: Db, user: User, manager: Twins):
    return await twins.plans(db, manager, twin_id, user, body)


@router.delete("/{twin_id}", status_code=204)
async def delete_twin(twin_id: TwinId, db: Db, user: User, manager: Twins) -> None:
    await twins.delete(db, manager, twin_id, user)
