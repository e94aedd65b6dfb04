"""Accuracy of the production step (5 ms) against a ten-times finer one (0.5 ms).

Requirement (the engine's issue, and `batch.STEP_S`'s docstring): at 5 ms, systolic and
diastolic pressure and cardiac output are within 0.5 % of the 0.5 ms run. The standard
male is run with his random beat and breath variability off, so the runs differ only by
their step: each step size is settled from scratch with that step
(`resting_states(params, step_s)`), then run for 120 s, and the means over the 120 s
window are compared.
"""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import load_patient
from medtwin.physiology.batch import STEP_S, Batch
from medtwin.physiology.layout import DEVICE_SIGNALS, M
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states

FINE_STEP_S = STEP_S / 10
DOUBLE_STEP_S = STEP_S * 2
RUN_S = 120.0
TOLERANCE = 0.005
CHECKED = ("systolic_bp", "diastolic_bp", "cardiac_output")


@pytest.fixture(scope="module")
def window_means() -> dict[float, dict[str, float]]:
    """Mean of each checked signal over 120 s, per step size."""
    patient = load_patient("standard-male").model_copy(
        update={"overrides": {"HEART_PERIOD_CV": 0.0, "BREATH_PERIOD_CV": 0.0}}
    )
    params = parameters_for(patient)
    means = {}
    for step_s in (DOUBLE_STEP_S, STEP_S, FINE_STEP_S):
        settled, state, monitors = resting_states(params, step_s)
        history = Batch(settled, state, monitors, step_s).advance(RUN_S).history[0]
        assert history.shape[0] == int(RUN_S)
        measured = [m for m in M if m.name not in DEVICE_SIGNALS]  # no ventilator
        assert np.isfinite(history[:, measured]).all()
        means[step_s] = {name: float(history[:, M[name]].mean()) for name in CHECKED}
    return means


def _relative_error(means, step_s: float, name: str) -> float:
    reference = means[FINE_STEP_S][name]
    return abs(means[step_s][name] - reference) / abs(reference)


@pytest.mark.parametrize("name", CHECKED)
def test_production_step_is_within_half_a_percent_of_a_tenfold_finer_step(window_means, name):
    """|mean(5 ms) - mean(0.5 ms)| <= 0.5 % of mean(0.5 ms) (issue requirement)."""
    error = _relative_error(window_means, STEP_S, name)
    assert error <= TOLERANCE, (
        f"{name}: {window_means[STEP_S][name]:.4f} at {STEP_S * 1e3:g} ms, "
        f"{window_means[DOUBLE_STEP_S][name]:.4f} at {DOUBLE_STEP_S * 1e3:g} ms, "
        f"{window_means[FINE_STEP_S][name]:.4f} at {FINE_STEP_S * 1e3:g} ms: "
        f"{100 * error:.3f} % off at the production step"
    )


@pytest.mark.parametrize("name", ["diastolic_bp"])
def test_a_coarser_step_is_further_from_the_fine_run(window_means, name):
    """Doubling the step to 10 ms moves the result further from the 0.5 ms run: the
    agreement at 5 ms comes from convergence, not from a step-independent error.

    Not systolic pressure: a beat's maximum is sampled at the steps, and that sampling
    error (a few hundredths of a per cent, below the integration error's) changes sign
    with the step, so its ordering says nothing about convergence. Nor cardiac output:
    its error at either step (0.01-0.1 %) is below the wander of its 2-minute mean
    from one window to the next (up to 0.08 % over 10 min at 5 ms, from the slow
    interplay of breathing and heart rate), so its ordering is chance."""
    production = _relative_error(window_means, STEP_S, name)
    coarse = _relative_error(window_means, DOUBLE_STEP_S, name)
    assert coarse > production, (
        f"{name}: {100 * production:.4f} % off at 5 ms, {100 * coarse:.4f} % at 10 ms"
    )
