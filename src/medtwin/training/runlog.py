"""The run log of a case: everything that happened in a run, in time order, as JSON lines.

Scoring reads only this log, so a run can be scored again after its case changes; the
debrief reads it for its timeline; a what-if replays its trainee's actions. Entries:
- `start`: the case (name, label, digest of its text), the trainee script, coach, seed;
- `action`: an action given to the twin (the twin's event: order, fields, source —
  trainee, case, instructor, schedule, physiology);
- `refused`: a trainee's order the engine refused, with its reason;
- `phase`: a phase entered, with the trigger that fired;
- `event`: an instructor event;
- `callout`: a trainee's call-out to the team (author, text), for expected call-outs;
- `condition`: a critical error's condition met;
- `prompt`: what the coach said, with its rule and level;
- `observation`: key vitals, the rhythm and NEWS2, every few seconds;
- `end`: why the run ended (duration, an end phase) and that phase's outcome.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from medtwin.actions import ActionBase, ActionError, Event, action_from_dict
from medtwin.signals import BEDSIDE_VITALS
from medtwin.training.errors import CaseError, Problem

ENTRY_TYPES = (
    "start",
    "action",
    "refused",
    "phase",
    "event",
    "callout",
    "condition",
    "prompt",
    "observation",
    "end",
)
OBSERVED = (
    *BEDSIDE_VITALS,
    "consciousness_index",
    "fio2",
)
"""The vitals an observation keeps (with the rhythm and NEWS2): the monitor's and the
NEWS2 chart's."""


@dataclass(frozen=True)
class Entry:
    """One entry: its `type`, its case time and its fields."""

    type: str
    time_s: float
    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def action(self) -> ActionBase:
        """The action of an `action` entry."""
        return action_from_dict(self.data["action"])

    def to_json(self) -> str:
        return json.dumps(
            {"type": self.type, "time_s": self.time_s, **_finite(self.data)}, ensure_ascii=False
        )


def _finite(data: dict[str, Any]) -> dict[str, Any]:
    """NaN (a reading the monitor cannot make) as null, so the line is strict JSON."""
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in data.items()}


def action_entry(event: Event) -> Entry:
    """The log entry of a twin event."""
    return Entry(
        "action",
        event.time_s,
        {
            "order": event.order(),
            "source": event.source,
            "kind": event.action.kind,
            "action": event.action.model_dump(),
            "note": event.note,
            "event_id": event.id,
        },
    )


class RunLog:
    """The entries of one run, appended in time order."""

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self.entries: list[Entry] = list(entries or [])

    def add(self, type_: str, time_s: float, **data: Any) -> Entry:
        entry = Entry(type_, float(time_s), data)
        self.entries.append(entry)
        return entry

    def append(self, entry: Entry) -> None:
        self.entries.append(entry)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def of(self, *types: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.type in types]

    @property
    def start(self) -> Entry:
        return self.of("start")[0]

    @property
    def end(self) -> Entry | None:
        ends = self.of("end")
        return ends[-1] if ends else None

    def trainee_actions(self) -> list[tuple[float, ActionBase]]:
        """(time, action) of each action the trainee gave."""
        return [(e.time_s, e.action()) for e in self.of("action") if e["source"] == "trainee"]

    def to_json_lines(self) -> str:
        return "".join(entry.to_json() + "\n" for entry in self.entries)

    @classmethod
    def from_json_lines(cls, text: str, label: str = "run log") -> RunLog:
        """The log `to_json_lines` wrote; every malformed line is reported."""
        entries, problems = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entries.append(_entry(json.loads(line)))
            except json.JSONDecodeError as error:
                problems.append(Problem("", f"not JSON ({error.msg})", number))
            except (ValueError, ActionError) as error:
                problems.append(Problem("", str(error), number))
        if not problems and (not entries or entries[0].type != "start"):
            problems.append(Problem("", "a run log begins with its 'start' entry", 1))
        if problems:
            raise CaseError(problems, label)
        return cls(entries)


def _entry(data: Any) -> Entry:
    if not isinstance(data, dict):
        raise ValueError(f"{data!r} is not a JSON object")
    kind, time_s = data.pop("type", None), data.pop("time_s", None)
    if kind not in ENTRY_TYPES:
        raise ValueError(f"type = {kind!r} is not one of: {', '.join(ENTRY_TYPES)}")
    if not isinstance(time_s, int | float) or isinstance(time_s, bool) or not time_s >= 0:
        raise ValueError(f"time_s = {time_s!r} is not a time >= 0 s")
    entry = Entry(kind, float(time_s), data)
    if kind == "action":
        entry.action()  # refuses a malformed action now, naming its field
    return entry


def records(log: RunLog) -> list[dict[str, Any]]:
    """The log as plain dicts, one per entry (the hook a learning-record writer, e.g.
    xAPI statements, builds on): type, time_s and the entry's fields."""
    return [{"type": e.type, "time_s": e.time_s, **_finite(e.data)} for e in log]
