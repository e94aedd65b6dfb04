"""Run a trial: every arm over the cohort, in chunks fanned out by `medtwin.scale.run_jobs`.

Patients keep their key (their place in the cohort) and their random streams in every
arm, so arms are compared on the same virtual patients, and the result table is the
same whatever the number of workers or the chunk size.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from medtwin import Twin
from medtwin.scale import run_jobs
from medtwin.trials.cardio_arm import run_cardio_job
from medtwin.trials.glucose_arm import run_glucose_job
from medtwin.trials.spec import CardioTrial, Trial, TrialError

CHUNK_PATIENTS = {"glucose": 50, "cardiopulmonary": 25}
"""Patients per job: enough to amortise a job's start, few enough to spread the load
(a cardiopulmonary job runs its patients in every arm: 25 × 3 arms, 75 rows a batch)."""


def resize(trial: Trial, size: int) -> Trial:
    """The trial with a generated cohort of `size` (the bundled trials are large)."""
    if trial.twin == "glucose" and trial.cohort.generated is None:
        raise TrialError("cohort size can only be changed for a generated cohort "
                         "(cohort: {generated: N})")  # fmt: skip
    if not 1 <= size <= 100_000:
        raise TrialError(f"cohort size {size!r} must be from 1 to 100000")
    cohort = trial.cohort.model_copy(update={"generated": size})
    return trial.model_copy(update={"cohort": cohort})


def check_orders(trial: CardioTrial) -> None:
    """Refuse unknown or out-of-range orders before the run, naming the field."""
    twin = Twin("standard-male", waveform_seconds=0.0)
    fields = [(f"at_start[{i}]", text) for i, text in enumerate(trial.at_start)]
    fields += [(f"arms[{i}].vasopressor", arm.vasopressor) for i, arm in enumerate(trial.arms)
               if arm.vasopressor is not None]  # fmt: skip
    for field, text in fields:
        try:
            twin.fork().apply(text)
        except ValueError as error:
            raise TrialError(f"{field} = {text!r}: {str(error).splitlines()[0]}") from None


def trial_jobs(trial: Trial, chunk: int | None = None, threads: int | None = None) -> list[tuple]:
    """The jobs of a trial, chunks of the cohort's patient keys: (trial, arm index, keys)
    for every arm and chunk of a glucose trial; (trial, keys, threads) for every chunk of
    a cardiopulmonary one, whose jobs run every arm in one batch."""
    size = trial.cohort.size()
    step = chunk or CHUNK_PATIENTS[trial.twin]
    chunks = [list(range(start, min(start + step, size))) for start in range(0, size, step)]
    if isinstance(trial, CardioTrial):
        return [(trial, keys, threads) for keys in chunks]
    return [(trial, arm, keys) for arm in range(len(trial.arms)) for keys in chunks]


def run_trial(
    trial: Trial,
    *,
    cluster: str | None = None,
    workers: int | None = None,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row per arm and patient, arm by arm in key order: arm, key, patient and the
    trial's outcomes (and, for a cardiopulmonary trial, why a patient was excluded)."""
    if isinstance(trial, CardioTrial):
        check_orders(trial)
        function = run_cardio_job
    else:
        function = run_glucose_job
    # A Dask worker is one single-threaded process: its batch keeps to one thread.
    threads = None if cluster == "serial" else 1
    frames = run_jobs(function, trial_jobs(trial, chunk, threads), cluster=cluster,
                      workers=workers, progress=progress)  # fmt: skip
    results = pd.concat(frames, ignore_index=True)
    arm_order = {arm.name: index for index, arm in enumerate(trial.arms)}
    ordered = results.assign(arm_index=results["arm"].map(arm_order))
    ordered = ordered.sort_values(["arm_index", "key"], kind="stable")
    return ordered.drop(columns="arm_index").reset_index(drop=True)
