"""Where each named quantity lives in the glucose twin's float64 arrays.

A batch of patients is two arrays with a leading patient axis: `state (n_patients,
len(G))` and `params (n_patients, len(P))`. This module is the one place that maps names
to columns; the compiled step indexes with these IntEnum members (Numba folds them to
constants).

States of the Dalla Man et al. model in its type 1 form (Dalla Man C, Rizza RA, Cobelli C.
IEEE Trans Biomed Eng 2007;54:1740–1749, "DM2007"; Dalla Man C, Raimondo DM, Rizza RA,
Cobelli C. J Diabetes Sci Technol 2007;1:323–330, "GIM"; gut: Dalla Man C, Camilleri M,
Cobelli C. IEEE Trans Biomed Eng 2006;53:2472–2478, "DM2006"), in the order of the
patients' basal states `x0_1 … x0_13` in data/vpatient_params.csv.
"""

from __future__ import annotations

import enum


class G(enum.IntEnum):
    """State columns. Masses per kg body weight; the units are in the docstrings."""

    Q_STO1 = 0
    """Solid glucose in the stomach, mg (DM2006)."""
    Q_STO2 = 1
    """Liquid (triturated) glucose in the stomach, mg (DM2006)."""
    Q_GUT = 2
    """Glucose in the intestine, mg (DM2006)."""
    G_P = 3
    """Glucose mass in plasma and rapidly equilibrating tissues, mg/kg (DM2007 eq. 1)."""
    G_T = 4
    """Glucose mass in slowly equilibrating tissues, mg/kg (DM2007 eq. 1)."""
    I_P = 5
    """Insulin mass in plasma, pmol/kg (DM2007 eq. 3)."""
    X = 6
    """Insulin action on glucose utilisation, pmol/L (DM2007 eq. 8)."""
    I_1 = 7
    """First delay compartment of insulin action on production, pmol/L (DM2007 eq. 5)."""
    I_D = 8
    """Delayed insulin signal acting on production, pmol/L (DM2007 eq. 5)."""
    I_L = 9
    """Insulin mass in the liver, pmol/kg (DM2007 eq. 3)."""
    I_SC1 = 10
    """Non-monomeric insulin in the subcutaneous space, pmol/kg (GIM eq. 1)."""
    I_SC2 = 11
    """Monomeric insulin in the subcutaneous space, pmol/kg (GIM eq. 1)."""
    G_S = 12
    """Subcutaneous (interstitial) glucose, mg/kg, what a CGM senses (GIM eq. 3)."""
    MEAL_START_STOMACH_mg = 13
    """Bookkeeping, not integrated: glucose in the stomach when the current meal began."""
    MEAL_EATEN_mg = 14
    """Bookkeeping: glucose eaten since the current meal began (with the previous
    column, the meal amount D of DM2006's gastric emptying)."""
    LAST_CARBS_g = 15
    """Bookkeeping: carbohydrate eaten in the previous minute (a meal begins when a
    minute with carbohydrate follows one without)."""


ODE_STATES = 13
"""The first 13 columns of `G` are integrated; the rest are meal bookkeeping."""
