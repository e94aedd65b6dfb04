"""What an order can do to the heart's rhythm: one patient's rhythm state, by name.

The kernel changes the rhythm by the physiology (`cardiac.rhythm_step`); an instructor's
order ("rhythm ventricular fibrillation") or a rescue changes it through this view of
the patient's state row, which keeps the rhythm's clock and change counter consistent
with the kernel's own changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtwin.physiology.layout import PERFUSING_RHYTHMS, RHYTHM_NAMES, S


@dataclass(frozen=True)
class Heart:
    """One patient's rhythm state (a view of its state row)."""

    state: np.ndarray

    @property
    def rhythm(self) -> str:
        return RHYTHM_NAMES[int(self.state[S.RHYTHM])]

    @property
    def perfusing(self) -> bool:
        return self.rhythm in PERFUSING_RHYTHMS

    @property
    def irreversible(self) -> bool:
        """True once the twin is dead: no rhythm change can bring it back."""
        return bool(self.state[S.IRREVERSIBLE])

    def set_rhythm(self, name: str, rate_per_min: float = 0.0) -> None:
        """Change the rhythm to `name` now (one of RHYTHM_NAMES), beating at
        `rate_per_min` if it is an arrhythmia with a rate of its own."""
        self.state[S.RHYTHM] = RHYTHM_NAMES.index(name)
        self.state[S.RHYTHM_RATE] = rate_per_min
        self.state[S.RHYTHM_TIME] = 0.0
        self.state[S.RHYTHM_CHANGES] += 1.0

    def deliver_shock(self, energy_J: float, synchronised: bool) -> None:
        """Charge a shock of `energy_J` for the engine to deliver at its next step
        (`cardiac.rhythm_step` decides, with the twin's seeded stream, whether it ends
        the rhythm); `synchronised` times it on an R wave (cardioversion)."""
        self.state[S.SHOCK_ENERGY] = energy_J
        self.state[S.SHOCK_SYNCHRONISED] = 1.0 if synchronised else 0.0

    @property
    def shocks_delivered(self) -> int:
        return int(self.state[S.SHOCK_COUNT])

    def die(self) -> None:
        """The irreversible end: asystole for good."""
        self.state[S.IRREVERSIBLE] = 1.0
        self.set_rhythm("asystole")
