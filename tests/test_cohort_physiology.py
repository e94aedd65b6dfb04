"""Cohorts that look like people: age, sex and individual differences at rest.

Sources (see src/medtwin/data/population_references.csv and bibliography.yaml):
blood pressure by age and sex, WHO MONICA Project Survey Data Book 2000 (Catalonia,
25-64 y) and Mindell & Herrick 2007 (LIDNS, 65 y and over); PaO2 falls 0.39 mmHg/year
from 40 to 74 y, Cerveri I et al. Am J Respir Crit Care Med 1995;152:934; spontaneous
baroreflex sensitivity by age, Kardos A et al. 2001; core temperature SD 0.4 degC,
Mackowiak PA et al. JAMA 1992;268:1578; lactate 0.6-1.7 mmol/L, Kratz A et al. N Engl J
Med 2004;351:1548; urine 800-2000 mL/day, MedlinePlus.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from typer.testing import CliRunner

import medtwin
from medtwin.cli import app
from medtwin.patients import Patient, PatientError, load_patient
from medtwin.patients.ageing import pao2_change_mmHg
from medtwin.patients.population_references import references_for
from medtwin.patients.variation import IndividualVariation
from medtwin.physiology.parameters import REFERENCE, P
from medtwin.physiology.scaling import parameters_for
from medtwin.population_validation import (
    cardiovagal_gain_ms_per_mmHg,
    grade_cohort,
    resting_cohort,
)

AGES = (25.0, 35.0, 45.0, 55.0, 65.0, 75.0)
CERVERI_SLOPE_MMHG_PER_YEAR = -0.39


def _people() -> list[Patient]:
    """One man and one woman of average build per age: only age and sex differ."""
    return [
        Patient(name=f"{sex}-{age:g}", sex=sex, age_years=age, height_cm=height, weight_kg=weight)
        for sex, height, weight in (("male", 176.0, 78.0), ("female", 162.0, 66.0))
        for age in AGES
    ]


@pytest.fixture(scope="module")
def by_age() -> tuple[list[Patient], dict[str, np.ndarray]]:
    people = _people()
    return people, resting_cohort(people)


def _series(by_age, sex: str, signal: str) -> np.ndarray:
    people, values = by_age
    return np.array([v for p, v in zip(people, values[signal], strict=True) if p.sex == sex])


def test_standard_patients_are_the_reference_age():
    """The age and sex curves are counted from 44 y: the standard patients' values hold."""
    for name in ("standard-male", "standard-female"):
        assert load_patient(name).age_years == 44
        assert load_patient(name).variation == IndividualVariation()


@pytest.mark.parametrize("sex", ["male", "female"])
def test_systolic_pressure_rises_with_age(by_age, sex):
    """SBP rises in every decade (MONICA 2000; LIDNS 2007), by about the survey's rise."""
    systolic = _series(by_age, sex, "systolic_bp")
    assert np.all(np.diff(systolic) > 0), systolic
    survey = references_for("systolic_bp", "mean", sex)
    published_rise = survey[-1].reference_value - survey[0].reference_value
    model_rise = systolic[-1] - systolic[0]  # 25 y -> 75 y, the bands' middles
    assert model_rise == pytest.approx(published_rise, rel=0.15)


@pytest.mark.parametrize("sex", ["male", "female"])
def test_diastolic_pressure_rises_then_falls(by_age, sex):
    """DBP peaks in the fifties and falls after (MONICA 2000; LIDNS 2007; Franklin 1997)."""
    diastolic = _series(by_age, sex, "diastolic_bp")
    peak = AGES[int(np.argmax(diastolic))]
    assert 45 <= peak <= 65, diastolic
    assert diastolic[-1] < diastolic.max() - 3


def test_women_lower_when_young_and_rise_faster(by_age):
    """Women's SBP is below men's at 25 y and rises more by 75 y (MONICA 2000; LIDNS 2007)."""
    men, women = _series(by_age, "male", "systolic_bp"), _series(by_age, "female", "systolic_bp")
    assert women[0] < men[0] - 3
    assert women[-1] - women[0] > men[-1] - men[0] + 5


def test_pao2_falls_at_the_published_slope(by_age):
    """PaO2 falls 0.39 mmHg/year between 40 and 74 y (Cerveri 1995), within 10 %."""
    for sex in ("male", "female"):
        pao2 = _series(by_age, sex, "pao2")
        within = [i for i, age in enumerate(AGES) if 40 <= age <= 74]
        slope = np.polyfit(np.array(AGES)[within], pao2[within], 1)[0]
        assert slope == pytest.approx(CERVERI_SLOPE_MMHG_PER_YEAR, rel=0.10)
    assert pao2_change_mmHg(90.0) == pao2_change_mmHg(75.0)  # no further fall after 74 y


def test_baroreflex_gain_falls_with_age(by_age):
    """Cardiovagal gain falls with age as spontaneous BRS does (Kardos 2001), within 10 %."""
    gain = _series(by_age, "male", "baroreflex_sensitivity")
    assert np.all(np.diff(gain[:4]) < 0)
    published = references_for("baroreflex_sensitivity", "mean")
    # 25 y and 45 y against the bands 19-29 and 40-49
    assert gain[0] / gain[2] == pytest.approx(
        published[0].reference_value / published[2].reference_value, rel=0.10
    )


@pytest.fixture(scope="module")
def large_cohort() -> list[Patient]:
    return medtwin.generate_population(4000, seed=9)


@pytest.mark.parametrize(
    ("signal", "field", "published_cv"),
    [
        ("core_temperature", "core_temperature_offset_degC", None),
        ("lactate", "resting_lactate_factor", 0.28 / 1.0),
        ("urine_output", "urine_output_factor", 12.8 / 62.5),
    ],
)
def test_individual_spreads_are_as_published(large_cohort, signal, field, published_cv):
    """Between-individual spreads of 4000 generated patients, within 5 % of the published
    SD: core temperature 0.4 degC (Mackowiak 1992); lactate, the SD of the 0.6-1.7 mmol/L
    reference interval (Kratz 2004); urine, of 800-2000 mL/day (MedlinePlus)."""
    factors = np.array([getattr(p.variation, field) for p in large_cohort])
    if published_cv is None:
        assert factors.std() == pytest.approx(0.4, rel=0.05)
        assert abs(factors.mean()) < 0.02
    else:
        assert factors.std() == pytest.approx(published_cv, rel=0.05)
        assert factors.mean() == pytest.approx(1.0, abs=0.02)


def test_baroreflex_spread_is_kardos(large_cohort):
    """Within an age band the gain's coefficient of variation is Kardos 2001's, about 0.5."""
    factors = np.array([p.variation.baroreflex_gain_factor for p in large_cohort])
    assert factors.std() / factors.mean() == pytest.approx(0.50, rel=0.06)


def test_factors_reach_the_engine():
    """Each factor moves its parameter; the default moves none."""
    base = Patient(name="a", sex="female", age_years=44, height_cm=163, weight_kg=59)
    varied = base.model_copy(update={"variation": IndividualVariation(
        core_temperature_offset_degC=0.3, resting_lactate_factor=1.5,
        urine_output_factor=0.8, baroreflex_gain_factor=2.0)})  # fmt: skip
    before, after = parameters_for(base), parameters_for(varied)
    assert after[P.T_CORE_SET] == pytest.approx(before[P.T_CORE_SET] + 0.3)
    assert after[P.LACTATE_REST] == pytest.approx(1.5 * before[P.LACTATE_REST])
    assert after[P.URINE_FLOW_REST] == pytest.approx(0.8 * before[P.URINE_FLOW_REST])
    assert cardiovagal_gain_ms_per_mmHg(after) == pytest.approx(
        2.0 * cardiovagal_gain_ms_per_mmHg(before)
    )
    assert after[P.T_REST] == before[P.T_REST]  # resting heart rate unchanged
    assert before[P.T_CORE_SET] == REFERENCE["T_CORE_SET"].value


def test_same_seed_same_cohort():
    first, again = medtwin.generate_population(30, seed=4), medtwin.generate_population(30, seed=4)
    assert first == again
    assert medtwin.generate_population(30, seed=5) != first


def test_bad_factor_is_refused_naming_field_and_range():
    with pytest.raises(PatientError, match=r"variation.urine_output_factor = 9.0 .*0.2 to 5"):
        Patient(name="a", sex="male", age_years=40, height_cm=170, weight_kg=70,
                variation={"urine_output_factor": 9.0})  # fmt: skip


@pytest.fixture(scope="module")
def population_run():
    return CliRunner().invoke(
        app, ["validate", "--population", "40", "--seed", "3"], env={"COLUMNS": "80"}
    )


def test_validate_population_prints_every_reference_row_in_80_columns(population_run):
    lines = population_run.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    graded = [line for line in lines if re.search(r"\b(good|fair|poor|n/a)\s*│$", line)]
    assert len(graded) == len(grade_cohort([], {}))


def test_validate_population_exit_code_says_whether_any_row_is_poor(population_run):
    people = medtwin.generate_population(40, seed=3)
    rows = grade_cohort(people, resting_cohort(people))
    poor = any(row.grade and row.grade.verdict == "poor" for row in rows)
    assert population_run.exit_code == (1 if poor else 0), population_run.output
