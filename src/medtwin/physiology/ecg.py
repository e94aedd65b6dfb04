"""Heart rhythms that draw the synthetic ECG lead II from the engine's beat clock.

For every waveform sample the engine records the beat phase ``u`` in [0, 1) (``u = 0`` at
the R peak, i.e. ventricular activation, rising linearly over the beat) and the current
beat period ``T`` in seconds. A rhythm turns those, and the sample's time (for atria that
beat on their own clock: flutter waves, fibrillation waves, the P waves of complete
block), into millivolts; rhythms are looked up by name so that an arrhythmia insult can
swap one for another. A paced beat is drawn as a pacing spike before a wide complex,
whatever the rhythm underneath. Each drawing is the sum of its waves (`WAVES`: P, Q, R,
S, T), lead II of each given apart, so that `twelve_lead` can project every wave onto the
other leads along a direction of its own.

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

WAVES = ("p", "q", "r", "s", "t")
"""The waves a drawing is split into, each with a direction of its own in the heart
(`twelve_lead`): the atria's activity (P waves, and the f and flutter waves) is drawn as
"p", ventricular fibrillation and a pacing spike as "r"."""


class Rhythm(Protocol):
    """A heart rhythm: draws ECG lead II from the beat phase and the beat period."""

    name: str

    def waves_mV(
        self, beat_phase: np.ndarray, beat_period_s: np.ndarray, time_s: np.ndarray
    ) -> np.ndarray:
        """Lead II in mV of each wave (last axis, in WAVES order) for each sample; the
        arrays broadcast against each other."""
        ...

    def lead_ii_mV(
        self, beat_phase: np.ndarray, beat_period_s: np.ndarray, time_s: np.ndarray
    ) -> np.ndarray:
        """Lead II in mV for each sample: the sum of its waves."""
        ...


class _Drawing:
    """Lead II as the sum of a rhythm's waves."""

    def lead_ii_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        return self.waves_mV(beat_phase, beat_period_s, time_s).sum(axis=-1)


_P, _R = WAVES.index("p"), WAVES.index("r")


def _as_wave(mV: np.ndarray, wave: int) -> np.ndarray:
    """`mV` as the wave `wave` (its index in WAVES), the other waves flat."""
    out = np.zeros((*np.shape(mV), len(WAVES)))
    out[..., wave] = mV
    return out


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


_NO_P_WAVE = _AMPLITUDE * np.array([0.0, 1.0, 1.0, 1.0, 1.0])
_P_WAVE_ONLY = _AMPLITUDE - _NO_P_WAVE


def _sinus_model_units(
    beat_phase: np.ndarray, beat_period_s: np.ndarray, amplitude: np.ndarray = _AMPLITUDE
) -> np.ndarray:
    """aᵢ bᵢ² exp(-Δθᵢ² / 2bᵢ²) of each event (last axis: P, Q, R, S, T, as WAVES) at
    rest-rate widths (the 1/ω cancels the rate scaling); `amplitude` replaces the
    events' aᵢ (a zero leaves that wave out). Their sum is the model's lead II."""
    rate_ratio = (1.0 / beat_period_s)[..., np.newaxis]  # HR/60 with HR in beats/min
    centre = _ANGLE_RAD * rate_ratio**_ANGLE_RATE_EXPONENT
    width = _WIDTH_RAD * np.sqrt(rate_ratio)
    theta = 2.0 * np.pi * beat_phase[..., np.newaxis]
    offset = np.mod(theta - centre + np.pi, 2.0 * np.pi) - np.pi
    return amplitude * _WIDTH_RAD**2 * np.exp(-(offset**2) / (2.0 * width**2))


_MV_PER_MODEL_UNIT = 1.0 / float(_sinus_model_units(np.array(0.0), np.array(1.0)).sum())


def _checked(beat_phase, beat_period_s, time_s=0.0) -> tuple[np.ndarray, ...]:
    phase, period, time = np.broadcast_arrays(
        np.asarray(beat_phase, dtype=float),
        np.asarray(beat_period_s, dtype=float),
        np.asarray(time_s, dtype=float),
    )
    if not np.all(np.isfinite(period) & (period > 0.0)):
        raise ValueError("beat_period_s must be positive and finite (seconds per beat)")
    return phase, period, time


def _wide_complex(phase: np.ndarray, period: np.ndarray, widening: float) -> np.ndarray:
    """The sinus model's QRS-T at 60/min without its P wave, `widening` times as long (a
    beat spreading through the ventricles muscle to muscle instead of by the conduction
    system: a QRS of about 80 ms becomes 80 × `widening` ms), in mV, centred on each
    beat's R peak, by wave (last axis, WAVES)."""
    within = np.mod(phase + 0.5, 1.0) - 0.5  # the R peak at 0, in (-0.5, 0.5]
    seconds_from_r = within * period
    units = _sinus_model_units(seconds_from_r / widening, np.ones_like(phase), _NO_P_WAVE)
    return _MV_PER_MODEL_UNIT * units


@dataclass(frozen=True)
class SinusRhythm(_Drawing):
    """Normal sinus rhythm (McSharry et al. 2003): R peak 1 mV, isoelectric baseline 0 mV."""

    name: str = "sinus"

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        """Lead II in mV by wave; ``beat_phase`` is taken modulo 1, ``beat_period_s``
        must be > 0."""
        phase, period, _ = _checked(beat_phase, beat_period_s)
        return _MV_PER_MODEL_UNIT * _sinus_model_units(phase, period)


@dataclass(frozen=True)
class PulselessElectricalActivity(_Drawing):
    """The slow, wide complexes of a dying heart: no P waves and a QRS about three times
    as wide as sinus, at the slow rate the engine's hypoxic sinus node sets (agonal
    idioventricular rhythm; Resuscitation Council UK, Advanced Life Support, 8th ed.,
    2021, ch. 8). Drawn as the sinus model's complexes stretched in time, half as tall."""

    name: str = "pea"
    widening: float = 3.0
    amplitude: float = 0.5

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, _ = _checked(beat_phase, beat_period_s)
        within = np.mod(phase + 0.5, 1.0) - 0.5  # the R peak at 0, in (-0.5, 0.5]
        stretched = within / self.widening
        no_p_wave = np.where(within < -0.1, 0.0, 1.0)  # the atria are silent
        drawn = _MV_PER_MODEL_UNIT * _sinus_model_units(stretched, np.ones_like(period))
        return self.amplitude * drawn * no_p_wave[..., np.newaxis]


_VF_COMPONENTS = ((1.0, 0.30, 0.0), (1.37, 0.15, 1.0), (0.61, 0.10, 2.0))
"""Relative frequency, amplitude (mV) and phase of the waves summed for fibrillation:
incommensurate, so the trace never repeats."""
_VF_MODULATION_PERIOD = 11.3
"""Beats of the waxing and waning of the fibrillation amplitude."""


@dataclass(frozen=True)
class VentricularFibrillation(_Drawing):
    """Coarse ventricular fibrillation: a chaotic 4-7 Hz oscillation of 0.2-0.6 mV, no
    discernible complexes (Strohmenger HU. Curr Opin Crit Care 2008;14:311; coarse VF
    above 0.2 mV). The engine's beat clock runs at the fibrillation period, so the
    phase gives the oscillation."""

    name: str = "vf"

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, _, _ = _checked(beat_phase, beat_period_s)
        turns = 2.0 * np.pi * phase
        waves = sum(a * np.sin(f * turns + offset) for f, a, offset in _VF_COMPONENTS)
        return _as_wave(waves * (0.7 + 0.3 * np.sin(turns / _VF_MODULATION_PERIOD)), _R)


@dataclass(frozen=True)
class Asystole(_Drawing):
    """No electrical activity: the isoelectric line."""

    name: str = "asystole"

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, _, _ = _checked(beat_phase, beat_period_s)
        return np.zeros((*phase.shape, len(WAVES)))


_F_WAVES = ((6.1, 0.05, 0.0), (7.3, 0.035, 1.3), (5.2, 0.03, 2.1))
"""Frequency (Hz), amplitude (mV) and phase of the waves summed for the fibrillating
atria: f waves at 350-600/min, under 0.1 mV in lead II (Hindricks G et al. 2020 ESC
Guidelines for AF, Eur Heart J 2021;42:373)."""


@dataclass(frozen=True)
class AtrialFibrillation(_Drawing):
    """Narrow QRS complexes at irregular intervals (the engine's beat clock), no P
    waves, and the fine, chaotic f waves of the fibrillating atria on the baseline."""

    name: str = "af"

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, time = _checked(beat_phase, beat_period_s, time_s)
        f_waves = sum(a * np.sin(2.0 * np.pi * f * time + o) for f, a, o in _F_WAVES)
        qrs_t = _MV_PER_MODEL_UNIT * _sinus_model_units(phase, period, _NO_P_WAVE)
        return qrs_t + _as_wave(f_waves, _P)


@dataclass(frozen=True)
class AtrialFlutter(_Drawing):
    """Narrow QRS complexes and the saw-tooth flutter waves of typical flutter, negative
    in lead II, at an atrial rate of 300/min (Brugada J et al. 2019 ESC Guidelines for
    SVT, Eur Heart J 2020;41:655: 250-330/min, no isoelectric baseline between them)."""

    name: str = "flutter"
    atrial_period_s: float = 0.2
    flutter_mV: float = 0.2

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, time = _checked(beat_phase, beat_period_s, time_s)
        ramp = np.mod(time / self.atrial_period_s, 1.0)  # slow rise, sharp fall
        saw = self.flutter_mV * (ramp - 0.5) * -2.0
        qrs_t = _MV_PER_MODEL_UNIT * _sinus_model_units(phase, period, _NO_P_WAVE)
        return qrs_t + _as_wave(saw, _P)


@dataclass(frozen=True)
class SupraventricularTachycardia(_Drawing):
    """AV-nodal re-entry: fast, regular, narrow complexes with the P waves hidden in
    them (Brugada 2020)."""

    name: str = "svt"

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, _ = _checked(beat_phase, beat_period_s)
        return _MV_PER_MODEL_UNIT * _sinus_model_units(phase, period, _NO_P_WAVE)


@dataclass(frozen=True)
class VentricularTachycardia(_Drawing):
    """Monomorphic ventricular tachycardia: regular complexes wider than 120 ms and
    taller than sinus, no P waves linked to them (Zeppenfeld K et al. Eur Heart J
    2022;43:3997); the same drawing with and without a pulse."""

    name: str = "vt"
    widening: float = 3.0
    amplitude: float = 1.5

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, _ = _checked(beat_phase, beat_period_s)
        return self.amplitude * _wide_complex(phase, period, self.widening)


@dataclass(frozen=True)
class SecondDegreeBlock(_Drawing):
    """Mobitz II with 2:1 conduction: each conducted P-QRS-T is followed, half a
    ventricular cycle later, by a P wave with no QRS."""

    name: str = "block2"

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, _ = _checked(beat_phase, beat_period_s)
        atrial_period = period / 2.0  # the atria beat twice per ventricular beat
        conducted = _sinus_model_units(phase, atrial_period)
        blocked = _sinus_model_units(phase + 0.5, atrial_period, _P_WAVE_ONLY)
        return _MV_PER_MODEL_UNIT * (conducted + blocked)


@dataclass(frozen=True)
class CompleteBlock(_Drawing):
    """Third-degree block: wide, slow ventricular escape complexes, and P waves that
    march through them at the atria's own rate (drawn at 75/min), unrelated."""

    name: str = "block3"
    atrial_period_s: float = 0.8
    widening: float = 2.0

    def waves_mV(self, beat_phase, beat_period_s, time_s=0.0) -> np.ndarray:
        phase, period, time = _checked(beat_phase, beat_period_s, time_s)
        atrial_phase = np.mod(time / self.atrial_period_s, 1.0)
        p_waves = _sinus_model_units(atrial_phase, np.ones_like(time), _P_WAVE_ONLY)
        return _wide_complex(phase, period, self.widening) + _MV_PER_MODEL_UNIT * p_waves


PACING_SPIKE_MV = 2.0
"""Height of the transcutaneous pacemaker's spike as drawn."""
PACING_SPIKE_S = 0.02
"""Width of the spike: transcutaneous pacemakers' pulses last 20-40 ms (Epstein AE et al.
Circulation 2008;117:e350)."""
_PACED_WIDENING = 2.0
_QRS_ONSET_S = 0.066
"""Time from the sinus model's QRS onset to its R peak at 60/min."""


def paced_waves_mV(beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
    """A paced beat by wave: the spike, then a wide complex (the beat starts in a
    ventricle)."""
    phase, period, _ = _checked(beat_phase, beat_period_s)
    seconds_from_r = (np.mod(phase + 0.5, 1.0) - 0.5) * period
    onset = -_QRS_ONSET_S * _PACED_WIDENING
    on_spike = (seconds_from_r >= onset - PACING_SPIKE_S) & (seconds_from_r < onset)
    spike = np.where(on_spike, PACING_SPIKE_MV, 0.0)
    return _as_wave(spike, _R) + _wide_complex(phase, period, _PACED_WIDENING)


def paced_lead_ii_mV(beat_phase: np.ndarray, beat_period_s: np.ndarray) -> np.ndarray:
    """A paced beat in lead II: the spike, then a wide complex."""
    return paced_waves_mV(beat_phase, beat_period_s).sum(axis=-1)


RHYTHMS: dict[str, Rhythm] = {
    rhythm.name: rhythm
    for rhythm in (SinusRhythm(), PulselessElectricalActivity(), VentricularFibrillation(),
                   Asystole(), AtrialFibrillation(), AtrialFlutter(),
                   SupraventricularTachycardia(), VentricularTachycardia(),
                   VentricularTachycardia(name="pulseless_vt"), SecondDegreeBlock(),
                   CompleteBlock())
}  # fmt: skip
assert tuple(RHYTHMS) == RHYTHM_NAMES, "every rhythm of the engine state needs a drawing"


def waves_mV(
    rhythm_index: np.ndarray,
    beat_phase: np.ndarray,
    beat_period_s: np.ndarray,
    time_s: np.ndarray,
    paced: np.ndarray | None = None,
) -> np.ndarray:
    """Lead II in mV by wave (last axis, WAVES) of samples whose rhythm (its index in
    RHYTHM_NAMES) may change; samples where `paced` is true are paced beats."""
    out = np.zeros((*np.shape(beat_phase), len(WAVES)))
    time_s = np.broadcast_to(time_s, np.shape(beat_phase))
    for index, name in enumerate(RHYTHM_NAMES):
        chosen = rhythm_index == index
        if chosen.any():
            out[chosen] = RHYTHMS[name].waves_mV(
                beat_phase[chosen], beat_period_s[chosen], time_s[chosen]
            )
    if paced is not None and np.any(paced):
        chosen = np.asarray(paced, dtype=bool)
        out[chosen] = paced_waves_mV(beat_phase[chosen], beat_period_s[chosen])
    return out


def rhythm(name: str) -> Rhythm:
    """The rhythm registered as ``name``; ``UnknownNameError`` (a ``KeyError``) lists them."""
    try:
        return RHYTHMS[name]
    except KeyError:
        raise UnknownNameError("rhythm", name, RHYTHMS) from None
