"""Mammillary compartment kinetics with an effect site: exact solutions, no time stepping.

The state is x = [A1, A2, A3, Ce]: the drug amounts in the central and two peripheral
compartments (in the drug's amount unit) and the effect-site concentration (amount per
litre). Drug enters the central compartment; dCe/dt = ke0·(A1/V1 − Ce), so the effect
site takes no drug out of the body, as in the published PK/PD models. With a constant
infusion u the system is linear with constant coefficients, x' = M·x + b·u, and

    x(t + Δt) = Φ(Δt)·x(t) + Γ(Δt)·u,   Φ = e^{MΔt},   Γ = ∫₀^Δt e^{Ms} ds · b,

both read off one matrix exponential of the augmented matrix [[M, b], [0, 0]]
(Van Loan, IEEE Trans Autom Control 1978;23:395–404). `simulate` superposes the
responses to each bolus and to the start and end of each infusion, which is the
classical sum-of-exponentials solution evaluated without diagonalising M (so repeated
eigenvalues, e.g. ke0 = k10, need no special case).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SECONDS_PER_MINUTE = 60.0


@dataclass(frozen=True)
class PKParameters:
    """Volume of the central compartment and micro-rate constants of one patient.

    All rate constants are per MINUTE, as published; compartments a model does not have
    carry zero rates. `ke0` is zero for a drug without an effect site.
    """

    v1_L: float
    k10: float
    k12: float
    k21: float
    k13: float
    k31: float
    ke0: float
    n_compartments: int

    def __post_init__(self) -> None:
        rates = {"k10": self.k10, "k12": self.k12, "k21": self.k21, "k13": self.k13}
        rates |= {"k31": self.k31, "ke0": self.ke0}
        problems = [
            f"{name} = {value!r} /min must be a finite number ≥ 0"
            for name, value in rates.items()
            if not (math.isfinite(value) and value >= 0.0)
        ]
        if not (math.isfinite(self.v1_L) and self.v1_L > 0.0):
            problems.append(f"v1_L = {self.v1_L!r} L must be a finite number above 0")
        if self.n_compartments not in (1, 2, 3):
            problems.append(f"n_compartments = {self.n_compartments!r} must be 1, 2 or 3")
        else:
            if self.n_compartments < 3 and (self.k13 or self.k31):
                problems.append(
                    f"k13 and k31 must be 0 in a {self.n_compartments}-compartment model"
                )
            if self.n_compartments < 2 and (self.k12 or self.k21):
                problems.append("k12 and k21 must be 0 in a 1-compartment model")
            if self.n_compartments >= 2 and not (self.k12 > 0 and self.k21 > 0):
                problems.append("k12 and k21 must be above 0 when compartment 2 exists")
            if self.n_compartments == 3 and not (self.k13 > 0 and self.k31 > 0):
                problems.append("k13 and k31 must be above 0 when compartment 3 exists")
        if problems:
            raise ValueError("invalid PK parameters: " + "; ".join(problems))

    @property
    def v2_L(self) -> float:
        """Volume of the fast peripheral compartment (V1·k12/k21), 0 if absent."""
        return self.v1_L * self.k12 / self.k21 if self.k21 else 0.0

    @property
    def v3_L(self) -> float:
        """Volume of the slow peripheral compartment (V1·k13/k31), 0 if absent."""
        return self.v1_L * self.k13 / self.k31 if self.k31 else 0.0

    @property
    def clearance_L_per_min(self) -> float:
        """Elimination clearance V1·k10."""
        return self.v1_L * self.k10

    def rate_matrix_per_s(self) -> np.ndarray:
        """M of x' = M·x + b·u for x = [A1, A2, A3, Ce], per second."""
        k10, k12, k21, k13, k31, ke0 = (
            rate / SECONDS_PER_MINUTE
            for rate in (self.k10, self.k12, self.k21, self.k13, self.k31, self.ke0)
        )
        return np.array(
            [
                [-(k10 + k12 + k13), k21, k31, 0.0],
                [k12, -k21, 0.0, 0.0],
                [k13, 0.0, -k31, 0.0],
                [ke0 / self.v1_L, 0.0, 0.0, -ke0],
            ]
        )


INPUT = np.array([1.0, 0.0, 0.0, 0.0])
"""b of x' = M·x + b·u: infusions and boluses go into the central compartment."""


def _augmented(pk: PKParameters) -> np.ndarray:
    augmented = np.zeros((5, 5))
    augmented[:4, :4] = pk.rate_matrix_per_s()
    augmented[:4, 4] = INPUT
    return augmented


def _propagators(pk: PKParameters, durations_s: np.ndarray) -> np.ndarray:
    """expm of the augmented matrix for every duration: shape (n, 5, 5)."""
    from scipy.linalg import expm  # imported on use: scipy adds 0.25 s to every start

    return expm(_augmented(pk)[None, :, :] * durations_s[:, None, None])


def transition(pk: PKParameters, dt_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact map over `dt_s` seconds: x(t+dt) = Phi @ x(t) + Gamma * u.

    x = [A1, A2, A3 (amount unit), Ce (amount unit per L)]; u is a constant infusion
    into the central compartment in amount unit per SECOND. Returns (Phi (4, 4),
    Gamma (4,)).
    """
    if not (math.isfinite(dt_s) and dt_s >= 0.0):
        raise ValueError(f"dt_s = {dt_s!r} must be a finite number of seconds ≥ 0")
    propagator = _propagators(pk, np.array([float(dt_s)]))[0]
    return propagator[:4, :4].copy(), propagator[:4, 4].copy()


Bolus = tuple[float, float]
"""(time in s, amount in the drug's amount unit), given instantaneously."""
Infusion = tuple[float, float, float]
"""(start in s, end in s, rate in amount unit per second)."""


def _check_inputs(times: np.ndarray, boluses: Sequence[Bolus], infusions: Sequence[Infusion]):
    if times.ndim != 1 or not np.all(np.isfinite(times)):
        raise ValueError("times_s must be a one-dimensional array of finite seconds")
    for time_s, amount in boluses:
        if not (math.isfinite(time_s) and math.isfinite(amount) and amount >= 0):
            raise ValueError(f"bolus ({time_s!r} s, {amount!r}) needs a finite time and amount ≥ 0")
    for start_s, end_s, rate in infusions:
        if not (math.isfinite(start_s) and math.isfinite(end_s) and end_s >= start_s):
            raise ValueError(
                f"infusion from {start_s!r} s to {end_s!r} s: end must not precede start"
            )
        if not (math.isfinite(rate) and rate >= 0):
            raise ValueError(f"infusion rate {rate!r} must be a finite number ≥ 0")


def simulate_states(
    pk: PKParameters,
    times_s: Sequence[float] | np.ndarray,
    boluses: Sequence[Bolus] = (),
    infusions: Sequence[Infusion] = (),
) -> np.ndarray:
    """The state [A1, A2, A3, Ce] at each time, from an empty body at t = 0.

    Exact solution by superposition: a bolus D at t_b contributes D·Φ(t − t_b)·b, an
    infusion R from s to e contributes R·(Γ(t − s) − Γ(t − e)), each only once its time
    has come. A bolus counts from its own time on (the value at t_b includes it).
    Returns an array of shape (len(times_s), 4).
    """
    times = np.asarray(times_s, dtype=float)
    _check_inputs(times, boluses, infusions)
    # Every (event, time) pair that has started needs the propagator for its delay;
    # on a regular grid most delays coincide, so compute each distinct one once.
    events: list[tuple[float, str, float]] = [(t, "bolus", amount) for t, amount in boluses]
    for start_s, end_s, rate in infusions:
        events += [(start_s, "step", rate), (end_s, "step", -rate)]
    delays = [times - event_time for event_time, _, _ in events]
    started = [delay >= 0 for delay in delays]
    all_delays = np.concatenate([d[s] for d, s in zip(delays, started, strict=True)] or [[]])
    unique, inverse = np.unique(all_delays, return_inverse=True)
    propagators = _propagators(pk, unique) if unique.size else np.zeros((0, 5, 5))
    states = np.zeros((times.size, 4))
    offset = 0
    for (_, kind, size), start in zip(events, started, strict=True):
        count = int(start.sum())
        chosen = propagators[inverse[offset : offset + count]]
        offset += count
        column = chosen[:, :4, 0] if kind == "bolus" else chosen[:, :4, 4]
        states[start] += size * column
    return states


def simulate(
    pk: PKParameters,
    times_s: Sequence[float] | np.ndarray,
    boluses: Sequence[Bolus] = (),
    infusions: Sequence[Infusion] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Plasma and effect-site concentrations (amount unit per L) at `times_s`.

    `boluses` are (time s, amount) given instantaneously; `infusions` are (start s,
    end s, rate in amount unit per second). Exact: see `simulate_states`.
    """
    states = simulate_states(pk, times_s, boluses, infusions)
    return states[:, 0] / pk.v1_L, states[:, 3]


def _bolus_gap(pk: PKParameters, t_s: float) -> float:
    """Cp − Ce at `t_s` after a unit bolus (positive while Ce is still rising)."""
    state = _propagators(pk, np.array([t_s]))[0][:4, 0]
    return state[0] / pk.v1_L - state[3]


def effect_site_peak_time_s(pk: PKParameters, horizon_s: float = 6 * 3600.0) -> float:
    """Time of the effect-site peak after an instantaneous bolus, in seconds.

    Ce peaks where it meets the falling plasma concentration (dCe/dt = 0). Raises
    `ValueError` without an effect site or when the peak lies beyond `horizon_s`.
    """
    from scipy.optimize import brentq

    if pk.ke0 <= 0.0:
        raise ValueError("no effect site (ke0 = 0): there is no effect-site peak")
    grid = np.geomspace(0.01, horizon_s, 400)
    states = _propagators(pk, grid)[:, :4, 0]
    gap = states[:, 0] / pk.v1_L - states[:, 3]
    crossing = np.flatnonzero((gap[:-1] > 0) & (gap[1:] <= 0))
    if crossing.size == 0:
        raise ValueError(f"the effect-site peak lies beyond {horizon_s:g} s")
    i = int(crossing[0])
    return float(brentq(lambda t: _bolus_gap(pk, t), grid[i], grid[i + 1], xtol=1e-9))


@lru_cache(maxsize=1024)
def ke0_for_peak_time(
    v1_L: float,
    k10: float,
    k12: float,
    k21: float,
    k13: float,
    k31: float,
    n: int,
    t_peak_min: float,
) -> float:
    """The ke0 (per minute) that puts the effect-site peak after a bolus at `t_peak_min`.

    The "t_peak method" (Minto CF et al. Anesthesiology 2003;99:324–333) for drugs with
    a published time to peak effect but no published ke0. The peak time falls
    monotonically as ke0 rises, so a bracketing root finder is exact.
    """
    from scipy.optimize import brentq

    horizon_s = 24 * 3600.0

    def peak_error(log_ke0: float) -> float:
        pk = PKParameters(v1_L, k10, k12, k21, k13, k31, math.exp(log_ke0), n)
        try:
            peak_s = effect_site_peak_time_s(pk, horizon_s)
        except ValueError:  # the peak lies beyond the horizon: far too late
            peak_s = horizon_s
        return peak_s / SECONDS_PER_MINUTE - t_peak_min

    low, high = math.log(1e-4), math.log(200.0)
    if not (peak_error(low) > 0 > peak_error(high)):
        raise ValueError(
            f"no ke0 between 1e-4 and 200 /min gives an effect-site peak at {t_peak_min:g} min "
            "for this PK model"
        )
    return math.exp(brentq(peak_error, low, high, xtol=1e-12))
