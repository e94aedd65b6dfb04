"""The 12-lead ECG: Einthoven's and Goldberger's relations, lead II as the monitor draws
it, and the normal adult pattern the wave directions were set for (Surawicz & Knilans
2008: R-wave progression with the transition at V3-V4, normal frontal axis, T waves)."""

from pathlib import Path

import numpy as np
import pytest

from medtwin.citations import keys_cited_in
from medtwin.physiology import twelve_lead
from medtwin.physiology.ecg import RHYTHMS, SinusRhythm
from medtwin.physiology.twelve_lead import LEADS, SOURCES, leads_mV

_PHASE = np.arange(0.0, 1.0, 1.0 / 500.0)  # one beat at 60/min, R peak at phase 0
_WITHIN = np.mod(_PHASE + 0.5, 1.0) - 0.5
_QRS = np.abs(_WITHIN) < 0.1
_T_WAVE = (_WITHIN > 0.15) & (_WITHIN < 0.45)


@pytest.fixture(scope="module")
def sinus() -> dict[str, np.ndarray]:
    return leads_mV(SinusRhythm().waves_mV(_PHASE, np.ones_like(_PHASE)))


def _r(lead: np.ndarray) -> float:
    return float(lead[_QRS].max())


def _s(lead: np.ndarray) -> float:
    return float(-lead[_QRS].min())


def _t(lead: np.ndarray) -> float:
    """The T wave's larger deflection, with its sign."""
    wave = lead[_T_WAVE]
    return float(wave[np.argmax(np.abs(wave))])


def test_the_twelve_leads_obey_einthoven_and_goldberger(sinus):
    assert tuple(sinus) == LEADS
    assert np.allclose(sinus["III"], sinus["II"] - sinus["I"])
    assert np.allclose(sinus["aVR"] + sinus["aVL"] + sinus["aVF"], 0.0)
    assert np.allclose(sinus["aVF"], (sinus["II"] + sinus["III"]) / 2.0)
    assert np.allclose(sinus["aVL"], (sinus["I"] - sinus["III"]) / 2.0)


@pytest.mark.parametrize("name", list(RHYTHMS))
def test_lead_ii_is_the_rhythms_own_drawing(name):
    drawn = RHYTHMS[name]
    period = np.full(_PHASE.shape, 0.8)
    time = _PHASE * 0.8
    leads = leads_mV(drawn.waves_mV(_PHASE, period, time))
    assert np.allclose(leads["II"], drawn.lead_ii_mV(_PHASE, period, time), atol=1e-12)
    assert all(np.all(np.isfinite(lead)) for lead in leads.values())


def test_r_waves_grow_and_s_waves_shrink_across_the_chest(sinus):
    r = [_r(sinus[f"V{n}"]) for n in range(1, 7)]
    s = [_s(sinus[f"V{n}"]) for n in range(1, 7)]
    assert r[0] < r[1] < r[2] < r[3], r  # R grows from V1 to V4
    assert s[1] > s[3] > s[5], s  # S is deepest in V2 and shrinks to V6
    assert r[0] < s[0] and r[1] < s[1], "V1 and V2 are rS"
    assert all(rv > sv for rv, sv in zip(r[3:], s[3:], strict=True)), "V4-V6 are Rs"
    assert 0.7 < r[2] / s[2] < 1.3, "the transition (R = S) is at V3"


def test_the_frontal_qrs_axis_is_normal(sinus):
    """The axis from the net deflections (R - S) of I and aVF."""
    net_i = _r(sinus["I"]) - _s(sinus["I"])
    net_avf = _r(sinus["aVF"]) - _s(sinus["aVF"])
    axis_deg = np.degrees(np.arctan2(2.0 / np.sqrt(3.0) * net_avf, net_i))
    assert 35.0 < axis_deg < 55.0  # about +44°; normal is -30 to +90 (Mason 2007)


def test_the_qrs_and_t_of_avr_point_down_and_t_is_upright_elsewhere(sinus):
    assert _s(sinus["aVR"]) > 3 * _r(sinus["aVR"])
    assert _t(sinus["aVR"]) < 0
    assert all(_t(sinus[name]) > 0.05 for name in ("I", "II", "V2", "V3", "V4", "V5", "V6"))
    assert abs(_t(sinus["V1"])) < 0.1


def test_a_septal_q_wave_shows_in_the_lateral_leads(sinus):
    before_r = _QRS & (_WITHIN < 0.0)
    for name in ("I", "V5", "V6"):
        assert sinus[name][before_r].min() < -0.02, name


def test_asystole_is_flat_in_every_lead():
    waves = RHYTHMS["asystole"].waves_mV(_PHASE, np.ones_like(_PHASE))
    assert all(np.all(lead == 0.0) for lead in leads_mV(waves).values())


def test_every_source_is_in_the_bibliography():
    assert all(keys_cited_in(source) for source in SOURCES)
    assert twelve_lead.RECORD_S == 10.0


def test_a_twins_twelve_lead_ii_is_its_monitors_ecg():
    from medtwin.twin import Twin

    twin = Twin("standard-male", seed=3, waveform_seconds=12.0)
    twin.advance(12.0)
    times, leads = twin.twelve_lead(125.0, since_s=2.0)
    monitor_times, channels = twin.waveform_samples(125.0, since_s=2.0)
    assert len(times) == 1250
    assert np.array_equal(times, monitor_times)
    assert np.allclose(leads["II"], channels["ecg_ii"], atol=1e-12)
    assert _beats(leads["V5"]) == _beats(leads["II"]) > 5


def _beats(lead: np.ndarray) -> int:
    """R peaks: upward crossings of half the lead's maximum."""
    high = lead > 0.5 * lead.max()
    return int(np.count_nonzero(high[1:] & ~high[:-1]))


@pytest.fixture(scope="module")
def monitor_leads():
    """A twin's monitor ECG channels and its 12-lead over the same 10 s."""
    from medtwin.twin import Twin

    twin = Twin("standard-male", seed=5, waveform_seconds=12.0)
    twin.advance(12.0)
    return twin.waveform_samples(125.0, since_s=2.0), twin.twelve_lead(125.0, since_s=2.0)


def test_the_monitors_leads_keep_einthovens_and_goldbergers_laws(monitor_leads):
    (_, channels), _ = monitor_leads
    lead_i, lead_ii, lead_iii = channels["ecg_i"], channels["ecg_ii"], channels["ecg_iii"]
    np.testing.assert_allclose(lead_i + lead_iii, lead_ii, rtol=0, atol=1e-12)
    augmented = channels["ecg_avr"] + channels["ecg_avl"] + channels["ecg_avf"]
    np.testing.assert_allclose(augmented, 0.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(channels["ecg_avf"], lead_ii - lead_i / 2, rtol=0, atol=1e-12)
    assert _beats(channels["ecg_v5"]) == _beats(lead_ii) > 5
    assert -channels["ecg_avr"].min() > 0.3  # aVR looks at the heart from above: QRS down


def test_each_monitor_lead_is_the_twelve_leads_own(monitor_leads):
    (monitor_times, channels), (times, leads) = monitor_leads
    assert np.array_equal(times, monitor_times) and len(times) == 1250
    for lead in twelve_lead.MONITOR_LEADS:
        name = twelve_lead.monitor_channel(lead)
        np.testing.assert_allclose(channels[name], leads[lead], rtol=0, atol=1e-12, err_msg=name)
    assert not np.allclose(channels["ecg_v1"], channels["ecg_v5"])  # not one lead renamed


def test_every_monitor_lead_is_a_waveform_a_layout_may_name():
    from medtwin import signals
    from medtwin.monitor_layout import WAVE_CHANNELS
    from medtwin.twin import WAVEFORM_NAMES

    named = {twelve_lead.monitor_channel(lead) for lead in twelve_lead.MONITOR_LEADS}
    assert named <= set(WAVE_CHANNELS) == set(WAVEFORM_NAMES) == {w.name for w in signals.WAVEFORMS}
    assert {"ecg_i", "ecg_avr", "ecg_v1", "ecg_v5"} <= named
    assert "drew2004" in keys_cited_in(Path(twelve_lead.__file__).read_text(encoding="utf-8"))
