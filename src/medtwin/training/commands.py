"""`medtwin case ...`: validate, list, run, score and what-if training cases.

Errors a user can cause (a missing file, an unknown trainee, a bad option) are one line
"error: ..." and exit code 2, as in medtwin.cli. `validate` prints every problem of a
case, one a line with its line and path, and exits 1 if there is any; `run` exits 0
when the run passes the case's gates and 1 when it fails them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from medtwin.terminal import check_output, fail
from medtwin.training.coach import MODES
from medtwin.training.errors import CaseError
from medtwin.training.loading import bundled_cases, load_case, load_script
from medtwin.training.times import clock

case_app = typer.Typer(help="Training cases: validate, run, score, what-if.", no_args_is_help=True)
console = Console()
CaseArgument = Annotated[str, typer.Argument(help="A bundled case's name or a case YAML file.")]


@case_app.command("validate")
def validate_command(
    files: Annotated[list[str], typer.Argument(help="Case files (or bundled names) to check.")],
) -> None:
    """Check case files; print every problem with its line and path; exit 1 if any."""
    bad = False
    for spec in files:
        try:
            loaded = load_case(spec)
        except CaseError as error:
            bad = True
            for line in error.lines():
                console.print(escape(line), highlight=False, soft_wrap=True)
            continue
        console.print(f"{escape(spec)}: valid ({escape(loaded.case.title)})", highlight=False)
    if bad:
        raise typer.Exit(code=1)


@case_app.command("list")
def list_command(
    names: Annotated[bool, typer.Option("--names", help="One name a line, nothing else.")] = False,
) -> None:
    """List the bundled cases."""
    cases = sorted(bundled_cases())
    if names:
        for name in cases:
            typer.echo(name)
        return
    table = Table(title="Bundled cases", title_justify="left")
    for column in ("name", "title", "difficulty", "audience", "tags"):
        table.add_column(column, overflow="fold")
    for name in cases:
        case = load_case(name).case
        table.add_row(
            name, case.title, str(case.difficulty), ", ".join(case.audience), ", ".join(case.tags)
        )
    console.print(table)


@case_app.command("run")
def run_command(
    case: CaseArgument,
    trainee: Annotated[
        str,
        typer.Option(
            help="best, worst (the case's scripts), another of its scripts, or TRAINEE.yaml."
        ),
    ] = "best",
    report: Annotated[
        Path | None, typer.Option(help="Debrief report (self-contained HTML).")
    ] = None,
    log: Annotated[
        Path | None, typer.Option(help="Run log (JSON lines), for scoring again and what-ifs.")
    ] = None,
    coach: Annotated[str, typer.Option(help=f"Coach: {', '.join(MODES)}.")] = "off",
    xapi: Annotated[
        Path | None, typer.Option(help="xAPI 1.0.3 statements of the run (JSON lines).")
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            help="Keep the statements in this store (a SQLAlchemy URL, e.g. "
            "sqlite:///medtwin-xapi.db)."
        ),
    ] = None,
    learner: Annotated[
        str | None,
        typer.Option(
            help="Who ran it: a name, or mailto:someone@site (default: the script's name)."
        ),
    ] = None,
    started_at: Annotated[
        str | None,
        typer.Option(help="When the session started, ISO 8601 with a zone (default: now)."),
    ] = None,
) -> None:
    """Run a case headless with a scripted trainee; exit 0 if it passes its gates, 1 if not."""
    from medtwin.training.runner import run_case
    from medtwin.training.scoring import score_run
    from medtwin.training.xapi.commands import learning_records, session_for

    check_output(report, "--report")
    check_output(log, "--log")
    check_output(xapi, "--xapi")
    session = session_for(learner or Path(trainee).stem, started_at) if xapi or store else None
    if coach not in MODES:
        raise fail(f"--coach {coach!r} is not one of: {', '.join(MODES)}")
    loaded = _load(case)
    if trainee in loaded.case.trainees:
        script, name = loaded.case.trainees[trainee], trainee
    elif trainee.endswith((".yaml", ".yml")) or Path(trainee).exists():
        try:
            script, name = load_script(trainee, loaded), trainee
        except CaseError as error:
            raise fail(str(error)) from None
    else:
        known = ", ".join(loaded.case.trainees) or "none"
        raise fail(
            f"--trainee {trainee!r} is not a script of {loaded.case.name} ({known}) nor a file"
        )
    result = run_case(loaded, script, name, coach)  # type: ignore[arg-type]
    score = score_run(loaded.case, result.log)
    print_score(loaded.case, score, result.log)
    if log:
        log.write_text(result.log.to_json_lines(), encoding="utf-8")
        console.print(f"wrote {log}")
    if session is not None:
        learning_records(loaded, result.log, score, session, xapi, store)
    _report_and_verdict(loaded, result.log, score, report)


@case_app.command("score")
def score_command(
    run: Annotated[Path, typer.Argument(help="A run log written by `medtwin case run --log`.")],
    case: Annotated[
        str | None, typer.Option(help="Score against this case (default: the run's).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Debrief report (self-contained HTML).")
    ] = None,
) -> None:
    """Score a run log again, from the log alone (e.g. after its case changed)."""
    from medtwin.training.scoring import score_run

    check_output(report, "--report")
    log = read_run(run)
    loaded = _load(case or log.start["case_label"])
    if loaded.sha256 != log.start.get("case_sha256"):
        console.print(
            "[yellow]note:[/] the case has changed since this run; scoring it as it is now"
        )
    score = score_run(loaded.case, log)
    print_score(loaded.case, score, log)
    _report_and_verdict(loaded, log, score, report)


@case_app.command("whatif")
def whatif_command(
    run: Annotated[Path, typer.Argument(help="A run log written by `medtwin case run --log`.")],
    at: Annotated[str, typer.Option(help="When to fork the run: seconds or e.g. '3 min'.")],
    action: Annotated[
        str, typer.Option(help='The order to give then, e.g. "epinephrine 1 mg IV bolus".')
    ],
    report: Annotated[Path | None, typer.Option(help="Both runs side by side (HTML).")] = None,
    alone: Annotated[
        bool, typer.Option("--alone", help="Leave out the trainee's later actions in the what-if.")
    ] = False,
) -> None:
    """Fork a run at a moment, give another action, and compare both courses."""
    from medtwin.training.times import to_seconds
    from medtwin.training.whatif import what_if, write_what_if

    check_output(report, "--report")
    try:
        at_s = to_seconds(at)
    except ValueError as error:
        raise fail(f"--at {at!r} {error}") from None
    log = read_run(run)
    loaded = _load(log.start["case_label"])
    if loaded.sha256 != log.start.get("case_sha256"):
        console.print("[yellow]note:[/] the case has changed since this run; the replay may differ")
    try:
        result = what_if(loaded, log, at_s, action, alone)
    except CaseError as error:
        raise fail(str(error)) from None
    for title, score, result_log in (
        ("as it was", result.original_score, result.original.log),
        (f"what if: {action} at {clock(at_s)}", result.changed_score, result.changed.log),
    ):
        verdict = "[green]PASS[/]" if score.passed else "[red]FAIL[/]"
        console.print(
            f"{escape(title)}: {verdict}, score {score.total:.0%}, patient "
            f"{'alive' if score.alive else 'dead'}, ended {clock(result_log.end.time_s)}"
        )
        if score.gate_failures:
            console.print(f"  gates failed: {', '.join(score.gate_failures)}")
    if report:
        write_what_if(loaded, result, report)
        console.print(f"wrote {report}")


@case_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the case format (for editors)."""
    from medtwin.training.schema import shipped_schema_text

    typer.echo(shipped_schema_text(), nl=False)


def _report_and_verdict(loaded, log, score, report: Path | None) -> None:
    """Write the debrief if asked, and exit 1 if the run failed its gates."""
    if report:
        from medtwin.training.debrief import write_debrief

        write_debrief(loaded, log, score, report)
        console.print(f"wrote {report}")
    if not score.passed:
        raise typer.Exit(code=1)


def _load(spec: str):
    try:
        return load_case(spec)
    except CaseError as error:
        raise fail(str(error)) from None


def read_user_file(path: Path, what: str) -> str:
    """The text of a file the user named, or a one-line error naming it and `what` it is."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise fail(f"{path}: cannot read the {what} ({reason})") from None


def read_run(path: Path):
    from medtwin.training.runlog import RunLog

    text = read_user_file(path, "run log")
    try:
        return RunLog.from_json_lines(text, str(path))
    except CaseError as error:
        raise fail(str(error)) from None


def print_score(case, score, log) -> None:
    """The run's verdict, its expected actions and its gates, at the terminal."""
    end = log.end
    verdict = "[green]PASS[/]" if score.passed else "[red]FAIL[/]"
    console.print(
        f"{escape(case.title)}: {verdict}, score {score.total:.0%} (pass {score.pass_score:.0%}), "
        f"patient {'alive' if score.alive else 'dead'}"
        + (f", ended {clock(end.time_s)} ({escape(end['reason'])})" if end else "")
    )
    table = Table(title_justify="left")
    for column in ("phase", "expected action", "class", "result", "at"):
        table.add_column(column, overflow="fold")
    colour = {
        "on time": "green",
        "late": "yellow",
        "early": "yellow",
        "missed": "red",
        "penalised": "red",
        "avoided": "green",
    }
    for result in score.actions:
        if result.status == "not due":
            continue
        at = "" if result.time_s is None else clock(result.time_s)
        shown = f"[{colour.get(result.status, 'dim')}]{result.status}[/]"
        table.add_row(result.phase, escape(result.item.text), result.item.action_class, shown, at)
    console.print(table)
    for error in score.errors:
        when = "" if error.time_s is None else f" at {clock(error.time_s)}"
        console.print(f"[red]critical error[/] {error.id}{when}: {escape(error.text)}")
    if score.gate_failures:
        console.print(f"gates failed: {', '.join(score.gate_failures)}")
