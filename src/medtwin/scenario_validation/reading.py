"""How the scenario validations read a run: the baseline window, when the first order
comes, and the two measures most expectations use (a window's mean, and its ratio to
the baseline)."""

from __future__ import annotations

from collections.abc import Callable

from medtwin.scenario_validation.model import Run

BASELINE = (0.0, 60.0)
START_S = 60.0


def ratio(signal: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """The mean of `signal` over [start_s, end_s] divided by its baseline mean."""

    def measure(run: Run) -> float:
        return run.window(signal, start_s, end_s) / run.window(signal, *BASELINE)

    return measure


def change(signal: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """The mean of `signal` over [start_s, end_s] less its baseline mean."""
    return lambda run: run.window(signal, start_s, end_s) - run.window(signal, *BASELINE)


def value(signal: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """The mean of `signal` over [start_s, end_s]."""
    return lambda run: run.window(signal, start_s, end_s)
