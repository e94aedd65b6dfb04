"""The twin's event log: every action with its time and source, append-only, in order.

Scoring, debriefs and what-if forks read the log; it is written as JSON lines (one event
per line, with the readable order alongside the action's fields) and read back
unchanged. Events are numbered from 1 in the order they happen (`id`); an event the
twin's scheduler gave (a timed order, a scheduled end) is marked `queued`, and a
scheduled end names the event that scheduled it (`cause`). Replaying a log after a
restart gives again the events that were not queued; the restored scheduler gives the
rest, whoever their source.
"""

import json
from collections.abc import Iterator
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    field_validator,
)

from medtwin.actions.base import ActionBase
from medtwin.actions.errors import ActionError, action_error
from medtwin.actions.registry import action_from_dict


class Event(BaseModel):
    """One action applied at `time_s` (seconds of twin time) by `source` ('user',
    'scenario', 'instructor', ...), with an optional free-text `note`.

    `id` is the event's number in its log (given by the log when None); `queued` marks
    an event the twin's scheduler gave; `cause` is the id of the event whose follow-up
    this is (the bag of fluid a scheduled stop ends)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: int | None = Field(default=None, ge=1)
    time_s: float = Field(ge=0.0)
    action: SerializeAsAny[ActionBase]
    source: str = Field(default="user", min_length=1)
    note: str | None = None
    queued: bool = False
    cause: int | None = Field(default=None, ge=1)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise action_error(error, type(self)) from None

    @field_validator("action", mode="before")
    @classmethod
    def _action_from_mapping(cls, action: Any) -> Any:
        # Built through the action's own model so that its refusals read the same.
        if isinstance(action, dict):
            return action_from_dict(action)
        if not isinstance(action, ActionBase):
            raise ValueError("is not an action: give an action or a mapping with 'kind'")
        return action

    def order(self) -> str:
        """The action as a readable order."""
        return self.action.order()

    def to_record(self) -> dict[str, Any]:
        """A flat row: id, time_s, kind, order, source, note, queued, cause."""
        return {"id": self.id, "time_s": self.time_s, "kind": self.action.kind,
                "order": self.order(), "source": self.source, "note": self.note,
                "queued": self.queued, "cause": self.cause}  # fmt: skip


class EventLog:
    """Append-only, time-ordered events: `append`, iterate, `len`, index, export."""

    def __init__(self, events: tuple[Event, ...] | list[Event] = ()) -> None:
        self._events: list[Event] = []
        for event in events:
            self.append(event)

    def append(self, event: Event) -> Event:
        """Add `event` at the end, numbered; refused if it is earlier than the last event
        or carries another number than the next."""
        if not isinstance(event, Event):
            raise ActionError(f"event = {event!r} is not an Event")
        next_id = len(self._events) + 1
        if event.id is None:
            event = event.model_copy(update={"id": next_id})
        elif event.id != next_id:
            raise ActionError(f"id = {event.id}: the next event of this log is number {next_id}")
        if self._events and event.time_s < self._events[-1].time_s:
            last = self._events[-1].time_s
            raise ActionError(
                f"time_s = {event.time_s:g} is before the last event at {last:g} s; the "
                "event log only grows forward in time"
            )
        self._events.append(event)
        return event

    def record(
        self,
        time_s: float,
        action: ActionBase,
        source: str = "user",
        note: str | None = None,
        *,
        queued: bool = False,
        cause: int | None = None,
    ) -> Event:
        """Append the event of `action` at `time_s` from `source`, and return it."""
        return self.append(Event(time_s=time_s, action=action, source=source, note=note,
                                 queued=queued, cause=cause))  # fmt: skip

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __getitem__(self, index: int) -> Event:
        return self._events[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EventLog) and self._events == other._events

    __hash__ = None  # type: ignore[assignment]  # a growing container

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events)"

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per event (`Event.to_record`), e.g. for pandas."""
        return [event.to_record() for event in self._events]

    def to_json_lines(self) -> str:
        """One JSON object per line: time_s, order (for reading), then the event's fields."""
        lines = (
            json.dumps({"time_s": e.time_s, "order": e.order(), **e.model_dump(exclude={"time_s"})})
            for e in self._events
        )
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def from_json_lines(cls, text: str) -> "EventLog":
        """The log `to_json_lines` wrote; the `order` text is a copy and is not read."""
        log = cls()
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"event log line {number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise ActionError(f"{where}: not JSON ({error.msg})") from None
            if not isinstance(data, dict):
                raise ActionError(f"{where}: {data!r} is not a JSON object")
            data.pop("order", None)
            try:
                log.append(Event(**data))
            except ActionError as error:
                raise ActionError(*(f"{where}: {p}" for p in error.problems)) from None
        return log
