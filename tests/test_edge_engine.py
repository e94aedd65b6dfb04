"""Edge physiology: insults that must not break the engine, apnoea CO2, honest monitors.

Sources:
- a bleed is flow through a wound's resistance, so it follows the pressure driving it
  (flow = pressure difference / resistance; Guyton & Hall 2006 ch. 14);
- apnoea after preoxygenation raises PaCO2 by about 8-16 mmHg in the first minute and
  then by about 3-6 mmHg/min (Eger EI, Severinghaus JW. Anesthesiology 1961;22:419;
  Stock MC et al. J Clin Anesth 1988;1:96: 12 mmHg, then 3.4 mmHg/min);
- lactic acid is buffered by bicarbonate, releasing CO2 (Wasserman K et al. J Appl
  Physiol 1973;35:236), so anaerobic metabolism in hypoxic apnoea keeps raising PaCO2;
- a capnograph counts only breaths that bring alveolar gas to the mouth: a breath no
  larger than the anatomic dead space moves none (Levitzky 2013 ch. 3);
- pulse oximeters lose their signal without a peripheral pulse (Lawson D et al.
  Anesthesiology 1987;67:599).
"""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import Twin
from medtwin.patients import load_patient
from medtwin.physiology.batch import STEP_S, Batch
from medtwin.physiology.layout import DEVICE_SIGNALS, M
from medtwin.physiology.parameters import P
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states

ORDERED_ML_PER_MIN = 400.0


@pytest.fixture(scope="module")
def fast_bleed():
    """The issue's case: 400 mL/min from an artery, untreated, for 25 minutes."""
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(60)
    rest = twin.history().iloc[-30:].mean()
    twin.apply(f"haemorrhage {ORDERED_ML_PER_MIN:.0f} mL/min")
    lost = []
    for _ in range(25):
        twin.advance(60)
        lost.append(twin.blood_lost_mL)
    return rest, twin, np.array(lost)


def test_no_insult_makes_a_signal_non_finite(fast_bleed):
    _, twin, _ = fast_bleed
    missing = ["spo2", *DEVICE_SIGNALS]  # no pulse; no ventilator connected
    history = twin.history().drop(columns=missing).select_dtypes(float)
    assert np.isfinite(history.to_numpy()).all()
    assert np.isfinite(twin.snapshot().state).all()


def test_a_bleed_slows_as_the_pressure_driving_it_falls(fast_bleed):
    rest, twin, lost = fast_bleed
    first_minute, last_minute = lost[0], lost[-1] - lost[-2]
    assert first_minute == pytest.approx(ORDERED_ML_PER_MIN, rel=0.1)
    final_map = twin.vitals()["mean_arterial_pressure"]
    assert final_map < 0.3 * rest["mean_arterial_pressure"]
    # linear in pressure through a fixed wound resistance: at under 30 % of the
    # resting pressure the bleed runs at under 30 % of its ordered rate
    assert last_minute < 0.3 * ORDERED_ML_PER_MIN
    assert twin.vitals()["blood_volume"] > 0.4 * rest["blood_volume"]


def test_pulse_oximetry_shows_no_reading_without_a_pulse(fast_bleed):
    rest, twin, _ = fast_bleed
    assert np.isfinite(rest["spo2"])
    history = twin.history()
    no_reading = history["spo2"].isna()
    assert no_reading.any(), "the pulse never fell below the oximeter's threshold"
    # the reading goes only once the pressure is down (not while the pulse is strong)
    assert (history.loc[no_reading, "pulse_pressure"] < 0.3 * rest["pulse_pressure"]).all()


def test_an_emptied_artery_reads_no_pressure_below_zero(fast_bleed):
    """Arteries drained below their unstressed volume collapse (Holt 1941; Shapiro
    1977): an arterial line outside the chest reads about zero, never a suction."""
    rest, twin, _ = fast_bleed
    history = twin.history()
    pressures = history[["systolic_bp", "diastolic_bp", "mean_arterial_pressure"]]
    assert pressures.to_numpy().min() >= 0.0
    # the bleed did empty them: the last minutes are near zero, not merely low
    assert history["mean_arterial_pressure"].iloc[-60:].max() < 0.1 * rest["mean_arterial_pressure"]


def _apnoeic(fio2: float) -> Batch:
    """A resting adult breathing `fio2` for 4 min, then with breathing muscles stopped."""
    params, state, monitors = resting_states(
        parameters_for(load_patient("standard-male"), 0), STEP_S
    )
    batch = Batch(params, state, monitors, STEP_S)
    batch.params[0, P.FIO2] = fio2
    batch.advance(240.0)
    batch.params[0, P.RESPIRATORY_MUSCLE_STRENGTH] = 0.0
    return batch


def _paco2_after(batch: Batch, minutes: list[float]) -> list[float]:
    values, done = [], 0.0
    for at in minutes:
        batch.advance(60.0 * (at - done))
        done = at
        values.append(float(batch.monitors[0, M.paco2]))
    return values


def test_apnoea_after_preoxygenation_raises_paco2_at_the_published_rates():
    batch = _apnoeic(fio2=1.0)
    start = float(batch.monitors[0, M.paco2])
    one, five = _paco2_after(batch, [1.0, 5.0])
    assert 8.0 <= one - start <= 16.0, one - start  # Eger 1961, Stock 1988
    assert 3.0 <= (five - one) / 4.0 <= 6.0, (five - one) / 4.0


def test_hypoxic_apnoea_keeps_raising_paco2_with_buffered_lactic_acid():
    """Until the heart stops (about 6 minutes here; see test_arrest)."""
    batch = _apnoeic(fio2=0.21)
    start_lactate = float(batch.monitors[0, M.lactate])
    values = _paco2_after(batch, [1.0, 2.0, 4.0, 5.5])
    assert np.all(np.diff(values) > 0.0), values
    assert batch.monitors[0, M.lactate] > start_lactate + 2.0
    # the buffered CO2 speeds the rise once the tissues are hypoxic (Wasserman 1973)
    assert (values[3] - values[2]) / 1.5 > (values[1] - values[0])
    assert np.isfinite(batch.state).all()


def test_a_paralysed_patient_reads_no_respiratory_rate():
    """The issue's case: 100 s after rocuronium the monitor read 16/min from breaths of
    30-90 mL that moved no alveolar gas."""
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(30)
    assert twin.vitals()["respiratory_rate"] > 8.0
    twin.apply("rocuronium 0.6 mg/kg IV bolus")
    twin.advance(100)
    after = twin.history().iloc[-20:]
    dead_space = after["anatomic_dead_space"].iloc[-1]
    moved_air = after["tidal_volume"] > dead_space
    assert (after.loc[~moved_air, "respiratory_rate"] == 0.0).all()
    assert after["respiratory_rate"].iloc[-1] == 0.0


def test_severe_hypoxaemia_takes_consciousness_away():
    """Apnoea on room air: awake at first, unconscious once the blood leaving the brain
    is below about 24 % saturated (Schell RM, Cole DJ. Anesth Analg 2000;90:559,
    Table 1); the issue measured an index of 93 ("awake") after 20 minutes."""
    batch = _apnoeic(fio2=0.21)
    assert batch.monitors[0, M.consciousness_index] > 90.0
    batch.advance(600.0)
    assert batch.monitors[0, M.consciousness_index] < 40.0
