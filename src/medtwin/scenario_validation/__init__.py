"""Scenario validations: timed protocols whose outcome is graded against the literature.

Like the validation suites of the best physiology engines, each scenario is a protocol
(insults, drugs, fluids, at times), the signals to read, and the published range each
should fall in; each is graded good / fair / poor by the shared reference README's rule
(`medtwin.validation.grade`). `medtwin validate --scenarios` runs them all.
"""

from medtwin.scenario_validation.model import Expectation, Scenario, ScenarioResult
from medtwin.scenario_validation.runner import run_scenario, run_scenarios

__all__ = ["Expectation", "Scenario", "ScenarioResult", "run_scenario", "run_scenarios"]
