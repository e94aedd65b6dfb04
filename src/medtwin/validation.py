"""Grading a twin against the published resting values of a healthy adult.

Targets are the rows of ``data/physiology_targets.csv`` (a copy of the shared reference
table, every column kept); for a female patient the sex-specific rows are replaced by those
of ``data/female_targets.csv``, each with its own source. A row is one (signal, statistic)
pair and is keyed by ``target_key``: the signal name for a mean, ``"signal:statistic"``
otherwise (``"intrapleural_pressure:max"``).

The grading rule is the shared reference README's (the one open-source physiology engines
use, so results compare): with a range, 0 % inside it, else the distance to the
nearest bound as a percentage of that bound; with a point value only, the percentage error
from it. Under 10 % is good, 10-30 % fair, over 30 % poor.

Targets are made patient-specific before grading:

- Rows per kg ideal body weight become absolute targets, in the signal's own unit: the
  published per-kg value times the patient's ideal body weight (Devine BJ, Drug Intell
  Clin Pharm 1974;8:650). Model values are graded as the engine reports them (mL, L/min).
- Rows published for the standard male (44 y, 180 cm, 77 kg: the patient library's
  ``standard-male``) keep their value for him and
  are scaled for anyone else by measure(patient) / measure(standard male), the measure
  named in ``_STANDARD_MALE_SCALING``: blood volume (Nadler SB et al., Surgery
  1962;51:224); plasma volume as blood volume × (1 - haematocrit); cardiac output with
  Du Bois body surface area (cardiac output is proportional to it, hence the cardiac
  index of Guyton & Hall p232); cerebral and renal blood flow with cardiac output (ICRP
  Publication 89 gives them as fractions of it); O2 consumption, CO2 production and
  metabolic rate with Mifflin-St Jeor resting energy expenditure (Am J Clin Nutr
  1990;51:241). Size-dependent point values published without a patient (vascular
  resistances, lung and chest-wall compliance) are read as the standard male's too:
  resistances scale with 1 / BSA (resistance index), compliances with FRC (specific
  compliance; Quanjer PhH et al., Eur Respir J 1993;6 Suppl 16:5).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pandas as pd

Verdict = Literal["good", "fair", "poor"]

_REQUIRED_BY = ("engine", "drugs", "later")
_PER_KG_IBW = "/kg ideal body weight"


@dataclass(frozen=True)
class Target:
    """One published value to grade a model output against, made specific to a patient."""

    key: str
    signal: str
    statistic: str
    quantity: str
    unit: str
    reference_value: float | None
    range_min: float | None
    range_max: float | None
    source: str
    page: str
    note: str
    system: str
    required_by: str

    @property
    def has_range(self) -> bool:
        """Whether a normal range is given (it then decides the grade, not the point value)."""
        return self.range_min is not None or self.range_max is not None


@dataclass(frozen=True)
class Grade:
    """How far a model value is from its target, and the verdict the README's rule gives."""

    error_percent: float
    verdict: Verdict
    note: str = ""

    @property
    def passed(self) -> bool:
        """Our bar: a target passes only when graded good."""
        return self.verdict == "good"


class ValidationRow(NamedTuple):
    """A target, the model's value for it (NaN when missing) and its grade."""

    target: Target
    value: float
    grade: Grade


@dataclass(frozen=True)
class ValidationResult:
    """Every graded target of one validation run, in the order of the reference table."""

    rows: tuple[ValidationRow, ...]

    @property
    def all_good(self) -> bool:
        """Whether every target is graded good."""
        return all(row.grade.passed for row in self.rows)

    def to_frame(self) -> pd.DataFrame:
        """One line per target: the target's fields, the model value and the grade."""
        return pd.DataFrame(
            {
                **dataclasses.asdict(row.target),
                "model_value": row.value,
                "error_percent": row.grade.error_percent,
                "verdict": row.grade.verdict,
                "passed": row.grade.passed,
                "grade_note": row.grade.note,
            }
            for row in self.rows
        )


def target_key(signal: str, statistic: str = "mean") -> str:
    """The key under which a model value is looked up: ``signal`` or ``"signal:statistic"``."""
    return signal if statistic == "mean" else f"{signal}:{statistic}"


def optional_number(text: str) -> float | None:
    """A reference table's number, None for an empty cell."""
    return float(text) if text.strip() else None


def _load_targets(filename: str) -> dict[str, Target]:
    """The rows of a package targets table, keyed by ``target_key``."""
    text = files("medtwin").joinpath("data", filename).read_text(encoding="utf-8")
    targets: dict[str, Target] = {}
    for row in csv.DictReader(text.splitlines()):
        target = Target(
            key=target_key(row["signal"], row["statistic"]),
            signal=row["signal"],
            statistic=row["statistic"],
            quantity=row["quantity"],
            unit=row["unit"],
            reference_value=optional_number(row["reference_value"]),
            range_min=optional_number(row["range_min"]),
            range_max=optional_number(row["range_max"]),
            source=row["source"],
            page=row["page"],
            note=row["note"],
            system=row["system"],
            required_by=row["required_by"],
        )
        if target.key in targets:
            raise ValueError(f"{filename}: two rows for {target.key!r}")
        if target.reference_value is None and not target.has_range:
            raise ValueError(f"{filename}: {target.key!r} has neither a value nor a range")
        targets[target.key] = target
    return targets


_TARGETS = _load_targets("physiology_targets.csv")
_FEMALE_TARGETS = _load_targets("female_targets.csv")
if not _FEMALE_TARGETS.keys() <= _TARGETS.keys():
    raise ValueError("female_targets.csv must only replace rows of physiology_targets.csv")


@dataclass(frozen=True)
class _Body:
    """The measures of a patient that targets scale with (medtwin.patients.anthropometry)."""

    sex: str
    ideal_body_weight_kg: float
    body_surface_area_m2: float
    blood_volume_mL: float
    resting_energy_kcal_per_day: float
    hematocrit_fraction: float
    functional_residual_capacity_L: float


def _body(patient: Any) -> _Body:
    from medtwin.patients import anthropometry

    return _Body(
        sex=patient.sex,
        ideal_body_weight_kg=anthropometry.ideal_body_weight_kg(patient),
        body_surface_area_m2=anthropometry.body_surface_area_m2(patient),
        blood_volume_mL=anthropometry.blood_volume_mL(patient),
        resting_energy_kcal_per_day=anthropometry.resting_energy_kcal_per_day(patient),
        hematocrit_fraction=anthropometry.hematocrit_fraction(patient),
        functional_residual_capacity_L=anthropometry.functional_residual_capacity_L(patient),
    )


@functools.cache
def _standard_male() -> Any:
    """The patient the reference table's "standard male" rows are published for."""
    from medtwin.patients import load_patient

    return load_patient("standard-male")


class _Scaling(NamedTuple):
    basis: str
    measure: Callable[[_Body], float]


_BY_CARDIAC_OUTPUT = _Scaling(
    "Du Bois body surface area, to which cardiac output is proportional (cardiac index)",
    lambda b: b.body_surface_area_m2,
)
_BY_RESTING_ENERGY = _Scaling(
    "Mifflin-St Jeor resting energy expenditure", lambda b: b.resting_energy_kcal_per_day
)
_BY_VASCULAR_CONDUCTANCE = _Scaling(
    "1 / Du Bois body surface area (resistance index = resistance × BSA is the "
    "size-free measure; cardiac output is proportional to BSA)",
    lambda b: 1.0 / b.body_surface_area_m2,
)
_BY_LUNG_VOLUME = _Scaling(
    "Quanjer 1993 functional residual capacity (specific compliance, compliance / FRC, "
    "is the size-free measure; Levitzky 2013 ch. 2)",
    lambda b: b.functional_residual_capacity_L,
)
_STANDARD_MALE_SCALING: dict[str, _Scaling] = {
    "systemic_vascular_resistance": _BY_VASCULAR_CONDUCTANCE,
    "pulmonary_vascular_resistance": _BY_VASCULAR_CONDUCTANCE,
    "lung_compliance": _BY_LUNG_VOLUME,
    "chest_wall_compliance": _BY_LUNG_VOLUME,
    "blood_volume": _Scaling("Nadler blood volume", lambda b: b.blood_volume_mL),
    "plasma_volume": _Scaling(
        "Nadler blood volume × (1 - haematocrit)",
        lambda b: b.blood_volume_mL * (1.0 - b.hematocrit_fraction),
    ),
    "cardiac_output": _BY_CARDIAC_OUTPUT,
    "cerebral_blood_flow": _BY_CARDIAC_OUTPUT,
    "renal_blood_flow": _BY_CARDIAC_OUTPUT,
    "oxygen_consumption": _BY_RESTING_ENERGY,
    "co2_production": _BY_RESTING_ENERGY,
    "metabolic_rate": _BY_RESTING_ENERGY,
}


def _scaled(target: Target, factor: float, unit: str, how: str) -> Target:
    def times(x: float | None) -> float | None:
        return None if x is None else x * factor

    return dataclasses.replace(
        target,
        unit=unit,
        reference_value=times(target.reference_value),
        range_min=times(target.range_min),
        range_max=times(target.range_max),
        note="; ".join(part for part in (target.note, how) if part),
    )


def _for_body(target: Target, body: _Body, standard: _Body) -> Target:
    if target.unit.endswith(_PER_KG_IBW):
        ibw = body.ideal_body_weight_kg
        published = f"{_reference_text(target)} {target.unit}"
        how = f"target = {published} × ideal body weight {ibw:.1f} kg (Devine 1974)"
        return _scaled(target, ibw, target.unit.removesuffix(_PER_KG_IBW), how)
    scaling = _STANDARD_MALE_SCALING.get(target.signal)
    if scaling is None:
        return target
    factor = scaling.measure(body) / scaling.measure(standard)
    how = (
        f"target = standard male's {_reference_text(target)} {target.unit} × {factor:.3f}, "
        f"the ratio patient / standard male of {scaling.basis}"
    )
    return _scaled(target, factor, target.unit, how)


def targets_for(patient: Any, required_by: Iterable[str] = ("engine",)) -> list[Target]:
    """The targets for ``patient`` whose ``required_by`` is one of ``required_by``.

    ``patient`` is a ``medtwin.patients.Patient``. Per-kg-IBW targets come back in absolute
    units and standard-male targets scaled to the patient (see the module docstring); each
    such target's note says how it was derived.
    """
    required = {required_by} if isinstance(required_by, str) else set(required_by)
    unknown = required - set(_REQUIRED_BY)
    if unknown:
        raise ValueError(f"required_by {sorted(unknown)} unknown; choose from {_REQUIRED_BY}")
    body = _body(patient)
    standard = _body(_standard_male())
    sex_rows = _FEMALE_TARGETS if body.sex == "female" else {}
    return [
        _for_body(sex_rows.get(key, target), body, standard)
        for key, target in _TARGETS.items()
        if target.required_by in required
    ]


def _percent_of(distance: float, bound: float) -> float:
    if bound == 0.0:
        return 0.0 if distance == 0.0 else math.inf
    return 100.0 * distance / abs(bound)


def _verdict(error_percent: float) -> Verdict:
    if error_percent < 10.0:
        return "good"
    return "fair" if error_percent <= 30.0 else "poor"


def grade(target: Target, model_value: float) -> Grade:
    """Grade ``model_value`` (in ``target.unit``) by the shared reference README's rule."""
    value = float(model_value)
    if not math.isfinite(value):
        return Grade(math.nan, "poor", "model value is not a finite number")
    if target.range_min is not None and value < target.range_min:
        error = _percent_of(target.range_min - value, target.range_min)
    elif target.range_max is not None and value > target.range_max:
        error = _percent_of(value - target.range_max, target.range_max)
    elif target.has_range:
        error = 0.0
    else:
        error = _percent_of(abs(value - target.reference_value), target.reference_value)
    return Grade(error, _verdict(error))


def validate(
    patient: Any, model_values: Mapping[str, float], required_by: Iterable[str] = ("engine",)
) -> ValidationResult:
    """Grade ``model_values`` (keyed by ``target_key``) against the targets for ``patient``.

    A target without a model value is graded poor with value NaN and a note, never dropped.
    """
    rows = []
    for target in targets_for(patient, required_by):
        if target.key in model_values:
            given = model_values[target.key]
            try:
                value = float(given)
            except (TypeError, ValueError):
                raise TypeError(
                    f"model value for {target.key!r} is {given!r}, not a number"
                ) from None
            value *= _unit_factor(target)
            rows.append(ValidationRow(target, value, grade(target, value)))
        else:
            missing = Grade(math.nan, "poor", f"no model value for {target.key!r}")
            rows.append(ValidationRow(target, math.nan, missing))
    return ValidationResult(tuple(rows))


_UNIT_FACTORS: dict[tuple[str, str], float] = {("mL/h", "L/day"): 24.0 / 1000.0}
"""Model unit -> target unit, where the reference table publishes a signal in another
unit than signals.csv (urine output: mL/h on monitors, L/day in Guyton)."""


def _unit_factor(target: Target) -> float:
    """Factor from the signal's unit (signals.csv) to the target's unit."""
    from medtwin.signals import unit_of

    try:
        model_unit = unit_of(target.signal)
    except KeyError:
        return 1.0
    if model_unit == target.unit:
        return 1.0
    if (model_unit, target.unit) not in _UNIT_FACTORS:
        raise ValueError(
            f"{target.key}: no conversion from the signal's {model_unit} to the target's "
            f"{target.unit}"
        )
    return _UNIT_FACTORS[(model_unit, target.unit)]


def _fmt(x: float | None) -> str:
    return "—" if x is None or math.isnan(x) else f"{x:.4g}"


def _reference_text(target: Target) -> str:
    if not target.has_range:
        return _fmt(target.reference_value)
    low, high = _fmt(target.range_min), _fmt(target.range_max)
    if target.reference_value is None:
        return f"{low} to {high}"
    return f"{_fmt(target.reference_value)} ({low} to {high})"


_REPORT_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
       color: #1f2933; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
p { max-width: 60rem; line-height: 1.45; }
.summary span { display: inline-block; padding: 0.2rem 0.7rem; margin-right: 0.5rem;
                border-radius: 1rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid #d9e2ec; text-align: left;
         vertical-align: top; }
th { background: #243b53; color: #fff; position: sticky; top: 0; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.system td { background: #f0f4f8; font-weight: 600; text-transform: capitalize; }
.good { background: #e3f9e5; color: #05400a; }
.fair { background: #fff3c4; color: #5c4813; }
.poor { background: #ffe3e3; color: #610404; }
td.verdict { font-weight: 700; text-align: center; }
td.note { color: #52606d; font-size: 0.8rem; max-width: 28rem; }
"""


def _report_row(row: ValidationRow) -> str:
    t, g = row.target, row.grade
    cite = f"{t.source}, {t.page}" if t.page else t.source
    note = "; ".join(part for part in (g.note, t.note) if part)
    error = "—" if math.isnan(g.error_percent) else f"{g.error_percent:.1f}"
    cells = (
        f"<td>{html.escape(t.quantity)}<br><code>{html.escape(t.key)}</code></td>",
        f'<td class="num">{_fmt(row.value)}</td>',
        f'<td class="num">{html.escape(_reference_text(t))}</td>',
        f"<td>{html.escape(t.unit)}</td>",
        f'<td class="num">{error}</td>',
        f'<td class="verdict {g.verdict}">{g.verdict}</td>',
        f"<td>{html.escape(cite)}</td>",
        f'<td class="note">{html.escape(note)}</td>',
    )
    return "<tr>" + "".join(cells) + "</tr>"


def write_report_html(result: ValidationResult, path: str | Path, patient: Any) -> Path:
    """Write a self-contained HTML validation report (no external resources); return its path."""
    body, std = _body(patient), _standard_male()
    standard = f"{std.age_years:g} y, {std.height_cm:g} cm, {std.weight_kg:g} kg"
    counts = {v: sum(r.grade.verdict == v for r in result.rows) for v in ("good", "fair", "poor")}
    lines = []
    system = None
    for row in result.rows:
        if row.target.system != system:
            system = row.target.system
            label = html.escape(system.replace("_", " "))
            lines.append(f'<tr class="system"><td colspan="8">{label}</td></tr>')
        lines.append(_report_row(row))
    summary = "".join(f'<span class="{v}">{n} {v}</span>' for v, n in counts.items())
    who = (
        f"{html.escape(str(patient.name))}: {html.escape(str(patient.sex))}, "
        f"{patient.age_years:g} y, {patient.height_cm:g} cm, {patient.weight_kg:g} kg "
        f"(ideal body weight {body.ideal_body_weight_kg:.1f} kg, "
        f"body surface area {body.body_surface_area_m2:.2f} m²)"
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>medtwin validation: {html.escape(str(patient.name))}</title>
<style>{_REPORT_CSS}</style></head>
<body>
<h1>medtwin validation report</h1>
<p><strong>Patient</strong> {who}</p>
<p class="summary">{summary} of {len(result.rows)} targets:
{"all good" if result.all_good else "not all good"}</p>
<p>Grading: with a range, 0 % inside it, else the distance to the nearest bound as a
percentage of that bound; with a point value only, the percentage error from it. Under
10 % is good, 10&ndash;30 % fair, over 30 % poor. Targets published per kg ideal body weight
are shown in absolute units (the per-kg value &times; this patient's ideal body weight) and
the model value is graded as reported. Targets published for the standard male
({standard}) are scaled to this patient as each row's note says.</p>
<table>
<thead><tr><th>Quantity</th><th>Model</th><th>Reference</th><th>Unit</th><th>Error %</th>
<th>Verdict</th><th>Source</th><th>Note</th></tr></thead>
<tbody>
{chr(10).join(lines)}
</tbody></table>
</body></html>
"""
    out = Path(path)
    out.write_text(page, encoding="utf-8")
    return out
