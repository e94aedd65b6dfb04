"""An ensemble of twins: forks of one twin whose free parameters differ.

Each member is a fork of the twin with its own variability seed and its own values of
the free parameters (`free_parameters`); the members are rows of one batch of the
compiled kernel (`batched.BatchedMembers`), advanced together. The estimator reads
their vitals and moves their parameters (written into their rows in place), and
forecasts fork them again. Parameters are handled in a transformed space where a
Gaussian spread makes sense: logarithms for the positive ones (periods, elastances,
rates, conductances), plain values for the set point and the shunt fraction (kept
within `calibration.SHUNT_LIMITS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from medtwin.assimilation.batched import BatchedMembers
from medtwin.assimilation.calibration import SHUNT_LIMITS
from medtwin.assimilation.free_parameters import BY_NAME, base_values, overrides_for
from medtwin.patients import Patient
from medtwin.physiology.parameters import P
from medtwin.twin import Snapshot, Twin

LINEAR = ("P_N", "SHUNT")
MEMBER_HISTORY_S = 2.0
"""Members keep two seconds of 1 Hz history: the estimator reads `vitals()`, and short
histories keep each snapshot (a parameter update) cheap."""


def to_space(name: str, value: float) -> float:
    return value if name in LINEAR else float(np.log(value))


def from_space(name: str, value: float) -> float:
    if name == "SHUNT":
        return float(np.clip(value, *SHUNT_LIMITS))
    return value if name in LINEAR else float(np.exp(value))


class Ensemble:
    """Members forked from `twin`, their parameters spread by `rng`."""

    def __init__(
        self, twin: Twin, names: Sequence[str], members: int, rng: np.random.Generator
    ) -> None:
        if members < 2:
            raise ValueError(f"members = {members!r}: an ensemble needs at least 2 members")
        snapshot = _lean(twin.snapshot())
        self.names = tuple(names)
        self.base = base_values(snapshot.params)
        centre = np.array([to_space(n, self.base[n]) for n in self.names])
        spread = np.array([BY_NAME[n].log_spread for n in self.names])
        self.theta = centre + rng.standard_normal((members, len(self.names))) * spread
        rows = []
        for i in range(members):
            params = snapshot.params.copy()
            params[P.SEED] = float(twin.seed * 1000 + i)
            rows.append(dataclasses.replace(snapshot, params=params))
        self.members = BatchedMembers(rows)
        self.apply_parameters()

    @property
    def time_s(self) -> float:
        return self.members.time_s

    @property
    def patient(self) -> Patient:
        return self.members.patient

    def values(self) -> list[dict[str, float]]:
        """The free parameters of every member, in their units."""
        return [
            {n: from_space(n, t) for n, t in zip(self.names, row, strict=True)}
            for row in self.theta
        ]

    def apply_parameters(self) -> None:
        """Write each member's `theta` into its engine parameters."""
        params = self.members.params
        for i, values in enumerate(self.values()):
            for name, value in overrides_for(values, self.base).items():
                if name != "T_CORE_SET":  # the starting temperature only matters at rest
                    params[i, P[name]] = value

    def advance(self, seconds: float) -> None:
        self.members.advance(seconds)

    def predicted(self, signals: Sequence[str]) -> np.ndarray:
        """(members, signals) of the members' current vitals."""
        return self.members.values(signals)

    def snapshots(self) -> list[Snapshot]:
        return self.members.snapshots()


def _lean(snapshot: Snapshot) -> Snapshot:
    """The snapshot with a short history and no waveforms, for cheap member updates."""
    settings = dataclasses.replace(
        snapshot.settings, waveform_seconds=0.0, history_seconds=MEMBER_HISTORY_S
    )
    keep = snapshot.history_times_s >= snapshot.history_times_s.max(initial=0.0) - MEMBER_HISTORY_S
    return dataclasses.replace(
        snapshot,
        settings=settings,
        history_times_s=snapshot.history_times_s[keep],
        history=snapshot.history[keep],
        wave_times_s=snapshot.wave_times_s[:0],
        waves=snapshot.waves[:0],
    )
