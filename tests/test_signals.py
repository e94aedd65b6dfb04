"""The signal vocabulary matches the shared reference table and the waveform list."""

import csv
import dataclasses
from pathlib import Path

import pytest

from medtwin import signals

REFERENCE = Path(__file__).resolve().parent / "data" / "reference" / "signals.csv"


MEDTWIN_ADDITIONS = [
    "consciousness_index",
    "train_of_four_ratio",
    "twitch_height",
    "interstitial_fluid_volume",
    "drug_plasma_concentration",
    "drug_effect_site_concentration",
    "rhythm",
    "fio2",
    "airway_pressure",
    "peak_inspiratory_pressure",
    "plateau_pressure",
    "total_peep",
    "exhaled_tidal_volume",
    "exhaled_minute_volume",
    "peak_expiratory_flow",
    "dynamic_compliance",
    "static_compliance",
    "pleural_pressure_left",
    "pleural_pressure_right",
    "peak_flow_percent_predicted",
    "chest_drain_output_left",
    "chest_drain_output_right",
    "ventilator_alarms",
]


def test_every_reference_signal_is_present_unchanged_then_the_additions():
    """The package's vocabulary is the shared table, row for row, then medtwin's own
    signals (drug effects and concentrations, body fluids) appended at the end."""
    assert REFERENCE.is_file(), f"the reference table belongs at {REFERENCE}"
    with REFERENCE.open(encoding="utf-8") as f:
        reference = list(csv.DictReader(f))
    names = [s.name for s in signals.SIGNALS]
    assert names == [row["name"] for row in reference] + MEDTWIN_ADDITIONS
    for row in reference:
        assert dataclasses.asdict(signals.signal(row["name"])) == row


def test_names_are_unique_and_units_given():
    names = [s.name for s in signals.SIGNALS]
    assert len(names) == len(set(names))
    assert all(s.unit and s.ucum for s in signals.SIGNALS)


def test_unit_of_reads_the_table():
    assert signals.unit_of("etco2") == "mmHg"
    assert signals.unit_of("core_temperature") == "degC"
    assert signals.unit_of("tidal_volume") == "mL"


def test_unknown_name_is_a_key_error_naming_close_matches():
    with pytest.raises(KeyError) as caught:
        signals.signal("heartrate")
    assert str(caught.value) == "unknown signal 'heartrate'; did you mean heart_rate?"


def test_table_is_immutable():
    assert isinstance(signals.SIGNALS, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        signals.SIGNALS[0].unit = "furlongs"


def test_waveform_channels():
    channels = {w.name: w.unit for w in signals.WAVEFORMS}
    assert channels == {
        "ecg_ii": "mV",
        "arterial_pressure": "mmHg",
        "central_venous_pressure": "mmHg",
        "pleth": "1",
        "co2": "mmHg",
        "airway_flow": "L/s",
        "airway_pressure": "cmH2O",
        "lung_volume": "mL",
        **dict.fromkeys(
            ("ecg_i", "ecg_iii", "ecg_avr", "ecg_avl", "ecg_avf", "ecg_v1", "ecg_v5"), "mV"
        ),
    }
    assert "inspiration" in signals.waveform("airway_flow").description
    with pytest.raises(KeyError, match="did you mean ecg_i"):
        signals.waveform("ecg")
