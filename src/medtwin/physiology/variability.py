"""Seeded beat-to-beat and breath-to-breath variability.

Real hearts and lungs never repeat exactly: a healthy adult's RR intervals vary by a few
per cent from beat to beat (Task Force of the ESC and NASPE. Heart rate variability:
standards of measurement. Circulation 1996;93:1043-1065), breath durations by more
(Tobin MJ et al. Breathing patterns. 1. Normal subjects. Chest 1983;84:202-205). The
engine draws each beat's and breath's random factor from a counter-based generator
keyed by (seed, event number), so a patient's sequence does not depend on the step
size, the batch it runs in, or where a run was snapshotted: same seed, same output.
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
STREAM_BEAT = 1.0
STREAM_BREATH = 2.0
STREAM_RHYTHM = 3.0
"""Draws of the rhythm a heart arrests into."""
STREAM_VF_DURATION = 4.0
"""Draws of how long an episode of fibrillation lasts untreated."""
STREAM_SHOCK = 5.0
"""Draws of whether a shock ends fibrillation or an organised tachycardia."""
STREAM_AV_BLOCK = 6.0
"""Draws of whether a blocked AV node lets a beat through (four per beat)."""
STREAM_REENTRY = 7.0
"""Draws of how deep an AV-nodal block must be to end an episode of re-entry.

Streams are whole numbers: the generator keys on their integer value, so two streams
must differ by at least 1 to draw independently."""


@jit
def _splitmix64(x):
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@jit
def _uniform_pair(seed: float, counter: float, stream: float):
    """Two uniform deviates in (0, 1] and [0, 1) that depend only on (seed, counter,
    stream)."""
    key = _splitmix64(np.uint64(seed) * _MIX2 + np.uint64(stream))
    a = _splitmix64(key ^ np.uint64(counter))
    b = _splitmix64(a)
    scale = 1.0 / 18446744073709551616.0  # 2**-64
    return (np.float64(a) + 1.0) * scale, np.float64(b) * scale


@jit
def uniform(seed: float, counter: float, stream: float) -> float:
    """A uniform deviate in (0, 1] that depends only on (seed, counter, stream)."""
    return _uniform_pair(seed, counter, stream)[0]


@jit
def standard_normal(seed: float, counter: float, stream: float) -> float:
    """A standard normal deviate that depends only on (seed, counter, stream)."""
    u1, u2 = _uniform_pair(seed, counter, stream)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
