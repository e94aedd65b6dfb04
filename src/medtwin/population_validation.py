"""Grading a generated cohort at rest against what population surveys report.

`validate_population(n, seed)` draws `n` adults (`generate_population`), settles them
at rest as one batch (`resting_states`), averages each signal over `MEASURE_SECONDS`,
and compares, row by row of `data/population_references.csv`, the cohort's statistic
(mean, between-individual SD, or slope per year of age) in the row's sex and age band
with the published one, graded by the shared reference README's rule (`validation.grade`:
under 10 % good, 10-30 % fair, over 30 % poor). A band with too few patients for its
statistic (1 for a mean, 10 for an SD or a slope, whose sampling error from fewer
patients would decide the grade) is shown but not graded.

Baroreflex sensitivity is not a monitored signal: the cohort's value is each patient's
cardiovagal gain at the reflex operating point (`cardiovagal_gain_ms_per_mmHg`), the
heart-period change per mmHg of carotid sinus pressure through the vagal limb.

Sampling error still matters: the SD of 40 draws is off by 11 % on average, so spreads
are best judged on a few hundred patients. The cohort "matches" when no row is graded
poor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from medtwin.patients import Patient, generate_population
from medtwin.patients.population_references import PopulationReference, population_references
from medtwin.physiology.batch import Batch
from medtwin.physiology.layout import M
from medtwin.physiology.parameters import P
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states
from medtwin.validation import Grade, grade

MEASURE_SECONDS = 120.0
_LEAST_PATIENTS = {"mean": 1, "sd": 10, "slope": 10}
_BAROREFLEX = "baroreflex_sensitivity"


def cardiovagal_gain_ms_per_mmHg(params_row: np.ndarray) -> float:
    """Heart-period change (ms) per mmHg of carotid sinus pressure, vagal limb, at rest.

    Ursino 1998's afferent sigmoid has its steepest slope, (f_max - f_min) / (4 k_a), at
    the set point; the vagal efferent sigmoid's slope there, times the vagal heart-period
    gain G_Tv, gives the change of heart period.
    """
    p = params_row
    f_ab = 0.5 * (p[P.F_AB_MIN] + p[P.F_AB_MAX])
    afferent = (p[P.F_AB_MAX] - p[P.F_AB_MIN]) / (4.0 * p[P.K_A])
    e = math.exp((f_ab - p[P.F_AB_0]) / p[P.K_EV])
    efferent = (p[P.FEV_INF] - p[P.FEV_0]) * e / ((1.0 + e) ** 2 * p[P.K_EV])
    return 1000.0 * p[P.G_TV] * efferent * afferent


@dataclass(frozen=True)
class PopulationRow:
    """A reference row, the cohort's value for it (NaN if too few patients) and its grade."""

    reference: PopulationReference
    patients: int
    value: float
    grade: Grade | None


@dataclass(frozen=True)
class PopulationResult:
    """Every reference row of one cohort validation, in the table's order."""

    n: int
    seed: int
    rows: tuple[PopulationRow, ...]

    @property
    def matches(self) -> bool:
        """Whether no graded row is poor."""
        return not any(row.grade and row.grade.verdict == "poor" for row in self.rows)


def resting_cohort(patients: list[Patient]) -> dict[str, np.ndarray]:
    """Each patient's resting mean of every monitored signal, and its cardiovagal gain."""
    params = np.array([parameters_for(patient, seed=i) for i, patient in enumerate(patients)])
    settled, state, monitors = resting_states(params)
    history = Batch(settled, state, monitors).advance(MEASURE_SECONDS).history
    means = history.mean(axis=1)
    values = {signal.name: means[:, signal] for signal in M}
    values[_BAROREFLEX] = np.array([cardiovagal_gain_ms_per_mmHg(row) for row in settled])
    return values


def _statistic(reference: PopulationReference, ages: np.ndarray, values: np.ndarray) -> float:
    if reference.statistic == "mean":
        return float(values.mean())
    if reference.statistic == "sd":
        return float(values.std(ddof=1))
    return float(np.polyfit(ages, values, 1)[0])


def grade_cohort(patients: list[Patient], values: dict[str, np.ndarray]) -> list[PopulationRow]:
    """The cohort's statistic and grade for every reference row."""
    ages = np.array([patient.age_years for patient in patients])
    rows = []
    for reference in population_references():
        members = np.array([reference.covers(p.sex, p.age_years) for p in patients], bool)
        count = int(members.sum())
        if count < _LEAST_PATIENTS[reference.statistic]:
            rows.append(PopulationRow(reference, count, math.nan, None))
            continue
        value = _statistic(reference, ages[members], values[reference.signal][members])
        rows.append(PopulationRow(reference, count, value, grade(reference, value)))
    return rows


def validate_population(n: int, seed: int = 0) -> PopulationResult:
    """Generate `n` patients from `seed`, settle them at rest and grade the cohort."""
    patients = generate_population(n, seed=seed)
    rows = grade_cohort(patients, resting_cohort(patients))
    return PopulationResult(n=n, seed=seed, rows=tuple(rows))


_LABELS = {
    "systolic_bp": "SBP",
    "diastolic_bp": "DBP",
    "pao2": "PaO2",
    _BAROREFLEX: "BRS",
    "core_temperature": "core temp",
    "lactate": "lactate",
    "urine_output": "urine",
}


def row_cells(row: PopulationRow) -> tuple[str, str, str, str, str, str, str]:
    """(what, sex, ages, n, cohort, reference, grade) as printed in the terminal."""
    ref = row.reference
    if ref.has_range:
        expected = f"{ref.range_min:g}-{ref.range_max:g}"
    else:
        expected = f"{ref.reference_value:.3g}"
    cohort = "—" if math.isnan(row.value) else f"{row.value:.3g}"
    verdict = row.grade.verdict if row.grade else "n/a"
    what = f"{_LABELS.get(ref.signal, ref.signal)} {ref.statistic}"
    return (what, ref.sex, ref.band_text, str(row.patients), cohort,
            f"{expected} {ref.unit}", verdict)  # fmt: skip
