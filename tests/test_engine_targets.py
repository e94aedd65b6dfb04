"""The resting standard patients against the published targets of the reference table.

Every `required_by = engine` row of shared/reference/physiology_targets.csv is graded by
the rule of shared/reference/README.md ("Grading"): with a range, 0 % inside it, else the
distance to the nearest bound as a percentage of that bound; with a point value only, the
percentage error from it; under 10 % is good. Our bar is all good.

One row cannot be good together with its neighbours: alveolar ventilation, 0.08 L/min/kg
ideal body weight (Levitzky 2013, App IV). The same appendix gives tidal volume 7 mL/kg,
total ventilation 0.084 L/min/kg and (p71) anatomic dead space 2 mL/kg, and alveolar
ventilation is total ventilation minus dead-space ventilation:
VA = VE - RR·VD = 0.084 - 12 · 0.002 ≈ 0.06 L/min/kg. That row is checked against the
alveolar ventilation equation and Levitzky's own worked figure instead (4.2 L/min of a
6 L/min total ventilation: 70 % of 0.084 L/min/kg ≈ 0.06 L/min/kg).
"""

from __future__ import annotations

import pytest

from medtwin.patients import ideal_body_weight_kg, load_patient
from medtwin.resting import validate_at_rest
from medtwin.validation import ValidationRow, targets_for

PATIENTS = ("standard-male", "standard-female")
ALVEOLAR = "alveolar_ventilation"
LEVITZKY_RESTING_RR = 12.0
"""breaths/min; the rate Levitzky's App IV figures are worked at (low bound of 12-20)."""
LEVITZKY_VA_L_PER_MIN_PER_KG = 0.06
"""4.2 L/min alveolar ventilation for 6 L/min total (Levitzky 2013 App IV), per kg IBW."""

GRADED_CASES = [
    pytest.param(name, target.key, id=f"{name}-{target.key}")
    for name in PATIENTS
    for target in targets_for(load_patient(name))
]


@pytest.fixture(scope="module")
def rest() -> dict[str, dict[str, ValidationRow]]:
    """Each standard patient measured at rest (5 min window), its rows keyed by target."""
    rows = {}
    for name in PATIENTS:
        _, result = validate_at_rest(name)
        rows[name] = {row.target.key: row for row in result.rows}
    return rows


def _describe(row: ValidationRow) -> str:
    t = row.target
    reference = f"{t.reference_value}" if not t.has_range else f"{t.range_min}-{t.range_max}"
    return (
        f"{t.key}: model {row.value:.4g} {t.unit}, reference {reference} ({t.source} {t.page}), "
        f"error {row.grade.error_percent:.1f} % -> {row.grade.verdict}"
    )


def test_every_engine_target_has_a_model_value(rest):
    """The validation run grades every engine row of the reference table, none missing.

    Source: shared/reference/README.md, `required_by`: engine rows must pass.
    """
    for name in PATIENTS:
        expected = [t.key for t in targets_for(load_patient(name))]
        assert list(rest[name]) == expected
        missing = [k for k, row in rest[name].items() if row.grade.note]
        assert not missing, f"{name}: no finite model value for {missing}"


@pytest.mark.parametrize(("patient", "key"), GRADED_CASES)
def test_engine_target_is_good(rest, patient, key):
    """The resting value is graded good (< 10 %) by the reference README's grading rule.

    Source: the row's own citation in shared/reference/physiology_targets.csv (shown in
    the failure message), made patient-specific by `medtwin.validation.targets_for`.
    """
    row = rest[patient][key]
    assert row.grade.verdict == "good", f"{patient} {_describe(row)}"


def test_the_alveolar_row_agrees_with_its_neighbours():
    """The corrected reference row (0.06 L/min/kg IBW, Levitzky 2013 App IV: 4.2 of
    6 L/min) is what the same table's minute ventilation, rate and dead space give:
    VA = VE - RR·VD = 0.084 - 12·0.002 = 0.06."""
    patient = load_patient("standard-male")
    ibw = ideal_body_weight_kg(patient)
    used = ("minute_ventilation", "anatomic_dead_space", ALVEOLAR)
    per_kg = {t.key: t.reference_value / ibw for t in targets_for(patient) if t.key in used}
    consistent = (
        per_kg["minute_ventilation"] - LEVITZKY_RESTING_RR * per_kg["anatomic_dead_space"] / 1000.0
    )
    assert consistent == pytest.approx(LEVITZKY_VA_L_PER_MIN_PER_KG, rel=1e-9)
    assert per_kg[ALVEOLAR] == pytest.approx(consistent, rel=1e-9)


@pytest.mark.parametrize("patient", PATIENTS)
def test_alveolar_ventilation_obeys_the_alveolar_ventilation_equation(rest, patient):
    """VA = (VT - VD) · RR over the same 5-minute window, within 3 %.

    Source: Levitzky 2013 (Pulmonary Physiology, 8th ed.) ch. 3, alveolar ventilation is
    the tidal volume minus the anatomic dead space times the breathing rate.
    """
    rows = rest[patient]
    value = {key: row.value for key, row in rows.items()}
    expected = (
        (value["tidal_volume"] - value["anatomic_dead_space"]) * value["respiratory_rate"] / 1000.0
    )
    assert value[ALVEOLAR] == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("patient", PATIENTS)
def test_alveolar_ventilation_matches_levitzky_worked_figure(rest, patient):
    """Within 10 % (the README's "good") of 0.06 L/min/kg ideal body weight.

    Source: Levitzky 2013 App IV, 4.2 L/min alveolar ventilation for 6 L/min total
    ventilation, i.e. 0.06 L/min per kg of ideal body weight (Devine 1974) at the
    table's 0.084 L/min/kg total ventilation.
    """
    ibw = ideal_body_weight_kg(load_patient(patient))
    expected = LEVITZKY_VA_L_PER_MIN_PER_KG * ibw
    model = rest[patient][ALVEOLAR].value
    assert abs(model - expected) / expected < 0.10, (
        f"{patient}: alveolar ventilation {model:.3f} L/min, Levitzky {expected:.3f} L/min"
    )


@pytest.mark.parametrize("name", ["standard-male", "standard-female"])
def test_resting_urine_output_is_graded_good(name):
    """Urine production 1.5 L/day (guyton2006medical p315; the table's `drugs` row),
    read from the twin's urine output in mL/h."""
    from medtwin import Twin
    from medtwin.resting import resting_values
    from medtwin.validation import validate

    twin = Twin(name, waveform_seconds=0)
    result = validate(twin.patient, resting_values(twin), required_by=("drugs",))
    assert [row.target.key for row in result.rows] == ["urine_output"]
    assert result.all_good, result.to_frame()[["model_value", "error_percent"]]
