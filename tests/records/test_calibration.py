"""Calibration to a record, and the twin file wherever a patient is asked for."""

import json

import pytest

from medtwin import Twin, load_patient
from medtwin.assimilation.twin_file import read_twin_file, write_twin_file
from medtwin.patients import PatientError


def test_fit_matches_every_observed_signal_within_measurement_noise(martina_twin_document):
    rows = martina_twin_document["fit"]["signals"]
    assert {r["signal"] for r in rows} >= {"systolic_bp", "diastolic_bp", "mean_arterial_pressure"}
    for row in rows:
        # noise SDs: ISO 81060-2 (8 mmHg for cuff pressures), ISO 80601-2-56 (0.3 degC)
        assert abs(row["residual"]) <= row["noise_sd"], row
        assert row["resources"] and row["times"]  # provenance: which resources, when


def test_twin_file_is_a_patient_for_load_patient_and_twin(tmp_path, martina_twin_document):
    path = tmp_path / "twin.json"
    write_twin_file(path, martina_twin_document)
    patient = load_patient(str(path))
    assert patient.conditions == {"copd": 0.5, "heart_failure": 0.5}
    assert "P_N" in patient.overrides
    twin = Twin(str(path), waveform_seconds=0.0)
    twin.advance(120.0)
    history = twin.history()
    fitted = {r["signal"]: r for r in martina_twin_document["fit"]["signals"]}
    map_row = fitted["mean_arterial_pressure"]
    # a fresh twin from the file settles where the fit left it (within noise of the record)
    assert (
        abs(history["mean_arterial_pressure"].mean() - map_row["observed"]) <= map_row["noise_sd"]
    )
    assert read_twin_file(path).fit["parameters"] == martina_twin_document["fit"]["parameters"]


def test_a_broken_twin_file_is_a_patient_error_naming_the_file(tmp_path):
    path = tmp_path / "twin.json"
    path.write_text(
        json.dumps(
            {
                "patient": {
                    "name": "x",
                    "sex": "male",
                    "age_years": 12,
                    "height_cm": 170,
                    "weight_kg": 70,
                }
            }
        )
    )
    with pytest.raises(PatientError, match=r"twin.json: patient: age_years"):
        load_patient(str(path))
    path.write_text("{not json")
    with pytest.raises(PatientError, match="not valid JSON"):
        load_patient(str(path))
