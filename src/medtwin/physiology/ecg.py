"""Heart rhythms that draw the synthetic ECG lead II from the engine's beat clock.

For every waveform sample the engine records the beat phase ``u`` in [0, 1) (``u = 0`` at
the R peak, i.e. ventricular activation, rising linearly over the beat) and the current
beat period ``T`` in seconds. A rhythm turns those into millivolts; rhythms are looked up
by name so that an arrhythmia insult can swap one for another.

The sinus rhythm follows McSharry PE, Clifford GD, Tarassenko L, Smith LA. A dynamical
model for generating synthetic electrocardiogram signals. IEEE Trans Biomed Eng
2003;50:289-294. There the P, Q, R, S and T waves are Gaussian events at angles θᵢ on
the phase circle θ = 2πu, and the ECG obeys
``dz/dt = -Σ aᵢ Δθᵢ exp(-Δθᵢ² / 2bᵢ²) - (z - z0)`` with Δθᵢ = (θ - θᵢ) wrapped to (-π, π].
With the angular velocity ω = 2π/T constant over a beat and the baseline-restoring term
left out (our baseline is the isoelectric line, z0 = 0), that equation integrates in
closed form to ``z(θ) = Σ (aᵢ bᵢ² / ω) exp(-Δθᵢ² / 2bᵢ²)``, which is what is evaluated
here: exact, periodic, and vectorised over samples.

Heart-rate dependence follows ECGSYN, the authors' reference implementation published with
the paper on PhysioNet: with r = HR/60 (HR in beats/min), the widths bᵢ scale by √r, the
Q and S angles by √r, the P and T angles by r^¼, and the R angle stays at 0. The event
times θᵢ/ω therefore shorten with rate (the T peak as T^¾, close to Bazett's √RR law for
QT). Because ω ∝ r and bᵢ² ∝ r, the wave amplitudes aᵢ bᵢ² / ω do not change with rate.
The morphology values are ECGSYN's defaults (its MATLAB version): θ = (-70, -15, 0, 15,
100)°, a = (1.2, -5, 30, -7.5, 0.75), b = (0.25, 0.1, 0.1, 0.1, 0.4) rad. ECGSYN rescales
its output to millivolts; here the scale puts the R peak at 1 mV at 60 beats/min.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from medtwin.physiology.layout import RHYTHM_NAMES
from medtwin.signals import UnknownNameError


class Rhythm(Protocol):
    """A heart rhythm: draws ECG lead II from the beat phase and the beat period."""

    name: str

    def lead_ii_mV(self, beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
        """Lead II in mV for each sample; the two arrays broadcast against each other."""
        ...


@dataclass(frozen=True)
class _Event:
    """One Gaussian event of the McSharry model; ``angle_rate_exponent`` is ECGSYN's."""

    angle_deg: float
    amplitude: float
    width_rad: float
    angle_rate_exponent: float


# P, Q, R, S, T (ECGSYN defaults, see the module docstring).
_SINUS_EVENTS = (
    _Event(angle_deg=-70.0, amplitude=1.2, width_rad=0.25, angle_rate_exponent=0.25),
    _Event(angle_deg=-15.0, amplitude=-5.0, width_rad=0.1, angle_rate_exponent=0.5),
    _Event(angle_deg=0.0, amplitude=30.0, width_rad=0.1, angle_rate_exponent=0.0),
    _Event(angle_deg=15.0, amplitude=-7.5, width_rad=0.1, angle_rate_exponent=0.5),
    _Event(angle_deg=100.0, amplitude=0.75, width_rad=0.4, angle_rate_exponent=0.25),
)
_ANGLE_RAD = np.deg2rad([e.angle_deg for e in _SINUS_EVENTS])
_AMPLITUDE = np.array([e.amplitude for e in _SINUS_EVENTS])
_WIDTH_RAD = np.array([e.width_rad for e in _SINUS_EVENTS])
_ANGLE_RATE_EXPONENT = np.array([e.angle_rate_exponent for e in _SINUS_EVENTS])


def _sinus_model_units(beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
    """Σ aᵢ bᵢ² exp(-Δθᵢ² / 2bᵢ²) at rest-rate widths (the 1/ω cancels the rate scaling)."""
    rate_ratio = (1.0 / beat_period_s)[..., np.newaxis]  # HR/60 with HR in beats/min
    centre = _ANGLE_RAD * rate_ratio**_ANGLE_RATE_EXPONENT
    width = _WIDTH_RAD * np.sqrt(rate_ratio)
    theta = 2.0 * np.pi * beat_phase[..., np.newaxis]
    offset = np.mod(theta - centre + np.pi, 2.0 * np.pi) - np.pi
    events = _AMPLITUDE * _WIDTH_RAD**2 * np.exp(-(offset**2) / (2.0 * width**2))
    return events.sum(axis=-1)


_MV_PER_MODEL_UNIT = 1.0 / float(_sinus_model_units(np.array(0.0), np.array(1.0)))


def _checked(beat_phase, beat_period_s) -> tuple[np.ndarray, np.ndarray]:
    phase, period = np.broadcast_arrays(
        np.asarray(beat_phase, dtype=float), np.asarray(beat_period_s, dtype=float)
    )
    if not np.all(np.isfinite(period) & (period > 0.0)):
        raise ValueError("beat_period_s must be positive and finite (seconds per beat)")
    return phase, period


@dataclass(frozen=True)
class SinusRhythm:
    """Normal sinus rhythm (McSharry et al. 2003): R peak 1 mV, isoelectric baseline 0 mV."""

    name: str = "sinus"

    def lead_ii_mV(self, beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
        """Lead II in mV; ``beat_phase`` is taken modulo 1, ``beat_period_s`` must be > 0."""
        phase, period = _checked(beat_phase, beat_period_s)
        return _MV_PER_MODEL_UNIT * _sinus_model_units(phase, period)


@dataclass(frozen=True)
class PulselessElectricalActivity:
    """The slow, wide complexes of a dying heart: no P waves and a QRS about three times
    as wide as sinus, at the slow rate the engine's hypoxic sinus node sets (agonal
    idioventricular rhythm; Resuscitation Council UK, Advanced Life Support, 8th ed.,
    2021, ch. 8). Drawn as the sinus model's complexes stretched in time, half as tall."""

    name: str = "pea"
    widening: float = 3.0
    amplitude: float = 0.5

    def lead_ii_mV(self, beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
        phase, period = _checked(beat_phase, beat_period_s)
        within = np.mod(phase + 0.5, 1.0) - 0.5  # the R peak at 0, in (-0.5, 0.5]
        stretched = within / self.widening
        no_p_wave = np.where(within < -0.1, 0.0, 1.0)  # the atria are silent
        drawn = _MV_PER_MODEL_UNIT * _sinus_model_units(stretched, np.ones_like(period))
        return self.amplitude * drawn * no_p_wave


_VF_COMPONENTS = ((1.0, 0.30, 0.0), (1.37, 0.15, 1.0), (0.61, 0.10, 2.0))
"""Relative frequency, amplitude (mV) and phase of the waves summed for fibrillation:
incommensurate, so the trace never repeats."""
_VF_MODULATION_PERIOD = 11.3
"""Beats of the waxing and waning of the fibrillation amplitude."""


@dataclass(frozen=True)
class VentricularFibrillation:
    """Coarse ventricular fibrillation: a chaotic 4-7 Hz oscillation of 0.2-0.6 mV, no
    discernible complexes (Strohmenger HU. Curr Opin Crit Care 2008;14:311; coarse VF
    above 0.2 mV). The engine's beat clock runs at the fibrillation period, so the
    phase gives the oscillation."""

    name: str = "vf"

    def lead_ii_mV(self, beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
        phase, _ = _checked(beat_phase, beat_period_s)
        turns = 2.0 * np.pi * phase
        waves = sum(a * np.sin(f * turns + offset) for f, a, offset in _VF_COMPONENTS)
        return waves * (0.7 + 0.3 * np.sin(turns / _VF_MODULATION_PERIOD))


@dataclass(frozen=True)
class Asystole:
    """No electrical activity: the isoelectric line."""

    name: str = "asystole"

    def lead_ii_mV(self, beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
        phase, _ = _checked(beat_phase, beat_period_s)
        return np.zeros_like(phase)


RHYTHMS: dict[str, Rhythm] = {
    rhythm.name: rhythm
    for rhythm in (SinusRhythm(), PulselessElectricalActivity(), VentricularFibrillation(),
                   Asystole())
}  # fmt: skip
assert tuple(RHYTHMS) == RHYTHM_NAMES, "every rhythm of the engine state needs a drawing"


def lead_ii_mV(
    rhythm_index: np.ndarray, beat_phase: np.ndarray, beat_period_s: np.ndarray
) -> np.ndarray:
    """Lead II in mV of samples whose rhythm (its index in RHYTHM_NAMES) may change."""
    out = np.zeros(np.shape(beat_phase))
    for index, name in enumerate(RHYTHM_NAMES):
        chosen = rhythm_index == index
        if chosen.any():
            out[chosen] = RHYTHMS[name].lead_ii_mV(beat_phase[chosen], beat_period_s[chosen])
    return out


def rhythm(name: str) -> Rhythm:
    """The rhythm registered as ``name``; ``UnknownNameError`` (a ``KeyError``) lists them."""
    try:
        return RHYTHMS[name]
    except KeyError:
        raise UnknownNameError("rhythm", name, RHYTHMS) from None
