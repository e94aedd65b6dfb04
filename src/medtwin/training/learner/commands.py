"""`medtwin learner ...`: a learner's next case and progress, from the statements store.

The model is replayed from every complete run in the store (all learners: the cases'
difficulties are learned from everyone's attempts). A learner is named as in `medtwin
case run --learner`: a name (an account on medtwin's home page) or mailto:. An unknown
learner, skill or case is one line naming it and what is known, exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from medtwin.terminal import check_output, fail
from medtwin.training.errors import CaseError
from medtwin.training.learner.elo import EloModel, fit
from medtwin.training.learner.evidence import attempts
from medtwin.training.learner.paths import TARGET_SUCCESS, CaseInfo, LearnerError, next_case
from medtwin.training.learner.progress import PASS_SCORE, plot_progress, progress
from medtwin.training.xapi.commands import StoreOption, open_store
from medtwin.training.xapi.statements import learner_agent, learner_key
from medtwin.training.xapi.store import DEFAULT_STORE_URL

learner_app = typer.Typer(
    help="Learner models: the next case, and progress per skill.", no_args_is_help=True
)
console = Console()
LearnerArgument = Annotated[
    str, typer.Argument(help="The learner: a name, or mailto:someone@site.")
]


def load_model(store: str, learner: str) -> tuple[EloModel, str]:
    """The model replayed from `store`, and `learner`'s key in it (refused if absent)."""
    if not learner.strip():
        raise fail("LEARNER '' is empty: give a name or mailto:someone@site")
    key = learner_key(learner_agent(learner))
    with open_store(store) as opened:
        model = fit(attempts(opened.statements()))
    if key not in model.learners():
        known = ", ".join(_shown(k) for k in model.learners()) or "none yet"
        raise fail(
            f"LEARNER {learner!r} has no complete run in {store} (learners: {known}); "
            f"run a case with --learner {learner} --store {store} first"
        )
    return model, key


def _shown(key: str) -> str:
    """A learner key as the user types it: the account's name, or the mbox."""
    return key.split("|", 1)[1] if "|" in key else key


def catalogue(names: list[str] | None) -> dict[str, CaseInfo]:
    """The candidate cases: these (bundled names or files), or every bundled case."""
    from medtwin.training.loading import bundled_cases, load_case

    chosen = names or sorted(bundled_cases())
    found = {}
    for spec in chosen:
        try:
            case = load_case(spec).case
        except CaseError as error:
            raise fail(f"--case {spec!r}: {error.problems[0].message}") from None
        skills = frozenset(o.skill_name for o in case.objectives)
        found[case.name] = CaseInfo(case.name, case.title, skills, case.difficulty)
    return found


@learner_app.command("next")
def next_command(
    learner: LearnerArgument,
    store: StoreOption = DEFAULT_STORE_URL,
    case: Annotated[
        list[str] | None,
        typer.Option(
            help="Choose among these cases (bundled names or files; default: all bundled)."
        ),
    ] = None,
    skill: Annotated[
        str | None, typer.Option(help="Train this skill (default: the weakest).")
    ] = None,
    target: Annotated[
        float, typer.Option(min=0.05, max=0.95, help="The expected score to aim for.")
    ] = TARGET_SUCCESS,
) -> None:
    """The case that best fits the learner's weakest skill at the right difficulty."""
    model, key = load_model(store, learner)
    try:
        pick = next_case(model, key, catalogue(case), target, skill)
    except LearnerError as error:
        raise fail(str(error)) from None
    console.print(
        f"next for {escape(learner)}: [bold]{pick.case.name}[/] ({escape(pick.case.title)})",
        highlight=False,
    )
    console.print(
        f"  skill {pick.skill}: rating {pick.theta:+.2f}; case difficulty {pick.difficulty:+.2f} "
        f"(level {pick.case.level}); expected score {pick.expected:.0%} (target {target:.0%}); "
        f"run {pick.runs} times before",
        highlight=False,
    )


@learner_app.command("progress")
def progress_command(
    learner: LearnerArgument,
    store: StoreOption = DEFAULT_STORE_URL,
    plot: Annotated[Path | None, typer.Option(help="The ratings over time (PNG).")] = None,
) -> None:
    """Mastery per skill: a table, and a plot with --plot."""
    check_output(plot, "--plot")
    model, key = load_model(store, learner)
    table = Table(
        title=f"{learner}: expected score on a middle case, by skill", title_justify="left"
    )
    for column in ("skill", "mastery", "rating", "runs", "last score", "change"):
        table.add_column(column, justify="left" if column == "skill" else "right")
    for row in progress(model, key):
        colour = "green" if row.mastery >= PASS_SCORE else "red"
        table.add_row(
            row.skill,
            f"[{colour}]{row.mastery:.0%}[/]",
            f"{row.theta:+.2f}",
            str(row.updates),
            f"{row.last_score:.0%}",
            f"{row.trend:+.0%}",
        )
    console.print(table)
    if plot:
        plot_progress(model, key, f"{learner}: skills over runs", plot)
        console.print(f"wrote {plot}")
