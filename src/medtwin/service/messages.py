"""The messages a live stream sends its clients, as typed models (docs/service-api.md).

Every text frame the server sends is one of these, serialised by `to_text`; a value the
monitor cannot give (NaN, inf) is sent as JSON `null`, so every frame is valid JSON. The
messages clients may send are `client_messages`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

OVERFLOW_CLOSE_CODE = 1008
"""WebSocket close code for a client too slow to take events, vitals and clock messages."""
REFUSED_CLOSE_BASE = 4000
"""A refused connection closes with 4000 + the HTTP status of the refusal (4401: no or
bad token; 4403: not a participant; 4404: no such session)."""


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="null")


class EventRecord(_Message):
    """One event of the session's log, as clients see it."""

    id: int
    time_s: float
    order: str
    source: str
    kind: str


class Trend(_Message):
    """1 Hz vitals: `time_s` and, per signal, one value (or null) per time."""

    time_s: list[float]
    signals: dict[str, list[float | None]]


class NibpMessage(_Message):
    """The cuff: its last reading (taken at `time_s`, null before the first), whether it
    is inflating, and its cycle in minutes (null: none); sent when any of it changes."""

    type: Literal["nibp"] = "nibp"
    time_s: float | None = None
    systolic: float | None = None
    diastolic: float | None = None
    mean: float | None = None
    measuring: bool = False
    every_min: float | None = None


class TwelveLeadMessage(_Message):
    """A 12-lead ECG the team ordered, sent to everyone once it is recorded: `seconds`
    of the 12 standard leads from `time_s` at `rate_hz`, in mV, and the works its model
    draws on (full references)."""

    type: Literal["twelve_lead"] = "twelve_lead"
    time_s: float
    rate_hz: float
    seconds: float
    rhythm: str | None = None
    leads: dict[str, list[float | None]]
    sources: list[str]


class SnapshotMessage(_Message):
    type: Literal["snapshot"] = "snapshot"
    session: dict[str, Any]
    vitals: dict[str, float | None]
    rhythm: str | None = None
    """The heart's rhythm by name; null for a session that is not running."""
    events: list[EventRecord]
    history: Trend
    notes: list[dict[str, Any]] | None = None
    """Only for instructors (left out for everyone else)."""
    handover: dict[str, str] | None = None
    """A case session's handover for the team: its title, history and handover."""
    case: dict[str, Any] | None = None
    """Only for instructors of a case session: its phase and score so far
    (`case_room.RoomCase.summary`) and its console entries so far (`entries`)."""
    messages: list[dict[str, Any]] | None = None
    """The team's call-outs so far: author, text, time_s."""
    share_prompts: bool | None = None
    """Whether the team sees the coach's prompts."""
    nibp: NibpMessage | None = None
    """The cuff's last reading and state (as the `nibp` message gives it)."""
    layout: dict[str, list[str]] | None = None
    """What this client's monitor shows (as the `layout` message gives it)."""
    layouts: dict[str, dict[str, list[str]]] | None = None
    """Only for instructors: what the monitors of each role show, for the layout
    editor."""
    twelve_leads: list[TwelveLeadMessage] | None = None
    """The 12-lead ECGs recorded so far (as the `twelve_lead` message gives each)."""


class VitalsMessage(_Message):
    type: Literal["vitals"] = "vitals"
    time_s: float
    vitals: dict[str, float | None]
    rhythm: str | None = None
    """The heart's rhythm by name (`physiology.layout.RHYTHM_NAMES`)."""


class EventMessage(_Message):
    type: Literal["event"] = "event"
    event: EventRecord


class ClockMessage(_Message):
    type: Literal["clock"] = "clock"
    status: str
    speed: float
    time_s: float


class NoteMessage(_Message):
    type: Literal["note"] = "note"
    text: str
    time_s: float


class CaseMessage(_Message):
    """Sent to instructors only, when the case moves on: its phase and live score, and
    the new console entries (phases, instructor events, trainees' actions, coach
    prompts, critical errors met, the end)."""

    type: Literal["case"] = "case"
    case: dict[str, Any]
    entries: list[dict[str, Any]]


class TeamMessage(_Message):
    """A call-out to the team (everyone sees it)."""

    type: Literal["say"] = "say"
    author: str
    text: str
    time_s: float


class CoachMessage(_Message):
    """A coach's prompt, sent to the team when the instructor shares them."""

    type: Literal["coach"] = "coach"
    text: str
    time_s: float


class OverrideMessage(_Message):
    """Instructors only: a vital sign shown other than it is, until `until_s`."""

    type: Literal["override"] = "override"
    signal: str
    value: float
    time_s: float
    until_s: float
    author: str


class LayoutMessage(_Message):
    """What this client's monitor shows from now on (its role's layout)."""

    type: Literal["layout"] = "layout"
    waves: list[str]
    numerics: list[str]


class ErrorMessage(_Message):
    type: Literal["error"] = "error"
    detail: str


ServerMessage = (
    SnapshotMessage
    | VitalsMessage
    | EventMessage
    | ClockMessage
    | NoteMessage
    | CaseMessage
    | TeamMessage
    | CoachMessage
    | OverrideMessage
    | NibpMessage
    | TwelveLeadMessage
    | LayoutMessage
    | ErrorMessage
)


def to_text(message: ServerMessage) -> str:
    """The JSON text frame of a message (optional fields that are unset are left out)."""
    return message.model_dump_json(exclude_none=isinstance(message, SnapshotMessage))
