"""`medtwin plan twin.json --plan "..." --plan "..." --horizon 2h`: compare plans."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from medtwin.assimilation.commands import USER_ERRORS, console
from medtwin.planning.outcomes import OUTCOMES
from medtwin.terminal import check_output, fail


def plan_command(
    twin_file: Annotated[Path, typer.Argument(help="A twin file (twin.json) or a patient.")],
    plan: Annotated[
        list[str],
        typer.Option(
            "--plan", help='Orders, e.g. "normal saline 500 mL over 15 min"; "no change".'
        ),
    ],
    horizon: Annotated[str, typer.Option(help="How far ahead, e.g. 2h, 30 min.")] = "2h",
    members: Annotated[int, typer.Option(help="Ensemble members per plan.")] = 50,
    every: Annotated[str, typer.Option(help="Sampling interval of the forecast.")] = "1 min",
    out: Annotated[
        Path | None,
        typer.Option(help="Forecast bands (CSV: plan, time_s, signal, mean, p05, p95)."),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Plan comparison figure (PNG).")] = None,
    cluster: Annotated[
        str, typer.Option(help="serial, local, or a Dask scheduler address.")
    ] = "serial",
    seed: Annotated[int, typer.Option(help="Seed of the ensemble.")] = 0,
) -> None:
    """Fork an ensemble of the twin and compare plans: vitals with 90 % bands, outcomes."""
    from medtwin.actions import parse_time
    from medtwin.assimilation.enkf import EnsembleKalmanFilter
    from medtwin.planning import compare_plans, parse_plan

    check_output(out, "--out")
    check_output(plot, "--plot")
    if members < 2:
        raise fail(f"--members {members!r} must be at least 2")
    try:
        horizon_s, every_s = parse_time(horizon), parse_time(every)
        estimator = EnsembleKalmanFilter(members=members, seed=seed).fit(twin_file)
        patient = estimator.ensemble.patient
        plans = [parse_plan(text, patient) for text in plan]
        results = compare_plans(
            estimator.ensemble.snapshots(),
            plans,
            horizon_s,
            every_s=every_s,
            cluster=cluster,
            chunks_per_plan=2 if cluster != "serial" else 1,
        )
    except USER_ERRORS as error:
        raise fail(str(error)) from None
    table = Table(
        title=f"{patient.name}: {len(plans)} plans, {members} members, {horizon_s / 60:g} min",
        title_justify="left",
    )
    for column in ("plan", *OUTCOMES, "MAP at end", "HR at end", "SpO2 at end"):
        table.add_column(column)
    for result in results:
        cells = [
            f"{o['mean']:.0%} [{o['p05']:.0%}-{o['p95']:.0%}]" for o in result.outcomes.values()
        ]
        for signal in ("mean_arterial_pressure", "heart_rate", "spo2"):
            low, high = result.forecast.band(signal)
            cells.append(f"{result.forecast.mean(signal)[-1]:.0f} [{low[-1]:.0f}-{high[-1]:.0f}]")
        table.add_row(result.plan.name, *cells)
    console.print(table)
    written = []
    if out:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=("plan", "time_s", "signal", "mean", "p05", "p95")
            )
            writer.writeheader()
            for result in results:
                for row in result.forecast.to_rows():
                    writer.writerow(
                        {
                            "plan": result.plan.name,
                            **{
                                k: (f"{v:.5g}" if isinstance(v, float) and math.isfinite(v) else v)
                                for k, v in row.items()
                            },
                        }
                    )
        written.append(str(out))
    if plot:
        from medtwin.planning.plots import plot_plans

        plot_plans(results, plot)
        written.append(str(plot))
    if written:
        console.print(f"wrote {', '.join(written)}")
