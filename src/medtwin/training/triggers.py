"""Whether a trigger of a case has fired: read from the run's timeline and its clocks.

One reading for the runner (transitions, live) and for scoring (critical errors, from a
finished log): a trigger counts what happened from `since_s` on (the phase's start for
a transition, the case's start for a critical error).
"""

from __future__ import annotations

from collections.abc import Mapping

from medtwin.training.conditions import ConditionClock
from medtwin.training.matching import pattern_matcher
from medtwin.training.model import Trigger
from medtwin.training.timeline import Timeline

EPSILON_S = 1e-6


def fired(
    when: Trigger,
    timeline: Timeline,
    since_s: float,
    now_s: float,
    clocks: Mapping[str, ConditionClock] | None = None,
) -> bool:
    """Whether `when` has fired between `since_s` and `now_s`. A condition is read from
    its live clock when `clocks` are given, else from the log's conditions met."""
    return first_time(when, timeline, since_s, now_s, clocks) is not None


def first_time(
    when: Trigger,
    timeline: Timeline,
    since_s: float,
    now_s: float,
    clocks: Mapping[str, ConditionClock] | None = None,
) -> float | None:
    """The first time `when` fired in [since_s, now_s], or None."""
    if when.after is not None:
        at = since_s + when.after
        return at if at <= now_s + EPSILON_S else None
    if when.at is not None:
        return max(when.at, since_s) if when.at <= now_s + EPSILON_S else None
    if when.condition is not None:
        if clocks is not None:
            return now_s if clocks[when.condition].met(now_s, since_s) else None
        return _first(
            t for t, text in timeline.conditions if text == when.condition and t >= since_s
        )
    if when.action is not None:
        match = pattern_matcher(when.action, when.range)
        return _first(t for t, action in timeline.trainee if t >= since_s and match.matches(action))
    if when.event is not None:
        return _first(t for t, name in timeline.events if t >= since_s and name == when.event)
    if when.physiology is not None:
        return _first(
            t for t, kind in timeline.physiology if t >= since_s and kind == when.physiology
        )
    if when.phase is not None:
        return _first(
            v.start_s for v in timeline.visits if v.phase == when.phase and v.start_s >= since_s
        )
    return None  # `missed` is judged by the scoring, from the expected actions' results


def _first(times) -> float | None:
    return next(iter(times), None)
