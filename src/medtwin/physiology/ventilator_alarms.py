"""The ventilator's alarms: what its own sensors tell it about the patient and circuit.

A critical care ventilator alarms on high airway pressure, low expired volume and a
disconnected breathing system (ISO 80601-2-12); the limits are settings with factory
defaults (the Dräger Apollo manual's: airway pressure above 40 cmH2O, minute volume
below 3.0 L/min, apnoea after 20 s). Here, while a ventilator (not a bag) is on:
- high airway pressure: a breath's peak airway pressure reached `VENT_HIGH_PRESSURE`;
- low airway pressure (disconnection): a mandatory breath the ventilator started by its
  clock peaked below PEEP + `LOW_PRESSURE_ALARM_MARGIN` (the Mindray SynoVent E5
  manual's Paw low limit) and the lungs took less than a quarter of its set volume;
- low exhaled minute volume: the exhaled flow the ventilator measures, averaged over
  `EXHALED_MV_AVERAGING` seconds, is below `VENT_LOW_MV` (judged once it has been on
  that long; cleared 25 % above it);
- apnoea, in the spontaneous modes (CPAP, PS): no triggered breath for `VENT_APNOEA_S`.
The alarms in force are the monitor signal `ventilator_alarms`, the sum of their
`ALARM_BITS`; the twin logs each as an event when it starts and when it clears
(`medtwin.physiology_events`).
"""

from __future__ import annotations

from medtwin.compiled.jit import jit_inline
from medtwin.physiology.ventilation import (
    L_PER_MIN_PER_ML_PER_S,
    MODE_BAG,
    MODE_CPAP,
    MODE_OFF,
    MODE_SUPPORT,
    capnograph_connected,
)

HIGH_PRESSURE = 1.0
LOW_PRESSURE = 2.0
LOW_MINUTE_VOLUME = 4.0
APNOEA = 8.0
ALARM_BITS = {
    "high airway pressure": HIGH_PRESSURE,
    "low airway pressure": LOW_PRESSURE,
    "low minute volume": LOW_MINUTE_VOLUME,
    "apnoea": APNOEA,
}
"""Each alarm by name and its bit in `ventilator_alarms`."""
LOW_MV_HYSTERESIS = 1.25
"""A low minute volume alarm clears once the average is this many times the limit: the
average still ripples with each breath, and must not toggle the alarm breath by breath
(model assumption)."""


@jit_inline
def watched(p) -> bool:
    """True while a ventilator (with alarms; a bag has none) is on."""
    return p.VENT_MODE != MODE_OFF and p.VENT_MODE != MODE_BAG


@jit_inline
def breath_alarms(s, p) -> float:
    """The alarms the breath that ends now raises (read before its accumulators are
    emptied): high airway pressure, and low airway pressure for a mandatory breath the
    ventilator started by its clock (`VENT_MANDATORY_BREATH` 1) that also lost its
    volume: the lungs took less than a quarter of the set tidal volume. A patient
    pulling on a breath lowers its pressure, most of all in the compliant lungs of a
    healthy adult, but takes the volume; a leak or a disconnection loses both."""
    if not watched(p):
        return 0.0
    alarms = 0.0
    if s.BR_PAW_MAX >= p.VENT_HIGH_PRESSURE > 0.0:
        alarms += HIGH_PRESSURE
    low = s.BR_PAW_MAX < p.VENT_PEEP + p.LOW_PRESSURE_ALARM_MARGIN
    taken = s.BR_V_MAX - s.BR_V_MIN if capnograph_connected(p) else 0.0
    lost = taken < 0.25 * p.VENT_VT or p.VENT_VT <= 0.0
    if s.VENT_MANDATORY_BREATH == 1.0 and low and lost:
        alarms += LOW_PRESSURE
    return alarms


@jit_inline
def watch(s, p, m, detected, flow_mL_per_s, dt):
    """Advance the ventilator's monitoring by one step and publish the alarms in force:
    `detected` if it counted a patient's breath (a trigger) now, `flow_mL_per_s` the
    airway flow (negative out of the lungs)."""
    if not watched(p):
        s.VENT_ON_TIME = s.VENT_APNOEA_TIME = s.VENT_EXHALED_MV = 0.0
        s.VENT_BREATH_ALARMS = 0.0
        m.ventilator_alarms = 0.0
        return
    s.VENT_ON_TIME += dt
    measured = flow_mL_per_s < 0.0 and capnograph_connected(p)
    exhaled = -flow_mL_per_s * L_PER_MIN_PER_ML_PER_S if measured else 0.0
    averaging = min(s.VENT_ON_TIME, p.EXHALED_MV_AVERAGING)
    s.VENT_EXHALED_MV += (exhaled - s.VENT_EXHALED_MV) * dt / averaging
    s.VENT_APNOEA_TIME = 0.0 if detected else s.VENT_APNOEA_TIME + dt
    alarms = s.VENT_BREATH_ALARMS
    averaged = s.VENT_ON_TIME >= p.EXHALED_MV_AVERAGING
    raised = (int(m.ventilator_alarms) & int(LOW_MINUTE_VOLUME)) != 0
    limit = p.VENT_LOW_MV * (LOW_MV_HYSTERESIS if raised else 1.0)
    if averaged and s.VENT_EXHALED_MV < limit:
        alarms += LOW_MINUTE_VOLUME
    spontaneous = p.VENT_MODE == MODE_CPAP or p.VENT_MODE == MODE_SUPPORT
    if spontaneous and p.VENT_APNOEA_S > 0.0 and s.VENT_APNOEA_TIME >= p.VENT_APNOEA_S:
        alarms += APNOEA
    m.ventilator_alarms = alarms
