"""What-if replay: from a moment of a run, fork the twin and give another action.

The run is played again from its log (the trainee's orders and the instructor's events
at their logged times: the engine is deterministic, so the replay is the run) up to
`at`; there the run forks itself (`CaseRun.fork`, the twin from its snapshot), the fork
is given the new action, and both go on to their ends: the fork with the trainee's
later actions as they were, or with none (`alone`: "had you done this and nothing
else"). Both are scored; the report shows their vitals on the same charts and their
results side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medtwin.training.checks import order_problem
from medtwin.training.debrief import CSS, e, expected_table, objectives_table, timeline_html
from medtwin.training.errors import CaseError, Problem
from medtwin.training.loading import LoadedCase
from medtwin.training.runlog import RunLog
from medtwin.training.runner import CaseRun, RunResult, script_from_log
from medtwin.training.scoring import Score, score_run
from medtwin.training.times import clock


@dataclass(frozen=True)
class WhatIf:
    """The run as it was (replayed) and as it would have been."""

    at_s: float
    order: str
    original: RunResult
    changed: RunResult
    original_score: Score
    changed_score: Score


def what_if(
    loaded: LoadedCase, log: RunLog, at_s: float, order: str, alone: bool = False
) -> WhatIf:
    """Replay `log` to `at_s`, fork, give `order` in the fork, and run both to the end."""
    end = log.end
    if end is not None and at_s > end.time_s:
        raise CaseError(
            [Problem("", f"--at {clock(at_s)} is after the run ended ({clock(end.time_s)})")],
            "what-if",
        )
    if problem := order_problem(order, loaded.patient):
        raise CaseError([Problem("", f"--action {order!r}: {problem}")], "what-if")
    script = script_from_log(log)
    run = CaseRun(
        loaded, script, f"replay of {log.start.get('trainee')}", log.start.get("coach", "off")
    )
    run.run(until_s=at_s)
    fork = run.fork()
    fork.trainee = f"what-if: {order} at {clock(at_s)}"
    if alone:
        fork.drop_pending()
    fork.give(order, note="what-if")
    original, changed = run.run(), fork.run()
    return WhatIf(
        at_s,
        order,
        original,
        changed,
        score_run(loaded.case, original.log),
        score_run(loaded.case, changed.log),
    )


def _column(title: str, score: Score, log: RunLog) -> str:
    end = log.end
    ended = f"ended {clock(end.time_s)} ({e(end['reason'])})" if end else ""
    verdict = "PASS" if score.passed else "FAIL"
    return (
        f"<div><h3>{e(title)}</h3>"
        f"<p class='verdict {'good' if score.passed else 'poor'}'>{verdict}: "
        f"{score.total:.0%}, patient {'alive' if score.alive else 'dead'}, {ended}</p>"
        f"{objectives_table(score)}{expected_table(score)}</div>"
    )


def what_if_html(loaded: LoadedCase, result: WhatIf) -> str:
    label = f"what if: {result.order} at {clock(result.at_s)}"
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>What if: {e(loaded.case.title)}</title>"
        f"<style>{CSS}</style><h1>What if: {e(loaded.case.title)}</h1>"
        f"<p>At {clock(result.at_s)} the run was forked and given <b>{e(result.order)}</b>. "
        f"Solid: the run as it was; dashed red: {e(label)}.</p>"
        f"{timeline_html(result.original.log, result.changed.log, label)}"
        f"<div class='pair'>{_column('As it was', result.original_score, result.original.log)}"
        f"{_column(label, result.changed_score, result.changed.log)}</div></html>"
    )


def write_what_if(loaded: LoadedCase, result: WhatIf, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(what_if_html(loaded, result), encoding="utf-8")
    return path
