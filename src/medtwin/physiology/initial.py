"""A first guess of a patient's resting state, close enough to settle in minutes.

Volumes put every compartment at a typical resting transmural pressure and are then
scaled so that they add up to the patient's blood volume exactly. Blood gases start at
the textbook arterial and mixed-venous values (Guyton & Hall 2006 pp503-504), each
tissue at the content its resting flow and O2 use imply, reflexes at their set points.
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit_entry
from medtwin.physiology.bloodgas import co2_content, o2_content
from medtwin.physiology.control import resting_sympathetic_firing
from medtwin.physiology.exchange import BLOOD_VOLUME_STATE
from medtwin.physiology.fluids import MCHC_G_PER_DL
from medtwin.physiology.layout import (
    BEDS,
    BLOOD_COMPARTMENTS,
    N_STATE,
    S_RECORD,
    S,
    span,
)
from medtwin.physiology.monitors import reset_beat, reset_breath
from medtwin.physiology.parameters import P_RECORD, P

# typical resting transmural pressures (mmHg) used only for the first guess
_GUESS_PRESSURE = {"LA": 8.0, "SA": 95.0, "SP": 86.0, "V": 6.0, "VC": 7.5, "RA": 7.5,
                   "PA": 20.0, "PC": 13.0, "PV": 9.0}  # fmt: skip
_GUESS_LV_ML = 120.0
_GUESS_RV_ML = 140.0
_ARTERIAL = (95.0, 40.0)
INITIAL_RA_FILLING_MMHG = 6.7
"""First guess of the right atrium's resting filling (transmural) pressure, mmHg, which
the cardiopulmonary reflex is referred to while the patient settles (the standard man
and woman settle at 7.8 and 7.2)."""
_MIXED_VENOUS = (40.0, 46.0)


def initial_state(p: np.ndarray) -> np.ndarray:
    """The first-guess state vector of a patient with parameters `p`."""
    s = np.zeros(N_STATE)
    size = p[P.BLOOD_VOLUME] / 5300.0
    s[S.V_LA] = p[P.VU_LA] + _GUESS_PRESSURE["LA"] / p[P.E_LA]
    s[S.V_LV] = _GUESS_LV_ML * size
    s[S.V_SA] = p[P.VU_SA] + _GUESS_PRESSURE["SA"] / p[P.E_SA]
    s[S.V_SP] = p[P.VU_SP] + _GUESS_PRESSURE["SP"] / p[P.E_SP]
    for j in range(len(BEDS)):
        s[S.V_V_BRAIN + j] = p[P.VU_V_BRAIN + j] + _GUESS_PRESSURE["V"] / p[P.E_V_BRAIN + j]
    s[S.V_VC] = p[P.VU_VC] + _GUESS_PRESSURE["VC"] / p[P.E_VC]
    s[S.V_RA] = p[P.VU_RA] + _GUESS_PRESSURE["RA"] / p[P.E_RA]
    s[S.V_RV] = _GUESS_RV_ML * size
    s[S.V_PA] = p[P.VU_PA] + _GUESS_PRESSURE["PA"] / p[P.E_PA]
    s[S.V_PC] = p[P.VU_PC] + _GUESS_PRESSURE["PC"] / p[P.E_PC]
    s[S.V_PV] = p[P.VU_PV] + _GUESS_PRESSURE["PV"] / p[P.E_PV]
    volumes = s[BLOOD_VOLUME_STATE]
    s[BLOOD_VOLUME_STATE] = volumes * (p[P.BLOOD_VOLUME] / volumes.sum())
    cardiac_output = (p[P.P_N] - 6.0) / _parallel(p[span(P, "R")])
    s[S.Q_SA] = s[S.Q_PA] = cardiac_output
    s[S.V_LUNG] = p[P.FRC]

    _initial_fluids(s, p)
    _initial_gases(s, p)
    _initial_control(s, p)
    _empty_accumulators(s.view(S_RECORD))
    return s


@jit_entry
def _empty_accumulators(records):
    """Start the first beat and breath with empty accumulators.

    `records` holds the one state record: NumPy hands Numba an array of records whose
    fields overlap (the runs and `vector`), but not a lone record.
    """
    reset_beat(records[0])
    reset_breath(records[0])


def _initial_fluids(s: np.ndarray, p: np.ndarray) -> None:
    """Blood composition and body fluids at their resting values."""
    hematocrit = p[P.HB] / MCHC_G_PER_DL
    s[S.HB] = p[P.HB]
    s[S.RBC_VOLUME] = hematocrit * p[P.BLOOD_VOLUME]
    s[S.PLASMA_PROTEIN] = p[P.PLASMA_PROTEIN_REST] * (1.0 - hematocrit) * p[P.BLOOD_VOLUME]
    s[S.V_ISF] = p[P.V_ISF_REST]
    s[S.LACTATE] = p[P.LACTATE_REST]
    s[S.FILTRATION_RATE] = s[S.LYMPH_RATE] = p[P.LYMPH_FLOW_REST]
    s[S.URINE_RATE] = p[P.FLUID_INTAKE]
    s[S.RENAL_PRESSURE] = p[P.RENAL_PRESSURE_REF]
    s[S.CAPILLARY_PRESSURE] = p[P.CAPILLARY_PRESSURE_REF]


def _parallel(resistances: np.ndarray) -> float:
    return 1.0 / np.sum(1.0 / resistances)


def _initial_gases(s: np.ndarray, p: np.ndarray) -> None:
    hb = p[P.HB]
    arterial = (o2_content(*_ARTERIAL, hb), co2_content(*_ARTERIAL))
    venous = (o2_content(*_MIXED_VENOUS, hb), co2_content(*_MIXED_VENOUS))
    contents = {c: venous for c in ("vc", "ra", "rv", "pa")}
    contents.update({c: arterial for c in ("pv", "la", "lv", "sa", "sp", "pc")})
    flows = (p[P.P_N] - 6.0) / p[span(P, "R")]
    for j, bed in enumerate(BEDS):
        used = p[P.VO2_BRAIN + j]
        tissue = (arterial[0] - used / flows[j], arterial[1] + p[P.RQ] * used / flows[j])
        contents[f"v_{bed}"] = tissue
        s[S.T_O2_BRAIN + j] = tissue[0] * p[P.CAP_O2_BRAIN + j]
        s[S.T_CO2_BRAIN + j] = tissue[1] * p[P.CAP_CO2_BRAIN + j]
    for c, name in enumerate(BLOOD_COMPARTMENTS):
        volume = s[BLOOD_VOLUME_STATE[c]]
        s[S.N_O2_PV + c] = contents[name][0] * volume
        s[S.N_CO2_PV + c] = contents[name][1] * volume
    pi_o2 = p[P.FIO2] * (p[P.PB] - 47.0)
    alveolar_o2 = pi_o2 - _ARTERIAL[1] / p[P.RQ]
    alveolar_volume = p[P.FRC] - p[P.VD1] - p[P.VD2]
    s[S.ALV_O2] = alveolar_o2 * alveolar_volume
    s[S.ALV_CO2] = _ARTERIAL[1] * alveolar_volume
    s[S.INSPIRED_O2] = p[P.FIO2]
    s[S.D1_PO2], s[S.D1_PCO2] = pi_o2, 0.0
    s[S.D2_PO2], s[S.D2_PCO2] = alveolar_o2, _ARTERIAL[1]
    s[S.ART_PO2], s[S.ART_PCO2] = _ARTERIAL
    s[S.VO2_LUNG] = p[span(P, "VO2")].sum()
    s[S.VCO2_LUNG] = p[P.RQ] * s[S.VO2_LUNG]


def _initial_control(s: np.ndarray, p: np.ndarray) -> None:
    sigma = p[P.SIGMA_REF_S]
    for k in (S.EFF_EMAX, S.EFF_R, S.EFF_VU, S.EFF_TS):
        s[k] = sigma
    s[S.EFF_TV] = p[P.FEV_REF]
    s[span(S, "AEROBIC")] = 1.0  # every bed meets its O2 demand at rest
    s[S.PH] = 7.4
    s[S.HEART_ENERGY] = 1.0
    s[S.CONTRACTILE_RESERVE] = 1.0
    s[S.CARDIOPULMONARY_FILLING] = s[S.RA_FILLING_SLOW] = INITIAL_RA_FILLING_MMHG
    lead = p[P.TAU_Z] / p[P.TAU_P]
    s[S.BARO_LAG] = p[P.P_N] * (1.0 - lead)
    record = p.view(P_RECORD).view(np.recarray)[0]
    s[span(S, "FES_HISTORY")] = s[S.SYMPATHETIC_MEAN] = resting_sympathetic_firing.py_func(record)
    s[span(S, "FEV_HISTORY")] = p[P.FEV_REF]
    s[S.CHEMO_CENTRAL_PCO2] = s[S.CHEMO_PERIPH_PCO2] = p[P.PACO2_SET]
    s[S.CHEMO_PERIPH_PO2] = p[P.PAO2_SET]
    s[S.VE_DEMAND] = p[P.VE_REST]
    s[S.BEAT_PERIOD] = p[P.T_REST]
    s[S.SYSTOLE_DURATION] = p[P.T_SYS0] - p[P.K_SYS] / p[P.T_REST]
    rate = p[P.RR_REST]
    s[S.BREATH_PERIOD] = 60.0 / rate
    s[S.INSPIRATION_DURATION] = p[P.TI_FRACTION] * 60.0 / rate
    s[S.PMUS_AMPLITUDE] = p[P.PMUS_REST]
    s[S.T_CORE] = p[P.T_CORE_SET]
