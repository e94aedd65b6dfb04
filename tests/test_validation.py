"""Grading against the published targets (rule of shared/reference/README.md)."""

import csv
import math
from importlib.resources import files

import pytest

from medtwin import validation
from medtwin.signals import unit_of
from medtwin.validation import (
    Target,
    ValidationResult,
    ValidationRow,
    grade,
    target_key,
    targets_for,
    validate,
    write_report_html,
)


def make_target(reference=None, low=None, high=None):
    return Target(
        key="x",
        signal="x",
        statistic="mean",
        quantity="X",
        unit="mmHg",
        reference_value=reference,
        range_min=low,
        range_max=high,
        source="test",
        page="",
        note="",
        system="test",
        required_by="engine",
    )


def read_package_csv(name):
    text = files("medtwin").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


# --- the grading rule -------------------------------------------------------------------


@pytest.mark.parametrize("value", [60.0, 80.0, 100.0])
def test_inside_range_or_on_a_bound_is_zero_error(value):
    g = grade(make_target(low=60.0, high=100.0), value)
    assert (g.error_percent, g.verdict, g.passed) == (0.0, "good", True)


@pytest.mark.parametrize(
    ("value", "error", "verdict"),
    [
        (91.0, 9.0, "good"),  # 9 % below the lower bound
        (90.0, 10.0, "fair"),  # 10 % is no longer under 10 %
        (70.0, 30.0, "fair"),  # 30 % is still fair
        (69.0, 31.0, "poor"),
        (220.0, 10.0, "fair"),  # above the upper bound: percent of that bound
        (210.0, 5.0, "good"),
    ],
)
def test_outside_range_is_distance_to_nearest_bound_as_percent_of_it(value, error, verdict):
    g = grade(make_target(low=100.0, high=200.0), value)
    assert g.error_percent == pytest.approx(error)
    assert g.verdict == verdict
    assert g.passed is (verdict == "good")


@pytest.mark.parametrize(
    ("reference", "value", "error", "verdict"),
    [
        (5.6, 5.6, 0.0, "good"),
        (50.0, 45.0, 10.0, "fair"),  # 10 % off is no longer under 10 %
        (5.6, 5.1, 100 * 0.5 / 5.6, "good"),
        (250.0, 320.0, 28.0, "fair"),
        (250.0, 400.0, 60.0, "poor"),
        (-5.0, -6.0, 20.0, "fair"),  # negative references use the magnitude
    ],
)
def test_point_value_is_percent_error(reference, value, error, verdict):
    g = grade(make_target(reference=reference), value)
    assert g.error_percent == pytest.approx(error)
    assert g.verdict == verdict


def test_range_decides_when_both_range_and_point_are_given():
    g = grade(make_target(reference=97.0, low=96.0, high=100.0), 100.0)
    assert g.error_percent == 0.0


def test_non_finite_value_is_poor_with_a_note():
    g = grade(make_target(reference=1.0), math.nan)
    assert g.verdict == "poor" and not g.passed and math.isnan(g.error_percent)
    assert "finite" in g.note


def test_target_key():
    assert target_key("heart_rate") == "heart_rate"
    assert target_key("heart_rate", "mean") == "heart_rate"
    assert target_key("intrapleural_pressure", "max") == "intrapleural_pressure:max"


def test_result_frame_keeps_value_grade_and_source():
    target = make_target(low=60.0, high=100.0)
    result = ValidationResult((ValidationRow(target, 50.0, grade(target, 50.0)),))
    frame = result.to_frame()
    row = frame.iloc[0]
    assert (row["model_value"], row["verdict"], row["source"]) == (50.0, "fair", "test")
    assert row["error_percent"] == pytest.approx(100 / 6)
    assert not result.all_good


# --- the data files ---------------------------------------------------------------------


def test_female_overrides_replace_existing_rows_and_cite_sources():
    targets = read_package_csv("physiology_targets.csv")
    female = read_package_csv("female_targets.csv")
    assert list(female[0]) == list(targets[0])  # same columns
    keys = {(row["signal"], row["statistic"]) for row in targets}
    assert {(row["signal"], row["statistic"]) for row in female} <= keys
    assert {row["signal"] for row in female} == {"hemoglobin", "hematocrit"}
    for row in female:
        assert row["source"] and "female" in row["note"]
    ranges = {row["signal"]: (float(row["range_min"]), float(row["range_max"])) for row in female}
    assert ranges == {"hemoglobin": (12.1, 15.1), "hematocrit": (0.361, 0.443)}


def test_per_kg_units_convert_to_the_signal_vocabulary_units():
    for row in read_package_csv("physiology_targets.csv"):
        if row["unit"].endswith("/kg ideal body weight"):
            assert row["unit"].removesuffix("/kg ideal body weight") == unit_of(row["signal"])


def test_package_copy_keeps_every_column():
    rows = read_package_csv("physiology_targets.csv")
    assert list(rows[0]) == [
        "system", "quantity", "signal", "unit", "statistic", "reference_value",
        "range_min", "range_max", "source", "page", "required_by", "note",
    ]  # fmt: skip


# --- patient-specific targets ------------------------------------


@pytest.fixture
def make_patient():
    from medtwin.patients import Patient

    def make(**fields):
        standard = {"sex": "male", "age_years": 44, "height_cm": 180, "weight_kg": 77}
        return Patient(name=fields.pop("name", "test patient"), **(standard | fields))

    return make


def by_key(targets):
    return {t.key: t for t in targets}


def test_standard_male_gets_the_published_values(make_patient):
    targets = by_key(targets_for(make_patient()))
    assert targets["cardiac_output"].reference_value == pytest.approx(5.6)
    assert targets["blood_volume"].reference_value == pytest.approx(5510)
    assert targets["plasma_volume"].reference_value == pytest.approx(3079)
    assert targets["oxygen_consumption"].reference_value == pytest.approx(250)
    assert targets["hemoglobin"].range_min == 13.8
    assert {"intrapleural_pressure:max", "intrapleural_pressure:min"} <= targets.keys()
    assert {"transpulmonary_pressure:max", "transpulmonary_pressure:min"} <= targets.keys()
    assert all(t.required_by == "engine" for t in targets.values())


def test_per_kg_ideal_body_weight_targets_become_absolute(make_patient):
    from medtwin.patients import anthropometry

    patient = make_patient(height_cm=160, weight_kg=90)
    ibw = anthropometry.ideal_body_weight_kg(patient)
    tidal = by_key(targets_for(patient))["tidal_volume"]
    assert tidal.unit == "mL"
    assert tidal.reference_value == pytest.approx(7 * ibw)
    assert "ideal body weight" in tidal.note
    result = validate(patient, {"tidal_volume": 7 * ibw})
    graded = {row.target.key: row for row in result.rows}
    assert graded["tidal_volume"].grade.verdict == "good"
    assert graded["tidal_volume"].grade.error_percent == pytest.approx(0.0)


def test_standard_male_rows_scale_for_a_smaller_woman(make_patient):
    male = by_key(targets_for(make_patient()))
    female = by_key(targets_for(make_patient(sex="female", height_cm=160, weight_kg=55)))
    for row in read_package_csv("physiology_targets.csv"):
        if "standard male" in row["note"] and "/kg" not in row["unit"]:
            key = target_key(row["signal"], row["statistic"])
            assert male[key].reference_value == float(row["reference_value"])
            assert female[key].reference_value < male[key].reference_value, key
            assert "× 0." in female[key].note  # the note shows the scale factor
    assert female["metabolic_rate"].range_max < male["metabolic_rate"].range_max
    assert (female["hemoglobin"].range_min, female["hemoglobin"].range_max) == (12.1, 15.1)
    assert female["hemoglobin"].source != male["hemoglobin"].source


def test_missing_model_values_are_poor_not_dropped(make_patient):
    patient = make_patient()
    result = validate(patient, {"heart_rate": 70.0, "intrapleural_pressure:max": -5.0})
    assert len(result.rows) == len(targets_for(patient))
    graded = {row.target.key: row for row in result.rows}
    assert graded["heart_rate"].grade.passed
    assert graded["intrapleural_pressure:max"].grade.passed
    missing = graded["intrapleural_pressure:min"]
    assert math.isnan(missing.value) and missing.grade.verdict == "poor"
    assert "no model value" in missing.grade.note
    assert not result.all_good
    with pytest.raises(TypeError, match="heart_rate"):
        validate(patient, {"heart_rate": "fast"})


def test_required_by_filters_and_is_checked(make_patient):
    patient = make_patient()
    later = targets_for(patient, required_by=("later",))
    assert later and all(t.required_by == "later" for t in later)
    with pytest.raises(ValueError, match="required_by"):
        targets_for(patient, required_by=("someday",))


def test_html_report_lists_every_row(make_patient, tmp_path):
    patient = make_patient(name="Ann <test>", sex="female", height_cm=165, weight_kg=60)
    result = validate(patient, {"heart_rate": 72.0, "systolic_bp": 90.0})
    path = write_report_html(result, tmp_path / "report.html", patient)
    page = path.read_text(encoding="utf-8")
    for row in result.rows:
        assert f"<code>{row.target.key}</code>" in page
    assert page.count('class="verdict good"') == 1
    assert page.count('class="verdict fair"') == 1
    assert page.count('class="verdict poor"') == len(result.rows) - 2
    assert "MedlinePlusHemoglobin" in page and "Leeuwen2015laboratory, p93" in page
    assert "Ann &lt;test&gt;" in page
    assert "http" not in page and "<script" not in page  # self-contained


def test_scaling_rules_cover_every_standard_male_row():
    for row in read_package_csv("physiology_targets.csv"):
        if "standard male" in row["note"] and "/kg" not in row["unit"]:
            assert row["signal"] in validation._STANDARD_MALE_SCALING, row["signal"]
