"""Chronic conditions set before a run: each reproduces its published resting picture."""

from __future__ import annotations

import pytest

from medtwin import PatientError, Twin, load_patient
from medtwin.patients import Patient
from medtwin.patients.conditions import CONDITIONS


def resting(conditions: dict[str, float]) -> dict[str, float]:
    base = load_patient("standard-male").model_dump()
    twin = Twin(Patient(**{**base, "conditions": conditions}), waveform_seconds=0.0)
    twin.advance(600.0)
    return twin.vitals()


def test_hypertension_grades_follow_severity():
    """ESC/ESH 2018 (Williams et al., Eur Heart J 2018;39:3021, Table 3): grade 1 is
    140-159/90-99 mmHg, grade 2 160-179/100-109; essential hypertension keeps a normal
    heart rate and cardiac output, its resistance raised (Guyton & Hall 2006, ch. 19)."""
    grade_1 = resting({"hypertension": 0.5})
    assert 140 <= grade_1["systolic_bp"] < 160 and 90 <= grade_1["diastolic_bp"] < 100
    grade_2 = resting({"hypertension": 1.0})
    assert grade_2["systolic_bp"] >= 150 and grade_2["diastolic_bp"] >= 100
    assert 60 <= grade_2["heart_rate"] <= 100 and 4.0 <= grade_2["cardiac_output"] <= 8.0


def test_severe_heart_failure_has_a_reduced_ejection_fraction():
    """HFrEF: LVEF <= 40 % (McDonagh et al., 2021 ESC HF guidelines)."""
    failing = resting({"heart_failure": 1.0})
    assert 0.2 <= failing["ejection_fraction"] <= 0.40
    assert failing["cardiac_output"] < resting({})["cardiac_output"]


def test_severe_anaemia_is_below_8_g_per_dL():
    """WHO 2011 (WHO/NMH/NHD/MNM/11.1): severe anaemia is haemoglobin < 8 g/dL."""
    assert resting({"anaemia": 1.0})["hemoglobin"] < 8.0


def test_severe_copd_is_hypoxaemic_at_rest_with_raised_resistance():
    """Severe COPD (GOLD 3-4): resting PaO2 about 60-75 mmHg, PaCO2 still normal in
    many (West, Pulmonary Pathophysiology 2013, ch. 4)."""
    copd, healthy = resting({"copd": 1.0}), resting({})
    assert 60 <= copd["pao2"] <= 75 and 35 <= copd["paco2"] <= 45
    assert copd["inspiratory_resistance"] > 3 * healthy["inspiratory_resistance"]


def test_unknown_conditions_and_severities_are_refused_by_name():
    base = load_patient("standard-male").model_dump()
    with pytest.raises(PatientError, match="unknown condition 'gout'; known: anaemia"):
        Patient(**{**base, "conditions": {"gout": 0.5}})
    with pytest.raises(PatientError, match=r"severity 1\.5: must be more than 0 and at most 1"):
        Patient(**{**base, "conditions": {"copd": 1.5}})


def test_a_run_cites_its_conditions():
    patient = Patient(**{**load_patient("standard-male").model_dump(),
                         "conditions": {"copd": 0.5}})  # fmt: skip
    cited = Twin(patient, waveform_seconds=0.0).citations()
    assert set(CONDITIONS["copd"].sources) <= set(cited)
