"""Where each named quantity lives in the engine's float64 arrays.

The engine keeps every patient's state, parameters and derived signals in rows of
2-D arrays `(n_patients, n)`. This module is the one place that maps names to
columns. Each layout is generated from one list of names in two forms:
- an `IntEnum`, for Python code: `state[:, S.V_LV]`, and from a name to a column and
  back;
- a NumPy record type over one row, for the compiled kernels: `s.V_LV`, and `s.DRUG_X[k]`
  for the k-th member of a run of names. Numba types a record field in a single lookup,
  where an array element goes through every overload of `getitem`; with a thousand
  accesses in the kernel that is half of its compile time.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

BEDS = ("brain", "heart", "splanchnic", "kidney", "muscle", "rest")
"""Systemic vascular beds in parallel, in the order used by every per-bed array."""

BLOOD_COMPARTMENTS = (
    "pv", "la", "lv", "sa", "sp",
    "v_brain", "v_heart", "v_splanchnic", "v_kidney", "v_muscle", "v_rest",
    "vc", "ra", "rv", "pa", "pc",
)  # fmt: skip
"""Blood compartments whose O2 and CO2 contents are tracked, in link order."""

Entry = str | tuple[str, int] | tuple[str, Sequence[str]]
"""One entry of a layout: a name; `(stem, n)` for the run `stem_0 ... stem_{n-1}`; or
`(stem, suffixes)` for the run `stem_SUFFIX`, one per suffix."""

_RUNS: dict[str, dict[str, _Run]] = {}
"""The runs of every layout made, by layout name (for `span`)."""

ROW_FIELD = "vector"
"""The record field that spans a whole row, for access by computed column index."""


@dataclass(frozen=True)
class _Run:
    """A run of consecutive names sharing a stem."""

    first: int
    length: int
    numbered: bool
    """Members named `stem_0, stem_1, ...` (reached by index only, not by name)."""


def _expand(entries: Iterable[Entry]) -> tuple[list[str], dict[str, _Run]]:
    """Names in column order, and each run by its stem."""
    names: list[str] = []
    runs: dict[str, _Run] = {}
    for entry in entries:
        if isinstance(entry, str):
            names.append(entry)
            continue
        stem, members = entry
        numbered = isinstance(members, int)
        suffixes = range(members) if numbered else members
        runs[stem] = _Run(len(names), len(suffixes), numbered)
        names.extend(f"{stem}_{suffix}" for suffix in suffixes)
    return names, runs


def make_layout(name: str, entries: Iterable[Entry]) -> type[enum.IntEnum]:
    """Build an IntEnum whose members are consecutive column indices."""
    names, runs = _expand(entries)
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate names in layout {name}")
    _RUNS[name] = runs
    return enum.IntEnum(name, {n: i for i, n in enumerate(names)})


def span(layout: type[enum.IntEnum], stem: str) -> slice:
    """The columns of the run `stem` of a layout (`span(P, "R")`: every bed's arteriolar
    resistance), so that no code counts the members of a run by hand."""
    runs = _RUNS[layout.__name__]
    if stem not in runs:
        raise KeyError(f"layout {layout.__name__} has no run {stem!r}")
    run = runs[stem]
    return slice(run.first, run.first + run.length)


def make_record(entries: Iterable[Entry]) -> np.dtype:
    """The record type of one row of a layout: what the compiled kernels see.

    A float64 field per name, except the members of numbered runs (`DRUG_X_3`); over
    each run, an array field named by its stem that shares the run's memory; and
    `vector`, the whole row as an array. Fewer fields keep Numba's handling of the
    type cheap: it writes the type out in full at every compiler pass.
    """
    names, runs = _expand(entries)
    by_index = {run.first + k for run in runs.values() if run.numbered for k in range(run.length)}
    fields = [(n, np.float64, 8 * i) for i, n in enumerate(names) if i not in by_index]
    fields += [(stem, (np.float64, (run.length,)), 8 * run.first) for stem, run in runs.items()]
    fields.append((ROW_FIELD, (np.float64, (len(names),)), 0))
    return np.dtype(
        {
            "names": [f[0] for f in fields],
            "formats": [f[1] for f in fields],
            "offsets": [f[2] for f in fields],
            "itemsize": 8 * len(names),
            "aligned": True,
        }
    )


_BED_UPPER = tuple(b.upper() for b in BEDS)
_BLOOD_UPPER = tuple(c.upper() for c in BLOOD_COMPARTMENTS)

# Fast states, integrated with RK4 at the production step. They come first so a
# contiguous slice `state[:N_FAST]` is the ODE vector.
_FAST: list[Entry] = [
    "V_LA", "V_LV", "V_SA", "Q_SA", "V_SP",
    ("V_V", _BED_UPPER),
    "V_VC", "V_RA", "V_RV", "V_PA", "Q_PA", "V_PC", "V_PV",
    "V_LUNG",
]  # fmt: skip
N_FAST = len(_expand(_FAST)[0])

DELAY_SLOTS = 128
"""Ring-buffer length of the efferent firing histories, in slow steps (6.4 s)."""

N_BEDS = len(BEDS)

RHYTHM_NAMES = (
    "sinus", "pea", "vf", "asystole",
    "af", "flutter", "svt", "vt", "pulseless_vt", "block2", "block3",
)  # fmt: skip
"""The heart rhythms the engine knows: sinus rhythm, pulseless electrical activity,
ventricular fibrillation, asystole, atrial fibrillation, atrial flutter (2:1),
supraventricular (AV-nodal re-entry) tachycardia, ventricular tachycardia with and
without a pulse, second-degree (Mobitz II, 2:1) and third-degree (complete) heart block.
State column `RHYTHM` holds the index of the current one (new rhythms are appended, so
an index keeps its meaning), and `ecg.RHYTHMS` draws each."""
PERFUSING_RHYTHMS = ("sinus", "af", "flutter", "svt", "vt", "block2", "block3")
"""Rhythms in which the ventricles contract and eject; the others are cardiac arrest."""
SHOCKABLE_RHYTHMS = ("vf", "pulseless_vt")
"""Rhythms a defibrillator can end (Resuscitation Council UK, ALS algorithm)."""
NO_ATRIAL_KICK_RHYTHMS = ("af", "flutter", "svt", "vt", "block3")
"""Perfusing rhythms whose atria do not fill the ventricles before they contract:
fibrillating or fluttering atria, atria contracting with the ventricles (AV-nodal
re-entry) or dissociated from them (ventricular tachycardia, complete block). Atrial
systole adds about a fifth of ventricular filling at rest (Hall JE. Guyton and Hall
Textbook of Medical Physiology, 14th ed., 2021, ch. 9: the atria as primer pumps), which
these rhythms lose."""
VENTRICULAR_RHYTHMS = ("vt", "pulseless_vt", "block3")
"""Rhythms whose beats start in a ventricle (wide QRS), so that the ventricles contract
out of step (as a paced beat does)."""
AV_CONDUCTED_RHYTHMS = ("sinus", "af", "flutter", "svt", "block2")
"""Rhythms whose beats reach the ventricles through the AV node, which a drug blocking
it (adenosine) slows or, in AV-nodal re-entry, ends."""

# Blood-flow links, in the order of the kernel's flow vector: 21 between compartments,
# then 6 to or from outside the circulation (volumes only leave or enter).
_LINKS: list[Entry] = [
    "PV_LA", "MITRAL", "AORTIC", "SA_SP",
    ("BED", _BED_UPPER),  # arteriolar node -> tissue of a bed -> its venous pool
    ("VEIN", _BED_UPPER),  # venous pool -> venae cavae
    "VC_RA", "TRICUSPID", "PULMONIC", "PA_PC", "PC_PV",
    "HAEMORRHAGE",  # bleeding sites -> outside
    "INFUSION",  # outside -> venae cavae (IV line)
    "FILTRATION",  # arteriolar/capillary node -> interstitium
    "LYMPH",  # interstitium -> venae cavae (thoracic duct)
    "URINE",  # renal veins -> outside
    "INTAKE",  # drinking and metabolic water -> venae cavae
]  # fmt: skip
LINK = make_layout("LINK", _LINKS)
N_LINKS = len(LINK)

HAEMORRHAGE_SITES = ("arterial", "venous", "splanchnic", "muscle", "chest_left", "chest_right")
"""Where a patient can bleed from; `circulation.HAEMORRHAGE_COMPARTMENT` maps them."""
_SITE_UPPER = tuple(s.upper() for s in HAEMORRHAGE_SITES)

# Current effector values, refreshed by the reflexes at each slow step and read by
# the fast step (`control.apply_effectors`).
_EFFECTORS: list[Entry] = [
    "EMAX_LV", "EMAX_RV", ("R_BED", _BED_UPPER), ("VU_V", _BED_UPPER), "HEART_PERIOD",
    "FILTRATION", "LYMPH", "URINE", "RESPIRATORY_RATE", "VENTILATORY_DRIVE",
    "MUSCLE_STRENGTH", ("BLEEDING", _SITE_UPPER),
]  # fmt: skip
EFFECTOR = make_layout("EFFECTOR", _EFFECTORS)
N_EFFECTORS = len(EFFECTOR)

DRUG_SLOTS = 6
"""Drugs one patient can have on board at once; a slot is given to a drug on first use."""
DRUG_STATES = 4
"""Per drug: amounts in the central and two peripheral compartments, effect-site level."""
EFFECT_TARGET_DESCRIPTIONS: dict[str, str] = {
    "arteriolar_resistance": "systemic arteriolar resistance (fractional change)",
    "venous_unstressed_volume": "venous unstressed volume, i.e. venous tone (fractional change)",
    "contractility": "ventricular end-systolic elastance (fractional change)",
    "heart_rate": "sinus heart rate (fractional change)",
    "ventilatory_drive": "central ventilatory drive (−1 = apnoea)",
    "respiratory_rate": "respiratory rate (fractional change)",
    "neuromuscular_transmission": "neuromuscular transmission (−1 = full block)",
    "consciousness": "BIS-like index, awake 97.4 (Bouillon 2004) (fractional change)",
    "opioid_receptor_block": "fraction of opioid effects removed (1 = all)",
    "sympathetic_outflow": "efferent sympathetic nerve activity (fractional change)",
    "bronchoconstriction": "the bronchospasm's narrowing of the airways (fractional change)",
    "av_conduction": "conduction through the AV node (−1 = complete, transient block)",
    "escape_rate": "rate of the escape pacemaker of complete heart block (fractional change)",
}
"""What a drug can act on: the vocabulary of the drug files' `effects`; the engine
implements each (see `control.apply_effectors` and `drugs`)."""
EFFECT_TARGETS = tuple(EFFECT_TARGET_DESCRIPTIONS)
N_EFFECTS = len(EFFECT_TARGETS)

_STATE: list[Entry] = [
    *_FAST,
    # clocks
    "STEP_COUNT", "BEAT_COUNT", "BEAT_ELAPSED", "BEAT_PERIOD", "SYSTOLE_DURATION",
    "BREATH_COUNT", "BREATH_ELAPSED", "BREATH_PERIOD", "INSPIRATION_DURATION", "PMUS_AMPLITUDE",
    "STEP_IN_SLOW",
    # the inspiratory muscles (`breathing_muscles`): the share load compensation adds to
    # the effort, and their fatigue (0 rested, 1 at task failure)
    "LOAD_EFFORT_RISE", "BREATHING_FATIGUE",
    # the heart's rhythm, as its index in RHYTHM_NAMES (the kernel may change it),
    # how long it has lasted, how many changes it has seen (the counter of its random
    # draws), and the time without circulation
    "RHYTHM", "RHYTHM_TIME", "RHYTHM_CHANGES", "NO_FLOW_TIME", "IRREVERSIBLE",
    # the ventricular rate an arrhythmia runs at (/min; set with the rhythm), and 1
    # while a pacemaker captures the ventricles
    "RHYTHM_RATE", "PACED",
    # the share of each bed's O2 demand met (1 at rest); arterial pH; the O2 deficit
    # accumulated in shock (mL/kg) and the failure of circulation it set off (0-1)
    ("AEROBIC", _BED_UPPER), "PH", "O2_DEBT", "DECOMPENSATION",
    # resuscitation: time since compressions began (0 without CPR), the myocardium's
    # energy reserve (1 at rest), a shock waiting to be delivered (its energy in J, and
    # 1 if synchronised) and the shocks delivered so far
    "CPR_TIME", "HEART_ENERGY", "SHOCK_ENERGY", "SHOCK_SYNCHRONISED", "SHOCK_COUNT",
    # the contraction a beating heart keeps up for seconds once its O2 supply fails
    # (share of the healthy heart's, 1 at rest)
    "CONTRACTILE_RESERVE",
    # breathing support: time into the ventilator's breath, the inspired O2 fraction,
    # and the airway opening pressure (cmH2O)
    "VENT_TIME", "INSPIRED_O2", "AIRWAY_PRESSURE",
    # the ventilator's triggering and cycle (`physiology.ventilator`): 1 once the
    # patient's current effort has triggered it, the intrinsic PEEP that effort must
    # first overcome (cmH2O), 1 while the breath is a mandatory one, time into the
    # SIMV cycle (s; negative before the first), 1 once its mandatory breath is given,
    # and 1 once the breath's airway pressure reached the high-pressure limit, which
    # ended its inspiration
    "VENT_TRIGGERED", "VENT_TRIGGER_LOAD", "VENT_MANDATORY_BREATH", "VENT_CYCLE_TIME",
    "VENT_SYNCED", "VENT_PRESSURE_CUT",
    # its alarms (`physiology.ventilator_alarms`): time switched on (s), since the last
    # breath it detected (s), the exhaled minute volume it averages (L/min), and the
    # alarms the last breath raised (bits of ALARM_BITS)
    "VENT_ON_TIME", "VENT_APNOEA_TIME", "VENT_EXHALED_MV", "VENT_BREATH_ALARMS",
    # the share of the pharynx's cross-section an unconscious patient's lost muscle
    # tone closes (`pharynx`)
    "PHARYNGEAL_OBSTRUCTION",
    # air and blood in each pleural space (mL; left, right)
    ("PTX_VOLUME", ("LEFT", "RIGHT")), ("PLEURAL_BLOOD", ("LEFT", "RIGHT")),
    # the blood each chest drain has let out since it went in (mL; left, right)
    ("DRAIN_BLOOD", ("LEFT", "RIGHT")),
    # nervous control
    "BARO_LAG", "CARDIOPULMONARY_FILLING", "RA_FILLING_SLOW",
    # sympathetic firing averaged over seconds (spikes/s), the adrenal medulla's
    # drive (its plasma adrenaline as the fractional rise over rest) and the drive the
    # muscle's adrenergic glycolysis has adapted to
    "SYMPATHETIC_MEAN", "ADRENAL_DRIVE", "LACTATE_ADAPTED_DRIVE",
    "EFF_EMAX", "EFF_R", "EFF_VU", "EFF_TS", "EFF_TV",
    "CHEMO_CENTRAL_PCO2", "CHEMO_PERIPH_PCO2", "CHEMO_PERIPH_PO2",
    # the cerebrospinal fluid's lactic acidosis (mmol/L above rest), hours behind blood's
    "CSF_ACIDOSIS",
    "DELAY_INDEX", ("FES_HISTORY", DELAY_SLOTS), ("FEV_HISTORY", DELAY_SLOTS),
    # gases: airway partial pressures (mmHg), alveolar amounts (mmHg*mL)
    "D1_PO2", "D1_PCO2", "D2_PO2", "D2_PCO2", "ALV_O2", "ALV_CO2",
    ("N_O2", _BLOOD_UPPER), ("N_CO2", _BLOOD_UPPER),
    ("T_O2", _BED_UPPER), ("T_CO2", _BED_UPPER),
    "ART_PO2", "ART_PCO2", "VE_DEMAND", "PERIPHERAL_DEMAND",
    # temperature
    "T_CORE",
    # fluids, blood and acid-base
    "V_ISF", "RBC_VOLUME", "PLASMA_PROTEIN", "HB", "LACTATE",
    "FILTRATION_RATE", "LYMPH_RATE", "URINE_RATE", "RENAL_PRESSURE", "CAPILLARY_PRESSURE",
    "BLOOD_LOST", "URINE_PASSED", "FLUID_GIVEN",
    # bleeding: each site's driving pressure (mmHg, smoothed) and its flow (mL/s)
    ("BLEED_PRESSURE", _SITE_UPPER), ("BLEED_RATE", _SITE_UPPER),
    # drugs: per slot amounts and effect-site level; summed effects per target
    ("DRUG_X", DRUG_SLOTS * DRUG_STATES), ("EFFECT", N_EFFECTS),
    # accumulators over one slow step
    ("LINK_VOLUME", N_LINKS), "SLOW_PSA_SUM", "SLOW_RA_FILLING_SUM",
    # air let through each lung's tear into its pleural space (mL; left, right)
    ("PTX_INFLOW", ("LEFT", "RIGHT")),
    # smoothed gas exchange at the lungs (mL/s STPD)
    "VO2_LUNG", "VCO2_LUNG",
    # beat accumulators
    "B_PSA_MAX", "B_PSA_MIN", "B_PSA_SUM", "B_PPA_MAX", "B_PPA_MIN", "B_PPA_SUM",
    "B_PRA_SUM", "B_PPV_SUM", "B_VLV_MAX", "B_VLV_MIN", "B_AORTIC_SUM",
    "B_BRAIN_SUM", "B_KIDNEY_SUM", "B_STEPS", "B_PSP_MAX", "B_PSP_MIN", "B_PRA_AT_PSA_MIN",
    # the last beat's pulse at the pulse oximeter's site (mmHg, peak to trough)
    "PLETH_PULSE",
    # breath accumulators
    "BR_V_MAX", "BR_V_MIN", "BR_PPL_MAX", "BR_PPL_MIN", "BR_PTP_MAX", "BR_PTP_MIN",
    "BR_CO2_MAX", "BR_EXP_VOLUME", "BR_EXP_CO2",
    "BR_PAW_MAX", "BR_PAW_SUM", "BR_STEPS", "BR_PALV_INSP", "BR_PEAK_EXP_FLOW",
    # the last breath's tidal volume (mL), for an oxygen device's dilution
    "LAST_TIDAL_VOLUME",
]  # fmt: skip
S = make_layout("S", _STATE)
S_RECORD = make_record(_STATE)
N_STATE = len(S)

# Derived signals, refreshed by the kernel at beat ends, breath ends and slow steps.
# Names are those of the reference vocabulary (`medtwin/data/signals.csv`) except the
# min/max statistics, which are suffixed.
_MONITORS: list[Entry] = [
    "heart_rate", "systolic_bp", "diastolic_bp", "mean_arterial_pressure",
    "pulse_pressure", "central_venous_pressure", "cardiac_output", "cardiac_index",
    "stroke_volume", "ejection_fraction", "systemic_vascular_resistance",
    "pulmonary_vascular_resistance", "pulmonary_artery_pressure_systolic",
    "pulmonary_artery_pressure_diastolic", "pulmonary_artery_pressure_mean",
    "pulmonary_capillary_wedge_pressure", "cerebral_blood_flow", "renal_blood_flow",
    "respiratory_rate", "tidal_volume", "minute_ventilation", "alveolar_ventilation",
    "anatomic_dead_space", "dead_space_ratio", "ie_ratio", "etco2",
    "alveolar_arterial_gradient", "pf_ratio",
    "intrapleural_pressure", "transpulmonary_pressure",
    "intrapleural_pressure_max", "intrapleural_pressure_min",
    "transpulmonary_pressure_max", "transpulmonary_pressure_min",
    "lung_compliance", "chest_wall_compliance", "respiratory_system_compliance",
    "inspiratory_resistance", "expiratory_resistance",
    "pao2", "paco2", "pvo2", "pvco2", "sao2", "spo2", "ph_arterial", "hco3_arterial",
    "base_excess", "shunt_fraction", "hematocrit", "hemoglobin", "blood_volume",
    "plasma_volume", "core_temperature", "oxygen_consumption", "co2_production",
    "respiratory_exchange_ratio", "metabolic_rate",
    "urine_output", "lactate", "consciousness_index", "train_of_four_ratio",
    "twitch_height", "interstitial_fluid_volume",
    # breathing support and resuscitation
    "fio2", "airway_pressure", "peak_inspiratory_pressure", "plateau_pressure", "total_peep",
    "exhaled_tidal_volume", "exhaled_minute_volume", "peak_expiratory_flow",
    "dynamic_compliance", "static_compliance", "coronary_perfusion_pressure",
    "pleural_pressure_left", "pleural_pressure_right", "peak_flow_percent_predicted",
    "chest_drain_output_left", "chest_drain_output_right",
    "ventilator_alarms",
    "rhythm",
    ("drug_plasma", DRUG_SLOTS), ("drug_effect_site", DRUG_SLOTS),
]  # fmt: skip
DEVICE_SIGNALS = (
    "airway_pressure", "peak_inspiratory_pressure", "plateau_pressure", "total_peep",
    "exhaled_tidal_volume", "exhaled_minute_volume", "peak_expiratory_flow",
    "dynamic_compliance", "static_compliance",
    "chest_drain_output_left", "chest_drain_output_right",
)  # fmt: skip
"""Monitor signals a device measures (a ventilator or bag, a chest drain): missing (NaN)
without one."""
M = make_layout("M", _MONITORS)
M_RECORD = make_record(_MONITORS)
N_MONITOR = len(M)

# Waveform channels recorded by the kernel (the ECG is drawn from beat phase).
W = make_layout(
    "W",
    ["beat_phase", "beat_period", "arterial_pressure", "central_venous_pressure",
     "pleth_pressure", "co2", "airway_flow", "airway_pressure", "lung_volume", "rhythm", "paced"],
)  # fmt: skip
N_WAVE = len(W)
