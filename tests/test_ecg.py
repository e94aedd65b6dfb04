"""Synthetic ECG lead II from the beat clock (McSharry et al. 2003)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtwin.physiology.ecg import PACING_SPIKE_MV, RHYTHMS, SinusRhythm, paced_lead_ii_mV, rhythm

u_grid = np.arange(20_000) / 20_000  # beat phase u in [0, 1), u = 0 at the R peak


def beat(heart_rate_bpm: float) -> np.ndarray:
    return SinusRhythm().lead_ii_mV(u_grid, np.full(u_grid.shape, 60.0 / heart_rate_bpm))


def peak_phase(mV: np.ndarray, low: float, high: float, sign: float = 1.0) -> float:
    window = (u_grid > low) & (u_grid < high)
    return float(u_grid[window][np.argmax(sign * mV[window])])


@pytest.mark.parametrize("heart_rate_bpm", [40.0, 60.0, 120.0])
def test_r_peak_at_phase_zero_is_the_maximum_near_one_millivolt(heart_rate_bpm):
    mV = beat(heart_rate_bpm)
    assert mV[0] == pytest.approx(1.0, abs=0.01)
    assert mV.max() <= mV[0] + 1e-3


def test_p_wave_before_r_and_t_wave_after():
    mV = beat(60.0)
    p = peak_phase(mV, 0.6, 0.95)
    t = peak_phase(mV, 0.05, 0.6)
    assert p == pytest.approx(1 - 70 / 360, abs=0.005)  # 70 degrees before R
    assert t == pytest.approx(100 / 360, abs=0.005)  # 100 degrees after R
    assert 0.1 < mV[u_grid == p][0] < 0.3
    assert 0.2 < mV[u_grid == t][0] < 0.5


def test_q_and_s_are_negative_deflections_around_r():
    mV = beat(60.0)
    q = peak_phase(mV, 0.9, 1.0, sign=-1.0)
    s = peak_phase(mV, 0.0, 0.1, sign=-1.0)
    assert mV[u_grid == q][0] < -0.1
    assert mV[u_grid == s][0] < -0.1


def test_baseline_is_isoelectric_between_t_and_p():
    mV = beat(60.0)
    assert np.abs(mV[(u_grid > 0.5) & (u_grid < 0.68)]).max() < 0.01


def test_qt_shortens_with_heart_rate():
    """T-peak time after R: ECGSYN scales the T angle by (HR/60)^(1/4), so time ∝ RR^(3/4)."""
    t_peak_s = {hr: peak_phase(beat(hr), 0.05, 0.6) * 60.0 / hr for hr in (60.0, 120.0)}
    assert t_peak_s[120.0] < t_peak_s[60.0]
    assert t_peak_s[120.0] / t_peak_s[60.0] == pytest.approx(0.5**0.75, rel=0.02)


def test_vectorised_over_patients_and_samples():
    phase = np.tile(u_grid[::100], (3, 1))
    period = np.array([[1.0], [0.5], [0.75]])
    mV = SinusRhythm().lead_ii_mV(phase, period)
    assert mV.shape == phase.shape
    for row in range(3):
        expected = SinusRhythm().lead_ii_mV(phase[row], np.full(phase.shape[1], period[row, 0]))
        np.testing.assert_array_equal(mV[row], expected)


@given(
    u=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    period=st.floats(min_value=0.25, max_value=2.0),
)
def test_periodic_in_beat_phase(u, period):
    sinus = SinusRhythm()
    here = sinus.lead_ii_mV(np.array([u]), np.array([period]))
    assert np.allclose(here, sinus.lead_ii_mV(np.array([u + 1.0]), np.array([period])), atol=1e-9)
    assert -0.5 < here[0] < 1.1


def test_non_positive_period_is_refused():
    with pytest.raises(ValueError, match="beat_period_s"):
        SinusRhythm().lead_ii_mV(np.zeros(3), np.array([1.0, 0.0, 1.0]))


def test_registry_lookup():
    assert rhythm("sinus") is RHYTHMS["sinus"]
    assert rhythm("sinus").name == "sinus"
    with pytest.raises(KeyError, match="sinus"):
        rhythm("atrial_fibrillation")


# Arrhythmias: morphology by the published criteria (Brugada J et al. 2019 ESC SVT
# guidelines, Eur Heart J 2020;41:655; Zeppenfeld K et al. 2022 ESC ventricular
# arrhythmia guidelines, Eur Heart J 2022;43:3997; Hindricks G et al. 2020 ESC AF
# guidelines, Eur Heart J 2021;42:373).
_SECONDS = np.arange(0.0, 8.0, 0.001)


def _trace(name: str, rate_bpm: float) -> np.ndarray:
    period = np.full(_SECONDS.shape, 60.0 / rate_bpm)
    return rhythm(name).lead_ii_mV(_SECONDS / period, period, _SECONDS)


def _r_width_s(mV: np.ndarray, rate_bpm: float) -> float:
    """Width of the first R wave after 2 s at 15 % of its height."""
    period = 60.0 / rate_bpm
    r_peak = round(np.ceil(2.0 / period) * period / 0.001)
    threshold = 0.15 * abs(mV[r_peak])
    left = right = r_peak
    while abs(mV[left - 1]) > threshold:
        left -= 1
    while abs(mV[right + 1]) > threshold:
        right += 1
    return (right - left) * 0.001


def test_ventricular_complexes_are_wide_and_supraventricular_ones_narrow():
    """A QRS of 120 ms or more against 80-100 ms when conducted (ESC 2022): complexes
    that start in a ventricle are drawn twice as wide or more."""
    sinus = _r_width_s(_trace("sinus", 70), 70)
    assert _r_width_s(_trace("svt", 180), 180) <= sinus  # narrow-complex tachycardia
    assert _r_width_s(_trace("vt", 180), 180) > 2.0 * sinus
    assert _r_width_s(_trace("block3", 35), 35) > 2.0 * sinus  # ventricular escape


def _before_qrs(mV: np.ndarray, rate_bpm: float) -> np.ndarray:
    """The 250-60 ms before each R peak, where a conducted P wave sits."""
    since_r = np.mod(_SECONDS, 60.0 / rate_bpm)
    to_r = 60.0 / rate_bpm - since_r
    return mV[(to_r > 0.06) & (to_r < 0.25)]


def test_atrial_fibrillation_has_f_waves_and_no_p_waves():
    sinus, af = _trace("sinus", 70), _trace("af", 70)
    assert _before_qrs(sinus, 70).max() > 0.1  # the P wave
    assert _before_qrs(af, 70).max() < 0.12  # only f waves, under 0.1 mV each
    baseline = np.abs(np.mod(_SECONDS, 60 / 70) - 0.5) < 0.05  # between T and the next P
    assert np.std(sinus[baseline]) < 0.01 < np.std(af[baseline])


def test_flutter_waves_run_at_300_per_minute():
    flutter = _trace("flutter", 150) - _trace("svt", 150)  # the atrial part alone
    spectrum = np.abs(np.fft.rfft(flutter - flutter.mean()))
    frequencies = np.fft.rfftfreq(flutter.size, 0.001)
    assert frequencies[np.argmax(spectrum)] == pytest.approx(5.0, abs=0.2)


def test_complete_block_p_waves_march_through_unrelated_to_the_qrs():
    block = _trace("block3", 35)
    escape = rhythm("block3")
    atrial = block - escape.lead_ii_mV(_SECONDS * 35 / 60, np.full(_SECONDS.shape, 60 / 35), -1.0)
    peaks = _SECONDS[1:-1][(atrial[1:-1] > atrial[:-2]) & (atrial[1:-1] >= atrial[2:]) &
                           (atrial[1:-1] > 0.1)]  # fmt: skip
    assert np.diff(peaks) == pytest.approx(0.8, abs=0.01)  # atria at 75/min
    assert len(peaks) > 2 * 8.0 * 35 / 60  # more P waves than QRS complexes


def test_a_2_to_1_block_shows_two_p_waves_per_qrs():
    block = _trace("block2", 40)
    p_waves = block - rhythm("svt").lead_ii_mV(
        _SECONDS * 40 / 60, np.full(_SECONDS.shape, 60 / 80), _SECONDS
    )
    assert np.sum((p_waves[1:] > 0.08) & (p_waves[:-1] <= 0.08)) == pytest.approx(
        2 * 8.0 * 40 / 60, abs=2
    )


def test_a_paced_beat_shows_its_spike_before_a_wide_complex():
    period = np.full(_SECONDS.shape, 60 / 70)
    paced = paced_lead_ii_mV(_SECONDS / period, period)
    spike = paced > 0.8 * PACING_SPIKE_MV
    assert paced.max() == pytest.approx(PACING_SPIKE_MV, abs=0.05)
    assert 0.015 < spike.sum() * 0.001 / 8.0 * (60 / 70) < 0.025  # a 20 ms pulse a beat
    complex_only = np.where(spike, 0.0, paced)
    assert _r_width_s(complex_only, 70) > 2.0 * _r_width_s(_trace("sinus", 70), 70)


@given(
    u=st.floats(min_value=0.0, max_value=4.0),
    period=st.floats(min_value=0.2, max_value=3.0),
    time=st.floats(min_value=0.0, max_value=1e5),
)
def test_every_rhythm_draws_a_bounded_trace(u, period, time):
    for drawn in RHYTHMS.values():
        mV = drawn.lead_ii_mV(np.array([u]), np.array([period]), np.array([time]))
        assert np.all(np.isfinite(mV)) and np.all(np.abs(mV) < 3.0), drawn.name
