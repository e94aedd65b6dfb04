"""Speed of the training runner, measured and printed (never asserted).

Run by hand:

    .venv/bin/python benchmarks/training.py            # every bundled case, best of 3
    .venv/bin/python benchmarks/training.py --repeat 1 # one run each

For each bundled case: the wall time of its best path run headless (coach off) from a
loaded case to the end of the run, best of `--repeat` after one warm-up run, with the
simulated time it covered, and the same path stretched to a full 20 minutes (the
issue's goal: a 20-minute case's best path in under 2 s); then a what-if replay of the
worst path forked at 60 s (goal: under 1 s); then the coach's look-ahead cost (`full`).
"""

from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.table import Table

from medtwin.training import bundled_cases, load_case
from medtwin.training.runner import CaseRun, run_case
from medtwin.training.whatif import what_if

TWENTY_MINUTES_S = 1200.0


def _best_of(repeat: int, work) -> float:
    work()  # warm-up: the drug library, the engine's caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _twenty_minutes(loaded, script):
    """The best path, then the twin kept running to 20 minutes of case time."""

    def work():
        run = CaseRun(loaded, script, "best")
        run.run()
        run.twin.advance(max(TWENTY_MINUTES_S - run.now_s, 0.0))

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    console = Console()
    table = Table(title="Best path, headless, coach off (wall seconds)", title_justify="left")
    for column in ("case", "simulated", "run", "to 20 min", "what-if at 60 s", "coach full"):
        table.add_column(column, justify="right" if column != "case" else "left")
    for name in sorted(bundled_cases()):
        loaded = load_case(name)
        best, worst = loaded.case.trainees["best"], loaded.case.trainees["worst"]
        simulated = run_case(loaded, best, "best").log.end.time_s
        run_s = _best_of(repeat, lambda loaded=loaded, best=best: run_case(loaded, best, "best"))
        twenty_s = _best_of(repeat, _twenty_minutes(loaded, best))
        worst_log = run_case(loaded, worst, "worst").log
        whatif_s = _best_of(
            repeat,
            lambda loaded=loaded, log=worst_log, order=best.actions[0].order: what_if(
                loaded, log, 60.0, order
            ),
        )
        coach_s = _best_of(
            repeat, lambda loaded=loaded, best=best: run_case(loaded, best, "best", "full")
        )
        table.add_row(
            name,
            f"{simulated:.0f} s",
            f"{run_s:.3f}",
            f"{twenty_s:.3f}",
            f"{whatif_s:.3f}",
            f"{coach_s:.3f}",
        )
    console.print(table)
    console.print("goals (issue 12): a 20-minute best path under 2 s; a what-if under 1 s")


if __name__ == "__main__":
    main()
