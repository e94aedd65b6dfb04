"""The fasting (basal) steady state of a parameter set, and the parameters it fixes.

At basal, with no meal and the basal insulin infusion, every derivative of the model is
zero (DM2007 section II.B; sources by key in `medtwin.glucose.parameters`). Given the
basal glucose Gb, insulin Ib and production EGPb, these conditions fix four parameters
and the whole basal state:

- G_p = Gb·Vg, I_p = Ib·Vi, I_l = m2·I_p/(m1+m30), I_1 = I_d = Ib, X = 0, G_s = G_p;
- kp1 = EGPb + kp2·G_p + kp3·Ib (EGP = EGPb);
- G_t = (Fsnc + E + k1·G_p − EGPb)/k2 and Vm0 = (EGPb − Fsnc − E)·(Km0 + G_t)/G_t
  (G_p' = G_t' = 0, E the renal excretion at G_p);
- u2ss = (m2+m4)·I_p − m1·I_l (I_p' = 0; at steady state the subcutaneous depot passes
  on all it receives), I_sc1 = u2ss/(ka1+kd), I_sc2 = kd·I_sc1/ka2.

The 30 distributed patients satisfy these to rounding (tests/glucose/test_patients.py),
and the patient generator uses them so that every new patient starts at rest.
"""

from __future__ import annotations

import numpy as np

from medtwin.glucose.layout import G
from medtwin.glucose.parameters import P

DERIVED = ("kp1", "Vm0", "u2ss")
"""The parameters that the basal state fixes (`with_basal_state` overwrites them)."""


def with_basal_state(params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(params with kp1, Vm0 and u2ss derived, basal state), for every row of `params`.

    Raises ValueError naming the first patient row whose basal state is impossible (a
    tissue glucose or basal insulin need that is not positive).
    """
    p = {name: params[:, P[name]] for name in P.__members__}
    plasma_glucose = p["Gb"] * p["Vg"]
    plasma_insulin = p["Ib"] * p["Vi"]
    liver_insulin = p["m2"] * plasma_insulin / (p["m1"] + p["m30"])
    excretion = np.where(plasma_glucose > p["ke2"], p["ke1"] * (plasma_glucose - p["ke2"]), 0.0)
    tissue_glucose = (p["Fsnc"] + excretion + p["k1"] * plasma_glucose - p["EGPb"]) / p["k2"]
    uptake = p["EGPb"] - p["Fsnc"] - excretion
    basal_insulin = (p["m2"] + p["m4"]) * plasma_insulin - p["m1"] * liver_insulin
    for values, what in ((tissue_glucose, "tissue glucose G_t"), (uptake, "insulin-dependent "
                         "uptake"), (basal_insulin, "basal insulin need u2ss")):  # fmt: skip
        bad = np.flatnonzero(~(values > 0))
        if bad.size:
            raise ValueError(f"patient row {bad[0]}: the basal {what} would be "
                             f"{values[bad[0]]:.4g}, it must be above 0")  # fmt: skip
    derived = params.copy()
    derived[:, P.kp1] = p["EGPb"] + p["kp2"] * plasma_glucose + p["kp3"] * p["Ib"]
    derived[:, P.Vm0] = uptake * (p["Km0"] + tissue_glucose) / tissue_glucose
    derived[:, P.u2ss] = basal_insulin
    state = np.zeros((params.shape[0], len(G)))
    state[:, G.G_P] = plasma_glucose
    state[:, G.G_T] = tissue_glucose
    state[:, G.I_P] = plasma_insulin
    state[:, G.I_1] = p["Ib"]
    state[:, G.I_D] = p["Ib"]
    state[:, G.I_L] = liver_insulin
    state[:, G.I_SC1] = basal_insulin / (p["ka1"] + p["kd"])
    state[:, G.I_SC2] = p["kd"] * state[:, G.I_SC1] / p["ka2"]
    state[:, G.G_S] = plasma_glucose
    return derived, state
