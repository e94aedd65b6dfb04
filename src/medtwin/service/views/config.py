"""`/api/config`: the server's facts the web app reads instead of keeping copies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from medtwin.service.config import browser_config

router = APIRouter(prefix="/api", tags=["config"])


@router.get("/config")
async def config() -> dict[str, Any]:
    return browser_config()
