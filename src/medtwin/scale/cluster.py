"""Fan independent jobs out over Dask (`distributed`) and gather them in order.

`cluster` chooses where the jobs run:
- `None` or `"local"`: a `LocalCluster` on this machine, one single-threaded worker
  process per core (or `workers`), started for the call and closed after it;
- `"serial"`: in this process, one after another (no Dask; for tiny runs and tests);
- `"tcp://host:port"` (or `tls://`): the scheduler of an existing cluster.

Results come back in the order of `jobs`, so a seeded job list gives the same result
list on one worker, two, or a hundred.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")
SCHEDULER_SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://")


class ClusterError(ValueError):
    """A cluster that cannot be used: a bad address, or a scheduler that does not answer."""


def run_jobs(
    function: Callable[[Job], Result],
    jobs: Iterable[Job],
    *,
    cluster: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout_s: float = 10.0,
) -> list[Result]:
    """Apply `function` to every job, in parallel, and return the results in job order.

    `function` and the jobs must be picklable (a module-level function and plain data).
    `progress(done, total)` is called as jobs finish; a scheduler that does not answer
    within `connect_timeout_s` is refused.
    """
    job_list = list(jobs)
    if workers is not None and workers < 1:
        raise ClusterError(f"workers {workers!r} must be a whole number of 1 or more")
    if cluster == "serial":
        return _run_serial(function, job_list, progress)
    if cluster not in (None, "local") and not cluster.startswith(SCHEDULER_SCHEMES):
        raise ClusterError(
            f"cluster {cluster!r} is not understood: use 'local', 'serial' or a scheduler "
            f"address such as tcp://10.0.0.5:8786"
        )
    return _run_on_dask(function, job_list, cluster, workers, progress, connect_timeout_s)


def _run_serial(
    function: Callable[[Job], Result],
    job_list: Sequence[Job],
    progress: Callable[[int, int], None] | None,
) -> list[Result]:
    results = []
    for done, job in enumerate(job_list, start=1):
        results.append(function(job))
        if progress:
            progress(done, len(job_list))
    return results


def _run_on_dask(
    function: Callable[[Job], Result],
    job_list: Sequence[Job],
    cluster: str | None,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    connect_timeout_s: float,
) -> list[Result]:
    from distributed import Client, LocalCluster, as_completed

    local = None
    try:
        if cluster in (None, "local"):
            local = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,  # no web server unless asked for
                silence_logs=logging.ERROR,
            )
            client = Client(local)
        else:
            try:
                client = Client(cluster, timeout=connect_timeout_s)
            except OSError as error:
                raise ClusterError(f"cluster {cluster!r} did not answer: {error}") from None
        with client:
            futures = client.map(function, job_list, pure=False)
            index_of = {future.key: index for index, future in enumerate(futures)}
            results: list[Any] = [None] * len(job_list)
            for done, future in enumerate(as_completed(futures), start=1):
                results[index_of[future.key]] = future.result()
                if progress:
                    progress(done, len(job_list))
            return results
    finally:
        if local is not None:
            local.close()
