"""What a live session's electrocardiograph records: the 12-lead ECGs the team ordered.

When a recording the logged '12-lead ECG' orders call for
(`actions.kinds.twelve_lead.recordings`) has run its 10 s, the session takes it from its
twin's kept waveforms (`Twin.twelve_lead`, lead II being the monitor's), sends it to
everyone (it is care the team asked for, not an inject) and writes it with the next
checkpoint, so that the debrief shows the recording the team saw without replaying
the session.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from medtwin.actions import Event
from medtwin.actions.kinds.twelve_lead import recordings
from medtwin.citations import bibliography, keys_cited_in
from medtwin.physiology.twelve_lead import RECORD_S, SOURCES
from medtwin.service.messages import TwelveLeadMessage
from medtwin.twin import Twin

_DECIMALS = 3
"""Millivolts to the microvolt, finer than the 10 µV a printed ECG resolves (0.1 mm at
10 mm/mV)."""


def due_recordings(events: Iterable[Event], now_s: float, taken: set[float]) -> list[float]:
    """The start times of the recordings finished by `now_s` and not yet `taken`."""
    orders = [event.time_s for event in events if event.action.kind == "twelve_lead"]
    return [start for start, _ in recordings(orders, now_s) if start not in taken]


def sources() -> list[str]:
    """The full references of the 12-lead model (`physiology.twelve_lead.SOURCES`)."""
    works = bibliography()
    return [works[key].reference for source in SOURCES for key in keys_cited_in(source)]


def recording(twin: Twin, start_s: float, rate_hz: float) -> TwelveLeadMessage:
    """The 12 leads from `start_s` for RECORD_S (the end left out), from the twin's kept
    waveforms (the twin is at or just past the end)."""
    times, leads = twin.twelve_lead(rate_hz, since_s=start_s - 0.5 / rate_hz)
    within = times < start_s + RECORD_S - 0.5 / rate_hz  # [start, end): 10 s of samples
    return TwelveLeadMessage(
        time_s=start_s,
        rate_hz=rate_hz,
        seconds=RECORD_S,
        rhythm=twin.rhythm_name,
        leads={name: [_rounded(value) for value in lead[within]] for name, lead in leads.items()},
        sources=sources(),
    )


def _rounded(value: float) -> float | None:
    return round(float(value), _DECIMALS) if math.isfinite(value) else None
