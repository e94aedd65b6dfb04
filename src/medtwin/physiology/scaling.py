"""From a patient's demographics to the engine's parameter vector.

Rules, each with its source:
- Vascular size: every vascular compliance and unstressed volume scales with the
  patient's blood volume (Nadler 1962) over the 5300 mL of Ursino 1998's reference
  subject; elastances scale inversely. Venous reflex gains (mL) scale the same way.
- Heart size: chamber volumes (unstressed volumes, passive and active elastances)
  scale with body surface area, as chamber volumes are indexed to BSA in adults
  (Lang RM et al. Recommendations for cardiac chamber quantification by
  echocardiography in adults. J Am Soc Echocardiogr 2015;28:1-39); since resting flow
  is proportional to BSA too, the series resistances of heart, aorta and lungs scale
  inversely with it.
- Resting cardiac output: cardiac index 2.9 L/min/m2 times Du Bois body surface area
  (Guyton & Hall 2006 p232 give 3.0 L/min/m2 and 5.6 L/min for the standard male, whose
  BSA gives 2.85; 2.9 sits between them). Its split between beds is ICRP Publication
  89 (2002; valentin2002icrp), reference blood flows as % of cardiac output:
  brain 12, heart 4, splanchnic (liver total) 25, kidneys 19, skeletal muscle 17, rest
  23. Each bed's resting resistance carries its flow from the arteriolar node at its
  design pressure to the venous pool.
- Metabolism: resting energy by Mifflin-St Jeor (1990), converted to O2 by Weir (1949)
  at the respiratory quotient; split between organs after Elia M. Organ and tissue
  contribution to metabolic rate (in Kinney & Tucker, Energy Metabolism, 1992): liver
  21 %, brain 20 %, heart 9 %, kidneys 8 %, skeletal muscle 22 %, rest 20 %.
- Lungs: compliances scale with FRC (Quanjer 1993) over the standard male's, so
  specific compliance is constant; FRC sits where chest wall and lung recoil balance
  at -5 cmH2O pleural pressure; dead space 2 mL/kg ideal body weight (Levitzky p71);
  resting alveolar ventilation is what keeps PaCO2 at 40 mmHg for the patient's CO2
  production (alveolar ventilation equation, VA = 0.863 VCO2 / PaCO2), reached from
  the reference pattern (6.7 mL/kg IBW at 12.5/min) by changing depth and rate as the
  chemoreflex would; the inspiratory muscles' strength by age and sex (Black & Hyatt
  1969).
- Heat: capacity = specific heat x body mass; the loss conductance balances resting
  heat production at the set core temperature.
- Age and sex: blood pressure, arterial PO2 and baroreflex gain follow the published
  age and sex curves, counted from the standard patients' age (`patients.ageing`); the
  patient's individual factors (`patients.variation`) move core temperature, lactate,
  urine output and baroreflex gain.
"""

from __future__ import annotations

import difflib
import math

import numpy as np

from medtwin.patients import (
    Patient,
    PatientError,
    ageing,
    blood_volume_mL,
    body_surface_area_m2,
    functional_residual_capacity_L,
    hemoglobin_g_per_dL,
    ideal_body_weight_kg,
    maximal_inspiratory_pressure_cmH2O,
    resting_energy_kcal_per_day,
)
from medtwin.patients.conditions import condition_kind
from medtwin.patients.variation import apply_variation
from medtwin.physiology.bloodgas import o2_content
from medtwin.physiology.control import resting_sympathetic_firing
from medtwin.physiology.initial import INITIAL_RA_FILLING_MMHG
from medtwin.physiology.inputs import EngineInputs
from medtwin.physiology.layout import BEDS, span
from medtwin.physiology.parameters import N_PARAM, P_RECORD, REFERENCE, P

URSINO_BLOOD_VOLUME_ML = 5300.0
REFERENCE_BSA_M2 = 2.0
"""Body surface area that Ursino 1998's heart chambers are taken to describe."""
CARDIAC_INDEX_L_PER_MIN_M2 = 2.9
BED_FLOW_FRACTION = {"brain": 0.12, "heart": 0.04, "splanchnic": 0.25, "kidney": 0.19,
                     "muscle": 0.17, "rest": 0.23}  # fmt: skip
BED_VO2_FRACTION = {"brain": 0.20, "heart": 0.09, "splanchnic": 0.21, "kidney": 0.08,
                    "muscle": 0.22, "rest": 0.20}  # fmt: skip
# ICRP 89 reference adult male organ masses (g); rest = body mass - the others
BED_MASS_G_REFERENCE = {"brain": 1450.0, "heart": 330.0, "splanchnic": 3260.0,
                        "kidney": 310.0, "muscle": 29000.0}  # fmt: skip
REFERENCE_BODY_MASS_KG = 73.0
REFERENCE_FRC_ML = 3520.0
"""Quanjer 1993 FRC of the standard male (44 y, 180 cm)."""
DESIGN_ARTERIOLAR_PRESSURE = 86.0
"""mmHg at the arteriolar node when mean aortic pressure sits at the set point."""
DESIGN_VENOUS_PRESSURE = 6.0
"""mmHg in the extrathoracic venous pools at rest (Ursino 1998 steady state)."""
ALVEOLAR_VENTILATION_FACTOR = 0.863
"""VA (L/min BTPS) = 0.863 VCO2 (mL/min STPD) / PaCO2 (mmHg)."""
KCAL_PER_L_O2 = (3.941, 1.106)
"""Weir 1949: kcal per L O2 = 3.941 + 1.106 RQ."""
WATTS_PER_KCAL_PER_DAY = 4184.0 / 86400.0


def reference_autonomic_activity(values: np.ndarray) -> tuple[float, float]:
    """Sympathetic effector input and vagal firing at the baroreflex set point."""
    f_ab = 0.5 * (values[P.F_AB_MIN] + values[P.F_AB_MAX])
    f_es = values[P.FES_INF] + (values[P.FES_0] - values[P.FES_INF]) * math.exp(
        -values[P.K_ES] * f_ab
    )
    e = math.exp((f_ab - values[P.F_AB_0]) / values[P.K_EV])
    f_ev = (values[P.FEV_0] + values[P.FEV_INF] * e) / (1.0 + e)
    return math.log(f_es - values[P.FES_MIN] + 1.0), f_ev


def resting_vo2_mL_per_s(patient: Patient, rq: float) -> float:
    """Whole-body resting O2 consumption (mL/s STPD) from Mifflin-St Jeor and Weir."""
    kcal_per_day = resting_energy_kcal_per_day(patient)
    litres_per_day = kcal_per_day / (KCAL_PER_L_O2[0] + KCAL_PER_L_O2[1] * rq)
    return litres_per_day * 1000.0 / 86400.0


def derive_parameters(patient: Patient) -> np.ndarray:
    """The full parameter vector of one patient, with its chronic conditions (overrides
    not yet applied)."""
    v = np.full(N_PARAM, np.nan)
    for name, parameter in REFERENCE.items():
        v[P[name]] = parameter.value
    conditions = [(condition_kind(name), severity) for name, severity in patient.conditions.items()]
    for kind, severity in conditions:
        kind.on_constants(v, severity)
    _scale_circulation(v, patient)
    ageing.age_circulation(v, patient, DESIGN_ARTERIOLAR_PRESSURE - _design_back_pressures(v))
    _set_reflex_reference(v)
    ageing.age_baroreflex(v, patient)
    apply_variation(v, patient.variation)
    _set_heart_rate_limit(v, patient)
    _set_metabolism(v, patient)
    _set_lungs(v, patient)
    _set_fluids(v, patient)
    ageing.age_gas_exchange(v, patient, _resting_cardiac_output_mL_per_s(v))
    EngineInputs(v).clear()
    for kind, severity in conditions:
        kind.on_patient(v, severity)
    v[P.SEED] = 0.0
    return v


def _set_fluids(v: np.ndarray, patient: Patient) -> None:
    """Interstitium, urine and the provisional references of the fluid balance.

    The references (capillary and oncotic pressure, renal perfusion pressure, blood
    volume) are replaced by the settled resting state's (`fluids.fluid_references`);
    until then fluid exchange is held at its resting balance.
    """
    v[P.V_ISF_REST] = v[P.INTERSTITIAL_VOLUME_PER_KG] * patient.weight_kg
    v[P.INTERSTITIAL_COMPLIANCE] = v[P.INTERSTITIAL_COMPLIANCE_PER_KG] * patient.weight_kg
    v[P.LACTATE_VOLUME] = v[P.LACTATE_VOLUME_PER_KG] * patient.weight_kg
    v[P.CAPILLARY_PRESSURE_REF] = 17.0
    v[P.ONCOTIC_PRESSURE_REF] = 28.0
    v[P.RENAL_PRESSURE_REF] = v[P.P_N]
    v[P.BLOOD_VOLUME_REF] = v[P.BLOOD_VOLUME]
    v[P.FLUID_INTAKE] = v[P.URINE_FLOW_REST]
    v[P.RA_FILLING_REST] = INITIAL_RA_FILLING_MMHG  # until the settled filling is known
    hb = v[P.HB]
    arterial = o2_content(95.0, 40.0, hb)
    flows = (DESIGN_ARTERIOLAR_PRESSURE - _design_back_pressures(v)) / v[span(P, "R")]
    v[span(P, "TISSUE_O2_REST")] = arterial - v[span(P, "VO2")] / flows


def _design_back_pressures(v: np.ndarray) -> np.ndarray:
    """The pressure each bed's flow runs against at rest (mmHg): its venous pool's, or
    the heart's higher zero-flow pressure (`circulation.bed_flow`)."""
    back = np.full(len(BEDS), DESIGN_VENOUS_PRESSURE)
    back[BEDS.index("heart")] = max(DESIGN_VENOUS_PRESSURE, v[P.CORONARY_ZERO_FLOW_PRESSURE])
    return back


def _scale_circulation(v: np.ndarray, patient: Patient) -> None:
    blood_volume = blood_volume_mL(patient)
    size = blood_volume / URSINO_BLOOD_VOLUME_ML
    v[P.BLOOD_VOLUME] = blood_volume
    v[P.HB] = hemoglobin_g_per_dL(patient)
    v[P.BSA] = body_surface_area_m2(patient)
    v[P.IBW] = ideal_body_weight_kg(patient)
    v[P.BODY_MASS] = patient.weight_kg
    for name in ("E_SA", "E_SP", "E_PA", "E_PC", "E_PV"):
        v[P[name]] /= size
    for name in ("VU_SA", "VU_SP", "VU_PA", "VU_PC", "VU_PV"):
        v[P[name]] *= size
    heart = v[P.BSA] / REFERENCE_BSA_M2
    for name in ("E_LA", "E_RA", "E_LA_ACTIVE", "E_RA_ACTIVE", "EMAX_LV", "EMAX_RV", "KE_LV",
                 "KE_RV"):  # fmt: skip
        v[P[name]] /= heart
    for name in ("VU_LA", "VU_RA", "VU_LV", "VU_RV"):
        v[P[name]] *= heart
    # resting flow scales with BSA, so series resistances scale inversely
    for name in ("R_SA", "R_MITRAL", "R_TRICUSPID", "R_VC", "R_PA", "R_PC", "R_PV"):
        v[P[name]] /= heart

    cardiac_output = _resting_cardiac_output_mL_per_s(v)
    v[P.CARDIAC_OUTPUT_REST] = cardiac_output * 0.06  # L/min, until the settled value
    extrasplanchnic = [b for b in BEDS if b != "splanchnic"]
    ext_flow = sum(BED_FLOW_FRACTION[b] for b in extrasplanchnic)
    thoracic = v[P.THORACIC_VEIN_SHARE]
    c_ext = v[P.C_EXTRASPLANCHNIC_VEINS] * size
    vu_ext = v[P.VU_EXTRASPLANCHNIC_VEINS] * size
    v[P.E_VC] = 1.0 / (thoracic * c_ext)
    v[P.VU_VC] = thoracic * vu_ext
    back_pressures = _design_back_pressures(v)
    for j, bed in enumerate(BEDS):
        flow = BED_FLOW_FRACTION[bed] * cardiac_output
        v[P.R_BRAIN + j] = (DESIGN_ARTERIOLAR_PRESSURE - back_pressures[j]) / flow
        if bed == "splanchnic":
            compliance = v[P.C_SPLANCHNIC_VEINS] * size
            v[P.VU_V_BRAIN + j] = v[P.VU_SPLANCHNIC_VEINS] * size
            v[P.R_V_BRAIN + j] = v[P.R_SPLANCHNIC_VEINS] / size
            v[P.G_VU_BRAIN + j] = v[P.G_VU_SPLANCHNIC_POOL] * size
            v[P.G_R_BRAIN + j] = v[P.G_R_SPLANCHNIC_POOL]
        else:
            share = BED_FLOW_FRACTION[bed] / ext_flow
            compliance = (1.0 - thoracic) * c_ext * share
            v[P.VU_V_BRAIN + j] = (1.0 - thoracic) * vu_ext * share
            v[P.R_V_BRAIN + j] = v[P.R_EXTRASPLANCHNIC_VEINS] / size / share
            v[P.G_VU_BRAIN + j] = v[P.G_VU_EXTRASPLANCHNIC_POOL] * size * share
            # Ursino & Magosso 2000: no sympathetic control of cerebral and coronary beds
            sympathetic = bed not in ("brain", "heart")
            gain = v[P.G_R_SPLANCHNIC_POOL] if bed == "kidney" else v[P.G_R_EXTRASPLANCHNIC_POOL]
            v[P.G_R_BRAIN + j] = gain if sympathetic else 0.0
        v[P.E_V_BRAIN + j] = 1.0 / compliance


def _resting_cardiac_output_mL_per_s(v: np.ndarray) -> float:
    return CARDIAC_INDEX_L_PER_MIN_M2 * v[P.BSA] * 1000.0 / 60.0


def _set_heart_rate_limit(v: np.ndarray, patient: Patient) -> None:
    """Shortest heart period: maximal heart rate 220 - age (Fox SM, Naughton JP,
    Haskell WL. Physical activity and the prevention of coronary heart disease. Ann
    Clin Res 1971;3:404-432)."""
    v[P.MIN_HEART_PERIOD] = 60.0 / (220.0 - patient.age_years)


def _set_reflex_reference(v: np.ndarray) -> None:
    sigma_ref, f_ev_ref = reference_autonomic_activity(v)
    v[P.SIGMA_REF_S] = sigma_ref
    v[P.FEV_REF] = f_ev_ref
    record = v.view(P_RECORD).view(np.recarray)[0]
    v[P.SYMPATHETIC_REST] = resting_sympathetic_firing.py_func(record)  # until settled
    ursino_t0 = 0.58  # s, heart period without autonomic input (Ursino 1998, Table 2)
    v[P.T_REST] = ursino_t0 + v[P.G_TS] * sigma_ref + v[P.G_TV] * f_ev_ref


def _set_metabolism(v: np.ndarray, patient: Patient) -> None:
    vo2 = resting_vo2_mL_per_s(patient, v[P.RQ])
    mass_scale = patient.weight_kg / REFERENCE_BODY_MASS_KG
    masses = {bed: grams * (1.0 if bed == "brain" else mass_scale)
              for bed, grams in BED_MASS_G_REFERENCE.items()}  # fmt: skip
    masses["rest"] = max(patient.weight_kg * 1000.0 - sum(masses.values()), 5000.0)
    for j, bed in enumerate(BEDS):
        v[P.VO2_BRAIN + j] = BED_VO2_FRACTION[bed] * vo2
        v[P.CAP_O2_BRAIN + j] = max(v[P.TISSUE_O2_CAPACITY] * masses[bed], 5.0)
        v[P.CAP_CO2_BRAIN + j] = v[P.TISSUE_CO2_CAPACITY] * masses[bed]
    v[P.HEAT_CAPACITY] = v[P.SPECIFIC_HEAT] * patient.weight_kg * 1000.0
    kcal_per_day = resting_energy_kcal_per_day(patient)
    v[P.HEAT_CONDUCTANCE] = (
        kcal_per_day * WATTS_PER_KCAL_PER_DAY / (v[P.T_CORE_SET] - v[P.T_AMBIENT])
    )


def _set_lungs(v: np.ndarray, patient: Patient) -> None:
    frc = functional_residual_capacity_L(patient) * 1000.0
    ratio = frc / REFERENCE_FRC_ML
    v[P.FRC] = frc
    v[P.C_LUNG] *= ratio
    v[P.C_CHEST_WALL] *= ratio
    v[P.V_LUNG0] = frc + v[P.PPL_FRC] * v[P.C_LUNG]
    v[P.V_CW0] = frc - v[P.PPL_FRC] * v[P.C_CHEST_WALL]
    dead_space = v[P.DEAD_SPACE_PER_KG_IBW] * v[P.IBW]
    v[P.VD1] = v[P.VD2] = 0.5 * dead_space
    reference_tidal = v[P.TIDAL_VOLUME_PER_KG_IBW] * v[P.IBW]
    reference_rate = v[P.RR_REFERENCE]
    vco2_mL_per_min = resting_vo2_mL_per_s(patient, v[P.RQ]) * 60.0 * v[P.RQ]
    alveolar = ALVEOLAR_VENTILATION_FACTOR * vco2_mL_per_min / v[P.PACO2_SET] * 1000.0
    # share the departure from the reference pattern between depth and rate, as the
    # chemoreflex does (see respiration.start_breath)
    demand = alveolar / ((reference_tidal - dead_space) * reference_rate)
    exponent = v[P.VT_DRIVE_EXPONENT]
    rate = reference_rate * demand ** (1.0 - exponent)
    tidal = dead_space + (reference_tidal - dead_space) * demand**exponent
    v[P.RR_REST] = rate
    v[P.VE_REST] = tidal * rate * 1e-3
    v[P.PMUS_REST] = tidal / _tidal_volume_per_unit_pmus(v, 60.0 / rate)
    v[P.PIMAX] = maximal_inspiratory_pressure_cmH2O(patient)


def _tidal_volume_per_unit_pmus(v: np.ndarray, period: float) -> float:
    """Tidal volume (mL) that 1 cmH2O of muscle-pressure amplitude draws.

    The passive respiratory system is linear, so one periodic breath of the
    Albanese 2016 muscle-pressure waveform, integrated exactly step by step for a
    first-order system, gives the proportionality constant.
    """
    compliance = 1.0 / (1.0 / v[P.C_LUNG] + 1.0 / v[P.C_CHEST_WALL])
    tau = v[P.R_AW] * compliance
    t_insp = v[P.TI_FRACTION] * period
    dt = 1e-3
    times = np.arange(0.0, 3.0 * period, dt)
    phase = np.mod(times, period)
    t_exp = period - t_insp
    tau_exp = v[P.PMUS_EXP_TAU_FRACTION] * t_exp
    floor = math.exp(-t_exp / tau_exp)
    pmus = np.where(
        phase <= t_insp,
        -phase * (period - phase) / (t_insp * t_exp),
        -(np.exp(-(phase - t_insp) / tau_exp) - floor) / (1.0 - floor),
    )
    decay = math.exp(-dt / tau)
    x = 0.0
    volumes = np.empty_like(times)
    for i, drive in enumerate(-pmus * compliance):
        x = drive + (x - drive) * decay
        volumes[i] = x
    last = volumes[times >= 2.0 * period]
    return float(last.max() - last.min())


def parameters_for(patient: Patient, seed: int = 0) -> np.ndarray:
    """The patient's parameter vector: derived, then the patient's own overrides.

    An override names an engine parameter (see `parameters.P`); an unknown name is
    refused with the closest known names.
    """
    values = derive_parameters(patient)
    for name, value in patient.overrides.items():
        if name not in P.__members__:
            close = difflib.get_close_matches(name, P.__members__, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "see medtwin parameters"
            raise PatientError(f"overrides.{name} is not an engine parameter; {hint}")
        values[P[name]] = value
    values[P.SEED] = _check_seed(seed)
    _set_shock_tolerance(values)
    return values


SHOCK_STREAM = 4
"""Second key of the generator of the patient's shock tolerance, after the seed."""


def _set_shock_tolerance(v: np.ndarray) -> None:
    """The O2 deficit past which this patient's shock becomes irreversible (mL/kg):
    seeded, from the spread between patients Crowell & Smith 1964 measured (see
    LETHAL_O2_DEBT_MEAN), kept within their observed 100-140 mL/kg."""
    deviate = np.random.default_rng([int(v[P.SEED]), SHOCK_STREAM]).standard_normal()
    deviate = min(max(deviate, -2.0), 2.0)
    v[P.LETHAL_O2_DEBT] = v[P.LETHAL_O2_DEBT_MEAN] + v[P.LETHAL_O2_DEBT_SD] * deviate


def _check_seed(seed: int) -> float:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**53:
        raise ValueError(f"seed = {seed!r} must be a whole number from 0 to 2**53 - 1")
    return float(seed)
