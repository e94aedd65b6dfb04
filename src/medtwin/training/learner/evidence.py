"""The attempts in a statements store: one per complete run, with a score per skill.

A run is complete when the store holds its verdict (`passed` or `failed` on the case's
`simulation` activity). Its skill scores are its objectives' `scored` statements
(`result.score.scaled`, the skill in the `skill` extension): the weighted mean of the
objectives that train the same skill (their `weight` extension). Statements of runs
without a verdict, and scored statements without a skill, are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from medtwin.training.xapi import vocabulary as v
from medtwin.training.xapi.statements import learner_key

VERDICTS = (v.VERBS["passed"], v.VERBS["failed"])


@dataclass(frozen=True)
class Attempt:
    """One learner's complete run of one case."""

    learner: str
    """`statements.learner_key` of the actor."""
    case: str
    """The case's name: the last segment of its activity IRI."""
    registration: str
    timestamp: str
    passed: bool
    declared_difficulty: int | None
    skills: dict[str, float] = field(default_factory=dict)
    """Score in [0, 1] by skill."""


def case_name(iri: str) -> str:
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1])


def attempts(statements: Iterable[dict[str, Any]]) -> list[Attempt]:
    """The complete runs in `statements`, oldest first (by the verdict's timestamp)."""
    verdicts: dict[str, dict[str, Any]] = {}
    scored: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for statement in statements:
        registration = (statement.get("context") or {}).get("registration")
        if registration is None:
            continue
        verb = statement["verb"]["id"]
        obj = statement["object"]
        definition = obj.get("definition") or {}
        if verb in VERDICTS and definition.get("type") == v.SIMULATION:
            verdicts[registration] = statement
        elif verb == v.VERBS["scored"]:
            scored[registration].append(statement)
    found = [_attempt(verdicts[r], scored.get(r, [])) for r in verdicts]
    return sorted(found, key=lambda a: (_moment(a.timestamp), a.registration))


def _moment(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def _attempt(verdict: dict[str, Any], scored: list[dict[str, Any]]) -> Attempt:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for statement in scored:
        result = statement.get("result") or {}
        extensions = result.get("extensions") or {}
        skill = extensions.get(v.SKILL)
        scaled = (result.get("score") or {}).get("scaled")
        if not isinstance(skill, str) or not _number(scaled):
            continue
        weight = extensions.get(v.extension("weight"), 1.0)
        weight = weight if _number(weight) and weight > 0 else 1.0
        totals[skill][0] += weight * min(max(scaled, 0.0), 1.0)
        totals[skill][1] += weight
    definition = verdict["object"].get("definition") or {}
    difficulty = (definition.get("extensions") or {}).get(v.extension("difficulty"))
    return Attempt(
        learner=learner_key(verdict["actor"]),
        case=case_name(verdict["object"]["id"]),
        registration=verdict["context"]["registration"],
        timestamp=verdict["timestamp"],
        passed=bool((verdict.get("result") or {}).get("success")),
        declared_difficulty=difficulty if isinstance(difficulty, int) else None,
        skills={skill: earned / weight for skill, (earned, weight) in sorted(totals.items())},
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value
