"""Breathing: respiratory muscle pressure, lung and chest-wall mechanics, airway gas.

Mechanics after Albanese 2016 (Am J Physiol Heart Circ Physiol 310:H899), reduced to
one airway resistance and the lung and chest-wall compliances in series:
    P_pl  = (V - V_cw0) / C_cw + P_mus          (pleural pressure)
    P_alv = P_pl + (V - V_L0) / C_L            (alveolar pressure)
    dV/dt = (P_ao - P_alv) / R_aw               (airway flow, mouth at P_ao = 0)
V is the lung gas volume including the anatomic dead space. The muscle pressure
generator is Albanese 2016's: a parabola over inspiration reaching -A at its end, then
an exponential relaxation over expiration with time constant T_E/5.

Airway gas: two well-mixed dead-space compartments in series (upper and lower airway)
and the alveolar compartment; gas moves with the volume that flows (upwind), which
draws the capnogram's phases. Partial pressures are in mmHg, alveolar amounts in
mmHg*mL (partial pressure times volume, proportional to moles at body temperature).
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit_inline
from medtwin.physiology.breathing_muscles import compensated_effort
from medtwin.physiology.circulation import A_MUSCLE_STRENGTH, A_RESPIRATORY_RATE
from medtwin.physiology.ventilation import (
    airway_resistance,
    bronchial_narrowing,
    connected,
    ventilated_share,
)


@jit_inline
def muscle_pressure(elapsed, period, t_insp, amplitude, tau_fraction):
    """Respiratory muscle pressure (cmH2O, negative draws air in)."""
    if amplitude <= 0.0:
        return 0.0
    u = elapsed
    if u >= period:
        u -= period
    t_exp = period - t_insp
    if u <= t_insp:
        return -amplitude * u * (period - u) / (t_insp * t_exp)
    tau = tau_fraction * t_exp
    floor = np.exp(-t_exp / tau)
    return -amplitude * (np.exp(-(u - t_insp) / tau) - floor) / (1.0 - floor)


@jit_inline
def pleural_pressure(volume, p, pmus):
    """Pleural pressure (cmH2O) from what the chest holds (`volume`, mL: the lungs' gas
    and any pleural contents beyond their room) and muscle pressure. The chest wall
    stiffens towards total lung capacity (`TLC_FRACTION` of FRC): its compliance is a
    third of the linear one there, and keeps falling beyond."""
    capacity = p.TLC_FRACTION * p.FRC
    knee = p.CHEST_WALL_KNEE_FRACTION * capacity
    stretch = max(volume - knee, 0.0)
    stiffening = stretch * stretch / (p.C_CHEST_WALL * (capacity - knee))
    return (volume - p.V_CW0) / p.C_CHEST_WALL + stiffening + pmus


@jit_inline
def alveolar_pressure(volume, p, ppl, ventilated):
    """Alveolar pressure (cmH2O): pleural plus the lungs' recoil. With only the share
    `ventilated` of the lungs open, a tidal breath stretches that share: its recoil
    above FRC is that many times higher. Lungs squeezed below FRC (by a tension
    pneumothorax) lose alveoli to compression atelectasis: stiffer, by
    `COMPRESSED_LUNG_COMPLIANCE_SHARE`."""
    above = max(volume - p.FRC, 0.0)
    below = min(volume - p.FRC, 0.0)
    recoil = (p.FRC - p.V_LUNG0 + above / ventilated) / p.C_LUNG
    return ppl + recoil + below / (p.COMPRESSED_LUNG_COMPLIANCE_SHARE * p.C_LUNG)


@jit_inline
def lung_rhs(volume, p, ppl, ventilated, open_share, p_opening, set_flow):
    """Airway flow (mL/s, positive into the lungs) at the given pleural pressure, with
    the airway opening at `p_opening` (cmH2O) or, in a volume-controlled inspiration,
    a device pushing `set_flow` (mL/s) up to its pressure limit. No flow through a
    completely obstructed airway; `ventilated` is the open share of the lungs and
    `open_share` the airway's (`ventilation.airway_open_share`)."""
    p_alv = alveolar_pressure(volume, p, ppl, ventilated)
    resistance = airway_resistance(p, open_share)
    if resistance < 0.0:
        return 0.0
    if set_flow > 0.0:
        p_opening = min(p_alv + resistance * set_flow, p.VENTILATOR_PRESSURE_LIMIT)
    flow = (p_opening - p_alv) / resistance
    return flow if flow >= 0.0 else flow * airway_patency(volume, p)


@jit_inline
def airway_patency(volume, p) -> float:
    """Share of the small airways still open to expiratory flow (0-1): they close as
    squeezed lungs approach their residual volume (`RESIDUAL_VOLUME_FRACTION` of FRC),
    over the last `AIRWAY_CLOSURE_FRACTION` of FRC above it, and trap the gas left."""
    residual = p.RESIDUAL_VOLUME_FRACTION * p.FRC
    return min(max((volume - residual) / (p.AIRWAY_CLOSURE_FRACTION * p.FRC), 0.0), 1.0)


@jit_inline
def opening_pressure(p, p_alv, flow, p_device, set_flow, open_share):
    """Pressure at the airway opening (cmH2O), as a ventilator's gauge reads it: the
    alveolar pressure plus the airway's resistive drop at `flow` (mL/s); against a
    completely obstructed airway, what the device applies (`p_device`, or its limit in
    volume control). 0, the atmosphere, without a device on the lungs' airway."""
    if not connected(p):
        return 0.0
    resistance = airway_resistance(p, open_share)
    if resistance < 0.0:
        return p.VENTILATOR_PRESSURE_LIMIT if set_flow > 0.0 else p_device
    return p_alv + resistance * flow


@jit_inline
def move_airway_gas(s, p, delta_volume):
    """Carry gas through mouth, dead spaces and alveoli for a lung volume change (mL).

    Returns the CO2 partial pressure seen at the airway opening (capnograph).
    """
    vd1 = p.VD1
    vd2 = p.VD2
    pi_o2 = s.INSPIRED_O2 * (p.PB - 47.0)
    pi_co2 = p.FICO2 * (p.PB - 47.0)
    if delta_volume >= 0.0:
        # inspiration: air -> D1 -> D2 -> alveoli (updating downstream first)
        f2 = delta_volume / vd2
        f1 = delta_volume / vd1
        s.ALV_O2 += delta_volume * s.D2_PO2
        s.ALV_CO2 += delta_volume * s.D2_PCO2
        s.D2_PO2 += f2 * (s.D1_PO2 - s.D2_PO2)
        s.D2_PCO2 += f2 * (s.D1_PCO2 - s.D2_PCO2)
        s.D1_PO2 += f1 * (pi_o2 - s.D1_PO2)
        s.D1_PCO2 += f1 * (pi_co2 - s.D1_PCO2)
        return pi_co2
    out = -delta_volume
    alveolar_volume = max(s.V_LUNG - vd1 - vd2 + out, out, 1.0)  # before this outflow
    pa_o2 = s.ALV_O2 / alveolar_volume
    pa_co2 = s.ALV_CO2 / alveolar_volume
    s.ALV_O2 -= out * pa_o2
    s.ALV_CO2 -= out * pa_co2
    f1 = out / vd1
    f2 = out / vd2
    s.D1_PO2 += f1 * (s.D2_PO2 - s.D1_PO2)
    s.D1_PCO2 += f1 * (s.D2_PCO2 - s.D1_PCO2)
    s.D2_PO2 += f2 * (pa_o2 - s.D2_PO2)
    s.D2_PCO2 += f2 * (pa_co2 - s.D2_PCO2)
    return s.D1_PCO2


APNOEA_DEMAND_FRACTION = 0.05
"""Below this share of resting ventilation demand no breath is drawn (apnoea)."""
APNOEA_RECHECK_S = 1.0
MIN_EFFORT = 0.03
"""Muscle effort (share of a resting breath's) below which no breath moves gas past the
dead space: a paralysed patient with full drive does not breathe."""
MIN_RATE = 1.0
"""Breaths/min below which the drive no longer produces breaths (apnoea)."""
MAX_RATE = 60.0


@jit_inline
def lung_receptor_rate_factor(s, p) -> float:
    """How much faster the lungs' vagal receptors make breathing while the small airways
    are narrowed, the lung is injured or a lung is collapsed: the rapid shallow
    breathing of asthma, lung injury and pneumothorax, which vagal block abolishes
    (Paintal AS. Physiol Rev 1973;53:159: irritant and J receptors, and the deflation
    reflex)."""
    load = max(bronchial_narrowing(s, p), 1.0 - ventilated_share(s, p))  # injury included
    return 1.0 + p.LUNG_RECEPTOR_RATE_GAIN * load


@jit_inline
def start_breath(s, p, act, period_factor, wake):
    """Set rate, inspiratory time and muscle-pressure amplitude of the next breath.

    The chemoreflex demand is shared between frequency and depth: tidal volume scales
    with demand^VT_DRIVE_EXPONENT and rate with the rest (see parameters). Drugs and
    shock change the rate on top (`act[A_RESPIRATORY_RATE]`), and so do the lungs'
    own receptors in diseased lungs (`lung_receptor_rate_factor`); weak muscles
    (neuromuscular block) lower the amplitude but not the drive. A conscious patient
    (`wake`: the consciousness index over an awake one's, 0-1) breathes harder against
    a load, as far as the muscles' strength goes (`breathing_muscles.compensated_effort`).
    `period_factor` is this breath's random variation of its duration (1 = none).
    """
    ratio = s.VE_DEMAND / p.VE_REST
    exponent = p.VT_DRIVE_EXPONENT
    rate = p.RR_REST * ratio ** (1.0 - exponent) * act[A_RESPIRATORY_RATE]
    rate *= lung_receptor_rate_factor(s, p)
    strength = act[A_MUSCLE_STRENGTH]
    effort = ratio**exponent * strength
    if ratio < APNOEA_DEMAND_FRACTION or rate < MIN_RATE or effort < MIN_EFFORT:
        s.BREATH_PERIOD = APNOEA_RECHECK_S
        s.INSPIRATION_DURATION = p.TI_FRACTION * APNOEA_RECHECK_S
        s.PMUS_AMPLITUDE = 0.0
        return
    period = 60.0 / min(rate, MAX_RATE) * period_factor
    s.BREATH_PERIOD = period
    s.INSPIRATION_DURATION = p.TI_FRACTION * period
    s.PMUS_AMPLITUDE = compensated_effort(s, p, effort, strength, wake)
