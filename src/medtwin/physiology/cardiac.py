"""The heart as an organ that needs O2: its pump function, its rhythm, and arrest.

Run once per slow step, after tissue metabolism has found how much of each bed's O2
demand was met (`s.AEROBIC`):
- pump function: ventricular contractility is scaled by the share of the heart's own
  O2 demand that its coronary flow meets (contraction falls in proportion to
  myocardial flow, Vatner 1980, but outlasts a sudden failure of supply for seconds,
  Tennant & Wiggers 1935; the first beats after the heart restarts run on its
  energy reserve instead, which falls over minutes of ischaemia and refills within
  seconds, Jennings & Reimer 1991); by acidaemia below pH 7.2 (Orchard & Kentish 1990,
  Kimmoun 2015); and by the circulatory failure of irreversible shock;
- the vessels' response to sympathetic drive and to vasopressors is scaled by the same
  acidaemia and shock failure;
- rhythm: once pump function falls below the arrest threshold, a beating heart arrests
  into ventricular fibrillation (seeded, with the published share of shockable first
  rhythms; always from ventricular tachycardia) or pulseless electrical activity;
  electrical activity fades to asystole as the heart's O2 runs out, untreated
  fibrillation fades at its published rate, and pulseless ventricular tachycardia
  degenerates into fibrillation as the myocardium's reserve runs down;
- the ventricles' rate by rhythm (`ventricular_period`): the sinus node's, half of it
  in 2:1 block, the AV node's in atrial fibrillation and flutter (following autonomic
  tone and drugs as the sinus node does), or the rate set with the arrhythmia; the
  escape pacemaker of complete block is quickened by sympathetic nerves and beta
  agonists but not by the vagus or its blockers (`control.escape_factor`); a
  transcutaneous pacemaker that captures (current at or above the threshold, in a
  beating heart) takes over when it is faster (demand pacing);
- beat by beat (`next_beat_period`): the irregular intervals of atrial fibrillation,
  and beats dropped by a drug blocking the AV node (adenosine), which also ends
  AV-nodal re-entry once its block is deep enough for this episode;
- a shock: a defibrillator's shock ends ventricular fibrillation or pulseless
  tachycardia with a chance that rises with its energy (Stiell 2007) and falls as the
  myocardium's energy reserve runs down (Larsen 1993), drawn from the twin's seeded
  stream; the heart then beats if its reserve lets it, or shows electrical activity
  without a pulse, or none. A shock ends an organised tachycardia (atrial
  fibrillation, flutter, SVT, VT with a pulse) into sinus rhythm with the chance its
  rhythm's published energy response gives;
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
from medtwin.physiology.layout import (
    AV_CONDUCTED_RHYTHMS,
    BEDS,
    EFFECT_TARGETS,
    NO_ATRIAL_KICK_RHYTHMS,
    PERFUSING_RHYTHMS,
    RHYTHM_NAMES,
    SHOCKABLE_RHYTHMS,
    VENTRICULAR_RHYTHMS,
)
from medtwin.physiology.variability import (
    STREAM_AV_BLOCK,
    STREAM_REENTRY,
    STREAM_RHYTHM,
    STREAM_SHOCK,
    STREAM_VF_DURATION,
    uniform,
)

SINUS = RHYTHM_NAMES.index("sinus")
PEA = RHYTHM_NAMES.index("pea")
VF = RHYTHM_NAMES.index("vf")
ASYSTOLE = RHYTHM_NAMES.index("asystole")
AF = RHYTHM_NAMES.index("af")
SVT = RHYTHM_NAMES.index("svt")
VT = RHYTHM_NAMES.index("vt")
PULSELESS_VT = RHYTHM_NAMES.index("pulseless_vt")
BLOCK2 = RHYTHM_NAMES.index("block2")


def _member(names: tuple[str, ...]) -> np.ndarray:
    return np.array([name in names for name in RHYTHM_NAMES])


PERFUSING = _member(PERFUSING_RHYTHMS)
SHOCKABLE = _member(SHOCKABLE_RHYTHMS)
_NO_ATRIAL_KICK = _member(NO_ATRIAL_KICK_RHYTHMS)
_VENTRICULAR = _member(VENTRICULAR_RHYTHMS)
_AV_CONDUCTED = _member(AV_CONDUCTED_RHYTHMS)
_AV_NODE_RATE = _member(("af", "flutter"))
"""Rhythms whose ventricular rate is the AV node's conduction of fast atria."""
_OWN_RATE = _member(("svt", "vt", "pulseless_vt", "block3"))
"""Rhythms that beat at the rate set with them."""
_ESCAPE = _member(("block3",))
"""Rhythms whose rate is a subsidiary (escape) pacemaker's, which adrenergic drive speeds."""
_ORGANISED = _member(("flutter", "svt", "vt"))
"""Organised tachycardias, which a shock ends more easily than fibrillating atria."""
_HEART = BEDS.index("heart")
_BRAIN = BEDS.index("brain")
_AV_CONDUCTION = EFFECT_TARGETS.index("av_conduction")
MAX_BLOCKED_BEATS = 4
"""Beats in a row a blocked AV node may drop before one gets through (adenosine's
pauses last seconds: DiMarco JP et al. Ann Intern Med 1990;113:104)."""
ROSC_MARGIN = 2.0
"""Pump function must recover to this multiple of the arrest threshold for the
circulation to return (so that a heart at the threshold does not flicker)."""


@jit
def perfusing(s) -> bool:
    """True while the rhythm makes the ventricles contract."""
    return PERFUSING[int(s.RHYTHM)]


@jit
def atrial_kick(s) -> bool:
    """True while atrial systole fills the ventricles before they contract."""
    return not _NO_ATRIAL_KICK[int(s.RHYTHM)] and s.PACED == 0.0


@jit
def activation_contractility(s, p) -> float:
    """Share of contractility the spread of activation leaves: beats starting in a
    ventricle (or from a pacemaker) contract out of step."""
    if _VENTRICULAR[int(s.RHYTHM)] or s.PACED != 0.0:
        return p.VENTRICULAR_ACTIVATION_CONTRACTILITY
    return 1.0


@jit
def av_block(s) -> float:
    """Depth of the drugs' block of the AV node: 0 (none) to 1 (complete)."""
    return min(max(-s.EFFECT[_AV_CONDUCTION], 0.0), 1.0)


@jit
def ventricular_period(s, p, sinus_period, escape_factor) -> float:
    """The period the ventricles beat at in this rhythm, the sinus node's being
    `sinus_period` and an escape pacemaker's set period being divided by
    `escape_factor` (`control.escape_factor`); sets `s.PACED` when a pacemaker captures and is
    faster."""
    rhythm = int(s.RHYTHM)
    if rhythm == VF:
        period = p.VF_PERIOD
    elif rhythm == PEA:
        period = p.PEA_PERIOD
    elif rhythm == BLOCK2:
        period = 2.0 * sinus_period  # every other P wave conducted
    elif _AV_NODE_RATE[rhythm]:
        period = 60.0 / s.RHYTHM_RATE * sinus_period / p.T_REST
    elif _ESCAPE[rhythm]:
        period = 60.0 / s.RHYTHM_RATE / escape_factor
    elif _OWN_RATE[rhythm]:
        period = 60.0 / s.RHYTHM_RATE
    else:
        period = sinus_period
    captures = p.PACE_RATE > 0.0 and p.PACE_CURRENT >= p.PACING_THRESHOLD_MA
    if captures and PERFUSING[rhythm] and 60.0 / p.PACE_RATE < period:
        s.PACED = 1.0
        return 60.0 / p.PACE_RATE
    s.PACED = 0.0
    return period


@jit
def next_beat_period(s, p, period, noise) -> float:
    """The length of the beat starting now: `period` with its random part (`noise`, a
    standard normal deviate within ±3), log-normal and wide in atrial fibrillation
    (whose intervals have a long tail: Hennig T et al. 2006, arXiv:cond-mat/0605295); lengthened
    by whole periods for each beat a blocked AV node does not conduct."""
    rhythm = int(s.RHYTHM)
    if s.PACED != 0.0:
        return period
    if rhythm == AF:
        sigma = p.AF_RR_CV
        period *= np.exp(sigma * noise - 0.5 * sigma * sigma)
    else:
        period *= 1.0 + p.HEART_PERIOD_CV * noise
    block = av_block(s)
    if _AV_CONDUCTED[rhythm] and block > 0.0:
        base = period
        for k in range(MAX_BLOCKED_BEATS):
            if uniform(p.SEED, s.BEAT_COUNT * MAX_BLOCKED_BEATS + k, STREAM_AV_BLOCK) > block:
                break
            period += base
    return period


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
    supplied = max(s.AEROBIC[_HEART], s.CONTRACTILE_RESERVE)
    return supplied * acidaemia_factor(p, s.PH) * (1.0 - s.DECOMPENSATION)


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
    """Let the myocardium's energy reserve follow the share of its O2 demand met, and
    its contraction outlast a failing supply for seconds (at once restored by it)."""
    supplied = s.AEROBIC[_HEART]
    fading = s.CONTRACTILE_RESERVE * np.exp(-dt / p.CONTRACTILE_RESERVE_TAU)
    s.CONTRACTILE_RESERVE = max(supplied, fading)
    falling = supplied < s.HEART_ENERGY
    tau = p.HEART_ENERGY_DEPLETION_TAU if falling else p.HEART_ENERGY_RECOVERY_TAU
    s.HEART_ENERGY += (supplied - s.HEART_ENERGY) * min(dt / tau, 1.0)


@jit
def _half_energy_J(p, rhythm) -> float:
    """The energy that ends half of this rhythm's episodes (0: a shock cannot end it)."""
    if SHOCKABLE[rhythm]:
        return p.SHOCK_ENERGY_HALF_J
    if rhythm == AF:
        return p.AF_SHOCK_HALF_J
    if _ORGANISED[rhythm]:
        return p.ORGANISED_SHOCK_HALF_J
    return 0.0


@jit
def shock_success_probability(s, p) -> float:
    """Chance that the waiting shock ends the rhythm: a logistic response in energy
    (half at the rhythm's half energy) times the energy reserve to the power
    `SHOCK_ENERGY_EXPONENT`; 0 in a rhythm no shock ends."""
    half = _half_energy_J(p, int(s.RHYTHM))
    energy = max(s.SHOCK_ENERGY, 0.0)
    if half == 0.0 or energy == 0.0:
        return 0.0
    by_energy = 1.0 / (1.0 + (half / energy) ** p.SHOCK_ENERGY_HILL)
    return by_energy * max(s.HEART_ENERGY, 0.0) ** p.SHOCK_ENERGY_EXPONENT


@jit
def _deliver_shock(s, p):
    """Deliver the waiting shock (a synchronised one is not delivered in fibrillation,
    which has no R waves to time it on). When it ends an arrest rhythm, the heart beats
    if its pump can, else shows electrical activity without a pulse, or none once the
    myocardium is silent; an organised tachycardia it ends gives way to sinus rhythm."""
    s.SHOCK_COUNT += 1.0
    rhythm = int(s.RHYTHM)
    delivered = not (rhythm == VF and s.SHOCK_SYNCHRONISED != 0.0)
    draw = uniform(p.SEED, s.SHOCK_COUNT, STREAM_SHOCK)
    if delivered and draw <= shock_success_probability(s, p):
        if PERFUSING[rhythm] or restart_function(s, p) > ROSC_MARGIN * p.MYOCARDIAL_ARREST_FRACTION:
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
    if PERFUSING[rhythm] and function < p.MYOCARDIAL_ARREST_FRACTION:
        draw = uniform(p.SEED, s.RHYTHM_CHANGES, STREAM_RHYTHM)
        shockable = rhythm == VT or draw <= p.ARREST_VF_PROBABILITY
        _change_rhythm(s, VF if shockable else PEA)
    elif rhythm == SVT and av_block(s) >= uniform(p.SEED, s.RHYTHM_CHANGES, STREAM_REENTRY):
        _change_rhythm(s, SINUS)  # the AV node's block broke the re-entry circuit
    elif rhythm == PULSELESS_VT and s.HEART_ENERGY < p.MYOCARDIAL_ARREST_FRACTION:
        _change_rhythm(s, VF)
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
