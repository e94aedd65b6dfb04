"""`medtwin glucose run` and `medtwin glucose plan`: the glucose twin from the command line.

Errors a user can cause are one line "error: ..." and exit code 2, as in medtwin.cli.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from medtwin.glucose.controllers import CONTROLLERS
from medtwin.glucose.meals import MIN_PER_DAY, parse_meals
from medtwin.glucose.parameters import GlucosePatientError, load_virtual_patients
from medtwin.glucose.pump import PUMPS
from medtwin.glucose.sensor import SENSORS
from medtwin.terminal import check_output, fail

glucose_app = typer.Typer(help="The glucose–insulin twin (type 1 diabetes).",
                          no_args_is_help=True)  # fmt: skip
console = Console()
DEFAULT_MEALS = "7:00 45g, 12:00 70g, 18:00 80g"
SUMMARY = (
    ("mean_glucose_mg_per_dL", "mean mg/dL", "{:.0f}"),
    ("time_in_range_70_180_percent", "TIR %", "{:.1f}"),
    ("time_below_70_percent", "<70 %", "{:.1f}"),
    ("time_below_54_percent", "<54 %", "{:.1f}"),
    ("time_above_180_percent", ">180 %", "{:.1f}"),
    ("time_above_250_percent", ">250 %", "{:.1f}"),
    ("lbgi", "LBGI", "{:.2f}"),
    ("hbgi", "HBGI", "{:.2f}"),
    ("gmi_percent", "GMI %", "{:.2f}"),
    ("total_insulin_U", "insulin U", "{:.1f}"),
)


@glucose_app.command("run")
def run_command(
    patient: Annotated[str, typer.Option(help="adult#001 …, a group (adult), or all.")] = (
        "adult#001"
    ),
    meals: Annotated[str, typer.Option(help='"7:00 45g, 12:00 70g", "none" or "random".')] = (
        DEFAULT_MEALS
    ),
    controller: Annotated[str, typer.Option(help="basal, basal-bolus, pid, or a plug-in.")] = (
        "basal-bolus"
    ),
    days: Annotated[int, typer.Option(help="Simulated days.")] = 1,
    sensor: Annotated[str, typer.Option(help="cgm (noisy) or ideal.")] = "cgm",
    pump: Annotated[str, typer.Option(help="ideal, cozmo or insulet.")] = "ideal",
    seed: Annotated[int, typer.Option(help="Seed of sensor noise and random meals.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Per-minute CSV.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Figure (PNG).")] = None,
) -> None:
    """Simulate virtual patients for days of meals under a controller."""
    from medtwin.glucose.simulation import Scenario, simulate  # compiled code: on use

    check_output(out, "--out")
    check_output(plot, "--plot")
    try:
        scenario = Scenario(
            meals=None if meals.strip().lower() == "random" else parse_meals(meals),
            days=days, controller=_choice(controller, CONTROLLERS, "--controller"),
            sensor=_choice(sensor, SENSORS, "--sensor"), pump=_choice(pump, PUMPS, "--pump"),
        )  # fmt: skip
        scenario.check()
        patients = load_virtual_patients(patient)
    except GlucosePatientError as error:
        raise fail(str(error)) from None
    run = simulate(patients, scenario, seed=seed)
    metrics = run.metrics()
    console.print(_metrics_table(metrics, f"{controller}, {days} day(s), sensor {sensor}"))
    written = []
    if out:
        run.frame().to_csv(out, index=False, float_format="%.6g")
        written.append(str(out))
    if plot:
        from medtwin.glucose.plotting import plot_run

        plot_run(run, plot, title=f"{patient}: {controller}, {days} day(s)")
        written.append(str(plot))
    if written:
        console.print(f"wrote {', '.join(written)}")


def _choice(value: str, allowed, option: str) -> str:
    if value not in allowed:
        raise GlucosePatientError(f"{option} {value!r} is not known: allowed are "
                                  f"{', '.join(sorted(allowed))}")  # fmt: skip
    return value


def _metrics_table(metrics: pd.DataFrame, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("patient")
    for _, header, _ in SUMMARY:
        table.add_column(header, justify="right")
    rows = [row for _, row in metrics.iterrows()]
    if len(rows) > 1:
        mean = metrics.mean(numeric_only=True).astype(object)
        mean["patient"] = f"mean of {len(rows)}"
        rows.append(mean)
    for row in rows:
        table.add_row(row["patient"], *(fmt.format(row[key]) for key, _, fmt in SUMMARY))
    return table


@glucose_app.command("plan")
def plan_command(
    plan: Annotated[list[str], typer.Option(help='"bolus 6 U at 12:00" (repeat to compare).')],
    patient: Annotated[str, typer.Option(help="One virtual patient, e.g. adult#001.")] = (
        "adult#001"
    ),
    meals: Annotated[str, typer.Option(help='The planned meals, "7:00 45g, 12:00 70g".')] = (
        DEFAULT_MEALS
    ),
    members: Annotated[int, typer.Option(help="Ensemble members per plan.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the ensemble's uncertainty.")] = 0,
    out: Annotated[Path | None, typer.Option(help="CSV: per-minute bands per plan.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Figure (PNG).")] = None,
) -> None:
    """Predict glucose under insulin plans, with 90 % bands under CGM and meal uncertainty."""
    from medtwin.glucose.plans import bands, parse_plan, run_plans  # compiled code: on use

    check_output(out, "--out")
    check_output(plot, "--plot")
    try:
        plans = [parse_plan(text) for text in plan]
        planned_meals = parse_meals(meals)
        twin = load_virtual_patients(patient)
        if len(twin) != 1:
            raise GlucosePatientError(f"--patient {patient!r}: a plan is for one patient")
        runs = run_plans(twin, planned_meals, plans, members=members, seed=seed)
    except GlucosePatientError as error:
        raise fail(str(error)) from None
    table = Table(title=f"{patient}: plans over one day ({members} members each)",
                  title_justify="left")  # fmt: skip
    for column in ("plan", "TIR % (5–95)", "<70 % (5–95)", "min mg/dL (median)",
                   "max mg/dL (median)", "P(any <54) %"):  # fmt: skip
        table.add_column(column, justify="left" if column == "plan" else "right")
    frames = []
    for item, run in zip(plans, runs, strict=True):
        m = run.metrics()
        tir, low = m["time_in_range_70_180_percent"], m["time_below_70_percent"]
        glucose = run.plasma_glucose_mg_per_dL
        table.add_row(
            item.text, _band(tir), _band(low), f"{np.median(glucose.min(axis=1)):.0f}",
            f"{np.median(glucose.max(axis=1)):.0f}",
            f"{100 * np.mean(glucose.min(axis=1) < 54):.0f}",
        )  # fmt: skip
        frames.append(pd.DataFrame({"plan": item.text, "time_min": np.arange(MIN_PER_DAY),
                                    **bands(run)}))  # fmt: skip
    console.print(table)
    written = []
    if out:
        pd.concat(frames).to_csv(out, index=False, float_format="%.6g")
        written.append(str(out))
    if plot:
        from medtwin.glucose.plotting import plot_plans

        plot_plans(frames, plot, title=f"{patient}: predicted plasma glucose (5–95 % band)")
        written.append(str(plot))
    if written:
        console.print(f"wrote {', '.join(written)}")


def _band(values: pd.Series) -> str:
    low, mid, high = np.quantile(values, (0.05, 0.5, 0.95))
    return f"{mid:.1f} ({low:.1f}–{high:.1f})"
