"""A training case in a live session: its phases, triggers, insults, instructor events,
scoring and coach, on the session's own twin (`training.runner.CaseRun` driven by the
session's clock instead of its own).

The live session calls `react` at every whole simulated second (after recording the
vitals of that second) and `noticed` after every order, exactly as the headless runner
ticks, so a session replayed from its first second after a restart (`recover`) is the
same run, log entry for log entry. What the case does is for the instructor's eyes:
`news` gives the entries the instructor console shows and `summary` the live score;
trainees see none of it until the debrief.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from medtwin.training.loading import LoadedCase, bundled_cases, load_case
from medtwin.training.model import Script
from medtwin.training.runlog import Entry, RunLog, records
from medtwin.training.runner import TRAINEE, CaseRun
from medtwin.training.scoring import Score, score_run

LIVE_TRAINEE = "live session"
"""The trainee a live run's log names (its actions say `by` whom)."""
LIVE_COACH = "full"
"""The coach speaks to the instructor, who decides what the team hears."""
INSTRUCTOR_ENTRIES = frozenset(
    {"phase", "event", "callout", "condition", "prompt", "end", "action"}
)
"""The log entries the instructor console is sent as they happen (observations are
the monitor's, and refusals go to whoever gave the order)."""


@functools.cache
def library_case(name: str) -> LoadedCase:
    """A bundled case by name (read once); a clear error naming the ones there are."""
    cases = sorted(bundled_cases())
    if name not in cases:
        raise ValueError(f"case = {name!r} is not in the library (cases: {', '.join(cases)})")
    return load_case(name)


def library() -> list[LoadedCase]:
    """Every bundled case, by name."""
    return [library_case(name) for name in sorted(bundled_cases())]


def case_listing(loaded: LoadedCase) -> dict[str, Any]:
    """What the lobby shows of a case before it starts (the instructor's briefing)."""
    case = loaded.case
    return {
        "name": case.name,
        "title": case.title,
        "summary": case.summary,
        "difficulty": case.difficulty,
        "audience": list(case.audience),
        "tags": list(case.tags),
        "duration_s": case.duration,
        "patient": loaded.patient.model_dump(mode="json"),
        "history": case.history,
        "handover": case.handover,
        "objectives": [objective.text for objective in case.objectives],
        "events": instructor_events(loaded),
        "phases": [{"name": p.name, "text": p.text} for p in case.phases],
    }


def instructor_events(loaded: LoadedCase) -> list[dict[str, str]]:
    """The events the instructor may fire, with what each means."""
    return [{"name": e.name, "text": e.text} for e in loaded.case.instructor_events]


def handover(loaded: LoadedCase) -> dict[str, str]:
    """What the team is told when the case starts: no more than a real handover."""
    return {"title": loaded.case.title, "history": loaded.case.history,
            "handover": loaded.case.handover}  # fmt: skip


def score_summary(score: Score) -> dict[str, Any]:
    """The live score as the instructor console shows it."""
    return {
        "total": score.total,
        "pass_score": score.pass_score,
        "passed": score.passed,
        "alive": score.alive,
        "gate_failures": list(score.gate_failures),
        "actions": [
            {
                "id": r.item.id,
                "text": r.item.text,
                "class": r.item.action_class,
                "phase": r.phase,
                "status": r.status,
                "time_s": r.time_s,
            }
            for r in score.actions
        ],
        "errors": [{"id": e.id, "text": e.text, "time_s": e.time_s} for e in score.errors],
    }


class RoomCase:
    """One case run on a live session's twin."""

    def __init__(self, loaded: LoadedCase, twin, is_trainee: Callable[[str], bool]) -> None:
        self.loaded = loaded
        self.run = CaseRun(loaded, Script(), trainee=LIVE_TRAINEE, coach=LIVE_COACH,
                           twin=twin, is_trainee=is_trainee)  # fmt: skip
        self._sent = 0

    @property
    def name(self) -> str:
        return self.loaded.case.name

    @property
    def finished(self) -> bool:
        return self.run.finished

    def start(self) -> None:
        """Give the case's starting insults and enter its first phase (at time 0)."""
        self.run.start()

    def react(self) -> None:
        if not self.run.finished:
            self.run.react()

    def noticed(self) -> None:
        self.run.noticed()

    def fire(self, name: str) -> None:
        self.run.fire(name)

    def said(self, author: str, text: str) -> None:
        self.run.said(author, text)

    def finish(self, reason: str) -> None:
        if not self.run.finished:
            self.run.finish(reason)

    def phase(self) -> dict[str, str]:
        visit = self.run.timeline.visits[-1]
        return {"name": visit.phase, "text": self.loaded.case.phase(visit.phase).text}

    def summary(self) -> dict[str, Any]:
        """The phase, whether the case is over, and the score so far."""
        return {"name": self.name, "title": self.loaded.case.title, "phase": self.phase(),
                "finished": self.run.finished,
                "score": score_summary(score_run(self.loaded.case, self.run.log))}  # fmt: skip

    def news(self) -> list[dict[str, Any]]:
        """The instructor's log entries since the last call (every one once)."""
        entries = self.run.log.entries[self._sent :]
        self._sent = len(self.run.log.entries)
        return instructor_records(entries)

    def so_far(self) -> list[dict[str, Any]]:
        """Every instructor's log entry up to now (a console that joins late)."""
        return instructor_records(self.run.log.entries)


def instructor_records(entries: list[Entry]) -> list[dict[str, Any]]:
    """The entries the console shows, as JSON records: the trainees' actions, not the
    case's own orders."""
    shown = [e for e in entries if e.type in INSTRUCTOR_ENTRIES]
    return [r for r in records(RunLog(shown)) if r["type"] != "action" or r["source"] == TRAINEE]
