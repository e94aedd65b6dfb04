"""The checks of a case that need the engine or the whole case, so that nothing fails
when it runs.

Every order (starting insults, orders on entering a phase, expected actions, actions of
triggers, scripts) is read by the engine's own order parser and checked for the case's
patient (an unknown drug, a dose over its limit for this weight); every condition names
a signal the twin reports; transitions lead to phases that exist; every phase can be
reached from the first; every window can be met (it opens before its phase must end
and before the case's duration); every name a key refers to (objectives, events,
expected actions, phases) exists. Problems come back as (path, message) pairs.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from medtwin.actions import ActionError, parse_order
from medtwin.patients import Patient, PatientError, load_patient
from medtwin.training.conditions import condition_error
from medtwin.training.matching import range_problems
from medtwin.training.model import (
    PENALISED_CLASSES,
    SCORED_CLASSES,
    Case,
    PatientSpec,
    Script,
    Trigger,
)
from medtwin.training.times import clock

Path_ = tuple[Any, ...]
Found = list[tuple[Path_, str]]
TRANSITION_ONLY = ("after", "at")
ERROR_ONLY = ("phase", "missed")


def case_problems(case: Case, folder: Path | None) -> tuple[Patient | None, Found]:
    """The case's patient (None if it cannot be made) and every problem of the case."""
    found: Found = []
    patient = _patient(case.patient, folder, found)
    _unique(found, case)
    _orders(found, ("start",), case.start, patient)
    for p, phase in enumerate(case.phases):
        _orders(found, ("phases", p, "on_enter"), phase.on_enter, patient)
    _phases(found, case, patient)
    _critical_errors(found, case, patient)
    _objectives(found, case)
    _references(found, case)
    for w, watch in enumerate(case.coach.watch):
        if problem := condition_error(watch.condition):
            found.append((("coach", "watch", w, "condition"), problem))
    for name, script in case.trainees.items():
        found += script_problems(script, case, patient, ("trainees", name))
    return patient, found


def _patient(spec: PatientSpec, folder: Path | None, found: Found) -> Patient | None:
    try:
        if spec.name is not None:
            base = load_patient(spec.name)
        elif spec.file is not None:
            base = load_patient((folder or Path.cwd()) / spec.file)
        else:
            base = Patient(
                name="case patient",
                sex=spec.sex,
                age_years=spec.age_years,
                height_cm=spec.height_cm,
                weight_kg=spec.weight_kg,
            )
        return Patient(
            **{
                **base.model_dump(),
                "conditions": {**base.conditions, **spec.conditions},
                "overrides": {**base.overrides, **spec.overrides},
            }
        )
    except PatientError as error:
        found += [(("patient",), problem) for problem in error.problems]
        return None


def _orders(found: Found, path: Path_, orders: Iterable[str], patient: Patient | None) -> None:
    for index, text in enumerate(orders):
        if problem := order_problem(text, patient):
            found.append(((*path, index), problem))


def order_problem(text: str, patient: Patient | None) -> str | None:
    """Why the engine would refuse the order `text` for `patient` (None: a patient that
    could not be made, so only the order's reading is checked), or None."""
    try:
        action = parse_order(text)
        if patient is not None:
            action.check(patient)
    except ActionError as error:
        return "; ".join(error.problems)
    return None


def _unique(found: Found, case: Case) -> None:
    groups = {
        "phase": [(("phases", p, "name"), phase.name) for p, phase in enumerate(case.phases)],
        "objective": [(("objectives", o, "id"), ob.id) for o, ob in enumerate(case.objectives)],
        "instructor event": [
            (("instructor_events", e, "name"), ev.name)
            for e, ev in enumerate(case.instructor_events)
        ],
        "expected action or critical error": [
            *(
                (("phases", p, "expected", x, "id"), item.id)
                for p, phase in enumerate(case.phases)
                for x, item in enumerate(phase.expected)
            ),
            *(
                (("critical_errors", c, "id"), error.id)
                for c, error in enumerate(case.critical_errors)
            ),
        ],
    }
    for what, named in groups.items():
        seen: set[str] = set()
        for path, name in named:
            if name in seen:
                found.append((path, f"{what} {name!r} is defined twice (names must be unique)"))
            seen.add(name)


def _phases(found: Found, case: Case, patient: Patient | None) -> None:
    names = {phase.name for phase in case.phases}
    earliest = earliest_entry_s(case)
    for p, phase in enumerate(case.phases):
        if phase.end and phase.transitions:
            found.append(
                (("phases", p, "transitions"), "an end phase ends the case: it has no transitions")
            )
        if phase.outcome is not None and not phase.end:
            found.append((("phases", p, "outcome"), "only an end phase has an outcome"))
        for t, transition in enumerate(phase.transitions):
            path = ("phases", p, "transitions", t)
            if transition.to not in names:
                found.append(
                    (
                        (*path, "to"),
                        f"to = {transition.to!r} is not a phase of the case "
                        f"(phases: {', '.join(sorted(names))})",
                    )
                )
            _trigger(found, (*path, "when"), transition.when, case, patient, "transition")
        if math.isinf(earliest[phase.name]):
            found.append(
                (
                    ("phases", p, "name"),
                    f"phase {phase.name!r} cannot be reached from "
                    f"the first phase ({case.phases[0].name!r}) by any transition",
                )
            )
        for x, item in enumerate(phase.expected):
            path = ("phases", p, "expected", x)
            if item.action is not None:
                _matcher(found, path, item.action, item.range, patient)
            if problem := _window_problem(case, phase, item, earliest[phase.name]):
                found.append(((*path, "window"), problem))


def _window_problem(case: Case, phase, item, earliest_s: float) -> str | None:
    start, end = item.window
    if end is not None and end < start:
        return f"window [{start:g}, {end:g}] s ends before it starts"
    if phase.end:
        return f"phase {phase.name!r} ends the case when entered: nothing can be done in it"
    if math.isinf(earliest_s):
        return None  # the unreachable phase is reported itself
    opens_s = start if item.relative_to == "case" else earliest_s + start
    if opens_s >= case.duration:
        return (
            f"window opens at {clock(opens_s)} at the earliest, not before the case "
            f"ends at {clock(case.duration)}"
        )
    if item.relative_to == "case" and end is not None and end < earliest_s:
        return (
            f"window closes at {clock(end)}, before phase {phase.name!r} can be "
            f"entered (at {clock(earliest_s)} at the earliest)"
        )
    latest_stay = [t.when.after for t in phase.transitions if t.when.after is not None]
    if item.relative_to == "phase" and latest_stay and start >= min(latest_stay):
        return (
            f"window opens {clock(start)} into the phase, but the phase is left after "
            f"{clock(min(latest_stay))} at the latest (its 'after' transition)"
        )
    return None


def earliest_entry_s(case: Case) -> dict[str, float]:
    """The earliest case time each phase can be entered (inf: never), by the times its
    transitions must wait ('after', 'at'; any other trigger may fire at once)."""
    best = {phase.name: math.inf for phase in case.phases}
    best[case.phases[0].name] = 0.0
    queue = [(0.0, case.phases[0].name)]
    while queue:
        time_s, name = heapq.heappop(queue)
        if time_s > best.get(name, math.inf):
            continue
        for transition in case.phase(name).transitions:
            when = transition.when
            if when.after is not None:
                arrive = time_s + when.after
            elif when.at is not None:
                arrive = max(time_s, when.at)
            else:
                arrive = time_s
            if transition.to in best and arrive < best[transition.to]:
                best[transition.to] = arrive
                heapq.heappush(queue, (arrive, transition.to))
    return best


def _matcher(found: Found, path: Path_, orders: list[str], ranges, patient: Patient | None) -> None:
    bad = False
    for index, text in enumerate(orders):
        if problem := order_problem(text, patient):
            found.append(((*path, "action", index), problem))
            bad = True
    if not bad:
        found += [((*path, "range"), problem) for problem in range_problems(orders, ranges)]


def _trigger(found: Found, path: Path_, when: Trigger, case: Case, patient, role: str) -> None:
    key = when.key
    if role == "transition" and (key in ERROR_ONLY or when.in_phase is not None):
        found.append(
            (
                path,
                f"{key if key in ERROR_ONLY else 'in_phase'} is for critical "
                "errors; a transition waits for after, at, condition, action, event or physiology",
            )
        )
    if role == "error" and key in TRANSITION_ONLY:
        found.append(
            (
                path,
                f"{key} is a time; a critical error waits for a condition, action, "
                "event, physiology, phase or missed action",
            )
        )
    if when.condition is not None and (problem := condition_error(when.condition)):
        found.append(((*path, "condition"), problem))
    if when.action is not None:
        _matcher(found, path, when.action, when.range, patient)
    events = {event.name for event in case.instructor_events}
    if when.event is not None and when.event not in events:
        found.append(
            (
                (*path, "event"),
                f"event = {when.event!r} is not an instructor event of "
                f"the case (events: {', '.join(sorted(events)) or 'none declared'})",
            )
        )
    phases = {phase.name for phase in case.phases}
    for name, value in (("phase", when.phase), ("in_phase", when.in_phase)):
        if value is not None and value not in phases:
            found.append(((*path, name), f"{name} = {value!r} is not a phase of the case"))
    expected = {item.id: item for _, item in case.expected_actions()}
    if when.missed is not None:
        item = expected.get(when.missed)
        if item is None:
            found.append(
                (
                    (*path, "missed"),
                    f"missed = {when.missed!r} is not an expected action "
                    f"of the case (expected: {', '.join(expected) or 'none'})",
                )
            )
        elif item.action_class not in SCORED_CLASSES:
            found.append(
                (
                    (*path, "missed"),
                    f"missed = {when.missed!r} is {item.action_class}: "
                    "only a critical or recommended action can be missed",
                )
            )


def _critical_errors(found: Found, case: Case, patient) -> None:
    for c, error in enumerate(case.critical_errors):
        _trigger(found, ("critical_errors", c, "when"), error.when, case, patient, "error")


def _objectives(found: Found, case: Case) -> None:
    ids = {objective.id for objective in case.objectives}
    scored: set[str] = set()
    for p, phase in enumerate(case.phases):
        for x, item in enumerate(phase.expected):
            objective = item.objective or (case.objectives[0].id if len(ids) == 1 else None)
            counted = item.action_class in (*SCORED_CLASSES, *PENALISED_CLASSES)
            if item.objective is not None and item.objective not in ids:
                found.append(
                    (
                        ("phases", p, "expected", x, "objective"),
                        f"objective = {item.objective!r} is not an objective of the case "
                        f"(objectives: {', '.join(sorted(ids))})",
                    )
                )
            elif objective is None and counted:
                found.append(
                    (
                        ("phases", p, "expected", x),
                        "objective is missing: a case with several objectives names the "
                        "one each scored or penalised action counts for",
                    )
                )
            if item.action_class in SCORED_CLASSES and objective is not None:
                scored.add(objective)
    for o, objective in enumerate(case.objectives):
        if objective.id not in scored:
            found.append(
                (
                    ("objectives", o),
                    f"objective {objective.id!r} has no critical or recommended action to score it",
                )
            )
    for c, error in enumerate(case.critical_errors):
        if error.objective is not None and error.objective not in ids:
            found.append(
                (
                    ("critical_errors", c, "objective"),
                    f"objective = {error.objective!r} is not an objective of the case",
                )
            )


def _references(found: Found, case: Case) -> None:
    named = {item.id for _, item in case.expected_actions()} | {e.id for e in case.critical_errors}
    for d, point in enumerate(case.debrief):
        if point.about is not None and point.about not in named:
            found.append(
                (
                    ("debrief", d, "about"),
                    f"about = {point.about!r} is not an expected "
                    "action or critical error of the case",
                )
            )


def gate_names(case: Case) -> set[str]:
    """The names a gate failure can have: critical error ids and 'missed:<id>' (or
    'late:<id>') of each critical action."""
    critical = [item.id for _, item in case.expected_actions() if item.action_class == "critical"]
    return (
        {error.id for error in case.critical_errors}
        | {f"missed:{i}" for i in critical}
        | {f"late:{i}" for i in critical}
    )


def script_problems(script: Script, case: Case, patient: Patient | None, path: Path_) -> Found:
    """Every problem of a trainee script against `case` (its orders for the patient, its
    phases and events, its times within the case)."""
    found: Found = []
    phases = {phase.name for phase in case.phases}
    events = {event.name for event in case.instructor_events}
    for a, entry in enumerate(script.actions):
        where = (*path, "actions", a)
        if entry.order is not None and (problem := order_problem(entry.order, patient)):
            found.append(((*where, "order"), problem))
        if entry.event is not None and entry.event not in events:
            found.append(
                (
                    (*where, "event"),
                    f"event = {entry.event!r} is not an instructor event "
                    f"of the case (events: {', '.join(sorted(events)) or 'none declared'})",
                )
            )
        if entry.phase is not None and entry.phase not in phases:
            found.append(((*where, "phase"), f"phase = {entry.phase!r} is not a phase of the case"))
        if entry.at is not None and entry.at > case.duration:
            found.append(
                (
                    (*where, "at"),
                    f"at = {clock(entry.at)} is after the case's end ({clock(case.duration)})",
                )
            )
    if script.expect is not None:
        known = gate_names(case)
        for e, name in enumerate(script.expect.critical_errors):
            if name not in known:
                found.append(
                    (
                        (*path, "expect", "critical_errors", e),
                        f"{name!r} is not a gate of the case (gates: {', '.join(sorted(known))})",
                    )
                )
    return found
