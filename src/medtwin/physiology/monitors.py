"""Derived signals: what a bedside monitor and a blood-gas analyser would report.

Haemodynamic numbers are per beat (accumulated every step, published when the next
beat starts), respiratory numbers per breath, blood gases and metabolism per call.
Names and units are those of `medtwin/data/signals.csv`.

A monitor reports only what it can measure, and NaN otherwise: the pulse oximeter needs
a pulse at its site (Lawson 1987), the heart rate needs QRS complexes to count (none in
ventricular fibrillation; 0 in asystole), and the respiratory rate counts breaths that
move alveolar gas to the mouth, as a capnograph does (a breath no larger than the
anatomic dead space brings no CO2 out; Levitzky 2013 ch. 3).
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit, jit_inline
from medtwin.physiology.bloodgas import acid_base, o2_saturation, partial_pressures
from medtwin.physiology.cardiac import ASYSTOLE, VF
from medtwin.physiology.circulation import (
    LINK_AORTIC,
    LINK_BED0,
    blood_volume,
    extrathoracic_artery_pressure,
)
from medtwin.physiology.drugs import (
    effect_site_concentration,
    plasma_concentration,
    train_of_four_ratio,
)
from medtwin.physiology.layout import BEDS, DRUG_SLOTS, EFFECT_TARGETS
from medtwin.physiology.pleura import VENT_DRAIN, chest_excess
from medtwin.physiology.respiration import muscle_pressure, pleural_pressure
from medtwin.physiology.ventilation import (
    MODE_OFF,
    airway_open_share,
    airway_resistance,
    capnograph_connected,
    mandatory_breath,
    shunt,
)

_CONSCIOUSNESS = EFFECT_TARGETS.index("consciousness")
_NEUROMUSCULAR = EFFECT_TARGETS.index("neuromuscular_transmission")
_BRAIN = BEDS.index("brain")
_KIDNEY = BEDS.index("kidney")
BIS_AWAKE = 97.4
"""Awake value of the BIS-like consciousness index (Bouillon TW et al. Anesthesiology
2004;100:1353, baseline E0)."""


_NO_MAXIMUM = -1e9
_NO_MINIMUM = 1e9


@jit
def reset_beat(s):
    """Empty the beat accumulators for the beat that starts now."""
    s.B_PSA_MAX = s.B_PPA_MAX = s.B_VLV_MAX = s.B_PSP_MAX = _NO_MAXIMUM
    s.B_PSA_MIN = s.B_PPA_MIN = s.B_VLV_MIN = s.B_PSP_MIN = _NO_MINIMUM
    s.B_PSA_SUM = s.B_PPA_SUM = s.B_PRA_SUM = s.B_PPV_SUM = 0.0
    s.B_AORTIC_SUM = s.B_BRAIN_SUM = s.B_KIDNEY_SUM = s.B_STEPS = 0.0


@jit_inline
def accumulate_beat(s, p, ppl_mmHg, p_ra, q, dt):
    """Add this step's pressures, volumes and flows to the running beat.

    The arterial pressure is read where a catheter and a pulse oximeter read it, in an
    artery outside the chest (the aorta's pressure, or nothing once the arteries are
    emptied and collapse); the pulmonary pressures inside the chest.
    """
    p_sa = extrathoracic_artery_pressure(p.E_SA * (s.V_SA - p.VU_SA) + ppl_mmHg)
    p_pa = p.E_PA * (s.V_PA - p.VU_PA) + ppl_mmHg
    p_sp = extrathoracic_artery_pressure(p.E_SP * (s.V_SP - p.VU_SP))
    s.B_PSA_MAX = max(s.B_PSA_MAX, p_sa)
    if p_sa < s.B_PSA_MIN:
        s.B_PSA_MIN = p_sa
        s.B_PRA_AT_PSA_MIN = p_ra
    s.B_PPA_MAX = max(s.B_PPA_MAX, p_pa)
    s.B_PPA_MIN = min(s.B_PPA_MIN, p_pa)
    s.B_VLV_MAX = max(s.B_VLV_MAX, s.V_LV)
    s.B_VLV_MIN = min(s.B_VLV_MIN, s.V_LV)
    s.B_PSP_MAX = max(s.B_PSP_MAX, p_sp)
    s.B_PSP_MIN = min(s.B_PSP_MIN, p_sp)
    s.B_PSA_SUM += p_sa
    s.B_PPA_SUM += p_pa
    s.B_PRA_SUM += p_ra
    s.B_PPV_SUM += p.E_PV * (s.V_PV - p.VU_PV) + ppl_mmHg
    s.B_AORTIC_SUM += q[LINK_AORTIC] * dt
    s.B_BRAIN_SUM += q[LINK_BED0 + _BRAIN]
    s.B_KIDNEY_SUM += q[LINK_BED0 + _KIDNEY]
    s.B_STEPS += 1.0
    return p_sa, p_sp


@jit
def finish_beat(s, p, m, period, heart_period):
    """Publish the haemodynamic numbers of the beat that just ended: `period` long (a
    heartbeat, or a chest compression's cycle during CPR), the heart's own beat period
    being `heart_period`."""
    n = s.B_STEPS
    if n < 1.0:
        return
    rhythm = int(s.RHYTHM)
    if rhythm == VF:
        m.heart_rate = np.nan  # no QRS complexes for the monitor to count
    elif rhythm == ASYSTOLE:
        m.heart_rate = 0.0
    else:
        m.heart_rate = 60.0 / heart_period  # sinus, or the complexes of PEA
    m.systolic_bp = s.B_PSA_MAX
    m.diastolic_bp = s.B_PSA_MIN
    mean = s.B_PSA_SUM / n
    m.mean_arterial_pressure = mean
    m.pulse_pressure = s.B_PSA_MAX - s.B_PSA_MIN
    cvp = s.B_PRA_SUM / n
    m.central_venous_pressure = cvp
    # aortic pressure at its lowest (diastole, or a compression's release) less the
    # right atrial pressure then (Paradis NA et al. JAMA 1990;263:1106)
    m.coronary_perfusion_pressure = s.B_PSA_MIN - s.B_PRA_AT_PSA_MIN
    ejected = s.B_AORTIC_SUM
    flow = ejected / period  # mL/s
    m.stroke_volume = ejected
    m.cardiac_output = flow * 0.06
    m.cardiac_index = flow * 0.06 / p.BSA
    m.ejection_fraction = ejected / max(s.B_VLV_MAX, 1.0)
    m.pulmonary_artery_pressure_systolic = s.B_PPA_MAX
    m.pulmonary_artery_pressure_diastolic = s.B_PPA_MIN
    pa_mean = s.B_PPA_SUM / n
    wedge = s.B_PPV_SUM / n
    m.pulmonary_artery_pressure_mean = pa_mean
    m.pulmonary_capillary_wedge_pressure = wedge
    safe_flow = max(flow, 1e-3)
    m.systemic_vascular_resistance = (mean - cvp) / safe_flow
    m.pulmonary_vascular_resistance = (pa_mean - wedge) / safe_flow
    m.cerebral_blood_flow = s.B_BRAIN_SUM / n * 60.0
    m.renal_blood_flow = s.B_KIDNEY_SUM / n * 60.0
    s.PLETH_PULSE = s.B_PSP_MAX - s.B_PSP_MIN
    reset_beat(s)


@jit
def reset_breath(s):
    """Empty the breath accumulators for the breath that starts now."""
    s.BR_V_MAX = s.BR_PPL_MAX = s.BR_PTP_MAX = s.BR_CO2_MAX = _NO_MAXIMUM
    s.BR_V_MIN = s.BR_PPL_MIN = s.BR_PTP_MIN = _NO_MINIMUM
    s.BR_EXP_VOLUME = 0.0
    s.BR_EXP_CO2 = 0.0
    s.BR_PAW_MAX = _NO_MAXIMUM
    s.BR_PAW_SUM = s.BR_STEPS = s.BR_PEAK_EXP_FLOW = 0.0
    s.BR_PALV_INSP = 0.0


@jit_inline
def accumulate_breath(s, p, ppl_cmH2O, mouth_co2, delta_volume, dt):
    """Add this step's lung volume, pressures, airway pressure and expired gas to the
    running breath."""
    s.BR_PAW_MAX = max(s.BR_PAW_MAX, s.AIRWAY_PRESSURE)
    s.BR_PAW_SUM += s.AIRWAY_PRESSURE
    s.BR_STEPS += 1.0
    v = s.V_LUNG
    ptp = (v - p.V_LUNG0) / p.C_LUNG
    s.BR_V_MAX = max(s.BR_V_MAX, v)
    s.BR_V_MIN = min(s.BR_V_MIN, v)
    s.BR_PPL_MAX = max(s.BR_PPL_MAX, ppl_cmH2O)
    s.BR_PPL_MIN = min(s.BR_PPL_MIN, ppl_cmH2O)
    s.BR_PTP_MAX = max(s.BR_PTP_MAX, ptp)
    s.BR_PTP_MIN = min(s.BR_PTP_MIN, ptp)
    if delta_volume < 0.0:
        s.BR_PEAK_EXP_FLOW = max(s.BR_PEAK_EXP_FLOW, -delta_volume / dt)
        s.BR_CO2_MAX = max(s.BR_CO2_MAX, mouth_co2)
        s.BR_EXP_VOLUME -= delta_volume
        s.BR_EXP_CO2 -= delta_volume * mouth_co2


@jit
def finish_breath(s, p, m, period, inspiration_s, driven, alveolar_pressure_now):
    """Publish the respiratory numbers of the breath that just ended: `period` long,
    inspiring for `inspiration_s`; `driven` if the patient's muscles or a device drove
    it. A breath that moves no more than the dead space brings no alveolar gas out
    (no rate on a capnograph), and a capnograph on a tube in the oesophagus sees no
    CO2. Ventilator readings (airway pressures, exhaled volumes, compliances) need a
    device on the airway: NaN without one."""
    rate = 60.0 / period if driven else 0.0
    tidal = s.BR_V_MAX - s.BR_V_MIN if driven else 0.0
    s.LAST_TIDAL_VOLUME = tidal
    dead_space = p.VD1 + p.VD2
    m.respiratory_rate = rate if tidal > dead_space else 0.0
    m.tidal_volume = tidal
    m.minute_ventilation = tidal * rate * 1e-3
    m.alveolar_ventilation = max(tidal - dead_space, 0.0) * rate * 1e-3
    m.anatomic_dead_space = dead_space
    m.ie_ratio = inspiration_s / (period - inspiration_s)
    connected = capnograph_connected(p)
    if driven and connected and s.BR_EXP_VOLUME > 0.0:
        m.etco2 = s.BR_CO2_MAX * perfused_alveolar_share(m, p)
        mixed_expired = s.BR_EXP_CO2 / s.BR_EXP_VOLUME
        m.dead_space_ratio = 1.0 - mixed_expired / max(s.ART_PCO2, 1.0)
    else:
        m.etco2 = 0.0  # no exhaled gas reaches the capnograph: the capnogram is flat
    m.intrapleural_pressure_max = s.BR_PPL_MAX
    m.intrapleural_pressure_min = s.BR_PPL_MIN
    m.transpulmonary_pressure_max = s.BR_PTP_MAX
    m.transpulmonary_pressure_min = s.BR_PTP_MIN
    _publish_device_breath(s, p, m, rate, alveolar_pressure_now)
    reset_breath(s)


@jit
def perfused_alveolar_share(m, p) -> float:
    """The share of the exhaled alveolar gas that comes from perfused alveoli: 1 down
    to `ZONE_ONE_FLOW_SHARE` of resting cardiac output, then in proportion to the flow
    (the rest, from unperfused alveoli, carries no CO2)."""
    flow_share = max(m.cardiac_output, 0.0) / p.CARDIAC_OUTPUT_REST
    return min(flow_share / p.ZONE_ONE_FLOW_SHARE, 1.0)


@jit
def _publish_device_breath(s, p, m, rate, total_peep):
    """The numbers a ventilator reads for the breath that just ended (NaN without one)."""
    if p.VENT_MODE == MODE_OFF:
        m.airway_pressure = m.peak_inspiratory_pressure = m.plateau_pressure = np.nan
        m.total_peep = m.exhaled_tidal_volume = m.exhaled_minute_volume = np.nan
        m.peak_expiratory_flow = m.dynamic_compliance = m.static_compliance = np.nan
        return
    exhaled = s.BR_EXP_VOLUME if capnograph_connected(p) else 0.0
    m.airway_pressure = s.BR_PAW_SUM / max(s.BR_STEPS, 1.0)  # mean airway pressure
    m.peak_inspiratory_pressure = s.BR_PAW_MAX
    m.plateau_pressure = s.BR_PALV_INSP
    m.total_peep = total_peep
    m.exhaled_tidal_volume = exhaled
    m.exhaled_minute_volume = exhaled * rate * 1e-3
    m.peak_expiratory_flow = s.BR_PEAK_EXP_FLOW * 0.06
    driving = s.BR_PAW_MAX - total_peep
    plateau = s.BR_PALV_INSP - total_peep
    if not mandatory_breath(s, p) or exhaled <= 0.0:
        m.dynamic_compliance = m.static_compliance = np.nan
        return
    m.dynamic_compliance = exhaled * 1e-3 / driving if driving > 0.5 else np.nan
    m.static_compliance = exhaled * 1e-3 / plateau if plateau > 0.5 else np.nan


@jit
def _awake_fraction(saturation, p):
    x = (max(saturation, 0.0) / p.BRAIN_VENOUS_SAT_HALF_CONSCIOUS) ** p.BRAIN_VENOUS_SAT_HILL
    return x / (1.0 + x)


@jit
def cerebral_oxygenation(s, p) -> float:
    """The brain's O2 supply as a factor on consciousness (1 at rest, 0 when the brain
    has no O2): a Hill curve of the O2 saturation of blood leaving the brain (its
    tissue's content, bound O2 only), normalised to the resting content (Schell & Cole
    2000). It falls within seconds of circulatory arrest, the brain's O2 store being a
    few seconds of its use."""
    carried_per_saturation = 1.34e-2 * max(s.HB, 1.0)  # mL O2/mL blood, Hüfner
    capacity = p.CAP_O2[_BRAIN]
    saturation = s.T_O2[_BRAIN] / capacity / carried_per_saturation
    resting = p.TISSUE_O2_REST[_BRAIN] / carried_per_saturation
    return min(_awake_fraction(saturation, p) / _awake_fraction(resting, p), 1.0)


@jit
def consciousness_index(s, p) -> float:
    """The BIS-like index (0-100, `BIS_AWAKE` awake): the drugs' effect on
    consciousness times the brain's O2 supply and what an ischaemic time has left."""
    oxygenation = cerebral_oxygenation(s, p) * post_anoxic_factor(s, p)
    consciousness = (1.0 + s.EFFECT[_CONSCIOUSNESS]) * oxygenation
    return min(max(BIS_AWAKE * consciousness, 0.0), 100.0)


@jit
def post_anoxic_factor(s, p) -> float:
    """The share of consciousness a brain regains after its ischaemic time (1 without
    arrest): falling steeply past `POST_ANOXIC_COMA_S` (a Hill curve of slope 4)."""
    x = (s.NO_FLOW_TIME / p.POST_ANOXIC_COMA_S) ** 4
    return 1.0 / (1.0 + x)


@jit
def base_excess(s, p) -> float:
    """Arterial base excess (mmol/L): the patient's own, less the lactic acid above
    rest (each mmol of lactic acid uses a mmol of buffer base)."""
    return p.BASE_EXCESS - (s.LACTATE - p.LACTATE_REST)


@jit
def update_gas_monitors(s, p, m):
    """Blood gases, acid-base, blood and metabolic numbers from the current state."""
    hb = s.HB
    pao2, paco2 = s.ART_PO2, s.ART_PCO2
    v_pa = max(s.V_PA, 1.0)
    pvo2, pvco2 = partial_pressures(s.N_O2_PA / v_pa, s.N_CO2_PA / v_pa, hb, 40.0, 46.0)
    v_sp = max(s.V_SP, 1.0)
    spo2_p, spco2 = partial_pressures(s.N_O2_SP / v_sp, s.N_CO2_SP / v_sp, hb, pao2, paco2)
    excess = base_excess(s, p)
    ph, hco3 = acid_base(paco2, excess, hb)
    vo2 = s.VO2_LUNG * 60.0
    vco2 = s.VCO2_LUNG * 60.0
    rer = vco2 / vo2 if vo2 > 1e-6 else p.RQ
    fio2 = s.INSPIRED_O2
    pi_o2 = fio2 * (p.PB - 47.0)
    m.fio2 = fio2
    m.pao2 = pao2
    m.paco2 = paco2
    m.pvo2 = pvo2
    m.pvco2 = pvco2
    m.sao2 = 100.0 * o2_saturation(pao2, paco2)
    pulsatile = s.PLETH_PULSE >= p.OXIMETRY_MIN_PULSE_FRACTION * p.PLETH_PULSE_REST
    m.spo2 = 100.0 * o2_saturation(spo2_p, spco2) if pulsatile else np.nan
    m.ph_arterial = ph
    m.hco3_arterial = hco3
    m.base_excess = excess
    m.shunt_fraction = shunt(s, p)
    m.alveolar_arterial_gradient = pi_o2 - paco2 / max(rer, 0.5) - pao2
    m.pf_ratio = pao2 / fio2
    pmus = muscle_pressure(
        s.BREATH_ELAPSED, s.BREATH_PERIOD, s.INSPIRATION_DURATION,
        s.PMUS_AMPLITUDE, p.PMUS_EXP_TAU_FRACTION,
    )  # fmt: skip
    m.intrapleural_pressure = pleural_pressure(s.V_LUNG + chest_excess(s, p), p, pmus)
    # one pressure in both pleural spaces: the mediastinum is mobile (`pleura`)
    m.pleural_pressure_left = m.intrapleural_pressure
    m.pleural_pressure_right = m.intrapleural_pressure
    # a drain's bottle: the blood it let out; no reading without a drain
    m.chest_drain_output_left = s.DRAIN_BLOOD[0] if p.PTX_VENT[0] == VENT_DRAIN else np.nan
    m.chest_drain_output_right = s.DRAIN_BLOOD[1] if p.PTX_VENT[1] == VENT_DRAIN else np.nan
    m.transpulmonary_pressure = (s.V_LUNG - p.V_LUNG0) / p.C_LUNG
    m.lung_compliance = p.C_LUNG * 1e-3
    m.chest_wall_compliance = p.C_CHEST_WALL * 1e-3
    m.respiratory_system_compliance = 1e-3 / (1.0 / p.C_LUNG + 1.0 / p.C_CHEST_WALL)
    open_share = airway_open_share(s, p)
    resistance = airway_resistance(p, open_share)
    m.inspiratory_resistance = resistance * 1e3 if resistance > 0.0 else np.nan
    m.expiratory_resistance = m.inspiratory_resistance
    # a forced expiration's peak flow goes with the airways' cross-section (flow at the
    # wave speed, Dawson SV, Elliott EA. J Appl Physiol 1977;43:498)
    m.peak_flow_percent_predicted = 100.0 * max(open_share, 0.0)
    total = blood_volume(s)
    hct = s.RBC_VOLUME / total
    m.hemoglobin = hb
    m.hematocrit = hct
    m.blood_volume = total
    m.plasma_volume = total - s.RBC_VOLUME
    m.urine_output = s.URINE_RATE * 3600.0
    m.lactate = s.LACTATE
    m.interstitial_fluid_volume = s.V_ISF
    m.rhythm = s.RHYTHM
    m.consciousness_index = consciousness_index(s, p)
    m.twitch_height = min(max(1.0 + s.EFFECT[_NEUROMUSCULAR], 0.0), 1.0)
    m.train_of_four_ratio = train_of_four_ratio(s, p)
    for slot in range(DRUG_SLOTS):
        m.drug_plasma[slot] = plasma_concentration(s, p, slot)
        m.drug_effect_site[slot] = effect_site_concentration(s, p, slot)
    m.core_temperature = s.T_CORE
    m.oxygen_consumption = vo2
    m.co2_production = vco2
    m.respiratory_exchange_ratio = rer
    m.metabolic_rate = (3.941 * vo2 + 1.106 * vco2) * 1e-3 * 1440.0
