"""One job of a glucose trial: a chunk of the cohort through one arm's protocol."""

from __future__ import annotations

import numpy as np
import pandas as pd

from medtwin.glucose.generator import generate_virtual_patients
from medtwin.glucose.meals import parse_meals
from medtwin.glucose.parameters import VirtualPatients, load_virtual_patients
from medtwin.glucose.simulation import Scenario, simulate
from medtwin.trials.spec import GlucoseTrial


def cohort(trial: GlucoseTrial) -> VirtualPatients:
    """Every patient of the trial's cohort, in key order (the same on every worker)."""
    if trial.cohort.generated is not None:
        return generate_virtual_patients(trial.cohort.generated, trial.cohort.group,
                                         seed=trial.seed)  # fmt: skip
    return load_virtual_patients(trial.cohort.patients or "all")


def run_glucose_job(job: tuple[GlucoseTrial, int, list[int]]) -> pd.DataFrame:
    """Outcomes of the patients `keys` under arm `arm_index`: one row per patient."""
    trial, arm_index, keys = job
    arm = trial.arms[arm_index]
    meals = None if trial.meals.strip().lower() == "random" else parse_meals(trial.meals)
    scenario = Scenario(meals=meals, days=trial.days, controller=arm.controller,
                        sensor=arm.sensor, pump=arm.pump,
                        announce_meals=arm.announce_meals)  # fmt: skip
    patients = cohort(trial).take(np.asarray(keys))
    metrics = simulate(patients, scenario, seed=trial.seed, keys=keys).metrics()
    metrics.insert(0, "arm", arm.name)
    metrics.insert(1, "key", keys)
    return metrics[["arm", "key", "patient", *trial.outcomes]]
