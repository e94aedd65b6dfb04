"""Breathing support and the airway: what reaches the lungs from outside, step by step.

The lungs fill through one airway resistance from the airway opening (respiration.py).
Here is what sits at that opening:
- nothing: the mouth is at atmospheric pressure and the patient breathes room air or an
  oxygen device's gas;
- a ventilator or a bag: volume control delivers a set flow during inspiration (up to
  `VENTILATOR_PRESSURE_LIMIT`), pressure control and CPAP hold a set pressure, a bag
  squeezed through a mask is volume control that loses the mask's leak; all hold PEEP
  in expiration, and a patient's own effort triggers a mandatory breath (assist-control;
  Tobin MJ. Principles and Practice of Mechanical Ventilation, 3rd ed., 2013, ch. 4);
  pressure support adds a set pressure to each of the patient's own inspirations and
  gives nothing when the patient makes no effort (Tobin 2013, ch. 8); SIMV gives
  volume-controlled mandatory breaths at a set rate and pressure support to the
  patient's breaths between them (Tobin 2013, on intermittent mandatory ventilation).
  Whether an effort triggers the ventilator, and when the SIMV cycle gives its breaths,
  is `ventilator`'s; its alarms are `ventilator_alarms`'. A circuit disconnected from
  the tube gives the lungs nothing: they breathe room air through the tube, if at all;
- the airway itself: an obstruction narrows it, and so does the pharynx of an
  unconscious patient left without support (`pharynx`) (the resistance of a tube rises as the
  square of the lost cross-section, Poiseuille's law, until complete obstruction lets
  nothing through), a tracheal tube adds its own resistance, a tube in the oesophagus
  sends the ventilator's gas to the stomach (the lungs get none and the capnograph on
  the tube sees no CO2), and a tube in the right main bronchus ventilates one lung
  (half the compliance and a shunt, `ONE_LUNG_SHUNT`).
"""

from __future__ import annotations

from medtwin.compiled.jit import jit_inline
from medtwin.physiology.layout import EFFECT_TARGETS
from medtwin.physiology.pleura import collapse

_BRONCHOCONSTRICTION = EFFECT_TARGETS.index("bronchoconstriction")

MODE_OFF = 0.0
MODE_VOLUME = 1.0
MODE_PRESSURE = 2.0
MODE_CPAP = 3.0
MODE_BAG = 4.0
MODE_SUPPORT = 5.0
MODE_SIMV = 6.0
MODE_NAMES = {MODE_OFF: "off", MODE_VOLUME: "VC", MODE_PRESSURE: "PC", MODE_CPAP: "CPAP",
              MODE_BAG: "bag-valve-mask", MODE_SUPPORT: "PS", MODE_SIMV: "SIMV"}  # fmt: skip
"""`VENT_MODE` values: the breathing support the patient is on."""
TUBE_NONE = 0.0
TUBE_TRACHEA = 1.0
TUBE_OESOPHAGUS = 2.0
TUBE_RIGHT_MAINSTEM = 3.0
TUBE_SUPRAGLOTTIC = 4.0
TUBE_NAMES = {TUBE_NONE: "none", TUBE_TRACHEA: "trachea", TUBE_OESOPHAGUS: "oesophagus",
              TUBE_RIGHT_MAINSTEM: "right mainstem", TUBE_SUPRAGLOTTIC: "supraglottic"}  # fmt: skip
"""`AIRWAY_TUBE` values: where an airway device sits."""
FULL_OBSTRUCTION = 0.999
"""An obstruction from which on no gas passes."""
L_PER_MIN_PER_ML_PER_S = 0.06
"""A flow in mL/s as ventilators show it, in L/min."""


@jit_inline
def mandatory(p) -> bool:
    """True while a ventilator or bag gives breaths of its own (the ventilator's cycle,
    not the patient's, marks every breath, also the patient's own ones in SIMV)."""
    mode = p.VENT_MODE
    return mode in (MODE_VOLUME, MODE_PRESSURE, MODE_BAG, MODE_SIMV)


@jit_inline
def mandatory_breath(s, p) -> bool:
    """True while the current breath is one of the device's set breaths (in SIMV, one of
    the mandatory ones rather than the patient's own)."""
    if p.VENT_MODE == MODE_SIMV:
        return s.VENT_MANDATORY_BREATH > 0.0
    return mandatory(p)


@jit_inline
def volume_controlled(p) -> bool:
    """True while the device's set breaths deliver a set volume (VC, SIMV with a tidal
    volume, a bag) rather than a set pressure (PC, SIMV with an inspiratory pressure)."""
    mode = p.VENT_MODE
    simv_volume = mode == MODE_SIMV and p.VENT_VT > 0.0
    return mode in (MODE_VOLUME, MODE_BAG) or simv_volume


@jit_inline
def connected(p) -> bool:
    """True while a device's gas reaches the lungs' airway: one is on, its circuit is
    not disconnected, and the tube is not in the oesophagus."""
    on = p.VENT_MODE != MODE_OFF and p.VENT_DISCONNECTED <= 0.0
    return on and p.AIRWAY_TUBE != TUBE_OESOPHAGUS


@jit_inline
def inspiration_time(p) -> float:
    """The mandatory breath's inspiratory time (s): as set, else a third of the cycle."""
    if p.VENT_TI > 0.0:
        return p.VENT_TI
    return 60.0 / (3.0 * p.VENT_RATE)


@jit_inline
def supply(s, p, vent_time, breath_time):
    """What the device does at `vent_time` into its cycle (`breath_time` into the
    patient's own breath): (airway opening pressure in cmH2O, set inspiratory flow in
    mL/s or 0). A tube in the oesophagus takes the gas to the stomach and a
    disconnected circuit to the room: the lungs see the atmosphere.

    Pressure support (PS, and SIMV between its mandatory breaths) starts when the
    patient's effort triggers the ventilator (`ventilator.patient_trigger`) and, in a
    patient with normal mechanics, cycles off near the end of the neural inspiration
    (flow cycling at 25 % of peak flow: Tobin 2013, ch. 8), so it is held through the
    patient's own inspiration."""
    mode = p.VENT_MODE
    if not connected(p):
        return 0.0, 0.0
    peep = p.VENT_PEEP
    if mode == MODE_CPAP:
        return peep, 0.0
    if mode == MODE_SUPPORT or (mode == MODE_SIMV and not mandatory_breath(s, p)):
        supported = s.VENT_TRIGGERED > 0.0 and breath_time < s.INSPIRATION_DURATION
        support = p.VENT_PS if mode == MODE_SIMV else p.VENT_PINSP
        return (peep + support if supported else peep), 0.0
    if vent_time >= inspiration_time(p):
        return peep, 0.0
    if not volume_controlled(p):
        return peep + p.VENT_PINSP, 0.0
    if s.VENT_PRESSURE_CUT > 0.0:  # the high-pressure limit ended the breath
        return peep, 0.0
    delivered = p.VENT_DELIVERED if mode == MODE_BAG else 1.0
    return peep, delivered * p.VENT_VT / inspiration_time(p)


@jit_inline
def bronchial_narrowing(s, p) -> float:
    """Share of the small airways' cross-section a bronchospasm takes, less what drugs
    relax of it (`bronchoconstriction` effect)."""
    relaxed = max(1.0 + s.EFFECT[_BRONCHOCONSTRICTION], 0.0)
    return min(p.BRONCHOSPASM * relaxed, FULL_OBSTRUCTION)


@jit_inline
def airway_open_share(s, p) -> float:
    """Share of the airway's cross-section open from mouth to alveoli (1 healthy): what
    an obstruction, the unsupported pharynx of an unconscious patient and a
    bronchospasm (`bronchial_narrowing`) leave of it."""
    upper = (1.0 - p.AIRWAY_OBSTRUCTION) * (1.0 - s.PHARYNGEAL_OBSTRUCTION)
    return upper * (1.0 - bronchial_narrowing(s, p))


@jit_inline
def airway_resistance(p, open_share) -> float:
    """Resistance (cmH2O*s/mL) from the airway opening to the alveoli with the share
    `open_share` of its cross-section open (`airway_open_share`); infinite (a negative
    value) once the airway is completely obstructed."""
    if open_share <= 1.0 - FULL_OBSTRUCTION:
        return -1.0
    resistance = p.R_AW / (open_share * open_share)
    tube = p.AIRWAY_TUBE
    if tube in (TUBE_TRACHEA, TUBE_RIGHT_MAINSTEM):
        resistance += p.TRACHEAL_TUBE_RESISTANCE
    return resistance


@jit_inline
def ventilated_share(s, p) -> float:
    """Share of the lungs that gas reaches (1 healthy): half with a tube in the right
    main bronchus, less the part a pneumothorax has collapsed and the part an acute
    lung injury has flooded or collapsed (the 'baby lung' of ARDS: Gattinoni L, Pesenti
    A. Intensive Care Med 2005;31:776)."""
    left = 1.0 - collapse(s, p, 0)
    right = 1.0 - collapse(s, p, 1)
    if p.AIRWAY_TUBE == TUBE_RIGHT_MAINSTEM:
        left = 0.0
    return max(0.5 * (left + right) * (1.0 - p.LUNG_INJURY), 0.05)


@jit_inline
def shunt(s, p) -> float:
    """The share of pulmonary blood flow that meets no ventilated alveoli: a whole lung
    lost adds `ONE_LUNG_SHUNT` (its flow halved by hypoxic vasoconstriction)."""
    lost = 1.0 - ventilated_share(s, p)
    return min(p.SHUNT + 2.0 * lost * p.ONE_LUNG_SHUNT, 1.0)


@jit_inline
def capnograph_connected(p) -> bool:
    """False while the capnograph samples a tube in the oesophagus or sits on a circuit
    disconnected from the tube (it sees no CO2)."""
    return p.AIRWAY_TUBE != TUBE_OESOPHAGUS and p.VENT_DISCONNECTED <= 0.0


@jit_inline
def inspired_o2(p, tidal_volume_mL, inspiration_s, period_s) -> float:
    """The O2 fraction of the gas the patient breathes in.

    A ventilator or bag gives its set FiO2 (room air once its circuit is disconnected).
    An oxygen device on a spontaneous breath fills it with what flows during
    inspiration plus what the reservoir holds (a bag, or for a cannula the nose and
    pharynx), refilled at the same flow during
    expiration; the rest of the breath is room air drawn in around it, and a share of
    every breath (`O2_ENTRAINMENT`, a mask's leak) always is. So the FiO2 falls as the
    patient breathes deeper or faster (Wettstein RB et al. Respir Care 2005;50:604:
    a cannula gave 0.26-0.54 at 1-6 L/min at rest, 0.24-0.45 breathing fast).
    """
    if p.VENT_MODE != MODE_OFF and p.VENT_DISCONNECTED <= 0.0 and p.VENT_FIO2 > 0.0:
        return p.VENT_FIO2
    if p.O2_FLOW <= 0.0:
        return p.FIO2
    tidal = max(tidal_volume_mL, 1.0)
    refill = min(p.O2_FLOW * max(period_s - inspiration_s, 0.0), p.O2_RESERVOIR)
    from_device = min(p.O2_FLOW * inspiration_s + refill, (1.0 - p.O2_ENTRAINMENT) * tidal)
    return (from_device * p.O2_SOURCE_FIO2 + (tidal - from_device) * p.FIO2) / tidal
