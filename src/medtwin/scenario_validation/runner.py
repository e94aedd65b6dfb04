"""Run scenarios and grade them."""

from __future__ import annotations

from collections.abc import Iterable

from medtwin.patients import load_patient
from medtwin.scenario_validation.model import Run, Scenario, ScenarioResult, graded


def run_scenario(scenario: Scenario, seed: int = 0) -> ScenarioResult:
    """Play `scenario` on a fresh twin and grade every expectation."""
    from medtwin.twin import Twin

    patient = load_patient(scenario.patient)
    if scenario.overrides:
        patient = patient.model_copy(
            update={"overrides": {**patient.overrides, **scenario.overrides}}
        )
    twin = Twin(patient, seed=seed if scenario.seed is None else scenario.seed, waveform_seconds=0)
    twin.run(scenario.protocol(twin), until=scenario.duration_s, source="scenario")
    run = Run(twin.history(), twin.rhythm_history(), twin)
    rows = tuple(graded(expectation, run) for expectation in scenario.expectations)
    return ScenarioResult(scenario, rows, run)


def run_scenarios(scenarios: Iterable[Scenario], seed: int = 0) -> list[ScenarioResult]:
    return [run_scenario(scenario, seed) for scenario in scenarios]
