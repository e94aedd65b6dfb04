"""The inspiratory muscles: their strength, how hard they work against a load, their
fatigue and the reflex their fatigue sets off.

- Strength: the largest muscle pressure (`PIMAX`, at residual volume: Black LF, Hyatt RE.
  Am Rev Respir Dis 1969;99:696) falls linearly with lung volume to nothing at total
  lung capacity, the muscles' length-tension relation (Agostoni E, Rahn H. J Appl
  Physiol 1960;15:1087), so a hyperinflated chest is a weak one; neuromuscular block
  and fatigue take their shares.
- Load compensation: an awake patient whose breath moved less air than the same effort
  draws from healthy lungs breathes harder at the next, up to the muscles' strength, so
  narrowed airways or an obstruction cost little ventilation while the muscles last
  (Campbell EJM et al. Clin Sci 1961;21:309); it goes with consciousness (drugs or a
  starved brain), and the anaesthetised patient's ventilation falls with the load (Nunn
  JF, Ezi-Ashi TI. Anesthesiology 1961;22:174). A ventilator giving the breaths takes
  the load: there is nothing to compensate.
- Fatigue: work above the critical tension-time index (mean inspiratory pressure over
  the strength, times the inspiratory share of the breath) cannot be sustained; the
  time to task failure shortens with the index (Bellemare F, Grassino A. J Appl
  Physiol 1982;53:1190), failure leaves the muscles weaker, and they recover over hours
  (Travaline JM et al. Am J Respir Crit Care Med 1997;156:1562).
- Metaboreflex: fatiguing inspiratory work raises sympathetic outflow and withdraws
  vagal tone, raising arterial pressure and heart rate (St Croix CM et al. J Physiol
  2000;529:493; `control.reflex_step`).

`BREATHING_FATIGUE` is 0 for rested muscles and 1 at task failure;
`LOAD_EFFORT_RISE` is the share by which load compensation raises the effort.
"""

from __future__ import annotations

from medtwin.compiled.jit import jit_inline

LOAD_COMPENSATION_PER_BREATH = 0.5
"""Share of the gap to the compensating effort closed at each breath: the response to a
new load is immediate, within the first loaded breaths (Campbell 1961)."""


@jit_inline
def strength_at(p, volume, strength, fatigue):
    """The largest muscle-pressure amplitude (cmH2O) at lung volume `volume` (mL), for
    the neuromuscular `strength` (1 = normal) and `fatigue` (0-1)."""
    capacity = p.TLC_FRACTION * p.FRC
    residual = p.RV_FRACTION * p.FRC
    length = min(max((capacity - volume) / (capacity - residual), 0.0), 1.0)
    return p.PIMAX * length * strength * (1.0 - p.FATIGUE_STRENGTH_LOSS * min(fatigue, 1.0))


@jit_inline
def compensated_effort(s, p, effort, strength, wake):
    """The muscle-pressure amplitude (cmH2O) of a breath about to start, from the
    chemical drive's `effort` (share of a resting breath's, strength included) raised by
    load compensation (`wake`: 0 unconscious to 1 awake) and capped by the strength
    left at the lung volume it starts from.

    The load is sensed from the last breath: its tidal volume per cmH2O of effort
    against that of healthy lungs at rest (`VE_REST` / `RR_REST` over `PMUS_REST`)."""
    if s.PMUS_AMPLITUDE > 0.0:
        healthy = p.VE_REST * 1000.0 / (p.RR_REST * p.PMUS_REST)
        drawn = max(s.LAST_TIDAL_VOLUME / s.PMUS_AMPLITUDE, 1e-3 * healthy)
        target = max((healthy / drawn) ** (p.LOAD_COMPENSATION * wake), 1.0) - 1.0
        s.LOAD_EFFORT_RISE += LOAD_COMPENSATION_PER_BREATH * (target - s.LOAD_EFFORT_RISE)
    amplitude = p.PMUS_REST * effort * (1.0 + s.LOAD_EFFORT_RISE)
    return min(amplitude, strength_at(p, s.V_LUNG, strength, s.BREATHING_FATIGUE))


@jit_inline
def tension_time(s, p, strength):
    """Tension-time index of the breath under way: its mean inspiratory muscle pressure
    over the rested muscles' strength at end-expiration (the breath's lowest volume so
    far), times inspiratory time over breath time (Bellemare & Grassino 1982). The
    quadratic rise of `muscle_pressure` averages (T/2 - Ti/3) / Te of its peak over
    inspiration."""
    period, t_insp = s.BREATH_PERIOD, s.INSPIRATION_DURATION
    if s.PMUS_AMPLITUDE <= 0.0 or t_insp >= period:
        return 0.0
    mean = s.PMUS_AMPLITUDE * (0.5 * period - t_insp / 3.0) / (period - t_insp)
    rested = strength_at(p, min(s.BR_V_MIN, s.V_LUNG), strength, 0.0)
    return mean / max(rested, 1.0) * t_insp / period


@jit_inline
def fatigue_step(s, p, strength, dt):
    """Advance the muscles' fatigue by `dt` seconds: above the critical index it grows
    at the rate that reaches task failure (1) in the endurance time
    `FATIGUE_ENDURANCE_AT_CRITICAL` * (index / critical)^-`FATIGUE_ENDURANCE_EXPONENT`;
    below it, the muscles recover."""
    index = tension_time(s, p, strength)
    critical = p.TENSION_TIME_CRITICAL
    if index > critical:
        endurance = p.FATIGUE_ENDURANCE_AT_CRITICAL * (index / critical) ** (
            -p.FATIGUE_ENDURANCE_EXPONENT
        )
        s.BREATHING_FATIGUE = min(s.BREATHING_FATIGUE + dt / endurance, 1.0)
    else:
        s.BREATHING_FATIGUE -= dt * s.BREATHING_FATIGUE / p.FATIGUE_RECOVERY_TAU


@jit_inline
def metaboreflex(s, p, strength):
    """Factor on sympathetic firing (and divisor of vagal firing: `control.reflex_step`)
    from fatiguing inspiratory work: it grows with the fatigue while the muscles keep
    working near or above the critical index, and stops when they rest (St Croix 2000:
    no rise in the first 1-2 min, most at exhaustion)."""
    working = min(tension_time(s, p, strength) / p.TENSION_TIME_CRITICAL, 1.0)
    return 1.0 + p.METABOREFLEX_GAIN * s.BREATHING_FATIGUE * working
