"""One job of a cardiopulmonary trial: a chunk of generated adults through one arm.

Each patient is a `Twin(patient, seed=...)` of the public API: the `at_start` orders
(e.g. a propofol induction bolus) at time 0, then the arm's vasopressor by the rescue
rule - when the mean arterial pressure, checked every `CHECK_S` seconds, falls below
the threshold (or at a fixed minute), repeated no sooner than `repeat_after_min` and at
most `max_doses` times. MAP < 65 mmHg is the usual intraoperative hypotension threshold
(Walsh M, Devereaux PJ, Garg AX, et al. Relationship between intraoperative mean
arterial pressure and clinical outcomes after noncardiac surgery. Anesthesiology
2013;119:507–515).

A patient for whom any order of the trial is refused (say a dose model whose covariate
formula does not hold for their build, such as the James lean body mass above a BMI of
about 36 kg/m² in women) is excluded from every arm, as a trial's exclusion criteria
would: the row keeps its key with the reason in `excluded` and no outcomes, so the arms
stay paired on the same patients.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from medtwin import Twin, generate_population
from medtwin.trials.spec import CardioTrial

CHECK_S = 10.0
SECONDS_PER_MIN = 60.0
HYPOTENSION_mmHg = 65.0


def cohort_seed(trial: CardioTrial, key: int) -> int:
    """The twin seed of patient `key` (the same in every arm: paired comparisons)."""
    return int(np.random.SeedSequence([trial.seed, key]).generate_state(1)[0])


def run_cardio_job(job: tuple[CardioTrial, int, list[int]]) -> pd.DataFrame:
    """Outcomes of the patients `keys` under arm `arm_index`: one row per patient."""
    trial, arm_index, keys = job
    arm = trial.arms[arm_index]
    population = generate_population(trial.cohort.generated, seed=trial.seed,
                                     age_range=trial.cohort.age_range)  # fmt: skip
    rows = []
    for key in keys:
        twin = Twin(population[key], seed=cohort_seed(trial, key), waveform_seconds=0.0)
        row = {"arm": arm.name, "key": key, "patient": twin.patient.name}
        reason = exclusion_reason(twin, trial)
        if reason:
            rows.append(row | {"excluded": reason} | dict.fromkeys(trial.outcomes, np.nan))
            continue
        for order in trial.at_start:
            twin.apply(order, source="trial protocol")
        doses = _run_with_rescue(twin, trial, arm.vasopressor)
        history = twin.history()
        pressure = history["mean_arterial_pressure"].to_numpy()
        heart_rate = history["heart_rate"].to_numpy()
        step_min = float(np.diff(history["time_s"].to_numpy()[:2])[0]) / SECONDS_PER_MIN
        outcomes = {
            "min_map_mmHg": pressure.min(),
            "time_map_below_65_min": float(np.sum(pressure < HYPOTENSION_mmHg) * step_min),
            "final_map_mmHg": pressure[-1],
            "max_heart_rate_per_min": heart_rate.max(),
            "min_heart_rate_per_min": heart_rate.min(),
            "vasopressor_doses": float(len(doses)),
            "first_dose_min": doses[0] if doses else np.nan,
        }
        rows.append(row | {"excluded": ""} | {name: outcomes[name] for name in trial.outcomes})
    return pd.DataFrame(rows)


def exclusion_reason(twin: Twin, trial: CardioTrial) -> str:
    """Why `twin` cannot take the trial's orders ("" if it can): every order of the
    protocol and of every arm is tried, in turn, on a copy of the twin at the start."""
    trying = twin.fork()
    orders = [*trial.at_start, *(arm.vasopressor for arm in trial.arms if arm.vasopressor)]
    for order in orders:
        try:
            trying.apply(order, source="trial eligibility")
        except ValueError as refused:
            return f"{order}: {str(refused).splitlines()[0]}"
    return ""


def _run_with_rescue(twin: Twin, trial: CardioTrial, order: str | None) -> list[float]:
    """Advance to the end of the trial, giving `order` by the rescue rule; dose minutes."""
    rule, end_s = trial.rescue, trial.duration_min * SECONDS_PER_MIN
    doses: list[float] = []
    while twin.time_s < end_s - 1e-9:
        twin.advance(min(CHECK_S, end_s - twin.time_s))
        minute = twin.time_s / SECONDS_PER_MIN
        if order is None or len(doses) >= rule.max_doses:
            continue
        if doses and minute - doses[-1] < rule.repeat_after_min - 1e-9:
            continue
        low = (
            rule.when_map_below_mmHg is not None
            and twin.vitals()["mean_arterial_pressure"] < rule.when_map_below_mmHg
        )
        due = rule.at_min is not None and not doses and minute >= rule.at_min - 1e-9
        if low or due:
            twin.apply(order, source="trial rescue")
            doses.append(minute)
    return doses
