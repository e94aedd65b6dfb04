"""The `medtwin` command line: simulate a patient, validate the engine, list patients.

Errors a user can cause (an unknown patient, a bad duration, an unwritable file) are
printed as one line naming what was wrong, with exit code 2; never a traceback.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from medtwin.assimilation.commands import listen_command, replay_command, twin_app
from medtwin.glucose.commands import glucose_app
from medtwin.hospital.commands import hospital_app
from medtwin.patients import PatientError, load_patient, named_patients
from medtwin.pharmacology.commands import drugs_command, pk_command
from medtwin.planning.commands import plan_command
from medtwin.service.commands import serve_command
from medtwin.terminal import check_output, fail
from medtwin.training.commands import case_app
from medtwin.training.learner.commands import learner_app
from medtwin.training.xapi.commands import xapi_app
from medtwin.trials.commands import trial_app

app = typer.Typer(
    help="medtwin: virtual patients from published physiology.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()

PatientOption = Annotated[
    str, typer.Option("--patient", "-p", help="A named patient or a path to a patient YAML file.")
]
SeedOption = Annotated[int, typer.Option(help="Seed of the patient's random variability.")]


@app.command()
def simulate(
    patient: PatientOption = "standard-male",
    duration: Annotated[float, typer.Option(help="Simulated seconds.")] = 3600.0,
    out: Annotated[Path, typer.Option(help="Trend CSV: time_s then one column per signal.")] = (
        Path("run.csv")
    ),
    plot: Annotated[Path | None, typer.Option(help="Trend figure (PNG).")] = None,
    waveforms: Annotated[
        Path | None, typer.Option(help="Waveform CSV at --waveform-rate (whole run).")
    ] = None,
    waveform_rate: Annotated[float, typer.Option(help="Waveform sampling rate (Hz).")] = 125.0,
    action: Annotated[
        list[str] | None,
        typer.Option("--action", "-a", help='Timed order, e.g. "60s: haemorrhage 100 mL/min".'),
    ] = None,
    actions: Annotated[Path | None, typer.Option(help="YAML file: a list of timed orders.")] = None,
    events: Annotated[Path | None, typer.Option(help="Event log of the run (JSON lines).")] = None,
    seed: SeedOption = 0,
) -> None:
    """Simulate a patient, giving timed orders, and write the 1 Hz trends."""
    from medtwin.actions import load_actions_file, parse_timed_order
    from medtwin.twin import Twin

    if not math.isfinite(duration) or duration <= 0:
        raise fail(f"--duration {duration!r} must be a number of seconds above 0")
    for path, option in ((out, "--out"), (plot, "--plot"), (waveforms, "--waveforms"),
                         (events, "--events")):  # fmt: skip
        check_output(path, option)
    try:
        twin = Twin(patient, seed=seed, waveform_seconds=duration if waveforms else 0.0)
        if waveforms:
            twin.waveforms(waveform_rate)  # validates the rate before the run
        orders = [parse_timed_order(text) for text in action or []]
        if actions:
            orders += load_actions_file(actions)
        orders.sort(key=lambda order: order[0])
        _run(twin, duration, orders)
    except (PatientError, ValueError) as error:
        raise fail(str(error)) from None

    history = twin.history()
    history.insert(1, "rhythm", twin.rhythm_history())
    history.to_csv(out, index=False, float_format="%.6g")  # NaN (not measurable): empty
    written = [str(out)]
    if plot:
        from medtwin.plotting import plot_trends

        plot_trends(history, plot, title=f"{twin.patient.name}: {duration:g} s")
        written.append(str(plot))
    if waveforms:
        twin.waveforms(waveform_rate).to_csv(waveforms, index=False, float_format="%.6g")
        written.append(str(waveforms))
    if events:
        events.write_text(twin.events.to_json_lines(), encoding="utf-8")
        written.append(str(events))
    for event in twin.events:
        console.print(f"  {event.time_s:7.0f} s  {event.order()}  [dim]({event.source})[/]")
    shown = {name: _reading(value) for name, value in twin.vitals().items()}
    console.print(
        f"{twin.patient.name} at {twin.time_s:g} s: {twin.rhythm_name}, "
        f"HR {shown['heart_rate']}/min, "
        f"BP {shown['systolic_bp']}/{shown['diastolic_bp']} mmHg, "
        f"SpO2 {shown['spo2']} %, RR {shown['respiratory_rate']}/min, "
        f"EtCO2 {shown['etco2']} mmHg"
    )
    console.print(f"wrote {', '.join(written)}")


def _reading(value: float) -> str:
    """A monitor reading as the monitor shows it: '--' for what it cannot measure."""
    return "--" if math.isnan(value) else f"{value:.0f}"


def _run(twin, duration: float, orders: list) -> None:
    """Play the timed orders on `twin` up to `duration` (`Twin.run`), with a progress bar."""
    with Progress(
        TextColumn("[bold]simulating {task.fields[name]}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("run", total=duration, name=twin.patient.name)
        twin.run(orders, until=duration, source="command line",
                 progress=lambda time_s: progress.update(task, completed=time_s))  # fmt: skip


@app.command()
def validate(
    patient: Annotated[
        list[str] | None,
        typer.Option("--patient", "-p", help="Patient(s) to check; default: both standard."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="HTML report (one patient).")] = None,
    scenarios: Annotated[
        bool, typer.Option("--scenarios", help="Run the scenario validations instead.")
    ] = False,
    population: Annotated[
        int | None, typer.Option(help="Grade a generated cohort of N patients (seed: --seed).")
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Grade the resting twin against the published targets; exit 1 if any is not good.

    With --scenarios, run the scenario validations (haemorrhage classes, apnoea,
    arrest, drugs) and exit 1 if any expectation is graded poor. With --population N,
    grade a seeded cohort against population surveys; exit 1 if any row is poor."""
    from medtwin.resting import validate_at_rest
    from medtwin.validation import write_report_html

    if scenarios:
        _validate_scenarios(report, seed)
        return
    if population is not None:
        _validate_population(population, seed)
        return
    names = patient or ["standard-male", "standard-female"]
    if report and len(names) > 1:
        raise fail("--report writes one patient's report: give one --patient")
    check_output(report, "--report")
    all_good = True
    for name in names:
        try:
            twin, result = validate_at_rest(name, seed=seed)
        except (PatientError, ValueError) as error:
            raise fail(str(error)) from None
        console.print(_result_table(twin.patient.name, result))
        all_good &= result.all_good
        if report:
            write_report_html(result, report, twin.patient)
            console.print(f"wrote {report}")
    if not all_good:
        raise typer.Exit(code=1)


def _validate_population(n: int, seed: int) -> None:
    from medtwin.population_validation import row_cells, validate_population

    try:
        result = validate_population(n, seed)
    except (PatientError, ValueError) as error:
        raise fail(str(error)) from None
    verdict = "matches" if result.matches else "does not match"
    table = Table(title=f"{n} patients, seed {seed}: {verdict}", title_justify="left")
    for name in ("statistic", "sex", "ages", "n", "cohort", "reference", "grade"):
        table.add_column(name, no_wrap=True, justify="right" if name in ("n", "cohort") else "left")
    colour = {"good": "green", "fair": "yellow", "poor": "red", "n/a": "dim"}
    for row in result.rows:
        *cells, grade = row_cells(row)
        table.add_row(*cells, f"[{colour[grade]}]{grade}[/]")
    console.print(table)
    if not result.matches:
        raise typer.Exit(code=1)


def _validate_scenarios(report: Path | None, seed: int) -> None:
    from medtwin.scenario_validation import run_scenario
    from medtwin.scenario_validation.library import SCENARIOS
    from medtwin.scenario_validation.report import write_scenario_report

    check_output(report, "--report")
    results = [run_scenario(scenario, seed) for scenario in SCENARIOS]
    colour = {"good": "green", "fair": "yellow", "poor": "red"}
    for result in results:
        table = Table(title=f"{result.scenario.title}: {result.verdict}", title_justify="left")
        table.add_column("expectation", max_width=38)
        table.add_column("model", justify="right", no_wrap=True)
        table.add_column("expected", no_wrap=True)
        table.add_column("grade", no_wrap=True)
        for row in result.rows:
            verdict = f"[{colour[row.grade.verdict]}]{row.grade.verdict}[/]"
            if row.expectation.known_gap:
                verdict += " (gap)"
            table.add_row(row.expectation.what, f"{row.value:.3g}",
                          row.expectation.expected_text(), verdict)  # fmt: skip
        console.print(table)
    gaps = {row.expectation.known_gap for result in results for row in result.rows} - {None}
    for gap in sorted(gaps):
        console.print(f"(gap) {gap}")
    if report:
        write_scenario_report(results, report)
        console.print(f"wrote {report}")
    if any(row.grade.verdict == "poor" for result in results for row in result.rows):
        raise typer.Exit(code=1)


def _result_table(name: str, result) -> Table:
    """The resting grades, narrow enough for an 80-column terminal (the sources are in
    the HTML report)."""
    table = Table(title=f"{name}: resting values against the reference", title_justify="left")
    table.add_column("quantity", overflow="fold", max_width=36)
    table.add_column("model", justify="right", no_wrap=True)
    table.add_column("reference", no_wrap=True)
    table.add_column("error %", justify="right", no_wrap=True)
    table.add_column("grade", no_wrap=True)
    colour = {"good": "green", "fair": "yellow", "poor": "red"}
    for row in result.rows:
        target = row.target
        if target.has_range:
            reference = f"{target.range_min:g}–{target.range_max:g}"
        else:
            reference = f"{target.reference_value:.4g}"
        table.add_row(
            target.quantity + ("" if target.statistic == "mean" else f" ({target.statistic})"),
            f"{row.value:.4g}",
            f"{reference} {target.unit}",
            f"{row.grade.error_percent:.1f}",
            f"[{colour[row.grade.verdict]}]{row.grade.verdict}[/]",
        )
    return table


@app.command()
def patients() -> None:
    """List the named patients."""
    table = Table(title="Named patients", title_justify="left")
    for column in ("name", "sex", "age (y)", "height (cm)", "weight (kg)"):
        table.add_column(column, no_wrap=True)
    table.add_column("source")
    for name in named_patients():
        p = load_patient(name)
        table.add_row(
            p.name, p.sex, f"{p.age_years:g}", f"{p.height_cm:g}", f"{p.weight_kg:g}",
            (p.source or "").split(" (")[0],
        )  # fmt: skip
    console.print(table)


app.command("drugs")(drugs_command)
app.command("serve")(serve_command)
app.command("pk")(pk_command)

app.add_typer(glucose_app, name="glucose")
app.add_typer(trial_app, name="trial")
app.add_typer(hospital_app, name="hospital")
app.add_typer(twin_app, name="twin")
app.add_typer(case_app, name="case")
app.add_typer(xapi_app, name="xapi")
app.add_typer(learner_app, name="learner")
app.command("replay")(replay_command)
app.command("plan")(plan_command)
app.command("listen")(listen_command)

if __name__ == "__main__":
    app()
