"""Nervous control: the carotid baroreflex and the chemoreflexes.

Baroreflex after Ursino 1998 (Am J Physiol 275:H1733), eqs. 17-27 and Table 2:
- afferent: a lead-lag filter (tau_p, tau_z) on carotid sinus pressure feeding a
  sigmoid firing rate between f_min and f_max centred on the set point P_n;
- efferent: sympathetic firing falls exponentially, vagal firing rises sigmoidally
  with afferent firing;
- effectors: each filters ln(f_es(t - D) - f_es,min + 1) (or f_ev(t - D) for the vagal
  heart-period effect) with its own pure delay D and time constant tau, and changes
  heart period, ventricular end-systolic elastance, bed resistances and venous
  unstressed volumes.
Effects are written relative to the patient's resting value at the reference
activity (afferent firing at the sigmoid's centre), so a patient whose carotid
pressure sits at P_n shows exactly its resting parameters.

Chemoreflex: ventilation demand from central (slow, PaCO2) and peripheral (fast,
PaCO2 and PaO2) chemoreceptors, with the gains and the hypoxic hyperbola given in
`parameters.REFERENCE`; the peripheral demand also raises sympathetic outflow
(Ursino & Magosso 2000).
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit
from medtwin.physiology.bloodgas import o2_saturation
from medtwin.physiology.breathing_muscles import metaboreflex
from medtwin.physiology.cardiac import (
    activation_contractility,
    pump_function,
    vascular_response,
    ventricular_period,
)
from medtwin.physiology.circulation import (
    A_BLEEDING0,
    A_EMAX_LV,
    A_EMAX_RV,
    A_FILTRATION,
    A_HEART_PERIOD,
    A_LYMPH,
    A_MUSCLE_STRENGTH,
    A_R_BED0,
    A_RESPIRATORY_RATE,
    A_URINE,
    A_VENTILATORY_DRIVE,
    A_VU_V0,
    bleeding_flow,
)
from medtwin.physiology.layout import (
    BEDS,
    DELAY_SLOTS,
    EFFECT_TARGETS,
    HAEMORRHAGE_SITES,
    N_BEDS,
)

RESTING_AVERAGE_S = 300.0
"""Averaging time of the slow means that become the resting references at settling
(so that the linear reflexes around them are unbiased by breathing and variability)."""
MIN_CARDIOPULMONARY = 0.5
"""Floor of the cardiopulmonary factor when filling is high."""
HYPOXAEMIC_DILATION_LOWEST_SATURATION = 0.8
"""Arterial O2 saturation below which hypoxaemic vasodilation grows no further: the
lowest of the steady hypoxia it was calibrated on (`HYPOXAEMIC_DILATION`)."""
_SYMPATHETIC = EFFECT_TARGETS.index("sympathetic_outflow")
_CONSCIOUSNESS = EFFECT_TARGETS.index("consciousness")
_RESISTANCE = EFFECT_TARGETS.index("arteriolar_resistance")
_VENOUS = EFFECT_TARGETS.index("venous_unstressed_volume")
_CONTRACTILITY = EFFECT_TARGETS.index("contractility")
_HEART_RATE = EFFECT_TARGETS.index("heart_rate")
_ESCAPE_RATE = EFFECT_TARGETS.index("escape_rate")
_DRIVE = EFFECT_TARGETS.index("ventilatory_drive")
_RATE = EFFECT_TARGETS.index("respiratory_rate")
_NEUROMUSCULAR = EFFECT_TARGETS.index("neuromuscular_transmission")
_HEART_BED = BEDS.index("heart")
_BRAIN_BED = BEDS.index("brain")


@jit
def afferent_firing(p, pressure):
    """Carotid baroreceptor firing (spikes/s) for a filtered sinus pressure."""
    e = np.exp((pressure - p.P_N) / p.K_A)
    return (p.F_AB_MIN + p.F_AB_MAX * e) / (1.0 + e)


@jit
def sympathetic_firing(p, f_ab):
    """Efferent sympathetic firing (spikes/s), Ursino 1998 eq. 20."""
    return p.FES_INF + (p.FES_0 - p.FES_INF) * np.exp(-p.K_ES * f_ab)


@jit
def vagal_firing(p, f_ab):
    """Efferent vagal firing (spikes/s), Ursino 1998 eq. 21."""
    e = np.exp((f_ab - p.F_AB_0) / p.K_EV)
    return (p.FEV_0 + p.FEV_INF * e) / (1.0 + e)


@jit
def sympathetic_drive(p, f_es):
    """ln(f_es - f_es,min + 1), the effector input of Ursino 1998 eq. 22."""
    return np.log(max(f_es - p.FES_MIN, 0.0) + 1.0)


@jit
def _delayed(history, now, delay_s, dt_slow):
    """The value a firing-rate ring buffer held `delay_s` before slot `now`."""
    lag = int(delay_s / dt_slow + 0.5)
    return history[(now - lag) % DELAY_SLOTS]


@jit
def _relaxed(value, target, tau, dt):
    """One explicit Euler step of first-order relaxation towards `target`."""
    return value + dt * (target - value) / tau


@jit
def acidosis_ventilation_gain(p) -> float:
    """Extra ventilation demand per mmol/L of lactic acid (L/min) that lowers PaCO2 by
    Winter's 1.5 mmHg per mmol/L of bicarbonate used (`WINTER_SLOPE`; each mmol of
    lactic acid uses a mmol of buffer base, `monitors.base_excess`) once breathing has
    settled: the demand the lower PaCO2 takes from the CO2 chemoreflexes, plus the
    ventilation that lowers it (alveolar PaCO2 goes inversely with ventilation, so
    about VE_REST / PACO2_SET per mmHg about rest)."""
    co2_response = p.S_CO2_CENTRAL + p.S_CO2_PERIPHERAL + p.VE_REST / p.PACO2_SET
    return p.WINTER_SLOPE * co2_response


@jit
def csf_acidosis_step(s, p, dt_slow):
    """Let the cerebrospinal fluid's acidosis (mmol/L of lactic acid above rest) follow
    the blood's with the time constant of its bicarbonate (`TAU_CSF_ACIDOSIS`)."""
    target = max(s.LACTATE - p.LACTATE_REST, 0.0)
    s.CSF_ACIDOSIS = _relaxed(s.CSF_ACIDOSIS, target, p.TAU_CSF_ACIDOSIS, dt_slow)


@jit
def ventilation_demand(
    p,
    drive,
    wakefulness,
    paco2_central,
    paco2_peripheral,
    pao2_peripheral,
    lactate,
    csf_acidosis,
    carotid_pressure,
):
    """Chemoreflex minute-ventilation demand (L/min) and its peripheral part.

    `drive` scales the whole demand (sedatives, opioids). The resting ventilation is
    the wakefulness drive (Fink BR. Influence of cerebral activity in wakefulness on
    regulation of breathing. J Appl Physiol 1961;16:15-20): it fades with
    consciousness (`wakefulness` 1 awake, 0 unconscious), leaving breathing to CO2, so
    an anaesthetised patient stops breathing until PaCO2 rises. Below the CO2 set point
    hypocapnia takes at most `WAKEFUL_DRIVE_FLOOR` of the waking drive: awake subjects
    made hypocapnic breathe on, where asleep or anaesthetised they stop (Fink 1961), so
    an awake patient given pressure support or hyperventilated keeps a breathing
    rhythm.
    Lactic acidosis drives breathing until PaCO2 falls as Winter's rule has it
    (`acidosis_ventilation_gain`): at once through the carotid bodies
    (`ACUTE_ACIDOSIS_SHARE` of it), the rest through the central chemoreceptors as the
    cerebrospinal fluid's bicarbonate follows the blood's over hours (`csf_acidosis`,
    mmol/L of lactate). A carotid body starved of flow once arterial pressure falls
    below its perfusion threshold (stagnant hypoxia: Landgren S, Neil E. Acta Physiol
    Scand 1951;23:158) drives breathing too, which makes the late tachypnoea of
    haemorrhagic shock.

    The peripheral part returned for the sympathetic chemoreflex is the carotid bodies'
    O2 and CO2 drive, as in the model that reflex comes from (Ursino M, Magosso E. Am J
    Physiol 2000;279:H149), without their response to lactic acid.
    """
    central = p.S_CO2_CENTRAL * (paco2_central - p.PACO2_SET)
    hypoxia = p.A_HYPOXIA * (1.0 / max(pao2_peripheral - 32.0, 4.0) - 1.0 / (p.PAO2_SET - 32.0))
    gain = acidosis_ventilation_gain(p)
    acidosis = gain * p.ACUTE_ACIDOSIS_SHARE * max(lactate - p.LACTATE_REST, 0.0)
    central += gain * (1.0 - p.ACUTE_ACIDOSIS_SHARE) * csf_acidosis
    peripheral = p.S_CO2_PERIPHERAL * (paco2_peripheral - p.PACO2_SET) + hypoxia
    hypoperfusion = max(p.CAROTID_BODY_PERFUSION_THRESHOLD - carotid_pressure, 0.0)
    peripheral += p.CAROTID_BODY_HYPOPERFUSION_GAIN * hypoperfusion
    waking = p.VE_REST * wakefulness
    chemical = central + peripheral + acidosis
    demand = drive * max(waking + chemical, p.WAKEFUL_DRIVE_FLOOR * waking)
    return max(demand, 0.0), peripheral


@jit
def metabolic_tone(s, p, bed):
    """Local metabolic control of the heart's and the brain's vessels (a factor on the
    bed's resistance; 1 elsewhere): they dilate as their tissue's O2 falls below rest,
    down to their maximal dilation, and constrict as it rises, so their flow follows
    their O2 demand over a wide range of pressure (autoregulation)."""
    if bed == _HEART_BED:
        lowest = p.CORONARY_MAX_DILATION
    elif bed == _BRAIN_BED:
        lowest = p.CEREBRAL_MAX_DILATION
    else:
        return 1.0
    ratio = max(s.T_O2[bed] / p.CAP_O2[bed] / p.TISSUE_O2_REST[bed], 0.0)
    return min(max(ratio**p.METABOLIC_VASODILATION_GAIN, lowest), 1.0 / lowest)


@jit
def hypoxaemic_dilation(s, p):
    """Factor on the resistance of the beds without their own metabolic tone (all but
    heart and brain) as arterial blood desaturates: their vessels dilate, against the
    sympathetic constriction the chemoreflex brings (`HYPOXAEMIC_DILATION`), down to
    the saturation it was measured at (`HYPOXAEMIC_DILATION_LOWEST_SATURATION`) and no
    further below it."""
    rest = o2_saturation(p.PAO2_SET, p.PACO2_SET)
    saturation = max(o2_saturation(s.ART_PO2, s.ART_PCO2), HYPOXAEMIC_DILATION_LOWEST_SATURATION)
    return 1.0 - p.HYPOXAEMIC_DILATION * max(rest - saturation, 0.0)


@jit
def resting_sympathetic_firing(p):
    """Efferent sympathetic firing (spikes/s) at the resting reference activity."""
    return p.FES_MIN - 1.0 + np.exp(p.SIGMA_REF_S)


@jit
def sympathoinhibition(p, unloading):
    """The second phase of acute blood loss (0-1): once the right atrium's filling has
    fallen far enough below rest (`unloading`, mmHg), cardiac vagal afferents withdraw
    sympathetic drive and raise vagal drive, and pressure falls to about half (Schadt JC,
    Ludbrook J. Am J Physiol 1991;260:H305). Sympathetic firing falls back to its resting
    level and vagal firing rises towards its maximum in proportion."""
    x = (unloading - p.SYMPATHOINHIBITION_FILLING_FALL) / p.SYMPATHOINHIBITION_WIDTH
    return 1.0 / (1.0 + np.exp(-min(max(x, -50.0), 50.0)))


@jit
def reflex_step(s, p, act, sinus_pressure, ra_filling, peripheral_demand, dt_slow):
    """Advance the reflexes and effectors by one slow step and refresh `act`.

    Sympathetic outflow is the arterial baroreflex's, raised by the chemoreflex and by
    unloading of the cardiopulmonary (low-pressure) receptors when the right atrium's
    filling falls below its resting value (Heldt T et al. 2002, J Appl Physiol
    92:1239, cardiopulmonary reflex), until the central blood volume is so low that
    the second, sympatho-inhibitory phase of haemorrhage sets in
    (`sympathoinhibition`), and by fatiguing work of the breathing muscles, which
    withdraws vagal tone in the same proportion (`breathing_muscles.metaboreflex`;
    St Croix 2000: heart rate +27 /min as arterial pressure rose). The adrenal medulla
    follows the excitation before that inhibition (`adrenal_step`).

    The receptors sense stretch, so `ra_filling` is the atrium's transmural pressure
    (mmHg), not the central venous pressure a transducer reads: a positive-pressure
    breath, PEEP or a tension pneumothorax raises the measured CVP while it empties the
    heart, and unloads them.
    """
    lead = p.TAU_Z / p.TAU_P
    s.BARO_LAG += dt_slow * (sinus_pressure * (1.0 - lead) - s.BARO_LAG) / p.TAU_P
    f_ab = afferent_firing(p, s.BARO_LAG + lead * sinus_pressure)
    chemo = 1.0 + p.CHEMO_SYMPATHETIC_GAIN * max(peripheral_demand, 0.0)
    s.CARDIOPULMONARY_FILLING += (
        dt_slow * (ra_filling - s.CARDIOPULMONARY_FILLING) / p.TAU_CARDIOPULMONARY
    )
    unloading = p.RA_FILLING_REST - s.CARDIOPULMONARY_FILLING
    cardiopulmonary = max(1.0 + p.G_CARDIOPULMONARY * unloading, MIN_CARDIOPULMONARY)
    inhibition = sympathoinhibition(p, unloading)
    s.RA_FILLING_SLOW = _relaxed(
        s.RA_FILLING_SLOW, s.CARDIOPULMONARY_FILLING, RESTING_AVERAGE_S, dt_slow
    )
    drugs = max(1.0 + s.EFFECT[_SYMPATHETIC], 0.0)
    metabo = metaboreflex(s, p, act[A_MUSCLE_STRENGTH])
    f_es = sympathetic_firing(p, f_ab) * chemo * cardiopulmonary * metabo * drugs
    adrenal_step(s, p, f_es, dt_slow)
    f_es += inhibition * (resting_sympathetic_firing(p) - f_es)
    f_ev = vagal_firing(p, f_ab) / metabo
    f_ev += inhibition * (p.FEV_INF - f_ev)

    index = (int(s.DELAY_INDEX) + 1) % DELAY_SLOTS
    s.DELAY_INDEX = index
    s.FES_HISTORY[index] = f_es
    s.FEV_HISTORY[index] = f_ev

    fes = s.FES_HISTORY
    s.EFF_EMAX = _relaxed(s.EFF_EMAX, sympathetic_drive(p, _delayed(fes, index, p.D_EMAX, dt_slow)),
                          p.TAU_EMAX, dt_slow)  # fmt: skip
    s.EFF_R = _relaxed(s.EFF_R, sympathetic_drive(p, _delayed(fes, index, p.D_R, dt_slow)),
                       p.TAU_R, dt_slow)  # fmt: skip
    s.EFF_VU = _relaxed(s.EFF_VU, sympathetic_drive(p, _delayed(fes, index, p.D_VU, dt_slow)),
                        p.TAU_VU, dt_slow)  # fmt: skip
    s.EFF_TS = _relaxed(s.EFF_TS, sympathetic_drive(p, _delayed(fes, index, p.D_TS, dt_slow)),
                        p.TAU_TS, dt_slow)  # fmt: skip
    s.EFF_TV = _relaxed(s.EFF_TV, _delayed(s.FEV_HISTORY, index, p.D_TV, dt_slow),
                        p.TAU_TV, dt_slow)  # fmt: skip
    apply_effectors(s, p, act)


@jit
def adrenal_step(s, p, excitation, dt_slow):
    """Advance the adrenal medulla's drive by one slow step.

    Plasma adrenaline follows splanchnic sympathetic firing (`excitation`, spikes/s),
    averaged over seconds, with adrenaline's plasma half-life (Cryer 1980); the drive is
    its fractional rise over the resting firing. It follows the excitation before the
    sympatho-inhibitory phase of haemorrhage, because adrenaline keeps rising in that
    phase while the nerves to the vessels fall silent (Schadt & Ludbrook 1991).
    """
    s.SYMPATHETIC_MEAN = _relaxed(s.SYMPATHETIC_MEAN, excitation, p.SYMPATHETIC_MEAN_TAU, dt_slow)
    rise = s.SYMPATHETIC_MEAN / p.SYMPATHETIC_REST - 1.0
    s.ADRENAL_DRIVE = _relaxed(s.ADRENAL_DRIVE, rise, p.ADRENALINE_TAU, dt_slow)


@jit
def wakefulness(s):
    """Share of the waking drive to breathe left by the drugs on board (0-1)."""
    return min(max(1.0 + s.EFFECT[_CONSCIOUSNESS], 0.0), 1.0)


@jit
def escape_factor(s, p, sympathetic):
    """How many times faster than its set rate an escape pacemaker beats.

    The sympathetic nerves shorten its period in the proportion they shorten the sinus
    node's (`sympathetic`: their change of the sinus period, s), and beta agonists
    speed it (the `escape_rate` effect); the vagus, which hardly reaches the
    ventricles, does not, so neither does atropine. This is why adrenaline or
    isoprenaline, not atropine, is given for complete block with a slow escape rhythm
    until it is paced (Resuscitation Council UK, Advanced Life Support 2021).
    """
    nerves = p.T_REST / max(p.T_REST + sympathetic, p.MIN_HEART_PERIOD)
    return nerves * max(1.0 + s.EFFECT[_ESCAPE_RATE], 0.1)


@jit
def apply_effectors(s, p, act):
    """Effector values from the reflex states (Ursino 1998 eqs. 22-27) and drug effects.

    Drug effects (`drugs.summed_effects`) are fractional changes applied on top of the
    reflexes: resistances, venous unstressed volumes and ventricular contractility are
    scaled, heart rate is scaled (the period divided), and the breathing controller's
    drive, rate and muscle strength are scaled. The heart's pump function and the
    vessels' response (`cardiac`) scale contractility and the vasoconstriction by
    nerves and drugs; a sinus node short of O2 slows in proportion (hypoxic
    bradycardia: Senges J et al. Circ Res 1979;44:856); the ventricles beat at the
    rate their rhythm or a capturing pacemaker sets (`cardiac.ventricular_period`), and
    beats that start in a ventricle contract less (`cardiac.activation_contractility`).
    """
    ref = p.SIGMA_REF_S
    contractility = (1.0 + s.EFFECT[_CONTRACTILITY]) * pump_function(s, p)
    contractility *= activation_contractility(s, p)
    e_scale = max((1.0 + p.G_EMAX * (s.EFF_EMAX - ref)) * contractility, 0.0)
    act[A_EMAX_LV] = p.EMAX_LV * e_scale
    act[A_EMAX_RV] = p.EMAX_RV * e_scale
    response = vascular_response(s, p)
    drug_constriction = s.EFFECT[_RESISTANCE]
    if drug_constriction > 0.0:
        drug_constriction *= response
    resistance = 1.0 + drug_constriction
    venous = 1.0 + s.EFFECT[_VENOUS]
    hypoxaemic = hypoxaemic_dilation(s, p)
    for j in range(N_BEDS):
        r_scale = max((1.0 + response * p.G_R[j] * (s.EFF_R - ref)) * resistance, 0.05)
        local = metabolic_tone(s, p, j) if j in (_HEART_BED, _BRAIN_BED) else hypoxaemic
        act[A_R_BED0 + j] = p.R[j] * r_scale * local
        vu = p.VU_V[j] + response * p.G_VU[j] * (s.EFF_VU - ref)
        act[A_VU_V0 + j] = max(vu * venous, 0.0)
    sympathetic = p.TACHYCARDIA_SCALE * p.G_TS * (s.EFF_TS - ref)
    period = p.T_REST + sympathetic + p.G_TV * (s.EFF_TV - p.FEV_REF)
    period /= max(1.0 + s.EFFECT[_HEART_RATE], 0.1)
    hypoxic_slowing = max(s.AEROBIC[_HEART_BED], 0.1)  # a hypoxic pacemaker slows
    period /= hypoxic_slowing
    sinus_period = min(max(period, p.MIN_HEART_PERIOD), 3.0)
    escape = escape_factor(s, p, sympathetic) * hypoxic_slowing
    act[A_HEART_PERIOD] = ventricular_period(s, p, sinus_period, escape)
    act[A_RESPIRATORY_RATE] = max(1.0 + s.EFFECT[_RATE], 0.0)
    act[A_VENTILATORY_DRIVE] = p.VENTILATORY_DRIVE * max(1.0 + s.EFFECT[_DRIVE], 0.0)
    act[A_MUSCLE_STRENGTH] = p.RESPIRATORY_MUSCLE_STRENGTH * max(
        1.0 + s.EFFECT[_NEUROMUSCULAR], 0.0
    )
    for site in range(len(HAEMORRHAGE_SITES)):  # an order may have changed a rate
        s.BLEED_RATE[site] = bleeding_flow(s, p, site)
    copy_fluid_rates(s, act)


@jit
def copy_fluid_rates(s, act):
    """Put the state's current fluid flows where the circulation reads them."""
    act[A_FILTRATION] = s.FILTRATION_RATE
    act[A_LYMPH] = s.LYMPH_RATE
    act[A_URINE] = s.URINE_RATE
    for site in range(len(HAEMORRHAGE_SITES)):
        act[A_BLEEDING0 + site] = s.BLEED_RATE[site]
