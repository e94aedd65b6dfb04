"""The compiled glucose–insulin step: advances a whole batch of patients minute by minute.

The equations are those of the Dalla Man et al. meal model in its type 1 form with
subcutaneous insulin, the structure of the UVA/Padova simulator (sources by key in
`medtwin.glucose.parameters`):

- gut (DM2006 eqs. 1–3): Q_sto1' = −kmax·Q_sto1 + d;  Q_sto2' = kmax·Q_sto1 − kempt·Q_sto2;
  Q_gut' = kempt·Q_sto2 − kabs·Q_gut;  Ra = f·kabs·Q_gut/BW, with the gastric emptying
  kempt = kmin + (kmax−kmin)/2·[tanh(α(Q_sto−b·D)) − tanh(β(Q_sto−c·D)) + 2],
  α = 5/(2D(1−b)), β = 5/(2D·c) (c is `d` in the data), D the amount of the meal;
- glucose (DM2007 eqs. 1, 4, 6, 7, 9): G_p' = EGP + Ra − Uii − E − k1·G_p + k2·G_t;
  G_t' = −Uid + k1·G_p − k2·G_t, with EGP = max(0, kp1 − kp2·G_p − kp3·I_d),
  Uii = Fsnc, Uid = (Vm0 + Vmx·X)·G_t/(Km0 + G_t), E = ke1·(G_p − ke2) above the
  renal threshold ke2 and 0 below;
- insulin (DM2007 eqs. 3, 5, 8): I_p' = −(m2+m4)·I_p + m1·I_l + ka1·I_sc1 + ka2·I_sc2;
  I_l' = −(m1+m30)·I_l + m2·I_p;  I = I_p/Vi;  X' = −p2u·X + p2u·(I − Ib);
  I_1' = −ki·(I_1 − I);  I_d' = −ki·(I_d − I_1);
- subcutaneous insulin and glucose (GIM eqs. 1, 3): I_sc1' = u − (kd+ka1)·I_sc1;
  I_sc2' = kd·I_sc1 − ka2·I_sc2;  G_s' = −ksc·G_s + ksc·G_p.

Inputs are held constant over each minute (d in mg/min, u in pmol/kg/min), as a pump
and a meal diary give them and as simglucose steps its patient model, so the two can be
compared like for like. The meal amount D is what was in the stomach when the meal
began plus what has been eaten since (simglucose's convention for meals that overlap a
still-full stomach). A mass that reaches zero stops falling (no negative masses).

The integrator is the classical fourth-order Runge–Kutta with `substeps` equal steps per
minute; 4 steps keep plasma glucose within 0.01 mg/dL of an adaptive Dormand–Prince
solution over a day (tests/glucose/test_open_loop.py).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from medtwin.glucose.layout import ODE_STATES, G
from medtwin.glucose.parameters import PMOL_PER_U, P

MG_PER_G = 1000.0
DEFAULT_SUBSTEPS = 4
_jit = numba.njit(cache=True, error_model="numpy", nogil=True)


@_jit
def _gastric_emptying(x: np.ndarray, p: np.ndarray, meal_mg: float) -> float:
    """kempt (1/min), DM2006 eq. 2; kmax while no meal has been eaten."""
    if meal_mg <= 0.0:
        return p[P.kmax]
    q_sto = x[G.Q_STO1] + x[G.Q_STO2]
    alpha = 5.0 / (2.0 * meal_mg * (1.0 - p[P.b]))
    beta = 5.0 / (2.0 * meal_mg * p[P.d])
    return p[P.kmin] + (p[P.kmax] - p[P.kmin]) / 2.0 * (
        math.tanh(alpha * (q_sto - p[P.b] * meal_mg))
        - math.tanh(beta * (q_sto - p[P.d] * meal_mg))
        + 2.0
    )


@_jit
def _derivatives(
    x: np.ndarray, p: np.ndarray, eat_mg_per_min: float, insulin_pmol_per_kg_per_min: float,
    meal_mg: float, dx: np.ndarray,
) -> None:  # fmt: skip
    """dx = the time derivatives of the 13 states (per minute)."""
    k_empt = _gastric_emptying(x, p, meal_mg)
    dx[G.Q_STO1] = -p[P.kmax] * x[G.Q_STO1] + eat_mg_per_min
    dx[G.Q_STO2] = p[P.kmax] * x[G.Q_STO1] - k_empt * x[G.Q_STO2]
    dx[G.Q_GUT] = k_empt * x[G.Q_STO2] - p[P.kabs] * x[G.Q_GUT]
    appearance = p[P.f] * p[P.kabs] * x[G.Q_GUT] / p[P.BW]
    production = max(p[P.kp1] - p[P.kp2] * x[G.G_P] - p[P.kp3] * x[G.I_D], 0.0)
    excretion = p[P.ke1] * (x[G.G_P] - p[P.ke2]) if x[G.G_P] > p[P.ke2] else 0.0
    dx[G.G_P] = (
        production + appearance - p[P.Fsnc] - excretion
        - p[P.k1] * x[G.G_P] + p[P.k2] * x[G.G_T]
    )  # fmt: skip
    uptake = (p[P.Vm0] + p[P.Vmx] * x[G.X]) * x[G.G_T] / (p[P.Km0] + x[G.G_T])
    dx[G.G_T] = -uptake + p[P.k1] * x[G.G_P] - p[P.k2] * x[G.G_T]
    dx[G.I_P] = (
        -(p[P.m2] + p[P.m4]) * x[G.I_P] + p[P.m1] * x[G.I_L]
        + p[P.ka1] * x[G.I_SC1] + p[P.ka2] * x[G.I_SC2]
    )  # fmt: skip
    insulin_pmol_per_L = x[G.I_P] / p[P.Vi]
    dx[G.X] = -p[P.p2u] * x[G.X] + p[P.p2u] * (insulin_pmol_per_L - p[P.Ib])
    dx[G.I_1] = -p[P.ki] * (x[G.I_1] - insulin_pmol_per_L)
    dx[G.I_D] = -p[P.ki] * (x[G.I_D] - x[G.I_1])
    dx[G.I_L] = -(p[P.m1] + p[P.m30]) * x[G.I_L] + p[P.m2] * x[G.I_P]
    dx[G.I_SC1] = insulin_pmol_per_kg_per_min - (p[P.ka1] + p[P.kd]) * x[G.I_SC1]
    dx[G.I_SC2] = p[P.kd] * x[G.I_SC1] - p[P.ka2] * x[G.I_SC2]
    dx[G.G_S] = -p[P.ksc] * x[G.G_S] + p[P.ksc] * x[G.G_P]
    for mass in (G.G_P, G.G_T, G.I_P, G.I_L, G.I_SC1, G.I_SC2, G.G_S):
        if x[mass] < 0.0:
            dx[mass] = 0.0


@_jit
def _rk4_minute(
    x: np.ndarray, p: np.ndarray, eat_mg_per_min: float, insulin: float, meal_mg: float,
    substeps: int, work: np.ndarray,
) -> None:  # fmt: skip
    """Advance the 13 states of one patient by one minute in `substeps` RK4 steps."""
    h = 1.0 / substeps
    k1, k2, k3, k4, trial = work[0], work[1], work[2], work[3], work[4]
    for _ in range(substeps):
        _derivatives(x, p, eat_mg_per_min, insulin, meal_mg, k1)
        for i in range(ODE_STATES):
            trial[i] = x[i] + 0.5 * h * k1[i]
        _derivatives(trial, p, eat_mg_per_min, insulin, meal_mg, k2)
        for i in range(ODE_STATES):
            trial[i] = x[i] + 0.5 * h * k2[i]
        _derivatives(trial, p, eat_mg_per_min, insulin, meal_mg, k3)
        for i in range(ODE_STATES):
            trial[i] = x[i] + h * k3[i]
        _derivatives(trial, p, eat_mg_per_min, insulin, meal_mg, k4)
        for i in range(ODE_STATES):
            x[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])


@_jit
def advance_minutes(
    state: np.ndarray, params: np.ndarray, carbs_g: np.ndarray, insulin_U_per_min: np.ndarray,
    substeps: int, plasma_mg_per_dL: np.ndarray, subcutaneous_mg_per_dL: np.ndarray,
) -> None:  # fmt: skip
    """Advance every patient by `carbs_g.shape[1]` minutes, in place.

    `carbs_g[i, k]` is eaten and `insulin_U_per_min[i, k]` infused during minute k; the
    glucose at the start of each minute is written to `plasma_mg_per_dL[i, k]` and
    `subcutaneous_mg_per_dL[i, k]` (arrays of the same shape).
    """
    work = np.empty((5, ODE_STATES))
    for i in range(state.shape[0]):
        x, p = state[i], params[i]
        for k in range(carbs_g.shape[1]):
            plasma_mg_per_dL[i, k] = x[G.G_P] / p[P.Vg]
            subcutaneous_mg_per_dL[i, k] = x[G.G_S] / p[P.Vg]
            carbs = carbs_g[i, k]
            if carbs > 0.0 and x[G.LAST_CARBS_g] <= 0.0:
                x[G.MEAL_START_STOMACH_mg] = x[G.Q_STO1] + x[G.Q_STO2]
                x[G.MEAL_EATEN_mg] = 0.0
            if carbs > 0.0:
                x[G.MEAL_EATEN_mg] += carbs * MG_PER_G
            x[G.LAST_CARBS_g] = carbs
            meal_mg = x[G.MEAL_START_STOMACH_mg] + x[G.MEAL_EATEN_mg]
            insulin = insulin_U_per_min[i, k] * PMOL_PER_U / p[P.BW]
            _rk4_minute(x, p, carbs * MG_PER_G, insulin, meal_mg, substeps, work)


def derivatives(state: np.ndarray, params: np.ndarray, insulin_U_per_min: np.ndarray) -> np.ndarray:
    """The time derivatives (per minute) of every patient's 13 states, fasting, with the
    given insulin rates: zero at a patient's basal state with its basal rate."""
    out = np.zeros((state.shape[0], ODE_STATES))
    for i in range(state.shape[0]):
        meal_mg = state[i, G.MEAL_START_STOMACH_mg] + state[i, G.MEAL_EATEN_mg]
        insulin = insulin_U_per_min[i] * PMOL_PER_U / params[i, P.BW]
        _derivatives_entry(state[i], params[i], insulin, meal_mg, out[i])
    return out


@_jit
def _derivatives_entry(x, p, insulin, meal_mg, dx):
    _derivatives(x, p, 0.0, insulin, meal_mg, dx)
