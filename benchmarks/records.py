"""Speed of the records twin (issue 14): live assimilation and plan comparison.

1. One twin with a 50-member ensemble assimilates 1 Hz data (heart rate, MAP, SpO2,
   respiratory rate from a "truth" twin plus noise): simulated seconds per wall second.
2. Three plans x 50 members x 1 simulated hour (`compare_plans`), serial and on a
   local Dask cluster of two workers: wall seconds, and (serial) the CPU seconds of the
   process's threads, which say what a quiet machine would take when others share it.
The members of each run side by side in one batch of the kernel (`assimilation.batched`).

Run: .venv/bin/python benchmarks/records.py [--seconds 120] [--members 50] [--skip-plans]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from medtwin import Patient, Twin
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.interop import Measurement
from medtwin.planning import compare_plans, parse_plan

PATIENT = Patient(name="bench", sex="male", age_years=55, height_cm=178, weight_kg=82)
SIGNALS = ("heart_rate", "mean_arterial_pressure", "spo2", "respiratory_rate")
PLANS = (
    "no change",
    "normal saline 500 mL over 15 min",
    "norepinephrine 0.1 mcg/kg/min IV infusion",
)


def assimilation(seconds: int, members: int) -> float:
    truth = Twin(PATIENT.model_copy(update={"overrides": {"T_REST": 0.75}}), waveform_seconds=0.0)
    estimator = EnsembleKalmanFilter(members=members, seed=0).fit(PATIENT)
    rng = np.random.default_rng(0)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batches = []
    for k in range(seconds):
        truth.advance(1.0)
        vitals = truth.vitals()
        batches.append(
            [
                Measurement(s, vitals[s] + rng.normal(0, 1), start + timedelta(seconds=k), "bench")
                for s in SIGNALS
            ]
        )
    begin = time.perf_counter()
    for batch in batches:
        estimator.update(batch)
    elapsed = time.perf_counter() - begin
    ratio = seconds / elapsed
    print(
        f"assimilation: {members} members, {seconds} s of 1 Hz data ({len(SIGNALS)} signals) "
        f"in {elapsed:.2f} s wall = {ratio:.0f}x real time"
    )
    return ratio


def plans(members: int, cluster: str, chunks: int) -> float:
    snapshots = EnsembleKalmanFilter(members=members, seed=0).fit(PATIENT).ensemble.snapshots()
    parsed = [parse_plan(text, PATIENT) for text in PLANS]
    begin, cpu = time.perf_counter(), time.process_time()
    compare_plans(snapshots, parsed, 3600.0, every_s=60.0, cluster=cluster, chunks_per_plan=chunks)
    elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu
    # CPU seconds of this process (every thread): the work, whatever else the machine does
    busy = f"; {cpu:.1f} CPU s in this process" if cluster == "serial" else ""
    print(f"plans: 3 plans x {members} members x 1 h, cluster={cluster}: {elapsed:.1f} s wall"
          f"{busy}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    return elapsed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--skip-plans", action="store_true")
    args = parser.parse_args()
    assimilation(args.seconds, args.members)
    if not args.skip_plans:
        plans(args.members, "serial", 1)
        plans(args.members, "local", 2)
