"""Command functions for `medtwin drugs` and `medtwin pk`, registered by `medtwin.cli`.

`drugs_command` lists the library; `pk_command` writes the plasma and effect-site
concentrations of one drug model for one patient (PK only, no physiology), for checking
against the published models. User errors print one line to stderr and exit with code 2.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from medtwin.patients import Patient, PatientError
from medtwin.pharmacology.kinetics import simulate
from medtwin.pharmacology.library import Drug, UnknownDrugError, drug, drugs
from medtwin.pharmacology.model import ModelError
from medtwin.pharmacology.units import DoseError, parse_dose, to_amount, to_rate_per_s, unit_slug
from medtwin.terminal import check_output, fail

console = Console()
WASHOUT_S = 30 * 60.0
"""Default run length after the last infusion ends (or the last bolus)."""


def _short_source(text: str) -> str:
    """First author and year-ish part of a citation, for a narrow table column."""
    return text.split(". ")[0] if len(text) > 60 else text


def drugs_command() -> None:
    """List the drug library: models (default starred), units and sources."""
    table = Table(title="Drug library", title_justify="left")
    table.add_column("name", no_wrap=True, min_width=15)
    table.add_column("class")
    table.add_column("models (* default)")
    table.add_column("units")
    library = drugs()
    for found in library:
        models = ", ".join(m + ("*" if m == found.default_model else "") for m in found.models)
        units = f"{found.amount_unit}; {found.concentration_unit}"
        table.add_row(found.name, found.drug_class, models, units)
    console.print(table)
    console.print("[bold]Sources[/]")
    for found in library:
        sources = "; ".join(_short_source(s) for s in found.sources)
        console.print(f"  [bold]{found.name}[/]: {sources}", highlight=False)


def _bolus_list(found: Drug, texts: list[str], weight_kg: float) -> list[tuple[float, float]]:
    boluses = []
    for text in texts:
        dose = parse_dose(text)
        if dose.is_rate:
            raise DoseError(f"--bolus {text!r} is a rate; give an amount such as '2 mg/kg'")
        amount = to_amount(dose.value, dose.unit, weight_kg, found.amount_unit)
        found.check_bolus(amount, weight_kg)
        boluses.append((dose.start_s, amount))
    return boluses


def _infusion_list(
    found: Drug, texts: list[str], weight_kg: float, duration_s: float | None
) -> list[tuple[float, float | None, float]]:
    infusions = []
    for text in texts:
        dose = parse_dose(text)
        if not dose.is_rate:
            raise DoseError(
                f"--infusion {text!r} is an amount; give a rate such as '10 mg/kg/h for 60 min'"
            )
        rate = to_rate_per_s(dose.value, dose.unit, weight_kg, found.amount_unit)
        found.check_infusion(rate, weight_kg)
        if dose.duration_s is None and duration_s is None:
            raise DoseError(f"--infusion {text!r} has no end: add 'for <time>' or give --duration")
        end = None if dose.duration_s is None else dose.start_s + dose.duration_s
        infusions.append((dose.start_s, end, rate))
    return infusions


def pk_command(
    drug_name: Annotated[
        str, typer.Option("--drug", help="Drug name or alias (see `medtwin drugs`).")
    ],
    model: Annotated[
        str | None, typer.Option(help="PK model; default: the drug's default.")
    ] = None,
    age: Annotated[float, typer.Option(help="Age (years).")] = 40.0,
    weight: Annotated[float, typer.Option(help="Weight (kg).")] = 70.0,
    height: Annotated[float, typer.Option(help="Height (cm).")] = 170.0,
    sex: Annotated[str, typer.Option(help="male or female.")] = "male",
    bolus: Annotated[
        list[str] | None,
        typer.Option(help="Instantaneous bolus, e.g. '2 mg/kg' or '100 mcg at 5 min'; repeatable."),
    ] = None,
    infusion: Annotated[
        list[str] | None,
        typer.Option(help="Infusion, e.g. '10 mg/kg/h for 60 min [at 5 min]'; repeatable."),
    ] = None,
    duration_s: Annotated[
        float | None,
        typer.Option("--duration", help="Seconds to simulate; default: last dose + 30 min."),
    ] = None,
    step_s: Annotated[float, typer.Option("--step", help="Row spacing (s), at most 10.")] = 1.0,
    out: Annotated[
        Path, typer.Option(help="CSV: time_s, plasma and effect-site concentration.")
    ] = (Path("pk.csv")),
) -> None:
    """Plasma and effect-site concentrations of one drug model (PK only, no physiology)."""
    if not (math.isfinite(step_s) and 0 < step_s <= 10):
        raise fail(f"--step {step_s!r} must be a number of seconds above 0 and at most 10")
    if duration_s is not None and not (math.isfinite(duration_s) and duration_s > 0):
        raise fail(f"--duration {duration_s!r} must be a number of seconds above 0")
    check_output(out, "--out")
    try:
        found = drug(drug_name)
        pk_model = found.model(model)
        patient = Patient(name="pk", sex=sex, age_years=age, height_cm=height, weight_kg=weight)
        pk = pk_model.parameters(patient)
        boluses = _bolus_list(found, bolus or [], weight)
        open_infusions = _infusion_list(found, infusion or [], weight, duration_s)
    except (UnknownDrugError, PatientError, ModelError, DoseError) as error:
        raise fail(str(error).replace("\n", "; ")) from None
    if not boluses and not open_infusions:
        raise fail("give at least one --bolus or --infusion")
    if duration_s is None:
        last = max(
            [t for t, _ in boluses] + [end for _, end, _ in open_infusions if end is not None]
        )
        duration_s = last + WASHOUT_S
    infusions = [
        (start, duration_s if end is None else end, rate) for start, end, rate in open_infusions
    ]

    times = np.arange(0.0, duration_s + 0.5 * step_s, step_s)
    times[-1] = min(times[-1], duration_s)
    cp, ce = simulate(pk, times, boluses, infusions)
    factor = found.concentration_per_amount_per_L
    slug = unit_slug(found.concentration_unit)
    table = {"time_s": times, f"plasma_concentration_{slug}": cp * factor}
    if pk_model.has_effect_site:
        table[f"effect_site_concentration_{slug}"] = ce * factor
    pd.DataFrame(table).to_csv(out, index=False, float_format="%.8g")
    peak = float(np.max(cp * factor))
    console.print(
        f"{found.name} ({pk_model.name}): V1 {pk.v1_L:.3g} L, k10 {pk.k10:.3g}/min, "
        f"ke0 {pk.ke0:.3g}/min; peak plasma {peak:.4g} {found.concentration_unit}"
    )
    console.print(f"wrote {out} ({len(times)} rows, {duration_s:g} s)")
