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


def ratio_to(
    signal: str, window: tuple[float, float], reference: tuple[float, float]
) -> Callable[[Run], float]:
    """The mean of `signal` over `window` divided by its mean over `reference` (for a
    protocol whose own baseline comes after the run's start)."""
    return lambda run: run.window(signal, *window) / run.window(signal, *reference)


def change_from(
    signal: str, window: tuple[float, float], reference: tuple[float, float]
) -> Callable[[Run], float]:
    """The mean of `signal` over `window` less its mean over `reference`."""
    return lambda run: run.window(signal, *window) - run.window(signal, *reference)


def change(signal: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """The mean of `signal` over [start_s, end_s] less its baseline mean."""
    return lambda run: run.window(signal, start_s, end_s) - run.window(signal, *BASELINE)


def value(signal: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """The mean of `signal` over [start_s, end_s]."""
    return lambda run: run.window(signal, start_s, end_s)
