"""Replications per second of the Treatment Centre: medtwin against treat-sim, same run.

    .venv/bin/python benchmarks/hospital.py [--replications 100]

Prints: medtwin and treat-sim on one core (in this process, best of 3), then medtwin on
Dask LocalClusters of 1 and 2 workers (cluster start-up excluded: the clusters are made
first and a warm-up batch runs before timing). Measured, never asserted.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import time

import numpy as np
from distributed import Client, LocalCluster
from treat_sim.model import Scenario, single_run

from medtwin.hospital import load_model
from medtwin.hospital.experiment import ReplicationJob, run_replication


def best_rate(function, replications: int, repeats: int = 3) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function(replications)
        best = min(best, time.perf_counter() - start)
    return replications / best


def medtwin_serial(model, replications: int) -> None:
    for r in range(replications):
        run_replication(ReplicationJob(model, r, 0))


def treat_sim_serial(replications: int) -> None:
    scenario = Scenario()
    with np.errstate(all="ignore"):
        for r in range(replications):
            single_run(scenario, random_no_set=r)


def medtwin_on_dask(client: Client, model, replications: int) -> float:
    jobs = [ReplicationJob(model, r, 0) for r in range(replications)]
    client.gather(client.map(run_replication, jobs[:8], pure=False))  # warm the workers
    start = time.perf_counter()
    client.gather(client.map(run_replication, jobs, pure=False))
    return replications / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=100)
    n = parser.parse_args().replications
    model = load_model("treatment-centre")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    ours = best_rate(lambda k: medtwin_serial(model, k), n)
    theirs = best_rate(treat_sim_serial, n)
    print(f"one core, {n} replications (best of 3):")
    print(f"  medtwin    {ours:7.1f} replications/s")
    print(f"  treat-sim  {theirs:7.1f} replications/s   (medtwin x{ours / theirs:.2f})")
    rates = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                Client(cluster) as client:  # fmt: skip
            rates[workers] = medtwin_on_dask(client, model, n)
        print(f"  medtwin on Dask, {workers} worker(s): {rates[workers]:7.1f} replications/s")
    print(f"  speed-up from the second worker: x{rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
