"""A run log read for what the triggers and the scoring ask of it.

The runner feeds every entry it logs to its `Timeline` as the run goes (to fire
transitions); scoring builds one from a finished log (`Timeline.from_log`). So a run
is judged the same way live and afterwards, by one reading of the log: the visits to
each phase, the trainee's actions and call-outs, the instructor's events, what the physiology did
(arrest, return of circulation, death) and the critical errors' conditions met.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medtwin.actions import ActionBase
from medtwin.physiology.layout import PERFUSING_RHYTHMS
from medtwin.physiology_events import SOURCE as PHYSIOLOGY
from medtwin.training.runlog import Entry, RunLog


@dataclass
class Visit:
    """A stay in a phase, from `start_s` to `end_s` (None: still there)."""

    phase: str
    start_s: float
    end_s: float | None = None

    def holds(self, time_s: float) -> bool:
        return self.start_s <= time_s and (self.end_s is None or time_s <= self.end_s)


@dataclass
class Timeline:
    """What a run log says happened, by kind."""

    visits: list[Visit] = field(default_factory=list)
    trainee: list[tuple[float, ActionBase]] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)
    callouts: list[tuple[float, str]] = field(default_factory=list)
    """(time, text) of each call-out the trainees made."""
    physiology: list[tuple[float, str]] = field(default_factory=list)
    conditions: list[tuple[float, str]] = field(default_factory=list)
    rhythm: str = "sinus"
    end_s: float | None = None
    outcome: str | None = None

    @classmethod
    def from_log(cls, log: RunLog) -> Timeline:
        timeline = cls()
        for entry in log:
            timeline.take(entry)
        return timeline

    def take(self, entry: Entry) -> None:
        """Read one more entry of the log."""
        if entry.type == "phase":
            if self.visits:
                self.visits[-1].end_s = entry.time_s
            self.visits.append(Visit(entry["phase"], entry.time_s))
        elif entry.type == "action":
            self._action(entry)
        elif entry.type == "event":
            self.events.append((entry.time_s, entry["name"]))
        elif entry.type == "callout":
            self.callouts.append((entry.time_s, entry["text"]))
        elif entry.type == "condition":
            self.conditions.append((entry.time_s, entry["condition"]))
        elif entry.type == "end":
            self.end_s = entry.time_s
            self.outcome = entry.get("outcome")
            if self.visits and self.visits[-1].end_s is None:
                self.visits[-1].end_s = entry.time_s

    def _action(self, entry: Entry) -> None:
        if entry["source"] == "trainee":
            self.trainee.append((entry.time_s, entry.action()))
        kind = entry["kind"]
        if kind == "death" and entry["source"] == PHYSIOLOGY:
            self.physiology.append((entry.time_s, "death"))
        elif kind == "rhythm":
            before, after = self.rhythm, entry["action"]["rhythm"]
            self.rhythm = after
            if entry["source"] == PHYSIOLOGY:
                was, now = before in PERFUSING_RHYTHMS, after in PERFUSING_RHYTHMS
                if was != now:
                    self.physiology.append((entry.time_s, "rosc" if now else "arrest"))

    @property
    def phase(self) -> str | None:
        return self.visits[-1].phase if self.visits else None

    def first_visit(self, phase: str) -> Visit | None:
        return next((visit for visit in self.visits if visit.phase == phase), None)

    def in_phase(self, phase: str, time_s: float) -> bool:
        return any(v.phase == phase and v.holds(time_s) for v in self.visits)

    @property
    def died(self) -> bool:
        return any(kind == "death" for _, kind in self.physiology)
