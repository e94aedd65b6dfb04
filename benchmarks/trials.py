"""Throughput of a cardiopulmonary trial on the LocalCluster: patient-hours per second.

Generated adults, propofol 2 mg/kg at t = 0, phenylephrine 100 mcg when MAP < 65 mmHg,
one simulated hour each, run by `medtwin.trials.run_trial` on a LocalCluster (one
single-threaded worker process per core), each job a batch of patients advanced
together by the compiled kernel (`medtwin.trials.cohort`). Two phases are timed:

1. settle: every new patient is first brought to rest (`RestingCohort.settle`, one
   simulated hour at rest), a one-time cost kept in the steady-state cache;
2. trial: the trial itself, with every patient settled (what any later run of the same
   cohort costs).

By default the steady states go to a temporary cache, so phase 1 always settles every
patient (`--user-cache` uses and fills your medtwin cache instead); the compiled kernel
comes from your cache either way. Printed, never asserted; not part of the tests.

    .venv/bin/python benchmarks/trials.py [--twins 10000] [--workers N] [--user-cache]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from medtwin.compiled.cache import versioned_cache_dir


def settle_chunk(job: tuple) -> int:
    """Settle the patients `keys` of `trial` (a job for `run_jobs`); how many."""
    from medtwin import generate_population
    from medtwin.trials.cardio_arm import cohort_seed
    from medtwin.trials.cohort import RestingCohort

    trial, keys = job
    population = generate_population(trial.cohort.generated, seed=trial.seed,
                                     age_range=trial.cohort.age_range)  # fmt: skip
    RestingCohort.settle([population[k] for k in keys], [cohort_seed(trial, k) for k in keys])
    return len(keys)


def measure(twins: int, workers: int) -> tuple[float, float, int]:
    """(settle wall s, trial wall s, patients with outcomes) for `twins` twins."""
    from medtwin.scale import run_jobs
    from medtwin.trials import parse_trial, run_trial
    from medtwin.trials.runner import CHUNK_PATIENTS

    trial = parse_trial({
        "name": "throughput", "twin": "cardiopulmonary", "seed": 1,
        "cohort": {"generated": twins}, "duration_min": 60,
        "at_start": ["propofol 2 mg/kg IV bolus"],
        "arms": [{"name": "phenylephrine", "vasopressor": "phenylephrine 100 mcg IV bolus"}],
        "outcomes": ["min_map_mmHg", "time_map_below_65_min"],
    })  # fmt: skip
    step = CHUNK_PATIENTS["cardiopulmonary"]
    chunks = [(trial, list(range(a, min(a + step, twins)))) for a in range(0, twins, step)]
    start = time.perf_counter()
    run_jobs(settle_chunk, chunks, cluster="local", workers=workers)
    settle_s = time.perf_counter() - start
    start = time.perf_counter()
    results = run_trial(trial, cluster="local", workers=workers)
    trial_s = time.perf_counter() - start
    return settle_s, trial_s, int((results["excluded"] == "").sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twins", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--user-cache", action="store_true",
                        help="keep steady states in your medtwin cache")  # fmt: skip
    args = parser.parse_args()
    os.environ.setdefault("NUMBA_CACHE_DIR", str(versioned_cache_dir("numba")))
    with tempfile.TemporaryDirectory(prefix="medtwin-bench-") as folder:
        if not args.user_cache:
            os.environ["MEDTWIN_CACHE_DIR"] = folder  # read by the workers it spawns
        settle_s, trial_s, simulated = measure(args.twins, args.workers)
    hours = args.twins  # one simulated hour each
    print(
        f"{args.twins} cardiopulmonary twins x 1 simulated hour, LocalCluster of "
        f"{args.workers} workers ({simulated} run, {args.twins - simulated} excluded):"
    )
    print(f"  settle at rest: {settle_s:.1f} s wall ({hours / settle_s:.2f} patient-hours/s)")
    print(f"  trial:          {trial_s:.1f} s wall ({hours / trial_s:.2f} patient-hours/s)")
    print(f"  both:           {settle_s + trial_s:.1f} s wall "
          f"({hours / (settle_s + trial_s):.2f} patient-hours/s)")  # fmt: skip


if __name__ == "__main__":
    main()
