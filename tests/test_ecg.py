"""Synthetic ECG lead II from the beat clock (McSharry et al. 2003)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtwin.physiology.ecg import RHYTHMS, SinusRhythm, rhythm

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
