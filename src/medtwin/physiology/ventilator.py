"""The ventilator's timing: whether the patient's effort triggers it, and when its
mandatory breaths come (assist-control and SIMV).

Triggering (Sassoon 2011; Tobin MJ. Principles and Practice of Mechanical
Ventilation, 3rd ed., 2013): while the ventilator is in expiration, an inspiratory
effort triggers it once it reaches the set sensitivity, either
- a flow trigger (`VENT_TRIGGER` > 0, L/min): the inspiratory flow the effort draws from
  the circuit, or
- a pressure trigger (`VENT_TRIGGER` < 0, cmH2O): the drop the effort makes at the
  airway, which against a closed circuit equals the muscle pressure (the lung volume
  does not change).
Either way the effort must first overcome any intrinsic PEEP left at its start (the
alveoli above the set PEEP): a weak effort, or one against dynamic hyperinflation, fails
to trigger (ineffective effort). A triggered effort gets a mandatory breath in
assist-control, pressure support in PS and between SIMV's mandatory breaths; in CPAP the
trigger is how the ventilator counts breaths (for its apnoea alarm). A bag is never
triggered.

SIMV (Chatburn 2014: IMV, mandatory breaths that may be patient triggered, spontaneous
breaths between them; the Mindray SynoVent E5 manual's scheme): time is cut into SIMV
cycles of 60/rate s, each owing one mandatory breath, volume- or pressure-controlled
(PC-SIMV). In the cycle's last `SIMV_TRIGGER_WINDOW` seconds, the patient's first
trigger gets that breath (synchronised); if none comes, the ventilator gives it when
the cycle ends. Every other trigger is a spontaneous, pressure-supported breath. So a
patient who makes no effort gets exactly the set rate, and one who breathes gets the set
rate of mandatory breaths plus their own.
"""

from __future__ import annotations

from medtwin.compiled.jit import jit_inline
from medtwin.physiology.monitors import finish_breath
from medtwin.physiology.ventilation import (
    L_PER_MIN_PER_ML_PER_S,
    MODE_BAG,
    MODE_OFF,
    MODE_SIMV,
    connected,
    inspiration_time,
    mandatory_breath,
    volume_controlled,
)
from medtwin.physiology.ventilator_alarms import breath_alarms, watched

TIME_TRIGGERED = 1.0
PATIENT_TRIGGERED = 2.0
"""`VENT_MANDATORY_BREATH` of a mandatory breath the ventilator's clock started, and of
one the patient's effort triggered (0: the patient's own, supported breath in SIMV)."""


@jit_inline
def delivering(s, p) -> bool:
    """True while a mandatory breath's inspiration runs (no trigger is looked for)."""
    return mandatory_breath(s, p) and s.VENT_TIME < inspiration_time(p)


@jit_inline
def patient_trigger(s, p, pmus, flow_mL_per_s) -> bool:
    """True at the step the patient's current inspiratory effort triggers the
    ventilator: `pmus` is the muscle pressure now (cmH2O, negative inspiring), and
    `flow_mL_per_s` the airway flow (positive into the lungs). Once per effort."""
    if s.VENT_TRIGGERED > 0.0 or s.PMUS_AMPLITUDE <= 0.0:
        return False
    if p.VENT_MODE == MODE_BAG or not connected(p):
        return False
    if s.BREATH_ELAPSED >= s.INSPIRATION_DURATION or delivering(s, p):
        return False
    threshold = p.VENT_TRIGGER
    if threshold < 0.0:
        return -pmus >= -threshold + s.VENT_TRIGGER_LOAD
    return flow_mL_per_s * L_PER_MIN_PER_ML_PER_S >= threshold


@jit_inline
def limit_pressure(s, p):
    """End a volume-controlled breath's inspiration once the airway pressure reaches the
    high-pressure alarm limit: the ventilator opens its expiratory valve and gives no
    more of the set volume (Paw high limit: Mindray SynoVent E5 and Draeger Evita
    operator's manuals), so against narrowed airways it delivers less than it is set
    to, breath after breath, with the alarm on."""
    limit = p.VENT_HIGH_PRESSURE
    reached = limit > 0.0 and s.AIRWAY_PRESSURE >= limit
    if reached and volume_controlled(p) and watched(p) and delivering(s, p):
        s.VENT_PRESSURE_CUT = 1.0


@jit_inline
def note_effort(s, p, p_alv):
    """A new inspiratory effort starts: it has not triggered yet, and it must overcome
    the intrinsic PEEP the alveoli hold now (`p_alv` above the set PEEP)."""
    s.VENT_TRIGGERED = 0.0
    s.VENT_TRIGGER_LOAD = max(p_alv - p.VENT_PEEP, 0.0)


@jit_inline
def simv_breath(s, p, triggered, dt):
    """Advance the SIMV cycle by `dt`: (a breath starts now, it is a mandatory one).
    The first breath after switching to SIMV is a mandatory one, given at once."""
    cycle = 60.0 / p.VENT_RATE
    if s.VENT_CYCLE_TIME < 0.0:
        s.VENT_CYCLE_TIME = 0.0
        s.VENT_SYNCED = 0.0
        return True, True
    s.VENT_CYCLE_TIME += dt
    if s.VENT_CYCLE_TIME >= cycle:
        s.VENT_CYCLE_TIME -= cycle
        if s.VENT_CYCLE_TIME >= cycle:  # the rate was raised: start the cycle afresh
            s.VENT_CYCLE_TIME = 0.0
        if s.VENT_SYNCED > 0.0:
            s.VENT_SYNCED = 0.0  # this cycle's breath came early, with the patient
        else:
            return True, True
    if not triggered:
        return False, False
    window = min(p.SIMV_TRIGGER_WINDOW, 0.5 * cycle)
    if s.VENT_SYNCED <= 0.0 and s.VENT_CYCLE_TIME >= cycle - window:
        s.VENT_SYNCED = 1.0
        return True, True
    return True, False


@jit_inline
def ventilator_breaths(s, p, m, dt, p_alv, triggered):
    """Advance the ventilator's own cycle while it gives breaths of its own
    (`ventilation.mandatory`): start its next breath when the cycle is due or the
    patient triggers one, publishing the breath that ends (`finish_breath`)."""
    t_insp = inspiration_time(p)
    before = s.VENT_TIME
    s.VENT_TIME = before + dt
    if mandatory_breath(s, p) and before < t_insp <= s.VENT_TIME:
        s.BR_PALV_INSP = p_alv
    simv = p.VENT_MODE == MODE_SIMV
    if simv:
        starts, mandatory_next = simv_breath(s, p, triggered, dt)
    else:
        s.VENT_CYCLE_TIME = -1.0
        cycle = 60.0 / p.VENT_RATE
        starts, mandatory_next = s.VENT_TIME >= cycle or triggered, True
    if not starts:
        return
    inspiration_s = t_insp if mandatory_breath(s, p) else s.INSPIRATION_DURATION
    s.VENT_BREATH_ALARMS = breath_alarms(s, p)
    finish_breath(s, p, m, s.VENT_TIME, inspiration_s, True, p_alv)
    s.VENT_PRESSURE_CUT = 0.0
    if simv or triggered:
        s.VENT_TIME = 0.0
    else:
        s.VENT_TIME -= 60.0 / p.VENT_RATE
    if not mandatory_next:
        s.VENT_MANDATORY_BREATH = 0.0
    else:
        s.VENT_MANDATORY_BREATH = PATIENT_TRIGGERED if triggered else TIME_TRIGGERED


@jit_inline
def idle_cycle(s, p):
    """Hold the ventilator's clocks while it gives no breaths of its own (off, CPAP,
    PS): the next mandatory breath starts afresh, and SIMV's first one at once."""
    s.VENT_TIME = 0.0
    s.VENT_CYCLE_TIME = -1.0
    s.VENT_MANDATORY_BREATH = 0.0
    s.VENT_PRESSURE_CUT = 0.0
    if p.VENT_MODE == MODE_OFF:
        s.VENT_TRIGGERED = 0.0
