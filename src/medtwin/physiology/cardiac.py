"""The heart as an organ that needs O2: its pump function, its rhythm, and arrest.

Run once per slow step, after tissue metabolism has found how much of each bed's O2
demand was met (`s.AEROBIC`):
- pump function: ventricular contractility is scaled by the share of the heart's own
  O2 demand that its coronary flow meets (contraction falls in proportion to
  myocardial flow, Vatner 1980; the first beats after the heart restarts run on its
  energy reserve instead, which falls over minutes of ischaemia and refills within
  seconds, Jennings & Reimer 1991); by acidaemia below pH 7.2 (Orchard & Kentish 1990,
  Kimmoun 2015); and by the circulatory failure of irreversible shock;
- the vessels' response to sympathetic drive and to vasopressors is scaled by the same
  acidaemia and shock failure;
- rhythm: once pump function falls below the arrest threshold, the heart arrests into
  ventricular fibrillation (seeded, with the published share of shockable first
  rhythms) or pulseless electrical activity; electrical activity fades to asystole as
  the heart's O2 runs out, and untreated fibrillation fades at its published rate;
- a shock: a defibrillator's shock ends ventricular fibrillation with a chance that
  rises with its energy (Stiell 2007) and falls as the myocardium's energy reserve
  runs down (Larsen 1993), drawn from the twin's seeded stream; the heart then beats
  if its reserve lets it, or shows electrical activity without a pulse, or none;
- no flow: the brain's ischaemic time accumulates while the rhythm does not perfuse,
  at full speed without flow and down to half speed as CPR meets the brain's O2
  demand (survival falls about half as fast per minute with CPR, Larsen 1993); past
  the published normothermic limit the twin is irreversibly dead;
- irreversible shock: the O2 deficit the tissues accumulate (Crowell & Smith 1964) sets
  off, beyond this patient's tolerance, a failure of heart and vessels that goes on
  after the bleeding stops.
Every threshold and rate is a parameter with its source (`parameters.REFERENCE`).
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit
from medtwin.physiology.layout import BEDS, PERFUSING_RHYTHMS, RHYTHM_NAMES
from medtwin.physiology.variability import (
    STREAM_RHYTHM,
    STREAM_SHOCK,
    STREAM_VF_DURATION,
    uniform,
)

SINUS = RHYTHM_NAMES.index("sinus")
PEA = RHYTHM_NAMES.index("pea")
VF = RHYTHM_NAMES.index("vf")
ASYSTOLE = RHYTHM_NAMES.index("asystole")
PERFUSING = np.array([name in PERFUSING_RHYTHMS for name in RHYTHM_NAMES])
_HEART = BEDS.index("heart")
_BRAIN = BEDS.index("brain")
ROSC_MARGIN = 2.0
"""Pump function must recover to this multiple of the arrest threshold for the
circulation to return (so that a heart at the threshold does not flicker)."""


@jit
def perfusing(s) -> bool:
    """True while the rhythm makes the ventricles contract."""
    return PERFUSING[int(s.RHYTHM)]


@jit
def acidaemia_factor(p, ph) -> float:
    """Share of contractility and vascular response left at arterial pH `ph`."""
    below = max(p.ACIDOSIS_PH_THRESHOLD - ph, 0.0)
    return max(1.0 - p.ACIDOSIS_DEPRESSION_PER_PH * below, 0.0)


@jit
def pump_function(s, p) -> float:
    """Ventricular contractility as a share of the healthy heart's (1 at rest)."""
    if int(s.RHYTHM) == SINUS and s.RHYTHM_TIME < p.REPERFUSION_S:
        return restart_function(s, p)  # the first beats run on the reserve
    return s.AEROBIC[_HEART] * acidaemia_factor(p, s.PH) * (1.0 - s.DECOMPENSATION)


@jit
def restart_function(s, p) -> float:
    """The contractility a heart restarting now would have: its O2 supply or, if
    higher, its energy reserve."""
    supplied = max(s.AEROBIC[_HEART], s.HEART_ENERGY)
    return supplied * acidaemia_factor(p, s.PH) * (1.0 - s.DECOMPENSATION)


@jit
def vascular_response(s, p) -> float:
    """Share of the vasoconstriction by nerves and drugs that the vessels still give."""
    return acidaemia_factor(p, s.PH) * (1.0 - s.DECOMPENSATION)


@jit
def _change_rhythm(s, rhythm):
    s.RHYTHM = rhythm
    s.RHYTHM_TIME = 0.0
    s.RHYTHM_CHANGES += 1.0


@jit
def _vf_duration_s(s, p) -> float:
    """How long this episode of fibrillation lasts untreated: exponential at the
    published fading rate, drawn once per episode (keyed by the change counter)."""
    u = uniform(p.SEED, s.RHYTHM_CHANGES, STREAM_VF_DURATION)
    return -np.log(u) / p.VF_DECAY_PER_S


@jit
def _energy_step(s, p, dt):
    """Let the myocardium's energy reserve follow the share of its O2 demand met."""
    supplied = s.AEROBIC[_HEART]
    falling = supplied < s.HEART_ENERGY
    tau = p.HEART_ENERGY_DEPLETION_TAU if falling else p.HEART_ENERGY_RECOVERY_TAU
    s.HEART_ENERGY += (supplied - s.HEART_ENERGY) * min(dt / tau, 1.0)


@jit
def shock_success_probability(s, p) -> float:
    """Chance that the waiting shock ends ventricular fibrillation: a logistic response
    in energy (half at `SHOCK_ENERGY_HALF_J`) times the energy reserve to the power
    `SHOCK_ENERGY_EXPONENT`."""
    energy = max(s.SHOCK_ENERGY, 0.0)
    by_energy = 1.0 / (1.0 + (p.SHOCK_ENERGY_HALF_J / energy) ** p.SHOCK_ENERGY_HILL)
    return by_energy * max(s.HEART_ENERGY, 0.0) ** p.SHOCK_ENERGY_EXPONENT


@jit
def _deliver_shock(s, p):
    """Deliver the waiting shock. Only ventricular fibrillation is ended by one (a
    synchronised shock is not delivered without R waves to time it on); when it ends,
    the heart beats if its pump can, else shows electrical activity without a pulse,
    or none once the myocardium is silent."""
    s.SHOCK_COUNT += 1.0
    if int(s.RHYTHM) == VF and s.SHOCK_SYNCHRONISED == 0.0:
        draw = uniform(p.SEED, s.SHOCK_COUNT, STREAM_SHOCK)
        if draw <= shock_success_probability(s, p):
            if restart_function(s, p) > ROSC_MARGIN * p.MYOCARDIAL_ARREST_FRACTION:
                _change_rhythm(s, SINUS)
            elif s.HEART_ENERGY >= p.MYOCARDIAL_SILENCE_FRACTION:
                _change_rhythm(s, PEA)
            else:
                _change_rhythm(s, ASYSTOLE)
    s.SHOCK_ENERGY = 0.0
    s.SHOCK_SYNCHRONISED = 0.0


@jit
def rhythm_step(s, p, dt):
    """Advance the rhythm, the no-flow time and irreversibility by one slow step."""
    _energy_step(s, p, dt)
    if s.SHOCK_ENERGY > 0.0 and s.IRREVERSIBLE == 0.0:
        _deliver_shock(s, p)
    s.RHYTHM_TIME += dt
    rhythm = int(s.RHYTHM)
    function = pump_function(s, p)
    if rhythm == SINUS and function < p.MYOCARDIAL_ARREST_FRACTION:
        draw = uniform(p.SEED, s.RHYTHM_CHANGES, STREAM_RHYTHM)
        _change_rhythm(s, VF if draw <= p.ARREST_VF_PROBABILITY else PEA)
    elif rhythm == PEA:
        if s.IRREVERSIBLE == 0.0 and function > ROSC_MARGIN * p.MYOCARDIAL_ARREST_FRACTION:
            _change_rhythm(s, SINUS)
        elif s.HEART_ENERGY < p.MYOCARDIAL_SILENCE_FRACTION:
            _change_rhythm(s, ASYSTOLE)
    elif rhythm == VF and s.RHYTHM_TIME >= _vf_duration_s(s, p):
        _change_rhythm(s, ASYSTOLE)
    if not perfusing(s):
        s.NO_FLOW_TIME += dt * (1.0 - 0.5 * min(s.AEROBIC[_BRAIN], 1.0))
        if s.NO_FLOW_TIME >= p.IRREVERSIBLE_NO_FLOW_S:
            s.IRREVERSIBLE = 1.0


@jit
def shock_step(s, p, o2_shortfall_mL, dt):
    """Accumulate the O2 deficit (mL/kg) and, past the patient's tolerance, let the
    failure of heart and vessels grow towards complete."""
    s.O2_DEBT += o2_shortfall_mL / p.BODY_MASS
    if s.O2_DEBT > p.LETHAL_O2_DEBT:
        s.DECOMPENSATION += dt * (1.0 - s.DECOMPENSATION) / p.DECOMPENSATION_TAU
