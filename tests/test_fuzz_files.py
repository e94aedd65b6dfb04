"""Fuzzing the patient loader and the actions-file loader with generated and mutated
files: a clear `PatientError` / `ActionError`, never another exception (issue 11)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtwin import PatientError, load_patient
from medtwin.actions import ActionError, load_actions_file
from medtwin.patients import patient_from_dict

GOOD_PATIENT = {
    "name": "x", "sex": "female", "age_years": 50, "height_cm": 160, "weight_kg": 60,
    "conditions": {"copd": 0.5}, "overrides": {"SHUNT": 0.05},
}  # fmt: skip
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@st.composite
def mutated_patients(draw) -> object:
    patient = dict(GOOD_PATIENT)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*GOOD_PATIENT, "extra"]))
        if draw(st.booleans()):
            patient[key] = draw(VALUES)
        else:
            patient.pop(key, None)
    return patient


FILES = st.one_of(
    st.text(max_size=200),
    mutated_patients().map(lambda data: yaml.safe_dump(data)),
    st.integers(1, 60).map(lambda depth: "[" * depth + "]" * depth),
)


def _check_patient_text(text: str, path) -> None:
    path.write_text(text, encoding="utf-8")
    try:
        load_patient(path)
    except PatientError as error:
        assert str(error).startswith(str(path))


def _check_actions_text(text: str, path) -> None:
    path.write_text(text, encoding="utf-8")
    try:
        load_actions_file(path)
    except ActionError as error:
        assert str(error).strip()


HEALTH = [HealthCheck.function_scoped_fixture]


def test_a_file_nested_three_thousand_deep_is_refused_by_name(tmp_path):
    """A 3,000-deep YAML list printed a 2,992-line traceback from `medtwin simulate`
    (issue 11); each loader now says what is wrong in one line."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    with pytest.raises(PatientError, match="nested too deeply to be a patient file"):
        load_patient(deep)
    with pytest.raises(ActionError, match="nested too deeply to be an actions file"):
        load_actions_file(deep)


@settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
@given(mutated_patients())
def test_any_mapping_is_a_patient_or_a_clear_refusal(data):
    try:
        patient_from_dict(data)
    except PatientError as error:
        assert error.problems and all(problem.strip() for problem in error.problems)


@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@given(FILES)
def test_any_file_is_a_patient_or_a_clear_refusal(tmp_path, text):
    _check_patient_text(text, tmp_path / "patient.yaml")


@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@given(st.one_of(FILES, st.lists(st.text(max_size=40), max_size=4).map(yaml.safe_dump)))
def test_any_file_is_timed_orders_or_a_clear_refusal(tmp_path, text):
    _check_actions_text(text, tmp_path / "orders.yaml")


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None, suppress_health_check=HEALTH)
@given(FILES)
def test_fuzz_the_patient_loader(tmp_path, text):
    _check_patient_text(text, tmp_path / "patient.yaml")


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None, suppress_health_check=HEALTH)
@given(st.one_of(FILES, st.lists(st.text(max_size=40), max_size=4).map(yaml.safe_dump)))
def test_fuzz_the_actions_file_loader(tmp_path, text):
    _check_actions_text(text, tmp_path / "orders.yaml")
