"""Open loop against simglucose: same patients, inputs and minute steps, both run here.

The issue's accuracy goal: plasma glucose within 1 mg/dL RMS of simglucose's patient
model (simglucose 0.2.11, T1DPatient, scipy dopri5 each minute) over a day, for all 30
patients. simglucose is given its parameters as plain attributes (the same numbers as
its pandas row, 13x faster to read) and an eating rate that eats a meal within its
minute, as medtwin's meals are eaten.
"""

import types

import numpy as np
import pandas as pd
import pytest
from simglucose.patient.t1dpatient import PATIENT_PARA_FILE, Action, T1DPatient

from medtwin.glucose.layout import G
from medtwin.glucose.model import advance_minutes
from medtwin.glucose.parameters import GROUPS, load_virtual_patients

MINUTES = 1440
MEALS = {7 * 60: 45.0, 12 * 60: 70.0, 18 * 60: 80.0}


def _inputs(patients):
    carbs = np.zeros((len(patients), MINUTES))
    insulin = np.tile(patients.basal_insulin_U_per_min[:, None], (1, MINUTES))
    for minute, grams in MEALS.items():
        carbs[:, minute] = grams
        insulin[:, minute] += grams / patients.carb_ratio_g_per_U  # a meal bolus, in 1 min
    return carbs, insulin


def _simglucose_plasma(name, carbs, insulin):
    row = pd.read_csv(PATIENT_PARA_FILE).set_index("Name").loc[name]
    params = types.SimpleNamespace(**row.to_dict(), Name=name)
    patient = T1DPatient(params, init_state=row.iloc[1:14].to_numpy(float))
    patient.EAT_RATE = np.inf  # the whole meal within its minute
    plasma = np.empty(MINUTES)
    for minute in range(MINUTES):
        plasma[minute] = patient.state[G.G_P] / params.Vg
        patient.step(Action(CHO=carbs[minute], insulin=insulin[minute]))
    return plasma


@pytest.mark.parametrize("group", GROUPS)
def test_plasma_glucose_matches_simglucose_within_1_mg_per_dL_rms(group):
    patients = load_virtual_patients(group)
    carbs, insulin = _inputs(patients)
    state = patients.basal_state.copy()
    plasma, interstitial = np.empty_like(carbs), np.empty_like(carbs)
    advance_minutes(state, patients.params, carbs, insulin, 4, plasma, interstitial)
    for row, name in enumerate(patients.names):
        reference = _simglucose_plasma(name, carbs[row], insulin[row])
        rms = np.sqrt(np.mean((plasma[row] - reference) ** 2))
        assert reference.max() - reference.min() > 30, name  # the meals moved glucose
        assert rms < 1.0, f"{name}: RMS {rms:.3g} mg/dL"
        assert rms < 0.01, f"{name}: RMS {rms:.3g} mg/dL (RK4, 4 steps a minute)"
