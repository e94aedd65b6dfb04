"""What every chronic condition shares: a name, a severity, its sources, its effect.

A condition is a chronic state set before a run (Pulse's vocabulary: conditions are not
actions). Its severity runs from 0 (none) to 1 (the severe end of the published
range, stated by each condition). It changes the engine's parameters in two places of
their derivation (`physiology.scaling.parameters_for`): `on_constants` before the
patient's scaling (so values derived from a constant follow it), `on_patient` after it
(for values that scaling computes from the patient, such as haemoglobin).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ParameterChange = Callable[[np.ndarray, float], None]
"""Changes a parameter vector in place for a severity in (0, 1]."""


def _unchanged(values: np.ndarray, severity: float) -> None:
    """No change at this stage."""


@dataclass(frozen=True)
class ConditionKind:
    """One chronic condition the engine models."""

    name: str
    description: str
    severity_scale: str
    """What severities 0 and 1 mean, in clinical terms."""
    sources: tuple[str, ...]
    on_constants: ParameterChange = _unchanged
    on_patient: ParameterChange = _unchanged


CONDITIONS: dict[str, ConditionKind] = {}
"""Every condition kind, by name."""


def register(kind: ConditionKind) -> ConditionKind:
    """Add a condition kind to the registry (its name must be new)."""
    if kind.name in CONDITIONS:
        raise TypeError(f"condition {kind.name!r} is registered twice")
    CONDITIONS[kind.name] = kind
    return kind
