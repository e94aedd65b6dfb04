"""Tests for medtwin.patients: named patients, validation messages, anthropometry, cohorts."""

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtwin.patients import (
    Patient,
    PatientError,
    blood_volume_mL,
    body_surface_area_m2,
    functional_residual_capacity_L,
    generate_population,
    hematocrit_fraction,
    hemoglobin_g_per_dL,
    ideal_body_weight_kg,
    lean_body_mass_kg,
    load_patient,
    named_patients,
    patient_from_dict,
    resting_energy_kcal_per_day,
)
from medtwin.patients.model import ALLOWED_RANGES

LIBRARY = Path(__file__).parents[1] / "src" / "medtwin" / "patients" / "library"
VALID = {"name": "test", "sex": "male", "age_years": 44, "height_cm": 180, "weight_kg": 77}


def _patient(**changes: object) -> Patient:
    return patient_from_dict(VALID | changes)


# --- named patients and loading --------------------------------------------------------


def test_named_patients_are_the_library_files_sorted():
    assert named_patients() == ["standard-female", "standard-male"]


@pytest.mark.parametrize(
    ("name", "sex", "height_cm", "weight_kg"),
    [("standard-male", "male", 180, 77), ("standard-female", "female", 163, 59)],
)
def test_named_patient_loads_by_name_and_by_path(name, sex, height_cm, weight_kg):
    by_name = load_patient(name)
    assert (by_name.name, by_name.sex, by_name.age_years) == (name, sex, 44)
    assert (by_name.height_cm, by_name.weight_kg) == (height_cm, weight_kg)
    assert by_name.overrides == {}
    assert "Pulse Physiology Engine" in by_name.source
    path = LIBRARY / f"{name}.yaml"
    assert load_patient(path) == by_name
    assert load_patient(str(path)) == by_name


def test_load_patient_passes_a_patient_through():
    patient = _patient()
    assert load_patient(patient) is patient


def test_patient_file_with_overrides_loads(tmp_path):
    path = tmp_path / "athlete.yaml"
    path.write_text(
        "name: athlete\nsex: female\nage_years: 25\nheight_cm: 170\nweight_kg: 60\n"
        "overrides:\n  heart_rate_baseline: 50\n"
    )
    assert load_patient(path).overrides == {"heart_rate_baseline": 50.0}


def test_unknown_name_lists_the_named_patients():
    with pytest.raises(PatientError) as caught:
        load_patient("standard-martian")
    message = str(caught.value)
    assert "'standard-martian'" in message
    assert "standard-female, standard-male" in message


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nobody.yaml"
    with pytest.raises(PatientError, match=r"nobody\.yaml: cannot read the file"):
        load_patient(path)


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nsex: [male\n")
    with pytest.raises(PatientError) as caught:
        load_patient(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid YAML")
    assert "line" in message
    assert "\n" not in message


@pytest.mark.parametrize(("text", "kind"), [("", "NoneType"), ("- a\n- b\n", "list")])
def test_yaml_that_is_not_a_mapping_is_refused(tmp_path, text, kind):
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    with pytest.raises(PatientError, match=f"odd.yaml: a patient must be a mapping.*{kind}"):
        load_patient(path)


# --- validation messages -----------------------------------------------------------------

INVALID = [
    ("age_years", 150, ["age_years = 150", "outside the allowed range 18–100 years"]),
    ("weight_kg", -3, ["weight_kg = -3", "outside the allowed range 30–300 kg"]),
    ("height_cm", 300, ["height_cm = 300", "outside the allowed range 120–230 cm"]),
    ("sex", "x", ["sex = 'x'", "is not one of: male, female"]),
    ("age_years", "old", ["age_years = 'old'", "is not a number"]),
    ("age_years", math.nan, ["age_years = nan", "is not a finite number"]),
]


@pytest.mark.parametrize(("field", "value", "fragments"), INVALID)
def test_invalid_field_is_refused_with_field_value_and_allowed(field, value, fragments):
    with pytest.raises(PatientError) as caught:
        _patient(**{field: value})
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(("field", "value", "fragments"), INVALID[:4])
def test_invalid_patient_file_is_refused_naming_the_file(tmp_path, field, value, fragments):
    path = tmp_path / "bad.yaml"
    lines = [f"{key}: {value if key == field else VALID[key]}" for key in VALID]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PatientError) as caught:
        load_patient(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {fragments[0]}")
    assert fragments[1] in message


def test_unknown_key_is_refused_listing_the_known_ones():
    with pytest.raises(PatientError) as caught:
        _patient(blood_type="O-")
    message = str(caught.value)
    assert "unknown key blood_type = 'O-'" in message
    assert "name, sex, age_years, height_cm, weight_kg, overrides, conditions, source" in message


def test_missing_field_says_what_is_allowed():
    with pytest.raises(PatientError, match=r"^age_years is missing \(allowed: 18–100 years\)$"):
        patient_from_dict({key: v for key, v in VALID.items() if key != "age_years"})


def test_non_finite_override_is_refused():
    with pytest.raises(PatientError, match=r"overrides.heart_rate_baseline = inf is not a finite"):
        _patient(overrides={"heart_rate_baseline": math.inf})


def test_several_problems_are_listed_one_per_line():
    with pytest.raises(PatientError) as caught:
        _patient(age_years=150, sex="x")
    assert caught.value.problems == (
        "sex = 'x' is not one of: male, female",
        "age_years = 150 is outside the allowed range 18–100 years",
    )
    assert str(caught.value) == "\n".join(caught.value.problems)


def test_patient_error_is_a_value_error_without_pydantic_text():
    with pytest.raises(ValueError) as caught:
        _patient(height_cm=300)
    assert "pydantic" not in str(caught.value)


def test_patient_is_frozen_and_derives_bmi():
    patient = _patient()
    assert patient.bmi == pytest.approx(77 / 1.8**2)
    with pytest.raises(ValueError, match="frozen"):
        patient.age_years = 50


# --- anthropometry: worked examples from the published equations -------------------------


def test_blood_volume_standard_male():
    """Nadler, Hidalgo & Bloch, Surgery 1962;51:224–232, men: 0.3669·H³ + 0.03219·W + 0.6041."""
    expected_L = 0.3669 * 1.8**3 + 0.03219 * 77 + 0.6041  # = 5.2225 L
    assert blood_volume_mL(load_patient("standard-male")) == pytest.approx(1000 * expected_L)


def test_blood_volume_standard_female():
    """Nadler 1962, women: 0.3561·H³ + 0.03308·W + 0.1833 (H = 1.63 m, W = 59 kg)."""
    expected_L = 0.3561 * 1.63**3 + 0.03308 * 59 + 0.1833  # = 3.6772 L
    assert blood_volume_mL(load_patient("standard-female")) == pytest.approx(1000 * expected_L)


def test_body_surface_area_standard_male():
    """Du Bois & Du Bois 1916: 0.007184·77^0.425·180^0.725 = 1.964 m²."""
    assert body_surface_area_m2(load_patient("standard-male")) == pytest.approx(1.9643, abs=1e-4)


def test_ideal_body_weight_standard_patients():
    """Devine 1974: 50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 60 in."""
    assert ideal_body_weight_kg(load_patient("standard-male")) == pytest.approx(
        50 + 2.3 * (180 / 2.54 - 60)  # = 74.99 kg
    )
    assert ideal_body_weight_kg(load_patient("standard-female")) == pytest.approx(
        45.5 + 2.3 * (163 / 2.54 - 60)  # = 55.10 kg
    )


def test_ideal_body_weight_below_five_feet_is_not_clamped():
    """Devine 1974 followed below 5 ft: a 140 cm woman is 45.5 − 2.3·4.88 = 34.3 kg."""
    short = _patient(sex="female", height_cm=140, weight_kg=40)
    assert ideal_body_weight_kg(short) == pytest.approx(45.5 + 2.3 * (140 / 2.54 - 60))
    assert ideal_body_weight_kg(short) < 45.5


def test_ideal_body_weight_that_would_not_be_positive_is_refused():
    """Devine's line reaches 0 kg at (60 − 50/2.3)·2.54 = 97.2 cm for men."""
    tiny = Patient.model_construct(
        name="tiny", sex="male", age_years=40, height_cm=90, weight_kg=30, overrides={}
    )
    with pytest.raises(PatientError, match=r"height_cm = 90 .*taller than 97.2 cm"):
        ideal_body_weight_kg(tiny)


def test_lean_body_mass_standard_patients():
    """James 1976: men 1.1·W − 128·(W/H)², women 1.07·W − 148·(W/H)², H in cm."""
    assert lean_body_mass_kg(load_patient("standard-male")) == pytest.approx(
        1.1 * 77 - 128 * (77 / 180) ** 2  # = 61.28 kg
    )
    assert lean_body_mass_kg(load_patient("standard-female")) == pytest.approx(
        1.07 * 59 - 148 * (59 / 163) ** 2  # = 43.74 kg
    )


@pytest.mark.parametrize(("sex", "bmi_limit"), [("male", "43.0"), ("female", "36.1")])
def test_lean_body_mass_refused_past_the_james_peak(sex, bmi_limit):
    """James 1976 LBM peaks at BMI 10⁴·a/(2b): 42.97 (men), 36.15 kg/m² (women)."""
    heavy = _patient(sex=sex, height_cm=170, weight_kg=140)  # BMI 48.4
    with pytest.raises(PatientError, match=rf"bmi = 48.4 kg/m² is above {bmi_limit} kg/m²"):
        lean_body_mass_kg(heavy)


def test_resting_energy_standard_patients():
    """Mifflin, St Jeor et al. 1990: 10·W + 6.25·H − 5·A + 5 (men), − 161 (women)."""
    assert resting_energy_kcal_per_day(load_patient("standard-male")) == pytest.approx(
        10 * 77 + 6.25 * 180 - 5 * 44 + 5  # = 1680 kcal/day
    )
    assert resting_energy_kcal_per_day(load_patient("standard-female")) == pytest.approx(
        10 * 59 + 6.25 * 163 - 5 * 44 - 161  # = 1227.75 kcal/day
    )


def test_functional_residual_capacity_standard_patients():
    """Quanjer et al., Eur Respir J 1993;6 Suppl 16:5–40 (ECSC): FRC in L, H in m."""
    assert functional_residual_capacity_L(load_patient("standard-male")) == pytest.approx(
        2.34 * 1.8 + 0.009 * 44 - 1.09  # = 3.518 L
    )
    assert functional_residual_capacity_L(load_patient("standard-female")) == pytest.approx(
        2.24 * 1.63 + 0.001 * 44 - 1.00  # = 2.695 L
    )


def test_hemoglobin_and_hematocrit_by_sex():
    """Guyton & Hall 2006 ch. 32: Hb 15 (men) and 14 g/dL (women); Hct = Hb / MCHC 34 g/dL."""
    male, female = load_patient("standard-male"), load_patient("standard-female")
    assert hemoglobin_g_per_dL(male) == 15.0
    assert hemoglobin_g_per_dL(female) == 14.0
    assert hematocrit_fraction(male) == pytest.approx(15 / 34)
    assert hematocrit_fraction(female) == pytest.approx(14 / 34)
    # Reference table (guyton2006medical p169): haematocrit 0.40–0.50 for men.
    assert 0.40 <= hematocrit_fraction(male) <= 0.50


def _in_range(field: str) -> st.SearchStrategy[float]:
    low, high, _ = ALLOWED_RANGES[field]
    return st.floats(low, high)


@given(
    sex=st.sampled_from(["male", "female"]),
    age_years=_in_range("age_years"),
    height_cm=_in_range("height_cm"),
    weight_kg=_in_range("weight_kg"),
)
def test_any_valid_demographics_give_positive_body_size(sex, age_years, height_cm, weight_kg):
    patient = _patient(sex=sex, age_years=age_years, height_cm=height_cm, weight_kg=weight_kg)
    assert ideal_body_weight_kg(patient) > 0
    assert blood_volume_mL(patient) > 0
    assert body_surface_area_m2(patient) > 0
    assert resting_energy_kcal_per_day(patient) > 0
    assert functional_residual_capacity_L(patient) > 0
    try:
        lean_kg = lean_body_mass_kg(patient)
    except PatientError:
        assert patient.bmi > (42.9 if sex == "male" else 36.1)
    else:
        assert 0.5 * weight_kg < lean_kg <= 1.1 * weight_kg


@given(field=st.sampled_from(sorted(ALLOWED_RANGES)), excess=st.floats(1e-6, 1e6))
def test_any_out_of_range_value_is_refused_naming_it(field, excess):
    low, high, unit = ALLOWED_RANGES[field]
    for value in (low - excess, high + excess):
        with pytest.raises(PatientError, match=f"^{field} = .* {low:g}–{high:g} {unit}$"):
            _patient(**{field: value})


# --- population ---------------------------------------------------------------------------


def test_population_is_deterministic_per_seed():
    assert generate_population(50, seed=7) == generate_population(50, seed=7)
    assert generate_population(50, seed=7) != generate_population(50, seed=8)


def test_population_stays_within_its_ranges():
    patients = generate_population(2000, seed=3, age_range=(30, 60), bmi_range=(20, 30))
    assert [p.name for p in patients[:2]] == ["generated-0001", "generated-0002"]
    assert len({p.name for p in patients}) == 2000
    for p in patients:
        assert 30 <= p.age_years <= 60
        assert 20 <= p.bmi <= 30 + 1e-9
        assert 145 <= p.height_cm <= 205


def test_population_is_about_half_each_sex_with_taller_men():
    patients = generate_population(4000, seed=11)
    men = [p.height_cm for p in patients if p.sex == "male"]
    women = [p.height_cm for p in patients if p.sex == "female"]
    assert 0.45 < len(men) / len(patients) < 0.55
    assert sum(men) / len(men) == pytest.approx(175.7, abs=1.0)
    assert sum(women) / len(women) == pytest.approx(161.8, abs=1.0)


@pytest.mark.parametrize("n", [0, -5, 2.5, True, "10"])
def test_population_size_must_be_a_positive_whole_number(n):
    with pytest.raises(PatientError, match=rf"^n = {n!r} must be a whole number"):
        generate_population(n)


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("age_range", (10, 50)), ("age_range", (60, 40)), ("bmi_range", (10, 40)), ("bmi_range", 3)],
)
def test_population_ranges_are_checked(keyword, value):
    with pytest.raises(PatientError, match=rf"^{keyword} = .* must be \(low, high\)"):
        generate_population(5, **{keyword: value})


def test_improbable_bmi_range_is_refused_instead_of_looping():
    with pytest.raises(PatientError, match="too unlikely to sample"):
        generate_population(1, bmi_range=(70, 71))
