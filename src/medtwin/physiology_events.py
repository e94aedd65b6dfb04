"""What the physiology did by itself, as events for the twin's log.

The engine changes the heart's rhythm and reaches death on its own (`physiology.cardiac`).
After each stretch of simulation the twin reads, from the 1 Hz recording, the rhythm
changes it has not yet logged and, from the state, whether death came, and logs them
with source "physiology": the arrest (its rhythm), return of spontaneous circulation,
the fading of an arrest rhythm, and death. Logged as the `rhythm` and `death` action
kinds, so a log reads the same whether an instructor or the physiology made the change;
replays skip them, as the physiology makes them again.

The ventilator's alarms (`physiology.ventilator_alarms`) are logged the same way, with
source "equipment": each alarm once when it starts and once when it clears, as the
`ventilator_alarm` action kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtwin.actions import ActionBase
from medtwin.actions.kinds.death import Death
from medtwin.actions.kinds.rhythm import LONG_NAMES, Rhythm
from medtwin.actions.kinds.ventilator_alarm import VentilatorAlarm
from medtwin.physiology.layout import PERFUSING_RHYTHMS, RHYTHM_NAMES, M, S
from medtwin.physiology.parameters import P
from medtwin.physiology.ventilator_alarms import ALARM_BITS

SOURCE = "physiology"
EQUIPMENT = "equipment"
SOURCES = (SOURCE, EQUIPMENT)
"""The sources of what the twin logs by itself (a replay skips them)."""
ALARM_NOTES = {
    "high airway pressure": "peak airway pressure at the high-pressure limit",
    "low airway pressure": "a mandatory breath neither reached PEEP + 4 cmH2O nor came "
    "back: leak or disconnection",
    "low minute volume": "exhaled minute volume below the alarm limit",
    "apnoea": "no breath detected for the apnoea time",
}


@dataclass(frozen=True)
class Finding:
    """One thing the physiology (or, `source` "equipment", the ventilator) did, at
    `time_s`."""

    time_s: float
    action: ActionBase
    note: str
    source: str = SOURCE


def rhythm_note(before: str, after: str) -> str:
    """Why a rhythm change matters, in the words of the bedside."""
    was_perfusing, perfusing = before in PERFUSING_RHYTHMS, after in PERFUSING_RHYTHMS
    if was_perfusing and not perfusing:
        return f"cardiac arrest: {LONG_NAMES[after]}"
    if perfusing and not was_perfusing:
        return "return of spontaneous circulation"
    return f"{LONG_NAMES[before]} became {LONG_NAMES[after]}"


def rhythm_findings(times_s: np.ndarray, monitors: np.ndarray, known: int) -> list[Finding]:
    """The rhythm changes in a recording (`monitors` rows at `times_s`) after `known`,
    the index of the rhythm last logged."""
    indices = monitors[:, M.rhythm].astype(int)
    previous = np.concatenate([[known], indices[:-1]])
    findings = []
    for k in np.flatnonzero(indices != previous):
        before, after = RHYTHM_NAMES[previous[k]], RHYTHM_NAMES[indices[k]]
        findings.append(
            Finding(float(times_s[k]), Rhythm(rhythm=after), rhythm_note(before, after))
        )
    return findings


def death_finding(now_s: float, state: np.ndarray, params: np.ndarray) -> Finding:
    """Death, timed from the no-flow clock: the moment it passed the irreversible limit."""
    limit_s = params[P.IRREVERSIBLE_NO_FLOW_S]
    at_s = max(now_s - (state[S.NO_FLOW_TIME] - limit_s), 0.0)
    note = f"irreversible: {limit_s / 60:g} min without circulation (normothermic)"
    return Finding(round(at_s, 3), Death(), note)


def alarm_findings(times_s: np.ndarray, alarms: np.ndarray, known: int) -> list[Finding]:
    """The ventilator alarms that started or cleared in a series of `alarms` (the
    `ventilator_alarms` signal at `times_s`), `known` being the alarms last logged."""
    bits = alarms.astype(int)
    previous = np.concatenate([[known], bits[:-1]])
    findings = []
    for k in np.flatnonzero(bits != previous):
        for name, bit in ALARM_BITS.items():
            was, now = bool(previous[k] & int(bit)), bool(bits[k] & int(bit))
            if was != now:
                note = ALARM_NOTES[name] if now else "the condition has ended"
                action = VentilatorAlarm(alarm=name, cleared=not now)
                findings.append(Finding(float(times_s[k]), action, note, EQUIPMENT))
    return findings
