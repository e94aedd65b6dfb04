"""Chronic conditions set before a run: typed, with severities, sources and effects.

`Patient.conditions` maps condition names to severities in (0, 1], e.g.
`{"hypertension": 0.5, "copd": 1.0}`. Each condition kind (one per module family here)
says what its severities mean and how it changes the engine's parameters
(`ConditionKind`); `physiology.scaling.parameters_for` applies them.
"""

from medtwin.patients.conditions import blood, cardiovascular, respiratory  # noqa: F401
from medtwin.patients.conditions.base import CONDITIONS, ConditionKind, register

__all__ = ["CONDITIONS", "ConditionKind", "condition_kind", "register"]


def condition_kind(name: str) -> ConditionKind:
    """The condition called `name`; `KeyError` naming the known ones."""
    if name not in CONDITIONS:
        raise KeyError(f"unknown condition {name!r}; known: {', '.join(sorted(CONDITIONS))}")
    return CONDITIONS[name]
