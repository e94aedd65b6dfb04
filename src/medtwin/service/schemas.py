"""Request and response bodies of the HTTP API (docs/service-api.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medtwin.monitor_layout import MonitorLayout
from medtwin.service.db import CODE_LENGTH

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,32}$"


def not_blank(text: str, field: str, hint: str) -> str:
    """`text` without its surrounding whitespace; refused if nothing is left."""
    if not text.strip():
        raise ValueError(f"{field} is only whitespace: {hint}")
    return text.strip()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Credentials(Strict):
    username: str = Field(pattern=USERNAME_PATTERN, description="3–32 of [A-Za-z0-9_.-]")
    password: str = Field(min_length=8, max_length=128)


class UserOut(BaseModel):
    username: str


class TokenOut(BaseModel):
    token: str
    refresh_token: str
    username: str
    expires_in_s: int


class RefreshIn(Strict):
    refresh_token: str = Field(max_length=1024)


class SessionCreate(Strict):
    title: str = Field(min_length=1, max_length=200)
    patient: str | dict[str, Any] | None = None
    """A named patient or a patient's fields; standard-male when neither this nor a
    case is given."""
    case: str | None = Field(default=None, max_length=64)
    """A library case (`GET /api/cases`): the session runs it, with its own patient."""
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    """The twin's seed: the case's, or 0, when not given."""

    protocol: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=200
    )
    """Timed orders ('60 s: haemorrhage 100 mL/min') the session's twin plays."""

    @field_validator("title")
    @classmethod
    def _title_has_text(cls, title: str) -> str:
        return not_blank(title, "title", "give the session a name")


class JoinRequest(Strict):
    code: str = Field(min_length=CODE_LENGTH, max_length=CODE_LENGTH)
    role: Literal["trainee", "observer"]


class Participant(BaseModel):
    username: str
    role: str


class SessionOut(BaseModel):
    id: int
    code: str
    title: str
    patient: dict[str, Any]
    status: str
    speed: float
    time_s: float
    role: str
    case_name: str | None = None
    participants: list[Participant] | None = None


class OrderIn(Strict):
    order: str = Field(min_length=1, max_length=500)


class ClockIn(Strict):
    action: Literal["pause", "resume"] | None = None
    speed: float | None = Field(default=None, ge=1.0, le=60.0)

    @model_validator(mode="after")
    def _one_of(self) -> ClockIn:
        if (self.action is None) == (self.speed is None):
            raise ValueError("give exactly one of 'action' (pause, resume) or 'speed' (1–60)")
        return self


class TeamMessageIn(Strict):
    text: str = Field(min_length=1, max_length=500)

    @field_validator("text")
    @classmethod
    def _has_text(cls, text: str) -> str:
        return not_blank(text, "text", "say something")


class TeamMessageOut(BaseModel):
    author: str
    text: str
    time_s: float


class ShareIn(Strict):
    share: bool
    """Whether the team sees the coach's prompts."""


class OverrideIn(Strict):
    signal: str = Field(min_length=1, max_length=64)
    """A monitor numeric (`GET /api/config`: `numerics`)."""
    value: float
    seconds: float = Field(default=60.0, gt=0, le=3600)
    """Simulated seconds the monitor shows `value`."""


class LayoutIn(MonitorLayout):
    """A monitor layout for everyone of one `role` in the session (`GET /api/config`:
    `monitor` lists the channels)."""

    role: Literal["instructor", "trainee", "observer"]


class WhatIfIn(Strict):
    at_s: float = Field(ge=0, le=1e7)
    """The moment of the run to fork at (simulated s)."""
    order: str = Field(min_length=1, max_length=500)
    alone: bool = False
    """Give only this order from then on (not the team's later ones too)."""


class CaseEventIn(Strict):
    name: str = Field(min_length=1, max_length=64)
    """One of the case's instructor events (`GET /api/cases/{name}`: `events`)."""


class CaseEventOut(BaseModel):
    name: str
    time_s: float


class NoteIn(Strict):
    text: str = Field(min_length=1, max_length=2000)


class NoteOut(BaseModel):
    text: str
    time_s: float


class History(BaseModel):
    time_s: list[float]
    signals: dict[str, list[float | None]]


class TwinCreate(Strict):
    """A patient's twin from their FHIR record (`bundle`) or from a patient's fields or
    library name (`patient`): exactly one of the two."""

    title: str = Field(min_length=1, max_length=200)
    bundle: dict[str, Any] | None = None
    """The patient's FHIR R4 Bundle (JSON), read as `medtwin twin from-fhir` reads it."""
    reference_bundles: list[dict[str, Any]] = Field(default_factory=list, max_length=4)
    """Bundles resolving conditional references (Synthea's hospitals, practitioners)."""
    patient: str | dict[str, Any] | None = None
    members: int = Field(default=20, ge=2, le=50)
    """Ensemble members: 50 is the issue's speed target, fewer run faster."""
    seed: int = Field(default=0, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _one_source(self) -> TwinCreate:
        if (self.bundle is None) == (self.patient is None):
            raise ValueError("give exactly one of 'bundle' (a FHIR Bundle) or 'patient'")
        return self


class TwinSummary(BaseModel):
    id: int
    title: str
    members: int
    seed: int
    patient: dict[str, Any]
    record: dict[str, Any] | None = None


class TwinOut(TwinSummary):
    conditions: list[dict[str, Any]]
    medications: list[dict[str, Any]]
    fit: dict[str, Any] | None = None
    ignored: list[dict[str, Any]]
    estimate: dict[str, Any] | None = None


class ObservationsOut(BaseModel):
    """What became of a POST of Observations: the values queued for the estimator (its
    screening may still refuse them: see the track), those refused now, and the
    Observations not read, each with the reason."""

    queued: list[dict[str, Any]]
    refused: list[dict[str, Any]]
    ignored: list[dict[str, Any]]


class Track(BaseModel):
    estimates: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    estimate: dict[str, Any] | None = None
    latest: int


class PlansIn(Strict):
    plans: list[Annotated[str, Field(max_length=500)]] = Field(min_length=1, max_length=4)
    """Each a plan of `medtwin plan`: orders separated by ';', optionally timed."""
    horizon_s: float = Field(default=3600.0, ge=60.0, le=6 * 3600.0)
    every_s: float = Field(default=60.0, ge=10.0, le=600.0)


class PlansOut(BaseModel):
    members: int
    horizon_s: float
    every_s: float
    start: str | None
    """The wall time of the assimilated state the plans start from (None: the record's
    fit at rest, before any observation)."""
    outcomes: dict[str, dict[str, Any]]
    plans: list[dict[str, Any]]
