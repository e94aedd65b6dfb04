"""What published surveys report of healthy adults by age and sex: the cohort references.

`data/population_references.csv` is the one place these figures live, each row with its
source (a key of `data/bibliography.yaml`). A row is one statistic of one signal in one
age band and sex: a `mean` (a point value, or a normal range), an `sd` (the spread
between individuals), or a `slope` (change per year of age across the band). Ages are
whole years, `age_min` to `age_max` inclusive; `sex` is male, female or all.

The same rows serve twice: `medtwin.patients.ageing` draws the age and sex curves of
blood pressure and baroreflex gain and the PaO2 slope from them, `medtwin.patients.variation`
the between-individual spreads, and `medtwin.population_validation` grades a simulated
cohort against them.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib.resources import files

from medtwin.validation import optional_number

_STATISTICS = ("mean", "sd", "slope")
_SEXES = ("male", "female", "all")


@dataclass(frozen=True)
class PopulationReference:
    """One published statistic of a signal in one age band and sex."""

    signal: str
    statistic: str
    sex: str
    age_min: int
    age_max: int
    unit: str
    reference_value: float | None
    range_min: float | None
    range_max: float | None
    source: str
    note: str

    @property
    def has_range(self) -> bool:
        """Whether a normal range is given (it then decides the grade, not a point value)."""
        return self.range_min is not None or self.range_max is not None

    @property
    def band_text(self) -> str:
        """The age band as printed: '25-34'."""
        return f"{self.age_min}-{self.age_max}"

    @property
    def band_middle_years(self) -> float:
        """The middle of the band, counting whole years (25-34: 30)."""
        return (self.age_min + self.age_max + 1) / 2.0

    def covers(self, sex: str, age_years: float) -> bool:
        """Whether a patient of `sex` and `age_years` belongs to this row's group."""
        return self.sex in ("all", sex) and self.age_min <= age_years < self.age_max + 1


@functools.cache
def population_references() -> tuple[PopulationReference, ...]:
    """Every row of the reference table, in its order."""
    text = files("medtwin").joinpath("data", "population_references.csv").read_text("utf-8")
    rows = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        reference = PopulationReference(
            signal=row["signal"],
            statistic=row["statistic"],
            sex=row["sex"],
            age_min=int(row["age_min"]),
            age_max=int(row["age_max"]),
            unit=row["unit"],
            reference_value=optional_number(row["reference_value"]),
            range_min=optional_number(row["range_min"]),
            range_max=optional_number(row["range_max"]),
            source=row["source"],
            note=row["note"],
        )
        if reference.statistic not in _STATISTICS or reference.sex not in _SEXES:
            raise ValueError(f"population_references.csv line {line}: bad statistic or sex")
        if reference.reference_value is None and reference.range_min is None:
            raise ValueError(f"population_references.csv line {line}: no value and no range")
        rows.append(reference)
    return tuple(rows)


def references_for(signal: str, statistic: str, sex: str = "all") -> list[PopulationReference]:
    """The rows of `signal`'s `statistic` for `sex`, youngest band first."""
    rows = [
        r
        for r in population_references()
        if r.signal == signal and r.statistic == statistic and r.sex == sex
    ]
    if not rows:
        raise KeyError(f"no {statistic} of {signal} for sex {sex!r} in population_references.csv")
    return sorted(rows, key=lambda r: r.age_min)


def reference_value(signal: str, statistic: str) -> float:
    """The point value of the one all-ages, both-sexes row of `signal`'s `statistic`."""
    (row,) = references_for(signal, statistic)
    if row.reference_value is None:
        raise ValueError(f"{signal} {statistic} has a range, not a value")
    return row.reference_value
