"""The case library endpoints: what an instructor picks a case session from."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from medtwin.service.case_room import case_listing, library, library_case
from medtwin.service.errors import NotFoundError
from medtwin.service.views.deps import User

router = APIRouter(prefix="/api/cases", tags=["cases"])


@router.get("")
async def list_cases(user: User) -> list[dict[str, Any]]:
    """Every library case with its briefing (title, summary, patient, handover...)."""
    return [case_listing(loaded) for loaded in library()]


@router.get("/{name}")
async def get_case(name: str, user: User) -> dict[str, Any]:
    try:
        return case_listing(library_case(name))
    except ValueError as error:
        raise NotFoundError(str(error)) from None
