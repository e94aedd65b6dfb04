"""`medtwin trial run TRIAL.yaml` and `medtwin trial examples`.

Errors a user can cause are one line "error: ..." and exit code 2, as in medtwin.cli.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from medtwin.scale import ClusterError
from medtwin.terminal import fail
from medtwin.trials.spec import TrialError, load_trial
from medtwin.trials.summary import differences, summarise, summary_table

trial_app = typer.Typer(help="In-silico trials of cohorts on Dask.", no_args_is_help=True)
console = Console()


def bundled_trials() -> dict[str, Path]:
    """The example trials shipped with medtwin, by name."""
    folder = resources.files("medtwin.trials") / "examples"
    return {Path(item.name).stem: Path(str(item)) for item in folder.iterdir()
            if item.name.endswith(".yaml")}  # fmt: skip


@trial_app.command("examples")
def examples_command() -> None:
    """List the bundled example trials."""
    for name, path in sorted(bundled_trials().items()):
        console.print(f"{name}  [dim]{path}[/]")


@trial_app.command("run")
def run_command(
    trial_file: Annotated[str, typer.Argument(help="TRIAL.yaml, or a bundled trial's name.")],
    cluster: Annotated[str, typer.Option(help="local, serial or tcp://host:port.")] = "local",
    workers: Annotated[int | None, typer.Option(help="LocalCluster workers.")] = None,
    cohort_size: Annotated[
        int | None, typer.Option(help="Override the size of a generated cohort.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Results (Parquet), one row a patient and arm; default NAME.parquet."),
    ] = None,
    summary_out: Annotated[Path | None, typer.Option("--summary", help="Summary CSV.")] = None,
    differences_out: Annotated[
        Path | None,
        typer.Option(
            "--differences", help="CSV of each arm's paired difference from the reference arm."
        ),
    ] = None,
) -> None:
    """Run every arm of a trial over its cohort and summarise the outcomes per arm."""
    from medtwin.trials.runner import resize, run_trial  # loads the engine: only when run

    path = bundled_trials().get(trial_file, Path(trial_file))
    try:
        trial = load_trial(path)
        if cohort_size is not None:
            trial = resize(trial, cohort_size)
    except TrialError as error:
        raise fail(str(error)) from None
    out = out or Path(f"{trial.name}.parquet")
    targets = (("--out", out), ("--summary", summary_out), ("--differences", differences_out))
    for option, target in targets:
        if target is not None and not target.parent.resolve().is_dir():
            raise fail(f"{option} {target}: folder {target.parent} does not exist")
    with Progress(TextColumn(f"[bold]{trial.name}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("jobs"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task("trial", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            results = run_trial(trial, cluster=cluster, workers=workers, progress=progress)
        except (TrialError, ClusterError) as error:
            raise fail(str(error)) from None
    results.to_parquet(out, index=False)
    summary = summarise(results, trial.outcomes)
    size = trial.cohort.size()
    console.print(summary_table(summary, f"{trial.name}: {size} patients × "
                                         f"{len(trial.arms)} arms"))  # fmt: skip
    _print_exclusions(results, size)
    reference = trial.reference()
    paired = differences(results, trial.outcomes, reference)
    shown = paired[paired["n"] > 0] if len(paired) else paired  # (no doses in a control arm)
    if len(shown):
        shown = shown.assign(arm=shown["arm"] + f" − {reference}")
        console.print(summary_table(shown, f"paired differences from {reference} "
                                           "(same patients)"))  # fmt: skip
    written = [str(out)]
    for target, frame in ((summary_out, summary), (differences_out, paired)):
        if target:
            frame.to_csv(target, index=False, float_format="%.6g")
            written.append(str(target))
    console.print(f"wrote {', '.join(written)}")


def _print_exclusions(results, size: int) -> None:
    """One line per refused order for which patients were excluded (cardiopulmonary
    trials), with the first patient's reason as an example (reasons differ by the
    patient's own values, e.g. their BMI)."""
    if "excluded" not in results:
        return
    excluded = results[results["excluded"] != ""].drop_duplicates("key")
    refused = excluded["excluded"].str.partition(": ")
    for order, reasons in refused.groupby(0, sort=False)[2]:
        console.print(f"excluded {len(reasons)} of {size} patients: {order} refused "
                      f"(e.g. {reasons.iloc[0]})")  # fmt: skip
