"""`medtwin hospital ...`: run, compare, calibrate and list the operations twin's models.

User errors (a bad model, scenario, log, cluster address or output folder) print one
line to stderr and exit with code 2, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from medtwin.hospital.errors import ModelError
from medtwin.hospital.loading import bundled_models, load_model
from medtwin.scale import ClusterError
from medtwin.terminal import check_output, fail

hospital_app = typer.Typer(
    help="Hospital operations twin: patient flow, staffing and beds (discrete-event).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()

ModelArgument = Annotated[
    str, typer.Argument(help="A bundled model name (treatment-centre) or a model YAML file.")
]
ReplicationsOption = Annotated[int, typer.Option(help="Replications (independent runs).")]
SeedOption = Annotated[int, typer.Option(help="Seed of all random streams (0 or more).")]
ClusterOption = Annotated[
    str, typer.Option(help="'local' (a LocalCluster), 'serial', or a scheduler tcp://host:port.")
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Workers of the LocalCluster (default: one per core).")
]


def _check_counts(replications: int, seed: int, workers: int | None) -> None:
    if replications < 1:
        raise fail(f"--replications {replications} must be 1 or more")
    if seed < 0:
        raise fail(f"--seed {seed} must be 0 or more")
    if workers is not None and workers < 1:
        raise fail(f"--workers {workers} must be 1 or more")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]replications"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )  # fmt: skip


@hospital_app.command("models")
def models_command() -> None:
    """List the bundled models."""
    for name in bundled_models():
        model = load_model(name)
        console.print(f"[bold]{name}[/]: {escape(model.title)}", highlight=False)
        for source in model.sources:
            console.print(f"  {escape(source)}", highlight=False)


@hospital_app.command("run")
def run_command(
    model: ModelArgument,
    replications: ReplicationsOption = 100,
    out: Annotated[Path, typer.Option(help="KPIs CSV, a row per replication.")] = Path(
        "results.csv"
    ),
    report: Annotated[Path | None, typer.Option(help="Self-contained HTML report.")] = None,
    events: Annotated[
        Path | None, typer.Option(help="Event log CSV of every replication (for calibrate).")
    ] = None,
    seed: SeedOption = 0,
    cluster: ClusterOption = "local",
    workers: WorkersOption = None,
) -> None:
    """Run replications of MODEL: KPIs per replication, and their means with 95 % CIs."""
    from medtwin.hospital.experiment import run_replications

    _check_counts(replications, seed, workers)
    for path, option in ((out, "--out"), (report, "--report"), (events, "--events")):
        check_output(path, option)
    try:
        hospital = load_model(model)
        with _progress() as progress:
            task = progress.add_task("run", total=replications)
            results = run_replications(
                hospital, replications, seed=seed, cluster=cluster, workers=workers,
                progress=lambda done, _: progress.update(task, completed=done),
            )  # fmt: skip
    except (ModelError, ClusterError) as error:
        raise fail(str(error)) from None
    results.table.to_csv(out, index=False, float_format="%.10g")
    written = [str(out)]
    if report:
        from medtwin.hospital.report import write_run_report

        write_run_report(results, report, seed)
        written.append(str(report))
    if events:
        from medtwin.hospital.eventlog import write_event_log
        from medtwin.hospital.simulation import simulate

        records = [simulate(hospital, r, seed) for r in range(replications)]
        write_event_log(hospital, records, events)
        written.append(str(events))
    console.print(_interval_table(hospital.title or hospital.name, results.intervals()))
    console.print(f"wrote {', '.join(written)}")


def _interval_table(title: str, intervals) -> Table:
    table = Table(title=f"{title}: mean and 95 % CI", title_justify="left")
    for column in ("KPI", "mean", "95 % CI", "n"):
        table.add_column(column, justify="left" if column == "KPI" else "right")
    for kpi, row in intervals.iterrows():
        ci = (
            "-"
            if row["ci_low"] != row["ci_low"]
            else f"{row['ci_low']:.4g} to {row['ci_high']:.4g}"
        )
        table.add_row(str(kpi), f"{row['mean']:.4g}", ci, str(int(row["n"])))
    return table


@hospital_app.command("compare")
def compare_command(
    model: ModelArgument,
    scenario: Annotated[
        list[str],
        typer.Option(help='A what-if, e.g. "exam=4", "arrivals*1.2@11-14", "examination.mean=12".'),
    ],
    replications: ReplicationsOption = 30,
    out: Annotated[Path, typer.Option(help="Differences CSV.")] = Path("comparison.csv"),
    plot: Annotated[Path, typer.Option(help="Plot of the differences (PNG).")] = Path(
        "comparison.png"
    ),
    seed: SeedOption = 0,
    cluster: ClusterOption = "local",
    workers: WorkersOption = None,
) -> None:
    """Compare scenarios with the base case: each KPI's paired difference and its 95 % CI."""
    from medtwin.hospital.compare import compare_scenarios
    from medtwin.hospital.report import plot_comparison

    _check_counts(replications, seed, workers)
    if replications < 2:
        raise fail(f"--replications {replications}: a confidence interval needs 2 or more")
    check_output(out, "--out")
    check_output(plot, "--plot")
    try:
        hospital = load_model(model)
        with _progress() as progress:
            task = progress.add_task("compare", total=replications * (1 + len(scenario)))
            comparison = compare_scenarios(
                hospital, scenario, replications, seed=seed, cluster=cluster, workers=workers,
                progress=lambda done, _: progress.update(task, completed=done),
            )  # fmt: skip
    except (ModelError, ClusterError) as error:
        raise fail(str(error)) from None
    comparison.to_csv(out, index=False, float_format="%.10g")
    plot_comparison(comparison, plot)
    table = Table(title="Difference from the base case (95 % CI, paired)", title_justify="left")
    for column in ("scenario", "KPI", "base", "scenario mean", "difference", "95 % CI"):
        table.add_column(column, justify="left" if column in ("scenario", "KPI") else "right")
    for row in comparison.itertuples():
        clear = row.ci_low > 0 or row.ci_high < 0
        ci = f"{row.ci_low:.4g} to {row.ci_high:.4g}"
        table.add_row(row.scenario, row.kpi, f"{row.base_mean:.4g}", f"{row.scenario_mean:.4g}",
                      f"{row.difference:+.4g}", f"[bold]{ci}[/]" if clear else ci)  # fmt: skip
    console.print(table)
    console.print("bold: the interval excludes 0")
    console.print(f"wrote {out}, {plot}")


@hospital_app.command("calibrate")
def calibrate_command(
    event_log: Annotated[Path, typer.Argument(help="CSV of patient_id, activity, start, end.")],
    base: Annotated[str, typer.Option(help="The model the fitted fragment extends.")],
    out: Annotated[Path, typer.Option(help="Fitted model fragment (YAML).")] = Path("fitted.yaml"),
    diagnostics: Annotated[
        Path | None, typer.Option(help="CSV of every candidate fit (AIC, KS).")
    ] = None,
) -> None:
    """Fit service times and the arrival profile from EVENT_LOG into a model for `run`."""
    from medtwin.hospital.calibration import calibrate
    from medtwin.hospital.eventlog import read_event_log

    check_output(out, "--out")
    check_output(diagnostics, "--diagnostics")
    if out.suffix not in (".yaml", ".yml"):
        raise fail(f"--out {out}: the fragment is YAML; give a .yaml file name")
    try:
        base_model = load_model(base)
        fitted = calibrate(read_event_log(event_log))
    except ModelError as error:
        raise fail(str(error)) from None
    unknown = [a for a in fitted.chosen if a not in base_model.activities]
    if unknown:
        raise fail(
            f"event log activities {', '.join(unknown)} are not in {base}; its activities: "
            f"{', '.join(base_model.activities)}"
        )
    profile = out.with_name(f"{out.stem}-arrivals.csv")
    fitted.profile_table().to_csv(profile, index=False, float_format="%.6g")
    header = (
        f"# Fitted by `medtwin hospital calibrate` from {event_log.name}: "
        f"{len(fitted.candidates)} candidate fits, {fitted.days} day(s) of arrivals.\n"
    )
    fragment = fitted.fragment(_extends_value(base, out), profile.name)
    out.write_text(header + yaml.safe_dump(fragment, sort_keys=False), encoding="utf-8")
    try:
        load_model(out)  # the fragment must run as written
    except ModelError as error:
        raise fail(f"the fitted model does not load: {error}") from None
    table = fitted.diagnostics()
    if diagnostics:
        table.to_csv(diagnostics, index=False, float_format="%.6g")
    _print_fits(table)
    console.print(f"wrote {out}, {profile}" + (f", {diagnostics}" if diagnostics else ""))


def _extends_value(base: str, out: Path) -> str:
    """The bundled name, or the base file's path relative to the fragment's folder."""
    if base in bundled_models():
        return base
    return os.path.relpath(Path(base).resolve(), out.parent.resolve())


def _print_fits(table) -> None:
    view = Table(title="Service-time fits (chosen: lowest AIC)", title_justify="left")
    for column in ("activity", "distribution", "parameters", "n", "AIC", "KS D", "KS p"):
        view.add_column(column)
    for row in table.itertuples():
        style = "bold" if row.chosen else "dim"
        view.add_row(row.activity, row.distribution, row.parameters, str(row.n),
                     f"{row.aic:.1f}", f"{row.ks_distance:.3f}", f"{row.ks_p_value:.3g}",
                     style=style)  # fmt: skip
    console.print(view)
