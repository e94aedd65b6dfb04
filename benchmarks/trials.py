"""Throughput of a cardiopulmonary trial on the LocalCluster: patient-hours per second.

Generated adults, propofol 2 mg/kg at t = 0, phenylephrine 100 mcg when MAP < 65 mmHg,
one simulated hour each, fanned out by `medtwin.scale.run_jobs` (one process per core).
The issue's figure is for 10,000 twins (about two hours of wall time on 2 cores at the
1.3 patient-hours/s measured with 40 twins); pass `--twins` for a shorter measurement.

    .venv/bin/python benchmarks/trials.py [--twins 10000] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import time

from medtwin.trials import parse_trial, run_trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twins", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    trial = parse_trial({
        "name": "throughput", "twin": "cardiopulmonary", "seed": 1,
        "cohort": {"generated": args.twins}, "duration_min": 60,
        "at_start": ["propofol 2 mg/kg IV bolus"],
        "arms": [{"name": "phenylephrine", "vasopressor": "phenylephrine 100 mcg IV bolus"}],
        "outcomes": ["min_map_mmHg", "time_map_below_65_min"],
    })  # fmt: skip
    start = time.perf_counter()
    results = run_trial(trial, cluster="local", workers=args.workers)
    wall_s = time.perf_counter() - start
    print(f"{len(results)} twins x 1 simulated hour on a LocalCluster of {args.workers} "
          f"workers: {wall_s:.1f} s wall, {len(results) / wall_s:.2f} patient-hours/s")  # fmt: skip


if __name__ == "__main__":
    main()
