"""One job of a cardiopulmonary trial: a chunk of generated adults through every arm.

The chunk's patients are settled at rest together and given the `at_start` orders (e.g.
a propofol induction bolus) at time 0, then copied once per arm into one `CohortBatch`
(rows arm by arm), so the compiled kernel advances every arm's copy of every patient in
the same call. Each row is the patient `Twin(patient, seed=...)` would be, given the
same orders: the `at_start` ones, then the arm's vasopressor by the rescue rule - when
the mean arterial pressure, checked every `CHECK_S` seconds, falls below the threshold
(or at a fixed minute), repeated no sooner than `repeat_after_min` and at most
`max_doses` times. MAP < 65 mmHg is the usual intraoperative hypotension threshold
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

from medtwin import generate_population
from medtwin.actions import parse_order
from medtwin.physiology.batch import RECORD_INTERVAL_S
from medtwin.physiology.layout import M
from medtwin.trials.cohort import CohortBatch, RestingCohort
from medtwin.trials.spec import CardioTrial

CHECK_S = 10.0
SECONDS_PER_MIN = 60.0
HYPOTENSION_mmHg = 65.0
SOURCES = ("walsh2013",)
"""Bibliography keys of this module's figures (the MAP < 65 mmHg threshold)."""


def cohort_seed(trial: CardioTrial, key: int) -> int:
    """The twin seed of patient `key` (the same in every arm: paired comparisons)."""
    return int(np.random.SeedSequence([trial.seed, key]).generate_state(1)[0])


def run_cardio_job(job: tuple[CardioTrial, list[int], int | None]) -> pd.DataFrame:
    """Outcomes of the patients `keys` in every arm: one row per arm and patient, arm
    by arm. `threads` caps the kernel's threads (1 on a Dask worker, which is one core)."""
    trial, keys, threads = job
    population = generate_population(trial.cohort.generated, seed=trial.seed,
                                     age_range=trial.cohort.age_range)  # fmt: skip
    patients = [population[key] for key in keys]
    started = CohortBatch(RestingCohort.settle(patients, [cohort_seed(trial, k) for k in keys]))
    reasons = start_protocol(started, trial)
    included = [i for i, reason in enumerate(reasons) if not reason]
    place = {i: position for position, i in enumerate(included)}  # its row in each arm
    outcomes = {}
    if included:
        outcomes = _run_arms(trial, started.take(included * len(trial.arms), threads))
    rows = []
    for arm_index, arm in enumerate(trial.arms):
        for i, (key, patient) in enumerate(zip(keys, patients, strict=True)):
            row = {"arm": arm.name, "key": key, "patient": patient.name, "excluded": reasons[i]}
            if reasons[i]:
                rows.append(row | dict.fromkeys(trial.outcomes, np.nan))
                continue
            batch_row = arm_index * len(included) + place[i]
            rows.append(row | {name: outcomes[name][batch_row] for name in trial.outcomes})
    return pd.DataFrame(rows)


def start_protocol(cohort: CohortBatch, trial: CardioTrial) -> list[str]:
    """Give every row the trial's `at_start` orders (once, before the arms are copied
    from it: a drug's PK is worked out once per patient), and say why a row cannot take
    the trial's orders ("" if it can): a refused `at_start` order, or an arm's
    vasopressor refused when tried on a copy of the row."""
    at_start = [parse_order(text) for text in trial.at_start]
    rescue = [parse_order(arm.vasopressor) for arm in trial.arms if arm.vasopressor]
    reasons = []
    for row in range(len(cohort)):
        reason = cohort.give_all(row, at_start)
        reasons.append(reason or (cohort.refusal(row, rescue) if rescue else ""))
    return reasons


def _run_arms(trial: CardioTrial, cohort: CohortBatch) -> dict:
    """Every outcome for every row of `cohort` (rows arm by arm, the same patients in
    each arm, the `at_start` orders given), as arrays over the rows."""
    per_arm = len(cohort) // len(trial.arms)
    rescue = [trial.arms[row // per_arm].vasopressor for row in range(len(cohort))]
    vitals, doses = _run_with_rescue(cohort, trial, rescue)
    return vitals.outcomes() | {
        "vasopressor_doses": np.array([float(len(given)) for given in doses]),
        "first_dose_min": np.array([given[0] if given else np.nan for given in doses]),
    }


def _run_with_rescue(
    cohort: CohortBatch, trial: CardioTrial, orders: list[str | None]
) -> tuple[VitalSigns, list[list[float]]]:
    """Advance to the end of the trial, giving each row its order by the rescue rule:
    the vitals' summaries and the minutes of each row's doses."""
    rule, end_s = trial.rescue, trial.duration_min * SECONDS_PER_MIN
    actions = {text: parse_order(text) for text in set(orders) if text}
    doses: list[list[float]] = [[] for _ in range(len(cohort))]
    vitals = VitalSigns(len(cohort))
    while cohort.time_s < end_s - 1e-9:
        vitals.add(cohort.advance(min(CHECK_S, end_s - cohort.time_s)))
        minute = cohort.time_s / SECONDS_PER_MIN
        pressure = cohort.batch.monitors[:, M.mean_arterial_pressure]
        for row, order in enumerate(orders):
            given = doses[row]
            if order is None or len(given) >= rule.max_doses:
                continue
            if given and minute - given[-1] < rule.repeat_after_min - 1e-9:
                continue
            low = rule.when_map_below_mmHg is not None and pressure[row] < rule.when_map_below_mmHg
            due = rule.at_min is not None and not given and minute >= rule.at_min - 1e-9
            if low or due:
                cohort.apply(row, actions[order])
                given.append(minute)
    return vitals, doses


class VitalSigns:
    """Running summaries of each row's 1 Hz mean arterial pressure and heart rate."""

    def __init__(self, rows: int) -> None:
        self.min_map = np.full(rows, np.inf)
        self.final_map = np.full(rows, np.nan)
        self.seconds_below_65 = np.zeros(rows)
        self.max_rate = np.full(rows, -np.inf)
        self.min_rate = np.full(rows, np.inf)

    def add(self, history: np.ndarray) -> None:
        """Take in the records (rows, records, signals) of one advance."""
        if not history.shape[1]:
            return
        pressure = history[:, :, M.mean_arterial_pressure]
        rate = history[:, :, M.heart_rate]
        self.min_map = np.minimum(self.min_map, pressure.min(axis=1))
        self.final_map = pressure[:, -1]
        below = np.sum(pressure < HYPOTENSION_mmHg, axis=1)
        self.seconds_below_65 += below * RECORD_INTERVAL_S
        self.max_rate = np.maximum(self.max_rate, rate.max(axis=1))
        self.min_rate = np.minimum(self.min_rate, rate.min(axis=1))

    def outcomes(self) -> dict[str, np.ndarray]:
        """The vital-sign outcomes of `spec.CARDIO_OUTCOMES`, by name."""
        return {
            "min_map_mmHg": self.min_map,
            "time_map_below_65_min": self.seconds_below_65 / SECONDS_PER_MIN,
            "final_map_mmHg": self.final_map,
            "max_heart_rate_per_min": self.max_rate,
            "min_heart_rate_per_min": self.min_rate,
        }
