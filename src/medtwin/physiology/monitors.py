"""Derived signals: what a bedside monitor and a blood-gas analyser would report.

Haemodynamic numbers are per beat (accumulated every step, published when the next
beat starts), respiratory numbers per breath, blood gases and metabolism per call.
Names and units are those of `medtwin/data/signals.csv`.
"""

from __future__ import annotations

from medtwin.physiology.bloodgas import acid_base, o2_saturation, partial_pressures
from medtwin.physiology.circulation import LINK_AORTIC, LINK_BED0, blood_volume
from medtwin.physiology.drugs import effect_site_concentration, plasma_concentration
from medtwin.physiology.jit import jit, jit_inline
from medtwin.physiology.layout import BEDS, DRUG_SLOTS, EFFECT_TARGETS, M, S
from medtwin.physiology.parameters import P
from medtwin.physiology.respiration import muscle_pressure, pleural_pressure

_CONSCIOUSNESS = EFFECT_TARGETS.index("consciousness")
_NEUROMUSCULAR = EFFECT_TARGETS.index("neuromuscular_transmission")
_BRAIN = BEDS.index("brain")
_KIDNEY = BEDS.index("kidney")
BIS_AWAKE = 97.4
"""Awake value of the BIS-like consciousness index (Bouillon TW et al. Anesthesiology
2004;100:1353, baseline E0)."""


@jit
def reset_beat(s):
    for k in (S.B_PSA_MAX, S.B_PPA_MAX, S.B_VLV_MAX):
        s[k] = -1e9
    for k in (S.B_PSA_MIN, S.B_PPA_MIN, S.B_VLV_MIN):
        s[k] = 1e9
    for k in (S.B_PSA_SUM, S.B_PPA_SUM, S.B_PRA_SUM, S.B_PPV_SUM, S.B_AORTIC_SUM,
              S.B_BRAIN_SUM, S.B_KIDNEY_SUM, S.B_STEPS):  # fmt: skip
        s[k] = 0.0


@jit_inline
def _track(s, index_max, index_min, value):
    """Keep the running maximum and minimum of a value over a beat or breath."""
    s[index_max] = max(s[index_max], value)
    s[index_min] = min(s[index_min], value)


@jit_inline
def accumulate_beat(s, p, ppl_mmHg, p_ra, q, dt):
    """Add this step's pressures, volumes and flows to the running beat."""
    p_sa = p[P.E_SA] * (s[S.V_SA] - p[P.VU_SA]) + ppl_mmHg
    p_pa = p[P.E_PA] * (s[S.V_PA] - p[P.VU_PA]) + ppl_mmHg
    p_sp = p[P.E_SP] * (s[S.V_SP] - p[P.VU_SP])
    _track(s, S.B_PSA_MAX, S.B_PSA_MIN, p_sa)
    _track(s, S.B_PPA_MAX, S.B_PPA_MIN, p_pa)
    _track(s, S.B_VLV_MAX, S.B_VLV_MIN, s[S.V_LV])
    s[S.B_PSA_SUM] += p_sa
    s[S.B_PPA_SUM] += p_pa
    s[S.B_PRA_SUM] += p_ra
    s[S.B_PPV_SUM] += p[P.E_PV] * (s[S.V_PV] - p[P.VU_PV]) + ppl_mmHg
    s[S.B_AORTIC_SUM] += q[LINK_AORTIC] * dt
    s[S.B_BRAIN_SUM] += q[LINK_BED0 + _BRAIN]
    s[S.B_KIDNEY_SUM] += q[LINK_BED0 + _KIDNEY]
    s[S.B_STEPS] += 1.0
    return p_sa, p_sp


@jit
def finish_beat(s, p, m, period):
    """Publish the haemodynamic numbers of the beat that just ended."""
    n = s[S.B_STEPS]
    if n < 1.0:
        return
    m[M.heart_rate] = 60.0 / period
    m[M.systolic_bp] = s[S.B_PSA_MAX]
    m[M.diastolic_bp] = s[S.B_PSA_MIN]
    mean = s[S.B_PSA_SUM] / n
    m[M.mean_arterial_pressure] = mean
    m[M.pulse_pressure] = s[S.B_PSA_MAX] - s[S.B_PSA_MIN]
    cvp = s[S.B_PRA_SUM] / n
    m[M.central_venous_pressure] = cvp
    ejected = s[S.B_AORTIC_SUM]
    flow = ejected / period  # mL/s
    m[M.stroke_volume] = ejected
    m[M.cardiac_output] = flow * 0.06
    m[M.cardiac_index] = flow * 0.06 / p[P.BSA]
    m[M.ejection_fraction] = ejected / max(s[S.B_VLV_MAX], 1.0)
    m[M.pulmonary_artery_pressure_systolic] = s[S.B_PPA_MAX]
    m[M.pulmonary_artery_pressure_diastolic] = s[S.B_PPA_MIN]
    pa_mean = s[S.B_PPA_SUM] / n
    wedge = s[S.B_PPV_SUM] / n
    m[M.pulmonary_artery_pressure_mean] = pa_mean
    m[M.pulmonary_capillary_wedge_pressure] = wedge
    safe_flow = max(flow, 1e-3)
    m[M.systemic_vascular_resistance] = (mean - cvp) / safe_flow
    m[M.pulmonary_vascular_resistance] = (pa_mean - wedge) / safe_flow
    m[M.cerebral_blood_flow] = s[S.B_BRAIN_SUM] / n * 60.0
    m[M.renal_blood_flow] = s[S.B_KIDNEY_SUM] / n * 60.0
    reset_beat(s)


@jit
def reset_breath(s):
    for k in (S.BR_V_MAX, S.BR_PPL_MAX, S.BR_PTP_MAX, S.BR_CO2_MAX):
        s[k] = -1e9
    for k in (S.BR_V_MIN, S.BR_PPL_MIN, S.BR_PTP_MIN):
        s[k] = 1e9
    s[S.BR_EXP_VOLUME] = 0.0
    s[S.BR_EXP_CO2] = 0.0


@jit_inline
def accumulate_breath(s, p, ppl_cmH2O, mouth_co2, delta_volume):
    """Add this step's lung volume, pressures and expired CO2 to the running breath."""
    v = s[S.V_LUNG]
    ptp = (v - p[P.V_LUNG0]) / p[P.C_LUNG]
    _track(s, S.BR_V_MAX, S.BR_V_MIN, v)
    _track(s, S.BR_PPL_MAX, S.BR_PPL_MIN, ppl_cmH2O)
    _track(s, S.BR_PTP_MAX, S.BR_PTP_MIN, ptp)
    if delta_volume < 0.0:
        s[S.BR_CO2_MAX] = max(s[S.BR_CO2_MAX], mouth_co2)
        s[S.BR_EXP_VOLUME] -= delta_volume
        s[S.BR_EXP_CO2] -= delta_volume * mouth_co2


@jit
def finish_breath(s, p, m):
    """Publish the respiratory numbers of the breath that just ended."""
    period = s[S.BREATH_PERIOD]
    breathing = s[S.PMUS_AMPLITUDE] > 0.0
    rate = 60.0 / period if breathing else 0.0
    tidal = s[S.BR_V_MAX] - s[S.BR_V_MIN] if breathing else 0.0
    dead_space = p[P.VD1] + p[P.VD2]
    m[M.respiratory_rate] = rate
    m[M.tidal_volume] = tidal
    m[M.minute_ventilation] = tidal * rate * 1e-3
    m[M.alveolar_ventilation] = max(tidal - dead_space, 0.0) * rate * 1e-3
    m[M.anatomic_dead_space] = dead_space
    t_insp = s[S.INSPIRATION_DURATION]
    m[M.ie_ratio] = t_insp / (period - t_insp)
    if breathing and s[S.BR_EXP_VOLUME] > 0.0:
        m[M.etco2] = s[S.BR_CO2_MAX]
        mixed_expired = s[S.BR_EXP_CO2] / s[S.BR_EXP_VOLUME]
        m[M.dead_space_ratio] = 1.0 - mixed_expired / max(s[S.ART_PCO2], 1.0)
    elif not breathing:
        m[M.etco2] = 0.0  # no exhaled gas: the capnogram is flat
    m[M.intrapleural_pressure_max] = s[S.BR_PPL_MAX]
    m[M.intrapleural_pressure_min] = s[S.BR_PPL_MIN]
    m[M.transpulmonary_pressure_max] = s[S.BR_PTP_MAX]
    m[M.transpulmonary_pressure_min] = s[S.BR_PTP_MIN]
    reset_breath(s)


@jit
def update_gas_monitors(s, p, m):
    """Blood gases, acid-base, blood and metabolic numbers from the current state."""
    hb = s[S.HB]
    pao2, paco2 = s[S.ART_PO2], s[S.ART_PCO2]
    v_pa = max(s[S.V_PA], 1.0)
    pvo2, pvco2 = partial_pressures(s[S.N_O2_PA] / v_pa, s[S.N_CO2_PA] / v_pa, hb, 40.0, 46.0)
    v_sp = max(s[S.V_SP], 1.0)
    spo2_p, spco2 = partial_pressures(s[S.N_O2_SP] / v_sp, s[S.N_CO2_SP] / v_sp, hb, pao2, paco2)
    base_excess = p[P.BASE_EXCESS] - (s[S.LACTATE] - p[P.LACTATE_REST])
    ph, hco3 = acid_base(paco2, base_excess, hb)
    vo2 = s[S.VO2_LUNG] * 60.0
    vco2 = s[S.VCO2_LUNG] * 60.0
    rer = vco2 / vo2 if vo2 > 1e-6 else p[P.RQ]
    pi_o2 = p[P.FIO2] * (p[P.PB] - 47.0)
    m[M.pao2] = pao2
    m[M.paco2] = paco2
    m[M.pvo2] = pvo2
    m[M.pvco2] = pvco2
    m[M.sao2] = 100.0 * o2_saturation(pao2, paco2)
    m[M.spo2] = 100.0 * o2_saturation(spo2_p, spco2)
    m[M.ph_arterial] = ph
    m[M.hco3_arterial] = hco3
    m[M.base_excess] = base_excess
    m[M.shunt_fraction] = p[P.SHUNT]
    m[M.alveolar_arterial_gradient] = pi_o2 - paco2 / max(rer, 0.5) - pao2
    m[M.pf_ratio] = pao2 / p[P.FIO2]
    pmus = muscle_pressure(
        s[S.BREATH_ELAPSED], s[S.BREATH_PERIOD], s[S.INSPIRATION_DURATION],
        s[S.PMUS_AMPLITUDE], p[P.PMUS_EXP_TAU_FRACTION],
    )  # fmt: skip
    m[M.intrapleural_pressure] = pleural_pressure(s[S.V_LUNG], p, pmus)
    m[M.transpulmonary_pressure] = (s[S.V_LUNG] - p[P.V_LUNG0]) / p[P.C_LUNG]
    m[M.lung_compliance] = p[P.C_LUNG] * 1e-3
    m[M.chest_wall_compliance] = p[P.C_CHEST_WALL] * 1e-3
    m[M.respiratory_system_compliance] = 1e-3 / (1.0 / p[P.C_LUNG] + 1.0 / p[P.C_CHEST_WALL])
    m[M.inspiratory_resistance] = p[P.R_AW] * 1e3
    m[M.expiratory_resistance] = p[P.R_AW] * 1e3
    total = blood_volume(s)
    hct = s[S.RBC_VOLUME] / total
    m[M.hemoglobin] = hb
    m[M.hematocrit] = hct
    m[M.blood_volume] = total
    m[M.plasma_volume] = total - s[S.RBC_VOLUME]
    m[M.urine_output] = s[S.URINE_RATE] * 3600.0
    m[M.lactate] = s[S.LACTATE]
    m[M.interstitial_fluid_volume] = s[S.V_ISF]
    consciousness = 1.0 + s[S.EFFECT_0 + _CONSCIOUSNESS]
    m[M.consciousness_index] = min(max(BIS_AWAKE * consciousness, 0.0), 100.0)
    m[M.train_of_four_ratio] = min(max(1.0 + s[S.EFFECT_0 + _NEUROMUSCULAR], 0.0), 1.0)
    for slot in range(DRUG_SLOTS):
        m[M.drug_plasma_0 + slot] = plasma_concentration(s, p, slot)
        m[M.drug_effect_site_0 + slot] = effect_site_concentration(s, p, slot)
    m[M.core_temperature] = s[S.T_CORE]
    m[M.oxygen_consumption] = vo2
    m[M.co2_production] = vco2
    m[M.respiratory_exchange_ratio] = rer
    m[M.metabolic_rate] = (3.941 * vo2 + 1.106 * vco2) * 1e-3 * 1440.0
